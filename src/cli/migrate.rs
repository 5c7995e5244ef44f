//! `migrate`: move plaintext tokens written by `pipeline cluster login` into the keyring.

use clap::Args;

use super::{Run, say, shell_init};
use crate::Io;
use crate::error::{ErrorKind, Result};
use crate::ops::{self, Ctx};

/// Move plaintext tokens from config.yaml into the keyring
#[derive(Debug, Args)]
pub struct Migrate {
    /// Show what would move, and check that the keyring can be reached; change nothing
    #[arg(long)]
    dry_run: bool,
}

impl Run for Migrate {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<i32> {
        let report = ops::migrate(ctx, self.dry_run)?;
        let store = ctx.store_name();
        if report.moved.is_empty() && report.kept.is_empty() {
            say(
                io.stdout,
                "No plaintext tokens in config.yaml; nothing to migrate.",
            )?;
            return Ok(0);
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
        // Exit 3 when the keyring was the reason a token stayed; otherwise that error's code.
        Ok(match report.kept.first() {
            None => 0,
            Some(_)
                if report
                    .kept
                    .iter()
                    .any(|(_, _, e)| e.kind == ErrorKind::StoreUnavailable) =>
            {
                ErrorKind::StoreUnavailable.exit_code()
            }
            Some((_, _, e)) => e.exit_code(),
        })
    }
}
