//! The one write path. Every writer (store, erase, login, logout, use, migrate, git's and
//! docker's store and erase) goes through a `Txn`, so the rules below live only here:
//!
//! - `begin` takes the folder's lock and loads config.yaml; the lock is held to the end.
//! - The writer plans its change: edits to config.yaml (`upsert`, `remove_remote`,
//!   `set_active`), keyring items written at once (`put_token`), items to retire once
//!   config.yaml no longer names them (`remove_token`).
//! - `commit` reads every item it will retire (a keyring that cannot be reached fails here,
//!   before anything on disk changed), publishes the new config.yaml if it changed, and only then
//!   retires the old items. A process killed at any point leaves an orphaned item at worst, never
//!   a remote whose token is gone.
//! - Every step done is written in a journal; any failure undoes the journal, newest first. A
//!   transaction dropped without `commit` undoes its keyring writes.
//! - The keyring is opened only when a token is really touched.

use super::{Ctx, Tokens};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::fs::Locked;
use crate::protocol::{Alias, Origin, Token};
use crate::store::{Key, Store};

/// Whether `put_token` reads a written item back and compares it before trusting it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadBack {
    No,
    Compare,
}

/// A step done, as the journal keeps it to undo it.
enum Step {
    /// A keyring item written, and what it held before (`None`: it did not exist).
    Wrote { key: Key, before: Option<Token> },
    /// config.yaml replaced.
    Published,
    /// A superseded item deleted, and its token.
    Retired { key: Key, token: Token },
}

pub struct Txn<'c, 'a> {
    ctx: &'c Ctx<'a>,
    lock: Locked,
    /// config.yaml's bytes as loaded (`None`: there was no file): what an undo writes back.
    original: Option<Vec<u8>>,
    before: Config,
    config: Config,
    journal: Vec<Step>,
    /// Keyring items to retire once config.yaml no longer names them.
    retiring: Vec<Key>,
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
            journal: Vec::new(),
            retiring: Vec::new(),
            finished: false,
        })
    }

    /// config.yaml as the change has made it so far.
    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn remove_remote(&mut self, alias: &Alias) -> Result<bool> {
        self.config.remove(alias)
    }

    pub fn set_active(&mut self, alias: Option<&Alias>) -> Result<()> {
        self.config.set_active(alias)
    }

    /// Saves `token` for the remote `alias` at `url` (adding the remote, or setting its url):
    /// into the keyring now, dropping any plaintext copy from config.yaml; or, for the file
    /// store, as plaintext in config.yaml. Returns whether a token was there before.
    pub fn put_token(
        &mut self,
        alias: &Alias,
        url: &Origin,
        token: &Token,
        read_back: ReadBack,
    ) -> Result<bool> {
        let plaintext = self.config.find(alias).is_some_and(|r| r.token.is_some());
        let (Tokens::Keyring(store), Some(key)) = (self.ctx.tokens()?, self.ctx.key(url, alias)?)
        else {
            self.config.upsert(alias, url, Some(token))?;
            return Ok(plaintext);
        };
        // A config.yaml that cannot be rewritten is refused before the keyring is touched.
        let mut edited = self.config.clone();
        edited.upsert(alias, url, None)?;
        if !edited.same_doc(&self.before) {
            edited.to_yaml()?;
        }
        let before = store.get(&key)?;
        let had_token = before.is_some();
        if before.as_ref() != Some(token) {
            store.set(&key, token)?;
            self.journal.push(Step::Wrote {
                key: key.clone(),
                before,
            });
        }
        if read_back == ReadBack::Compare {
            self.compare(store, &key, alias, token)?;
        }
        self.retiring.retain(|k| *k != key);
        self.config = edited;
        Ok(plaintext || had_token)
    }

    /// Reads the item just written back: on a mismatch that item alone is taken back (its
    /// remote keeps its plaintext token).
    fn compare(
        &mut self,
        store: &dyn Store,
        key: &Key,
        alias: &Alias,
        token: &Token,
    ) -> Result<()> {
        let read = store.get(key);
        if matches!(&read, Ok(Some(back)) if back == token) {
            return Ok(());
        }
        let err = read.err().unwrap_or_else(|| {
            Error::unavailable(format!(
                "the {} did not return the token just written for {alias}",
                self.ctx.store_name()
            ))
        });
        let at = self
            .journal
            .iter()
            .rposition(|step| matches!(step, Step::Wrote { key: k, .. } if k == key));
        let steps = at.map(|at| self.journal.split_off(at)).unwrap_or_default();
        let failed = self.undo_steps(steps);
        Err(with_failures(err, failed))
    }

    /// The keyring item of `alias` at `url` is retired once config.yaml no longer names it. (A
    /// plaintext token goes with its remote's entry in config.yaml.)
    pub fn remove_token(&mut self, alias: &Alias, url: &Origin) -> Result<()> {
        if let Some(key) = self.ctx.key(url, alias)? {
            self.retiring.push(key);
        }
        Ok(())
    }

    /// Applies the change; returns how many items were retired.
    pub fn commit(mut self) -> Result<usize> {
        let result = self.apply();
        self.finished = true;
        result
    }

    fn apply(&mut self) -> Result<usize> {
        let text = match self.config.same_doc(&self.before) {
            true => None,
            false => Some(self.config.to_yaml().map_err(|e| self.undo(e))?),
        };
        let retiring = self.read_retiring().map_err(|e| self.undo(e))?;
        if let Some(text) = &text {
            self.lock
                .write(Some(text.as_bytes()))
                .map_err(|e| self.undo(e))?;
            self.journal.push(Step::Published);
        }
        for (key, token) in retiring {
            let retired = self.keyring().and_then(|store| store.delete(&key));
            if let Err(e) = retired {
                return Err(self.undo(e));
            }
            self.journal.push(Step::Retired { key, token });
        }
        Ok(self
            .journal
            .iter()
            .filter(|s| matches!(s, Step::Retired { .. }))
            .count())
    }

    /// Each item to retire that exists, with its token (to put back if a later step fails).
    fn read_retiring(&self) -> Result<Vec<(Key, Token)>> {
        let mut found = Vec::new();
        for key in &self.retiring {
            if let Some(token) = self.keyring()?.get(key)? {
                found.push((key.clone(), token));
            }
        }
        Ok(found)
    }

    /// The keyring, for a transaction that has items to touch (so not the file store's).
    fn keyring(&self) -> Result<&'c dyn Store> {
        match self.ctx.tokens()? {
            Tokens::Keyring(store) => Ok(store),
            Tokens::Plaintext => Err(Error::invalid("the file store has no keyring items")),
        }
    }

    /// Undoes the whole journal; returns `err`, naming anything that could not be restored.
    fn undo(&mut self, err: Error) -> Error {
        let steps = std::mem::take(&mut self.journal);
        let failed = self.undo_steps(steps);
        with_failures(err, failed)
    }

    /// Undoes `steps`, newest first; names each that could not be undone.
    fn undo_steps(&mut self, steps: Vec<Step>) -> Vec<String> {
        let mut failed = Vec::new();
        for step in steps.into_iter().rev() {
            let undone = match &step {
                Step::Published => self
                    .lock
                    .write(self.original.as_deref())
                    .map_err(|e| format!("config.yaml: {}", e.message)),
                Step::Wrote { key, before } => self.restore(key, before.as_ref()),
                Step::Retired { key, token } => self.restore(key, Some(token)),
            };
            failed.extend(undone.err());
        }
        failed
    }

    /// Puts an item back as it was (`None`: it did not exist).
    fn restore(&self, key: &Key, token: Option<&Token>) -> std::result::Result<(), String> {
        let restored = self.keyring().and_then(|store| match token {
            Some(token) => store.set(key, token),
            None => store.delete(key).map(drop),
        });
        restored.map_err(|e| {
            format!(
                "the keyring item {} at {}: {}",
                key.user, key.service, e.message
            )
        })
    }
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
            let steps = std::mem::take(&mut self.journal);
            self.undo_steps(steps);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ops::{self, Activate};
    use crate::protocol::Selector;
    use crate::settings::Settings;
    use crate::store::StoreOptions;
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
    fn with_ctx<R>(
        config: &str,
        f: impl FnOnce(&Ctx, &Arc<MemoryStore>, &std::path::Path) -> R,
    ) -> R {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.yaml"), config).unwrap();
        let settings = Settings::new([("PIPELINE_DIR", dir.path())].into_iter().collect(), None);
        let store = Arc::new(MemoryStore::default());
        let opener = {
            let store = store.clone();
            move |_: &StoreOptions| Ok(Box::new(store.clone()) as Box<dyn Store>)
        };
        let ctx = Ctx::new(&settings, &opener);
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
                let key = ctx.key(&url(u), &alias(a)).unwrap().unwrap();
                store.set(&key, &token(t)).unwrap();
            }
            let snapshot = || {
                let items = store
                    .items()
                    .iter()
                    .map(|(k, t)| (k.clone(), t.expose().to_owned()))
                    .collect();
                (std::fs::read(dir.join("config.yaml")).unwrap(), items)
            };
            let before = snapshot();
            store.fail_on(Some(fail_on), keep_failing);
            let result = op(ctx);
            let calls = store.calls();
            store.fail_on(None, false);
            (result, before, snapshot(), calls)
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
                        tx.remove_token(&alias(a), &url(u))?;
                        tx.remove_remote(&alias(a))?;
                    }
                    tx.set_active(None)?;
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
            tx.put_token(
                &alias("b"),
                &url("https://b.example"),
                &token("t_b"),
                ReadBack::No,
            )?;
            tx.put_token(
                &alias("a"),
                &url("https://a.example"),
                &token("t_a2"),
                ReadBack::No,
            )?;
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
            tx.remove_token(&a, &u)?;
            tx.remove_token(&alias("p"), &url("https://p.example"))?;
            tx.put_token(&a, &u, &token("t_again"), ReadBack::No)?;
            tx.commit().map(drop)
        });
        result.unwrap();
        assert_eq!(after.1.len(), 1);
        assert_eq!(after.1[0].1, "t_again");
    }

    /// `migrate` removes a plaintext token only once the keyring returns it: a keyring that
    /// accepts the write but keeps nothing leaves the token where it was, and says so.
    #[test]
    fn migrate_keeps_a_plaintext_token_the_keyring_did_not_keep() {
        let config = "remotes:\n- alias: p\n  token: pipeline_sk_plain\n  url: https://p.example\n";
        with_ctx(config, |ctx, store, dir| {
            store.forget_writes(true);
            let migrated = ops::migrate(ctx, false).unwrap();
            assert_eq!(migrated.kept.len(), 1);
            let message = &migrated.kept[0].2.message;
            assert!(
                message.contains("did not return the token just written for p"),
                "{message}"
            );
            let file = std::fs::read_to_string(dir.join("config.yaml")).unwrap();
            assert!(file.contains("token: pipeline_sk_plain"), "{file}");
        });
    }

    /// A change config.yaml cannot take is refused before the keyring is touched.
    #[test]
    fn an_unwritable_config_never_reaches_the_keyring() {
        with_ctx("remotes: []\nx: !!binary eA==\n", |ctx, store, _| {
            let e = store_op("b", "https://b.example", "t_b")(ctx).unwrap_err();
            assert!(e.message.contains("!!binary"), "{}", e.message);
            assert_eq!(store.calls(), 0);
        });
    }
}
