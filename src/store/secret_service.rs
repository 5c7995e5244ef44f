//! The freedesktop Secret Service over D-Bus (pure-Rust zbus; no libdbus, no OpenSSL).

use super::keyring::KeyringStore;
use super::{Store, StoreKind, describe};
use crate::error::Result;

const HINT: &str = "unlock your keyring or start a Secret Service (for example gnome-keyring-daemon --unlock --components=secrets) in this session, use --store keyutils in a headless session, or --store file to keep the token in config.yaml in plaintext";

pub fn open() -> Result<Box<dyn Store>> {
    KeyringStore::open(describe(StoreKind::SecretService), HINT, || {
        Ok(zbus_secret_service_keyring_store::Store::new()?)
    })
}
