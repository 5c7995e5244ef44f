//! Prompts. A Secret Service may answer `CreateItem`, `Delete` or `Unlock` with a prompt object
//! instead of doing the work. Some complete by themselves once `Prompt.Prompt` is called
//! (KeePassXC answers every `CreateItem` with one); others wait for a person (an unlock dialog,
//! KeePassXC's confirmations).
//!
//! Every prompt is followed, but a person's answer is waited for only where a person can give
//! it: a desktop session (`DISPLAY`, `WAYLAND_DISPLAY`) or a terminal on stdin or stderr; there
//! for up to `MYSTIC_PROMPT_TIMEOUT` seconds. Elsewhere (CI, git or scripts without a desktop)
//! the wait ends with the command's keyring deadline. A prompt we stop waiting for is dismissed,
//! on time-out and on SIGINT, SIGTERM or SIGHUP, so none is left open; after a signal the
//! command fails as for a dismissed prompt (undoing what it did) and then dies of the signal.

use std::collections::HashMap;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use async_io::{Async, Timer};
use futures_lite::{AsyncReadExt, StreamExt, future};
use signal_hook::SigId;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::low_level;
use zbus::message::Type as MessageType;
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};
use zbus::{MatchRule, MessageStream};

use super::client::{
    COLLECTION_IFACE, Client, Fault, PATH, PROMPT_IFACE, PROPERTIES_IFACE, SERVICE, SERVICE_IFACE,
    Waiting, body,
};

type Result<T> = std::result::Result<T, Fault>;

/// How long dismissing a prompt may take, within the deadline.
const DISMISS: Duration = Duration::from_millis(500);

enum Ended {
    Completed(Result<(bool, OwnedValue)>),
    Lost,
    ServiceGone,
    TimedOut,
    Signal(i32),
}

impl Client {
    /// Whether a person can still answer a prompt in this command: one is there, and none has
    /// left a prompt unanswered yet.
    pub(crate) fn person_can_answer(&self) -> bool {
        self.prompts.person && !self.unanswered.get()
    }

    /// Follows `prompt` (`/` means none) to its end and returns its result.
    pub(crate) async fn follow(
        &self,
        prompt: &OwnedObjectPath,
        waiting: Waiting,
    ) -> Result<Option<OwnedValue>> {
        if prompt.as_str() == "/" {
            return Ok(None);
        }
        let person = self.person_can_answer();
        let limit = match person {
            true => Instant::now() + self.prompts.wait,
            false => self.deadline.get() - DISMISS,
        };
        // The deadline covers the wait and then the dismissal.
        self.deadline.set(self.deadline.get().max(limit + DISMISS));
        let rule = MatchRule::builder()
            .msg_type(MessageType::Signal)
            .interface(PROMPT_IFACE)?
            .member("Completed")?
            .path(prompt.as_str())?
            .build();
        // Subscribed before the prompt starts, so a prompt that completes at once is not missed.
        // The bus is told too: zbus does that only for connections whose Hello it sent itself.
        let filter = rule.to_string();
        let mut completed = MessageStream::for_match_rule(rule, &self.conn, Some(4)).await?;
        self.bus_call("AddMatch", &(filter,)).await?;
        // The service leaving the bus ends its prompt too: it will never complete.
        let owner = MatchRule::builder()
            .msg_type(MessageType::Signal)
            .sender("org.freedesktop.DBus")?
            .interface("org.freedesktop.DBus")?
            .member("NameOwnerChanged")?
            .add_arg(SERVICE)?
            .build();
        let filter = owner.to_string();
        let mut owner_changed = MessageStream::for_match_rule(owner, &self.conn, Some(4)).await?;
        self.bus_call("AddMatch", &(filter,)).await?;
        let interrupts = Interrupts::catch().map_err(|e| Fault::Other(e.to_string()))?;
        self.call(prompt.as_str(), PROMPT_IFACE, "Prompt", &("",))
            .await?;
        let ended = future::or(
            async {
                match completed.next().await {
                    Some(Ok(message)) => Ended::Completed(body(&message)),
                    _ => Ended::Lost,
                }
            },
            future::or(
                async {
                    owner_changed.next().await;
                    Ended::ServiceGone
                },
                future::or(
                    async {
                        Timer::at(limit).await;
                        Ended::TimedOut
                    },
                    async { Ended::Signal(interrupts.next().await) },
                ),
            ),
        )
        .await;
        match ended {
            Ended::Completed(Ok((false, result))) => Ok(Some(result)),
            Ended::Completed(Ok((true, _))) => Err(Fault::Dismissed(waiting)),
            Ended::Completed(Err(e)) => Err(e),
            Ended::Lost => Err(Fault::Other(
                "the bus closed while a prompt was open".into(),
            )),
            Ended::ServiceGone => Err(Fault::ServiceGone(waiting)),
            Ended::TimedOut => {
                self.dismiss(prompt).await;
                // One wait for a person per command: the next prompt gets the deadline only.
                self.unanswered.set(self.unanswered.get() || person);
                Err(Fault::PromptTimeout(waiting))
            }
            Ended::Signal(signal) => {
                self.dismiss(prompt).await;
                // The command undoes what it did, then dies of the signal (`main`).
                crate::sys::defer_signal(signal);
                Err(Fault::Dismissed(waiting))
            }
        }
    }

    async fn dismiss(&self, prompt: &OwnedObjectPath) {
        future::or(
            async {
                let _ = self
                    .call(prompt.as_str(), PROMPT_IFACE, "Dismiss", &())
                    .await;
            },
            async {
                Timer::after(DISMISS).await;
            },
        )
        .await;
    }
}

/// The calls a prompt may answer: unlocking, and creating or deleting an item or a collection.
impl Client {
    /// The default collection, unlocked (through a prompt, where a person can answer).
    pub(crate) async fn unlocked_default_collection(&self) -> Result<OwnedObjectPath> {
        let collection = self.default_collection().await?;
        let reply = self
            .call(
                collection.as_str(),
                PROPERTIES_IFACE,
                "Get",
                &(COLLECTION_IFACE, "Locked"),
            )
            .await?;
        let (locked,): (OwnedValue,) = body(&reply)?;
        if bool::try_from(locked).unwrap_or(true) {
            let unlocked = self
                .unlock(std::slice::from_ref(&collection), Waiting::Unlock)
                .await?;
            if !unlocked.contains(&collection) {
                return Err(Fault::Locked);
            }
        }
        Ok(collection)
    }

    /// Creates the default collection, as `secret-tool store` (libsecret) does where there is
    /// none: `CreateCollection` with the alias `default`, following its prompt (a service asks
    /// for the new keyring's password). One that cannot complete is `NoDefaultCollection`.
    async fn create_default_collection(&self) -> Result<OwnedObjectPath> {
        let properties = HashMap::from([(
            "org.freedesktop.Secret.Collection.Label",
            Value::from("Default keyring"),
        )]);
        let reply = self
            .call(
                PATH,
                SERVICE_IFACE,
                "CreateCollection",
                &(properties, "default"),
            )
            .await?;
        let (mut collection, prompt): (OwnedObjectPath, OwnedObjectPath) = body(&reply)?;
        match self.follow(&prompt, Waiting::Create).await {
            Ok(Some(created)) => {
                collection = created.try_into().map_err(|_| {
                    Fault::Other("CreateCollection's prompt answered no path".into())
                })?;
            }
            Ok(None) => {}
            Err(Fault::PromptTimeout(_) | Fault::Dismissed(_) | Fault::Other(_)) => {
                return Err(Fault::NoDefaultCollection);
            }
            Err(e) => return Err(e),
        }
        match collection.as_str() {
            "/" => Err(Fault::NoDefaultCollection),
            _ => Ok(collection),
        }
    }

    /// Creates an item in the default collection (made first where there is none), unlocking
    /// it first and following the prompt the service may answer with (KeePassXC always does).
    pub(crate) async fn create(
        &self,
        label: &str,
        attributes: &HashMap<&str, &str>,
        plain: &[u8],
    ) -> Result<()> {
        let collection = match self.unlocked_default_collection().await {
            Err(Fault::NoDefaultCollection) => self.create_default_collection().await?,
            other => other?,
        };
        let properties = HashMap::from([
            ("org.freedesktop.Secret.Item.Label", Value::from(label)),
            (
                "org.freedesktop.Secret.Item.Attributes",
                Value::from(attributes.clone()),
            ),
        ]);
        let secret = self.wire(plain).await?;
        let reply = self
            .call(
                collection.as_str(),
                COLLECTION_IFACE,
                "CreateItem",
                &(properties, secret, true),
            )
            .await?;
        let (_, prompt): (OwnedObjectPath, OwnedObjectPath) = body(&reply)?;
        self.follow(&prompt, Waiting::Save).await.map(drop)
    }

    pub(crate) async fn delete(&self, item: &OwnedObjectPath) -> Result<()> {
        let reply = self.on_item(item, "Delete", &()).await?;
        let (prompt,): (OwnedObjectPath,) = body(&reply)?;
        self.follow(&prompt, Waiting::Delete).await.map(drop)
    }

    /// Unlocks what it can of `objects` (items or collections), as the spec has it: at once
    /// what needs no one, and the rest through the service's prompt, followed within the
    /// command's deadline (longer where a person can answer; `prompt.rs`). Returns what is
    /// unlocked. A prompt that needed a person where none can answer is `Locked`.
    pub(crate) async fn unlock(
        &self,
        objects: &[OwnedObjectPath],
        waiting: Waiting,
    ) -> Result<Vec<OwnedObjectPath>> {
        let reply = self
            .call(PATH, SERVICE_IFACE, "Unlock", &(objects,))
            .await?;
        let (mut unlocked, prompt): (Vec<OwnedObjectPath>, OwnedObjectPath) = body(&reply)?;
        let someone = self.person_can_answer();
        match self.follow(&prompt, waiting).await {
            Ok(Some(result)) => {
                let more: Vec<OwnedObjectPath> = result
                    .try_into()
                    .map_err(|_| Fault::Other("Unlock's prompt answered no objects".into()))?;
                unlocked.extend(more);
            }
            Ok(None) => {}
            // Timed out, dismissed, or refused outright (oo7 without a prompter fails `Prompt`).
            Err(Fault::PromptTimeout(_) | Fault::Dismissed(_) | Fault::Other(_)) if !someone => {
                return Err(Fault::Locked);
            }
            Err(e) => return Err(e),
        }
        Ok(unlocked)
    }
}

/// SIGINT, SIGTERM and SIGHUP, caught while a prompt is open so that it can be dismissed before
/// the process dies of them. Each arrives as a byte on a socket of its own.
struct Interrupts {
    caught: Vec<(i32, Async<UnixStream>, SigId)>,
}

impl Interrupts {
    fn catch() -> std::io::Result<Self> {
        let mut caught = Vec::new();
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            let (read, write) = UnixStream::pair()?;
            let id = low_level::pipe::register(signal, write)?;
            caught.push((signal, Async::new(read)?, id));
        }
        Ok(Interrupts { caught })
    }

    /// The first signal that arrives.
    async fn next(&self) -> i32 {
        let wait = |at: usize| async move {
            let (signal, socket, _) = &self.caught[at];
            let mut byte = [0u8];
            let _ = (&mut &*socket).read(&mut byte).await;
            *signal
        };
        future::or(wait(0), future::or(wait(1), wait(2))).await
    }
}

impl Drop for Interrupts {
    fn drop(&mut self) {
        for (_, _, id) in &self.caught {
            low_level::unregister(*id);
        }
    }
}
