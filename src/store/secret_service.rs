//! The freedesktop Secret Service over D-Bus (pure-Rust zbus; no libdbus, no OpenSSL).
//!
//! Items carry exactly the attributes `service` and `username`, so `secret-tool lookup`, Python
//! keyring and keyring-rs find the same item. The session is plain by default: the token crosses
//! only the user's own session-bus socket, and skipping the Diffie-Hellman exchange makes `get`
//! about three times faster (see the README). `MYSTIC_SECRET_SERVICE_ENCRYPTION=dh` asks for the
//! encrypted session instead. A locked collection is reported at once, never unlocked with a
//! prompt; every call also runs under the store deadline in case the daemon does not answer.

use std::collections::HashMap;
use std::sync::Arc;

use secret_service::EncryptionType;
use secret_service::blocking::SecretService;

use super::{Key, Store, StoreKind, deadline, describe};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::protocol::Token;

const HINT: &str = "unlock your keyring or start a Secret Service (for example gnome-keyring-daemon --unlock --components=secrets) in this session, use --store keyutils in a headless session, or --store file to keep the token in config.yaml in plaintext";

fn name() -> &'static str {
    describe(StoreKind::SecretService)
}

pub struct SecretServiceStore {
    ss: Arc<SecretService<'static>>,
}

pub fn open(env: &Env) -> Result<Box<dyn Store>> {
    let encryption = match env
        .non_empty("MYSTIC_SECRET_SERVICE_ENCRYPTION")
        .and_then(|v| v.to_str())
    {
        None | Some("plain") => EncryptionType::Plain,
        Some("dh") => EncryptionType::Dh,
        Some(_) => {
            return Err(Error::config(
                "MYSTIC_SECRET_SERVICE_ENCRYPTION must be plain or dh",
            ));
        }
    };
    let ss = deadline(name(), HINT, move || SecretService::connect(encryption))?.map_err(fail)?;
    Ok(Box::new(SecretServiceStore { ss: Arc::new(ss) }))
}

fn fail(e: secret_service::Error) -> Error {
    use secret_service::Error as E;
    match e {
        E::Locked | E::Prompt | E::PromptDisconnected => locked(),
        other => Error::unavailable(format!("the {} is unavailable: {other}; {HINT}", name())),
    }
}

fn locked() -> Error {
    Error::unavailable(format!(
        "the {} collection is locked and unlocking it needs an interactive prompt; {HINT}",
        name()
    ))
}

fn attributes(key: &Key) -> HashMap<&str, &str> {
    HashMap::from([
        ("service", key.service.as_str()),
        ("username", key.user.as_str()),
    ])
}

fn ambiguous(key: &Key) -> Error {
    Error::config(format!(
        "several {} items match {} at {}; delete the duplicates (secret-tool clear service {} username {})",
        name(),
        key.user,
        key.service,
        key.service,
        key.user
    ))
}

impl SecretServiceStore {
    /// Runs `op` on the shared connection under the store deadline.
    fn call<T: Send + 'static>(
        &self,
        key: &Key,
        op: impl FnOnce(&SecretService<'static>, &Key) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let ss = self.ss.clone();
        let key = key.clone();
        deadline(name(), HINT, move || op(&ss, &key))?
    }
}

impl Store for SecretServiceStore {
    fn get(&self, key: &Key) -> Result<Option<Token>> {
        self.call(key, |ss, key| {
            let found = ss.search_items(attributes(key)).map_err(fail)?;
            match (found.unlocked.as_slice(), found.locked.is_empty()) {
                ([], true) => Ok(None),
                ([], false) => Err(locked()),
                ([item], _) => {
                    let bytes = item.get_secret().map_err(fail)?;
                    // Never echo the bytes: they are the secret.
                    let text = String::from_utf8(bytes).map_err(|_| invalid_item(key))?;
                    Token::new(text).map(Some).map_err(|_| invalid_item(key))
                }
                _ => Err(ambiguous(key)),
            }
        })
    }

    fn set(&self, key: &Key, token: &Token) -> Result<()> {
        let token = token.clone();
        self.call(key, move |ss, key| {
            let found = ss.search_items(attributes(key)).map_err(fail)?;
            match found.unlocked.as_slice() {
                [item] => item
                    .set_secret(token.expose().as_bytes(), "text/plain")
                    .map_err(fail),
                [] if !found.locked.is_empty() => Err(locked()),
                [] => {
                    let collection = ss.get_default_collection().map_err(fail)?;
                    if collection.is_locked().map_err(fail)? {
                        return Err(locked());
                    }
                    let label = format!("Mystic API token ({} at {})", key.user, key.service);
                    collection
                        .create_item(
                            &label,
                            attributes(key),
                            token.expose().as_bytes(),
                            true,
                            "text/plain",
                        )
                        .map(drop)
                        .map_err(fail)
                }
                _ => Err(ambiguous(key)),
            }
        })
    }

    fn delete(&self, key: &Key) -> Result<bool> {
        self.call(key, |ss, key| {
            let found = ss.search_items(attributes(key)).map_err(fail)?;
            if !found.locked.is_empty() {
                return Err(locked());
            }
            for item in &found.unlocked {
                item.delete().map_err(fail)?;
            }
            Ok(!found.unlocked.is_empty())
        })
    }
}

fn invalid_item(key: &Key) -> Error {
    Error::config(format!(
        "the {} item for {} at {} is not a valid token; store it again",
        name(),
        key.user,
        key.service
    ))
}
