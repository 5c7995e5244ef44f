//! The Linux kernel's session keyring: for headless sessions; items do not survive a reboot.

use super::keyring::KeyringStore;
use super::{Store, StoreKind, describe};
use crate::error::Result;

const HINT: &str = "run inside a session keyring (keyctl session -), or use --store file to keep the token in config.yaml in plaintext";

pub fn open() -> Result<Box<dyn Store>> {
    // Kernel calls return at once: no deadline thread needed.
    KeyringStore::open(describe(StoreKind::Keyutils), HINT, false, || {
        Ok(linux_keyutils_keyring_store::Store::new()?)
    })
}
