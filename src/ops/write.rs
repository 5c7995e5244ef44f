//! The writers. Each is a few edits inside one `Txn` (see `txn.rs` for the ordering rules).

use super::txn::ReadBack;
use super::{Ctx, Tokens, Txn};
use crate::error::{Error, ErrorKind, Result};
use crate::remote::{Alias, Origin, Selector, Token};
use crate::resolve;
use crate::store::MAKE_ROOM;

/// Whether a store makes its remote the active one (the default of the SDK and of `get`).
/// Defaults change only when a person says so: `login` (when none is active, or with
/// `--active`), `use`, and a JSON `store` with `"active": true`; git and docker never.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Activate {
    Yes,
    IfNoneIs,
    No,
}

/// What `store` did.
#[derive(Debug)]
pub(crate) struct Stored {
    pub(crate) alias: Alias,
    pub(crate) url: Origin,
    /// Whether the alias is the active remote afterwards.
    pub(crate) active: bool,
    /// Whether the alias already had a token (which this one replaced).
    pub(crate) replaced: bool,
}

/// Saves `token` for `alias` at `url` (moving the alias there if it was elsewhere), making it
/// active as `activate` says. Storing exactly what is there writes nothing.
pub(crate) fn store(
    ctx: &Ctx,
    alias: Alias,
    url: Origin,
    token: &Token,
    activate: Activate,
) -> Result<Stored> {
    let tx = Txn::begin(ctx)?;
    // git's and docker's passwords may be short (git's own tests store `pass1`); ours may not.
    token.check_storable()?;
    save(tx, alias, url, token, activate).map_err(|e| orphans_first(ctx, e))
}

/// A full store's error, with this folder's orphans as the first thing to remove.
fn orphans_first(ctx: &Ctx, mut err: Error) -> Error {
    if !err.store_full {
        return err;
    }
    let orphans = super::load_config(ctx).and_then(|config| super::orphans(ctx, &config));
    let Some(orphans) = orphans.ok().filter(|o| !o.is_empty()) else {
        return err;
    };
    let first = format!(
        "first remove the {} orphan item(s) that no remote in config.yaml names ({}) with `mystic-credential-helper prune`; then ",
        orphans.len(),
        super::describe_orphans(&orphans, 5)
    );
    err.message = err
        .message
        .replacen(MAKE_ROOM, &format!("{MAKE_ROOM}{first}"), 1);
    err
}

/// git's and docker's store: the credential of `username` at `url`, under the alias
/// `resolve::credential_alias` picks (never another origin's remote); the active remote stays.
pub(crate) fn store_credential(
    ctx: &Ctx,
    username: &Alias,
    url: Origin,
    token: &Token,
) -> Result<Stored> {
    let tx = Txn::begin(ctx)?;
    let alias = resolve::credential_alias(tx.config(), username, &url)?;
    save(tx, alias, url, token, Activate::No).map_err(|e| orphans_first(ctx, e))
}

/// The store itself. A store under an alias that belongs to another url moves that remote (and
/// its token); only `store` and `login` can ask for that, since `credential_alias` never picks
/// another origin's alias.
fn save(
    mut tx: Txn,
    alias: Alias,
    url: Origin,
    token: &Token,
    activate: Activate,
) -> Result<Stored> {
    let previous = tx.config().find(&alias).map(|r| r.url.clone());
    if let Some(old) = previous.as_ref().filter(|old| **old != url) {
        tx.remove_token(&alias, old)?;
    }
    let moved = previous.as_ref().is_some_and(|old| *old != url);
    let replaced = tx.put_token(&alias, &url, token, ReadBack::No)? || moved;
    let make_active = match activate {
        Activate::Yes => true,
        Activate::IfNoneIs => tx.config().active().is_none(),
        Activate::No => false,
    };
    if make_active {
        tx.set_active(Some(&alias))?;
    }
    let active = tx.config().is_active(&alias);
    tx.commit()?;
    Ok(Stored {
        alias,
        url,
        active,
        replaced,
    })
}

/// Erases the remote `sel` names; returns its alias and url. With both alias and url, a keyring
/// item whose remote is gone from config.yaml (an orphan) is erased too.
pub(crate) fn erase(ctx: &Ctx, sel: &Selector) -> Result<(Alias, Origin)> {
    let mut tx = Txn::begin(ctx)?;
    let found = resolve::remote(tx.config(), sel.alias.as_ref(), sel.url.as_ref())
        .map(|r| (r.alias.clone(), r.url.clone()));
    let (alias, url) = match (found, &sel.alias, &sel.url) {
        (Ok(remote), _, _) => remote,
        // Named by both, the remote is missing (or elsewhere): its item may be an orphan.
        (Err(e), Some(alias), Some(url)) => {
            tx.remove_token(alias, url)?;
            if tx.commit()? == 0 {
                return Err(e);
            }
            return Ok((alias.clone(), url.clone()));
        }
        (Err(e), _, _) => return Err(e),
    };
    tx.remove_token(&alias, &url)?;
    tx.remove_remote(&alias)?;
    if tx.config().is_active(&alias) {
        tx.set_active(None)?;
    }
    tx.commit()?;
    Ok((alias, url))
}

/// git's erase: the remotes at `url` that a credential for `username` (any, without one) maps
/// to, as `resolve::credential_alias` maps them; with `rejected`, only those whose token is still
/// that one (a credential that changed since is kept). Returns how many were erased.
pub(crate) fn erase_credentials(
    ctx: &Ctx,
    username: Option<&Alias>,
    url: &Origin,
    rejected: Option<&str>,
) -> Result<usize> {
    let mut tx = Txn::begin(ctx)?;
    let alias = username
        .map(|u| resolve::credential_alias(tx.config(), u, url))
        .transpose()?;
    let mut doomed = Vec::new();
    for remote in tx.config().remotes.iter().filter(|r| r.url == *url) {
        if alias.as_ref().is_some_and(|a| *a != remote.alias) {
            continue;
        }
        let holds_rejected = match (rejected, super::token_of(ctx, remote)) {
            (None, _) => true,
            (Some(rejected), Ok((token, _))) => token.expose() == rejected,
            (Some(_), Err(e)) if e.kind == ErrorKind::NotFound => false,
            (Some(_), Err(e)) => return Err(e),
        };
        if holds_rejected {
            doomed.push(remote.alias.clone());
        }
    }
    for alias in &doomed {
        tx.remove_token(alias, url)?;
        tx.remove_remote(alias)?;
        if tx.config().is_active(alias) {
            tx.set_active(None)?;
        }
    }
    tx.commit()?;
    Ok(doomed.len())
}

/// Makes `alias` the active remote.
pub(crate) fn set_active(ctx: &Ctx, alias: &Alias) -> Result<()> {
    let mut tx = Txn::begin(ctx)?;
    if tx.config().find(alias).is_none() {
        return Err(resolve::no_such_alias(tx.config()));
    }
    tx.set_active(Some(alias))?;
    tx.commit().map(drop)
}

/// What `migrate` did (or, with `dry_run`, would do) for each remote with a plaintext token.
#[derive(Debug, Default)]
pub(crate) struct Migration {
    pub(crate) moved: Vec<(Alias, Origin)>,
    /// Remotes that keep their plaintext token, and why.
    pub(crate) kept: Vec<(Alias, Origin, Error)>,
}

/// Moves plaintext tokens from config.yaml into the keyring. Each token is written, read back
/// and compared before its plaintext copy is dropped, and the file is rewritten once. A token
/// that could not be moved stays in the file, so none is ever lost. A keyring that cannot be
/// opened fails the whole command, with or without `dry_run`, in the same way.
pub(crate) fn migrate(ctx: &Ctx, dry_run: bool) -> Result<Migration> {
    let mut tx = Txn::begin(ctx)?;
    let plaintext: Vec<_> = tx
        .config()
        .remotes
        .iter()
        .filter_map(|r| Some((r.alias.clone(), r.url.clone(), r.token.clone()?)))
        .collect();
    let mut report = Migration::default();
    let Some(first) = plaintext.first() else {
        return Ok(report);
    };
    let (Tokens::Keyring(store), Some(key)) = (ctx.tokens()?, ctx.key(&first.1, &first.0)?) else {
        return Err(Error::invalid(
            "migrate moves tokens into a keyring; the file store keeps them in config.yaml",
        ));
    };
    // The first thing a real migrate does: read the keyring.
    store.get(&key)?;
    for (alias, url, token) in plaintext {
        let moved = match (token.check_storable(), dry_run) {
            (Err(e), _) => Err(e),
            (Ok(()), true) => Ok(()),
            (Ok(()), false) => tx
                .put_token(&alias, &url, &token, ReadBack::Compare)
                .map(drop),
        };
        match moved {
            Ok(()) => report.moved.push((alias, url)),
            Err(e) => report.kept.push((alias, url, e)),
        }
    }
    if !dry_run {
        tx.commit()?;
    }
    Ok(report)
}

/// What `migrate --from STORE` did (or would do) for each remote whose token is in `STORE`.
#[derive(Debug, Default)]
pub(crate) struct Move {
    pub(crate) moved: Vec<(Alias, Origin)>,
    /// Remotes whose token stayed where it was, and why.
    pub(crate) kept: Vec<(Alias, Origin, Error)>,
    /// Tokens moved whose old item could not be deleted: both stores hold them.
    pub(crate) lingering: Vec<(Alias, Error)>,
}

/// Moves the tokens of config.yaml's remotes from the keyring `source` into `ctx`'s store
/// (another keyring, or the file store's plaintext). Each token is written and read back
/// (config.yaml, for the file store, once published) before its old item is deleted, so a
/// failure or a kill at any point leaves it in one store or both, never in neither. A remote
/// whose token in `ctx`'s store differs is left alone: that one is in use.
pub(crate) fn move_tokens(ctx: &Ctx, source: &Ctx, dry_run: bool) -> Result<Move> {
    let Tokens::Keyring(from) = source.tokens()? else {
        return Err(Error::invalid(
            "--from names a keyring; plaintext tokens move with a plain `migrate`",
        ));
    };
    // `auto` is one of the others: moving a store onto itself would delete what it wrote.
    if let Tokens::Keyring(to) = ctx.tokens()?
        && to.name() == from.name()
    {
        return Err(Error::invalid(format!(
            "--from names the chosen store (the {}); nothing would move",
            to.name()
        )));
    }
    let mut tx = Txn::begin(ctx)?;
    let mut report = Move::default();
    let mut planned = Vec::new();
    for remote in tx.config().remotes.clone() {
        let (alias, url) = (remote.alias.clone(), remote.url.clone());
        let key = source.key(&url, &alias)?.expect("a keyring has keys");
        let Some(token) = from.get(&key)? else {
            continue;
        };
        match super::token_of(ctx, &remote) {
            Ok((there, _)) if there != token => {
                let why = Error::invalid(format!(
                    "the {} holds another token for it; `erase` one of them first",
                    ctx.store_name()
                ));
                report.kept.push((alias, url, why));
                continue;
            }
            Err(e) if e.kind != ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        if !dry_run && let Err(e) = tx.put_token(&alias, &url, &token, ReadBack::Compare) {
            report.kept.push((alias, url, e));
            continue;
        }
        planned.push((alias, url, key, token));
    }
    if dry_run {
        report.moved = planned.into_iter().map(|(a, u, _, _)| (a, u)).collect();
        return Ok(report);
    }
    tx.commit()?;
    // The file store's tokens are in config.yaml only now: read back what was published.
    let published = super::load_config(ctx)?;
    for (alias, url, key, token) in planned {
        let there = published
            .find(&alias)
            .map(|remote| super::token_of(ctx, remote).map(|(t, _)| t));
        let deleted = match there {
            Some(Ok(there)) if there == token => from.delete(&key).map(drop),
            _ => Err(Error::unavailable(format!(
                "the token read back from the {} is not the one moved",
                ctx.store_name()
            ))),
        };
        if let Err(e) = deleted {
            report.lingering.push((alias.clone(), e));
        }
        report.moved.push((alias, url));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::settings::Settings;
    use crate::store::memory::{Failing, MemoryStore};
    use crate::store::{Key, Store, StoreKind, StoreOptions};

    const CONFIG: &str = "remotes:\n- alias: a\n  url: https://a.example\n- alias: b\n  url: https://b.example\n- alias: c\n  url: https://c.example\nextra: kept\n";

    fn token(s: &str) -> Token {
        Token::new(s.into()).unwrap()
    }

    fn key(alias: &str) -> Key {
        let url = Origin::parse(&format!("https://{alias}.example")).unwrap();
        Key::new("mystic:", &url, &Alias::new(alias).unwrap())
    }

    fn tokens(store: &MemoryStore) -> Vec<(String, String)> {
        store
            .items()
            .iter()
            .map(|(k, t)| (k.user.clone(), t.expose().to_owned()))
            .collect()
    }

    /// Two keyrings (`keyutils` opens `old`, every other kind `new`), config.yaml with remotes
    /// a, b and c, and the old keyring holding a's and b's tokens; `f` gets the chosen store's
    /// context and the old keyring's.
    fn with_stores<R>(
        chosen: StoreKind,
        f: impl FnOnce(&Ctx, &Ctx, &Arc<MemoryStore>, &Arc<MemoryStore>, &std::path::Path) -> R,
    ) -> R {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.yaml"), CONFIG).unwrap();
        let (old, new) = (
            Arc::new(MemoryStore::named("old keyring")),
            Arc::new(MemoryStore::named("new keyring")),
        );
        for alias in ["a", "b"] {
            old.set(&key(alias), &token(&format!("pipeline_sk_{alias}_token")))
                .unwrap();
        }
        let opener = {
            let (old, new) = (old.clone(), new.clone());
            move |o: &StoreOptions| {
                let store = if o.kind == StoreKind::Keyutils {
                    &old
                } else {
                    &new
                };
                Ok(Box::new(store.clone()) as Box<dyn Store>)
            }
        };
        let env = || [("PIPELINE_DIR", dir.path())].into_iter().collect();
        let settings = Settings::new(env(), Some(chosen));
        let from = Settings::new(env(), Some(StoreKind::Keyutils));
        let ctx = Ctx::new(&settings, &opener);
        let source = ctx.with_settings(&from);
        f(&ctx, &source, &old, &new, dir.path())
    }

    #[test]
    fn tokens_move_to_another_keyring_and_leave_the_old_one() {
        with_stores(StoreKind::SecretService, |ctx, source, old, new, dir| {
            let dry = move_tokens(ctx, source, true).unwrap();
            assert_eq!(dry.moved.len(), 2);
            assert!(
                new.items().is_empty() && old.items().len() == 2,
                "a dry run"
            );
            let done = move_tokens(ctx, source, false).unwrap();
            let moved: Vec<&str> = done.moved.iter().map(|(a, _)| a.as_str()).collect();
            assert_eq!(moved, ["a", "b"]);
            assert!(done.kept.is_empty() && done.lingering.is_empty());
            assert!(old.items().is_empty());
            assert_eq!(
                tokens(new),
                [
                    ("a".into(), "pipeline_sk_a_token".into()),
                    ("b".into(), "pipeline_sk_b_token".into())
                ]
            );
            let config = std::fs::read_to_string(dir.join("config.yaml")).unwrap();
            assert_eq!(config, CONFIG, "no token, and nothing else changed");
        });
    }

    #[test]
    fn tokens_move_back_into_config_yaml() {
        with_stores(StoreKind::File, |ctx, source, old, _, dir| {
            let done = move_tokens(ctx, source, false).unwrap();
            assert_eq!(done.moved.len(), 2);
            assert!(old.items().is_empty());
            let config = std::fs::read_to_string(dir.join("config.yaml")).unwrap();
            assert!(config.contains("token: pipeline_sk_a_token"), "{config}");
            assert!(
                config.contains("token: pipeline_sk_b_token") && config.contains("extra: kept")
            );
            assert!(!config.contains("alias: c\n  url: https://c.example\n  token"));
        });
    }

    #[test]
    fn a_different_token_in_the_chosen_store_is_kept_with_both() {
        with_stores(StoreKind::SecretService, |ctx, source, old, new, _| {
            new.set(&key("a"), &token("pipeline_sk_a_newer")).unwrap();
            new.set(&key("b"), &token("pipeline_sk_b_token")).unwrap();
            let done = move_tokens(ctx, source, false).unwrap();
            assert_eq!(done.kept.len(), 1);
            assert_eq!(done.kept[0].0.as_str(), "a");
            assert!(done.kept[0].2.message.contains("another token"));
            assert_eq!(
                done.moved.len(),
                1,
                "b's was already there: its old item goes"
            );
            assert_eq!(tokens(old), [("a".into(), "pipeline_sk_a_token".into())]);
            assert_eq!(
                new.items().get(&key("a")).unwrap().expose(),
                "pipeline_sk_a_newer"
            );
        });
    }

    #[test]
    fn a_failed_write_keeps_the_token_where_it_was() {
        with_stores(StoreKind::SecretService, |ctx, source, old, new, _| {
            ctx.tokens().unwrap();
            // a: its item is read, then the write fails; b moves.
            new.fail(Failing {
                from: Some(3),
                ..Failing::default()
            });
            let done = move_tokens(ctx, source, false).unwrap();
            let kept: Vec<&str> = done.kept.iter().map(|(a, _, _)| a.as_str()).collect();
            assert_eq!(kept, ["a"]);
            assert_eq!(tokens(old), [("a".into(), "pipeline_sk_a_token".into())]);
            assert_eq!(tokens(new), [("b".into(), "pipeline_sk_b_token".into())]);
        });
    }

    #[test]
    fn an_old_item_that_cannot_be_deleted_is_reported_and_kept() {
        with_stores(StoreKind::SecretService, |ctx, source, old, new, _| {
            // The old keyring's calls: get a, b and c, then the deletions; the first fails.
            old.fail(Failing {
                from: Some(4),
                ..Failing::default()
            });
            let done = move_tokens(ctx, source, false).unwrap();
            assert_eq!(done.moved.len(), 2);
            assert_eq!(done.lingering.len(), 1);
            assert_eq!(done.lingering[0].0.as_str(), "a");
            assert_eq!(tokens(old), [("a".into(), "pipeline_sk_a_token".into())]);
            assert_eq!(new.items().len(), 2);
        });
    }

    #[test]
    fn a_chosen_store_that_cannot_be_read_fails_the_move() {
        with_stores(StoreKind::SecretService, |ctx, source, old, new, _| {
            ctx.tokens().unwrap();
            new.fail(Failing {
                from: Some(1),
                keep: true,
                ..Failing::default()
            });
            let e = move_tokens(ctx, source, false).unwrap_err();
            assert_eq!(e.kind, ErrorKind::StoreUnavailable);
            assert_eq!(old.items().len(), 2);
        });
    }

    #[test]
    fn a_token_read_back_wrong_after_publishing_keeps_the_old_item() {
        with_stores(StoreKind::SecretService, |ctx, source, old, new, _| {
            ctx.tokens().unwrap();
            // a and b: 4 calls each (a read, a read before the write, the write, the read
            // back); then the reads after publishing answer another token.
            new.fail(Failing::default());
            new.lie_from(9);
            let done = move_tokens(ctx, source, false).unwrap();
            assert_eq!(done.lingering.len(), 2, "{:?}", done.lingering);
            assert!(done.lingering[0].1.message.contains("not the one moved"));
            assert_eq!(old.items().len(), 2, "the old items stay");
        });
    }

    #[test]
    fn a_store_is_never_moved_onto_itself() {
        with_stores(StoreKind::SecretService, |ctx, _, old, _, _| {
            let same = Settings::new(
                [("PIPELINE_DIR", ctx.dir().unwrap())].into_iter().collect(),
                Some(StoreKind::Auto),
            );
            let e = move_tokens(ctx, &ctx.with_settings(&same), false).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidRequest);
            assert_eq!(old.items().len(), 2);
        });
    }
}
