//! mystic-credential-helper: keeps Mystic AI API tokens in the OS keyring, answers credential
//! requests, and mirrors non-secret remote data into the SDK's config.yaml.
//!
//! `run` takes its arguments, environment, streams and keyring opener as values, so tests can
//! drive the whole program in memory; only `main` touches the real process. The modules are
//! layers, in the order docs/design.md's Layout gives them (top-down): each uses only those below
//! it. (Listed here as rustfmt sorts them.)

pub mod cli;
pub mod config;
pub mod environment;
pub mod error;
pub mod fs;
pub mod ops;
pub mod protocol;
pub mod quote;
pub mod resolve;
pub mod secret;
pub mod settings;
pub mod store;
pub mod streams;
pub mod sys;
pub mod verify;
pub mod wire;

use std::ffi::OsString;
use std::io::Write;

use clap::Parser;

use crate::cli::Cli;
pub use crate::environment::Environment;
pub use crate::error::Exit;
use crate::ops::{Ctx, Opener};
use crate::settings::Settings;
pub use crate::streams::Io;

/// Runs one invocation; how it ends.
pub fn run(args: Vec<OsString>, env: &Environment, mut io: Io, opener: &Opener) -> Exit {
    let cli = match Cli::try_parse_from(wire::expand_argv0(args)) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" to clap that go to stdout and succeed.
            let (out, exit) = match e.use_stderr() {
                true => (&mut io.stderr, Exit::Usage),
                false => (&mut io.stdout, Exit::Success),
            };
            let _ = write!(out, "{}", without_values(&e));
            return exit;
        }
    };
    let settings = Settings::new(env.clone(), cli.store);
    let ctx = Ctx::new(&settings, opener);
    cli.command.run(&ctx, &mut io)
}

/// clap's message, without the words it quotes from the command line: a token pasted where an
/// alias, a command or an option goes must not reach a log. Options (`--alais`) stay, so that
/// a typo is still shown.
fn without_values(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let mut text = e.render().to_string();
    for kind in [
        ContextKind::InvalidValue,
        ContextKind::InvalidArg,
        ContextKind::InvalidSubcommand,
    ] {
        if let Some(ContextValue::String(value)) = e.get(kind)
            && !value.is_empty()
            && !value.starts_with(['-', '<'])
        {
            text = text.replace(&format!("'{value}'"), "(the word given, not repeated)");
        }
    }
    text
}
