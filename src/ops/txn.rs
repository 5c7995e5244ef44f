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
use crate::config::{Config, Locked};
use crate::error::{Error, Result};
use crate::protocol::{Alias, Origin, Token};
use crate::store::Key;

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
                // This remote keeps its plaintext token; take back the item just written.
                if self.written.last().is_some_and(|(k, _)| *k == key)
                    && let Some((_, before)) = self.written.pop()
                {
                    let _ = match before {
                        Some(t) => store.set(&key, &t),
                        None => store.delete(&key).map(drop),
                    };
                }
                return Err(read.err().unwrap_or_else(|| {
                    Error::unavailable(format!(
                        "the {} did not return the token just written for {alias}",
                        self.ctx.store_name()
                    ))
                }));
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
    fn undo(&mut self, mut err: Error, deleted: &[(Key, Token)], saved: bool) -> Error {
        let mut failed = Vec::new();
        if let Ok(Some(store)) = self.ctx.keyring() {
            for (key, token) in deleted.iter().rev() {
                if let Err(e) = store.set(key, token) {
                    failed.push(format!(
                        "the keyring item {} at {}: {}",
                        key.user, key.service, e.message
                    ));
                }
            }
        }
        if saved && let Err(e) = self.lock.write(self.original.as_deref()) {
            failed.push(format!("config.yaml: {}", e.message));
        }
        failed.extend(self.undo_written());
        if !failed.is_empty() {
            err.message = format!(
                "{}; restoring also failed for {}",
                err.message,
                failed.join("; ")
            );
        }
        err
    }

    fn undo_written(&mut self) -> Vec<String> {
        let Ok(Some(store)) = self.ctx.keyring() else {
            return Vec::new();
        };
        let mut failed = Vec::new();
        for (key, before) in self.written.drain(..).rev() {
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
    use crate::env::Env;
    use crate::ops::{self, Moves};
    use crate::protocol::Selector;
    use crate::store::memory::MemoryStore;
    use crate::store::{Store, StoreKind};

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

    /// Runs `op` against a folder holding a config with one plaintext remote `p`, and a store
    /// holding `a` at a.example; the store fails on call `fail_on`. Returns whether `op`
    /// succeeded, and the state before and after.
    fn attempt(fail_on: usize, op: impl Fn(&Ctx) -> Result<()>) -> (bool, State, State) {
        let dir = tempfile::tempdir().unwrap();
        let config = "active_remote: a\nremotes:\n- alias: a\n  url: https://a.example\n- alias: p\n  token: pipeline_sk_plain\n  url: https://p.example\nextra: [1, 2]\n";
        std::fs::write(dir.path().join("config.yaml"), config).unwrap();
        let env: Env = [("PIPELINE_DIR", dir.path())].into_iter().collect();
        let store = Rc::new(MemoryStore::default());
        let opener = {
            let store = store.clone();
            move |_: StoreKind, _: &Env| Ok(Box::new(store.clone()) as Box<dyn Store>)
        };
        let ctx = Ctx::new(&env, StoreKind::Auto, &opener).unwrap();
        store
            .set(
                &ctx.key(&url("https://a.example"), &alias("a")),
                &token("pipeline_sk_a"),
            )
            .unwrap();
        let snapshot = || {
            let items = store
                .items
                .borrow()
                .iter()
                .map(|(k, t)| (k.clone(), t.expose().to_owned()))
                .collect();
            (
                std::fs::read(dir.path().join("config.yaml")).unwrap(),
                items,
            )
        };
        let before = snapshot();
        store.calls.set(0);
        store.fail_on.set(Some(fail_on));
        let ok = op(&ctx).is_ok();
        store.fail_on.set(None);
        (ok, before, snapshot())
    }

    /// Every writer, with the keyring failing at each of its calls in turn: either the whole
    /// change happens, or config.yaml (byte for byte) and the keyring are as they were.
    #[test]
    fn a_keyring_failing_at_any_call_changes_nothing() {
        type Op = Box<dyn Fn(&Ctx) -> Result<()>>;
        let ops: Vec<(&str, Op)> = vec![
            (
                "new",
                Box::new(|c| {
                    ops::store(
                        c,
                        alias("b"),
                        url("https://b.example"),
                        &token("t_b"),
                        None,
                        Moves::Allowed,
                    )
                    .map(drop)
                }),
            ),
            (
                "replace",
                Box::new(|c| {
                    ops::store(
                        c,
                        alias("a"),
                        url("https://a.example"),
                        &token("t_new"),
                        None,
                        Moves::Allowed,
                    )
                    .map(drop)
                }),
            ),
            (
                "move",
                Box::new(|c| {
                    ops::store(
                        c,
                        alias("a"),
                        url("https://moved.example"),
                        &token("t_moved"),
                        None,
                        Moves::Allowed,
                    )
                    .map(drop)
                }),
            ),
            (
                "plaintext",
                Box::new(|c| {
                    ops::store(
                        c,
                        alias("p"),
                        url("https://p.example"),
                        &token("t_p"),
                        None,
                        Moves::Allowed,
                    )
                    .map(drop)
                }),
            ),
            (
                "erase",
                Box::new(|c| ops::erase(c, &Selector::new(Some(alias("a")), None)).map(drop)),
            ),
            (
                "migrate",
                Box::new(|c| match ops::migrate(c, false) {
                    Ok(m) if m.kept.is_empty() => Ok(()),
                    Ok(_) => Err(Error::unavailable("kept")),
                    Err(e) => Err(e),
                }),
            ),
        ];
        for (name, op) in ops {
            let mut failures = 0;
            for fail_on in 1..20 {
                let (ok, before, after) = attempt(fail_on, &op);
                if ok {
                    assert_ne!(before, after, "{name}: succeeded without a change");
                    break;
                }
                failures += 1;
                assert_eq!(
                    before, after,
                    "{name}: failing call {fail_on} left a change"
                );
            }
            assert!(failures >= 1, "{name}: never touched the keyring");
        }
    }
}
