//! Linux: what differs from macOS.

use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus};

use signal_hook::iterator::SignalsInfo;
use signal_hook::iterator::exfiltrator::WithOrigin;
use signal_hook::low_level::siginfo::{Cause, Origin};

use super::unix::{FORWARDED, forward, restore_default_signals};

/// No core dumps of the helper: it holds tokens in memory (under `exec`, for the child's whole
/// life), and a core file would put them on disk. The process is marked not dumpable, which also
/// keeps other processes of the user from attaching to it or reading its memory.
pub(crate) fn disable_core_dumps() {
    // SAFETY: prctl with PR_SET_DUMPABLE takes plain integers and touches only this process.
    unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
}

/// `execve` makes the child of `exec` dumpable again: nothing to do.
pub(crate) fn restore_core_dumps_in_child(_command: &mut Command) {}

/// A bigger pipe buffer (1 MiB, the unprivileged maximum) for a pipe `exec` relays: fewer
/// switches between the child and the relay.
pub(crate) fn widen_pipe(pipe: &std::io::PipeReader) {
    use std::os::fd::AsRawFd;
    // SAFETY: fcntl on a pipe we own; failure leaves the default size.
    unsafe { libc::fcntl(pipe.as_raw_fd(), libc::F_SETPIPE_SZ, 1 << 20) };
}

/// Puts `exec`'s child in a process group of its own, where no terminal's job control needs it
/// in ours: then a signal sent to our group reaches the child once, forwarded, instead of twice.
/// The child also dies with us (as it would have in our group), so it never outlives a killed
/// helper holding the token. Returns whether it did.
pub(crate) fn isolate_child(command: &mut Command) -> bool {
    if has_controlling_terminal() {
        return false;
    }
    command.process_group(0);
    // SAFETY: prctl is async-signal-safe, as a pre_exec hook must be.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    true
}

/// The signals caught for `exec`'s child, each passed on once. Where the child has a process
/// group of its own (`isolate_child`) every one is forwarded to it. In a terminal the child
/// shares ours, for job control; there a signal the terminal sends (Ctrl-C) or a member of our
/// group sends to the group already reached the child, and is not sent again, as sudo does.
pub(crate) struct Signals(SignalsInfo<WithOrigin>);

impl Signals {
    /// Starts catching, before the child is spawned: a signal sent once it runs must not find
    /// the helper with the default action (die, leaving the child behind).
    pub(crate) fn listen() -> std::io::Result<Self> {
        SignalsInfo::new(FORWARDED).map(Signals)
    }

    /// Waits for the child, passing on what arrives meanwhile (including anything caught
    /// between `listen` and the spawn).
    pub(crate) fn forward_until_exit(
        self,
        mut child: Child,
        isolated: bool,
    ) -> std::io::Result<ExitStatus> {
        let pid = child.id();
        let Signals(mut signals) = self;
        let handle = signals.handle();
        let forwarder = std::thread::spawn(move || {
            for caught in signals.forever() {
                if isolated || !reached_the_child(&caught) {
                    forward(pid, isolated, caught.signal);
                }
            }
        });
        let status = child.wait();
        handle.close();
        let _ = forwarder.join();
        restore_default_signals();
        status
    }
}

/// Whether a signal reached the child in our group directly too: sent by the terminal to the
/// foreground group, or sent to our group by one of its members (the child itself, say).
fn reached_the_child(caught: &Origin) -> bool {
    caught.cause == Cause::Kernel
        || caught.process.as_ref().is_some_and(|sender| {
            // SAFETY: plain queries of process group ids.
            unsafe { libc::getpgid(sender.pid) == libc::getpgrp() }
        })
}

/// Whether this process has a controlling terminal (then its process group is a job a shell
/// controls, and a child must stay in it for job control to work).
fn has_controlling_terminal() -> bool {
    let mut options = std::fs::OpenOptions::new();
    options.custom_flags(libc::O_NOCTTY);
    options.read(true).write(true).open("/dev/tty").is_ok()
}

/// Whether this runs on WSL's kernel (its release names Microsoft).
pub(crate) fn wsl_kernel() -> bool {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .is_ok_and(|release| release.to_ascii_lowercase().contains("microsoft"))
}

/// Whether WSL's interop is registered with binfmt_misc (it is, unless turned off).
pub(crate) fn wsl_interop() -> bool {
    ["WSLInterop", "WSLInterop-late"].iter().any(|name| {
        std::path::Path::new("/proc/sys/fs/binfmt_misc")
            .join(name)
            .exists()
    })
}
