//! docker's credential-helper protocol, byte for byte as docker/docker-credential-helpers' client
//! speaks it: `store` reads `{"ServerURL","Username","Secret"}`; `get` and `erase` read the raw
//! server URL; `list` answers `{URL: Username}`; errors are plain text on stdout with exit 1,
//! and a miss is exactly `credentials not found in native keychain`, which clients compare.
//! Username is the alias, Secret the token. Bare host names (`registry.example.com`) mean https.

use std::collections::BTreeSet;
use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::Io;
use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::ops::{self, Ctx};
use crate::protocol::{self, Alias, Origin, Selector, Token};
use crate::resolve;
use crate::secret::Secret;

pub const NOT_FOUND: &str = "credentials not found in native keychain";
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
struct Failure(String);

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e.kind {
            ErrorKind::NotFound => Failure(NOT_FOUND.into()),
            _ => Failure(format!("{}: {}", e.kind, e.message)),
        }
    }
}

pub fn serve<'a>(action: &str, ctx: impl FnOnce() -> Result<Ctx<'a>>, io: &mut Io) -> i32 {
    let Io {
        stdin,
        stdout,
        stderr,
        ..
    } = io;
    let result = (|| -> std::result::Result<String, Failure> {
        if action == "version" {
            return Ok(format!(
                "docker-credential-mystic (mystic-credential-helper) v{}\n",
                env!("CARGO_PKG_VERSION")
            ));
        }
        if !matches!(action, "store" | "get" | "erase" | "list") {
            return Err(Failure(format!(
                "Usage: docker-credential-mystic <store|get|erase|list|version>; unknown action {action:?}"
            )));
        }
        let input = protocol::read_input(*stdin)?;
        let ctx = ctx()?;
        let answer = match action {
            "store" => store(&ctx, &input).map(|()| String::new()),
            "get" => get(&ctx, &input),
            "erase" => erase(&ctx, &input).map(|()| String::new()),
            _ => list(&ctx),
        };
        ctx.flush_warnings(*stderr);
        answer
    })();
    let (text, code) = match result {
        Ok(text) => (text, 0),
        Err(Failure(message)) => (format!("{message}\n"), 1),
    };
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    code
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
    let url = server_origin(&server_url)?;
    if username.is_empty() {
        return Err(Failure(MISSING_USERNAME.into()));
    }
    let username = Alias::new(username)?;
    let token = Token::new(secret.expose().to_owned())?;
    ops::store_credential(ctx, &username, url, &token)?;
    Ok(())
}

fn get(ctx: &Ctx, input: &[u8]) -> std::result::Result<String, Failure> {
    let raw = text(input)?.trim();
    let url = server_origin(raw)?;
    let found = ops::lookup(ctx, &Selector::new(None, Some(url)))?;
    let answer = Answer {
        server_url: raw,
        username: found.alias.as_ref().map_or("", Alias::as_str),
        secret: found.token.expose(),
    };
    Ok(serde_json::to_string(&answer).expect("answer serialises") + "\n")
}

fn erase(ctx: &Ctx, input: &[u8]) -> std::result::Result<(), Failure> {
    let url = server_origin(text(input)?)?;
    ops::erase(ctx, &Selector::new(None, Some(url)))?;
    Ok(())
}

/// `{origin: alias}` for every origin whose remote (the one `get` picks) has a token.
fn list(ctx: &Ctx) -> std::result::Result<String, Failure> {
    let config = Config::load(ctx.dir()?)?;
    let origins: BTreeSet<&Origin> = config.remotes.iter().map(|r| &r.url).collect();
    let mut map = serde_json::Map::new();
    for url in origins {
        // Several aliases at one origin and none active: `get` refuses it, so it is not listed.
        let Ok(remote) = resolve::remote(&config, None, Some(url)) else {
            continue;
        };
        match ops::token_of(ctx, remote) {
            Ok(_) => {
                map.insert(url.to_string(), remote.alias.to_string().into());
            }
            Err(e) if e.kind == ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(serde_json::Value::Object(map).to_string() + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

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
