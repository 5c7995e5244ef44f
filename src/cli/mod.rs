//! The command line, defined once with clap (help, completions and the man page come from it):
//! one struct per command, each with its own `run`, dispatched in one place.

mod configure;
mod docs;
mod env;
mod exec;
mod login;
mod migrate;
mod prompt;
mod remote;
mod shell_init;
mod status;

use clap::{Args, Parser, Subcommand};

use crate::Io;
use crate::error::{Error, Result};
use crate::frontend::{docker, git, json};
use crate::ops::Ctx;
use crate::protocol::{Alias, Origin};
use crate::store::StoreKind;

const EXAMPLES: &str = "\
Examples:
  printf '%s' \"$TOKEN\" | mystic-credential-helper login --alias prod
  mystic-credential-helper token --alias prod
  echo '{\"alias\":\"prod\"}' | mystic-credential-helper get
  mystic-credential-helper exec -- pipeline get pipelines
  eval \"$(mystic-credential-helper shell-init bash)\"
  mystic-credential-helper --store keyutils status

Exit codes and environment variables: man mystic-credential-helper";

#[derive(Debug, Parser)]
#[command(
    name = "mystic-credential-helper",
    version,
    about = "Keeps Mystic AI API tokens in the OS keyring and answers credential requests",
    long_about = "Keeps Mystic AI API tokens in the OS keyring and answers credential requests.\n\n\
        The protocol actions (get, store, erase, list) read one JSON object on stdin and write one \
        JSON object on stdout. Non-secret remote data (alias, url, active remote) is mirrored into \
        the Mystic SDK's config.yaml ($PIPELINE_DIR, else ~/.pipeline), where the SDK reads it.",
    after_help = EXAMPLES
)]
pub struct Cli {
    /// Where tokens are kept, before or after the command [env: MYSTIC_CREDENTIAL_STORE]
    /// [default: auto]
    #[arg(long, value_enum, value_name = "STORE", global = true)]
    pub store: Option<StoreKind>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a remote's token as JSON. Stdin: {"alias"?, "url"?}
    Get,
    /// Save a token and mirror its remote into config.yaml. Stdin: {"alias", "token", "url"?, "active"?}
    Store,
    /// Delete a token and its remote. Stdin: {"alias"?, "url"?} (at least one)
    Erase,
    /// List remotes as JSON, never tokens
    List,
    Login(login::Login),
    Logout(remote::Logout),
    Use(remote::Use),
    Token(remote::Token),
    Status(status::Status),
    Migrate(migrate::Migrate),
    Exec(exec::Exec),
    Env(env::Env),
    Configure(configure::Configure),
    ShellInit(shell_init::ShellInit),
    /// git's credential-helper protocol (also run as `git-credential-mystic ACTION`)
    Git(GitArgs),
    /// docker's credential-helper protocol (also run as `docker-credential-mystic ACTION`)
    Docker(DockerArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: docs::Shell,
    },
    Man(docs::Man),
}

#[derive(Debug, Args)]
pub struct GitArgs {
    /// get, store or erase; other actions are ignored, as git requires
    action: String,
    /// Ignored (git may pass options from the helper string)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    rest: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DockerArgs {
    /// store, get, erase, list or version
    action: String,
}

/// A command people type: it needs the context, and reports errors as one line on stderr.
trait Run {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<i32>;
}

impl Command {
    /// Runs the command; `ctx` is built only for commands that need it.
    pub fn run<'a>(self, ctx: impl FnOnce() -> Result<Ctx<'a>>, io: &mut Io) -> i32 {
        match self {
            Command::Get => json::serve(json::Action::Get, ctx, io),
            Command::Store => json::serve(json::Action::Store, ctx, io),
            Command::Erase => json::serve(json::Action::Erase, ctx, io),
            Command::List => json::serve(json::Action::List, ctx, io),
            Command::Git(g) => git::serve(&g.action, ctx, io),
            Command::Docker(d) => docker::serve(&d.action, ctx, io),
            Command::Completions { shell } => docs::completions(shell, io),
            Command::Man(c) => human(c, ctx, io),
            Command::ShellInit(c) => human(c, ctx, io),
            Command::Login(c) => human(c, ctx, io),
            Command::Logout(c) => human(c, ctx, io),
            Command::Use(c) => human(c, ctx, io),
            Command::Token(c) => human(c, ctx, io),
            Command::Status(c) => human(c, ctx, io),
            Command::Migrate(c) => human(c, ctx, io),
            Command::Exec(c) => human(c, ctx, io),
            Command::Env(c) => human(c, ctx, io),
            Command::Configure(c) => human(c, ctx, io),
        }
    }
}

fn human<'a>(command: impl Run, ctx: impl FnOnce() -> Result<Ctx<'a>>, io: &mut Io) -> i32 {
    let result = ctx().and_then(|ctx| {
        let result = command.run(&ctx, io);
        ctx.flush_warnings(io.stderr);
        result
    });
    match result {
        Ok(code) => code,
        Err(e) => e.report(io.stderr),
    }
}

fn parse_alias(s: &str) -> std::result::Result<Alias, String> {
    Alias::new(s).map_err(|e| e.message)
}

fn parse_origin(s: &str) -> std::result::Result<Origin, String> {
    Origin::parse(s).map_err(|e| e.message)
}

/// One line on stdout.
fn say(out: &mut dyn std::io::Write, line: &str) -> Result<()> {
    writeln!(out, "{line}").map_err(|e| Error::io("writing stdout", &e))
}
