//! Reading: which token a request gets, and the remotes in config.yaml. Reads take no lock and
//! write nothing.

use super::Ctx;
use crate::config::{Config, Refused, Remote};
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::{Alias, ListedRemote, Origin, Selector, Source, Token};
use crate::resolve;

/// A token and where it came from: what `get`, `token`, `env` and `exec` hand out.
#[derive(Debug)]
pub struct Found {
    /// `None` for `PIPELINE_API_TOKEN`, which names no remote.
    pub alias: Option<Alias>,
    pub url: Origin,
    pub token: Token,
    pub source: Source,
}

/// The `get` selection plus the token lookup. Reads config.yaml at most once; an environment
/// token needs neither the file nor the keyring.
pub fn lookup(ctx: &Ctx, sel: &Selector) -> Result<Found> {
    if let Some((url, token)) = resolve::env_choice(sel, ctx.settings)? {
        return Ok(Found {
            alias: None,
            url,
            token,
            source: Source::Env,
        });
    }
    let config = Config::load(ctx.dir()?)?;
    let remote = resolve::remote(&config, sel.alias.as_ref(), sel.url.as_ref())?;
    found(ctx, remote)
}

/// git's and docker's lookup: the remote at `url`, named by `username` as
/// `resolve::credential_alias` maps it (so never another origin's remote).
pub fn lookup_credential(ctx: &Ctx, username: Option<&Alias>, url: &Origin) -> Result<Found> {
    let config = Config::load(ctx.dir()?)?;
    let alias = username
        .map(|u| resolve::credential_alias(&config, u, url))
        .transpose()?;
    let remote = resolve::remote(&config, alias.as_ref(), Some(url))?;
    found(ctx, remote)
}

fn found(ctx: &Ctx, remote: &Remote) -> Result<Found> {
    let (token, source) = token_of(ctx, remote)?;
    if source == Source::File
        && let Some(advice) = ctx.migrate_advice()
    {
        ctx.warn(format!(
            "the token of {} comes from config.yaml, where it is stored in plaintext; {advice}",
            remote.alias
        ));
    }
    Ok(Found {
        alias: Some(remote.alias.clone()),
        url: remote.url.clone(),
        token,
        source,
    })
}

/// Where a remote's token is: the keyring first, then a plaintext token in config.yaml, which is
/// what the SDK itself would send, even when the keyring cannot be reached.
pub fn token_of(ctx: &Ctx, remote: &Remote) -> Result<(Token, Source)> {
    let from_keyring = ctx.keyring().and_then(|store| match store {
        Some(store) => store.get(&ctx.key(&remote.url, &remote.alias)),
        None => Ok(None),
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

/// What `list` shows: config.yaml's remotes, never a token.
#[derive(Debug)]
pub struct Listing {
    /// `active_remote` as the file has it.
    pub active_remote: Option<String>,
    pub remotes: Vec<ListedRemote>,
    /// Remotes the helper cannot use, with the reason.
    pub refused: Vec<Refused>,
}

/// The remotes in config.yaml.
pub fn list(ctx: &Ctx) -> Result<Listing> {
    let config = Config::load(ctx.dir()?)?;
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
