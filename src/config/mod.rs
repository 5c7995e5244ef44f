//! The mirror of the SDK's `config.yaml`: `active_remote` plus `remotes: [{alias, url, token?}]`.
//!
//! The file is read as PyYAML reads it (`yaml.rs`) and edited as a YAML value, so keys the
//! helper does not own keep their meaning to the SDK after a rewrite; a file whose rewrite could
//! not keep it is refused, unchanged. `crate::fs` reads it (bounded, trusted) and writes it
//! (locked, atomic).

pub mod yaml;

use std::path::Path;

pub(crate) use crate::fs::FILE_NAME;
use yaml::{Mapping, Value};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::remote::{Alias, Origin, Token};

/// One remote as read from the file, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct Remote {
    /// Its place in `remotes`, counting from 1.
    pub(crate) position: usize,
    pub(crate) alias: Alias,
    pub(crate) url: Origin,
    /// A plaintext token, as `pipeline cluster login` or `--store file` writes it.
    pub(crate) token: Option<Token>,
}

/// A remote the helper cannot use (its alias, url or plaintext token is refused). Only that
/// remote is affected: the others keep working, and every rewrite keeps it as it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Refused {
    /// Its place in `remotes`, counting from 1.
    pub(crate) position: usize,
    /// Its alias, when the file gives it one as text.
    pub(crate) alias: Option<String>,
    /// Why; never a value from the file other than the alias.
    pub(crate) reason: String,
}

/// The parsed file: the whole YAML document, and the validated view of it that the rest of the
/// program uses. Every edit goes through a method that changes `doc` and re-derives the view.
#[derive(Clone, Default)]
pub struct Config {
    doc: Mapping,
    pub active_remote: Option<String>,
    pub remotes: Vec<Remote>,
    pub(crate) refused: Vec<Refused>,
}

/// `doc` may hold plaintext tokens, so `Debug` shows only the (redacting) view.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Config {
            doc: _,
            active_remote,
            remotes,
            refused,
        } = self;
        f.debug_struct("Config")
            .field("active_remote", active_remote)
            .field("remotes", remotes)
            .field("refused", refused)
            .finish_non_exhaustive()
    }
}

impl Config {
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| Error::config("config.yaml is not valid UTF-8"))?;
        let value = yaml::load(text)
            .map_err(|e| Error::config(format!("config.yaml cannot be read as YAML: {e}")))?;
        let doc = match value {
            Value::Null => Mapping::default(),
            Value::Map(m) => m,
            _ => return Err(Error::config("config.yaml is not a YAML mapping")),
        };
        let mut config = Config {
            doc,
            ..Config::default()
        };
        config.derive_view()?;
        Ok(config)
    }

    fn derive_view(&mut self) -> Result<()> {
        self.active_remote = match self.doc.get("active_remote") {
            None | Some(Value::Null) => None,
            Some(Value::Str(s)) => Some(s.clone()),
            Some(_) => return Err(Error::config("config.yaml: active_remote is not a string")),
        };
        let items = match self.doc.get("remotes") {
            None | Some(Value::Null) => &[][..],
            Some(Value::Seq(items)) => items.as_slice(),
            Some(_) => return Err(Error::config("config.yaml: remotes is not a list")),
        };
        (self.remotes, self.refused) = (Vec::new(), Vec::new());
        for (i, item) in items.iter().enumerate() {
            match parse_remote(item, i + 1) {
                Ok(remote) => self.remotes.push(remote),
                Err(e) => self.refused.push(Refused {
                    position: i + 1,
                    alias: raw_alias(item).map(str::to_owned),
                    reason: e.message,
                }),
            }
        }
        Ok(())
    }

    /// Reads the file without a lock (see `crate::fs`). A missing file is an empty config.
    pub fn load(dir: &Path) -> Result<Self> {
        match crate::fs::read_config(dir)? {
            Some(bytes) => Config::parse(&bytes),
            None => Ok(Config::default()),
        }
    }

    /// The file's new text. Refused when the document holds something a rewrite would change
    /// the meaning of for PyYAML (a timestamp, `!!binary`, a custom tag, ...).
    pub fn to_yaml(&self) -> Result<String> {
        let doc = Value::Map(self.doc.clone());
        if let Some((path, what)) = doc.first_opaque() {
            return Err(Error::config(format!(
                "config.yaml has {what} at {}, which this helper cannot write back with the meaning the SDK gives it; nothing was changed (rewrite that value as plain YAML, or edit the file by hand)",
                path.trim_start_matches('.')
            )));
        }
        // serde-saphyr quotes every string that YAML 1.1 (PyYAML, which the SDK uses) would read
        // as a bool, null, number or date, so `on`, `no` or `1e3` stay strings.
        serde_saphyr::to_string(&doc)
            .map_err(|e| Error::config(format!("cannot serialise config.yaml: {e}")))
    }

    /// Whether the two documents are the same, so that writing one over the other changes nothing.
    pub(crate) fn same_doc(&self, other: &Config) -> bool {
        self.doc == other.doc
    }

    pub(crate) fn find(&self, alias: &Alias) -> Option<&Remote> {
        self.remotes.iter().find(|r| &r.alias == alias)
    }

    /// The refused remote with this alias, if no usable one has it.
    pub(crate) fn find_refused(&self, alias: &str) -> Option<&Refused> {
        self.refused
            .iter()
            .find(|r| r.alias.as_deref() == Some(alias))
    }

    /// The remote `active_remote` names, if it names one.
    pub(crate) fn active(&self) -> Option<&Remote> {
        let name = self.active_remote.as_deref()?;
        self.remotes.iter().find(|r| r.alias.as_str() == name)
    }

    pub(crate) fn is_active(&self, alias: &Alias) -> bool {
        self.active_remote.as_deref() == Some(alias.as_str())
    }

    /// Adds the remote, or updates the first one with that alias in place (keeping its other
    /// keys). `token: None` removes any plaintext token.
    pub fn upsert(&mut self, alias: &Alias, url: &Origin, token: Option<&Token>) -> Result<()> {
        if matches!(self.doc.get("remotes"), None | Some(Value::Null)) {
            self.doc.insert(str("remotes"), Value::Seq(Vec::new()));
        }
        let Some(Value::Seq(items)) = self.doc.get_mut("remotes") else {
            return Err(Error::config("config.yaml: remotes is not a list"));
        };
        let named = |item: &Value| raw_alias(item) == Some(alias.as_str());
        let at = items
            .iter()
            .position(|item| named(item) && parse_remote(item, 0).is_ok())
            .or_else(|| items.iter().position(named));
        let at = at.unwrap_or_else(|| {
            let mut m = Mapping::default();
            m.insert(str("alias"), str(alias.as_str()));
            items.push(Value::Map(m));
            items.len() - 1
        });
        let Value::Map(remote) = &mut items[at] else {
            unreachable!("found or pushed a mapping")
        };
        // Keys in the SDK's (sorted) order for a new remote: alias, token, url.
        match token {
            Some(t) => remote.insert(str("token"), str(t.expose())),
            None => {
                remote.remove("token");
            }
        }
        remote.insert(str("url"), str(url.as_str()));
        self.derive_view()
    }

    /// Removes every usable remote with this alias (a refused one stays as it is); returns
    /// whether there was one.
    pub(crate) fn remove(&mut self, alias: &Alias) -> Result<bool> {
        let Some(Value::Seq(items)) = self.doc.get_mut("remotes") else {
            return Ok(false);
        };
        let before = items.len();
        items.retain(|v| raw_alias(v) != Some(alias.as_str()) || parse_remote(v, 0).is_err());
        let removed = items.len() != before;
        self.derive_view()?;
        Ok(removed)
    }

    /// Sets `active_remote`, or removes the key (as the SDK's `exclude_none` dump does).
    pub fn set_active(&mut self, alias: Option<&Alias>) -> Result<()> {
        match alias {
            Some(a) => self.doc.insert(str("active_remote"), str(a.as_str())),
            None => {
                self.doc.remove("active_remote");
            }
        }
        self.derive_view()
    }
}

fn str(text: &str) -> Value {
    Value::Str(text.to_owned())
}

/// A remote's `alias` as the file has it, when it is text.
fn raw_alias(item: &Value) -> Option<&str> {
    match item {
        Value::Map(m) => m.get("alias").and_then(Value::as_str),
        _ => None,
    }
}

fn parse_remote(item: &Value, position: usize) -> Result<Remote> {
    let Value::Map(m) = item else {
        return Err(Error::config("not a mapping"));
    };
    let text = |key: &str| match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::config(format!("{key} is not a string"))),
    };
    let alias = text("alias")?.ok_or_else(|| Error::config("has no alias"))?;
    let url = text("url")?.ok_or_else(|| Error::config("has no url"))?;
    let token = match text("token")? {
        Some(t) if !t.is_empty() => Some(Token::new(t)?),
        _ => None,
    };
    Ok(Remote {
        position,
        alias: Alias::new(alias)?,
        url: Origin::parse(&url)?,
        token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDK: &str = include_str!("../../tests/fixtures/pipeline-ai-2.8.0-config.yaml");
    const EXTRA: &str = include_str!("../../tests/fixtures/config-with-extra-keys.yaml");

    fn alias(s: &str) -> Alias {
        Alias::new(s).unwrap()
    }

    #[test]
    fn reads_the_sdk_file() {
        let c = Config::parse(SDK.as_bytes()).unwrap();
        assert_eq!(c.active_remote.as_deref(), Some("mystic-api"));
        assert_eq!(c.remotes.len(), 2);
        assert_eq!(c.remotes[1].url.as_str(), "https://staging.mystic.ai");
        assert!(c.remotes[0].token.is_some());
        let debug = format!("{c:?}");
        assert!(
            !debug.contains("pipeline_sk_") && debug.contains("staging"),
            "{debug}"
        );
        // An empty token is no token, as the SDK writes `token: ''` for none.
        let empty = Config::parse(b"remotes:\n- alias: e\n  url: https://e.example\n  token: ''\n")
            .unwrap();
        assert_eq!(empty.remotes[0].token, None);
    }

    #[test]
    fn edits_keep_unknown_keys_and_drop_tokens() {
        let mut c = Config::parse(EXTRA.as_bytes()).unwrap();
        let url = Origin::parse("https://eu.mystic.ai/").unwrap();
        c.upsert(&alias("mystic-api"), &url, None).unwrap();
        c.upsert(&alias("on"), &url, None).unwrap();
        let out = c.to_yaml().unwrap();
        let back = Config::parse(out.as_bytes()).unwrap();
        let Value::Map(telemetry) = back.doc.get("telemetry").unwrap() else {
            panic!()
        };
        assert_eq!(back.doc.get("editor_theme"), Some(&str("dark")));
        assert_eq!(telemetry.get("enabled"), Some(&Value::Bool(false)));
        assert!(out.contains("note: personal account"), "{out}");
        assert_eq!(back.remotes[0].url.as_str(), "https://eu.mystic.ai");
        assert_eq!(back.remotes[2].alias.as_str(), "on");
        assert!(!out.contains("pipeline_sk_aaaa"));
        assert!(
            out.contains("pipeline_sk_bbbb"),
            "other remotes are untouched"
        );
    }

    #[test]
    fn remove_and_active() {
        let mut c = Config::parse(SDK.as_bytes()).unwrap();
        assert!(c.remove(&alias("staging")).unwrap());
        assert!(!c.remove(&alias("staging")).unwrap());
        c.set_active(None).unwrap();
        assert!(c.active().is_none());
        assert!(!c.to_yaml().unwrap().contains("active_remote"));
    }

    #[test]
    fn broken_files_are_config_errors() {
        let bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
        for bad in [
            "remotes: [",
            "- a\n- b\n",
            "just a string",
            "remotes: oops",
            "active_remote: [1]",
            bomb,
        ] {
            let e = Config::parse(bad.as_bytes()).unwrap_err();
            assert_eq!(e.kind, crate::error::ErrorKind::Config, "{bad}");
            assert!(!e.message.contains("has space"));
        }
        assert!(Config::parse(b"\xff").is_err());
        assert!(Config::parse(b"").unwrap().remotes.is_empty());
    }

    /// A remote the helper cannot use is refused alone, with its reason; the others are read,
    /// and a rewrite keeps the refused one byte for byte.
    #[test]
    fn a_bad_remote_is_refused_alone_and_kept() {
        let text = "remotes:\n- alias: a\n- alias: \"bell\\a\"\n  url: https://b.example\n- alias: good\n  url: https://g.example\n- alias: t\n  url: https://t.example\n  token: has space\n- alias: my cluster\n  url: ftp://x\n- url: https://n.example\n- [1]\n";
        let mut c = Config::parse(text.as_bytes()).unwrap();
        let aliases: Vec<&str> = c.remotes.iter().map(|r| r.alias.as_str()).collect();
        assert_eq!(aliases, ["good"]);
        let refused: Vec<(usize, Option<&str>)> = c
            .refused
            .iter()
            .map(|r| (r.position, r.alias.as_deref()))
            .collect();
        assert_eq!(
            refused,
            [
                (1, Some("a")),
                (2, Some("bell\u{7}")),
                (4, Some("t")),
                (5, Some("my cluster")),
                (6, None),
                (7, None)
            ]
        );
        let reasons: Vec<&str> = c.refused.iter().map(|r| r.reason.as_str()).collect();
        assert_eq!(reasons[0], "has no url");
        assert!(reasons[1].starts_with("alias must be"), "{}", reasons[1]);
        assert!(reasons[2].starts_with("token must not"), "{}", reasons[2]);
        assert!(!reasons[2].contains("has space"));
        assert_eq!(reasons[3], "url must use http or https");
        assert_eq!(reasons[4], "has no alias");
        assert_eq!(reasons[5], "not a mapping");
        assert_eq!(c.find_refused("my cluster").unwrap().position, 5);

        // Edits elsewhere keep every refused remote as it was; removing its alias does not touch it.
        c.upsert(
            &alias("new"),
            &Origin::parse("https://n.example").unwrap(),
            None,
        )
        .unwrap();
        assert!(!c.remove(&alias("my cluster")).unwrap());
        let back = Config::parse(c.to_yaml().unwrap().as_bytes()).unwrap();
        assert_eq!(back.refused, c.refused);
        assert_eq!(back.remotes.len(), 2);

        // Storing a refused alias again with a good url repairs that entry in place.
        c.upsert(
            &alias("my cluster"),
            &Origin::parse("https://m.example").unwrap(),
            None,
        )
        .unwrap();
        assert_eq!(
            c.find(&alias("my cluster")).unwrap().url.as_str(),
            "https://m.example"
        );
        assert!(c.find_refused("my cluster").is_none());
        assert_eq!(c.remotes.len(), 3);
    }
}
