//! `migrate`: move plaintext tokens written by `pipeline cluster login` into the keyring.

use clap::Args;

use super::{Run, say, shell_init};
use crate::error::{Error, ErrorKind, Exit, Result};
use crate::ops::{self, Ctx};
use crate::streams::Io;

/// Move plaintext tokens from config.yaml into the keyring
#[derive(Debug, Args)]
pub struct Migrate {
    /// Show what would move, and check that the keyring can be reached; change nothing
    #[arg(long)]
    dry_run: bool,
}

impl Run for Migrate {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        let report = ops::migrate(ctx, self.dry_run)?;
        let store = ctx.store_name();
        if report.moved.is_empty() && report.kept.is_empty() {
            say(
                io.stdout,
                "No plaintext tokens in config.yaml; nothing to migrate.",
            )?;
            return Ok(Exit::Success);
        }
        let verb = if self.dry_run { "Would move" } else { "Moved" };
        for (alias, url) in &report.moved {
            say(
                io.stdout,
                &format!("{verb} the token of {alias} ({url}) to the {store}."),
            )?;
        }
        for (alias, url, why) in &report.kept {
            say(
                io.stdout,
                &format!(
                    "Kept the plaintext token of {alias} ({url}) in config.yaml: {}",
                    why.message
                ),
            )?;
        }
        if !self.dry_run && !report.moved.is_empty() {
            shell_init::advise(ctx, io.stdout)?;
        }
        // A token that stayed fails the command: with the keyring's error when the keyring was
        // the reason (exit 3), else the first reason.
        let kept = report.kept.len();
        let reason = report
            .kept
            .iter()
            .find(|(_, _, e)| e.kind == ErrorKind::StoreUnavailable)
            .or(report.kept.first())
            .map(|(_, _, e)| e.kind);
        match reason {
            None => Ok(Exit::Success),
            Some(kind) => Err(Error::new(
                kind,
                format!("{kept} plaintext token(s) stayed in config.yaml (see above)"),
            )),
        }
    }
}
