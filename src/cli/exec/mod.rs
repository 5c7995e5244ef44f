//! `exec`: run a command that authenticates as the chosen remote, with no token on disk.
//!
//! The SDK prefers config.yaml's active remote over `PIPELINE_API_TOKEN`, so the child gets a
//! fresh, private, empty `PIPELINE_DIR` (removed when it exits) and the token in
//! `PIPELINE_API_TOKEN` / `PIPELINE_API_URL`; the unmodified SDK then uses them. The SDK's file
//! cache keeps working through a `files` link to the real `$PIPELINE_DIR/files`, or, where that
//! cannot be made or reached, is a private folder of its own. The private folder is named for
//! the helper's pid, so the next `exec` removes one a crashed helper left behind.
//!
//! The SDK's own CLI prints tokens (`pipeline cluster get`), so the child's stdout and stderr,
//! where they are not terminals, are relayed with the token concealed (`relay`, `conceal`).

mod conceal;
mod relay;

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};

use clap::Args;

use super::{Run, parse_alias};
use crate::error::{Error, Exit, Result};
use crate::fs;
use crate::ops::{self, Ctx, Found};
use crate::remote::{Alias, Selector};
use crate::streams::Io;
use crate::sys;
use relay::Outputs;

/// The private folders' names: `mystic-exec-<pid>-<random>`.
const PREFIX: &str = "mystic-exec-";

/// Run a command that authenticates as a remote, with no token written to disk
#[derive(Debug, Args)]
#[command(
    after_help = "CMD gets PIPELINE_API_TOKEN and PIPELINE_API_URL, and a private, empty \
    PIPELINE_DIR, so that the SDK uses them. Its exit code is exec's. Where CMD's stdout or \
    stderr is not a terminal (a pipe, a file, a CI log), the helper relays it with the token \
    replaced by <concealed by mystic-credential-helper>; a terminal stays CMD's own and is not \
    concealed.\n\n\
    Examples:\n  \
    mystic-credential-helper exec -- pipeline get pipelines\n  \
    mystic-credential-helper exec --alias staging -- python deploy.py"
)]
pub(crate) struct Exec {
    /// The remote's name; without it, PIPELINE_API_TOKEN, else the active remote, else the
    /// first remote (as `get`)
    #[arg(long, value_parser = parse_alias)]
    alias: Option<Alias>,
    /// Let CMD's output through as it is: without this, the token is replaced with
    /// <concealed by mystic-credential-helper> wherever CMD's stdout or stderr is not a terminal
    #[arg(long)]
    no_mask: bool,
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
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        let found = ops::lookup(ctx, &Selector::new(self.alias, None))?;
        if let Some(line) = &found.warning {
            io.warn(line);
        }
        remove_stale_folders();
        let prefix = format!("{PREFIX}{}-", std::process::id());
        let private = sys::private_temp_dir(&prefix)
            .map_err(|e| Error::io("creating a private PIPELINE_DIR", &e))?;
        if let Err(why) = link_file_cache(ctx.dir()?, private.path()) {
            io.warn(&format!(
                "the SDK's file cache ({}) cannot be used ({}); CMD gets an empty one of its own, removed when it exits",
                ctx.dir()?.join("files").display(),
                why.message
            ));
            let own = private.path().join("files");
            std::fs::create_dir(&own).map_err(|e| Error::io(own.display(), &e))?;
        }

        let (program, args) = self.command.split_first().expect("clap requires a command");
        // Listening starts before the spawn: a signal sent once the child runs must not find
        // us with the default action (die, leaving the child and the private folder behind).
        let signals = sys::Signals::listen().map_err(|e| Error::io("listening for signals", &e))?;
        if !self.no_mask && !found.token.concealable() {
            io.warn("the token is too short to conceal without mangling CMD's output (no Mystic token is), so the output is relayed unchanged; store the real token");
        }
        let outputs = match self.no_mask || !found.token.concealable() {
            true => Outputs::inherited(),
            false => Outputs::concealing(found.token.expose().as_bytes())
                .map_err(|e| Error::io("relaying the command's output", &e))?,
        };
        let Outputs {
            stdout,
            stderr,
            relays,
        } = outputs;
        let spawned = spawn(ctx, &found, private.path(), program, args, (stdout, stderr));
        drop(found);
        let (child, isolated) = match spawned {
            Ok(child) => child,
            Err(e) => return cannot_run(program, &e, io.stderr),
        };
        // Ends what CMD started if the helper is killed with SIGKILL (nothing else can be caught).
        let guard = sys::Guard::start(child.id(), isolated);
        let status = signals.forward_until_exit(child, isolated);
        guard.release();
        relays.finish();
        let status = status.map_err(|e| Error::io("waiting for the command", &e))?;
        drop(private);
        Ok(exit(status))
    }
}

fn spawn(
    ctx: &Ctx,
    found: &Found,
    private: &Path,
    program: &OsStr,
    args: &[OsString],
    (stdout, stderr): (Stdio, Stdio),
) -> std::io::Result<(Child, bool)> {
    let mut command = Command::new(locate(ctx, program)?);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::arg0(&mut command, program);
    sys::restore_core_dumps_in_child(&mut command);
    let isolated = sys::isolate_child(&mut command);
    command
        .args(args)
        .env_clear()
        .envs(ctx.settings.env.iter())
        .env("PIPELINE_DIR", private)
        .env("PIPELINE_API_TOKEN", found.token.expose())
        .env("PIPELINE_API_URL", found.url.as_str())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map(|child| (child, isolated))
}

/// CMD as given when it names a path; a bare name in an absolute folder on PATH only. A shell
/// would also search the current folder for an empty or relative entry: exec never does.
fn locate(ctx: &Ctx, program: &OsStr) -> std::io::Result<std::path::PathBuf> {
    if cfg!(windows) || program.as_encoded_bytes().contains(&b'/') {
        return Ok(program.into());
    }
    let path = ctx.settings.path.as_deref();
    if let Some(found) = sys::find_program(program, path) {
        return Ok(found);
    }
    let cwd = ctx.settings.env.cwd.as_deref();
    let why = match cwd.is_some_and(|cwd| sys::only_in_relative_entry(program, path, cwd)) {
        true => {
            "it is only in a relative PATH entry (the current folder), which exec never searches; name it as ./CMD to run it"
        }
        false => "not found in any absolute folder on PATH",
    };
    Err(std::io::Error::new(std::io::ErrorKind::NotFound, why))
}

/// 127 for a command that is not found, 126 for one found but not runnable (not executable, a
/// script without `#!`, a binary for another machine), as env(1) and shells say it.
fn cannot_run(program: &OsStr, e: &std::io::Error, stderr: &mut dyn Write) -> Result<Exit> {
    let exit = match e.kind() {
        std::io::ErrorKind::NotFound => Exit::CommandNotFound,
        _ => Exit::CommandCannotRun,
    };
    let _ = writeln!(
        stderr,
        "mystic-credential-helper: cannot run {}: {e}",
        program.to_string_lossy()
    );
    Ok(exit)
}

/// `<private>/files` -> `$PIPELINE_DIR/files` (absolute: `Settings` made the folder so), created
/// first: the SDK calls `mkdir(exist_ok=True)` on it, which fails on a dangling link. An error
/// when it cannot be made (a read-only home, a dangling `files` link, a file in the way).
fn link_file_cache(pipeline_dir: &Path, private: &Path) -> Result<()> {
    let real = pipeline_dir.join("files");
    fs::create_private_dir(pipeline_dir)?;
    std::fs::create_dir_all(&real).map_err(|e| Error::io(real.display(), &e))?;
    sys::link_dir(&real, &private.join("files"))
        .map_err(|e| Error::io(private.join("files").display(), &e))
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
        if ours && !sys::process_alive(pid) {
            // remove_dir_all removes the `files` link, never what it points to.
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Windows keeps each user's temp folder private, and says no owner.
fn owned_by_us(meta: &std::fs::Metadata) -> bool {
    match (sys::owner_and_mode(meta), sys::user_id()) {
        (Some((owner, _)), Some(us)) => owner == us,
        _ => true,
    }
}

/// The child's exit code, or the signal that killed it.
fn exit(status: ExitStatus) -> Exit {
    match sys::exit_of(status) {
        Ok(code) => Exit::Child(code),
        Err(signal) => Exit::Killed(signal),
    }
}
