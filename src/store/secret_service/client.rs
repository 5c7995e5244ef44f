//! A minimal Secret Service client on zbus, written for gnome-keyring's way of meeting a new
//! caller.
//!
//! gnome-keyring registers a new caller from an idle callback that its first message schedules,
//! and dispatches that message concurrently. An `OpenSession` served before the registration
//! aborts the daemon (`plain_negotiate: assertion 'session' failed`, then a GLib-ERROR), taking
//! down the user's keyring for every application. `SearchItems` served before it fails with a
//! spurious `UnknownMethod` instead, because its handler needs the registration too.
//!
//! So the first message is always `SearchItems`, retried briefly on `UnknownMethod`: its success
//! proves that the daemon knows us. Only then, and only when a secret is really read or written,
//! is a session opened. A `get` that finds no item never opens one. This costs no extra round
//! trip (libsecret's opening `Properties.GetAll` costs one; see docs/design.md for the
//! measurements).
//!
//! Everything runs on the calling thread: zbus's executor (its socket reader) is driven by
//! `Client::run`, which also races each operation against the process's keyring deadline. zbus's
//! blocking API would start an executor thread, and the deadline a thread per call; for a
//! process that lives a few milliseconds, those threads cost more than the D-Bus calls.
//!
//! A service may answer `CreateItem`, `Delete` or `Unlock` with a prompt: those calls, and
//! following the prompt, are in `prompt.rs`, which builds on this file (never the other way).

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use async_io::Timer;
use futures_lite::future;
use serde::{Deserialize, Serialize};
use zbus::Connection;
use zbus::zvariant::{self, OwnedObjectPath, OwnedValue, Type, Value};
use zeroize::Zeroizing;

use super::dh;
use crate::store::{Encryption, GRACE};

pub(super) const SERVICE: &str = "org.freedesktop.secrets";
pub(super) const PATH: &str = "/org/freedesktop/secrets";
pub(super) const SERVICE_IFACE: &str = "org.freedesktop.Secret.Service";
pub(super) const COLLECTION_IFACE: &str = "org.freedesktop.Secret.Collection";
const ITEM_IFACE: &str = "org.freedesktop.Secret.Item";
pub(super) const PROMPT_IFACE: &str = "org.freedesktop.Secret.Prompt";
pub(super) const PROPERTIES_IFACE: &str = "org.freedesktop.DBus.Properties";
/// `UnknownMethod` while gnome-keyring is still registering the caller: wait this long between
/// tries, doubling each time (about 60 ms in all).
const FIRST_RETRY: Duration = Duration::from_millis(2);
const RETRIES: u32 = 5;

/// Whether a person can answer a prompt here, and for how long to wait for one.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Prompts {
    pub(crate) person: bool,
    pub(crate) wait: Duration,
}

/// What a prompt is for, in the words of the error that names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Waiting {
    /// A collection's unlock.
    Unlock,
    /// An item's unlock: KeePassXC asks a person to allow each new client's access.
    Access,
    Save,
    Delete,
    /// Creating the default collection (a service asks for its password).
    Create,
}

impl Waiting {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Waiting::Unlock => "to unlock the keyring",
            Waiting::Access => "to allow access to the token",
            Waiting::Create => "to create a keyring",
            Waiting::Save => "to confirm saving the token",
            Waiting::Delete => "to confirm deleting the token",
        }
    }
}

/// What went wrong, in terms the store turns into advice.
#[derive(Debug)]
pub(crate) enum Fault {
    /// No session bus to connect to.
    NoBus(String),
    /// The bus is there, but nothing owns org.freedesktop.secrets.
    NoService(String),
    /// The collection or item is locked (or needs a person to confirm each access), and no one
    /// can answer an unlock prompt here.
    Locked,
    /// A prompt was not completed in time, and was dismissed.
    PromptTimeout(Waiting),
    /// The prompt was dismissed (cancelled) by the person or the service.
    Dismissed(Waiting),
    /// The service left the bus (it exited, or was stopped) while its prompt was open.
    ServiceGone(Waiting),
    /// There is no default collection to create items in.
    NoDefaultCollection,
    /// `UnknownMethod`: from gnome-keyring, also "not registered yet" (see the module comment),
    /// and what a call on an item that another client just deleted gets.
    UnknownMethod(String),
    /// `UnknownObject` / `NoSuchObject`: there is no object at that path.
    NoSuchObject,
    /// The item was deleted by another client between our search and our call on it.
    Gone,
    /// The deadline passed first: a frozen daemon, or a prompt nobody answers.
    Timeout,
    /// Anything else the bus or the service said.
    Other(String),
}

type Result<T> = std::result::Result<T, Fault>;

impl From<zbus::Error> for Fault {
    fn from(e: zbus::Error) -> Self {
        match &e {
            zbus::Error::MethodError(name, _, _) => match name.as_str() {
                "org.freedesktop.DBus.Error.ServiceUnknown"
                | "org.freedesktop.DBus.Error.NameHasNoOwner" => Fault::NoService(e.to_string()),
                "org.freedesktop.Secret.Error.IsLocked" => Fault::Locked,
                "org.freedesktop.DBus.Error.UnknownMethod" => Fault::UnknownMethod(e.to_string()),
                "org.freedesktop.DBus.Error.UnknownObject"
                | "org.freedesktop.Secret.Error.NoSuchObject" => Fault::NoSuchObject,
                _ => Fault::Other(e.to_string()),
            },
            _ => Fault::Other(e.to_string()),
        }
    }
}

/// A transfer session: its object path, and the AES key when it is encrypted.
struct Session {
    path: OwnedObjectPath,
    key: Option<dh::AesKey>,
}

/// The Secret Service specification's `Secret` struct, `(oayays)`.
#[derive(Serialize, Deserialize, Type)]
pub(super) struct WireSecret {
    session: OwnedObjectPath,
    parameters: Vec<u8>,
    value: Vec<u8>,
    content_type: String,
}

impl Drop for WireSecret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.value);
    }
}

/// Items matching a search, split as the service reports them.
pub(crate) struct Matches {
    pub(crate) unlocked: Vec<OwnedObjectPath>,
    pub(crate) locked: Vec<OwnedObjectPath>,
}

/// An item's properties that decide which of several matches is the current one.
pub(crate) struct ItemInfo {
    /// Seconds since the epoch.
    pub(crate) modified: u64,
    pub(crate) attributes: HashMap<String, String>,
}

pub(crate) struct Client {
    pub(super) conn: Connection,
    encryption: Encryption,
    session: OnceLock<Session>,
    /// When the command's keyring time is up; a prompt a person can answer moves it.
    pub(super) deadline: Cell<Instant>,
    /// Whether `grant_grace` was used.
    graced: Cell<bool>,
    /// Whether Hello was sent (the bus's first message from us, before any other).
    greeted: Cell<bool>,
    pub(super) prompts: Prompts,
    /// A person left a prompt unanswered: the command waits for people once, not per remote.
    pub(super) unanswered: Cell<bool>,
}

/// `work`, unless `deadline` comes first.
async fn until<T>(deadline: Instant, work: impl Future<Output = Result<T>>) -> Result<T> {
    future::or(work, async {
        Timer::at(deadline).await;
        Err(Fault::Timeout)
    })
    .await
}

impl Client {
    /// Connects to the bus at `address` by `deadline`; nothing is sent to the service yet.
    pub(crate) fn connect(
        address: &str,
        encryption: Encryption,
        deadline: Instant,
        prompts: Prompts,
    ) -> Result<Self> {
        // As a peer-to-peer connection, zbus does not wait for the bus's answer to Hello before
        // it returns: `run` sends Hello and the first call together (one round trip fewer).
        let build = async {
            let builder = zbus::connection::Builder::address(address)?.p2p();
            builder.internal_executor(false).build().await
        };
        let conn = zbus::block_on(until(deadline, async {
            build.await.map_err(|e| Fault::NoBus(e.to_string()))
        }))?;
        Ok(Client {
            conn,
            encryption,
            session: OnceLock::new(),
            deadline: Cell::new(deadline),
            graced: Cell::new(false),
            greeted: Cell::new(false),
            prompts,
            unanswered: Cell::new(false),
        })
    }

    /// Runs `op` on this thread until it ends or the deadline passes, driving zbus's executor
    /// meanwhile. Once the deadline has passed, nothing more is sent: the command reports each
    /// later call as timed out at once.
    pub(crate) fn run<T>(&self, op: impl Future<Output = Result<T>>) -> Result<T> {
        if Instant::now() >= self.deadline.get() {
            return Err(Fault::Timeout);
        }
        let executor = self.conn.executor();
        // Hello goes first, polled first: the bus reads it before the call `op` sends next.
        let hello = async {
            match self.greeted.replace(true) {
                true => Ok(()),
                false => self.bus_call("Hello", &()).await.map(drop),
            }
        };
        let op = async {
            let (hello, done) = future::zip(hello, op).await;
            hello.and(done)
        };
        let driven = future::or(op, async {
            loop {
                executor.tick().await;
            }
        });
        zbus::block_on(future::or(driven, async {
            self.expired().await;
            Err(Fault::Timeout)
        }))
    }

    /// Moves the deadline once per command by `GRACE` from now, to learn the outcome of a write
    /// the deadline cut short; false when the grace was used already.
    pub(crate) fn grant_grace(&self) -> bool {
        if self.graced.replace(true) {
            return false;
        }
        self.deadline.set(Instant::now() + GRACE);
        true
    }

    /// Waits until the deadline, following it when a prompt moves it.
    async fn expired(&self) {
        loop {
            let at = self.deadline.get();
            Timer::at(at).await;
            if Instant::now() >= self.deadline.get() {
                return;
            }
        }
    }

    pub(super) async fn call<B>(
        &self,
        path: &str,
        iface: &str,
        method: &str,
        body: &B,
    ) -> Result<zbus::Message>
    where
        B: Serialize + zvariant::DynamicType,
    {
        Ok(self
            .conn
            .call_method(Some(SERVICE), path, Some(iface), method, body)
            .await?)
    }

    /// Whether a Secret Service owns its name on the bus; the bus answers, not the service.
    pub(crate) async fn service_running(&self) -> Result<bool> {
        let reply = self.bus_call("NameHasOwner", &(SERVICE,)).await?;
        let (owned,): (bool,) = body(&reply)?;
        Ok(owned)
    }

    /// A call to the bus itself.
    pub(super) async fn bus_call<B>(&self, method: &str, body: &B) -> Result<zbus::Message>
    where
        B: Serialize + zvariant::DynamicType,
    {
        let bus = "org.freedesktop.DBus";
        let reply =
            self.conn
                .call_method(Some(bus), "/org/freedesktop/DBus", Some(bus), method, body);
        Ok(reply.await?)
    }

    pub(crate) async fn search(&self, attributes: &HashMap<&str, &str>) -> Result<Matches> {
        let mut wait = FIRST_RETRY;
        for attempt in 0..=RETRIES {
            match self
                .call(PATH, SERVICE_IFACE, "SearchItems", attributes)
                .await
            {
                Err(Fault::UnknownMethod(_)) if attempt < RETRIES => {
                    Timer::after(wait).await;
                    wait *= 2;
                }
                reply => {
                    let (unlocked, locked) = body(&reply?)?;
                    return Ok(Matches { unlocked, locked });
                }
            }
        }
        unreachable!("the last attempt returns")
    }

    /// The session, opened on first use.
    async fn session(&self) -> Result<&Session> {
        if let Some(s) = self.session.get() {
            return Ok(s);
        }
        let opened = match self.encryption {
            Encryption::Plain => {
                let reply = self
                    .call(
                        PATH,
                        SERVICE_IFACE,
                        "OpenSession",
                        &("plain", Value::from("")),
                    )
                    .await?;
                let (_, path): (OwnedValue, OwnedObjectPath) = body(&reply)?;
                Session { path, key: None }
            }
            Encryption::Dh => {
                let pair = dh::KeyPair::generate().map_err(|e| Fault::Other(e.to_string()))?;
                let input = Value::from(pair.public.clone());
                let reply = self
                    .call(PATH, SERVICE_IFACE, "OpenSession", &(dh::ALGORITHM, input))
                    .await?;
                let (output, path): (OwnedValue, OwnedObjectPath) = body(&reply)?;
                let theirs: Vec<u8> = output
                    .try_into()
                    .map_err(|_| Fault::Other("OpenSession answered no public key".into()))?;
                let key = pair
                    .agree(&theirs)
                    .ok_or_else(|| Fault::Other("the service's public key is invalid".into()))?;
                Session {
                    path,
                    key: Some(key),
                }
            }
        };
        Ok(self.session.get_or_init(|| opened))
    }

    /// A call on an item: `Gone` when another client deleted the item since our search.
    pub(super) async fn on_item<B>(
        &self,
        item: &OwnedObjectPath,
        method: &str,
        body: &B,
    ) -> Result<zbus::Message>
    where
        B: Serialize + zvariant::DynamicType,
    {
        self.on_item_iface(item, ITEM_IFACE, method, body).await
    }

    async fn on_item_iface<B>(
        &self,
        item: &OwnedObjectPath,
        iface: &str,
        method: &str,
        body: &B,
    ) -> Result<zbus::Message>
    where
        B: Serialize + zvariant::DynamicType,
    {
        self.call(item.as_str(), iface, method, body)
            .await
            .map_err(|fault| match fault {
                Fault::UnknownMethod(_) | Fault::NoSuchObject => Fault::Gone,
                other => other,
            })
    }

    pub(crate) async fn get_secret(&self, item: &OwnedObjectPath) -> Result<Zeroizing<Vec<u8>>> {
        let session = self.session().await?;
        let reply = self.on_item(item, "GetSecret", &(&session.path,)).await?;
        let (secret,): (WireSecret,) = body(&reply)?;
        match &session.key {
            None => Ok(Zeroizing::new(secret.value.clone())),
            Some(key) => key
                .decrypt(&secret.parameters, &secret.value)
                .ok_or_else(|| Fault::Other("a secret could not be decrypted".into())),
        }
    }

    pub(super) async fn wire(&self, plain: &[u8]) -> Result<WireSecret> {
        let session = self.session().await?;
        let (parameters, value) = match &session.key {
            None => (Vec::new(), plain.to_vec()),
            Some(key) => key
                .encrypt(plain)
                .map_err(|e| Fault::Other(e.to_string()))?,
        };
        Ok(WireSecret {
            session: session.path.clone(),
            parameters,
            value,
            content_type: "text/plain".into(),
        })
    }

    pub(crate) async fn set_secret(&self, item: &OwnedObjectPath, plain: &[u8]) -> Result<()> {
        let secret = self.wire(plain).await?;
        self.on_item(item, "SetSecret", &(secret,)).await?;
        Ok(())
    }

    /// The default collection; `NoDefaultCollection` when the service has none.
    pub(crate) async fn default_collection(&self) -> Result<OwnedObjectPath> {
        let reply = self
            .call(PATH, SERVICE_IFACE, "ReadAlias", &("default",))
            .await?;
        let (collection,): (OwnedObjectPath,) = body(&reply)?;
        match collection.as_str() {
            "/" => Err(Fault::NoDefaultCollection),
            _ => Ok(collection),
        }
    }

    /// `Modified` and `Attributes`, for choosing among several items that match one remote.
    /// Every item of every collection (the spec's `Collections` and `Items` properties; an empty
    /// `SearchItems` is not answered alike: KeePassXC finds nothing).
    pub(crate) async fn all_items(&self) -> Result<Vec<OwnedObjectPath>> {
        let collections: Vec<OwnedObjectPath> =
            self.property(PATH, SERVICE_IFACE, "Collections").await?;
        let mut items = Vec::new();
        for collection in collections {
            match self
                .property(collection.as_str(), COLLECTION_IFACE, "Items")
                .await
            {
                Ok(found) => items.extend::<Vec<OwnedObjectPath>>(found),
                // A collection deleted meanwhile holds nothing of ours.
                Err(Fault::NoSuchObject | Fault::UnknownMethod(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(items)
    }

    /// One property of the object at `path`.
    async fn property<T: TryFrom<OwnedValue>>(
        &self,
        path: &str,
        iface: &str,
        name: &str,
    ) -> Result<T> {
        let reply = self
            .call(path, PROPERTIES_IFACE, "Get", &(iface, name))
            .await?;
        let (value,): (OwnedValue,) = body(&reply)?;
        T::try_from(value)
            .map_err(|_| Fault::Other(format!("the {name} property has another type")))
    }

    pub(crate) async fn item_info(&self, item: &OwnedObjectPath) -> Result<ItemInfo> {
        let reply = self
            .on_item_iface(item, PROPERTIES_IFACE, "GetAll", &(ITEM_IFACE,))
            .await?;
        let (mut all,): (HashMap<String, OwnedValue>,) = body(&reply)?;
        let modified = all
            .remove("Modified")
            .and_then(|v| u64::try_from(v).ok())
            .unwrap_or(0);
        let attributes = all
            .remove("Attributes")
            .and_then(|v| HashMap::<String, String>::try_from(v).ok())
            .unwrap_or_default();
        Ok(ItemInfo {
            modified,
            attributes,
        })
    }
}

pub(super) fn body<T>(reply: &zbus::Message) -> Result<T>
where
    T: for<'d> Deserialize<'d> + Type,
{
    reply
        .body()
        .deserialize()
        .map_err(|e| Fault::Other(format!("unexpected reply: {e}")))
}
