//! An in-memory store for tests (as keyring-core ships its mock): `run()` with this store runs the
//! whole program in process. It can be locked, or made to fail on its N-th call, to test what
//! callers do when a keyring fails part-way. `main` never uses it.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use super::{Key, Store};
use crate::error::{Error, Result};
use crate::protocol::Token;

#[derive(Default)]
pub struct MemoryStore {
    pub items: RefCell<BTreeMap<Key, Token>>,
    /// When set, every call fails as a locked keyring would.
    pub locked: bool,
    /// Calls made so far, and the one (counting from 1) that fails; with `keep_failing`, every
    /// call after it fails too, as a keyring that went away.
    pub calls: Cell<usize>,
    pub fail_on: Cell<Option<usize>>,
    pub keep_failing: Cell<bool>,
}

impl MemoryStore {
    fn check(&self) -> Result<()> {
        self.calls.set(self.calls.get() + 1);
        let failing = self.fail_on.get().is_some_and(|n| {
            let call = self.calls.get();
            call == n || (self.keep_failing.get() && call > n)
        });
        if self.locked || failing {
            return Err(Error::unavailable("memory store is locked"));
        }
        Ok(())
    }
}

impl Store for MemoryStore {
    fn get(&self, key: &Key) -> Result<Option<Token>> {
        self.check()?;
        Ok(self.items.borrow().get(key).cloned())
    }
    fn set(&self, key: &Key, token: &Token) -> Result<()> {
        self.check()?;
        self.items.borrow_mut().insert(key.clone(), token.clone());
        Ok(())
    }
    fn delete(&self, key: &Key) -> Result<bool> {
        self.check()?;
        Ok(self.items.borrow_mut().remove(key).is_some())
    }
}

/// Lets a test keep the store across several `run` calls.
impl Store for std::rc::Rc<MemoryStore> {
    fn get(&self, key: &Key) -> Result<Option<Token>> {
        (**self).get(key)
    }
    fn set(&self, key: &Key, token: &Token) -> Result<()> {
        (**self).set(key, token)
    }
    fn delete(&self, key: &Key) -> Result<bool> {
        (**self).delete(key)
    }
}
