//! The one choke point for every text value that crosses a boundary.
//!
//! `Alias`, `Origin` and `Token` can only be built through `check_text` plus their own rules, and
//! they are built on decode (requests, config.yaml, the keyring) and before encode (responses), so
//! an invalid value can neither enter nor leave. Error messages never echo the value: a user who
//! pastes a token into the wrong field must not see it printed back.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::secret::Secret;

/// In characters. The SDK sets no limit; this one keeps every keyring's item name short.
pub(crate) const MAX_ALIAS_LEN: usize = 128;
pub(crate) const MAX_TOKEN_LEN: usize = 4096;
pub(crate) const DEFAULT_URL: &str = "https://www.mystic.ai";

/// Rejects NUL, CR and LF, which git has refused since CVE-2020-5260 and CVE-2024-52006: a
/// line-based peer (git's protocol, a shell, a log) would read them as a new field or line.
pub(crate) fn check_text(field: &str, value: &str) -> Result<()> {
    if value.bytes().any(|b| matches!(b, b'\0' | b'\r' | b'\n')) {
        return Err(Error::invalid(format!("{field} contains NUL, CR or LF")));
    }
    Ok(())
}

/// A remote's name: any text the SDK's `pipeline cluster login ALIAS` accepts that is safe to
/// show on a terminal and to put in a keyring item's name: 1-128 characters, none of them a
/// control character or an invisible direction or line-breaking mark.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Alias(String);

impl Alias {
    pub fn new(value: impl Into<String>) -> Result<Self> {
        let value = value.into();
        check_text("alias", &value)?;
        let chars = value.chars().count();
        if chars == 0 || chars > MAX_ALIAS_LEN || value.chars().any(unprintable) {
            return Err(Error::invalid(format!(
                "alias must be 1-{MAX_ALIAS_LEN} characters of printable text (no control characters)"
            )));
        }
        Ok(Alias(value))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Control characters, and the marks that make a terminal show text other than it is: bidi
/// controls (the "Trojan Source" characters) and the Unicode line and paragraph separators.
fn unprintable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
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
        // The url crate silently strips tabs and newlines, and reads `\\` as `/`; refuse them.
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("contains whitespace or control characters"));
        }
        if value.contains('\\') {
            return Err(bad("contains a backslash, which URL readers disagree on"));
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
        if lookalike_host(value) {
            return Err(bad(
                "writes its host with characters that only look like ASCII (fullwidth letters, ideographic full stops); write the host in plain ASCII, or an internationalised name as itself or as xn--",
            ));
        }
        if !plain_reading_agrees(value, &url) {
            return Err(bad(
                "writes its host in a form that URL readers disagree on; write it as scheme://host[:port]",
            ));
        }
        Ok(Origin(url.origin().ascii_serialization()))
    }
    pub(crate) fn default_url() -> Self {
        Origin(DEFAULT_URL.to_owned())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Plain http to a host other than this machine (loopback: `localhost`, 127.0.0.0/8, ::1).
    pub(crate) fn is_plain_http_elsewhere(&self) -> bool {
        let Some(rest) = self.0.strip_prefix("http://") else {
            return false;
        };
        let host = match rest.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => rest.rsplit_once(':').map_or(rest, |(host, _)| host),
        };
        let loopback = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        !loopback
    }

    /// `host[:port]` as git and docker name it.
    pub(crate) fn host_port(&self) -> &str {
        self.0.split_once("://").map_or(&self.0, |(_, rest)| rest)
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether the host of `raw` (an absolute URL) becomes ASCII only through IDNA's mapping: a
/// dot other than `.` (`。`, `．`, `｡`), or a non-ASCII label whose IDNA form is not punycode
/// (`ＷＷＷ` is read as `www`). Such a host looks like another one, and gets its token.
fn lookalike_host(raw: &str) -> bool {
    let Some((_, rest)) = raw.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if host.is_ascii() {
        return false;
    }
    host.contains(['\u{3002}', '\u{ff0e}', '\u{ff61}'])
        || host.split('.').any(|label| {
            !label.is_ascii()
                && url::Host::parse(label)
                    .map_or(true, |mapped| !mapped.to_string().starts_with("xn--"))
        })
}

/// Whether a plain RFC 3986 reading of `raw` (what Python's `urlsplit` and most other readers
/// do: the authority runs from `//` to the first `/`, `?` or `#`) names the same host and port as
/// the WHATWG reading `url` (which also accepts `https:host`, extra slashes, `0x7f.1` and
/// percent-encoded hosts). A token is only ever handed out for a host both agree on.
fn plain_reading_agrees(raw: &str, url: &url::Url) -> bool {
    let Some((_, rest)) = raw.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains(['@', '%']) {
        return false;
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((inside, after)) => (Err(inside), after),
            None => return false,
        },
        None => authority.rfind(':').map_or((Ok(authority), ""), |at| {
            (Ok(&authority[..at]), &authority[at..])
        }),
    };
    let port = match port.strip_prefix(':') {
        Some("") => None,
        Some(digits) if digits.bytes().all(|b| b.is_ascii_digit()) => match digits.parse() {
            Ok(p) => Some(p),
            Err(_) => return false,
        },
        Some(_) => return false,
        None if port.is_empty() => None,
        None => return false,
    };
    let port = port.or(match url.scheme() {
        "https" => Some(443),
        _ => Some(80),
    });
    let same_host = match host {
        Err(inside) => inside
            .parse::<std::net::Ipv6Addr>()
            .is_ok_and(|ip| url.host() == Some(url::Host::Ipv6(ip))),
        Ok(name) if name.is_ascii() => url.host_str() == Some(name.to_ascii_lowercase().as_str()),
        // An internationalised name: its IDNA form (which Python's requests sends too).
        Ok(name) => url::Host::parse(name).is_ok_and(|h| url.host_str() == Some(&h.to_string())),
    };
    same_host && port == url.port_or_known_default()
}

/// An API token: non-empty, at most 4 KiB, no whitespace or control characters.
/// Its `Debug` prints `REDACTED`, and it has no `Display` or `Serialize`: only `expose` reveals
/// it (the wire formats call it for their token field).
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

    /// Whether `exec` can conceal it in output without mangling the rest: one or two letters
    /// would replace every such letter.
    pub(crate) fn concealable(&self) -> bool {
        self.expose().len() >= MIN_STORED_TOKEN_LEN
    }

    /// `store`, `login` and `migrate` keep only tokens that can be concealed.
    pub(crate) fn check_storable(&self) -> Result<()> {
        match self.concealable() {
            true => Ok(()),
            false => Err(Error::invalid(format!(
                "token is shorter than {MIN_STORED_TOKEN_LEN} bytes, which is not a Mystic token (and exec could not conceal it in output without mangling it); nothing was stored"
            ))),
        }
    }
}

/// The fewest bytes `store`, `login` and `migrate` keep as a token.
pub(crate) const MIN_STORED_TOKEN_LEN: usize = 8;

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
    fn plain_http_elsewhere() {
        for (url, elsewhere) in [
            ("http://api.example", true),
            ("http://10.0.0.5:8080", true),
            ("https://api.example", false),
            ("http://localhost:8080", false),
            ("http://127.0.0.1", false),
            ("http://127.1.2.3:9", false),
            ("http://[::1]:8080", false),
        ] {
            assert_eq!(
                Origin::parse(url).unwrap().is_plain_http_elsewhere(),
                elsewhere,
                "{url}"
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
        // Whatever `pipeline cluster login ALIAS` takes and a terminal shows as it is.
        for good in [
            "mystic-api",
            "a.b_c-D9",
            "my cluster",
            " padded ",
            "semi;colon",
            "ünï",
            "日本",
            "a@b:c/d",
            "👩‍💻",
        ] {
            assert_eq!(Alias::new(good).unwrap().as_str(), good);
        }
        assert!(
            Alias::new("é".repeat(MAX_ALIAS_LEN)).is_ok(),
            "characters, not bytes"
        );
        for bad in [
            "",
            "a\nb",
            "a\0",
            "tab\there",
            "bell\u{7}",
            "del\u{7f}",
            "c1\u{85}",
            "rtl\u{202e}x",
            "iso\u{2066}x",
            "lrm\u{200e}",
            "ls\u{2028}",
            "bom\u{feff}",
        ] {
            let e = Alias::new(bad).unwrap_err();
            assert_eq!(e.kind, crate::error::ErrorKind::InvalidRequest, "{bad:?}");
        }
        assert!(Alias::new("x".repeat(MAX_ALIAS_LEN + 1)).is_err());
    }

    /// A URL two common readers (the WHATWG reading of the url crate, and RFC 3986's plain split,
    /// which Python's urlsplit does) would send to different hosts is refused: a token goes only
    /// to a host both agree on.
    #[test]
    fn urls_readers_disagree_on_are_refused() {
        for ambiguous in [
            "https://www.mystic.ai\\@evil.example",
            "https://www.mystic.ai\\.evil.example",
            "https:www.mystic.ai",
            "https:/www.mystic.ai",
            "https:///www.mystic.ai",
            "https://www.mystic%2eai",
            "http://0x7f.1",
            "http://127.1",
            "http://2130706433",
            "https://[::1",
            "https://[::1]x",
            "https://h.example:99999",
            "https://h.example:8a",
            // Hosts that become www.mystic.ai only through IDNA's mapping.
            "https://www\u{3002}mystic\u{3002}ai",
            "https://www\u{ff0e}mystic\u{ff61}ai",
            "https://\u{ff37}\u{ff37}\u{ff37}.mystic.ai",
            "https://www.ｍystic.ai",
            "https://www.mystic.ai\u{3002}",
        ] {
            let e = Origin::parse(ambiguous).unwrap_err();
            assert_eq!(
                e.kind,
                crate::error::ErrorKind::InvalidRequest,
                "{ambiguous}"
            );
        }
        for (plain, origin) in [
            ("https://WWW.mystic.ai:0443/x", "https://www.mystic.ai"),
            ("https://h.example:/", "https://h.example"),
            ("http://[0:0::1]:80", "http://[::1]"),
            ("https://bücher.example", "https://xn--bcher-kva.example"),
            (
                "https://xn--bcher-kva.example",
                "https://xn--bcher-kva.example",
            ),
            (
                "https://bücher.例え.jp",
                "https://xn--bcher-kva.xn--r8jz45g.jp",
            ),
            ("https://h.example.", "https://h.example."),
        ] {
            assert_eq!(Origin::parse(plain).unwrap().as_str(), origin, "{plain}");
        }
    }

    /// The plain reading is strict on its own, whatever the WHATWG parser accepted: a port
    /// that is not only digits (Rust would read `+1` as 1), or anything after an IPv6 host's
    /// `]` but a port, is a disagreement.
    #[test]
    fn the_plain_reading_stands_on_its_own() {
        for (raw, parsed, agree) in [
            ("https://h.example:1", "https://h.example:1", true),
            ("https://h.example:+1", "https://h.example:1", false),
            ("https://[::1]", "https://[::1]", true),
            ("https://[::1]x", "https://[::1]", false),
        ] {
            let url = url::Url::parse(parsed).unwrap();
            assert_eq!(plain_reading_agrees(raw, &url), agree, "{raw}");
        }
    }

    /// A user name alone is named as such (not as a disagreement about the host).
    #[test]
    fn credentials_in_urls_are_named() {
        for url in ["https://user@h.example", "https://:pw@h.example"] {
            let e = Origin::parse(url).unwrap_err();
            assert!(
                e.message
                    .contains("must not contain a user name or password"),
                "{url}: {}",
                e.message
            );
        }
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
