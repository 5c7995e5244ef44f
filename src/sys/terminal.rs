//! The token prompt on a terminal.
//!
//! rpassword prints its prompt and only then sets up the terminal, so whatever arrives in
//! between is echoed (and a Ctrl-C there is a signal it never sees): a script that types when it
//! sees the prompt (expect, a test) could put the token on screen. As glibc's getpass does, the
//! terminal is set up first (dropping type-ahead), then the prompt shows, then rpassword reads.

/// Prompts on the controlling terminal and reads one line without echo.
pub(crate) fn read_hidden(prompt: &str) -> std::io::Result<String> {
    let tty = std::fs::File::options()
        .read(true)
        .write(true)
        .open("/dev/tty")?;
    let _raw = RawMode::new(&tty)?;
    rpassword::prompt_password(prompt)
}

/// rpassword's terminal mode until dropped. On Ctrl-C rpassword restores the state it found
/// (ours) and raises SIGINT; SIGINT is blocked meanwhile, so it is delivered only after the drop
/// has put the user's terminal back, and the process still dies of it as usual.
struct RawMode {
    fd: std::os::fd::RawFd,
    original: libc::termios,
    mask: libc::sigset_t,
}

impl RawMode {
    fn new(tty: &std::fs::File) -> std::io::Result<Self> {
        use std::os::fd::AsRawFd;
        let fd = tty.as_raw_fd();
        // SAFETY: plain libc calls on a terminal fd that `hidden` keeps open for as long as
        // `RawMode` lives, and on stack values they fully initialise.
        unsafe {
            let mut original = std::mem::zeroed::<libc::termios>();
            check(libc::tcgetattr(fd, &mut original))?;
            let mut sigint = std::mem::zeroed::<libc::sigset_t>();
            libc::sigemptyset(&mut sigint);
            libc::sigaddset(&mut sigint, libc::SIGINT);
            let mut mask = std::mem::zeroed::<libc::sigset_t>();
            // pthread_sigmask returns the error number rather than setting errno.
            match libc::pthread_sigmask(libc::SIG_BLOCK, &sigint, &mut mask) {
                0 => {}
                errno => return Err(std::io::Error::from_raw_os_error(errno)),
            }
            let raw_mode = RawMode { fd, original, mask };
            // rpassword's own mode: no echo, and keys (Ctrl-C too) read one by one rather than
            // acted on by the terminal, so nothing typed after the prompt escapes rpassword.
            let mut raw = original;
            raw.c_lflag &= !(libc::ECHO | libc::ECHONL | libc::ICANON | libc::ISIG);
            raw.c_cc[libc::VMIN] = 1;
            raw.c_cc[libc::VTIME] = 0;
            check(libc::tcsetattr(fd, libc::TCSAFLUSH, &raw))?;
            Ok(raw_mode)
        }
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // SAFETY: as in `new`; the terminal first, then the signal mask.
        unsafe {
            libc::tcsetattr(self.fd, libc::TCSANOW, &self.original);
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.mask, std::ptr::null_mut());
        }
    }
}

fn check(status: libc::c_int) -> std::io::Result<()> {
    if status == -1 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}
