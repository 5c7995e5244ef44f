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
use crate::remote::{Alias, Origin, Token};
use crate::store::{Key, Store};

/// Whether `put_token` reads a written item back and compares it before trusting it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReadBack {
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

pub(crate) struct Txn<'c, 'a> {
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
    pub(crate) fn begin(ctx: &'c Ctx<'a>) -> Result<Self> {
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
    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Whether config.yaml existed when the transaction began.
    pub(crate) fn config_exists(&self) -> bool {
        self.original.is_some()
    }

    pub(crate) fn remove_remote(&mut self, alias: &Alias) -> Result<bool> {
        self.config.remove(alias)
    }

    pub(crate) fn set_active(&mut self, alias: Option<&Alias>) -> Result<()> {
        self.config.set_active(alias)
    }

    /// Saves `token` for the remote `alias` at `url` (adding the remote, or setting its url):
    /// into the keyring now, dropping any plaintext copy from config.yaml; or, for the file
    /// store, as plaintext in config.yaml. Returns whether a token was there before.
    pub(crate) fn put_token(
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
            let written = match store.set(&key, token) {
                Err(e) if !e.unknown_outcome => return Err(e),
                written => written,
            };
            // Done, or perhaps done: either way it is undone like a write.
            self.journal.push(Step::Wrote {
                key: key.clone(),
                before,
            });
            if let Err(e) = written {
                return Err(self.undo(e));
            }
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
        let undone = self.undo_steps(steps);
        Err(with_state(err, undone))
    }

    /// The keyring item of `alias` at `url` is retired once config.yaml no longer names it. (A
    /// plaintext token goes with its remote's entry in config.yaml.)
    pub(crate) fn remove_token(&mut self, alias: &Alias, url: &Origin) -> Result<()> {
        if let Some(key) = self.ctx.key(url, alias)? {
            self.retiring.push(key);
        }
        Ok(())
    }

    /// Applies the change; returns how many items were retired.
    pub(crate) fn commit(mut self) -> Result<usize> {
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
            match self.keyring().and_then(|store| store.delete(&key)) {
                Ok(_) => self.journal.push(Step::Retired { key, token }),
                // Perhaps deleted: config.yaml, which no longer names it, stays.
                Err(e) if e.unknown_outcome => {
                    self.journal.clear();
                    let left = format!("{} may remain, for no remote ({ORPHAN})", item(&key));
                    return Err(with_state(e, Undone::Kept(vec![left])));
                }
                Err(e) => return Err(self.undo(e)),
            }
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

    /// Undoes the whole journal; returns `err`, saying what state it left.
    fn undo(&mut self, err: Error) -> Error {
        let steps = std::mem::take(&mut self.journal);
        let undone = self.undo_steps(steps);
        with_state(err, undone)
    }

    /// Undoes `steps`, newest first, as far as that is safe. config.yaml goes back only when
    /// every keyring step after it was undone: otherwise it would name an item that is gone, so
    /// it keeps the change, and so do the items it names.
    fn undo_steps(&mut self, steps: Vec<Step>) -> Undone {
        let mut failed = Vec::new();
        // Items put back after config.yaml stopped naming them: orphans if it keeps the change.
        let mut put_back = Vec::new();
        for step in steps.into_iter().rev() {
            let undone = match &step {
                Step::Published if !failed.is_empty() => return kept(failed, put_back),
                Step::Published => match self.lock.write(self.original.as_deref()) {
                    Ok(()) => Ok(()),
                    Err(e) => {
                        failed.push(format!("config.yaml could not be put back ({})", e.message));
                        return kept(failed, put_back);
                    }
                },
                Step::Wrote { key, before } => {
                    self.restore(key, before.as_ref())
                        .map_err(|e| match before {
                            Some(_) => {
                                format!("{} holds the new token or the old one ({e})", item(key))
                            }
                            None => format!(
                                "{} may hold the new token, for no remote ({ORPHAN}; {e})",
                                item(key)
                            ),
                        })
                }
                Step::Retired { key, token } => match self.restore(key, Some(token)) {
                    Ok(()) => {
                        put_back.push(format!(
                            "{} was put back, for no remote ({ORPHAN})",
                            item(key)
                        ));
                        Ok(())
                    }
                    Err(e) => Err(format!("{} stays deleted ({e})", item(key))),
                },
            };
            failed.extend(undone.err());
        }
        match failed.is_empty() {
            true => Undone::All,
            false => Undone::Partly(failed),
        }
    }

    /// Puts an item back as it was (`None`: it did not exist).
    fn restore(&self, key: &Key, token: Option<&Token>) -> std::result::Result<(), String> {
        let restored = self.keyring().and_then(|store| match token {
            Some(token) => store.set(key, token),
            None => store.delete(key).map(drop),
        });
        restored.map_err(|e| e.message)
    }
}

/// config.yaml keeps the change: what could not be undone, and the items put back for no remote.
fn kept(mut failed: Vec<String>, put_back: Vec<String>) -> Undone {
    failed.extend(put_back);
    Undone::Kept(failed)
}

/// What a message says of an item it leaves for no remote.
const ORPHAN: &str = "an orphan: `mystic-credential-helper prune` removes it";

/// A keyring item, as messages name it.
fn item(key: &Key) -> String {
    format!("the keyring item {} at {}", key.user, key.service)
}

/// What an undo left.
enum Undone {
    /// Everything as it was.
    All,
    /// config.yaml as it was; these keyring steps could not be undone.
    Partly(Vec<String>),
    /// config.yaml keeps the change (and the items it names); these could not be undone.
    Kept(Vec<String>),
}

/// `err`, saying what state the failed change left: nothing to add when all was undone.
fn with_state(mut err: Error, undone: Undone) -> Error {
    let said = match undone {
        Undone::All => return err,
        Undone::Partly(failed) => format!(
            "config.yaml is unchanged; restoring also failed: {}",
            failed.join("; ")
        ),
        Undone::Kept(failed) => format!(
            "config.yaml keeps the change, so every remote it names has its token; {}",
            failed.join("; ")
        ),
    };
    err.message = format!("{}; {said}", err.message);
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
    use crate::remote::Selector;
    use crate::settings::Settings;
    use crate::store::StoreOptions;
    use crate::store::memory::{Failing, MemoryStore};

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
    /// and a store holding items for both (`p`'s is stale); the store fails as `failing` says.
    /// Returns what `op` returned, the state before and after, and the calls `op` made.
    fn attempt(
        failing: Failing,
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
            store.fail(failing);
            let result = op(ctx);
            let calls = store.calls();
            store.fail(Failing::default());
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
            ("new", store_op("b", "https://b.example", "tok_bbbb"), |s| {
                has(s, "b.example", "b", "tok_bbbb") && s.1.len() == 3
            }),
            (
                "replace",
                store_op("a", "https://a.example", "tok_new_1"),
                |s| has(s, "a.example", "a", "tok_new_1") && s.1.len() == 2,
            ),
            (
                "move",
                store_op("a", "https://moved.example", "tok_moved"),
                |s| has(s, "moved.example", "a", "tok_moved") && s.1.len() == 2,
            ),
            (
                "plaintext",
                store_op("p", "https://p.example", "tok_pppp"),
                |s| has(s, "p.example", "p", "tok_pppp") && !s.0.windows(5).any(|w| w == b"token"),
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
                let (result, before, after, calls) = attempt(on(fail_on, false, false), &op);
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

    fn on(from: usize, keep: bool, late: bool) -> Failing {
        Failing {
            from: Some(from),
            keep,
            late,
            also: None,
        }
    }

    /// Three items retired, the third's deletion refused and then the first's restore refused:
    /// config.yaml keeps the change, and the error names both the item that stays deleted and
    /// the one put back for no remote.
    #[test]
    fn items_put_back_for_a_kept_change_are_named() {
        let config = "remotes:\n- alias: a\n  url: https://a.example\n- alias: b\n  url: https://b.example\n- alias: c\n  url: https://c.example\n";
        with_ctx(config, |ctx, store, dir| {
            for a in ["a", "b", "c"] {
                let key = ctx
                    .key(&url(&format!("https://{a}.example")), &alias(a))
                    .unwrap()
                    .unwrap();
                store
                    .set(&key, &token(&format!("pipeline_sk_{a}")))
                    .unwrap();
            }
            // Calls: 3 reads, deletes of a (4), b (5), c (6, refused); restores of b (7), a (8, refused).
            store.fail(Failing {
                from: Some(6),
                keep: false,
                late: false,
                also: Some(8),
            });
            let mut tx = Txn::begin(ctx).unwrap();
            for a in ["a", "b", "c"] {
                tx.remove_token(&alias(a), &url(&format!("https://{a}.example")))
                    .unwrap();
                tx.remove_remote(&alias(a)).unwrap();
            }
            let message = tx.commit().unwrap_err().message;
            assert!(
                message.contains("config.yaml keeps the change"),
                "{message}"
            );
            assert!(
                message.contains("the keyring item a at ")
                    && message.contains("a.example stays deleted"),
                "{message}"
            );
            assert!(message.contains("b.example was put back, for no remote (an orphan: `mystic-credential-helper prune` removes it)"), "{message}");
            assert!(
                !std::fs::read_to_string(dir.join("config.yaml"))
                    .unwrap()
                    .contains("alias:")
            );
        });
    }

    /// Whether every remote config.yaml names has a token: plaintext, or its keyring item.
    fn every_remote_has_a_token(s: &State) -> bool {
        let config = Config::parse(&s.0).unwrap();
        config.remotes.iter().all(|r| {
            r.token.is_some()
                || s.1
                    .iter()
                    .any(|(k, _)| k.user == r.alias.as_str() && k.service.ends_with(r.url.as_str()))
        })
    }

    /// Every writer, failing at each call in turn as `failing` says: no remote is ever left
    /// without a token, and the error says what was left exactly when something was. Returns
    /// how many failures left something.
    fn left_behind(failing: impl Fn(usize) -> Failing) -> usize {
        let mut left = 0;
        for (name, op, _) in writers() {
            for fail_on in 1..20 {
                let (result, before, after, _) = attempt(failing(fail_on), &op);
                let Err(e) = result else { break };
                let at = format!("{name} failing at {fail_on}: {}", e.message);
                assert!(every_remote_has_a_token(&after), "{at}");
                let kept = e.message.contains("config.yaml keeps the change");
                let claimed = kept || e.message.contains("; restoring also failed:");
                assert_eq!(claimed, before != after, "{at}");
                assert_eq!(kept, before.0 != after.0, "{at}");
                left += usize::from(claimed);
            }
        }
        left
    }

    /// A keyring that goes away part-way cannot be restored either: then, and only then, the
    /// error says what was left behind.
    #[test]
    fn a_keyring_that_goes_away_names_what_it_left() {
        assert!(left_behind(|n| on(n, true, false)) > 0);
    }

    /// A call that is carried out but whose reply is lost (it came after the deadline) has an
    /// unknown outcome: the undo never assumes it did not happen. With the keyring back for the
    /// undo, only a retired item's deletion is left in place (config.yaml no longer names it).
    #[test]
    fn a_lost_reply_never_leaves_a_remote_without_its_token() {
        assert!(left_behind(|n| on(n, false, true)) > 0);
        assert!(left_behind(|n| on(n, true, true)) > 0);
    }

    /// The three cases seen against a slow gnome-keyring, each with the state it must leave.
    #[test]
    fn lost_replies_leave_the_old_or_the_new_token() {
        // erase: the item's deletion was done; config.yaml keeps the remote erased.
        let erase: Op =
            Box::new(|c| ops::erase(c, &Selector::new(Some(alias("a")), None)).map(drop));
        let (result, _, after, _) = attempt(on(2, true, true), &erase);
        let message = result.unwrap_err().message;
        assert!(
            message.contains("config.yaml keeps the change"),
            "{message}"
        );
        assert!(!String::from_utf8_lossy(&after.0).contains("alias: a\n"));
        // replace: the new token went in and cannot be taken back; the item holds one of the two.
        let (result, _, after, _) = attempt(
            on(2, true, true),
            store_op("a", "https://a.example", "tok_new_1"),
        );
        let message = result.unwrap_err().message;
        assert!(
            message.contains("holds the new token or the old one"),
            "{message}"
        );
        assert!(has(&after, "a.example", "a", "tok_new_1"));
        // move: the old item's deletion was lost; the remote is at its new url with its token.
        let (result, _, after, _) = attempt(
            on(4, true, true),
            store_op("a", "https://moved.example", "tok_moved"),
        );
        let message = result.unwrap_err().message;
        assert!(
            message.contains("a.example may remain, for no remote"),
            "{message}"
        );
        assert!(String::from_utf8_lossy(&after.0).contains("moved.example"));
        assert!(has(&after, "moved.example", "a", "tok_moved"));
    }

    /// The safety net for an error between a write and `commit`.
    #[test]
    fn a_transaction_dropped_without_commit_leaves_the_keyring_as_it_was() {
        let (result, before, after, _) = attempt(Failing::default(), |c| {
            let mut tx = Txn::begin(c)?;
            tx.put_token(
                &alias("b"),
                &url("https://b.example"),
                &token("tok_bbbb"),
                ReadBack::No,
            )?;
            tx.put_token(
                &alias("a"),
                &url("https://a.example"),
                &token("tok_aaa2"),
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
        let (result, _, after, _) = attempt(Failing::default(), |c| {
            let mut tx = Txn::begin(c)?;
            let (a, u) = (alias("a"), url("https://a.example"));
            tx.remove_token(&a, &u)?;
            tx.remove_token(&alias("p"), &url("https://p.example"))?;
            tx.put_token(&a, &u, &token("tok_again"), ReadBack::No)?;
            tx.commit().map(drop)
        });
        result.unwrap();
        assert_eq!(after.1.len(), 1);
        assert_eq!(after.1[0].1, "tok_again");
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
            let e = store_op("b", "https://b.example", "tok_bbbb")(ctx).unwrap_err();
            assert!(e.message.contains("!!binary"), "{}", e.message);
            assert_eq!(store.calls(), 0);
        });
    }
}
