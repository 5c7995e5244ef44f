//! The selection rules: which remote (or environment token) a request means. Every front end
//! (JSON, git, docker, the human commands) goes through here, so the rules live in one place.

use crate::config::{Config, Remote};
use crate::env::Env;
use crate::error::{Error, ErrorKind, Result};
use crate::protocol::{Alias, Origin, Selector, Token};

/// The first `get` rule: a request that names neither alias nor url gets `PIPELINE_API_TOKEN`
/// (with `PIPELINE_API_URL`) when it is set. `None` means: resolve a remote with `remote`.
pub fn env_choice(sel: &Selector, env: &Env) -> Result<Option<(Origin, Token)>> {
    if sel.alias.is_some() || sel.url.is_some() {
        return Ok(None);
    }
    match env_token(env)? {
        Some(token) => Ok(Some((env_url(env)?, token))),
        None => Ok(None),
    }
}

/// The remote named by alias and/or url; with neither, `active_remote`, else the first remote.
pub fn remote<'c>(
    config: &'c Config,
    alias: Option<&Alias>,
    url: Option<&Origin>,
) -> Result<&'c Remote> {
    match (alias, url) {
        (Some(alias), url) => {
            let remote = config.find(alias).ok_or_else(|| {
                Error::not_found(format!("no remote named {alias} in config.yaml"))
            })?;
            match url {
                Some(url) if *url != remote.url => Err(Error::not_found(format!(
                    "remote {alias} is registered for {}, not {url}",
                    remote.url
                ))),
                _ => Ok(remote),
            }
        }
        (None, Some(url)) => {
            let matches: Vec<&Remote> = config.remotes.iter().filter(|r| r.url == *url).collect();
            match matches.as_slice() {
                [] => Err(Error::not_found(format!(
                    "no remote for {url} in config.yaml"
                ))),
                [one] => Ok(one),
                many => many
                    .iter()
                    .find(|r| config.is_active(&r.alias))
                    .copied()
                    .ok_or_else(|| {
                        let names: Vec<&str> = many.iter().map(|r| r.alias.as_str()).collect();
                        Error::new(
                            ErrorKind::Ambiguous,
                            format!(
                                "several remotes use {url}: {}; name one with \"alias\"",
                                names.join(", ")
                            ),
                        )
                    }),
            }
        }
        (None, None) => {
            if let Some(active) = config.active() {
                return Ok(active);
            }
            if let Some(name) = &config.active_remote {
                return Err(Error::not_found(format!(
                    "active_remote {name:?} names no remote in config.yaml"
                )));
            }
            config
                .remotes
                .first()
                .ok_or_else(|| Error::not_found("no remotes in config.yaml; store a token first"))
        }
    }
}

/// `PIPELINE_API_TOKEN`, validated like any other token.
pub fn env_token(env: &Env) -> Result<Option<Token>> {
    let Some(raw) = env.non_empty("PIPELINE_API_TOKEN") else {
        return Ok(None);
    };
    let text = raw
        .to_str()
        .ok_or_else(|| Error::config("PIPELINE_API_TOKEN is not valid UTF-8"))?;
    Token::new(text.to_owned())
        .map(Some)
        .map_err(|e| Error::config(format!("PIPELINE_API_TOKEN: {}", e.message)))
}

/// `PIPELINE_API_URL`, defaulting as the SDK does.
pub fn env_url(env: &Env) -> Result<Origin> {
    match env.non_empty("PIPELINE_API_URL") {
        None => Ok(Origin::default_url()),
        Some(raw) => raw
            .to_str()
            .ok_or_else(|| Error::config("PIPELINE_API_URL is not valid UTF-8"))
            .and_then(|s| {
                Origin::parse(s)
                    .map_err(|e| Error::config(format!("PIPELINE_API_URL: {}", e.message)))
            }),
    }
}
