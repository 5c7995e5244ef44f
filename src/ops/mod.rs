//! The operations every front end ends in: reading a token (`lookup`), listing remotes, and the
//! writers, which all go through one transaction (`txn`).

mod lookup;
mod txn;
mod write;

use std::cell::{OnceCell, RefCell};
use std::path::Path;

pub use lookup::{Found, Listing, list, lookup, lookup_credential, token_of};
pub use txn::Txn;
pub use write::{
    Activate, Migration, Stored, erase, erase_credentials, migrate, set_active, store,
    store_credential,
};

use crate::error::Result;
use crate::protocol::{Alias, Origin};
use crate::settings::Settings;
use crate::store::{self, Key, Store, StoreKind};

/// Opens a keyring; `main` passes `store::open`, tests an in-memory store.
pub type Opener<'a> = dyn Fn(StoreKind, &Settings) -> Result<Box<dyn Store>> + 'a;

/// Everything an operation needs, built once per process.
pub struct Ctx<'a> {
    pub settings: &'a Settings,
    prefix: String,
    pub kind: StoreKind,
    opener: &'a Opener<'a>,
    /// Opened on first use, so `list` and an environment-token `get` never touch the keyring.
    /// A failure to open is kept too: a command asks a missing or hung keyring once, not once
    /// per remote.
    store: OnceCell<Result<Box<dyn Store>>>,
    /// One-line warnings for stderr, printed once the command has its answer.
    warnings: RefCell<Vec<String>>,
}

impl<'a> Ctx<'a> {
    pub fn new(settings: &'a Settings, opener: &'a Opener<'a>) -> Result<Self> {
        Ok(Ctx {
            settings,
            prefix: settings.prefix.clone()?,
            kind: settings.store.clone()?,
            opener,
            store: OnceCell::new(),
            warnings: RefCell::default(),
        })
    }

    /// The folder of config.yaml.
    pub fn dir(&self) -> Result<&Path> {
        self.settings.dir.as_deref().map_err(Clone::clone)
    }

    /// The keyring, or `None` for the file store.
    pub fn keyring(&self) -> Result<Option<&dyn Store>> {
        if self.kind == StoreKind::File {
            return Ok(None);
        }
        let opened = self
            .store
            .get_or_init(|| (self.opener)(self.kind, self.settings));
        match opened {
            Ok(store) => Ok(Some(store.as_ref())),
            Err(e) => Err(e.clone()),
        }
    }

    pub fn store_name(&self) -> &'static str {
        store::describe(self.kind)
    }

    /// The step that moves a plaintext token into a keyring on this machine: `migrate` into the
    /// chosen keyring when it can be opened; without a Secret Service on Linux, into the kernel
    /// keyring. (`None` for the file store, where plaintext is the choice.)
    pub fn migrate_advice(&self) -> Option<String> {
        if self.kind == StoreKind::File {
            return None;
        }
        Some(match self.keyring() {
            Ok(_) => format!(
                "`mystic-credential-helper migrate` moves it into the {}",
                self.store_name()
            ),
            Err(_) if cfg!(target_os = "linux") && self.kind != StoreKind::Keyutils => {
                "there is no usable Secret Service here: `mystic-credential-helper --store keyutils migrate` moves it into the kernel keyring (then set MYSTIC_CREDENTIAL_STORE=keyutils)".to_owned()
            }
            Err(_) => format!(
                "`mystic-credential-helper migrate` can move it once the {} can be used",
                self.store_name()
            ),
        })
    }

    pub fn key(&self, url: &Origin, alias: &Alias) -> Key {
        Key::new(&self.prefix, url, alias)
    }

    pub fn warn(&self, line: String) {
        self.warnings.borrow_mut().push(line);
    }

    /// Writes the warnings gathered so far to `stderr`, each once.
    pub fn flush_warnings(&self, stderr: &mut dyn std::io::Write) {
        for line in self.warnings.borrow_mut().drain(..) {
            let _ = writeln!(stderr, "mystic-credential-helper: warning: {line}");
        }
    }
}
