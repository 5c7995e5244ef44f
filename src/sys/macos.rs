//! macOS (and other Unix but Linux): what differs from Linux.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus};
use std::sync::OnceLock;

use signal_hook::iterator::Signals as Caught;

use super::unix::{FORWARDED, forward, restore_default_signals};

/// The core size limit the helper started with, for `exec`'s child.
static CORE_LIMIT: OnceLock<(libc::rlim_t, libc::rlim_t)> = OnceLock::new();

/// No core dumps of the helper (it holds tokens in memory): its core size limit is set to zero.
pub(crate) fn disable_core_dumps() {
    // SAFETY: getrlimit/setrlimit on stack values they fully initialise.
    unsafe {
        let mut limit = std::mem::zeroed::<libc::rlimit>();
        if libc::getrlimit(libc::RLIMIT_CORE, &mut limit) == 0 {
            let _ = CORE_LIMIT.set((limit.rlim_cur, limit.rlim_max));
            limit.rlim_cur = 0;
            libc::setrlimit(libc::RLIMIT_CORE, &limit);
        }
    }
}

/// The child of `exec` gets the old core size limit back.
pub(crate) fn restore_core_dumps_in_child(command: &mut Command) {
    if let Some(&(cur, max)) = CORE_LIMIT.get() {
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

/// The default pipe size is kept.
pub(crate) fn widen_pipe(_pipe: &std::io::PipeReader) {}

/// Without a parent-death signal the child stays in the helper's group, so a signal to the group
/// still ends both.
pub(crate) fn isolate_child(_command: &mut Command) -> bool {
    false
}

/// The signals caught for `exec`'s child. macOS does not say who sent a signal, so every one is
/// forwarded.
pub(crate) struct Signals(Caught);

impl Signals {
    pub(crate) fn listen() -> std::io::Result<Self> {
        Caught::new(FORWARDED).map(Signals)
    }

    pub(crate) fn forward_until_exit(
        self,
        mut child: Child,
        isolated: bool,
    ) -> std::io::Result<ExitStatus> {
        let pid = child.id();
        let Signals(mut signals) = self;
        let handle = signals.handle();
        let forwarder = std::thread::spawn(move || {
            for signal in signals.forever() {
                forward(pid, isolated, signal);
            }
        });
        let status = child.wait();
        handle.close();
        let _ = forwarder.join();
        restore_default_signals();
        status
    }
}

/// WSL is Linux only.
pub(crate) fn wsl_kernel() -> bool {
    false
}

pub(crate) fn wsl_interop() -> bool {
    false
}
