//! `exec`: run a command that authenticates as the chosen remote, with no token on disk.
//!
//! The SDK prefers config.yaml's active remote over `PIPELINE_API_TOKEN`, so the child gets a
//! fresh, private, empty `PIPELINE_DIR` (removed when it exits) and the token in
//! `PIPELINE_API_TOKEN` / `PIPELINE_API_URL`; the unmodified SDK then uses them. The SDK's file
//! cache keeps working through a `files` link to the real `$PIPELINE_DIR/files`, or, where that
//! cannot be made or reached, is a private folder of its own. The private folder is named for
//! the helper's pid, so the next `exec` removes one a crashed helper left behind.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, ExitStatus};

use clap::Args;

use super::{Run, parse_alias};
use crate::Io;
use crate::error::{Error, Result};
use crate::fs;
use crate::ops::{self, Ctx, Found};
use crate::protocol::{Alias, Selector};

/// Shell conventions for a command that cannot be run.
const NOT_FOUND: i32 = 127;
const NOT_EXECUTABLE: i32 = 126;
/// The private folders' names: `mystic-exec-<pid>-<random>`.
const PREFIX: &str = "mystic-exec-";

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
    /// The remote's name; without it, PIPELINE_API_TOKEN, else the active remote, else the
    /// first remote (as `get`)
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
        remove_stale_folders();
        let mut builder = tempfile::Builder::new();
        let prefix = format!("{PREFIX}{}-", std::process::id());
        builder.prefix(&prefix);
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let private = builder
            .tempdir()
            .map_err(|e| Error::io("creating a private PIPELINE_DIR", &e))?;
        if let Err(why) = link_file_cache(ctx.dir()?, private.path()) {
            ctx.warn(format!(
                "the SDK's file cache ({}) cannot be used ({}); CMD gets an empty one of its own, removed when it exits",
                ctx.dir()?.join("files").display(),
                why.message
            ));
            let own = private.path().join("files");
            std::fs::create_dir(&own).map_err(|e| Error::io(own.display(), &e))?;
        }
        ctx.flush_warnings(io.stderr);

        let (program, args) = self.command.split_first().expect("clap requires a command");
        // Listening starts before the spawn: a signal sent once the child runs must not find
        // us with the default action (die, leaving the child and the private folder behind).
        let signals = Signals::listen().map_err(|e| Error::io("listening for signals", &e))?;
        let spawned = spawn(ctx, &found, private.path(), program, args);
        drop(found);
        let (child, isolated) = match spawned {
            Ok(child) => child,
            Err(e) => return cannot_run(program, &e, io.stderr),
        };
        let status = signals
            .forward_until_exit(child, isolated)
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
) -> std::io::Result<(Child, bool)> {
    let mut command = Command::new(program);
    crate::core_dumps::restore_in_child(&mut command);
    let isolated = crate::sys::isolate_child(&mut command);
    command
        .args(args)
        .env_clear()
        .envs(ctx.settings.env.iter())
        .env("PIPELINE_DIR", private)
        .env("PIPELINE_API_TOKEN", found.token.expose())
        .env("PIPELINE_API_URL", found.url.as_str())
        .spawn()
        .map(|child| (child, isolated))
}

/// 127 for a command that is not found, 126 for one found but not runnable (not executable, a
/// script without `#!`, a binary for another machine), as env(1) and shells say it.
fn cannot_run(program: &OsStr, e: &std::io::Error, stderr: &mut dyn Write) -> Result<i32> {
    let code = match e.kind() {
        std::io::ErrorKind::NotFound => NOT_FOUND,
        _ => NOT_EXECUTABLE,
    };
    let _ = writeln!(
        stderr,
        "mystic-credential-helper: cannot run {}: {e}",
        program.to_string_lossy()
    );
    Ok(code)
}

/// `<private>/files` -> `$PIPELINE_DIR/files` (absolute: `Settings` made the folder so), created
/// first: the SDK calls `mkdir(exist_ok=True)` on it, which fails on a dangling link. An error
/// when it cannot be made (a read-only home, a dangling `files` link, a file in the way).
fn link_file_cache(pipeline_dir: &Path, private: &Path) -> Result<()> {
    let real = pipeline_dir.join("files");
    fs::create_private_dir(pipeline_dir)?;
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

/// Removes the private folders of helpers that died without cleaning up (killed, or crashed):
/// ours (by owner), named for a pid that no longer runs.
fn remove_stale_folders() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let ours = entry
            .metadata()
            .is_ok_and(|m| m.is_dir() && owned_by_us(&m));
        if ours && !crate::sys::process_alive(pid) {
            // remove_dir_all removes the `files` link, never what it points to.
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(unix)]
fn owned_by_us(meta: &std::fs::Metadata) -> bool {
    // SAFETY: geteuid cannot fail.
    std::os::unix::fs::MetadataExt::uid(meta) == unsafe { libc::geteuid() }
}

/// Windows keeps each user's temp folder private.
#[cfg(windows)]
fn owned_by_us(_meta: &std::fs::Metadata) -> bool {
    true
}

/// The signals `exec` passes on to the child.
#[cfg(unix)]
const FORWARDED: [i32; 6] = {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
    [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]
};

/// Signals caught for the child, each passed on once. Where the helper has no controlling
/// terminal (CI, cron, services) the child has a process group of its own (`sys::isolate_child`):
/// a signal to the helper's group reaches only the helper, which forwards it to the child's
/// group. In a terminal the child shares the helper's group, for job control; there a signal the
/// terminal sends (Ctrl-C) or a process of that group sends to the group already reached the
/// child, and is not sent again, as sudo does. Only Linux says who sent a signal; elsewhere every
/// one is forwarded.
#[cfg(target_os = "linux")]
struct Signals(signal_hook::iterator::SignalsInfo<signal_hook::iterator::exfiltrator::WithOrigin>);
#[cfg(all(unix, not(target_os = "linux")))]
struct Signals(signal_hook::iterator::Signals);
/// On Windows: Ctrl-C goes to the child alone, and the child ends with the helper.
#[cfg(windows)]
struct Signals(crate::sys::ChildGuard);

impl Signals {
    #[cfg(unix)]
    fn listen() -> std::io::Result<Self> {
        signal_hook::iterator::SignalsInfo::new(FORWARDED).map(Signals)
    }

    #[cfg(windows)]
    fn listen() -> std::io::Result<Self> {
        crate::sys::ChildGuard::new().map(Signals)
    }

    /// Waits for the child, passing on what arrives meanwhile (including anything caught
    /// between `listen` and the spawn).
    #[cfg(unix)]
    fn forward_until_exit(self, mut child: Child, isolated: bool) -> std::io::Result<ExitStatus> {
        let pid = child.id() as libc::pid_t;
        // The child's whole group when it has its own, as a signal to a group would reach it.
        let target = if isolated { -pid } else { pid };
        let forward = move |signal: i32| {
            // SAFETY: kill(2) with a pid (or group) we spawned and have not reaped yet.
            unsafe { libc::kill(target, signal) };
        };
        let Signals(mut signals) = self;
        let handle = signals.handle();
        let forwarder = std::thread::spawn(move || {
            for caught in signals.forever() {
                #[cfg(target_os = "linux")]
                if !reached_the_child(&caught, isolated) {
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
    fn forward_until_exit(self, mut child: Child, _isolated: bool) -> std::io::Result<ExitStatus> {
        let Signals(guard) = self;
        guard.adopt(&child)?;
        child.wait()
    }
}

/// Whether a signal the helper caught reached the child directly too: sent by the terminal to
/// the foreground group, or sent to our group by one of its members (the child itself, say).
#[cfg(target_os = "linux")]
fn reached_the_child(caught: &signal_hook::low_level::siginfo::Origin, isolated: bool) -> bool {
    use signal_hook::low_level::siginfo::Cause;
    if isolated {
        return false;
    }
    caught.cause == Cause::Kernel
        || caught
            .process
            .as_ref()
            .is_some_and(|sender| crate::sys::in_our_group(sender.pid as u32))
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
