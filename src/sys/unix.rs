//! Unix (Linux and macOS).

use std::process::Command;

/// Whether a process with this id runs (or is a zombie not yet reaped). A pid we may not signal
/// belongs to another user's process: alive.
pub fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 only checks that the process exists.
    let sent = unsafe { libc::kill(pid, 0) };
    sent == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Whether this process has a controlling terminal (then its process group is a job a shell
/// controls, and a child must stay in it for job control to work).
fn has_controlling_terminal() -> bool {
    let mut options = std::fs::File::options();
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOCTTY);
    options.read(true).write(true).open("/dev/tty").is_ok()
}

/// Whether `pid` is in this process's process group (a signal it sent to "its group" reached
/// us and the child alike).
pub fn in_our_group(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: plain queries of process group ids.
    unsafe { libc::getpgid(pid) == libc::getpgrp() }
}

/// Puts `exec`'s child in a process group of its own, where no terminal's job control needs it
/// in ours: then a signal sent to our group reaches the child once, forwarded, instead of twice.
/// On Linux the child also dies with us (as it would have in our group), so it never outlives a
/// killed helper holding the token. Returns whether it did.
pub fn isolate_child(command: &mut Command) -> bool {
    if cfg!(not(target_os = "linux")) || has_controlling_terminal() {
        return false;
    }
    use std::os::unix::process::CommandExt;
    command.process_group(0);
    #[cfg(target_os = "linux")]
    // SAFETY: prctl is async-signal-safe, as a pre_exec hook must be.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    true
}

/// A signal caught while the helper could not die of it yet (a prompt was open): the command
/// finishes its clean-up, and `raise_deferred_signal` then ends the process with it.
static DEFERRED: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

pub fn defer_signal(signal: i32) {
    DEFERRED.store(signal, std::sync::atomic::Ordering::SeqCst);
}

/// Dies of the deferred signal, if there is one, as the process would have without catching it.
pub fn raise_deferred_signal() {
    let signal = DEFERRED.load(std::sync::atomic::Ordering::SeqCst);
    if signal != 0 {
        let _ = signal_hook::low_level::emulate_default_handler(signal);
    }
}
