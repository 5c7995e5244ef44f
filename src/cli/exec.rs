//! `exec`: run a command that authenticates as the chosen remote, with no token on disk.
//!
//! The SDK prefers config.yaml's active remote over `PIPELINE_API_TOKEN`, so the child gets a
//! fresh, private, empty `PIPELINE_DIR` (removed when it exits) and the token in
//! `PIPELINE_API_TOKEN` / `PIPELINE_API_URL`; the unmodified SDK then uses them. The SDK's file
//! cache keeps working through a `files` link to the real `$PIPELINE_DIR/files`.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, ExitStatus};

use clap::Args;

use super::{Run, parse_alias};
use crate::Io;
use crate::config;
use crate::error::{Error, Result};
use crate::ops::{self, Ctx, Found};
use crate::protocol::{Alias, Selector};

/// Shell conventions for a command that cannot be run.
const NOT_FOUND: i32 = 127;
const NOT_EXECUTABLE: i32 = 126;

/// Run a command that authenticates as a remote, with no token written to disk
#[derive(Debug, Args)]
#[command(
    after_help = "CMD gets PIPELINE_API_TOKEN and PIPELINE_API_URL, and a private, empty \
    PIPELINE_DIR, so that the SDK uses them. Its exit code is exec's.\n\n\
    Examples:\n  \
    mystic-credential-helper exec -- pipeline get pipelines\n  \
    mystic-credential-helper exec --alias staging -- python deploy.py"
)]
pub struct Exec {
    /// The remote's name; without it, PIPELINE_API_TOKEN, else the active remote
    #[arg(long, value_parser = parse_alias)]
    alias: Option<Alias>,
    /// The command and its arguments (after --)
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CMD"
    )]
    command: Vec<OsString>,
}

impl Run for Exec {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<i32> {
        let found = ops::lookup(ctx, &Selector::new(self.alias, None))?;
        ctx.flush_warnings(io.stderr);
        let mut builder = tempfile::Builder::new();
        builder.prefix("mystic-exec-");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let private = builder
            .tempdir()
            .map_err(|e| Error::io("creating a private PIPELINE_DIR", &e))?;
        link_file_cache(ctx.dir()?, private.path())?;

        let (program, args) = self.command.split_first().expect("clap requires a command");
        // Listening starts before the spawn: a signal sent once the child runs must not find
        // us with the default action (die, leaving the child and the private folder behind).
        let signals = Signals::listen().map_err(|e| Error::io("listening for signals", &e))?;
        let spawned = spawn(ctx, &found, private.path(), program, args);
        drop(found);
        let child = match spawned {
            Ok(child) => child,
            Err(e) => return cannot_run(program, &e, io.stderr),
        };
        let status = signals
            .forward_until_exit(child)
            .map_err(|e| Error::io("waiting for the command", &e))?;
        drop(private);
        Ok(exit_code(status))
    }
}

fn spawn(
    ctx: &Ctx,
    found: &Found,
    private: &Path,
    program: &OsStr,
    args: &[OsString],
) -> std::io::Result<Child> {
    let mut command = Command::new(program);
    crate::core_dumps::restore_in_child(&mut command);
    command
        .args(args)
        .env_clear()
        .envs(ctx.settings.env.iter())
        .env("PIPELINE_DIR", private)
        .env("PIPELINE_API_TOKEN", found.token.expose())
        .env("PIPELINE_API_URL", found.url.as_str())
        .spawn()
}

/// 127 for a command that is not found, 126 for one that cannot be run, as shells say it.
fn cannot_run(program: &OsStr, e: &std::io::Error, stderr: &mut dyn Write) -> Result<i32> {
    let code = match e.kind() {
        std::io::ErrorKind::NotFound => NOT_FOUND,
        std::io::ErrorKind::PermissionDenied => NOT_EXECUTABLE,
        _ => {
            return Err(Error::io(
                format!("running {}", program.to_string_lossy()),
                e,
            ));
        }
    };
    let _ = writeln!(
        stderr,
        "mystic-credential-helper: cannot run {}: {e}",
        program.to_string_lossy()
    );
    Ok(code)
}

/// `<private>/files` -> `$PIPELINE_DIR/files`, created first: the SDK calls `mkdir(exist_ok=True)`
/// on it, which fails on a dangling link.
fn link_file_cache(pipeline_dir: &Path, private: &Path) -> Result<()> {
    let real = pipeline_dir.join("files");
    config::create_private_dir(pipeline_dir)?;
    std::fs::create_dir_all(&real).map_err(|e| Error::io(real.display(), &e))?;
    #[cfg(unix)]
    let linked = std::os::unix::fs::symlink(&real, private.join("files"));
    // A junction needs no privilege on Windows, unlike a symbolic link; the link is the
    // fallback where junctions are not supported (Wine).
    #[cfg(windows)]
    let linked = junction::create(&real, private.join("files"))
        .or_else(|_| std::os::windows::fs::symlink_dir(&real, private.join("files")));
    linked.map_err(|e| Error::io(private.join("files").display(), &e))
}

/// The signals `exec` passes on to the child.
#[cfg(unix)]
const FORWARDED: [i32; 6] = {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
    [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]
};

/// Signals caught for the child. Signals the terminal sends (Ctrl-C) already reach the child,
/// which is in the same foreground process group, so those are not sent twice; this is what sudo
/// does. Only Linux says who sent a signal; elsewhere every one is forwarded.
#[cfg(target_os = "linux")]
struct Signals(signal_hook::iterator::SignalsInfo<signal_hook::iterator::exfiltrator::WithOrigin>);
#[cfg(all(unix, not(target_os = "linux")))]
struct Signals(signal_hook::iterator::Signals);
/// On Windows: Ctrl-C goes to the child alone, and the child ends with the helper.
#[cfg(windows)]
struct Signals(crate::windows::ChildGuard);

impl Signals {
    #[cfg(unix)]
    fn listen() -> std::io::Result<Self> {
        signal_hook::iterator::SignalsInfo::new(FORWARDED).map(Signals)
    }

    #[cfg(windows)]
    fn listen() -> std::io::Result<Self> {
        crate::windows::ChildGuard::new().map(Signals)
    }

    /// Waits for the child, passing on what arrives meanwhile (including anything caught
    /// between `listen` and the spawn).
    #[cfg(unix)]
    fn forward_until_exit(self, mut child: Child) -> std::io::Result<ExitStatus> {
        let pid = child.id() as libc::pid_t;
        let forward = move |signal: i32| {
            // SAFETY: kill(2) with a pid we spawned and have not reaped yet.
            unsafe { libc::kill(pid, signal) };
        };
        let Signals(mut signals) = self;
        let handle = signals.handle();
        let forwarder = std::thread::spawn(move || {
            for caught in signals.forever() {
                #[cfg(target_os = "linux")]
                if caught.cause != signal_hook::low_level::siginfo::Cause::Kernel {
                    forward(caught.signal);
                }
                #[cfg(not(target_os = "linux"))]
                forward(caught);
            }
        });
        let status = child.wait();
        handle.close();
        let _ = forwarder.join();
        status
    }

    #[cfg(windows)]
    fn forward_until_exit(self, mut child: Child) -> std::io::Result<ExitStatus> {
        let Signals(guard) = self;
        guard.adopt(&child)?;
        child.wait()
    }
}

/// The child's exit code (all 32 bits of it on Windows), or 128 + the signal that killed it, as
/// shells report it.
fn exit_code(status: ExitStatus) -> i32 {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return 128 + signal;
    }
    status.code().unwrap_or(1)
}
