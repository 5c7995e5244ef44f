//! The Linux kernel keyring, for machines without a Secret Service (servers, containers, CI).
//!
//! Tokens live in the user's persistent keyring (persistent-keyring(7)): one per user, shared by
//! every session and login of that user, with or without a session keyring of its own. Any
//! process of the same user can read them (and root). The kernel drops the keyring, and the
//! tokens with it, at reboot or after `/proc/sys/kernel/keys/persistent_keyring_expiry` seconds
//! (3 days by default) in which no process asked for it; every helper call asks, so the clock
//! restarts with each use.
//!
//! A key is `user` type, described `keyring:<alias>@<service>` (the naming keyring-rs uses, and
//! version 1 of this helper). Reads also look in the session and user keyrings, where version 1
//! left keys; `delete` invalidates the key everywhere it is linked.

use linux_keyutils::{Key as KernelKey, KeyError, KeyRing, KeyRingIdentifier};
use zeroize::Zeroizing;

use super::{Key, Store, unavailable};
use crate::error::{Error, Result};
use crate::protocol::Token;
use crate::protocol::validate::MAX_TOKEN_LEN;

pub const NAME: &str = "kernel keyring (keyutils)";
const ADVICE: &str = "Use --store secret-service in a desktop session, or --store file to keep tokens in plaintext in config.yaml; set MYSTIC_CREDENTIAL_STORE to make that choice for every command.";

pub struct KeyutilsStore {
    persistent: KeyRing,
}

pub fn open() -> Result<Box<dyn Store>> {
    // Linking the persistent keyring into our process keyring (which ends with this process)
    // makes us its possessor, and only a possessor may read the keys in it.
    let persistent = KeyRing::get_persistent(KeyRingIdentifier::Process).map_err(|e| match e {
        KeyError::QuotaExceeded => fail("open", e),
        _ => unavailable(
            "cannot open your persistent kernel keyring (it needs Linux 3.13 or later with CONFIG_PERSISTENT_KEYRINGS)",
            ADVICE,
            Some(&format!("{e:?}")),
        ),
    })?;
    Ok(Box::new(KeyutilsStore { persistent }))
}

fn description(key: &Key) -> String {
    format!("keyring:{}@{}", key.user, key.service)
}

impl KeyutilsStore {
    /// The keyrings searched, newest home first. The session keyring of a shell without one is
    /// the user-session keyring, which links the user keyring: both are searched either way.
    fn rings(&self) -> impl Iterator<Item = KeyRing> {
        let others = [KeyRingIdentifier::Session, KeyRingIdentifier::User]
            .into_iter()
            .filter_map(|id| KeyRing::from_special_id(id, false).ok());
        std::iter::once(self.persistent).chain(others)
    }

    fn find(&self, key: &Key) -> Result<Option<KernelKey>> {
        let description = description(key);
        for ring in self.rings() {
            match ring.search(&description) {
                Ok(found) => return Ok(Some(found)),
                Err(e) if missing(e) => {}
                Err(e) => return Err(fail("search", e)),
            }
        }
        Ok(None)
    }
}

/// Errors that mean "no such key here" rather than a failure.
fn missing(e: KeyError) -> bool {
    matches!(
        e,
        KeyError::KeyDoesNotExist | KeyError::KeyExpired | KeyError::KeyRevoked
    )
}

fn fail(what: &str, e: KeyError) -> Error {
    if e == KeyError::QuotaExceeded {
        return Error::unavailable(format!(
            "the kernel's key quota for your user is full ({}), so no new key can be stored. Erase tokens you no longer need and remove other keys you do not (see /proc/keys; keyctl unlink), or have root raise the sysctls kernel.keys.maxkeys and kernel.keys.maxbytes; --store file keeps tokens in plaintext in config.yaml instead",
            quota()
        ));
    }
    unavailable(
        &format!("the kernel keyring refused to {what} a key"),
        ADVICE,
        Some(&format!("{e:?}")),
    )
}

/// This user's use of the key quota, as /proc/key-users reports it ("keys used/max, bytes
/// used/max").
fn quota() -> String {
    // SAFETY: getuid cannot fail.
    let uid = format!("{}:", unsafe { libc::getuid() });
    let text = std::fs::read_to_string("/proc/key-users").unwrap_or_default();
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .find(|cols| cols.first() == Some(&uid.as_str()))
        .and_then(|cols| Some(format!("keys {}, bytes {}", cols.get(3)?, cols.get(4)?)))
        .unwrap_or_else(|| "see /proc/key-users".into())
}

impl Store for KeyutilsStore {
    fn get(&self, key: &Key) -> Result<Option<Token>> {
        let Some(found) = self.find(key)? else {
            return Ok(None);
        };
        // One byte more than a token may have, to see an oversized payload.
        let mut buffer = Zeroizing::new([0u8; MAX_TOKEN_LEN + 1]);
        let len = match found.read(&mut *buffer) {
            Ok(len) => len,
            Err(e) if missing(e) => return Ok(None),
            Err(e) => return Err(fail("read", e)),
        };
        let invalid = || {
            Error::config(format!(
                "the {NAME} key {} is not a valid token; store it again",
                description(key)
            ))
        };
        let text = buffer
            .get(..len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .ok_or_else(invalid)?;
        Token::new(text.to_owned()).map(Some).map_err(|_| invalid())
    }

    fn set(&self, key: &Key, token: &Token) -> Result<()> {
        // add_key replaces the payload of a key with this description in place, atomically.
        self.persistent
            .add_key(&description(key), token.expose())
            .map(drop)
            .map_err(|e| fail("add", e))
    }

    fn delete(&self, key: &Key) -> Result<bool> {
        let mut deleted = false;
        // Invalidation unlinks the key from every keyring at once; repeat for copies elsewhere
        // (bounded, in case a key is relinked as fast as we remove it).
        for _ in 0..16 {
            let Some(found) = self.find(key)? else {
                break;
            };
            match found.invalidate() {
                Ok(()) => deleted = true,
                Err(e) if missing(e) => {}
                Err(e) => return Err(fail("delete", e)),
            }
        }
        Ok(deleted)
    }
}
