//! The one write path. Every writer (store, erase, login, logout, use, migrate, git's and
//! docker's store and erase) goes through a `Txn`, so the rules below live only here:
//!
//! - `begin` takes the folder's lock and loads config.yaml; the lock is held to the end.
//! - A new keyring item is written at once, remembering what it replaced.
//! - `commit` first makes sure the keyring can delete what the change supersedes (reading each
//!   item), then renames the new config.yaml into place if it changed, and only then deletes the
//!   superseded items. A process killed at any point leaves an orphaned item at worst, never a
//!   remote whose token is gone.
//! - Any failure restores the keyring items and config.yaml as they were, in reverse order; a
//!   transaction dropped without `commit` undoes its keyring writes.
//! - The keyring is opened only when a token is really touched.

use super::Ctx;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::fs::Locked;
use crate::protocol::{Alias, Origin, Token};
use crate::store::{Key, Store};

pub struct Txn<'c, 'a> {
    ctx: &'c Ctx<'a>,
    lock: Locked,
    /// config.yaml's bytes as loaded (`None`: there was no file): what a rollback writes back.
    original: Option<Vec<u8>>,
    before: Config,
    pub config: Config,
    /// Keyring items written so far, with what each held before.
    written: Vec<(Key, Option<Token>)>,
    /// Keyring items to delete once config.yaml no longer names them.
    superseded: Vec<Key>,
    finished: bool,
}

impl<'c, 'a> Txn<'c, 'a> {
    pub fn begin(ctx: &'c Ctx<'a>) -> Result<Self> {
        let lock = Locked::acquire(ctx.dir()?)?;
        let original = lock.read()?;
        let config = match &original {
            Some(bytes) => Config::parse(bytes)?,
            None => Config::default(),
        };
        Ok(Txn {
            ctx,
            lock,
            original,
            before: config.clone(),
            config,
            written: Vec::new(),
            superseded: Vec::new(),
            finished: false,
        })
    }

    /// Saves `token` for the remote `alias` at `url` (adding the remote, or setting its url):
    /// into the keyring now, dropping any plaintext copy from config.yaml; or, for the file
    /// store, as plaintext in config.yaml. Returns whether a token was there before.
    pub fn put_token(&mut self, alias: &Alias, url: &Origin, token: &Token) -> Result<bool> {
        self.put(alias, url, token, false)
    }

    /// As `put_token`, and reads the item back to compare before dropping the plaintext copy.
    pub fn put_token_checked(
        &mut self,
        alias: &Alias,
        url: &Origin,
        token: &Token,
    ) -> Result<bool> {
        self.put(alias, url, token, true)
    }

    fn put(&mut self, alias: &Alias, url: &Origin, token: &Token, check: bool) -> Result<bool> {
        let plaintext = self.config.find(alias).is_some_and(|r| r.token.is_some());
        let Some(store) = self.ctx.keyring()? else {
            self.config.upsert(alias, url, Some(token))?;
            return Ok(plaintext);
        };
        // A config.yaml that cannot be rewritten is refused before the keyring is touched.
        let mut edited = self.config.clone();
        edited.upsert(alias, url, None)?;
        if !edited.same_doc(&self.before) {
            edited.to_yaml()?;
        }
        let key = self.ctx.key(url, alias);
        let before = store.get(&key)?;
        let had_token = before.is_some();
        if before.as_ref() != Some(token) {
            store.set(&key, token)?;
            self.written.push((key.clone(), before));
        }
        if check {
            let read = store.get(&key);
            if !matches!(&read, Ok(Some(back)) if back == token) {
                let err = read.err().unwrap_or_else(|| {
                    Error::unavailable(format!(
                        "the {} did not return the token just written for {alias}",
                        self.ctx.store_name()
                    ))
                });
                // This remote keeps its plaintext token; take back the item just written.
                let at = self.written.iter().rposition(|(k, _)| *k == key);
                let undone = at.map(|at| self.written.split_off(at)).unwrap_or_default();
                return Err(with_failures(err, restore(store, undone)));
            }
        }
        self.superseded.retain(|k| *k != key);
        self.config = edited;
        Ok(plaintext || had_token)
    }

    /// The keyring item of `alias` at `url` goes once config.yaml no longer names it. (A
    /// plaintext token goes with its remote's entry in config.yaml.)
    pub fn remove_token(&mut self, alias: &Alias, url: &Origin) {
        if self.ctx.kind != crate::store::StoreKind::File {
            self.superseded.push(self.ctx.key(url, alias));
        }
    }

    /// Applies the change; returns how many superseded keyring items were deleted.
    pub fn commit(mut self) -> Result<usize> {
        let result = self.apply();
        self.finished = true;
        result
    }

    fn apply(&mut self) -> Result<usize> {
        let text = match self.config.same_doc(&self.before) {
            true => None,
            false => match self.config.to_yaml() {
                Ok(text) => Some(text),
                Err(e) => return Err(self.undo(e, &[], false)),
            },
        };
        // Read each superseded item first: a keyring that cannot be reached (or is locked)
        // fails here, before anything on disk has changed.
        let mut doomed = Vec::new();
        if !self.superseded.is_empty() {
            for key in self.superseded.clone() {
                match self
                    .ctx
                    .keyring()
                    .and_then(|s| s.map_or(Ok(None), |s| s.get(&key)))
                {
                    Ok(Some(token)) => doomed.push((key, token)),
                    Ok(None) => {}
                    Err(e) => return Err(self.undo(e, &[], false)),
                }
            }
        }
        if let Some(text) = &text
            && let Err(e) = self.lock.write(Some(text.as_bytes()))
        {
            return Err(self.undo(e, &[], false));
        }
        for (i, (key, _)) in doomed.iter().enumerate() {
            let deleted = match self.ctx.keyring() {
                Ok(Some(store)) => store.delete(key).map(drop),
                Ok(None) => Ok(()),
                Err(e) => Err(e),
            };
            if let Err(e) = deleted {
                return Err(self.undo(e, &doomed[..i], text.is_some()));
            }
        }
        Ok(doomed.len())
    }

    /// Puts back the items deleted so far, then config.yaml, then the items written, newest
    /// first; returns `err`, naming anything that could not be restored.
    fn undo(&mut self, err: Error, deleted: &[(Key, Token)], saved: bool) -> Error {
        let mut failed = Vec::new();
        if let Ok(Some(store)) = self.ctx.keyring() {
            let deleted = deleted.iter().map(|(k, t)| (k.clone(), Some(t.clone())));
            failed = restore(store, deleted.collect());
        }
        if saved && let Err(e) = self.lock.write(self.original.as_deref()) {
            failed.push(format!("config.yaml: {}", e.message));
        }
        failed.extend(self.undo_written());
        with_failures(err, failed)
    }

    fn undo_written(&mut self) -> Vec<String> {
        match self.ctx.keyring() {
            Ok(Some(store)) => restore(store, std::mem::take(&mut self.written)),
            _ => Vec::new(),
        }
    }
}

/// Puts each item back as it was (`None`: it did not exist), newest first; names each that
/// could not be.
fn restore(store: &dyn Store, items: Vec<(Key, Option<Token>)>) -> Vec<String> {
    let mut failed = Vec::new();
    for (key, before) in items.into_iter().rev() {
        let restored = match &before {
            Some(token) => store.set(&key, token),
            None => store.delete(&key).map(drop),
        };
        if let Err(e) = restored {
            failed.push(format!(
                "the keyring item {} at {}: {}",
                key.user, key.service, e.message
            ));
        }
    }
    failed
}

/// `err`, naming anything that could not be restored after it.
fn with_failures(mut err: Error, failed: Vec<String>) -> Error {
    if !failed.is_empty() {
        err.message = format!(
            "{}; restoring also failed for {}",
            err.message,
            failed.join("; ")
        );
    }
    err
}

/// A transaction abandoned on an error path (`?` before `commit`) leaves the keyring as it was.
impl Drop for Txn<'_, '_> {
    fn drop(&mut self) {
        if !self.finished {
            self.undo_written();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::*;
    use crate::ops::{self, Activate};
    use crate::protocol::Selector;
    use crate::settings::Settings;
    use crate::store::StoreKind;
    use crate::store::memory::MemoryStore;

    fn alias(s: &str) -> Alias {
        Alias::new(s).unwrap()
    }
    fn url(s: &str) -> Origin {
        Origin::parse(s).unwrap()
    }
    fn token(s: &str) -> Token {
        Token::new(s.into()).unwrap()
    }

    /// config.yaml's bytes and the store's items.
    type State = (Vec<u8>, Vec<(Key, String)>);

    /// Calls `f` with a context on a folder holding `config`, its in-memory store, and the
    /// folder.
    fn with_ctx<R>(config: &str, f: impl FnOnce(&Ctx, &MemoryStore, &std::path::Path) -> R) -> R {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.yaml"), config).unwrap();
        let settings = Settings::new([("PIPELINE_DIR", dir.path())].into_iter().collect(), None);
        let store = Rc::new(MemoryStore::default());
        let opener = {
            let store = store.clone();
            move |_: StoreKind, _: &Settings| Ok(Box::new(store.clone()) as Box<dyn Store>)
        };
        let ctx = Ctx::new(&settings, &opener).unwrap();
        f(&ctx, &store, dir.path())
    }

    /// Runs `op` against a folder holding a config with remotes `a` and `p` (a plaintext token),
    /// and a store holding items for both (`p`'s is stale); the store fails on call `fail_on`
    /// (and, with `keep_failing`, on every call after it). Returns what `op` returned, the state
    /// before and after, and the calls `op` made.
    fn attempt(
        fail_on: usize,
        keep_failing: bool,
        op: impl Fn(&Ctx) -> Result<()>,
    ) -> (Result<()>, State, State, usize) {
        let config = "active_remote: a\nremotes:\n- alias: a\n  url: https://a.example\n- alias: p\n  token: pipeline_sk_plain\n  url: https://p.example\nextra: [1, 2]\n";
        with_ctx(config, |ctx, store, dir| {
            for (u, a, t) in [
                ("https://a.example", "a", "pipeline_sk_a"),
                ("https://p.example", "p", "pipeline_sk_stale"),
            ] {
                store.set(&ctx.key(&url(u), &alias(a)), &token(t)).unwrap();
            }
            let snapshot = || {
                let items = store
                    .items
                    .borrow()
                    .iter()
                    .map(|(k, t)| (k.clone(), t.expose().to_owned()))
                    .collect();
                (std::fs::read(dir.join("config.yaml")).unwrap(), items)
            };
            let before = snapshot();
            store.calls.set(0);
            store.fail_on.set(Some(fail_on));
            store.keep_failing.set(keep_failing);
            let result = op(ctx);
            store.fail_on.set(None);
            (result, before, snapshot(), store.calls.get())
        })
    }

    type Op = Box<dyn Fn(&Ctx) -> Result<()>>;

    fn store_op(a: &'static str, u: &'static str, t: &'static str) -> Op {
        Box::new(move |c| ops::store(c, alias(a), url(u), &token(t), Activate::No).map(drop))
    }

    /// Whether the store holds `t` for `a` at `u`.
    fn has(s: &State, u: &str, a: &str, t: &str) -> bool {
        s.1.iter()
            .any(|(k, v)| k.user == a && k.service.contains(u) && v == t)
    }

    /// Every writer, each with the result its success must leave.
    /// A writer: its name, the operation, and what its success must leave.
    type Writer = (&'static str, Op, fn(&State) -> bool);

    fn writers() -> Vec<Writer> {
        vec![
            ("new", store_op("b", "https://b.example", "t_b"), |s| {
                has(s, "b.example", "b", "t_b") && s.1.len() == 3
            }),
            (
                "replace",
                store_op("a", "https://a.example", "t_new"),
                |s| has(s, "a.example", "a", "t_new") && s.1.len() == 2,
            ),
            (
                "move",
                store_op("a", "https://moved.example", "t_moved"),
                |s| has(s, "moved.example", "a", "t_moved") && s.1.len() == 2,
            ),
            (
                "plaintext",
                store_op("p", "https://p.example", "t_p"),
                |s| has(s, "p.example", "p", "t_p") && !s.0.windows(5).any(|w| w == b"token"),
            ),
            (
                "erase",
                Box::new(|c| ops::erase(c, &Selector::new(Some(alias("a")), None)).map(drop)),
                |s| s.1.len() == 1,
            ),
            (
                "erase both",
                Box::new(|c| {
                    let mut tx = Txn::begin(c)?;
                    for (a, u) in [("a", "https://a.example"), ("p", "https://p.example")] {
                        tx.remove_token(&alias(a), &url(u));
                        tx.config.remove(&alias(a))?;
                    }
                    tx.config.set_active(None)?;
                    tx.commit().map(drop)
                }),
                |s| s.1.is_empty() && !s.0.windows(6).any(|w| w == b"alias:"),
            ),
            (
                "migrate",
                Box::new(|c| match ops::migrate(c, false) {
                    Ok(m) if m.kept.is_empty() => Ok(()),
                    Ok(m) => Err(m.kept.into_iter().next().unwrap().2),
                    Err(e) => Err(e),
                }),
                |s| has(s, "p.example", "p", "pipeline_sk_plain") && s.1.len() == 2,
            ),
        ]
    }

    /// Every writer, with the keyring failing at each of its calls in turn: either the whole
    /// change happens, or config.yaml (byte for byte) and the keyring are as they were, and the
    /// error does not claim a failed restore.
    #[test]
    fn a_keyring_failing_at_any_call_changes_nothing() {
        for (name, op, done) in writers() {
            let mut failures = 0;
            for fail_on in 1..20 {
                let (result, before, after, calls) = attempt(fail_on, false, &op);
                let Err(e) = result else {
                    assert!(done(&after), "{name}: succeeded with the wrong result");
                    assert!(
                        calls < fail_on,
                        "{name}: succeeded though call {fail_on} failed"
                    );
                    break;
                };
                failures += 1;
                assert_eq!(
                    before, after,
                    "{name}: failing call {fail_on} left a change"
                );
                assert!(!e.message.contains("restoring"), "{name}: {}", e.message);
                assert!(fail_on < 19, "{name}: never succeeded");
            }
            assert!(failures >= 1, "{name}: never touched the keyring");
        }
    }

    /// A keyring that goes away part-way cannot be restored either: then, and only then, the
    /// error says what was left behind.
    #[test]
    fn a_keyring_that_goes_away_names_what_it_left() {
        let mut left = 0;
        for (name, op, _) in writers() {
            for fail_on in 1..20 {
                let (result, before, after, _) = attempt(fail_on, true, &op);
                let Err(e) = result else { break };
                let claimed = e
                    .message
                    .contains("; restoring also failed for the keyring item");
                assert_eq!(
                    claimed,
                    before != after,
                    "{name} at {fail_on}: {}",
                    e.message
                );
                assert_eq!(
                    before.0, after.0,
                    "{name} at {fail_on}: config.yaml changed"
                );
                left += usize::from(claimed);
            }
        }
        assert!(left > 0, "no case left anything behind");
    }

    /// The safety net for an error between a write and `commit`.
    #[test]
    fn a_transaction_dropped_without_commit_leaves_the_keyring_as_it_was() {
        let (result, before, after, _) = attempt(usize::MAX, false, |c| {
            let mut tx = Txn::begin(c)?;
            tx.put_token(&alias("b"), &url("https://b.example"), &token("t_b"))?;
            tx.put_token(&alias("a"), &url("https://a.example"), &token("t_a2"))?;
            Err(Error::invalid("abandoned"))
        });
        assert_eq!(result.unwrap_err().message, "abandoned");
        assert_eq!(before, after);
    }

    /// A keyring item superseded and then written again in one transaction is kept.
    #[test]
    fn an_item_written_after_being_superseded_survives() {
        let (result, _, after, _) = attempt(usize::MAX, false, |c| {
            let mut tx = Txn::begin(c)?;
            let (a, u) = (alias("a"), url("https://a.example"));
            tx.remove_token(&a, &u);
            tx.remove_token(&alias("p"), &url("https://p.example"));
            tx.put_token(&a, &u, &token("t_again"))?;
            tx.commit().map(drop)
        });
        result.unwrap();
        assert_eq!(after.1.len(), 1);
        assert_eq!(after.1[0].1, "t_again");
    }

    /// A change config.yaml cannot take is refused before the keyring is touched.
    #[test]
    fn an_unwritable_config_never_reaches_the_keyring() {
        with_ctx("remotes: []\nx: !!binary eA==\n", |ctx, store, _| {
            let e = store_op("b", "https://b.example", "t_b")(ctx).unwrap_err();
            assert!(e.message.contains("!!binary"), "{}", e.message);
            assert_eq!(store.calls.get(), 0);
        });
    }
}
