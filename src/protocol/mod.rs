//! Wire types of the native JSON protocol (v1) and their decoding. See protocol/PROTOCOL.md.

pub mod validate;

use std::io::Read;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
pub use validate::{Alias, Flag, Origin, Token};

pub const VERSION: u64 = 1;
/// Requests larger than this are refused; the reader stops at the cap.
pub const MAX_INPUT: usize = 64 * 1024;

/// Reads at most `MAX_INPUT` bytes; one byte more means the request is too large.
pub fn read_input(input: &mut dyn Read) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    Read::take(input, MAX_INPUT as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io("reading stdin", &e))?;
    if buf.len() > MAX_INPUT {
        return Err(Error::invalid(format!(
            "request is larger than {MAX_INPUT} bytes"
        )));
    }
    Ok(buf)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Get,
    Store,
    Erase,
    List,
}

#[derive(Debug, PartialEq)]
#[non_exhaustive]
pub enum Request {
    Get(Selector),
    Store(StoreRequest),
    Erase(Selector),
    List,
}

/// Which remote a `get` or `erase` means.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    #[serde(default, rename = "v")]
    _version: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    pub alias: Option<Alias>,
    #[serde(default)]
    pub url: Option<Origin>,
}

impl Selector {
    pub fn new(alias: Option<Alias>, url: Option<Origin>) -> Self {
        Selector {
            _version: None,
            alias,
            url,
        }
    }
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StoreRequest {
    #[serde(default, rename = "v")]
    _version: Option<serde::de::IgnoredAny>,
    pub alias: Alias,
    #[serde(default)]
    pub url: Option<Origin>,
    pub token: Token,
    #[serde(default)]
    pub active: Option<Flag>,
}

impl StoreRequest {
    pub fn new(alias: Alias, url: Option<Origin>, token: Token, active: Option<bool>) -> Self {
        StoreRequest {
            _version: None,
            alias,
            url,
            token,
            active: active.map(Flag),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListRequest {
    #[serde(default, rename = "v")]
    _version: Option<serde::de::IgnoredAny>,
}

/// Decodes one request. Empty or whitespace-only input means `{}`.
///
/// Two passes: a loose one that only checks the shape and `v` (so a future version's new fields
/// get `unsupported-version`, not `invalid-request`), then the strict typed pass, which reports
/// unknown and duplicate fields. serde_json's loose `Value` keeps the last duplicate silently,
/// so only the strict pass, which runs on the raw bytes, can see them.
pub fn decode(action: Action, input: &[u8]) -> Result<Request> {
    let input = if input.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        input
    };
    let bad = |e: serde_json::Error| Error::invalid(format!("malformed request: {e}"));
    let loose: serde_json::Value = serde_json::from_slice(input).map_err(bad)?;
    let serde_json::Value::Object(fields) = loose else {
        return Err(Error::invalid("request must be a JSON object"));
    };
    if let Some(v) = fields.get("v")
        && v.as_u64() != Some(VERSION)
    {
        return Err(Error::new(
            ErrorKind::UnsupportedVersion,
            format!("unsupported protocol version; this helper speaks \"v\": {VERSION}"),
        ));
    }
    let known: &[&str] = match action {
        Action::Get | Action::Erase => &["v", "alias", "url"],
        Action::Store => &["v", "alias", "url", "token", "active"],
        Action::List => &["v"],
    };
    if let Some(unknown) = fields.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(Error::invalid(format!(
            "unknown field {}; expected {}",
            field_name(unknown),
            known.join(", ")
        )));
    }
    Ok(match action {
        Action::Get => Request::Get(serde_json::from_slice(input).map_err(bad)?),
        Action::Store => Request::Store(serde_json::from_slice(input).map_err(bad)?),
        Action::Erase => {
            let sel: Selector = serde_json::from_slice(input).map_err(bad)?;
            if sel.alias.is_none() && sel.url.is_none() {
                return Err(Error::invalid("erase needs an alias or a url"));
            }
            Request::Erase(sel)
        }
        Action::List => {
            let _: ListRequest = serde_json::from_slice(input).map_err(bad)?;
            Request::List
        }
    })
}

/// An unknown field's name, quoted when it looks like a typo; a long or odd name might be a
/// token pasted as a key, so it is not repeated.
fn field_name(name: &str) -> String {
    let plain = name.len() <= 20
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        format!("`{name}`")
    } else {
        "(name not shown)".to_owned()
    }
}

/// Where a token returned by `get` came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Source {
    Keyring,
    Env,
    File,
}

/// A successful answer. Every field is a validated type, so encoding needs no further check.
#[derive(Debug, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Response {
    Get {
        v: u64,
        /// `null` when the token came from `PIPELINE_API_TOKEN`, which names no remote.
        alias: Option<Alias>,
        url: Origin,
        token: Token,
        source: Source,
    },
    Store {
        v: u64,
        alias: Alias,
        url: Origin,
        active: bool,
    },
    Erase {
        v: u64,
        alias: Alias,
        url: Origin,
    },
    List {
        v: u64,
        active_remote: Option<String>,
        remotes: Vec<ListedRemote>,
    },
}

#[derive(Debug, Serialize, PartialEq)]
pub struct ListedRemote {
    pub alias: Alias,
    pub url: Origin,
    pub active: bool,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    kind: ErrorKind,
    message: &'a str,
}

#[derive(Serialize)]
struct ErrorResponse<'a> {
    v: u64,
    error: ErrorBody<'a>,
}

/// Encodes a response or an error as one line of JSON.
pub fn encode(result: &Result<Response>) -> String {
    let json = match result {
        Ok(response) => serde_json::to_string(response),
        Err(e) => serde_json::to_string(&ErrorResponse {
            v: VERSION,
            error: ErrorBody {
                kind: e.kind,
                message: &e.message,
            },
        }),
    };
    // Serialising these plain structs into a String cannot fail.
    json.expect("response serialises") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(action: Action, input: &str) -> ErrorKind {
        decode(action, input.as_bytes()).unwrap_err().kind
    }

    #[test]
    fn empty_input_is_an_empty_object() {
        assert_eq!(
            decode(Action::Get, b" \n\t").unwrap(),
            Request::Get(Selector::default())
        );
        assert_eq!(decode(Action::List, b"").unwrap(), Request::List);
    }

    #[test]
    fn version_is_checked_first() {
        assert!(decode(Action::Get, br#"{"v":1}"#).is_ok());
        assert_eq!(
            kind(Action::Get, r#"{"v":2}"#),
            ErrorKind::UnsupportedVersion
        );
        assert_eq!(
            kind(Action::Get, r#"{"v":"1"}"#),
            ErrorKind::UnsupportedVersion
        );
        assert_eq!(
            kind(Action::Get, r#"{"v":2,"newfield":1}"#),
            ErrorKind::UnsupportedVersion
        );
    }

    #[test]
    fn unknown_and_duplicate_fields_are_named() {
        let e = decode(Action::Get, br#"{"aliass":"x"}"#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidRequest);
        assert!(e.message.contains("aliass"), "{}", e.message);
        let e = decode(Action::Get, br#"{"alias":"a","alias":"b"}"#).unwrap_err();
        assert!(
            e.message.contains("duplicate field `alias`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn wrong_types_never_echo_values() {
        for input in [
            r#"{"alias":"a","token":"x","pipeline_sk_canary_0123456789":1}"#,
            r#"{"alias":"a","token":"pipeline_sk_canary","active":"pipeline_sk_canary"}"#,
            r#"{"alias":"pipeline_sk_canary!","token":"x"}"#,
            r#"{"alias":"a","token":"pipeline_sk_canary x"}"#,
            r#"{"alias":"a","url":"https://pipeline_sk_canary@h","token":"x"}"#,
        ] {
            let e = decode(Action::Store, input.as_bytes()).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidRequest);
            assert!(!e.message.contains("canary"), "{}", e.message);
        }
    }

    #[test]
    fn debug_output_redacts_tokens() {
        let req = decode(
            Action::Store,
            br#"{"alias":"a","token":"pipeline_sk_canary","url":"https://x.example"}"#,
        )
        .unwrap();
        let Request::Store(store) = &req else {
            panic!("{req:?}")
        };
        let resp = Response::Get {
            v: 1,
            alias: None,
            url: Origin::default_url(),
            token: store.token.clone(),
            source: Source::Env,
        };
        for debug in [
            format!("{req:?}"),
            format!("{store:?}"),
            format!("{resp:#?}"),
        ] {
            assert!(
                !debug.contains("canary") && debug.contains("REDACTED"),
                "{debug}"
            );
        }
        // Serialisation is the one place the token is written, on purpose.
        assert!(encode(&Ok(resp)).contains("pipeline_sk_canary"));
    }

    #[test]
    fn shapes() {
        assert_eq!(kind(Action::Get, "[]"), ErrorKind::InvalidRequest);
        assert_eq!(kind(Action::Get, r#"["a","b"]"#), ErrorKind::InvalidRequest);
        assert_eq!(kind(Action::Get, "{"), ErrorKind::InvalidRequest);
        assert_eq!(kind(Action::Erase, "{}"), ErrorKind::InvalidRequest);
        assert_eq!(
            kind(Action::Store, r#"{"alias":"a"}"#),
            ErrorKind::InvalidRequest
        );
        assert_eq!(
            kind(Action::List, r#"{"alias":"a"}"#),
            ErrorKind::InvalidRequest
        );
        let nested = "[".repeat(10_000);
        assert_eq!(kind(Action::Get, &nested), ErrorKind::InvalidRequest);
    }

    #[test]
    fn input_cap_stops_reading() {
        let mut big = std::io::Cursor::new(vec![b' '; MAX_INPUT * 4]);
        let e = read_input(&mut big).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidRequest);
        assert_eq!(big.position(), MAX_INPUT as u64 + 1);
        let mut ok = std::io::Cursor::new(vec![b' '; MAX_INPUT]);
        assert_eq!(read_input(&mut ok).unwrap().len(), MAX_INPUT);
    }
}
