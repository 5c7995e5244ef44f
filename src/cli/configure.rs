//! `configure git|docker [--unset]`: point git and docker at this helper for every remote in
//! config.yaml, with the chosen store written into what they run (a git or docker started from
//! cron or an IDE has none of the shell's variables). Idempotent; `--unset` removes every entry
//! this command ever wrote, recognised by its form, remotes removed since included.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::Command;

use clap::Args;
use serde_json::{Map, Value};

use super::front_end::FrontEnd;
use super::{Run, say, this_program};
use crate::error::{Error, Exit, Result};
use crate::fs;
use crate::ops::{self, Ctx};
use crate::quote;
use crate::remote::Origin;
use crate::store::StoreKind;
use crate::streams::Io;
use crate::sys;

/// Make git or docker use this helper for every remote in config.yaml
#[derive(Debug, Args)]
#[command(
    after_help = "docker mode serves tools that read credentials through docker's helper \
    protocol. The Mystic SDK's own image push logs in to Mystic's registry with a short-lived \
    upload token from the API and needs nothing here."
)]
pub(crate) struct Configure {
    /// git or docker
    #[arg(value_enum)]
    tool: FrontEnd,
    /// Remove every entry `configure` added, for any remote and any store
    #[arg(long)]
    unset: bool,
}

impl Run for Configure {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        if self.unset {
            return match self.tool {
                FrontEnd::Git => git_unset(ctx, io.stdout),
                FrontEnd::Docker => docker(ctx, &BTreeSet::new(), None, io.stdout),
            };
        }
        let config = ops::load_config(ctx)?;
        let origins: BTreeSet<Origin> = config.remotes.iter().map(|r| r.url.clone()).collect();
        if origins.is_empty() {
            return Err(Error::not_found(
                "no remotes in config.yaml; store a token or log in first",
            ));
        }
        let store = chosen_store(ctx)?;
        match self.tool {
            FrontEnd::Git => git(ctx, &origins, store, io.stdout),
            FrontEnd::Docker => docker(ctx, &origins, Some(docker_name(store)), io.stdout),
        }
    }
}

/// `--store` or `MYSTIC_CREDENTIAL_STORE`, written into the entries (`None` for `auto`).
fn chosen_store(ctx: &Ctx) -> Result<Option<&'static str>> {
    Ok(match ctx.kind()? {
        StoreKind::Auto => None,
        kind => Some(kind.name()),
    })
}

/// The helper string git runs: this binary's absolute path, the store if one was chosen, and
/// `git`; when the path needs quoting, in the `!`-prefixed shell form (git appends the action
/// either way).
fn git_helper_value(store: Option<&str>) -> Result<String> {
    let exe = this_program()?;
    let exe = exe.to_string_lossy();
    let plain = exe
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c));
    let store = store.map_or(String::new(), |s| format!(" --store {s}"));
    Ok(if plain {
        format!("{exe}{store} git")
    } else {
        format!("!{}{store} git", quote::sh_always(&exe))
    })
}

/// Whether a helper value is one `git_helper_value` wrote, for any path of this program and
/// any store.
fn written_by_us(value: &str) -> bool {
    let value = value.strip_prefix('!').unwrap_or(value);
    let Some((program, rest)) = first_word(value) else {
        return false;
    };
    let ours = Path::new(&program)
        .file_stem()
        .is_some_and(|s| s == "mystic-credential-helper");
    let words: Vec<&str> = rest.split(' ').filter(|w| !w.is_empty()).collect();
    ours && match words[..] {
        ["git"] => true,
        ["--store", store, "git"] => StoreKind::parse(store).is_ok(),
        _ => false,
    }
}

/// A value's first word, unquoted as `quote::sh_always` quotes it, and the rest.
fn first_word(value: &str) -> Option<(String, &str)> {
    if !value.starts_with('\'') {
        return Some(match value.split_once(' ') {
            Some((word, rest)) => (word.to_owned(), rest),
            None => (value.to_owned(), ""),
        });
    }
    let mut word = String::new();
    let mut rest = value;
    while let Some(quoted) = rest.strip_prefix('\'') {
        let end = quoted.find('\'')?;
        word.push_str(&quoted[..end]);
        rest = &quoted[end + 1..];
        match rest.strip_prefix("\\'") {
            Some(after) => {
                word.push('\'');
                rest = after;
            }
            None => break,
        }
    }
    Some((word, rest))
}

fn git(
    ctx: &Ctx,
    origins: &BTreeSet<Origin>,
    store: Option<&str>,
    out: &mut dyn Write,
) -> Result<Exit> {
    let value = git_helper_value(store)?;
    for origin in origins {
        let key = format!("credential.{origin}.helper");
        let current = run_git(ctx, &["config", "--global", "--get-all", &key])?;
        // Ours for another store, or from another path of this program: replaced.
        for old in current.lines().filter(|l| *l != value && written_by_us(l)) {
            unset_git(ctx, &key, old, out)?;
        }
        if current.lines().any(|l| l == value) {
            say(out, &format!("git: {key} unchanged"))?;
        } else {
            run_git(ctx, &["config", "--global", "--add", &key, &value])?;
            say(out, &format!("git: set {key} = {value}"))?;
        }
    }
    Ok(Exit::Success)
}

/// Removes every `credential.*.helper` entry this command wrote, whatever remotes there are.
fn git_unset(ctx: &Ctx, out: &mut dyn Write) -> Result<Exit> {
    let all = run_git(
        ctx,
        &[
            "config",
            "--global",
            "--null",
            "--get-regexp",
            r"^credential\..*\.helper$",
        ],
    )?;
    let mut removed = 0;
    for entry in all.split('\0').filter(|e| !e.is_empty()) {
        let (key, value) = entry.split_once('\n').unwrap_or((entry, ""));
        if written_by_us(value) {
            unset_git(ctx, key, value, out)?;
            removed += 1;
        }
    }
    if removed == 0 {
        say(out, "git: no entries of this helper; nothing to remove")?;
    }
    Ok(Exit::Success)
}

fn unset_git(ctx: &Ctx, key: &str, value: &str, out: &mut dyn Write) -> Result<()> {
    run_git(
        ctx,
        &[
            "config",
            "--global",
            "--fixed-value",
            "--unset-all",
            key,
            value,
        ],
    )?;
    say(out, &format!("git: removed {key} = {value}"))
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
        Some(0) | Some(1) if args.iter().any(|a| a.starts_with("--get")) => {
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

/// docker's name for the helper with `store`: `mystic`, or `mystic-STORE`.
fn docker_name(store: Option<&str>) -> String {
    store.map_or(FrontEnd::NAME.to_owned(), |s| {
        format!("{}-{s}", FrontEnd::NAME)
    })
}

/// Whether a `credHelpers` value is one `configure docker` wrote, for any store.
fn docker_name_ours(name: &str) -> bool {
    name == FrontEnd::NAME
        || name
            .strip_prefix(FrontEnd::NAME)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|s| StoreKind::parse(s).is_ok())
}

/// Sets each origin's `credHelpers` entry to `name`; with `None`, removes every entry of ours.
fn docker(
    ctx: &Ctx,
    origins: &BTreeSet<Origin>,
    name: Option<String>,
    out: &mut dyn Write,
) -> Result<Exit> {
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
    let changed = match &name {
        Some(name) => set_helpers(helpers, origins, name, out)?,
        None => unset_helpers(helpers, out)?,
    };
    if helpers.is_empty() && (name.is_none() || !had_helpers) {
        top.remove("credHelpers");
    }
    if changed {
        write_json(&path, &doc, existed)?;
    }
    let Some(name) = name else {
        return Ok(Exit::Success);
    };
    let program = FrontEnd::Docker.program(&name);
    if !on_path(ctx, &program) {
        let exe = this_program()?;
        say(
            out,
            &format!(
                "note: docker runs {program} from PATH; link it to this program, for example:\n  ln -s {} ~/.local/bin/{program}",
                exe.display()
            ),
        )?;
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

/// Points each origin's `credHelpers` entry at `name` (replacing ours for another store),
/// leaving other helpers' entries alone; returns whether anything changed.
fn set_helpers(
    helpers: &mut Map<String, Value>,
    origins: &BTreeSet<Origin>,
    name: &str,
    out: &mut dyn Write,
) -> Result<bool> {
    let mut changed = false;
    for origin in origins {
        let host = origin.host_port();
        let current = helpers.get(host).and_then(Value::as_str).map(str::to_owned);
        let line = match current.as_deref() {
            Some(now) if now == name => format!("docker: {host} unchanged"),
            Some(other) if !docker_name_ours(other) => {
                format!(
                    "docker: {host} already uses {}; left alone",
                    FrontEnd::Docker.program(other)
                )
            }
            _ => {
                helpers.insert(host.to_owned(), name.into());
                changed = true;
                format!("docker: set credHelpers[{host}] = {name}")
            }
        };
        say(out, &line)?;
    }
    Ok(changed)
}

/// Removes every `credHelpers` entry of ours; returns whether there was one.
fn unset_helpers(helpers: &mut Map<String, Value>, out: &mut dyn Write) -> Result<bool> {
    let ours: Vec<String> = helpers
        .iter()
        .filter(|(_, v)| v.as_str().is_some_and(docker_name_ours))
        .map(|(host, _)| host.clone())
        .collect();
    for host in &ours {
        helpers.remove(host);
        say(out, &format!("docker: removed credHelpers[{host}]"))?;
    }
    if ours.is_empty() {
        say(out, "docker: no entries of this helper; nothing to remove")?;
    }
    Ok(!ours.is_empty())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_of_this_helper_are_recognised_for_any_path_and_store() {
        for ours in [
            "/usr/bin/mystic-credential-helper git",
            "/old/place/mystic-credential-helper --store keyutils git",
            "!'/opt/it'\\''s here/mystic-credential-helper' --store secret-service git",
            "!'C:/tools/mystic-credential-helper.exe' git",
        ] {
            assert!(written_by_us(ours), "{ours}");
        }
        for theirs in [
            "store",
            "/usr/bin/mystic-credential-helper docker",
            "/usr/bin/mystic-credential-helper --store floppy git",
            "/usr/bin/other-helper git",
            "!'/opt/mystic-credential-helper git",
            "/usr/bin/mystic-credential-helper git --verbose",
        ] {
            assert!(!written_by_us(theirs), "{theirs}");
        }
    }

    #[test]
    fn the_first_word_is_unquoted_as_it_was_quoted() {
        let path = "/opt/it's here/mystic-credential-helper";
        let value = format!("{} --store file git", quote::sh_always(path));
        assert_eq!(
            first_word(&value),
            Some((path.to_owned(), " --store file git"))
        );
        assert_eq!(first_word("/a/b git"), Some(("/a/b".to_owned(), "git")));
        assert_eq!(first_word("/a/b"), Some(("/a/b".to_owned(), "")));
    }

    #[test]
    fn docker_names_of_this_helper() {
        assert_eq!(docker_name(None), "mystic");
        assert_eq!(docker_name(Some("keyutils")), "mystic-keyutils");
        assert!(docker_name_ours("mystic") && docker_name_ours("mystic-windows"));
        assert!(!docker_name_ours("mystic-floppy") && !docker_name_ours("desktop"));
    }
}
