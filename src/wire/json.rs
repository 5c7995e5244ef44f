//! The native protocol (protocol/PROTOCOL.md): one JSON object on stdin, one JSON line on stdout.
//!
//! Decoding happens in one place (`Fields`): the object is read with duplicate keys refused,
//! `v` is checked before anything else, then unknown fields, then each field is taken with its
//! type and validated into a domain value. Messages never repeat a value.
//! Every answer is written inside one envelope that carries `v`.

use serde::Serialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::{Answered, Protocol};
use crate::config::Refused;
use crate::error::{Error, ErrorKind, Exit, Result};
use crate::ops::{self, Activate, Ctx, Found, ItemReply, ListedRemote, Listing, Stored};
use crate::remote::validate::check_text;
use crate::remote::{Alias, Origin, Selector, Source, Token, VERSION};
use crate::store::{ItemCall, Key};
use crate::streams::{Io, print};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Get,
    Store,
    Erase,
    List,
    /// One keyring item by service and user (what the `windows` store runs from WSL).
    Item,
}

#[derive(Debug, PartialEq)]
pub enum Request {
    Get(Selector),
    Store {
        alias: Alias,
        url: Option<Origin>,
        token: Token,
        active: Option<bool>,
    },
    Erase(Selector),
    List,
    Item(ItemCall),
}

/// A successful answer, inside the envelope.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(crate) enum Response {
    Get {
        /// `null` when the token came from `PIPELINE_API_TOKEN`, which names no remote.
        alias: Option<Alias>,
        url: Origin,
        /// The one place a token is serialised: this wire field.
        #[serde(serialize_with = "expose")]
        token: Token,
        source: Source,
    },
    Store {
        alias: Alias,
        url: Origin,
        active: bool,
    },
    Erase {
        alias: Alias,
        url: Origin,
    },
    List {
        active_remote: Option<String>,
        remotes: Vec<ListedRemote>,
        /// Present only when config.yaml holds remotes the helper cannot use.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        refused: Vec<Refused>,
    },
    Item {
        found: bool,
        #[serde(
            serialize_with = "expose_some",
            skip_serializing_if = "Option::is_none"
        )]
        token: Option<Token>,
    },
    Items {
        items: Vec<Key>,
    },
}

impl From<Found> for Answered<Response> {
    fn from(found: Found) -> Self {
        Answered {
            value: Response::Get {
                alias: found.alias,
                url: found.url,
                token: found.token,
                source: found.source,
            },
            warning: found.warning,
        }
    }
}

impl From<Stored> for Response {
    fn from(stored: Stored) -> Self {
        Response::Store {
            alias: stored.alias,
            url: stored.url,
            active: stored.active,
        }
    }
}

impl From<Listing> for Response {
    fn from(listing: Listing) -> Self {
        Response::List {
            active_remote: listing.active_remote,
            remotes: listing.remotes,
            refused: listing.refused,
        }
    }
}

impl From<ItemReply> for Response {
    fn from(reply: ItemReply) -> Self {
        match reply {
            ItemReply::Item { found, token } => Response::Item { found, token },
            ItemReply::Items(items) => Response::Items { items },
        }
    }
}

fn expose<S: serde::Serializer>(token: &Token, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(token.expose())
}

fn expose_some<S: serde::Serializer>(
    token: &Option<Token>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match token {
        Some(token) => expose(token, s),
        None => s.serialize_none(),
    }
}

#[derive(Serialize)]
struct Envelope<T> {
    v: u64,
    #[serde(flatten)]
    body: T,
}

#[derive(Serialize)]
struct Failure<'a> {
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    kind: ErrorKind,
    message: &'a str,
}

/// The native protocol for one action.
pub(crate) struct Json(pub(crate) Action);

impl Protocol for Json {
    type Request = Request;
    type Answer = Response;
    type Failure = Error;

    fn terminal_hint(&self) -> Option<String> {
        let example = match self.0 {
            Action::Get | Action::Erase => r#"{"alias":"prod"}"#,
            Action::Store => r#"{"alias":"prod","token":"..."}"#,
            Action::List => "{}",
            Action::Item => r#"{"action":"get","service":"...","user":"..."}"#,
        };
        Some(format!(
            "reading one JSON request from the terminal, such as {example}; end it with Ctrl-D (`login` prompts for a token instead)"
        ))
    }

    fn decode(&self, input: &[u8]) -> Result<Request> {
        decode(self.0, input)
    }

    fn answer(&self, ctx: &Ctx, request: Request) -> Result<Answered<Response>> {
        answer(ctx, request)
    }

    /// One JSON line on stdout, and for an error also its human line on stderr.
    fn encode(&self, outcome: Result<Response>, io: &mut Io) -> Exit {
        let written = print(io.stdout, &encode(&outcome));
        let exit = match &outcome {
            Ok(_) => Exit::Success,
            Err(e) => e.report(io.stderr),
        };
        match written {
            Ok(()) => exit,
            Err(e) => e.report(io.stderr),
        }
    }
}

fn answer(ctx: &Ctx, request: Request) -> Result<Answered<Response>> {
    Ok(match request {
        Request::Get(sel) => ops::lookup(ctx, &sel)?.into(),
        Request::Store {
            alias,
            url,
            token,
            active,
        } => {
            let url = url.unwrap_or_else(Origin::default_url);
            let activate = match active {
                Some(true) => Activate::Yes,
                _ => Activate::No,
            };
            Answered::plain(ops::store(ctx, alias, url, &token, activate)?.into())
        }
        Request::Erase(sel) => {
            let (alias, url) = ops::erase(ctx, &sel)?;
            Answered::plain(Response::Erase { alias, url })
        }
        Request::List => Answered::plain(ops::list(ctx)?.into()),
        Request::Item(call) => Answered::plain(ops::item(ctx, call)?.into()),
    })
}

/// Encodes a response or an error as one line of JSON.
pub(crate) fn encode(result: &Result<Response>) -> String {
    let json = match result {
        Ok(body) => serde_json::to_string(&Envelope { v: VERSION, body }),
        Err(e) => serde_json::to_string(&Envelope {
            v: VERSION,
            body: Failure {
                error: ErrorBody {
                    kind: e.kind,
                    message: &e.message,
                },
            },
        }),
    };
    // Serialising these plain structs into a String cannot fail.
    json.expect("response serialises") + "\n"
}

/// The fields each action takes, after `v`.
fn fields(action: Action) -> &'static [&'static str] {
    match action {
        Action::Get | Action::Erase => &["alias", "url"],
        Action::Store => &["alias", "url", "token", "active"],
        Action::List => &[],
        Action::Item => &["action", "service", "user", "token"],
    }
}

/// Decodes one request. Empty or whitespace-only input means `{}`. An unknown field is named
/// before anything else is checked (a misspelt `tokn` is reported as such, not as a missing
/// `token`).
pub fn decode(action: Action, input: &[u8]) -> Result<Request> {
    let mut f = Fields::parse(input)?;
    f.refuse_unknown(fields(action))?;
    let request = match action {
        Action::Get => Request::Get(f.selector()?),
        Action::Store => Request::Store {
            alias: f
                .text("alias", Alias::new)?
                .ok_or_else(|| missing("alias"))?,
            url: f.text("url", |s| Origin::parse(&s))?,
            token: f
                .text("token", Token::new)?
                .ok_or_else(|| missing("token"))?,
            active: f.flag("active")?,
        },
        Action::Erase => {
            let sel = f.selector()?;
            if sel.alias.is_none() && sel.url.is_none() {
                return Err(Error::invalid("erase needs an alias or a url"));
            }
            Request::Erase(sel)
        }
        Action::List => Request::List,
        Action::Item => f.item()?,
    };
    Ok(request)
}

/// A service or user name of a keyring item: text on one line, 1 to 1024 bytes.
fn item_name(field: &'static str) -> impl FnOnce(String) -> Result<String> {
    move |s| {
        check_text(field, &s)?;
        match (1..=1024).contains(&s.len()) {
            true => Ok(s),
            false => Err(Error::invalid(format!("{field} must be 1-1024 bytes long"))),
        }
    }
}

fn missing(field: &str) -> Error {
    Error::invalid(format!("missing field `{field}`"))
}

/// The request's fields (after `v`), taken one by one.
struct Fields {
    rest: Vec<(String, Value)>,
}

impl Fields {
    fn parse(input: &[u8]) -> Result<Fields> {
        let Some(first) = input.iter().find(|b| !b.is_ascii_whitespace()) else {
            return Ok(Fields { rest: Vec::new() });
        };
        // Checked before parsing: serde's type errors would quote a bare string or number.
        if *first != b'{' {
            return Err(Error::invalid("request must be a JSON object"));
        }
        let Object(mut rest) = serde_json::from_slice(input)
            .map_err(|e| Error::invalid(format!("malformed request: {e}")))?;
        // `v` first, so that a future version's new fields get `unsupported-version`.
        if let Some(at) = rest.iter().position(|(k, _)| k == "v") {
            if rest[at].1.as_u64() != Some(VERSION) {
                return Err(Error::new(
                    ErrorKind::UnsupportedVersion,
                    format!("unsupported protocol version; this helper speaks \"v\": {VERSION}"),
                ));
            }
            rest.remove(at);
        }
        Ok(Fields { rest })
    }

    fn take(&mut self, name: &'static str) -> Option<Value> {
        let at = self.rest.iter().position(|(k, _)| k == name)?;
        Some(self.rest.remove(at).1)
    }

    /// A string field, validated by `make`. `null` is not a string.
    fn text<T>(
        &mut self,
        name: &'static str,
        make: impl FnOnce(String) -> Result<T>,
    ) -> Result<Option<T>> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::String(s)) => make(s).map(Some),
            Some(_) => Err(Error::invalid(format!("`{name}` must be a string"))),
        }
    }

    fn flag(&mut self, name: &'static str) -> Result<Option<bool>> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(_) => Err(Error::invalid(format!("`{name}` must be true or false"))),
        }
    }

    fn selector(&mut self) -> Result<Selector> {
        Ok(Selector {
            alias: self.text("alias", Alias::new)?,
            url: self.text("url", |s| Origin::parse(&s))?,
        })
    }

    /// `item`: the action, the item's name, and a token exactly when the action is `set`; for
    /// `list`, the start of the services (in `service`) and nothing else.
    fn item(&mut self) -> Result<Request> {
        let name = self.text("action", Ok)?.ok_or_else(|| missing("action"))?;
        if name == "list" {
            let prefix = self.text("service", item_name("service"))?;
            if self.take("user").is_some() || self.take("token").is_some() {
                return Err(Error::invalid(
                    "`list` takes only `service`, the start of the services to list",
                ));
            }
            let prefix = prefix.ok_or_else(|| missing("service"))?;
            return Ok(Request::Item(ItemCall::List(prefix)));
        }
        let key = Key {
            service: self
                .text("service", item_name("service"))?
                .ok_or_else(|| missing("service"))?,
            user: self
                .text("user", item_name("user"))?
                .ok_or_else(|| missing("user"))?,
        };
        let token = self.text("token", Token::new)?;
        let call = match (name.as_str(), token) {
            ("get", None) => ItemCall::Get(key),
            ("set", Some(token)) => ItemCall::Set(key, token),
            ("set", None) => return Err(missing("token")),
            ("delete", None) => ItemCall::Delete(key),
            ("get" | "delete", Some(_)) => {
                return Err(Error::invalid("`token` goes only with the action set"));
            }
            _ => return Err(Error::invalid("`action` must be get, set, delete or list")),
        };
        Ok(Request::Item(call))
    }

    fn refuse_unknown(&self, known: &[&str]) -> Result<()> {
        match self.rest.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            None => Ok(()),
            Some((name, _)) => Err(Error::invalid(format!(
                "unknown field {}; expected {}",
                field_name(name),
                std::iter::once("v")
                    .chain(known.iter().copied())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
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

/// A JSON object whose keys are kept in order, with a repeated key refused (serde_json's own
/// map would silently keep the last).
struct Object(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Object;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Object, A::Error> {
                let mut fields: Vec<(String, Value)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    if fields.iter().any(|(k, _)| *k == key) {
                        return Err(serde::de::Error::custom(format!(
                            "duplicate field {}",
                            field_name(&key)
                        )));
                    }
                    fields.push((key, value));
                }
                Ok(Object(fields))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_at_a_terminal_is_told_what_each_action_reads() {
        for (action, example) in [
            (Action::Get, r#"{"alias":"prod"}"#),
            (Action::Erase, r#"{"alias":"prod"}"#),
            (Action::Store, r#"{"alias":"prod","token":"..."}"#),
            (Action::List, "{}"),
            (Action::Item, r#"{"action":"get""#),
        ] {
            let hint = Json(action).terminal_hint().unwrap();
            assert!(hint.contains(example) && hint.contains("Ctrl-D"), "{hint}");
        }
    }

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
        for input in [
            r#"{"v":2}"#,
            r#"{"v":"1"}"#,
            r#"{"v":2,"newfield":1}"#,
            r#"{"v":null}"#,
        ] {
            assert_eq!(
                kind(Action::Get, input),
                ErrorKind::UnsupportedVersion,
                "{input}"
            );
        }
    }

    /// A misspelt field is what is wrong, not the field it was meant to be.
    #[test]
    fn unknown_fields_are_named_before_missing_ones() {
        let e = decode(Action::Store, br#"{"alias":"x","tokn":"pipeline_sk_t"}"#).unwrap_err();
        assert_eq!(
            e.message,
            "unknown field `tokn`; expected v, alias, url, token, active"
        );
        let e = decode(Action::Store, br#"{"alais":"x","token":1}"#).unwrap_err();
        assert!(
            e.message.starts_with("unknown field `alais`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unknown_and_duplicate_fields_are_named() {
        let e = decode(Action::Get, br#"{"aliass":"x"}"#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidRequest);
        assert!(
            e.message.contains("`aliass`; expected v, alias, url"),
            "{}",
            e.message
        );
        let e = decode(Action::Get, br#"{"alias":"a","alias":"b"}"#).unwrap_err();
        assert!(
            e.message.contains("duplicate field `alias`"),
            "{}",
            e.message
        );
    }

    /// Short names of letters, digits, `_` and `-` are typos worth quoting; anything else might
    /// be a secret.
    #[test]
    fn which_unknown_names_are_shown() {
        for (name, shown) in [
            ("my_field-2", true),
            ("x".repeat(20).as_str(), true),
            ("x".repeat(21).as_str(), false),
            ("a.b", false),
            ("a b", false),
            ("ä", false),
        ] {
            let e = decode(Action::Get, format!(r#"{{"{name}":1}}"#).as_bytes()).unwrap_err();
            assert_eq!(
                e.message.contains(&format!("`{name}`")),
                shown,
                "{}",
                e.message
            );
            assert_eq!(
                e.message.contains("(name not shown)"),
                !shown,
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn null_is_not_absent() {
        for (action, input) in [
            (Action::Get, r#"{"alias":null}"#),
            (Action::Get, r#"{"url":null}"#),
            (Action::Erase, r#"{"alias":null,"url":"https://x.example"}"#),
            (Action::Store, r#"{"alias":"a","token":null}"#),
            (Action::Store, r#"{"alias":"a","token":"t","active":null}"#),
            (Action::Store, r#"{"alias":"a","token":"t","url":null}"#),
        ] {
            assert_eq!(kind(action, input), ErrorKind::InvalidRequest, "{input}");
        }
    }

    #[test]
    fn wrong_types_never_echo_values() {
        for input in [
            r#"{"alias":"a","token":"x","pipeline_sk_canary_0123456789":1}"#,
            r#"{"alias":"a","token":"pipeline_sk_canary","active":"pipeline_sk_canary"}"#,
            r#"{"alias":"pipeline_sk_canary\u0007","token":"x"}"#,
            r#"{"alias":"pipeline_sk_canary_pipeline_sk_canary_pipeline_sk_canary_pipeline_sk_canary_pipeline_sk_canary_pipeline_sk_canary_pipeline_sk_canary","token":"x"}"#,
            r#"{"alias":"a","token":"pipeline_sk_canary x"}"#,
            r#"{"alias":"a","url":"https://pipeline_sk_canary@h","token":"x"}"#,
            r#"{"alias":"a","token":31415926535897}"#,
            r#"{"alias":"a","token":["pipeline_sk_canary"]}"#,
            r#"{"alias":"a","token":{"pipeline_sk_canary":1}}"#,
            r#"{"alias":"a","token":"x","pipeline_sk_canary_0123456789":1,"pipeline_sk_canary_0123456789":2}"#,
            r#""pipeline_sk_canary""#,
            "31415926535897",
        ] {
            let e = decode(Action::Store, input.as_bytes()).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidRequest, "{input}");
            assert!(
                !e.message.contains("canary") && !e.message.contains("31415926535897"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn debug_output_redacts_tokens() {
        let req = decode(
            Action::Store,
            br#"{"alias":"a","token":"pipeline_sk_canary","url":"https://x.example"}"#,
        )
        .unwrap();
        let Request::Store { token, .. } = &req else {
            panic!("{req:?}")
        };
        let resp = Response::Get {
            alias: None,
            url: Origin::default_url(),
            token: token.clone(),
            source: Source::Env,
        };
        for debug in [format!("{req:?}"), format!("{resp:#?}")] {
            assert!(
                !debug.contains("canary") && debug.contains("REDACTED"),
                "{debug}"
            );
        }
        // Serialisation is the one place the token is written, on purpose.
        let line = encode(&Ok(resp));
        assert!(
            line.starts_with(r#"{"v":1,"alias":null,"#) && line.contains("pipeline_sk_canary"),
            "{line}"
        );
    }

    #[test]
    fn shapes() {
        let e = decode(Action::Get, b"[]").unwrap_err();
        assert_eq!(e.message, "request must be a JSON object");
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
        let deep = format!("{{\"x\":{}}}", "[".repeat(10_000));
        assert_eq!(kind(Action::Get, &deep), ErrorKind::InvalidRequest);
    }

    /// What the `windows` store sends (`ItemCall`'s wire shape) is what this decoder reads.
    #[test]
    fn every_item_call_is_decoded_as_it_was_sent() {
        let key = || Key {
            service: "mystic:https://w.example".into(),
            user: "w".into(),
        };
        let token = Token::new("pipeline_sk_round_trip".into()).unwrap();
        for call in [
            ItemCall::Get(key()),
            ItemCall::Set(key(), token),
            ItemCall::Delete(key()),
            ItemCall::List("mystic:".into()),
        ] {
            let sent = serde_json::to_vec(&call).unwrap();
            assert_eq!(decode(Action::Item, &sent).unwrap(), Request::Item(call));
        }
    }

    #[test]
    fn errors_carry_v_once() {
        let line = encode(&Err(Error::not_found("no remote named x")));
        assert_eq!(
            line,
            "{\"v\":1,\"error\":{\"kind\":\"not-found\",\"message\":\"no remote named x\"}}\n"
        );
    }
}
