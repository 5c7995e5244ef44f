//! The freedesktop Secret Service over D-Bus (gnome-keyring, KWallet, KeePassXC), through our
//! own small zbus client (see `client.rs` for why the order of calls matters).
//!
//! Items carry exactly the attributes `service` and `username`, so `secret-tool lookup`, Python
//! keyring and keyring-rs find the same item. The session is plain by default: the token crosses
//! only the user's own session-bus socket, and skipping the Diffie-Hellman exchange makes `get`
//! several times faster (see docs/design.md). `MYSTIC_SECRET_SERVICE_ENCRYPTION=dh` asks for the
//! encrypted session instead. A locked collection is reported at once, never unlocked with a
//! prompt; every call runs under the process's keyring deadline.

mod client;
mod dh;

use std::collections::HashMap;

use client::{Client, Encryption, Fault};

use super::{Deadline, Key, Store, unavailable};
use crate::error::{Error, Result};
use crate::protocol::Token;
use crate::settings::{self, Settings};

pub const NAME: &str = "Secret Service";
const ADVICE: &str = "On a machine without a desktop session use --store keyutils (the kernel keyring), or --store file to keep tokens in plaintext in config.yaml; set MYSTIC_CREDENTIAL_STORE=keyutils (or file) to make that choice for every command.";

pub struct SecretServiceStore {
    client: Client,
}

pub fn open(settings: &Settings, deadline: Deadline) -> Result<Box<dyn Store>> {
    let encryption = match settings.encryption.clone()? {
        settings::Encryption::Plain => Encryption::Plain,
        settings::Encryption::Dh => Encryption::Dh,
    };
    let Some(address) = settings.bus.clone() else {
        return Err(unavailable(
            "there is no D-Bus session bus here (DBUS_SESSION_BUS_ADDRESS is not set), so no Secret Service",
            ADVICE,
            None,
        ));
    };
    let client = Client::connect(&address, encryption, deadline.at()).map_err(fail)?;
    Ok(Box::new(SecretServiceStore { client }))
}

fn fail(fault: Fault) -> Error {
    match fault {
        Fault::NoBus(detail) => unavailable(
            "cannot connect to the D-Bus session bus, so no Secret Service",
            ADVICE,
            Some(&detail),
        ),
        Fault::NoService(detail) => unavailable(
            "no Secret Service (such as gnome-keyring) is running on the D-Bus session bus",
            ADVICE,
            Some(&detail),
        ),
        Fault::Locked => unavailable(
            "the Secret Service keyring is locked, and unlocking it needs a prompt, which this helper never shows; unlock it in your desktop session",
            ADVICE,
            None,
        ),
        Fault::UnknownMethod(detail) | Fault::Other(detail) => {
            unavailable("the Secret Service failed", ADVICE, Some(&detail))
        }
        Fault::NoSuchObject | Fault::Gone => unavailable(
            "the Secret Service lost an item while it was being used, again and again",
            ADVICE,
            None,
        ),
        Fault::Timeout => Deadline::missed(NAME, ADVICE),
    }
}

fn attributes(key: &Key) -> HashMap<&str, &str> {
    HashMap::from([
        ("service", key.service.as_str()),
        ("username", key.user.as_str()),
    ])
}

fn ambiguous(key: &Key) -> Error {
    Error::config(format!(
        "several {NAME} items match {} at {}; delete the duplicates (secret-tool clear service {} username {})",
        key.user, key.service, key.service, key.user
    ))
}

fn invalid_item(key: &Key) -> Error {
    Error::config(format!(
        "the {NAME} item for {} at {} is not a valid token; store it again",
        key.user, key.service
    ))
}

impl SecretServiceStore {
    /// Runs `op` on the connection under the deadline.
    fn call<T>(&self, key: &Key, op: impl AsyncFnOnce(&Client, &Key) -> Result<T>) -> Result<T> {
        let outcome = self.client.run(async { Ok(op(&self.client, key).await) });
        outcome.map_err(fail)?
    }
}

/// How often an operation starts over when another client deletes the item it found.
const RACES: usize = 3;

impl Store for SecretServiceStore {
    fn get(&self, key: &Key) -> Result<Option<Token>> {
        self.call(key, async |client, key| {
            for _ in 0..RACES {
                let found = client.search(&attributes(key)).await.map_err(fail)?;
                let item = match (found.unlocked.as_slice(), found.locked.is_empty()) {
                    ([], true) => return Ok(None),
                    ([], false) => return Err(fail(Fault::Locked)),
                    ([item], _) => item,
                    _ => return Err(ambiguous(key)),
                };
                let bytes = match client.get_secret(item).await {
                    Err(Fault::Gone) => continue,
                    other => other.map_err(fail)?,
                };
                // Never echo the bytes: they are the secret.
                let text = std::str::from_utf8(&bytes).map_err(|_| invalid_item(key))?;
                return Token::new(text.to_owned())
                    .map(Some)
                    .map_err(|_| invalid_item(key));
            }
            Err(fail(Fault::Gone))
        })
    }

    fn set(&self, key: &Key, token: &Token) -> Result<()> {
        self.call(key, async |client, key| {
            let secret = token.expose().as_bytes();
            for _ in 0..RACES {
                let found = client.search(&attributes(key)).await.map_err(fail)?;
                let done = match found.unlocked.as_slice() {
                    [item] => client.set_secret(item, secret).await,
                    [] if !found.locked.is_empty() => Err(Fault::Locked),
                    [] => {
                        let label = format!("Mystic API token ({} at {})", key.user, key.service);
                        client.create(&label, &attributes(key), secret).await
                    }
                    _ => return Err(ambiguous(key)),
                };
                match done {
                    Err(Fault::Gone) => continue,
                    other => return other.map_err(fail),
                }
            }
            Err(fail(Fault::Gone))
        })
    }

    fn delete(&self, key: &Key) -> Result<bool> {
        self.call(key, async |client, key| {
            let found = client.search(&attributes(key)).await.map_err(fail)?;
            if !found.locked.is_empty() {
                return Err(fail(Fault::Locked));
            }
            let mut deleted = false;
            for item in &found.unlocked {
                match client.delete(item).await {
                    Ok(()) => deleted = true,
                    // Deleted meanwhile by another client: gone either way.
                    Err(Fault::Gone) => {}
                    Err(e) => return Err(fail(e)),
                }
            }
            Ok(deleted)
        })
    }
}
