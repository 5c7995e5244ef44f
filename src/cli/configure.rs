//! `configure git|docker [--unset]`: point git and docker at this helper for every remote in
//! config.yaml. Idempotent; `--unset` removes exactly what was added.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use clap::Args;
use serde_json::{Map, Value};

use super::{Run, say};
use crate::error::{Error, Exit, Result};
use crate::fs;
use crate::ops::{self, Ctx};
use crate::protocol::Origin;
use crate::quote;
use crate::streams::Io;
use crate::sys;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Tool {
    /// `credential.<origin>.helper` in your global git config
    Git,
    /// `credHelpers` in ~/.docker/config.json (or $DOCKER_CONFIG/config.json)
    Docker,
}

/// The name docker and git know the helper by (`docker-credential-mystic`, `git-credential-mystic`).
const HELPER_NAME: &str = "mystic";

/// Make git or docker use this helper for every remote in config.yaml
#[derive(Debug, Args)]
#[command(
    after_help = "docker mode serves tools that read credentials through docker's helper \
    protocol. The Mystic SDK's own image push logs in to Mystic's registry with a short-lived \
    upload token from the API and needs nothing here."
)]
pub struct Configure {
    #[arg(value_enum)]
    tool: Tool,
    /// Remove exactly what `configure` added
    #[arg(long)]
    unset: bool,
}

impl Run for Configure {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        let config = ops::config(ctx)?;
        let origins: BTreeSet<Origin> = config.remotes.iter().map(|r| r.url.clone()).collect();
        if origins.is_empty() {
            return Err(Error::not_found(
                "no remotes in config.yaml; store a token or log in first",
            ));
        }
        match self.tool {
            Tool::Git => git(ctx, &origins, self.unset, io.stdout),
            Tool::Docker => docker(ctx, &origins, self.unset, io.stdout),
        }
    }
}

/// The helper string git runs: this binary's absolute path plus `git`, or, when the path needs
/// quoting, the `!`-prefixed shell form (git appends the action either way).
fn git_helper_value() -> Result<String> {
    let exe = std::env::current_exe().map_err(|e| Error::io("locating this program", &e))?;
    let exe = exe.to_string_lossy();
    let plain = exe
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c));
    Ok(if plain {
        format!("{exe} git")
    } else {
        format!("!{} git", quote::sh_always(&exe))
    })
}

fn git(ctx: &Ctx, origins: &BTreeSet<Origin>, unset: bool, out: &mut dyn Write) -> Result<Exit> {
    let value = git_helper_value()?;
    for origin in origins {
        let key = format!("credential.{origin}.helper");
        let current = run_git(ctx, &["config", "--global", "--get-all", &key])?;
        let present = current.lines().any(|l| l == value);
        match (unset, present) {
            (false, true) | (true, false) => say(out, &format!("git: {key} unchanged"))?,
            (false, false) => {
                run_git(ctx, &["config", "--global", "--add", &key, &value])?;
                say(out, &format!("git: set {key} = {value}"))?;
            }
            (true, true) => {
                run_git(
                    ctx,
                    &[
                        "config",
                        "--global",
                        "--fixed-value",
                        "--unset-all",
                        &key,
                        &value,
                    ],
                )?;
                say(out, &format!("git: removed {key} = {value}"))?;
            }
        }
    }
    Ok(Exit::Success)
}

/// Runs git with the caller's environment; "no such key" (exit 1) is an empty answer.
fn run_git(ctx: &Ctx, args: &[&str]) -> Result<String> {
    // Never a `git` from the current folder: this runs inside repositories.
    let git = sys::find_program("git".as_ref(), ctx.settings.path.as_deref())
        .ok_or_else(|| Error::config("git is not in any absolute folder on PATH"))?;
    let output = Command::new(git)
        .args(args)
        .env_clear()
        .envs(ctx.settings.env.iter())
        .output()
        .map_err(|e| Error::io("running git", &e))?;
    match output.status.code() {
        Some(0) | Some(1) if args.contains(&"--get-all") => {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        Some(0) => Ok(String::new()),
        _ => Err(Error::config(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))),
    }
}

fn docker(ctx: &Ctx, origins: &BTreeSet<Origin>, unset: bool, out: &mut dyn Write) -> Result<Exit> {
    let path = ctx.settings.docker_config.clone()?;
    let (mut doc, existed) = read_json(&path)?;
    // Follow a symlinked config.json so the rename replaces the real file, not the link.
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    let not = |what: &str| Error::config(format!("{}: {what}", path.display()));
    let Value::Object(top) = &mut doc else {
        return Err(not("not a JSON object"));
    };
    let had_helpers = top.contains_key("credHelpers");
    let Value::Object(helpers) = top
        .entry("credHelpers")
        .or_insert_with(|| Value::Object(Map::new()))
    else {
        return Err(not("credHelpers is not an object"));
    };
    let changed = set_helpers(helpers, origins, unset, out)?;
    if helpers.is_empty() && (unset || !had_helpers) {
        top.remove("credHelpers");
    }
    if changed {
        write_json(&path, &doc, existed)?;
        if !unset && !on_path(ctx, "docker-credential-mystic") {
            let exe =
                std::env::current_exe().map_err(|e| Error::io("locating this program", &e))?;
            say(
                out,
                &format!(
                    "note: docker runs docker-credential-mystic from PATH; link it to this program, for example:\n  ln -s {} ~/.local/bin/docker-credential-mystic",
                    exe.display()
                ),
            )?;
        }
    }
    Ok(Exit::Success)
}

/// docker's config.json, or an empty object when there is none (and whether there was one).
/// Read like every file: a regular file, without blocking, at most 4 MiB.
fn read_json(path: &Path) -> Result<(Value, bool)> {
    match fs::read_bounded(path)? {
        Some(bytes) => serde_json::from_slice::<Value>(&bytes)
            .map(|doc| (doc, true))
            .map_err(|e| Error::config(format!("{} is not valid JSON: {e}", path.display()))),
        None => Ok((Value::Object(Map::new()), false)),
    }
}

/// Points each origin's `credHelpers` entry at this helper (or removes ours), leaving other
/// helpers' entries alone; returns whether anything changed.
fn set_helpers(
    helpers: &mut Map<String, Value>,
    origins: &BTreeSet<Origin>,
    unset: bool,
    out: &mut dyn Write,
) -> Result<bool> {
    let mut changed = false;
    for origin in origins {
        let host = origin.host_port();
        let current = helpers.get(host).and_then(Value::as_str).map(str::to_owned);
        let line = match (unset, current.as_deref()) {
            (false, Some(HELPER_NAME)) | (true, None) => format!("docker: {host} unchanged"),
            (false, None) => {
                helpers.insert(host.to_owned(), HELPER_NAME.into());
                changed = true;
                format!("docker: set credHelpers[{host}] = {HELPER_NAME}")
            }
            (false, Some(other)) => {
                format!("docker: {host} already uses docker-credential-{other}; left alone")
            }
            (true, Some(HELPER_NAME)) => {
                helpers.remove(host);
                changed = true;
                format!("docker: removed credHelpers[{host}]")
            }
            (true, Some(_)) => format!("docker: {host} uses another helper; left alone"),
        };
        say(out, &line)?;
    }
    Ok(changed)
}

fn on_path(ctx: &Ctx, name: &str) -> bool {
    ctx.settings
        .path
        .as_ref()
        .is_some_and(|p| std::env::split_paths(p).any(|dir| dir.join(name).is_file()))
}

/// Atomic replace that keeps the file's mode (0600 for a new file), tab-indented like docker's.
fn write_json(path: &Path, doc: &Value, existed: bool) -> Result<()> {
    let dir = path.parent().expect("config.json has a folder");
    fs::create_private_dir(dir)?;
    let mut text = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
    let mut ser = serde_json::Serializer::with_formatter(&mut text, formatter);
    serde::Serialize::serialize(doc, &mut ser).expect("JSON value serialises");
    text.push(b'\n');
    let keep = match existed {
        true => Some(
            std::fs::metadata(path)
                .map_err(|e| Error::io(path.display(), &e))?
                .permissions(),
        ),
        false => None,
    };
    fs::replace(dir, path, &text, ".config.json.", keep)
}
