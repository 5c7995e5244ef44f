//! Orphans: keyring items of this helper's naming scheme (service `<prefix><origin>`, user
//! `<alias>`) that no remote in config.yaml names. Killed writes, dismissed prompts and failed
//! moves leave them; for a non-root user, kernel keys among them use up the key quota. `status`
//! lists them, `prune` removes them.

use std::collections::BTreeSet;

use super::{Ctx, Tokens, Txn};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::store::Key;

/// The orphans in the chosen store, by name: none for the file store, whose tokens have no item.
/// An item under the alias of a remote config.yaml refuses is not one: the helper cannot tell
/// whose it is.
pub(crate) fn orphans(ctx: &Ctx, config: &Config) -> Result<Vec<Key>> {
    let Tokens::Keyring(store) = ctx.tokens()? else {
        return Ok(Vec::new());
    };
    let mut named = BTreeSet::new();
    for remote in &config.remotes {
        named.extend(ctx.key(&remote.url, &remote.alias)?);
    }
    let refused: BTreeSet<&str> = config
        .refused
        .iter()
        .filter_map(|r| r.alias.as_deref())
        .collect();
    let prefix = ctx.settings.prefix()?;
    let listed = store.list(prefix)?;
    Ok(listed
        .into_iter()
        .filter(|key| !named.contains(key) && !refused.contains(key.user.as_str()))
        .collect())
}

/// `prune`: removes the orphans (with `dry_run`, only finds them), holding the folder's lock so
/// that no write is between its keyring item and config.yaml meanwhile. Without a config.yaml
/// there is nothing to compare with, and nothing is removed.
pub(crate) fn prune(ctx: &Ctx, dry_run: bool) -> Result<Vec<Key>> {
    let tx = Txn::begin(ctx)?;
    if !tx.config_exists() {
        return Err(Error::not_found(format!(
            "there is no config.yaml in {}, so nothing tells which items are orphans; nothing was removed",
            ctx.dir()?.display()
        )));
    }
    let found = orphans(ctx, tx.config())?;
    if let (false, Tokens::Keyring(store)) = (dry_run, ctx.tokens()?) {
        for (done, key) in found.iter().enumerate() {
            store.delete(key).map_err(|e| Error {
                message: format!(
                    "{}; {done} of {} orphans were removed before this one ({} at {})",
                    e.message,
                    found.len(),
                    key.user,
                    key.service
                ),
                ..e
            })?;
        }
    }
    Ok(found)
}

/// The orphans, as messages name them: `alias at service`, at most `shown`, then how many more.
pub(crate) fn describe(orphans: &[Key], shown: usize) -> String {
    let mut names: Vec<String> = orphans
        .iter()
        .take(shown)
        .map(|k| format!("{} at {}", k.user, k.service))
        .collect();
    if orphans.len() > shown {
        names.push(format!("{} more", orphans.len() - shown));
    }
    names.join(", ")
}
