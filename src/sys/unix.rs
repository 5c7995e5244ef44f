//! Unix: Linux and macOS alike.

use std::fs::{File, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicI32, Ordering};

/// Options that open a file for reading without waiting for a FIFO's writer.
pub(crate) fn reading() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.read(true).custom_flags(libc::O_NONBLOCK);
    options
}

/// Options for the lock file: read-write, created with mode 0600, never through a symbolic link.
pub(crate) fn lock_file() -> OpenOptions {
    let mut options = OpenOptions::new();
    options
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    options
}

/// Options to append to a file, without waiting for a FIFO's reader.
pub(crate) fn appending() -> OpenOptions {
    let mut options = OpenOptions::new();
    options
        .append(true)
        .create(true)
        .custom_flags(libc::O_NONBLOCK);
    options
}

/// Whether an open failed because the path is a symbolic link (`O_NOFOLLOW`).
pub(crate) fn is_link(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::ELOOP)
}

/// The owner's user id and the permission bits, where the platform has them.
pub(crate) fn owner_and_mode(meta: &Metadata) -> Option<(u32, u32)> {
    Some((meta.uid(), meta.mode() & 0o7777))
}

/// The user this process acts as.
pub(crate) fn user_id() -> Option<u32> {
    // SAFETY: geteuid cannot fail.
    Some(unsafe { libc::geteuid() })
}

/// Makes a rename in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Creates `dir` (and missing parents) with mode 0700.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// A new folder in the temp folder, mode 0700 (tempfile's default is 0777 less the umask).
pub(crate) fn private_temp_dir(prefix: &str) -> io::Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(prefix)
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
}

/// A link at `link` to the folder `target`.
pub(crate) fn link_dir(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

/// Whether a process with this id runs (or is a zombie not yet reaped). A pid we may not signal
/// belongs to another user's process: alive.
pub(crate) fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: kill with signal 0 only checks that the process exists.
    let sent = unsafe { libc::kill(pid, 0) };
    sent == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// How a child ended: `Err(signal)` when a signal killed it, else its exit code.
pub(crate) fn exit_of(status: ExitStatus) -> Result<i32, i32> {
    match std::os::unix::process::ExitStatusExt::signal(&status) {
        Some(signal) => Err(signal),
        None => Ok(status.code().unwrap_or(1)),
    }
}

/// A handle of its own on one of the process's output streams, unbuffered: what `exec` relays
/// goes out as it arrives.
pub(crate) fn stream_file(stream: super::Stream) -> io::Result<File> {
    use std::os::fd::AsFd;
    let owned = match stream {
        super::Stream::Stdout => std::io::stdout().as_fd().try_clone_to_owned(),
        super::Stream::Stderr => std::io::stderr().as_fd().try_clone_to_owned(),
    };
    owned.map(Into::into)
}

/// Whether two output streams lead to the same file or pipe (`>log 2>&1`).
pub(crate) fn same_file(a: super::Stream, b: super::Stream) -> bool {
    let id = |stream| {
        let meta = stream_file(stream).and_then(|f| f.metadata()).ok()?;
        Some((meta.dev(), meta.ino()))
    };
    matches!((id(a), id(b)), (Some(a), Some(b)) if a == b)
}

/// The default action again for the signals `exec` caught, once its child has exited:
/// signal-hook leaves them ignored when it stops listening, and a helper still relaying the
/// output of what the child left behind must stay killable.
pub(super) fn restore_default_signals() {
    for signal in FORWARDED {
        // SAFETY: setting a standard disposition for a signal number we know.
        unsafe { libc::signal(signal, libc::SIG_DFL) };
    }
}

/// Starts a program in a process group of its own.
pub(crate) fn own_process_group(command: &mut std::process::Command) {
    std::os::unix::process::CommandExt::process_group(command, 0);
}

/// Kills a child started with `own_process_group`, and everything else in its group.
pub(crate) fn kill_process_group(child: &mut std::process::Child) {
    // SAFETY: kill(2) on the group of a child we have not reaped yet.
    unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL) };
    let _ = child.wait();
}

/// The signals `exec` passes on to its child.
pub(super) const FORWARDED: [i32; 6] = {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
    [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]
};

/// Sends `signal` to the child, or to its whole process group when it has one of its own.
pub(super) fn forward(pid: u32, isolated: bool, signal: i32) {
    let pid = pid as libc::pid_t;
    let target = if isolated { -pid } else { pid };
    // SAFETY: kill(2) with a pid (or group) we spawned and have not reaped yet.
    unsafe { libc::kill(target, signal) };
}

/// A signal caught while the helper could not die of it yet (a prompt was open): the command
/// finishes its clean-up, and `raise_deferred_signal` then ends the process with it.
static DEFERRED: AtomicI32 = AtomicI32::new(0);

#[cfg(target_os = "linux")] // only the Secret Service's prompts defer a signal
pub(crate) fn defer_signal(signal: i32) {
    DEFERRED.store(signal, Ordering::SeqCst);
}

/// Dies of the deferred signal, if there is one, as the process would have without catching it.
pub(crate) fn raise_deferred_signal() {
    let signal = DEFERRED.load(Ordering::SeqCst);
    if signal != 0 {
        let _ = signal_hook::low_level::emulate_default_handler(signal);
    }
}

/// A small process that outlives a helper killed with SIGKILL (which nothing can catch) and then
/// ends what `exec` started: CMD's whole process group where CMD has one of its own, else CMD. It
/// holds the reading end of a pipe whose writing end only the helper has; end of file without the
/// helper's word means the helper died. (In CMD's own group, what CMD started dies too, unless
/// it left the group, as a daemon does.)
pub(crate) struct Guard {
    pid: libc::pid_t,
    word: Option<std::os::fd::OwnedFd>,
}

impl Guard {
    /// Starts guarding `child`, which `isolated` says has a process group of its own. Without a
    /// guard (fork failed) the command still runs, as it would have before.
    pub(crate) fn start(child: u32, isolated: bool) -> Guard {
        let target = match isolated {
            true => -(child as libc::pid_t),
            false => child as libc::pid_t,
        };
        let mut fds = [0; 2];
        // SAFETY: pipe(2) into a local array.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return Guard { pid: 0, word: None };
        }
        let [read, write] = fds;
        // SAFETY: after fork the child calls only async-signal-safe functions (dup2, close,
        // read, kill, _exit), as a multi-threaded process's child must.
        match unsafe { libc::fork() } {
            0 => unsafe { guard(read, target) },
            pid => {
                // SAFETY: closing our copy of the reading end; the writing end is owned below.
                unsafe { libc::close(read) };
                let word = (pid > 0).then(|| {
                    // SAFETY: `write` is a descriptor we own, and only here.
                    unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(write) }
                });
                if pid < 0 {
                    // SAFETY: as above, the fork failed: nothing else has it.
                    unsafe { libc::close(write) };
                }
                Guard { pid, word }
            }
        }
    }

    /// The helper ends as planned (CMD has exited): the guard leaves whatever is left running.
    pub(crate) fn release(mut self) {
        if let Some(word) = self.word.take() {
            let mut pipe = File::from(word);
            let _ = std::io::Write::write_all(&mut pipe, b"x");
        }
        if self.pid > 0 {
            // SAFETY: reaping our own child.
            unsafe { libc::waitpid(self.pid, std::ptr::null_mut(), 0) };
        }
    }
}

/// The guard's whole life, in the forked child.
unsafe fn guard(read: libc::c_int, target: libc::pid_t) -> ! {
    // SAFETY (all below): async-signal-safe calls on descriptors this process owns.
    unsafe {
        // Nothing else of the helper's stays open here: no pipe of exec's relay waits on us.
        libc::dup2(read, 0);
        close_from(1);
        let mut word = 0u8;
        let n = loop {
            let n = libc::read(0, (&mut word as *mut u8).cast(), 1);
            let interrupted = std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR);
            if n >= 0 || !interrupted {
                break n;
            }
        };
        if n == 0 {
            libc::kill(target, libc::SIGKILL);
        }
        libc::_exit(0)
    }
}

/// Closes every descriptor from `first` on (async-signal-safe).
#[cfg(target_os = "linux")]
unsafe fn close_from(first: libc::c_uint) {
    // SAFETY: close_range(2) takes plain integers; without it (before Linux 5.9), one by one.
    if unsafe { libc::syscall(libc::SYS_close_range, first, libc::c_uint::MAX, 0) } != 0 {
        for fd in first..4096 {
            unsafe { libc::close(fd as libc::c_int) };
        }
    }
}

#[cfg(not(target_os = "linux"))]
unsafe fn close_from(first: libc::c_uint) {
    for fd in first..4096 {
        // SAFETY: close(2) on numbers that may or may not be open.
        unsafe { libc::close(fd as libc::c_int) };
    }
}
