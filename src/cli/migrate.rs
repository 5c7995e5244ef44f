//! `migrate`: move plaintext tokens written by `pipeline cluster login` into the keyring.

use std::io::Write;

use super::say;
use crate::error::{ErrorKind, Result};
use crate::ops::{self, Ctx};

pub fn migrate(ctx: &Ctx, dry_run: bool, stdout: &mut dyn Write) -> Result<u8> {
    let report = ops::migrate(ctx, dry_run)?;
    let store = ctx.store_name();
    if report.moved.is_empty() && report.kept.is_empty() {
        say(
            stdout,
            "No plaintext tokens in config.yaml; nothing to migrate.",
        )?;
        return Ok(0);
    }
    let verb = if dry_run { "Would move" } else { "Moved" };
    for (alias, url) in &report.moved {
        say(
            stdout,
            &format!("{verb} the token of {alias} ({url}) to the {store}."),
        )?;
    }
    for (alias, url, why) in &report.kept {
        say(
            stdout,
            &format!(
                "Kept the plaintext token of {alias} ({url}) in config.yaml: {}",
                why.message
            ),
        )?;
    }
    // Exit 3 when the keyring was the reason a token stayed; otherwise that error's own code.
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
