//! An in-memory store for unit tests only (never a process-wide default).

use std::cell::RefCell;
use std::collections::BTreeMap;

use super::{Key, Store};
use crate::error::{Error, Result};
use crate::protocol::Token;

#[derive(Default)]
pub struct MemoryStore {
    pub items: RefCell<BTreeMap<Key, Token>>,
    /// When set, every call fails as a locked keyring would.
    pub locked: bool,
}

impl MemoryStore {
    fn check(&self) -> Result<()> {
        if self.locked {
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
