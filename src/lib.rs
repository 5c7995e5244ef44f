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
pub mod fs;
pub mod ops;
pub mod protocol;
pub mod quote;
pub mod resolve;
pub mod secret;
pub mod settings;
pub mod store;
pub mod sys;
pub mod verify;

use std::ffi::OsString;
use std::io::{Read, Write};

use clap::Parser;

use crate::cli::Cli;
use crate::env::Env;
use crate::ops::{Ctx, Opener};
use crate::settings::Settings;

/// The process's streams, passed in so tests can use a Cursor and Vecs.
pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Whether stdin is a terminal (then `login` prompts without echo instead of reading it).
    pub interactive: bool,
}

/// Runs one invocation and returns its exit code.
pub fn run(args: Vec<OsString>, env: &Env, mut io: Io, opener: &Opener) -> i32 {
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
    let settings = Settings::new(env.clone(), cli.store);
    let ctx = || Ctx::new(&settings, opener);
    cli.command.run(ctx, &mut io)
}
