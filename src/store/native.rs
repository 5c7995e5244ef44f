//! The platform's own store through keyring-core: Keychain on macOS, Credential Manager on
//! Windows. Calls may wait on the user (a Keychain prompt), so they run under the deadline.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use super::{Deadline, Key, Store, unavailable};
use crate::error::{Error, Result};
use crate::remote::Token;

#[cfg(target_os = "macos")]
pub(crate) const NAME: &str = "macOS Keychain";
#[cfg(target_os = "windows")]
pub(crate) const NAME: &str = "Windows Credential Manager";
const ADVICE: &str = "Unlock the keychain or credential store, or use --store file to keep tokens in plaintext in config.yaml; set MYSTIC_CREDENTIAL_STORE=file to make that choice for every command.";

pub(crate) struct NativeStore {
    inner: Arc<CredentialStore>,
    deadline: Deadline,
}

pub(crate) fn open(deadline: Deadline) -> Result<Box<dyn Store>> {
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

/// Every item's service and user. A Credential Manager target name is `<user>.<service>`; its
/// user name field says where the user ends (a url has dots).
#[cfg(target_os = "windows")]
fn names(_store: &CredentialStore) -> Result<Vec<(String, String)>> {
    let all = crate::sys::credentials()
        .map_err(|e| unavailable(&format!("the {NAME} failed"), ADVICE, Some(&e.to_string())))?;
    Ok(all
        .into_iter()
        .filter_map(|(target, user)| {
            let service = target.strip_prefix(&format!("{user}."))?.to_owned();
            Some((service, user))
        })
        .collect())
}

/// Every item's service and user (the Keychain's service and account).
#[cfg(target_os = "macos")]
fn names(store: &CredentialStore) -> Result<Vec<(String, String)>> {
    let found = store
        .search(&std::collections::HashMap::new())
        .map_err(|e| failed(&e))?;
    Ok(found.iter().filter_map(Entry::get_specifiers).collect())
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
        let found = self
            .deadline
            .run(NAME, ADVICE, move || names(store.as_ref()))??;
        let mut keys: Vec<Key> = found
            .into_iter()
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
