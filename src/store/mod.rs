//! Where tokens live. A backend implements three methods on a `Key`; everything else (which
//! remote, what goes into config.yaml, undo on failure) is decided above this layer. `open`
//! takes `StoreOptions` (what the settings say), so nothing here reads the settings.
//!
//! `file` is not a `Store`: its tokens live inside config.yaml, next to the remote, so the
//! operations write them together with the rest of the file (see `ops::Tokens`).

#[cfg(target_os = "linux")]
mod keyutils;
#[cfg(any(test, feature = "memory-store"))]
pub(crate) mod memory;
#[cfg(any(target_os = "macos", target_os = "windows"))]
mod native;
#[cfg(target_os = "linux")]
mod secret_service;
#[cfg(target_os = "linux")]
mod wsl;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::remote::{Alias, Origin, Token, VERSION};

pub(crate) const DEFAULT_SERVICE_PREFIX: &str = "mystic:";
/// Where a full store's error lists what to remove; the operations put this folder's orphans
/// first in that list.
pub(crate) const MAKE_ROOM: &str = "To make room: ";
/// The most a keyring call may take before we give up, instead of waiting on an unlock prompt.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(5);
/// Once per command, after a write the deadline cut short: how long a read may take to learn
/// whether the write happened.
#[cfg(target_os = "linux")]
pub(crate) const GRACE: Duration = Duration::from_secs(5);

/// A keyring item: service `<prefix><origin>`, user name `<alias>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Key {
    pub service: String,
    pub user: String,
}

impl Key {
    pub(crate) fn new(prefix: &str, url: &Origin, alias: &Alias) -> Key {
        Key {
            service: format!("{prefix}{url}"),
            user: alias.to_string(),
        }
    }
}

/// One call on one keyring item, by name: the native protocol's `item` action, which the
/// `windows` store sends from WSL to the Windows build. `Serialize` writes its wire shape, and
/// wire/json.rs reads it back; a round-trip test there holds the two together.
#[derive(Debug, PartialEq)]
pub enum ItemCall {
    Get(Key),
    Set(Key, Token),
    Delete(Key),
    /// The items whose service starts with this.
    List(String),
}

impl ItemCall {
    /// The action's name on the wire.
    pub(crate) fn action(&self) -> &'static str {
        match self {
            ItemCall::Get(_) => "get",
            ItemCall::Set(..) => "set",
            ItemCall::Delete(_) => "delete",
            ItemCall::List(_) => "list",
        }
    }
}

impl serde::Serialize for ItemCall {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (service, user, token) = match self {
            ItemCall::Get(key) | ItemCall::Delete(key) => (&key.service, Some(&key.user), None),
            ItemCall::Set(key, token) => (&key.service, Some(&key.user), Some(token.expose())),
            ItemCall::List(prefix) => (prefix, None, None),
        };
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("v", &VERSION)?;
        map.serialize_entry("action", self.action())?;
        map.serialize_entry("service", service)?;
        if let Some(user) = user {
            map.serialize_entry("user", user)?;
        }
        if let Some(token) = token {
            map.serialize_entry("token", token)?;
        }
        map.end()
    }
}

pub trait Store {
    /// The keyring's name for messages and `status`.
    fn name(&self) -> &'static str;
    fn get(&self, key: &Key) -> Result<Option<Token>>;
    fn set(&self, key: &Key, token: &Token) -> Result<()>;
    /// Returns whether there was an item to delete.
    fn delete(&self, key: &Key) -> Result<bool>;
    /// The items whose service starts with `prefix`, by name: no secret is read.
    fn list(&self, prefix: &str) -> Result<Vec<Key>>;
}

/// The Secret Service transfer session (`MYSTIC_SECRET_SERVICE_ENCRYPTION`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encryption {
    Plain,
    Dh,
}

/// What opening a keyring needs, as the settings give it. (Only Linux's stores read more than
/// the kind.)
#[derive(Clone, Debug)]
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub struct StoreOptions {
    pub(crate) kind: StoreKind,
    /// The session bus address, for the Secret Service.
    pub(crate) bus: Option<String>,
    pub(crate) encryption: Encryption,
    /// Whether a person can answer a Secret Service prompt here, and how long to wait for one.
    pub(crate) person: bool,
    pub(crate) prompt_wait: Duration,
    /// Whether this is WSL, and whether it can run Windows programs.
    pub(crate) wsl: Wsl,
    /// The Windows build of the helper, for the `windows` store on Linux:
    /// `MYSTIC_WINDOWS_HELPER`, else (on WSL) `mystic-credential-helper.exe` on PATH.
    pub(crate) windows_helper: Option<PathBuf>,
}

/// The Windows Subsystem for Linux, as far as the `windows` store cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wsl {
    /// Not WSL.
    No,
    /// WSL with interop turned off: it cannot run Windows programs.
    InteropOff,
    /// WSL that can run Windows programs.
    Interop,
}

/// `--store` / `MYSTIC_CREDENTIAL_STORE`. Each store's names and description are in `STORES`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    Auto,
    SecretService,
    Keyutils,
    File,
    Windows,
}

/// A store's names: on the command line, in messages (for this platform), and its description
/// in `--help` and the man page.
struct Names {
    kind: StoreKind,
    name: &'static str,
    message: &'static str,
    help: &'static str,
}

/// Every store, named once: a new store is a variant, a row here and an arm in `open`.
const STORES: [Names; 5] = [
    Names {
        kind: StoreKind::Auto,
        name: "auto",
        #[cfg(any(target_os = "macos", target_os = "windows"))]
        message: native::NAME,
        #[cfg(not(any(target_os = "macos", target_os = "windows")))]
        message: "Secret Service",
        help: "Secret Service on Linux, Keychain on macOS, Credential Manager on Windows",
    },
    Names {
        kind: StoreKind::SecretService,
        name: "secret-service",
        message: "Secret Service",
        help: "The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)",
    },
    Names {
        kind: StoreKind::Keyutils,
        name: "keyutils",
        message: "kernel keyring (keyutils)",
        help: "The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused",
    },
    Names {
        kind: StoreKind::File,
        name: "file",
        message: "config.yaml (plaintext)",
        help: "Plaintext in config.yaml, where the SDK reads it. An explicit opt-in",
    },
    Names {
        kind: StoreKind::Windows,
        name: "windows",
        #[cfg(target_os = "linux")]
        message: wsl::NAME,
        #[cfg(not(target_os = "linux"))]
        message: "Windows Credential Manager",
        help: "Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)",
    },
];

impl StoreKind {
    fn names(self) -> &'static Names {
        STORES
            .iter()
            .find(|names| names.kind == self)
            .expect("every store is in STORES")
    }

    /// Its name on the command line (`--store NAME`).
    pub(crate) fn name(self) -> &'static str {
        self.names().name
    }

    /// Its name for messages.
    pub(crate) fn describe(self) -> &'static str {
        self.names().message
    }

    /// Every store's command-line name, as a list in words: "auto, ... or windows".
    pub(crate) fn list() -> String {
        let names: Vec<&str> = STORES.iter().map(|names| names.name).collect();
        let (last, rest) = names.split_last().expect("there are stores");
        format!("{} or {last}", rest.join(", "))
    }

    pub(crate) fn parse(name: &str) -> Result<StoreKind> {
        STORES
            .iter()
            .find(|names| names.name == name)
            .map(|names| names.kind)
            .ok_or_else(|| Error::invalid(format!("unknown store; expected {}", StoreKind::list())))
    }
}

impl clap::ValueEnum for StoreKind {
    fn value_variants<'a>() -> &'a [Self] {
        const KINDS: [StoreKind; 5] = [
            STORES[0].kind,
            STORES[1].kind,
            STORES[2].kind,
            STORES[3].kind,
            STORES[4].kind,
        ];
        &KINDS
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let names = self.names();
        Some(clap::builder::PossibleValue::new(names.name).help(names.help))
    }
}

/// Windows' Credential Manager keeps at most 2,560 bytes of secret, and a token goes in as
/// UTF-16: a longer one is refused with the reason, before anything is written.
#[cfg(any(target_os = "linux", target_os = "windows"))]
pub(crate) fn credential_manager_fits(token: &Token) -> Result<()> {
    const MAX_BYTES: usize = 2560;
    let bytes = token.expose().encode_utf16().count() * 2;
    match bytes <= MAX_BYTES {
        true => Ok(()),
        false => Err(Error::invalid(format!(
            "the token is {bytes} bytes as UTF-16, and Windows Credential Manager keeps at most {MAX_BYTES} (1,280 characters of plain ASCII); choose another store for it"
        ))),
    }
}

/// `store-unavailable`: the user's situation first, then what to do, then the technical detail.
pub(crate) fn unavailable(situation: &str, advice: &str, detail: Option<&str>) -> Error {
    let detail = detail.map(|d| format!(" ({d})")).unwrap_or_default();
    Error::unavailable(format!("{situation}. {advice}{detail}"))
}

/// One time budget for every keyring call of the process, started when the keyring is opened.
/// A keyring that waits for an unlock prompt nobody will answer, or a frozen daemon, becomes
/// `store-unavailable` instead of a hang, however many calls the command makes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline(Instant);

impl Deadline {
    pub(crate) fn start() -> Self {
        Deadline(Instant::now() + TIMEOUT)
    }

    /// When it passes (the Secret Service client races its calls against it).
    #[cfg(target_os = "linux")]
    pub(crate) fn at(self) -> Instant {
        self.0
    }

    /// The error of a keyring that did not answer in time.
    pub(crate) fn missed(name: &str, advice: &str) -> Error {
        unavailable(
            &format!(
                "the {name} did not answer within {}s (a locked keyring waiting for an unlock prompt, or a frozen daemon)",
                TIMEOUT.as_secs()
            ),
            advice,
            None,
        )
    }

    /// Runs `f` on a worker thread and waits for it until the deadline, for the OS keyrings'
    /// blocking APIs. An abandoned call ends with the process, which exits soon after.
    #[cfg(any(target_os = "macos", target_os = "windows"))]
    pub(crate) fn run<T: Send + 'static>(
        &self,
        name: &str,
        advice: &str,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("keyring".into())
            .spawn(move || {
                let _ = tx.send(f());
            })
            .map_err(|e| Error::io("starting the keyring thread", &e))?;
        rx.recv_timeout(self.0.saturating_duration_since(Instant::now()))
            .map_err(|_| Deadline::missed(name, advice))
    }
}

/// Opens a real OS keyring. `File` never reaches this function.
pub(crate) fn open(options: &StoreOptions) -> Result<Box<dyn Store>> {
    let deadline = Deadline::start();
    match options.kind {
        #[cfg(target_os = "linux")]
        StoreKind::Auto => auto(options, deadline),
        #[cfg(target_os = "linux")]
        StoreKind::SecretService => secret_service::open(options, deadline),
        #[cfg(target_os = "linux")]
        StoreKind::Keyutils => keyutils::open(),
        #[cfg(target_os = "linux")]
        StoreKind::Windows => wsl::open(options, deadline),
        #[cfg(target_os = "windows")]
        StoreKind::Auto | StoreKind::Windows => native::open(deadline),
        #[cfg(target_os = "macos")]
        StoreKind::Auto => native::open(deadline),
        StoreKind::File => Err(Error::invalid("the file store is not a keyring")),
        #[cfg(not(target_os = "linux"))]
        other => Err(Error::unavailable(format!(
            "the {} store does not exist on this platform; use --store auto or --store file",
            other.describe()
        ))),
    }
}

/// `auto` on Linux: the Secret Service; on WSL that can run the Windows build, Windows' own
/// store when no Secret Service runs (WSL seldom has one, and its kernel keyring forgets
/// everything at `wsl --shutdown`).
#[cfg(target_os = "linux")]
fn auto(options: &StoreOptions, deadline: Deadline) -> Result<Box<dyn Store>> {
    if options.wsl != Wsl::Interop || options.windows_helper.is_none() {
        return secret_service::open(options, deadline);
    }
    match secret_service::open_if_running(options, deadline) {
        Some(store) => Ok(store),
        None => wsl::open(options, deadline),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_store_is_parsed_back_from_its_name() {
        for kind in <StoreKind as clap::ValueEnum>::value_variants() {
            assert_eq!(StoreKind::parse(kind.name()).unwrap(), *kind);
            let clap = <StoreKind as clap::ValueEnum>::from_str(kind.name(), false);
            assert_eq!(clap.unwrap(), *kind);
        }
        let e = StoreKind::parse("floppy").unwrap_err();
        assert_eq!(
            e.message,
            "unknown store; expected auto, secret-service, keyutils, file or windows"
        );
    }
}
