//! Reading: which token a request gets, and the remotes in config.yaml. Reads take no lock and
//! write nothing.

use super::{Ctx, Tokens};
use crate::config::{Config, Refused, Remote};
use crate::error::{Error, ErrorKind, Result};
use crate::remote::{Alias, Origin, Selector, Source, Token};
use crate::resolve;

/// A token and where it came from: what `get`, `token`, `env` and `exec` hand out.
#[derive(Debug)]
pub struct Found {
    /// `None` for `PIPELINE_API_TOKEN`, which names no remote.
    pub(crate) alias: Option<Alias>,
    pub(crate) url: Origin,
    pub(crate) token: Token,
    pub(crate) source: Source,
    /// A line for stderr that goes with the answer (a plaintext token, with what moves it).
    pub(crate) warning: Option<String>,
}

/// Which token `get` uses, before any keyring is asked.
pub(crate) enum Choice<'c> {
    /// `PIPELINE_API_TOKEN`'s, at `PIPELINE_API_URL`.
    Env {
        url: Origin,
        token: Token,
    },
    Remote(&'c Remote),
}

/// `get`'s rule, applied here only (for `lookup`, and for `status`'s account of `get`): the
/// environment's token when the request names no remote, else `resolve::remote`. `config` is
/// called only when the environment does not answer.
pub(crate) fn choose<'c>(
    ctx: &Ctx,
    sel: &Selector,
    config: impl FnOnce() -> Result<&'c Config>,
) -> Result<Choice<'c>> {
    if let Some((url, token)) = resolve::env_choice(sel, ctx.settings)? {
        return Ok(Choice::Env { url, token });
    }
    let remote = resolve::remote(config()?, sel.alias.as_ref(), sel.url.as_ref())?;
    Ok(Choice::Remote(remote))
}

/// The `get` selection plus the token lookup. Reads config.yaml at most once; an environment
/// token needs neither the file nor the keyring.
pub fn lookup(ctx: &Ctx, sel: &Selector) -> Result<Found> {
    let mut loaded = None;
    let slot = &mut loaded;
    lookup_with(ctx, sel, move || Ok(&*slot.insert(load_config(ctx)?)))
}

/// `lookup` over config.yaml as `config` gives it (docker's `get` has read it already).
pub(crate) fn lookup_with<'c>(
    ctx: &Ctx,
    sel: &Selector,
    config: impl FnOnce() -> Result<&'c Config>,
) -> Result<Found> {
    match choose(ctx, sel, config)? {
        Choice::Env { url, token } => Ok(Found {
            alias: None,
            url,
            token,
            source: Source::Env,
            warning: None,
        }),
        Choice::Remote(remote) => found(ctx, remote),
    }
}

/// git's and docker's lookup: the remote at `url`, named by `username` as
/// `resolve::credential_alias` maps it (so never another origin's remote).
pub(crate) fn lookup_credential(
    ctx: &Ctx,
    username: Option<&Alias>,
    url: &Origin,
) -> Result<Found> {
    let config = load_config(ctx)?;
    let alias = username
        .map(|u| resolve::credential_alias(&config, u, url))
        .transpose()?;
    let remote = resolve::remote(&config, alias.as_ref(), Some(url))?;
    found(ctx, remote)
}

fn found(ctx: &Ctx, remote: &Remote) -> Result<Found> {
    let (token, source) = token_of(ctx, remote)?;
    let warning = match source {
        Source::File => ctx.migrate_advice().map(|advice| {
            format!(
                "the token of {} comes from config.yaml, where it is stored in plaintext; {advice}",
                remote.alias
            )
        }),
        _ => None,
    };
    Ok(Found {
        alias: Some(remote.alias.clone()),
        url: remote.url.clone(),
        token,
        source,
        warning,
    })
}

/// Where a remote's token is: the keyring first, then a plaintext token in config.yaml, which is
/// what the SDK itself would send, even when the keyring cannot be reached.
pub(crate) fn token_of(ctx: &Ctx, remote: &Remote) -> Result<(Token, Source)> {
    let from_keyring = ctx.tokens().and_then(|tokens| match tokens {
        Tokens::Keyring(store) => match ctx.key(&remote.url, &remote.alias)? {
            Some(key) => store.get(&key),
            None => Ok(None),
        },
        Tokens::Plaintext => Ok(None),
    });
    match from_keyring {
        Ok(Some(token)) => return Ok((token, Source::Keyring)),
        Ok(None) => {}
        Err(e) if e.kind == ErrorKind::StoreUnavailable && remote.token.is_some() => {}
        Err(e) => return Err(e),
    }
    match &remote.token {
        Some(token) => Ok((token.clone(), Source::File)),
        None => Err(Error::not_found(format!(
            "no token stored for remote {} ({})",
            remote.alias, remote.url
        ))),
    }
}

/// config.yaml as the operations read it.
pub(crate) fn load_config(ctx: &Ctx) -> Result<Config> {
    Config::load(ctx.dir()?)
}

/// What `list` shows: config.yaml's remotes, never a token.
#[derive(Debug)]
pub(crate) struct Listing {
    /// `active_remote` as the file has it.
    pub(crate) active_remote: Option<String>,
    pub(crate) remotes: Vec<ListedRemote>,
    /// Remotes the helper cannot use, with the reason.
    pub(crate) refused: Vec<Refused>,
}

/// A remote as `list` shows it: never a token.
#[derive(Debug, serde::Serialize, PartialEq)]
pub(crate) struct ListedRemote {
    pub(crate) alias: Alias,
    pub(crate) url: Origin,
    pub(crate) active: bool,
}

/// The remotes in config.yaml.
pub(crate) fn list(ctx: &Ctx) -> Result<Listing> {
    let config = load_config(ctx)?;
    let remotes = config
        .remotes
        .iter()
        .map(|r| ListedRemote {
            alias: r.alias.clone(),
            url: r.url.clone(),
            active: config.is_active(&r.alias),
        })
        .collect();
    Ok(Listing {
        active_remote: config.active_remote,
        remotes,
        refused: config.refused,
    })
}

/// docker's `list`: each origin whose remote (the one a `get` by url picks) has a token. An
/// origin several aliases share with none active is left out, as `get` refuses it.
pub(crate) fn credentials(ctx: &Ctx) -> Result<Vec<(Origin, Alias)>> {
    let config = load_config(ctx)?;
    let mut origins: Vec<&Origin> = config.remotes.iter().map(|r| &r.url).collect();
    origins.sort();
    origins.dedup();
    let mut listed = Vec::new();
    for url in origins {
        let Ok(remote) = resolve::remote(&config, None, Some(url)) else {
            continue;
        };
        match token_of(ctx, remote) {
            Ok(_) => listed.push((url.clone(), remote.alias.clone())),
            Err(e) if e.kind == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(listed)
}
