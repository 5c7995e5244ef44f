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
    /// While the terminal's output is held: the slave, to let it go again.
    held: Option<File>,
}

impl Pty {
    /// Runs `cmd` in a new session on a fresh pseudo-terminal.
    pub fn spawn(cmd: Command) -> (Pty, Child) {
        Pty::start(cmd, false)
    }

    /// As `spawn`, with the terminal's output stopped (as by Ctrl-S): the child's first write
    /// to it blocks until `release`, so the test can see the terminal as it was at that write.
    pub fn spawn_held(cmd: Command) -> (Pty, Child) {
        Pty::start(cmd, true)
    }

    fn start(mut cmd: Command, hold: bool) -> (Pty, Child) {
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
        if hold {
            // SAFETY: tcflow on our own slave fd.
            assert_eq!(unsafe { libc::tcflow(slave.as_raw_fd(), libc::TCOOFF) }, 0);
        }
        let held = hold.then(|| slave.try_clone().unwrap());
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
                held,
            },
            child,
        )
    }

    /// Waits until `pid` is blocked writing to the held terminal (its first output).
    pub fn wait_for_first_write(&self, pid: u32) {
        assert!(self.held.is_some(), "the terminal is not held");
        let deadline = Instant::now() + PATIENCE;
        loop {
            // The syscall a blocked process is in: its number first.
            let syscall =
                std::fs::read_to_string(format!("/proc/{pid}/syscall")).unwrap_or_default();
            if syscall.split_whitespace().next() == Some(&libc::SYS_write.to_string()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{pid} never wrote to its terminal: {syscall}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Lets the held output through.
    pub fn release(&mut self) {
        let slave = self.held.take().expect("the terminal is held");
        // SAFETY: tcflow on our own slave fd, which is then closed.
        assert_eq!(unsafe { libc::tcflow(slave.as_raw_fd(), libc::TCOON) }, 0);
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
