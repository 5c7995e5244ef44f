//! An in-memory store for tests (as keyring-core ships its mock): `run()` with this store runs the
//! whole program in process. It can be locked, made to fail on its N-th call (before or after
//! doing it, as a keyring whose reply comes after the deadline), or made to lose what it is
//! given, to test what callers do when a keyring fails part-way or misbehaves. `main` never uses
//! it. Shared through an `Arc`, so a test keeps it across several `run` calls.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::{Key, MAKE_ROOM, Store};
use crate::error::{Error, Result};
use crate::remote::Token;

#[derive(Default)]
pub struct MemoryStore {
    items: Mutex<BTreeMap<Key, Token>>,
    /// When set, every call fails as a locked keyring would.
    locked: bool,
    /// Calls made so far.
    calls: AtomicUsize,
    failing: Mutex<Failing>,
    /// When set, `set` succeeds but keeps nothing, as a keyring that drops writes.
    forgetful: AtomicBool,
    /// When set, `set` fails as a full store does (the kernel's key quota).
    full: AtomicBool,
    /// Its name, for tests with two stores.
    name: Option<&'static str>,
    /// From this call on, `get` answers with another token than it holds (a store that lies).
    lying_from: AtomicUsize,
}

/// Which call (counting from 1) fails, whether every call after it fails too (a keyring that
/// went away), and whether that one call is done first (its reply lost, the outcome unknown:
/// after a deadline, nothing more is sent); `also` is one more call that fails.
#[derive(Default, Clone, Copy)]
pub struct Failing {
    pub from: Option<usize>,
    pub keep: bool,
    pub late: bool,
    pub also: Option<usize>,
}

impl MemoryStore {
    /// An empty store on which every call fails.
    pub fn locked() -> Self {
        MemoryStore {
            locked: true,
            ..MemoryStore::default()
        }
    }

    /// An empty store with a name of its own (two stores in one test).
    #[cfg(test)]
    pub(crate) fn named(name: &'static str) -> Self {
        MemoryStore {
            name: Some(name),
            ..MemoryStore::default()
        }
    }

    pub fn items(&self) -> MutexGuard<'_, BTreeMap<Key, Token>> {
        self.items.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Counts calls from zero again, and fails them as `failing` says.
    pub fn fail(&self, failing: Failing) {
        self.calls.store(0, Ordering::SeqCst);
        *self.failing.lock().unwrap_or_else(|e| e.into_inner()) = failing;
    }

    /// Makes `set` succeed without keeping the token (or keep it again).
    #[cfg(test)]
    pub(crate) fn forget_writes(&self, on: bool) {
        self.forgetful.store(on, Ordering::SeqCst);
    }

    /// Makes `get` answer another token than the one it holds, from the `call`-th call on
    /// (counted as `fail` counts).
    #[cfg(test)]
    pub(crate) fn lie_from(&self, call: usize) {
        self.lying_from.store(call, Ordering::SeqCst);
    }

    /// Makes `set` fail as a full store's does (or succeed again).
    pub fn fill(&self, on: bool) {
        self.full.store(on, Ordering::SeqCst);
    }

    /// Runs one call: `Err` when it fails before being done; `do_it`'s result, or an error of
    /// unknown outcome when it fails after.
    fn call<T>(&self, do_it: impl FnOnce() -> T) -> Result<T> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let Failing {
            from,
            keep,
            late,
            also,
        } = *self.failing.lock().unwrap_or_else(|e| e.into_inner());
        let failing = from.is_some_and(|n| call == n || (keep && call > n)) || also == Some(call);
        let lost_reply = late && from == Some(call);
        if self.locked || (failing && !lost_reply) {
            return Err(Error::unavailable("memory store is locked"));
        }
        let done = do_it();
        match lost_reply {
            true => Err(Error::unavailable("memory store did not answer").outcome_unknown()),
            false => Ok(done),
        }
    }
}

impl Store for Arc<MemoryStore> {
    fn name(&self) -> &'static str {
        self.name.unwrap_or("in-memory store")
    }

    fn get(&self, key: &Key) -> Result<Option<Token>> {
        let lying = self.lying_from.load(Ordering::SeqCst);
        let lies = lying > 0 && self.calls() + 1 >= lying;
        let held = self.call(|| self.items().get(key).cloned())?;
        Ok(match lies {
            true => held.map(|_| Token::new("pipeline_sk_another".into()).expect("a valid token")),
            false => held,
        })
    }
    fn set(&self, key: &Key, token: &Token) -> Result<()> {
        if self.full.load(Ordering::SeqCst) {
            let e = Error::unavailable(format!("memory store is full. {MAKE_ROOM}remove items"));
            return Err(e.store_full());
        }
        self.call(|| {
            if !self.forgetful.load(Ordering::SeqCst) {
                self.items().insert(key.clone(), token.clone());
            }
        })
    }
    fn delete(&self, key: &Key) -> Result<bool> {
        self.call(|| self.items().remove(key).is_some())
    }
    fn list(&self, prefix: &str) -> Result<Vec<Key>> {
        let items = self.items();
        self.call(|| {
            let keys = items.keys().filter(|k| k.service.starts_with(prefix));
            keys.cloned().collect()
        })
    }
}
