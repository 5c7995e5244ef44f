//! The one choke point for every text value that crosses a boundary.
//!
//! `Alias`, `Origin` and `Token` can only be built through `check_text` plus their own rules, and
//! they are built on decode (requests, config.yaml, the keyring) and before encode (responses), so
//! an invalid value can neither enter nor leave. Error messages never echo the value: a user who
//! pastes a token into the wrong field must not see it printed back.

use serde::{Serialize, Serializer};

use crate::error::{Error, Result};
use crate::secret::Secret;

pub const MAX_ALIAS_LEN: usize = 64;
pub const MAX_TOKEN_LEN: usize = 4096;
pub const DEFAULT_URL: &str = "https://www.mystic.ai";

/// Rejects NUL, CR and LF, which git has refused since CVE-2020-5260 and CVE-2024-52006: a
/// line-based peer (git's protocol, a shell, a log) would read them as a new field or line.
pub fn check_text(field: &str, value: &str) -> Result<()> {
    if value.bytes().any(|b| matches!(b, b'\0' | b'\r' | b'\n')) {
        return Err(Error::invalid(format!("{field} contains NUL, CR or LF")));
    }
    Ok(())
}

/// A remote's name: 1-64 characters from `[A-Za-z0-9._-]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Alias(String);

impl Alias {
    pub fn new(value: impl Into<String>) -> Result<Self> {
        let value = value.into();
        check_text("alias", &value)?;
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if value.is_empty() || value.len() > MAX_ALIAS_LEN || !value.chars().all(allowed) {
            return Err(Error::invalid(format!(
                "alias must be 1-{MAX_ALIAS_LEN} characters from [A-Za-z0-9._-]"
            )));
        }
        Ok(Alias(value))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Alias {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A remote's URL reduced to its origin (`scheme://host[:port]`), as the SDK uses no path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Origin(String);

impl Origin {
    pub fn parse(value: &str) -> Result<Self> {
        check_text("url", value)?;
        let bad = |why: &str| Error::invalid(format!("url {why}"));
        // The url crate silently strips tabs and newlines; refuse them instead.
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("contains whitespace or control characters"));
        }
        let url = url::Url::parse(value)
            .map_err(|_| bad("must be an absolute http:// or https:// URL"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("must use http or https"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad("must have a host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("must not contain a user name or password"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("must not contain a query or fragment"));
        }
        Ok(Origin(url.origin().ascii_serialization()))
    }
    pub fn default_url() -> Self {
        Origin(DEFAULT_URL.to_owned())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// `host[:port]` as git and docker name it.
    pub fn host_port(&self) -> &str {
        self.0.split_once("://").map_or(&self.0, |(_, rest)| rest)
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An API token: non-empty, at most 4 KiB, no whitespace or control characters.
/// Its `Debug` prints `REDACTED`; only `Serialize` and `expose` reveal it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token(Secret);

impl Token {
    pub fn new(value: String) -> Result<Self> {
        let value = Secret::new(value);
        let text = value.expose();
        check_text("token", text)?;
        if text.is_empty() || text.len() > MAX_TOKEN_LEN {
            return Err(Error::invalid(format!(
                "token must be 1-{MAX_TOKEN_LEN} bytes long"
            )));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Error::invalid(
                "token must not contain whitespace or control characters",
            ));
        }
        Ok(Token(value))
    }
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl Serialize for Token {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.expose())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_canonical() {
        for (input, want) in [
            ("https://www.mystic.ai", "https://www.mystic.ai"),
            ("https://www.mystic.ai/", "https://www.mystic.ai"),
            ("HTTPS://WWW.Mystic.AI:443/v4/x", "https://www.mystic.ai"),
            ("http://localhost:80", "http://localhost"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            ("https://[::1]:8443", "https://[::1]:8443"),
        ] {
            assert_eq!(Origin::parse(input).unwrap().as_str(), want, "{input}");
        }
    }

    #[test]
    fn bad_urls_are_refused_without_echo() {
        for input in [
            "www.mystic.ai",
            "ftp://www.mystic.ai",
            "https://user:pipeline_sk_x@www.mystic.ai",
            "https://pipeline_sk_x@www.mystic.ai",
            "https://www.mystic.ai/?t=pipeline_sk_x",
            "https://www.mystic.ai/?",
            "https://www.mystic.ai/#pipeline_sk_x",
            "https://www.mys\ntic.ai",
            "https://www.mystic.ai\r",
            "https://www.mystic.ai\0",
            "https://www.mys\ttic.ai",
            "https://www.mystic.ai/ x",
            "https://www.mystic.ai/\u{1}",
            "https://",
            "file:///etc/passwd",
            "",
        ] {
            let err = Origin::parse(input).unwrap_err();
            assert_eq!(err.kind, crate::error::ErrorKind::InvalidRequest);
            assert!(
                !err.message.contains("pipeline_sk_x"),
                "{input}: {}",
                err.message
            );
        }
    }

    #[test]
    fn host_port_is_what_git_and_docker_name() {
        for (input, want) in [
            ("https://h.example:8443/x", "h.example:8443"),
            ("https://www.mystic.ai", "www.mystic.ai"),
            ("http://[::1]:8080", "[::1]:8080"),
        ] {
            assert_eq!(Origin::parse(input).unwrap().host_port(), want, "{input}");
        }
    }

    /// NUL, CR and LF get the one message that names them, in every field.
    #[test]
    fn line_breaks_are_named_in_every_field() {
        let errors = [
            Alias::new("a\nb").unwrap_err(),
            Origin::parse("https://h\r").unwrap_err(),
            Token::new("t\0".into()).unwrap_err(),
        ];
        for (e, field) in errors.iter().zip(["alias", "url", "token"]) {
            assert_eq!(e.message, format!("{field} contains NUL, CR or LF"));
        }
    }

    #[test]
    fn aliases() {
        assert!(Alias::new("mystic-api").is_ok());
        assert!(Alias::new("a.b_c-D9").is_ok());
        assert!(Alias::new("x".repeat(64)).is_ok());
        for bad in ["", "has space", "semi;colon", "ünï", "a\nb", "a\0"] {
            assert!(Alias::new(bad).is_err(), "{bad:?}");
        }
        assert!(Alias::new("x".repeat(65)).is_err());
    }

    #[test]
    fn tokens() {
        assert!(Token::new("pipeline_sk_abc".into()).is_ok());
        assert!(Token::new("x".repeat(MAX_TOKEN_LEN)).is_ok());
        assert!(Token::new("x".repeat(MAX_TOKEN_LEN + 1)).is_err());
        for bad in [
            "", "a b", "a\tb", "a\nb", "a\rb", "a\0b", "a\u{7f}b", "a\u{a0}b",
        ] {
            let err = Token::new(bad.into()).unwrap_err();
            assert!(!err.message.contains(bad) || bad.is_empty());
        }
        let t = Token::new("pipeline_sk_canary".into()).unwrap();
        assert_eq!(format!("{t:?}"), "Token(REDACTED)");
    }
}
