//! The freedesktop Secret Service over D-Bus (gnome-keyring, KWallet, KeePassXC), through our
//! own small zbus client (see `client.rs` for why the order of calls matters).
//!
//! Items carry the attributes `service` and `username`, so `secret-tool lookup`, Python keyring
//! and keyring-rs find the same item. Other clients add attributes of their own (Python keyring
//! adds `application`), so one remote can match several items: a read takes the most recently
//! modified one, and a write leaves exactly one. The session is plain by default: the token
//! crosses only the user's own session-bus socket, and skipping the Diffie-Hellman exchange makes
//! `get` several times faster (see docs/design.md). `MYSTIC_SECRET_SERVICE_ENCRYPTION=dh` asks for
//! the encrypted session instead. Prompts are followed as `prompt.rs` says; every call runs under
//! the process's keyring deadline.

mod client;
mod dh;
mod prompt;

use std::collections::HashMap;
use std::time::Instant;

use client::{Client, Fault, ItemInfo, Prompts, Waiting};
use zbus::zvariant::OwnedObjectPath;

use super::{Deadline, Key, Store, StoreOptions, unavailable};
use crate::error::{Error, Result};
use crate::remote::Token;

pub(crate) const NAME: &str = "Secret Service";
const ADVICE: &str = "On a machine without a desktop session use --store keyutils (the kernel keyring), or --store file to keep tokens in plaintext in config.yaml; set MYSTIC_CREDENTIAL_STORE=keyutils (or file) to make that choice for every command.";

pub(crate) struct SecretServiceStore {
    client: Client,
}

pub(crate) fn open(options: &StoreOptions, deadline: Deadline) -> Result<Box<dyn Store>> {
    let Some(address) = options.bus.clone() else {
        return Err(unavailable(
            "there is no D-Bus session bus here (DBUS_SESSION_BUS_ADDRESS is not set), so no Secret Service",
            ADVICE,
            None,
        ));
    };
    let client = connect(&address, options, deadline).map_err(fail)?;
    Ok(Box::new(SecretServiceStore { client }))
}

fn connect(
    address: &str,
    options: &StoreOptions,
    deadline: Deadline,
) -> std::result::Result<Client, Fault> {
    let prompts = Prompts {
        person: options.person,
        wait: options.prompt_wait,
    };
    Client::connect(address, options.encryption, deadline.at(), prompts)
}

/// The Secret Service when one runs on the session bus; `None` when there is no bus, it cannot be
/// reached, or no Secret Service is on it (`auto` on WSL then uses Windows' store).
pub(crate) fn open_if_running(
    options: &StoreOptions,
    deadline: Deadline,
) -> Option<Box<dyn Store>> {
    let client = connect(options.bus.as_deref()?, options, deadline).ok()?;
    let running = client.run(client.service_running()).ok()?;
    running.then(|| Box::new(SecretServiceStore { client }) as Box<dyn Store>)
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
            "the Secret Service keeps the keyring or the item locked (a locked keyring, or one that asks a person to confirm each access, as KeePassXC can), and no one can answer its prompt here: there is no desktop session (DISPLAY or WAYLAND_DISPLAY) and no terminal. Unlock the keyring in your desktop session (or turn off KeePassXC's access confirmation), or run the command from a terminal there",
            ADVICE,
            None,
        ),
        Fault::PromptTimeout(waiting) => unavailable(
            &format!(
                "the Secret Service asked a person {}, and no answer came in time; the prompt was dismissed. Answer the prompt when it shows (MYSTIC_PROMPT_TIMEOUT sets how many seconds to wait where someone can answer; the default is 60), or turn that confirmation off (KeePassXC: Tools > Settings > Secret Service Integration)",
                waiting.describe()
            ),
            ADVICE,
            None,
        ),
        Fault::Dismissed(waiting) => unavailable(
            &format!(
                "the Secret Service's prompt {} was dismissed",
                waiting.describe()
            ),
            ADVICE,
            None,
        ),
        Fault::ServiceGone(waiting) => {
            let gone = unavailable(
                &format!(
                    "the Secret Service went away (it exited or was stopped) while waiting for its prompt {}",
                    waiting.describe()
                ),
                ADVICE,
                None,
            );
            // A save or deletion the service was confirming may or may not have been kept.
            match waiting {
                Waiting::Save | Waiting::Delete => gone.outcome_unknown(),
                Waiting::Unlock | Waiting::Access | Waiting::Create => gone,
            }
        }
        Fault::NoDefaultCollection => unavailable(
            "the Secret Service has no default keyring (collection) to keep tokens in. Create one and make it the default: log in to a desktop session (which creates the login keyring) or use GNOME's Passwords and Keys (seahorse); with KeePassXC, expose a database group under Database Settings > Secret Service Integration",
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

fn invalid_item(key: &Key) -> Error {
    Error::config(format!(
        "the {NAME} item for {} at {} is not a valid token; store it again",
        key.user, key.service
    ))
}

impl SecretServiceStore {
    /// Runs `op` on the connection under the deadline. One that the deadline cut short after it
    /// started may have been carried out: its error says the outcome is unknown.
    fn call<T>(&self, key: &Key, op: impl AsyncFnOnce(&Client, &Key) -> Result<T>) -> Result<T> {
        let started = Instant::now() < self.client.deadline.get();
        let outcome = self.client.run(async { Ok(op(&self.client, key).await) });
        match outcome {
            Err(Fault::Timeout) if started => Err(fail(Fault::Timeout).outcome_unknown()),
            other => other.map_err(fail)?,
        }
    }

    /// A write the deadline cut short: read the item again, once, within the grace, and tell
    /// what happened. `landed` says whether what is there now is what the write meant.
    fn settle(&self, key: &Key, err: Error, landed: impl Fn(Option<&Token>) -> bool) -> Result<()> {
        if !err.unknown_outcome || !self.client.grant_grace() {
            return Err(err);
        }
        match self.get(key) {
            Ok(now) if landed(now.as_ref()) => Ok(()),
            Ok(_) => Err(Error::unavailable(format!(
                "{}; read again, the item shows the change was not made",
                err.message
            ))),
            Err(_) => Err(err),
        }
    }
}

/// How often an operation starts over when another client deletes the item it found.
const RACES: usize = 3;

/// The items of `key` a call may use: the unlocked matches, after unlocking the locked ones
/// where a person can answer (`Locked` elsewhere).
async fn matches(client: &Client, key: &Key) -> std::result::Result<Vec<OwnedObjectPath>, Fault> {
    let found = client.search(&attributes(key)).await?;
    let mut items = found.unlocked;
    if !found.locked.is_empty() {
        let unlocked = client.unlock(&found.locked, Waiting::Access).await?;
        items.extend(unlocked.into_iter().filter(|i| found.locked.contains(i)));
    }
    Ok(items)
}

/// The current one of several items for one remote (see `rank`): the helper's own writes leave
/// one item, so a second one, from another client, is newer than ours.
async fn newest(
    client: &Client,
    key: &Key,
    items: Vec<OwnedObjectPath>,
) -> std::result::Result<(OwnedObjectPath, Vec<OwnedObjectPath>), Fault> {
    let mut ranked = Vec::new();
    for item in items {
        ranked.push((rank(&client.item_info(&item).await?, key), item));
    }
    ranked.sort_by_key(|(rank, _)| *rank);
    let (_, current) = ranked.pop().expect("called with at least one item");
    Ok((current, ranked.into_iter().map(|(_, item)| item).collect()))
}

/// Newer first by `Modified`; on a tie (the services count whole seconds), an item another
/// client wrote beats ours. Ours carries `service` and `username` only (gnome-keyring adds
/// `xdg:schema` to items created without one); another client adds its own attributes, as
/// Python keyring's `application`.
fn rank(info: &ItemInfo, key: &Key) -> (u64, bool) {
    let ours = info.attributes.get("service") == Some(&key.service)
        && info
            .attributes
            .keys()
            .all(|k| matches!(k.as_str(), "service" | "username" | "xdg:schema"));
    (info.modified, !ours)
}

impl Store for SecretServiceStore {
    fn name(&self) -> &'static str {
        NAME
    }

    fn get(&self, key: &Key) -> Result<Option<Token>> {
        self.call(key, async |client, key| {
            for _ in 0..RACES {
                let item = match matches(client, key).await.map_err(fail)? {
                    items if items.len() > 1 => newest(client, key, items).await.map_err(fail)?.0,
                    mut items => match items.pop() {
                        Some(item) => item,
                        // A miss. A locked collection may hide its items from a search (oo7
                        // does): that is the cause to report. No default collection at all
                        // holds nothing of ours, and every other one was searched.
                        None => {
                            return match client.unlocked_default_collection().await {
                                Ok(_) | Err(Fault::NoDefaultCollection) => Ok(None),
                                Err(e) => Err(fail(e)),
                            };
                        }
                    },
                };
                let bytes = match client.get_secret(&item).await {
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
        let sent = self.write(key, token);
        sent.or_else(|e| self.settle(key, e, |now| now == Some(token)))
    }

    fn delete(&self, key: &Key) -> Result<bool> {
        let sent = self.call(key, async |client, key| {
            let items = matches(client, key).await.map_err(fail)?;
            delete_all(client, &items).await.map_err(fail)?;
            Ok(!items.is_empty())
        });
        sent.or_else(|e| self.settle(key, e, |now| now.is_none()).map(|()| true))
    }

    fn list(&self, prefix: &str) -> Result<Vec<Key>> {
        let all = Key {
            service: prefix.to_owned(),
            user: String::new(),
        };
        self.call(&all, async |client, _| {
            // gnome-keyring knows a caller only after its first message: SearchItems, which
            // retries until it does (see client.rs).
            client.search(&attributes(&all)).await.map_err(fail)?;
            let mut keys = Vec::new();
            for item in &client.all_items().await.map_err(fail)? {
                let info = match client.item_info(item).await {
                    Err(Fault::Gone | Fault::NoSuchObject) => continue,
                    other => other.map_err(fail)?,
                };
                let named = (
                    info.attributes.get("service"),
                    info.attributes.get("username"),
                );
                if let (Some(service), Some(user)) = named
                    && service.starts_with(prefix)
                {
                    keys.push(Key {
                        service: service.clone(),
                        user: user.clone(),
                    });
                }
            }
            keys.sort();
            keys.dedup();
            Ok(keys)
        })
    }
}

impl SecretServiceStore {
    /// `set`'s calls: the item's secret replaced, or a new item.
    fn write(&self, key: &Key, token: &Token) -> Result<()> {
        self.call(key, async |client, key| {
            let secret = token.expose().as_bytes();
            for _ in 0..RACES {
                let items = matches(client, key).await.map_err(fail)?;
                let done = match items.len() {
                    0 => {
                        let label = format!("Mystic API token ({} at {})", key.user, key.service);
                        client.create(&label, &attributes(key), secret).await
                    }
                    _ => {
                        let (current, others) = newest(client, key, items).await.map_err(fail)?;
                        match client.set_secret(&current, secret).await {
                            Ok(()) => delete_all(client, &others).await,
                            other => other,
                        }
                    }
                };
                match done {
                    Err(Fault::Gone) => continue,
                    other => return other.map_err(fail),
                }
            }
            Err(fail(Fault::Gone))
        })
    }
}

/// Deletes each item; one another client deleted meanwhile is gone either way.
async fn delete_all(client: &Client, items: &[OwnedObjectPath]) -> std::result::Result<(), Fault> {
    for item in items {
        match client.delete(item).await {
            Ok(()) | Err(Fault::Gone) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_item_wins_and_a_foreign_one_breaks_a_tie() {
        let key = Key {
            service: "mystic:https://x.example".into(),
            user: "a".into(),
        };
        let info = |modified, extra: &[(&str, &str)]| {
            let mut attributes: HashMap<String, String> =
                [("service", key.service.as_str()), ("username", "a")]
                    .iter()
                    .chain(extra)
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
            attributes.retain(|_, v| !v.is_empty());
            ItemInfo {
                modified,
                attributes,
            }
        };
        let ours = info(10, &[]);
        let ours_gnome = info(10, &[("xdg:schema", "org.freedesktop.Secret.Generic")]);
        let python = info(10, &[("application", "Python keyring library")]);
        assert!(rank(&python, &key) > rank(&ours, &key));
        assert!(rank(&python, &key) > rank(&ours_gnome, &key));
        assert_eq!(rank(&ours, &key), rank(&ours_gnome, &key));
        assert!(
            rank(&info(11, &[]), &key) > rank(&python, &key),
            "newer wins first"
        );
    }
}
