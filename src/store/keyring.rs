//! Adapter from a keyring-core store (keyutils, macOS Keychain, Windows Credential Manager) to
//! our `Store`. Stores that may wait on the user (a Keychain prompt) run under the deadline.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use super::{Key, Store, deadline};
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::Token;

pub struct KeyringStore {
    inner: Arc<CredentialStore>,
    /// Names the store in errors, with what to do about it.
    name: &'static str,
    hint: &'static str,
    /// Whether calls can block on something outside the process (and so need the deadline).
    bounded: bool,
}

type Opener = fn() -> keyring_core::Result<Arc<CredentialStore>>;

impl KeyringStore {
    pub fn open(
        name: &'static str,
        hint: &'static str,
        bounded: bool,
        open: Opener,
    ) -> Result<Box<dyn Store>> {
        let opened = if bounded {
            deadline(name, hint, open)?
        } else {
            open()
        };
        let inner = opened.map_err(|e| unavailable(name, hint, &e))?;
        Ok(Box::new(KeyringStore {
            inner,
            name,
            hint,
            bounded,
        }))
    }

    fn call<T: Send + 'static>(
        &self,
        key: &Key,
        op: impl FnOnce(Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> Result<keyring_core::Result<T>> {
        let store = self.inner.clone();
        let key = key.clone();
        let run = move || op(store.build(&key.service, &key.user, None)?);
        if self.bounded {
            deadline(self.name, self.hint, run)
        } else {
            Ok(run())
        }
    }

    fn fail(&self, key: &Key, e: keyring_core::Error) -> Error {
        use keyring_core::Error as K;
        match e {
            // Never format the payload: it is the secret's raw bytes.
            K::BadEncoding(_) | K::BadDataFormat(..) => Error::config(format!(
                "the {} item for {} at {} is not a valid token; store it again",
                self.name, key.user, key.service
            )),
            K::Ambiguous(items) => Error::config(format!(
                "{} items in the {} match {} at {}; delete the duplicates",
                items.len(),
                self.name,
                key.user,
                key.service
            )),
            other => unavailable(self.name, self.hint, &other),
        }
    }
}

fn unavailable(name: &str, hint: &str, e: &keyring_core::Error) -> Error {
    Error::new(
        ErrorKind::StoreUnavailable,
        format!("the {name} is unavailable: {e}; {hint}"),
    )
}

impl Store for KeyringStore {
    fn get(&self, key: &Key) -> Result<Option<Token>> {
        match self.call(key, |entry| entry.get_password())? {
            Ok(text) => Token::new(text)
                .map(Some)
                .map_err(|_| self.fail(key, keyring_core::Error::BadEncoding(Vec::new()))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.fail(key, e)),
        }
    }

    fn set(&self, key: &Key, token: &Token) -> Result<()> {
        let token = token.clone();
        self.call(key, move |entry| entry.set_password(token.expose()))?
            .map_err(|e| self.fail(key, e))
    }

    fn delete(&self, key: &Key) -> Result<bool> {
        match self.call(key, |entry| entry.delete_credential())? {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(self.fail(key, e)),
        }
    }
}
