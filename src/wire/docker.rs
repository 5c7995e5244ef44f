//! docker's credential-helper protocol, byte for byte as docker/docker-credential-helpers' client
//! speaks it: `store` reads `{"ServerURL","Username","Secret"}`; `get` and `erase` read the raw
//! server URL; `list` answers `{URL: Username}`; errors are plain text on stdout with exit 1,
//! and a miss is exactly `credentials not found in native keychain`, which clients compare.
//! Username is the alias, Secret the token. Bare host names (`registry.example.com`) mean https.

use serde::{Deserialize, Serialize};

use super::{Answered, Protocol};
use crate::config::Config;
use crate::error::{Error, ErrorKind, Exit};
use crate::ops::{self, Ctx};
use crate::remote::{Alias, Origin, Selector, Token};
use crate::secret::Secret;
use crate::streams::Io;

pub(crate) const NOT_FOUND: &str = "credentials not found in native keychain";
const MISSING_URL: &str = "no credentials server URL";
const MISSING_USERNAME: &str = "no credentials username";

#[derive(Deserialize)]
struct Credentials {
    #[serde(rename = "ServerURL", default)]
    server_url: String,
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: Option<String>,
}

#[derive(Serialize)]
struct Answer<'a> {
    #[serde(rename = "ServerURL")]
    server_url: &'a str,
    #[serde(rename = "Username")]
    username: &'a str,
    #[serde(rename = "Secret")]
    secret: &'a str,
}

/// A docker error: the text docker clients read from stdout.
pub(crate) struct Failure(String);

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e.kind {
            ErrorKind::NotFound => Failure(NOT_FOUND.into()),
            _ => Failure(format!("{}: {}", e.kind, e.message)),
        }
    }
}

/// docker's protocol for one action.
pub(crate) struct Docker<'a>(pub(crate) &'a str);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    Store,
    Get,
    Erase,
    List,
    Version,
}

impl Docker<'_> {
    fn action(&self) -> Option<Action> {
        Some(match self.0 {
            "store" => Action::Store,
            "get" => Action::Get,
            "erase" => Action::Erase,
            "list" => Action::List,
            "version" => Action::Version,
            _ => return None,
        })
    }
}

impl Protocol for Docker<'_> {
    /// The action, and the raw input, which each action reads its own way.
    type Request = (Action, Vec<u8>);
    /// What goes to stdout.
    type Answer = String;
    type Failure = Failure;

    fn reads_input(&self) -> bool {
        self.action()
            .is_some_and(|action| action != Action::Version)
    }

    fn decode(&self, input: &[u8]) -> std::result::Result<Self::Request, Failure> {
        match self.action() {
            Some(action) => Ok((action, input.to_vec())),
            None => Err(Failure(format!(
                "Usage: docker-credential-mystic <store|get|erase|list|version>; unknown action {:?}",
                self.0
            ))),
        }
    }

    fn answer(
        &self,
        ctx: &Ctx,
        (action, input): Self::Request,
    ) -> std::result::Result<Answered<String>, Failure> {
        match action {
            Action::Version => Ok(Answered::plain(format!(
                "docker-credential-mystic (mystic-credential-helper) v{}\n",
                env!("CARGO_PKG_VERSION")
            ))),
            Action::Store => store(ctx, &input).map(|()| Answered::plain(String::new())),
            Action::Get => get(ctx, &input),
            Action::Erase => erase(ctx, &input).map(|()| Answered::plain(String::new())),
            Action::List => list(ctx).map(Answered::plain),
        }
    }

    /// docker clients read the outcome from stdout: the answer, or one line of text and exit 1.
    fn encode(&self, outcome: std::result::Result<String, Failure>, io: &mut Io) -> Exit {
        let (text, exit) = match outcome {
            Ok(text) => (text, Exit::Success),
            Err(Failure(message)) => (format!("{message}\n"), Exit::DockerFailure),
        };
        let _ = io
            .stdout
            .write_all(text.as_bytes())
            .and_then(|()| io.stdout.flush());
        exit
    }
}

/// `registry.example.com` means `https://registry.example.com`.
fn server_origin(raw: &str) -> std::result::Result<Origin, Failure> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Failure(MISSING_URL.into()));
    }
    let url = if raw.contains("://") {
        raw.to_owned()
    } else {
        format!("https://{raw}")
    };
    Ok(Origin::parse(&url)?)
}

/// The origin docker means: as `server_origin` reads it, except that a bare `host:port` (what
/// docker sends, and the key `configure docker` writes) with no https remote in `config` but an
/// http one (a local registry, `http://127.0.0.1:5000`) means that one.
fn remote_origin(config: &Config, raw: &str) -> std::result::Result<Origin, Failure> {
    let https = server_origin(raw)?;
    if raw.contains("://") {
        return Ok(https);
    }
    let plain = Origin::parse(&format!("http://{}", raw.trim()))?;
    let has = |origin: &Origin| config.remotes.iter().any(|r| r.url == *origin);
    Ok(match !has(&https) && has(&plain) {
        true => plain,
        false => https,
    })
}

fn text(input: &[u8]) -> std::result::Result<&str, Failure> {
    std::str::from_utf8(input).map_err(|_| Failure::from(Error::invalid("input is not UTF-8")))
}

fn store(ctx: &Ctx, input: &[u8]) -> std::result::Result<(), Failure> {
    let creds: Credentials = serde_json::from_slice(input).map_err(|e| {
        Failure::from(Error::invalid(format!(
            "malformed credentials JSON at line {} column {}",
            e.line(),
            e.column()
        )))
    })?;
    let Credentials {
        server_url,
        username,
        secret,
    } = creds;
    let secret = Secret::new(secret.unwrap_or_default());
    let url = remote_origin(&ops::load_config(ctx)?, &server_url)?;
    if username.is_empty() {
        return Err(Failure(MISSING_USERNAME.into()));
    }
    let username = Alias::new(username)?;
    let token = Token::new(secret.expose().to_owned())?;
    ops::store_credential(ctx, &username, url, &token)?;
    Ok(())
}

fn get(ctx: &Ctx, input: &[u8]) -> std::result::Result<Answered<String>, Failure> {
    let raw = text(input)?.trim();
    // config.yaml, read once: for the origin, and for the remote there.
    let config = ops::load_config(ctx)?;
    let url = remote_origin(&config, raw)?;
    let found = ops::lookup_with(ctx, &Selector::new(None, Some(url)), || Ok(&config))?;
    let answer = Answer {
        server_url: raw,
        username: found.alias.as_ref().map_or("", Alias::as_str),
        secret: found.token.expose(),
    };
    Ok(Answered {
        value: serde_json::to_string(&answer).expect("answer serialises") + "\n",
        warning: found.warning,
    })
}

fn erase(ctx: &Ctx, input: &[u8]) -> std::result::Result<(), Failure> {
    let url = remote_origin(&ops::load_config(ctx)?, text(input)?)?;
    ops::erase(ctx, &Selector::new(None, Some(url)))?;
    Ok(())
}

/// `{origin: alias}` for every origin whose remote (the one `get` picks) has a token.
fn list(ctx: &Ctx) -> std::result::Result<String, Failure> {
    let map: serde_json::Map<String, serde_json::Value> = ops::credentials(ctx)?
        .into_iter()
        .map(|(url, alias)| (url.to_string(), alias.to_string().into()))
        .collect();
    Ok(serde_json::Value::Object(map).to_string() + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bare `host:port` is the https remote there, else the http one (a local registry).
    #[test]
    fn a_bare_host_means_the_http_remote_only_where_there_is_no_https_one() {
        let config = |urls: &[&str]| {
            let remotes: String = urls
                .iter()
                .enumerate()
                .map(|(n, url)| format!("- alias: r{n}\n  url: {url}\n"))
                .collect();
            Config::parse(format!("remotes:\n{remotes}").as_bytes()).unwrap()
        };
        let origin =
            |urls: &[&str], raw: &str| remote_origin(&config(urls), raw).ok().unwrap().to_string();
        let local = "127.0.0.1:5000";
        assert_eq!(
            origin(&["http://127.0.0.1:5000"], local),
            "http://127.0.0.1:5000"
        );
        let both = ["http://127.0.0.1:5000", "https://127.0.0.1:5000"];
        assert_eq!(origin(&both, local), "https://127.0.0.1:5000");
        assert_eq!(origin(&[], local), "https://127.0.0.1:5000");
        let named = "http://127.0.0.1:5000";
        assert_eq!(origin(&["https://127.0.0.1:5000"], named), named);
    }

    #[test]
    fn bare_hosts_are_https() {
        let o = |s: &str| server_origin(s).ok().unwrap().to_string();
        assert_eq!(o("www.mystic.ai"), "https://www.mystic.ai");
        assert_eq!(o("www.mystic.ai:8443\n"), "https://www.mystic.ai:8443");
        assert_eq!(o("https://index.docker.io/v1/"), "https://index.docker.io");
        assert_eq!(o("http://127.0.0.1:5000"), "http://127.0.0.1:5000");
        assert_eq!(server_origin("  ").err().unwrap().0, MISSING_URL);
    }
}
