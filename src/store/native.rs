//! The platform's own store through keyring-core: Keychain on macOS, Credential Manager on
//! Windows. Calls may wait on the user (a Keychain prompt), so they run under the deadline.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use super::{Deadline, Key, Store, unavailable};
use crate::error::{Error, Result};
use crate::protocol::Token;

#[cfg(target_os = "macos")]
pub const NAME: &str = "macOS Keychain";
#[cfg(target_os = "windows")]
pub const NAME: &str = "Windows Credential Manager";
const ADVICE: &str = "Unlock the keychain or credential store, or use --store file to keep tokens in plaintext in config.yaml; set MYSTIC_CREDENTIAL_STORE=file to make that choice for every command.";

pub struct NativeStore {
    inner: Arc<CredentialStore>,
    deadline: Deadline,
}

pub fn open(deadline: Deadline) -> Result<Box<dyn Store>> {
    let opened = deadline.run(
        NAME,
        ADVICE,
        || -> keyring_core::Result<Arc<CredentialStore>> {
            #[cfg(target_os = "macos")]
            return Ok(apple_native_keyring_store::keychain::Store::new()?);
            #[cfg(target_os = "windows")]
            return Ok(windows_native_keyring_store::Store::new()?);
        },
    )?;
    let inner = opened.map_err(|e| failed(&e))?;
    Ok(Box::new(NativeStore { inner, deadline }))
}

fn failed(e: &keyring_core::Error) -> Error {
    unavailable(&format!("the {NAME} failed"), ADVICE, Some(&e.to_string()))
}

impl NativeStore {
    fn call<T: Send + 'static>(
        &self,
        key: &Key,
        op: impl FnOnce(Entry) -> keyring_core::Result<T> + Send + 'static,
    ) -> Result<keyring_core::Result<T>> {
        let store = self.inner.clone();
        let key = key.clone();
        self.deadline.run(NAME, ADVICE, move || {
            op(store.build(&key.service, &key.user, None)?)
        })
    }

    fn fail(&self, key: &Key, e: keyring_core::Error) -> Error {
        use keyring_core::Error as K;
        match e {
            // Never format the payload: it is the secret's raw bytes.
            K::BadEncoding(_) | K::BadDataFormat(..) => Error::config(format!(
                "the {NAME} item for {} at {} is not a valid token; store it again",
                key.user, key.service
            )),
            K::Ambiguous(items) => Error::config(format!(
                "{} items in the {NAME} match {} at {}; delete the duplicates",
                items.len(),
                key.user,
                key.service
            )),
            other => failed(&other),
        }
    }
}

/// An item's service and user. Credential Manager's target name is `<user>.<service>`, which
/// keyring-core splits at the last dot (a url has dots): its user name field says where.
#[cfg(target_os = "windows")]
fn named(entry: &Entry) -> Option<(String, String)> {
    let attributes = entry.get_attributes().ok()?;
    let user = attributes.get("username")?;
    let service = attributes
        .get("target_name")?
        .strip_prefix(&format!("{user}."))?;
    Some((service.to_owned(), user.clone()))
}

/// An item's service and user (the Keychain's service and account).
#[cfg(target_os = "macos")]
fn named(entry: &Entry) -> Option<(String, String)> {
    entry.get_specifiers()
}

impl Store for NativeStore {
    fn name(&self) -> &'static str {
        NAME
    }

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
        #[cfg(target_os = "windows")]
        super::credential_manager_fits(token)?;
        let token = token.clone();
        self.call(key, move |entry| entry.set_password(token.expose()))?
            .map_err(|e| self.fail(key, e))
    }

    fn list(&self, prefix: &str) -> Result<Vec<Key>> {
        let store = self.inner.clone();
        let found = self.deadline.run(NAME, ADVICE, move || {
            store.search(&std::collections::HashMap::new())
        })?;
        let mut keys: Vec<Key> = found
            .map_err(|e| failed(&e))?
            .iter()
            .filter_map(named)
            .filter(|(service, _)| service.starts_with(prefix))
            .map(|(service, user)| Key { service, user })
            .collect();
        keys.sort();
        keys.dedup();
        Ok(keys)
    }

    fn delete(&self, key: &Key) -> Result<bool> {
        match self.call(key, |entry| entry.delete_credential())? {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(e) => Err(self.fail(key, e)),
        }
    }
}
