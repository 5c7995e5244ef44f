//! The operations every front end ends in: reading a token (`lookup`), listing remotes, and the
//! writers, which all go through one transaction (`txn`).

mod lookup;
mod txn;
mod write;

use std::cell::{OnceCell, RefCell};
use std::path::Path;

pub use lookup::{Found, list, lookup, token_of};
pub use txn::Txn;
pub use write::{Migration, Moves, Stored, erase, migrate, set_active, store};

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
    store: OnceCell<Box<dyn Store>>,
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
        if let Some(s) = self.store.get() {
            return Ok(Some(s.as_ref()));
        }
        let opened = (self.opener)(self.kind, self.settings)?;
        Ok(Some(self.store.get_or_init(|| opened).as_ref()))
    }

    pub fn store_name(&self) -> &'static str {
        store::describe(self.kind)
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
