//! The command line, defined once with clap (help, completions and the man page come from it),
//! and the human commands built on the shared operations.

mod configure;
mod env;
mod exec;
mod login;
mod migrate;
mod prompt;
mod status;

use std::ffi::OsString;
use std::io::Write;

use clap::{CommandFactory, Parser, Subcommand};

use crate::Io;
use crate::error::Result;
use crate::ops::{self, Ctx};
use crate::protocol::{Alias, Origin, Selector};
use crate::store::StoreKind;

pub use env::EnvFormat;

#[derive(Debug, Parser)]
#[command(
    name = "mystic-credential-helper",
    version,
    about = "Keeps Mystic AI API tokens in the OS keyring and answers credential requests as JSON",
    long_about = "Keeps Mystic AI API tokens in the OS keyring and answers credential requests as JSON.\n\n\
        The protocol actions (get, store, erase, list) read one JSON object on stdin and write one \
        JSON object on stdout; see protocol/PROTOCOL.md. Non-secret remote data (alias, url, active \
        remote) is mirrored into the Mystic SDK's config.yaml ($PIPELINE_DIR, else ~/.pipeline)."
)]
pub struct Cli {
    /// Where tokens are kept [env: MYSTIC_CREDENTIAL_STORE] [default: auto]
    #[arg(long, global = true, value_enum, value_name = "STORE")]
    pub store: Option<StoreKind>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(flatten)]
    Protocol(ProtocolCommand),
    #[command(flatten)]
    Human(HumanCommand),
    /// git's credential-helper protocol (also run as `git-credential-mystic ACTION`)
    Git {
        /// get, store or erase; other actions are ignored, as git requires
        action: String,
        /// Ignored (git may pass options from the helper string)
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        rest: Vec<String>,
    },
    /// docker's credential-helper protocol (also run as `docker-credential-mystic ACTION`)
    Docker {
        /// store, get, erase, list or version
        action: String,
    },
    /// Print a shell completion script
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff)
    Man,
}

/// The native JSON protocol (see protocol/PROTOCOL.md).
#[derive(Debug, Subcommand)]
pub enum ProtocolCommand {
    /// Print a remote's token as JSON. Stdin: {"alias"?, "url"?}
    Get,
    /// Save a token and mirror the remote into config.yaml. Stdin: {"alias", "token", "url"?, "active"?}
    Store,
    /// Delete a token and its remote. Stdin: {"alias"?, "url"?} (at least one)
    Erase,
    /// List remotes as JSON, never tokens. Stdin: {} or empty
    List,
}

impl From<ProtocolCommand> for crate::frontend::json::Action {
    fn from(c: ProtocolCommand) -> Self {
        use crate::frontend::json::Action;
        match c {
            ProtocolCommand::Get => Action::Get,
            ProtocolCommand::Store => Action::Store,
            ProtocolCommand::Erase => Action::Erase,
            ProtocolCommand::List => Action::List,
        }
    }
}

/// Commands people type, built on the same operations.
#[derive(Debug, Subcommand)]
pub enum HumanCommand {
    /// Check a token against the API and store it. The token is read from stdin, or prompted for
    /// without echo on a terminal; never from the command line.
    Login {
        #[arg(long, default_value = "mystic-api", value_parser = parse_alias)]
        alias: Alias,
        #[arg(long, default_value = crate::protocol::validate::DEFAULT_URL, value_parser = parse_origin)]
        url: Origin,
        /// Make this the active remote (by default only when none is active)
        #[arg(long)]
        active: bool,
        /// Store without checking the token against the API
        #[arg(long)]
        no_verify: bool,
    },
    /// Remove a remote and its token (erase, for humans)
    Logout {
        #[arg(value_parser = parse_alias)]
        alias: Alias,
    },
    /// Make ALIAS the active remote in config.yaml
    Use {
        #[arg(value_parser = parse_alias)]
        alias: Alias,
    },
    /// Print only the token and a newline, for `Authorization: Bearer $(... token)`
    Token {
        #[arg(long, value_parser = parse_alias)]
        alias: Option<Alias>,
        #[arg(long, value_parser = parse_origin)]
        url: Option<Origin>,
    },
    /// Show each remote, where its token lives, and which token `get` and the SDK will use
    Status {
        /// Print JSON instead of a table (see protocol/PROTOCOL.md)
        #[arg(long)]
        json: bool,
        /// Check each token against the API
        #[arg(long)]
        verify: bool,
    },
    /// Move plaintext tokens from config.yaml into the keyring
    Migrate {
        /// Show what would move; change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Run a command that authenticates as a remote, with no token written to disk
    Exec {
        #[arg(long, value_parser = parse_alias)]
        alias: Option<Alias>,
        /// The command and its arguments (after --)
        #[arg(
            required = true,
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "CMD"
        )]
        command: Vec<OsString>,
    },
    /// Print PIPELINE_API_TOKEN and PIPELINE_API_URL for CI secret injection
    Env {
        #[arg(long, value_parser = parse_alias)]
        alias: Option<Alias>,
        #[arg(long, value_enum, default_value_t = EnvFormat::Shell)]
        format: EnvFormat,
    },
    /// Make git or docker use this helper for every remote in config.yaml
    Configure {
        #[arg(value_enum)]
        tool: configure::Tool,
        /// Remove exactly what `configure` added
        #[arg(long)]
        unset: bool,
    },
}

fn parse_alias(s: &str) -> std::result::Result<Alias, String> {
    Alias::new(s).map_err(|e| e.message)
}

fn parse_origin(s: &str) -> std::result::Result<Origin, String> {
    Origin::parse(s).map_err(|e| e.message)
}

/// Prints a completion script or the man page, generated from the clap definitions.
pub fn generate(command: &Command, stdout: &mut dyn Write) -> u8 {
    let written = match command {
        Command::Completions { shell } => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "mystic-credential-helper",
                stdout,
            );
            Ok(())
        }
        _ => clap_mangen::Man::new(Cli::command()).render(stdout),
    };
    match written {
        Ok(()) => 0,
        Err(_) => crate::error::ErrorKind::Io.exit_code(),
    }
}

/// Runs a human command; an error becomes one line on stderr and its exit code.
pub fn run<'a>(command: HumanCommand, ctx: impl FnOnce() -> Result<Ctx<'a>>, io: Io) -> u8 {
    let Io {
        stdin,
        stdout,
        stderr,
        interactive,
    } = io;
    let result = ctx().and_then(|ctx| {
        let result = run_one(&ctx, command, stdin, interactive, stdout, stderr);
        ctx.flush_warnings(stderr);
        result
    });
    match result {
        Ok(code) => code,
        Err(e) => e.report(stderr),
    }
}

fn run_one(
    ctx: &Ctx,
    command: HumanCommand,
    stdin: &mut dyn std::io::Read,
    interactive: bool,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8> {
    match command {
        HumanCommand::Login {
            alias,
            url,
            active,
            no_verify,
        } => login::login(
            ctx,
            alias,
            url,
            active,
            !no_verify,
            stdin,
            interactive,
            stdout,
        ),
        HumanCommand::Logout { alias } => {
            let (alias, url) = ops::erase(ctx, &Selector::new(Some(alias), None))?;
            say(
                stdout,
                &format!("Logged out of {url} ({alias}); its token is deleted."),
            )?;
            Ok(0)
        }
        HumanCommand::Use { alias } => {
            ops::set_active(ctx, &alias)?;
            say(stdout, &format!("Active remote: {alias}"))?;
            Ok(0)
        }
        HumanCommand::Token { alias, url } => {
            let found = ops::lookup(ctx, &Selector::new(alias, url))?;
            say(stdout, found.token.expose())?;
            Ok(0)
        }
        HumanCommand::Status { json, verify } => status::status(ctx, json, verify, stdout),
        HumanCommand::Migrate { dry_run } => migrate::migrate(ctx, dry_run, stdout),
        HumanCommand::Exec { alias, command } => exec::exec(ctx, alias, command, stderr),
        HumanCommand::Env { alias, format } => env::env(ctx, alias, format, stdout),
        HumanCommand::Configure { tool, unset } => configure::configure(ctx, tool, unset, stdout),
    }
}

/// One line on stdout.
fn say(out: &mut dyn Write, line: &str) -> Result<()> {
    writeln!(out, "{line}").map_err(|e| crate::error::Error::io("writing stdout", &e))
}
