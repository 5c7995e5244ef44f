//! The operations every front end ends in: reading a token (`lookup`), listing remotes, and the
//! writers, which all go through one transaction (`txn`).

mod item;
mod lookup;
mod orphans;
mod txn;
mod write;

use std::cell::OnceCell;
use std::path::Path;

pub(crate) use item::{ItemReply, item};
pub(crate) use lookup::{
    Choice, ListedRemote, Listing, choose, credentials, list, load_config, lookup_credential,
    lookup_with, token_of,
};
pub use lookup::{Found, lookup};
pub(crate) use orphans::{describe as describe_orphans, orphans, prune};
pub(crate) use txn::Txn;
pub(crate) use write::{
    Activate, Stored, erase, erase_credentials, migrate, move_tokens, set_active, store,
    store_credential,
};

use crate::error::Result;
use crate::remote::{Alias, Origin};
use crate::settings::Settings;
use crate::store::{Key, Store, StoreKind, StoreOptions};

/// Opens a keyring; `main` passes `store::open`, tests an in-memory store.
pub type Opener<'a> = dyn Fn(&StoreOptions) -> Result<Box<dyn Store>> + 'a;

/// Everything an operation needs, built once per process, infallibly: what a command turns out
/// not to need (the keyring, a bad variable) never fails it.
pub struct Ctx<'a> {
    pub(crate) settings: &'a Settings,
    opener: &'a Opener<'a>,
    /// Opened on first use, so `list` and an environment-token `get` never touch the keyring.
    /// A failure to open is kept too: a command asks a missing or hung keyring once, not once
    /// per remote.
    store: OnceCell<Result<Box<dyn Store>>>,
}

/// Where tokens live for this command: a keyring, or (the `file` store) plaintext in
/// config.yaml, next to their remotes.
#[derive(Clone, Copy)]
pub(crate) enum Tokens<'c> {
    Keyring(&'c dyn Store),
    Plaintext,
}

impl<'a> Ctx<'a> {
    pub fn new(settings: &'a Settings, opener: &'a Opener<'a>) -> Self {
        Ctx {
            settings,
            opener,
            store: OnceCell::new(),
        }
    }

    /// The same context with other settings (another store), sharing the opener.
    pub(crate) fn with_settings<'b>(&'b self, settings: &'b Settings) -> Ctx<'b> {
        Ctx::new(settings, self.opener)
    }

    /// Fails when the choice of where tokens live (the store, the keyring items' prefix) is
    /// unusable: every command that reads or writes remotes checks first, so a typo in
    /// `MYSTIC_CREDENTIAL_STORE` is reported even where no token is touched (an empty `list`).
    pub(crate) fn check(&self) -> Result<()> {
        self.kind()?;
        self.settings.prefix()?;
        Ok(())
    }

    /// The chosen store (`--store`, `MYSTIC_CREDENTIAL_STORE`, `auto`).
    pub(crate) fn kind(&self) -> Result<StoreKind> {
        self.settings.store.clone()
    }

    /// The folder of config.yaml.
    pub(crate) fn dir(&self) -> Result<&Path> {
        self.settings.dir()
    }

    /// Where tokens live, opening the keyring on first use.
    pub(crate) fn tokens(&self) -> Result<Tokens<'_>> {
        if self.kind()? == StoreKind::File {
            return Ok(Tokens::Plaintext);
        }
        let opened = self.store.get_or_init(|| {
            let options = self.settings.store_options()?;
            (self.opener)(&options)
        });
        match opened {
            Ok(store) => Ok(Tokens::Keyring(store.as_ref())),
            Err(e) => Err(e.clone()),
        }
    }

    /// The keyring item of `alias` at `url` (without opening the keyring); `None` for the file
    /// store, whose tokens have no item.
    pub(crate) fn key(&self, url: &Origin, alias: &Alias) -> Result<Option<Key>> {
        if self.kind()? == StoreKind::File {
            return Ok(None);
        }
        let prefix = self.settings.prefix()?;
        Ok(Some(Key::new(prefix, url, alias)))
    }

    /// The chosen store's name for messages: the opened keyring's own (which `auto` chose),
    /// else the choice's.
    pub(crate) fn store_name(&self) -> &'static str {
        match self.store.get() {
            Some(Ok(store)) => store.name(),
            _ => self.kind().map_or("chosen store", StoreKind::describe),
        }
    }

    /// The step that moves a plaintext token into a keyring on this machine: `migrate` into the
    /// chosen keyring when it can be opened; without a Secret Service on Linux, into the kernel
    /// keyring. (`None` for the file store, where plaintext is the choice.)
    pub(crate) fn migrate_advice(&self) -> Option<String> {
        let kind = self.kind().ok()?;
        if kind == StoreKind::File {
            return None;
        }
        Some(match self.tokens() {
            Ok(_) => format!(
                "`mystic-credential-helper migrate` moves it into the {}",
                self.store_name()
            ),
            Err(_) if cfg!(target_os = "linux") && kind != StoreKind::Keyutils => {
                "there is no usable Secret Service here: `mystic-credential-helper --store keyutils migrate` moves it into the kernel keyring (then set MYSTIC_CREDENTIAL_STORE=keyutils)".to_owned()
            }
            Err(_) => format!(
                "`mystic-credential-helper migrate` can move it once the {} can be used",
                self.store_name()
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, ErrorKind};
    use crate::store::memory::MemoryStore;

    /// A context choosing `store`, whose keyring opens or not.
    fn with_ctx<R>(store: &str, opens: bool, f: impl FnOnce(&Ctx) -> R) -> R {
        let env = [
            ("PIPELINE_DIR", "/nonexistent"),
            ("MYSTIC_CREDENTIAL_STORE", store),
        ];
        let settings = Settings::new(env.into_iter().collect(), None);
        let opener = move |_: &StoreOptions| match opens {
            true => Ok(Box::new(std::sync::Arc::new(MemoryStore::default())) as Box<dyn Store>),
            false => Err(Error::unavailable("no keyring here")),
        };
        f(&Ctx::new(&settings, &opener))
    }

    #[test]
    fn migrate_advice_names_a_step_that_works_on_this_machine() {
        let advice = |store, opens| with_ctx(store, opens, |ctx| ctx.migrate_advice());
        assert_eq!(advice("file", true), None);
        assert_eq!(
            advice("secret-service", true).unwrap(),
            "`mystic-credential-helper migrate` moves it into the in-memory store"
        );
        let keyutils_instead = "`mystic-credential-helper --store keyutils migrate`";
        for store in ["auto", "secret-service"] {
            let got = advice(store, false).unwrap();
            assert_eq!(
                got.contains(keyutils_instead),
                cfg!(target_os = "linux"),
                "{store}: {got}"
            );
        }
        // Where the kernel keyring itself cannot be used, it is not the advice.
        assert_eq!(
            advice("keyutils", false).unwrap(),
            "`mystic-credential-helper migrate` can move it once the kernel keyring (keyutils) can be used"
        );
    }

    #[test]
    fn an_unusable_choice_of_store_or_prefix_fails_the_check() {
        assert!(with_ctx("auto", true, |ctx| ctx.check()).is_ok());
        let e = with_ctx("bogus", true, |ctx| ctx.check()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config, "{e:?}");
        assert!(e.message.starts_with("MYSTIC_CREDENTIAL_STORE"), "{e:?}");
        let env = [
            ("PIPELINE_DIR", "/nonexistent"),
            ("MYSTIC_KEYRING_SERVICE_PREFIX", ""),
        ];
        let settings = Settings::new(env.into_iter().collect(), None);
        let opener = |_: &StoreOptions| -> Result<Box<dyn Store>> { unreachable!() };
        assert!(Ctx::new(&settings, &opener).check().is_err());
    }
}
