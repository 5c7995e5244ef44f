//! No core dumps of the helper: it holds tokens in memory (under `exec`, for the child's whole
//! life), and a core file would put them on disk. The child of `exec` keeps its own default.

/// On Linux the process is marked not dumpable, which also keeps other processes of the user
/// from attaching to it or reading its memory; `execve` makes a child dumpable again.
#[cfg(target_os = "linux")]
pub fn disable() {
    // SAFETY: prctl with PR_SET_DUMPABLE takes plain integers and touches only this process.
    unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
}

/// Elsewhere the core size limit is set to zero; `restore_in_child` puts the old limit back for
/// the child of `exec`, which would otherwise inherit it.
#[cfg(all(unix, not(target_os = "linux")))]
pub fn disable() {
    // SAFETY: getrlimit/setrlimit on stack values they fully initialise.
    unsafe {
        let mut limit = std::mem::zeroed::<libc::rlimit>();
        if libc::getrlimit(libc::RLIMIT_CORE, &mut limit) == 0 {
            let _ = ORIGINAL.set((limit.rlim_cur, limit.rlim_max));
            limit.rlim_cur = 0;
            libc::setrlimit(libc::RLIMIT_CORE, &limit);
        }
    }
}

#[cfg(all(unix, not(target_os = "linux")))]
static ORIGINAL: std::sync::OnceLock<(libc::rlim_t, libc::rlim_t)> = std::sync::OnceLock::new();

#[cfg(all(unix, not(target_os = "linux")))]
pub fn restore_in_child(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    if let Some(&(cur, max)) = ORIGINAL.get() {
        // SAFETY: setrlimit is async-signal-safe, as a pre_exec hook must be.
        unsafe {
            command.pre_exec(move || {
                let limit = libc::rlimit {
                    rlim_cur: cur,
                    rlim_max: max,
                };
                libc::setrlimit(libc::RLIMIT_CORE, &limit);
                Ok(())
            });
        }
    }
}

/// Windows writes no core files by itself (Windows Error Reporting keeps its dumps off unless
/// configured), and Linux's `execve` resets the flag: nothing to do.
#[cfg(any(windows, target_os = "linux"))]
pub fn restore_in_child(_command: &mut std::process::Command) {}

#[cfg(windows)]
pub fn disable() {}
