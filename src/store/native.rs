//! The platform's own store: Keychain on macOS, Credential Manager on Windows.

use super::keyring::KeyringStore;
use super::{Store, StoreKind, describe};
use crate::error::Result;

const HINT: &str = "unlock the keychain or credential store, or use --store file to keep the token in config.yaml in plaintext";

#[cfg(target_os = "macos")]
pub fn open() -> Result<Box<dyn Store>> {
    KeyringStore::open(describe(StoreKind::Auto), HINT, true, || {
        Ok(apple_native_keyring_store::keychain::Store::new()?)
    })
}

#[cfg(target_os = "windows")]
pub fn open() -> Result<Box<dyn Store>> {
    KeyringStore::open(describe(StoreKind::Auto), HINT, true, || {
        Ok(windows_native_keyring_store::Store::new()?)
    })
}
