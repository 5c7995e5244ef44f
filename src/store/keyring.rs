//! Adapter from a keyring-core store to our `Store`, with a deadline on every call.
//!
//! A locked collection makes the Secret Service wait for an unlock prompt that a headless
//! session never shows; each call therefore runs on a worker thread, and we give up after
//! `TIMEOUT`. The process exits soon after, which ends the abandoned call.

use std::sync::{Arc, mpsc};

use keyring_core::{CredentialStore, Entry};

use super::{Key, Store, TIMEOUT};
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::Token;

pub struct KeyringStore {
    inner: Arc<CredentialStore>,
    /// Names the store in errors, with what to do about it.
    name: &'static str,
    hint: &'static str,
}

/// Runs `f` on a worker thread and waits at most `TIMEOUT`.
pub fn with_deadline<T: Send + 'static>(
    name: &'static str,
    hint: &'static str,
    f: impl FnOnce() -> keyring_core::Result<T> + Send + 'static,
) -> Result<keyring_core::Result<T>> {
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("keyring".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| Error::io("starting the keyring thread", &e))?;
    rx.recv_timeout(TIMEOUT).map_err(|_| {
        Error::unavailable(format!(
            "the {name} did not answer within {}s (is it locked and waiting for an unlock prompt?); {hint}",
            TIMEOUT.as_secs()
        ))
    })
}

impl KeyringStore {
    pub fn open(
        name: &'static str,
        hint: &'static str,
        open: fn() -> keyring_core::Result<Arc<CredentialStore>>,
    ) -> Result<Box<dyn Store>> {
        let inner = with_deadline(name, hint, open)?.map_err(|e| unavailable(name, hint, &e))?;
        Ok(Box::new(KeyringStore { inner, name, hint }))
    }

    fn call<T: Send + 'static>(
        &self,
        key: &Key,
        op: impl FnOnce(Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> Result<keyring_core::Result<T>> {
        let store = self.inner.clone();
        let key = key.clone();
        with_deadline(self.name, self.hint, move || {
            op(store.build(&key.service, &key.user, None)?)
        })
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
