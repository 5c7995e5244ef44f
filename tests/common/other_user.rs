//! A second, throwaway user (a uid with no account, through `setpriv`), for what only shows with
//! another user: the kernel's key quota (root has none), files another user owns, a folder the
//! user cannot write. Only root can switch users: without root these tests say SKIPPED.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{BIN, Sandbox};

pub struct OtherUser {
    pub uid: u32,
    /// A copy of the binary the user can reach (the checkout may be in a private folder).
    pub bin: PathBuf,
}

impl OtherUser {
    /// `None` (and a SKIPPED line) when the tests do not run as root.
    pub fn new(sb: &Sandbox, test: &str) -> Option<OtherUser> {
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("SKIPPED {test}: needs root to act as a throwaway user");
            return None;
        }
        // Distinct per test process, far from real accounts.
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let uid = 40_000
            + (std::process::id() % 1_000) * 10
            + NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst) % 10;
        let bin = sb.root.path().join("mystic-credential-helper");
        std::fs::copy(BIN, &bin).unwrap();
        // A process another test thread forked while the copy was open for writing holds it
        // until it execs: until then, running the copy fails with ETXTBSY ("text file busy").
        for _ in 0..200 {
            match Command::new(&bin).arg("--version").output() {
                Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                _ => break,
            }
        }
        let user = OtherUser { uid, bin };
        user.chown(sb.root.path());
        Some(user)
    }

    /// Gives `path` (recursively) to this user.
    pub fn chown(&self, path: &Path) {
        let owner = format!("{0}:{0}", self.uid);
        let ok = Command::new("chown")
            .args(["-R", &owner])
            .arg(path)
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }

    /// `sh -c SCRIPT` as this user, in a fresh session keyring, with the sandbox's environment
    /// and `$BIN` naming the binary; returns (stdout, stderr).
    pub fn sh(&self, sb: &Sandbox, script: &str) -> (String, String) {
        let out = Command::new("setpriv")
            .args([
                &format!("--reuid={}", self.uid),
                &format!("--regid={}", self.uid),
                "--clear-groups",
                "keyctl",
                "session",
                "-",
                "sh",
                "-c",
                script,
            ])
            .env_clear()
            .envs(sb.envs())
            .env("BIN", &self.bin)
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}
