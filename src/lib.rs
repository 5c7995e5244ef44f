//! mystic-credential-helper: keeps Mystic AI API tokens in the OS keyring, answers credential
//! requests, and mirrors non-secret remote data into the SDK's config.yaml.
//!
//! `run` takes its arguments, environment, streams and keyring opener as values, so tests can
//! drive the whole program in memory; only `main` touches the real process.

pub mod cli;
pub mod config;
pub mod core_dumps;
pub mod env;
pub mod error;
pub mod frontend;
pub mod ops;
pub mod protocol;
pub mod resolve;
pub mod secret;
pub mod store;
pub mod verify;

use std::ffi::OsString;
use std::io::{Read, Write};

use clap::Parser;

use crate::cli::Cli;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::ops::{Ctx, Opener};
use crate::store::StoreKind;

/// The process's streams, passed in so tests can use a Cursor and Vecs.
pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Whether stdin is a terminal (then `login` prompts without echo instead of reading it).
    pub interactive: bool,
}

/// Runs one invocation and returns its exit code.
pub fn run(args: Vec<OsString>, env: &Env, mut io: Io, opener: &Opener) -> u8 {
    let cli = match Cli::try_parse_from(frontend::expand_argv0(args)) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" to clap that go to stdout and exit 0.
            let (out, code) = match e.use_stderr() {
                true => (&mut io.stderr, 2),
                false => (&mut io.stdout, 0),
            };
            let _ = write!(out, "{}", e.render());
            return code;
        }
    };
    let ctx = || Ctx::new(env, store_kind(cli.store, env)?, opener);
    cli.command.run(ctx, &mut io)
}

/// `--store`, else `MYSTIC_CREDENTIAL_STORE`, else `auto`.
fn store_kind(flag: Option<StoreKind>, env: &Env) -> Result<StoreKind> {
    if let Some(kind) = flag {
        return Ok(kind);
    }
    match env.non_empty("MYSTIC_CREDENTIAL_STORE") {
        None => Ok(StoreKind::Auto),
        Some(name) => StoreKind::parse(&name.to_string_lossy())
            .map_err(|e| Error::config(format!("MYSTIC_CREDENTIAL_STORE: {}", e.message))),
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use serde_json::{Value, json};

    use super::*;
    use crate::store::memory::MemoryStore;
    use crate::store::{Key, Store};

    /// Drives `run` entirely in memory: a Cursor for stdin, Vecs for stdout and stderr.
    struct Harness {
        dir: tempfile::TempDir,
        store: Rc<MemoryStore>,
        env: Env,
    }

    impl Harness {
        fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            let env: Env = [("PIPELINE_DIR", dir.path().join("p"))]
                .into_iter()
                .collect();
            Harness {
                dir,
                store: Rc::default(),
                env,
            }
        }

        fn call(&self, args: &[&str], stdin: &str) -> (Value, u8, String) {
            let argv = std::iter::once("mystic-credential-helper")
                .chain(args.iter().copied())
                .map(OsString::from)
                .collect();
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let store = self.store.clone();
            let opener = move |_: StoreKind, _: &Env| Ok(Box::new(store.clone()) as Box<dyn Store>);
            let io = Io {
                stdin: &mut std::io::Cursor::new(stdin.as_bytes()),
                stdout: &mut out,
                stderr: &mut err,
                interactive: false,
            };
            let code = run(argv, &self.env, io, &opener);
            let json = serde_json::from_slice(&out).unwrap_or(Value::Null);
            (json, code, String::from_utf8(err).unwrap())
        }

        fn config(&self) -> String {
            std::fs::read_to_string(self.dir.path().join("p/config.yaml")).unwrap_or_default()
        }
    }

    #[test]
    fn store_get_list_erase_in_memory() {
        let h = Harness::new();
        let (json, code, _) = h.call(&["store"], r#"{"alias":"a","token":"pipeline_sk_mem"}"#);
        assert_eq!((json["active"].as_bool(), code), (Some(true), 0));
        let key = Key {
            service: "mystic:https://www.mystic.ai".into(),
            user: "a".into(),
        };
        assert_eq!(
            h.store.get(&key).unwrap().unwrap().expose(),
            "pipeline_sk_mem"
        );
        assert!(!h.config().contains("pipeline_sk_mem"));
        let (json, code, _) = h.call(&["get"], "");
        assert_eq!(code, 0);
        assert_eq!(json["token"], "pipeline_sk_mem");
        assert_eq!(json["source"], "keyring");
        let (json, _, _) = h.call(&["list"], "");
        assert_eq!(
            json["remotes"][0],
            json!({"alias":"a","url":"https://www.mystic.ai","active":true})
        );
        let (_, code, _) = h.call(&["erase"], r#"{"alias":"a"}"#);
        assert_eq!(code, 0);
        assert!(h.store.items.borrow().is_empty());
        let (json, code, err) = h.call(&["get"], r#"{"alias":"a"}"#);
        assert_eq!(
            (json["error"]["kind"].as_str(), code),
            (Some("not-found"), 1)
        );
        assert_eq!(err.lines().count(), 1);
    }

    #[test]
    fn a_locked_store_changes_nothing() {
        let h = Harness::new();
        h.call(&["store"], r#"{"alias":"a","token":"pipeline_sk_mem"}"#);
        let before = h.config();
        let locked = Harness {
            store: Rc::new(MemoryStore {
                locked: true,
                ..MemoryStore::default()
            }),
            ..h
        };
        for (action, input) in [
            ("store", r#"{"alias":"b","token":"t"}"#),
            ("erase", r#"{"alias":"a"}"#),
            ("get", r#"{"alias":"a"}"#),
        ] {
            let (json, code, _) = locked.call(&[action], input);
            assert_eq!(json["error"]["kind"], "store-unavailable", "{action}");
            assert_eq!(code, 3);
        }
        assert_eq!(locked.config(), before);
        // list never opens the store.
        assert_eq!(locked.call(&["list"], "").1, 0);
    }

    #[test]
    fn the_file_store_never_opens_a_keyring() {
        let h = Harness::new();
        let (_, code, _) = h.call(
            &["--store", "file", "store"],
            r#"{"alias":"f","token":"pipeline_sk_f"}"#,
        );
        assert_eq!(code, 0);
        assert!(h.store.items.borrow().is_empty());
        assert!(h.config().contains("pipeline_sk_f"));
    }

    #[test]
    fn an_environment_token_get_never_opens_a_keyring() {
        let mut h = Harness::new();
        h.env.set("PIPELINE_API_TOKEN", "pipeline_sk_env");
        h.store = Rc::new(MemoryStore {
            locked: true,
            ..MemoryStore::default()
        });
        let (json, code, _) = h.call(&["get"], "");
        assert_eq!(code, 0, "{json}");
        assert_eq!(json["source"], "env");
    }

    #[test]
    fn debug_of_operation_results_redacts_tokens() {
        let h = Harness::new();
        h.call(&["store"], r#"{"alias":"a","token":"pipeline_sk_canary"}"#);
        let store = h.store.clone();
        let opener = move |_: StoreKind, _: &Env| Ok(Box::new(store.clone()) as Box<dyn Store>);
        let ctx = Ctx::new(&h.env, StoreKind::Auto, &opener).unwrap();
        let found = ops::lookup(&ctx, &protocol::Selector::default()).unwrap();
        let config = config::Config::load(ctx.dir().unwrap()).unwrap();
        let items = h.store.items.borrow();
        for debug in [
            format!("{found:?}"),
            format!("{config:?}"),
            format!("{items:?}"),
        ] {
            assert!(!debug.contains("canary"), "{debug}");
        }
    }

    #[test]
    fn help_and_usage() {
        let h = Harness::new();
        assert_eq!(h.call(&["--version"], "").1, 0);
        assert_eq!(h.call(&["nope"], "").1, 2);
        assert_eq!(h.call(&[], "").1, 2);
    }
}
