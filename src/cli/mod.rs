//! The command line, defined once with clap (help, completions and the man page come from it):
//! one struct per command, each with its own `run`, dispatched in one place.

mod configure;
mod docs;
mod env;
mod exec;
mod front_end;
mod login;
mod migrate;
mod one_remote;
mod prune;
mod sdk;
mod shell_init;
mod status;

use clap::{Args, Parser, Subcommand};

pub use front_end::expand_argv0;

use crate::error::{Error, Exit, Result};
use crate::ops::Ctx;
use crate::remote::{Alias, Origin};
use crate::store::StoreKind;
use crate::streams::{Io, print};
use crate::wire::{self, docker::Docker, git::Git, json::Action, json::Json};

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
    after_help = EXAMPLES,
    after_long_help = format!("{}\n\n{EXAMPLES}", stores())
)]
pub(crate) struct Cli {
    #[arg(
        long,
        value_enum,
        value_name = "STORE",
        global = true,
        hide_possible_values = true,
        help = format!(
            "Where tokens are kept: {} (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]",
            StoreKind::list()
        )
    )]
    pub(crate) store: Option<StoreKind>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print a remote's token as JSON. Stdin: {"alias"?, "url"?}
    Get,
    /// Save a token and mirror its remote into config.yaml. Stdin: {"alias", "token", "url"?, "active"?}
    Store,
    /// Delete a token and its remote. Stdin: {"alias"?, "url"?} (at least one)
    Erase,
    /// List remotes as JSON, never tokens
    List,
    /// Read, write or delete one keyring item by service and user (what the windows store runs
    /// from WSL). Stdin: {"action": "get"|"set"|"delete", "service", "user", "token"?}
    Item,
    Login(login::Login),
    Logout(one_remote::Logout),
    Use(one_remote::Use),
    Token(one_remote::PrintToken),
    Status(status::Status),
    Migrate(migrate::Migrate),
    Prune(prune::Prune),
    Exec(exec::Exec),
    Env(env::Env),
    Configure(configure::Configure),
    ShellInit(shell_init::ShellInit),
    Sdk(sdk::Sdk),
    /// git's credential-helper protocol (also run as `git-credential-mystic ACTION`)
    Git(GitArgs),
    /// docker's credential-helper protocol (also run as `docker-credential-mystic ACTION`)
    Docker(DockerArgs),
    /// Print a shell completion script
    Completions {
        /// bash, zsh, fish, elvish or powershell
        #[arg(value_enum)]
        shell: docs::CompletionShell,
    },
    Man(docs::Man),
}

#[derive(Debug, Args)]
pub(crate) struct GitArgs {
    /// get, store or erase; other actions are ignored, as git requires
    action: String,
    /// Ignored (git may pass options from the helper string)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    rest: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct DockerArgs {
    /// store, get, erase, list or version
    action: String,
}

/// The stores `--store` takes, each with its description: shown once, in the top-level help.
fn stores() -> String {
    let mut text = String::from("Stores (--store, MYSTIC_CREDENTIAL_STORE):");
    for kind in <StoreKind as clap::ValueEnum>::value_variants() {
        let value = clap::ValueEnum::to_possible_value(kind).expect("no skipped variants");
        let help = value.get_help().map(|h| h.to_string()).unwrap_or_default();
        text.push_str(&format!("\n  {:<15} {help}", kind.name()));
    }
    text
}

/// A command people type: errors are reported as one line on stderr.
trait Run {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit>;
}

impl Command {
    /// Runs the command, dispatched in one place.
    pub(crate) fn run(self, ctx: &Ctx, io: &mut Io) -> Exit {
        match self {
            Command::Get => wire::serve(Json(Action::Get), ctx, io),
            Command::Store => wire::serve(Json(Action::Store), ctx, io),
            Command::Erase => wire::serve(Json(Action::Erase), ctx, io),
            Command::List => wire::serve(Json(Action::List), ctx, io),
            Command::Item => wire::serve(Json(Action::Item), ctx, io),
            Command::Git(g) => wire::serve(Git(&g.action), ctx, io),
            Command::Docker(d) => wire::serve(Docker(&d.action), ctx, io),
            Command::Completions { shell } => human(docs::Completions(shell), ctx, io),
            Command::Man(c) => human(c, ctx, io),
            Command::ShellInit(c) => human(c, ctx, io),
            Command::Sdk(c) => human(c, ctx, io),
            Command::Login(c) => human(Checked(c), ctx, io),
            Command::Logout(c) => human(Checked(c), ctx, io),
            Command::Use(c) => human(Checked(c), ctx, io),
            Command::Token(c) => human(Checked(c), ctx, io),
            Command::Status(c) => human(Checked(c), ctx, io),
            Command::Migrate(c) => human(Checked(c), ctx, io),
            Command::Prune(c) => human(Checked(c), ctx, io),
            Command::Exec(c) => human(Checked(c), ctx, io),
            Command::Env(c) => human(Checked(c), ctx, io),
            Command::Configure(c) => human(Checked(c), ctx, io),
        }
    }
}

/// A command that reads or writes remotes: run once the store choice is known to be usable.
struct Checked<C>(C);

impl<C: Run> Run for Checked<C> {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        ctx.check()?;
        self.0.run(ctx, io)
    }
}

fn human(command: impl Run, ctx: &Ctx, io: &mut Io) -> Exit {
    match command.run(ctx, io) {
        Ok(exit) => exit,
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
    print(out, &format!("{line}\n"))
}

/// This program's path, as the OS gives it.
fn this_program() -> Result<std::path::PathBuf> {
    std::env::current_exe().map_err(|e| Error::io("locating this program", &e))
}
