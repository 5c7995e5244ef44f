//! The four operations every front end ends in. Writes hold the config lock across the keyring
//! change and the config rewrite, write the keyring first, and undo it if the rewrite fails, so
//! a failed operation leaves both as they were.

use std::cell::OnceCell;
use std::path::PathBuf;

use crate::config::{self, Config, Locked, Remote};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::protocol::{Alias, ListedRemote, Origin, Selector, Source, StoreRequest, Token};
use crate::resolve;
use crate::store::{self, Key, Store, StoreKind};

/// Opens a keyring; `main` passes `store::open`, unit tests an in-memory store.
pub type Opener<'a> = dyn Fn(StoreKind, &Env) -> Result<Box<dyn Store>> + 'a;

/// Everything an operation needs, built once per process.
pub struct Ctx<'a> {
    pub env: &'a Env,
    pub dir: PathBuf,
    pub prefix: String,
    pub kind: StoreKind,
    opener: &'a Opener<'a>,
    /// Opened on first use, so `list` and an environment-token `get` never touch the keyring.
    store: OnceCell<Box<dyn Store>>,
}

impl<'a> Ctx<'a> {
    pub fn new(env: &'a Env, kind: StoreKind, opener: &'a Opener<'a>) -> Result<Self> {
        let prefix = match env.get("MYSTIC_KEYRING_SERVICE_PREFIX") {
            None => store::DEFAULT_SERVICE_PREFIX.to_owned(),
            Some(p) => p
                .to_str()
                .filter(|p| !p.is_empty() && crate::protocol::validate::check_text("", p).is_ok())
                .ok_or_else(|| {
                    Error::config(
                        "MYSTIC_KEYRING_SERVICE_PREFIX must be non-empty text on one line",
                    )
                })?
                .to_owned(),
        };
        Ok(Ctx {
            env,
            dir: config::dir(env)?,
            prefix,
            kind,
            opener,
            store: OnceCell::new(),
        })
    }

    /// The keyring, or `None` for the file store.
    pub fn keyring(&self) -> Result<Option<&dyn Store>> {
        if self.kind == StoreKind::File {
            return Ok(None);
        }
        if let Some(s) = self.store.get() {
            return Ok(Some(s.as_ref()));
        }
        let opened = (self.opener)(self.kind, self.env)?;
        Ok(Some(self.store.get_or_init(|| opened).as_ref()))
    }

    pub fn store_name(&self) -> &'static str {
        store::describe(self.kind)
    }

    pub fn key(&self, url: &Origin, alias: &Alias) -> Key {
        Key::new(&self.prefix, url, alias)
    }

    /// Where a remote's token is: the keyring first, then a plaintext token in config.yaml.
    pub fn token_of(&self, remote: &Remote) -> Result<(Token, Source)> {
        if let Some(store) = self.keyring()?
            && let Some(token) = store.get(&self.key(&remote.url, &remote.alias))?
        {
            return Ok((token, Source::Keyring));
        }
        match &remote.token {
            Some(t) => Ok((t.clone(), Source::File)),
            None => Err(Error::not_found(format!(
                "no token stored for remote {} ({})",
                remote.alias, remote.url
            ))),
        }
    }
}

/// A token and where it came from: what `get`, `token`, `env` and `exec` hand out.
#[derive(Debug)]
pub struct Found {
    /// `None` for `PIPELINE_API_TOKEN`, which names no remote.
    pub alias: Option<Alias>,
    pub url: Origin,
    pub token: Token,
    pub source: Source,
}

/// The `get` selection plus the token lookup. Reads config.yaml at most once, takes no lock;
/// an environment token needs neither the file nor the keyring.
pub fn lookup(ctx: &Ctx, sel: &Selector) -> Result<Found> {
    if let Some((url, token)) = resolve::env_choice(sel, ctx.env)? {
        return Ok(Found {
            alias: None,
            url,
            token,
            source: Source::Env,
        });
    }
    let config = Config::load(&ctx.dir)?;
    let remote = resolve::remote(&config, sel.alias.as_ref(), sel.url.as_ref())?;
    let (token, source) = ctx.token_of(remote)?;
    Ok(Found {
        alias: Some(remote.alias.clone()),
        url: remote.url.clone(),
        token,
        source,
    })
}

/// What `store` did.
#[derive(Debug)]
pub struct Stored {
    pub alias: Alias,
    pub url: Origin,
    /// Whether the alias is the active remote afterwards.
    pub active: bool,
}

pub fn store(ctx: &Ctx, req: StoreRequest) -> Result<Stored> {
    let StoreRequest {
        alias,
        url,
        token,
        active,
        ..
    } = req;
    let url = url.unwrap_or_else(Origin::default_url);
    let locked = Locked::acquire(&ctx.dir)?;
    let mut config = locked.load()?;
    let previous_url = config.find(&alias).map(|r| r.url.clone());
    let make_active = active.map_or(config.active().is_none(), |f| f.0);
    let edit = |config: &mut Config, plaintext: Option<&Token>| {
        config.upsert(&alias, &url, plaintext)?;
        if make_active {
            config.set_active(Some(&alias))?;
        }
        Ok(())
    };
    // Storing what is already there writes nothing (git approves after every successful use).
    let unchanged = config.to_yaml()?;
    let save = |config: &Config| {
        if config.to_yaml()? == unchanged {
            return Ok(());
        }
        locked.save(config)
    };
    match ctx.keyring()? {
        None => {
            edit(&mut config, Some(&token))?;
            save(&config)?;
        }
        Some(store) => {
            let mut undo = Undo::new(store);
            undo.set(ctx.key(&url, &alias), &token)?;
            let rest = (|| {
                if let Some(old) = previous_url.filter(|old| *old != url) {
                    undo.delete(ctx.key(&old, &alias))?;
                }
                edit(&mut config, None)?;
                save(&config)
            })();
            undo.finish(rest)?;
        }
    }
    Ok(Stored {
        active: config.is_active(&alias),
        alias,
        url,
    })
}

/// Erases the remote `sel` names; returns its alias and url.
pub fn erase(ctx: &Ctx, sel: &Selector) -> Result<(Alias, Origin)> {
    let locked = Locked::acquire(&ctx.dir)?;
    let mut config = locked.load()?;
    let (alias, url) = match resolve::remote(&config, sel.alias.as_ref(), sel.url.as_ref()) {
        Ok(r) => (r.alias.clone(), r.url.clone()),
        // A keyring item whose remote is gone from config.yaml can still be erased by full name.
        Err(e) => match (&sel.alias, &sel.url, ctx.keyring()?) {
            (Some(alias), Some(url), Some(store))
                if e.kind == crate::error::ErrorKind::NotFound =>
            {
                if !store.delete(&ctx.key(url, alias))? {
                    return Err(e);
                }
                return Ok((alias.clone(), url.clone()));
            }
            _ => return Err(e),
        },
    };
    let edit = |config: &mut Config| {
        config.remove(&alias)?;
        if config.is_active(&alias) {
            config.set_active(None)?;
        }
        locked.save(config)
    };
    match ctx.keyring()? {
        None => edit(&mut config)?,
        Some(store) => {
            let mut undo = Undo::new(store);
            undo.delete(ctx.key(&url, &alias))?;
            let rest = edit(&mut config);
            undo.finish(rest)?;
        }
    }
    Ok((alias, url))
}

/// The remotes in config.yaml, and `active_remote` as the file has it.
pub fn list(ctx: &Ctx) -> Result<(Option<String>, Vec<ListedRemote>)> {
    let config = Config::load(&ctx.dir)?;
    let remotes = config
        .remotes
        .iter()
        .map(|r| ListedRemote {
            alias: r.alias.clone(),
            url: r.url.clone(),
            active: config.is_active(&r.alias),
        })
        .collect();
    Ok((config.active_remote.clone(), remotes))
}

/// Makes `alias` the active remote.
pub fn set_active(ctx: &Ctx, alias: &Alias) -> Result<()> {
    let locked = Locked::acquire(&ctx.dir)?;
    let mut config = locked.load()?;
    if config.find(alias).is_none() {
        return Err(Error::not_found(format!(
            "no remote named {alias} in config.yaml"
        )));
    }
    config.set_active(Some(alias))?;
    locked.save(&config)
}

/// What `migrate` did (or, with `dry_run`, would do) for each remote with a plaintext token.
#[derive(Debug, Default)]
pub struct Migration {
    pub moved: Vec<(Alias, Origin)>,
    /// Remotes that keep their plaintext token, and why.
    pub kept: Vec<(Alias, Origin, Error)>,
}

/// Moves plaintext tokens from config.yaml into the keyring. Each token is written, read back and
/// compared before its plaintext copy is dropped; the file is rewritten once, atomically, under
/// the lock. A token that could not be moved stays in the file, so none is ever lost.
pub fn migrate(ctx: &Ctx, dry_run: bool) -> Result<Migration> {
    let locked = Locked::acquire(&ctx.dir)?;
    let mut config = locked.load()?;
    let plaintext: Vec<Remote> = config
        .remotes
        .iter()
        .filter(|r| r.token.is_some())
        .cloned()
        .collect();
    let mut report = Migration::default();
    if plaintext.is_empty() {
        return Ok(report);
    }
    if dry_run {
        report.moved = plaintext.into_iter().map(|r| (r.alias, r.url)).collect();
        return Ok(report);
    }
    let store = match ctx.keyring() {
        Ok(Some(store)) => store,
        Ok(None) => {
            return Err(Error::invalid(
                "migrate moves tokens into a keyring; the file store keeps them in config.yaml",
            ));
        }
        Err(e) => {
            report.kept = plaintext
                .into_iter()
                .map(|r| (r.alias, r.url, e.clone()))
                .collect();
            return Ok(report);
        }
    };
    let mut undo = Undo::new(store);
    for remote in plaintext {
        let Remote { alias, url, token } = remote;
        let token = token.expect("filtered on plaintext tokens");
        let key = ctx.key(&url, &alias);
        let moved = undo
            .set(key.clone(), &token)
            .and_then(|()| match store.get(&key)? {
                Some(read) if read == token => Ok(()),
                _ => Err(Error::unavailable(format!(
                    "the keyring did not return the token just written for {alias}"
                ))),
            });
        match moved {
            Ok(()) => report.moved.push((alias, url)),
            Err(e) => report.kept.push((alias, url, e)),
        }
    }
    let rewrite = (|| {
        for (alias, url) in &report.moved {
            config.upsert(alias, url, None)?;
        }
        if report.moved.is_empty() {
            return Ok(());
        }
        locked.save(&config)
    })();
    undo.finish(rewrite)?;
    Ok(report)
}

/// Keyring changes made so far, each with the value it replaced, to put back on failure.
struct Undo<'s> {
    store: &'s dyn Store,
    done: Vec<(Key, Option<Token>)>,
}

impl<'s> Undo<'s> {
    fn new(store: &'s dyn Store) -> Self {
        Undo {
            store,
            done: Vec::new(),
        }
    }

    fn set(&mut self, key: Key, token: &Token) -> Result<()> {
        let before = self.store.get(&key)?;
        if before.as_ref() == Some(token) {
            return Ok(());
        }
        self.store.set(&key, token)?;
        self.done.push((key, before));
        Ok(())
    }

    fn delete(&mut self, key: Key) -> Result<()> {
        let Some(before) = self.store.get(&key)? else {
            return Ok(());
        };
        self.store.delete(&key)?;
        self.done.push((key, Some(before)));
        Ok(())
    }

    /// On failure, restores every changed item (newest first) and returns the original error.
    fn finish(self, result: Result<()>) -> Result<()> {
        let Err(mut err) = result else {
            return Ok(());
        };
        for (key, before) in self.done.into_iter().rev() {
            let restored = match &before {
                Some(token) => self.store.set(&key, token),
                None => self.store.delete(&key).map(drop),
            };
            if let Err(e) = restored {
                err.message = format!(
                    "{}; restoring the keyring item {} at {} also failed: {}",
                    err.message, key.user, key.service, e.message
                );
            }
        }
        Err(err)
    }
}
