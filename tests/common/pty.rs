//! A pseudo-terminal that becomes a child's controlling terminal and stdio, so the child's
//! `/dev/tty` is ours: the test types on it, reads the screen, and reads the terminal's flags.
//! Linux only: there a master reports its slave's flags.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(30);

pub struct Pty {
    master: File,
    screen: Receiver<Vec<u8>>,
    seen: Vec<u8>,
}

impl Pty {
    /// Runs `cmd` in a new session on a fresh pseudo-terminal.
    pub fn spawn(mut cmd: Command) -> (Pty, Child) {
        let (mut master, mut slave) = (-1, -1);
        // SAFETY: openpty fills in two fds, which we own from here on.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
        let (master, slave) = unsafe { (File::from_raw_fd(master), File::from_raw_fd(slave)) };
        let stdio = || Stdio::from(slave.try_clone().unwrap());
        cmd.stdin(stdio()).stdout(stdio()).stderr(stdio());
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() == -1 || libc::ioctl(0, libc::TIOCSCTTY, 0) == -1 {
                    return Err(std::io::Error::last_os_error());
                }
                // As in a terminal session, even if the tests run as a background job with
                // SIGINT ignored (which the child would inherit).
                libc::signal(libc::SIGINT, libc::SIG_DFL);
                Ok(())
            });
        }
        let child = cmd.spawn().unwrap();
        // Our copies of the slave (in `cmd` too) must go, or reading the master never ends.
        drop((cmd, slave));
        let (tx, screen) = channel();
        let mut reader = master.try_clone().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            // Linux answers EIO once every slave fd is closed: the end of the screen.
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                if tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        (
            Pty {
                master,
                screen,
                seen: Vec::new(),
            },
            child,
        )
    }

    /// Everything shown so far, once `wanted` is among it.
    pub fn wait_for(&mut self, wanted: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        while !self.screen().contains(wanted) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.screen.recv_timeout(left) {
                Ok(chunk) => self.seen.extend(chunk),
                Err(RecvTimeoutError::Timeout) => panic!("no {wanted:?} in {:?}", self.screen()),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the terminal closed before {wanted:?}: {:?}", self.screen())
                }
            }
        }
        self.screen()
    }

    /// Everything shown until the child closed the terminal.
    pub fn wait_for_close(&mut self) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.screen.recv_timeout(left) {
                Ok(chunk) => self.seen.extend(chunk),
                Err(RecvTimeoutError::Disconnected) => return self.screen(),
                Err(RecvTimeoutError::Timeout) => panic!("still open: {:?}", self.screen()),
            }
        }
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&self.seen).into_owned()
    }

    pub fn type_in(&mut self, keys: &[u8]) {
        self.master.write_all(keys).unwrap();
    }

    /// Whether the terminal echoes what is typed (on Linux a master reports its slave's flags).
    pub fn echoes(&self) -> bool {
        // SAFETY: tcgetattr fills in the zeroed struct from our own master fd.
        let mut flags = unsafe { std::mem::zeroed::<libc::termios>() };
        let rc = unsafe { libc::tcgetattr(self.master.as_raw_fd(), &mut flags) };
        assert_eq!(rc, 0, "tcgetattr: {}", std::io::Error::last_os_error());
        flags.c_lflag & libc::ECHO != 0
    }
}
