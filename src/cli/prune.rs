//! `prune`: remove the keyring items that config.yaml no longer names (orphans).

use clap::Args;

use super::{Run, say};
use crate::error::{Exit, Result};
use crate::ops::{self, Ctx};
use crate::streams::Io;

/// Remove keyring items that no remote in config.yaml names (left by killed or failed writes)
#[derive(Debug, Args)]
#[command(
    after_help = "An orphan is an item of this helper's naming scheme (service \
    <prefix><url>, user <alias>) in the chosen store whose url and alias no remote in \
    config.yaml has. Every config folder that shares the prefix (MYSTIC_KEYRING_SERVICE_PREFIX, \
    default mystic:) shares the items: if you keep several, give each its own prefix, or \
    prune with --dry-run first."
)]
pub(crate) struct Prune {
    /// List the orphans; remove nothing
    #[arg(long)]
    dry_run: bool,
}

impl Run for Prune {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        let found = ops::prune(ctx, self.dry_run)?;
        let store = ctx.store_name();
        if found.is_empty() {
            say(io.stdout, &format!("No orphans in the {store}."))?;
            return Ok(Exit::Success);
        }
        let verb = if self.dry_run {
            "Would remove"
        } else {
            "Removed"
        };
        for key in &found {
            say(
                io.stdout,
                &format!("{verb} {} at {}", key.user, key.service),
            )?;
        }
        say(
            io.stdout,
            &format!("{verb} {} orphan(s) from the {store}.", found.len()),
        )?;
        Ok(Exit::Success)
    }
}
