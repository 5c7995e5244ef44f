//! mystic-credential-helper: keeps Mystic AI API tokens in the OS keyring, answers credential
//! requests, and mirrors non-secret remote data into the SDK's config.yaml.
//!
//! `run` takes its arguments, environment, streams and keyring opener as values, so tests can
//! drive the whole program in memory; only `main` touches the real process.

pub mod cli;
pub mod config;
pub mod env;
pub mod error;
pub mod frontend;
pub mod ops;
pub mod protocol;
pub mod resolve;
pub mod secret;
pub mod store;

use std::ffi::OsString;
use std::io::{Read, Write};

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::ops::{Ctx, Opener};
use crate::protocol::Action;
use crate::store::StoreKind;

/// Runs one invocation and returns its exit code.
pub fn run(
    args: Vec<OsString>,
    env: &Env,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    opener: &Opener,
) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" to clap that go to stdout and exit 0.
            if e.use_stderr() {
                let _ = write!(stderr, "{}", e.render());
                return 2;
            }
            let _ = write!(stdout, "{}", e.render());
            return 0;
        }
    };
    let kind = store_kind(cli.store, env);
    let ctx = || Ctx::new(env, kind?, opener);
    let action = match cli.command {
        Command::Get => Action::Get,
        Command::Store => Action::Store,
        Command::Erase => Action::Erase,
        Command::List => Action::List,
    };
    frontend::json::serve(action, ctx, stdin, stdout, stderr)
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
