//! `migrate`: move plaintext tokens written by `pipeline cluster login` into the keyring; with
//! `--from STORE`, move tokens from another keyring; with `--store file`, move them back into
//! config.yaml (for someone who leaves).

use clap::Args;

use super::{Run, say, shell_init};
use crate::error::{Error, ErrorKind, Exit, Result};
use crate::ops::{self, Ctx};
use crate::remote::{Alias, Origin};
use crate::settings::Settings;
use crate::store::StoreKind;
use crate::streams::Io;

/// Move tokens into the chosen store: plaintext ones from config.yaml, or another keyring's
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    mystic-credential-helper migrate                      plaintext tokens into the keyring\n  \
    mystic-credential-helper migrate --from keyutils      kernel keyring -> the keyring\n  \
    mystic-credential-helper --store file migrate         the keyring -> config.yaml (going back)\n\n\
    Each token is written and read back before its old copy is deleted; a kill at any point \
    leaves it in one place or both.")]
pub(crate) struct Migrate {
    /// Where the tokens are now [default: config.yaml's plaintext; with --store file, the store
    /// MYSTIC_CREDENTIAL_STORE names, else auto]
    #[arg(long, value_enum, value_name = "STORE")]
    from: Option<StoreKind>,
    /// Show what would move, and check that the stores can be reached; change nothing
    #[arg(long)]
    dry_run: bool,
}

impl Run for Migrate {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        let target = ctx.kind()?;
        let from = match (self.from, target) {
            (Some(from), _) => from,
            // The store the user keeps tokens in: as chosen without --store.
            (None, StoreKind::File) => Settings::new(ctx.settings.env.clone(), None)
                .store
                .ok()
                .filter(|k| *k != StoreKind::File)
                .unwrap_or(StoreKind::Auto),
            (None, _) => StoreKind::File,
        };
        if from == target {
            return Err(Error::invalid(format!(
                "--from names the chosen store ({}); nothing would move",
                from.name()
            )));
        }
        if from == StoreKind::File {
            return plaintext(self.dry_run, ctx, io);
        }
        let settings = Settings::new(ctx.settings.env.clone(), Some(from));
        let source = ctx.with_settings(&settings);
        let report = ops::move_tokens(ctx, &source, self.dry_run)?;
        let (from_name, to_name) = (source.store_name(), destination(ctx));
        if report.moved.is_empty() && report.kept.is_empty() {
            say(
                io.stdout,
                &format!(
                    "The {from_name} holds no token of config.yaml's remotes; nothing to migrate."
                ),
            )?;
            return Ok(Exit::Success);
        }
        let verb = if self.dry_run { "Would move" } else { "Moved" };
        for (alias, url) in &report.moved {
            say(
                io.stdout,
                &format!("{verb} the token of {alias} ({url}) from the {from_name} to {to_name}."),
            )?;
        }
        for (alias, e) in &report.lingering {
            say(
                io.stdout,
                &format!(
                    "Its item in the {from_name} stays too (`mystic-credential-helper --store {} erase` removes both): {alias}: {}",
                    from.name(),
                    e.message
                ),
            )?;
        }
        kept(&report.kept, "token", &format!("in the {from_name}"), io)
    }
}

/// Where tokens go, for messages: the keyring's name, or config.yaml.
fn destination(ctx: &Ctx) -> String {
    match ctx.kind() {
        Ok(StoreKind::File) => "config.yaml, in plaintext".to_owned(),
        _ => format!("the {}", ctx.store_name()),
    }
}

/// Plaintext tokens from config.yaml into the chosen keyring.
fn plaintext(dry_run: bool, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
    let report = ops::migrate(ctx, dry_run).map_err(|e| for_migrate(ctx, e))?;
    let store = ctx.store_name();
    if report.moved.is_empty() && report.kept.is_empty() {
        say(
            io.stdout,
            "No plaintext tokens in config.yaml; nothing to migrate.",
        )?;
        return Ok(Exit::Success);
    }
    let verb = if dry_run { "Would move" } else { "Moved" };
    for (alias, url) in &report.moved {
        say(
            io.stdout,
            &format!("{verb} the token of {alias} ({url}) to the {store}."),
        )?;
    }
    if !dry_run && !report.moved.is_empty() {
        shell_init::follow_up(ctx, io.stdout)?;
    }
    kept(&report.kept, "plaintext token", "in config.yaml", io)
}

/// A keyring error's advice, for `migrate`: its stores' advice offers `--store file`, which for
/// migrate means leaving the tokens where they are; the step that works here replaces it.
fn for_migrate(ctx: &Ctx, e: Error) -> Error {
    let Some(advice) = ctx
        .migrate_advice()
        .filter(|_| e.kind == ErrorKind::StoreUnavailable)
    else {
        return e;
    };
    let kept: Vec<&str> = e
        .message
        .split(". ")
        .filter(|sentence| !sentence.contains("--store file"))
        .collect();
    let mut advice = advice.chars();
    let first = advice
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    Error {
        message: format!(
            "{}. {first}{}",
            kept.join(". ").trim_end_matches('.'),
            advice.as_str()
        ),
        ..e
    }
}

/// Reports the tokens that stayed; any fails the command: with the keyring's error when the
/// keyring was the reason (exit 3), else the first reason.
fn kept(kept: &[(Alias, Origin, Error)], what: &str, place: &str, io: &mut Io) -> Result<Exit> {
    for (alias, url, why) in kept {
        say(
            io.stdout,
            &format!(
                "Kept the {what} of {alias} ({url}) {place}: {}",
                why.message
            ),
        )?;
    }
    let reason = kept
        .iter()
        .find(|(_, _, e)| e.kind == ErrorKind::StoreUnavailable)
        .or(kept.first())
        .map(|(_, _, e)| e.kind);
    match reason {
        None => Ok(Exit::Success),
        Some(kind) => Err(Error::new(
            kind,
            format!("{} {what}(s) stayed {place} (see above)", kept.len()),
        )),
    }
}
