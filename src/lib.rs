//! mystic-credential-helper: keeps Mystic AI API tokens in the OS keyring, answers credential
//! requests, and mirrors non-secret remote data into the SDK's config.yaml.
//!
//! `run` takes its arguments, environment, streams and keyring opener as values, so tests can
//! drive the whole program in memory; only `main` touches the real process. The modules are
//! layers, in the order docs/design.md's Layout gives them (top-down): each uses only those below
//! it. (Listed here as rustfmt sorts them.) All are private: the public surface is the list of
//! re-exports below, what `main`, the shims in src/bin, the tests and the fuzz targets use.

mod cli;
mod config;
mod environment;
mod error;
mod fs;
mod ops;
mod quote;
mod remote;
mod resolve;
mod secret;
mod settings;
mod store;
mod streams;
mod sys;
mod verify;
mod wire;

pub use crate::cli::expand_argv0;
pub use crate::config::{Config, Remote, yaml};
pub use crate::environment::Environment;
pub use crate::error::{Error, ErrorKind, Exit};
pub use crate::ops::{Ctx, Found, Opener, lookup};
pub use crate::remote::{Alias, Origin, Selector, Token};
pub use crate::settings::Settings;
#[cfg(any(test, feature = "memory-store"))]
pub use crate::store::memory::{Failing, MemoryStore};
pub use crate::store::{ItemCall, Key, Store, StoreKind, StoreOptions};
pub use crate::streams::Io;
pub use crate::wire::json::{Action, Request, decode};

use std::ffi::OsString;
use std::io::{IsTerminal, Write};

use clap::Parser;

use crate::cli::Cli;

/// The real process: its argv, environment and stdio, and the OS keyring; no core dumps. Exits
/// with the command's code.
pub fn main() -> ! {
    sys::disable_core_dumps();
    let exit = {
        let stdin = std::io::stdin();
        let io = Io {
            interactive: stdin.is_terminal(),
            stdin: &mut stdin.lock(),
            stdout: &mut std::io::stdout().lock(),
            stderr: &mut std::io::stderr().lock(),
        };
        run(
            std::env::args_os().collect(),
            &Environment::from_process(),
            io,
            &store::open,
        )
    };
    sys::raise_deferred_signal();
    // An exit code, not an ExitCode: `exec` passes on all 32 bits of a Windows child's code.
    std::process::exit(exit.code())
}

/// Runs one invocation; how it ends.
pub fn run(args: Vec<OsString>, env: &Environment, mut io: Io, opener: &Opener) -> Exit {
    let cli = match Cli::try_parse_from(cli::expand_argv0(args)) {
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
