//! The small commands on one remote: `logout`, `use`, `token`.

use clap::Args;

use super::{Run, parse_alias, parse_origin, say};
use crate::error::Exit;
use crate::error::Result;
use crate::ops::{self, Ctx};
use crate::remote::{Alias, Origin, Selector};
use crate::streams::Io;

/// Remove a remote and its token (erase, for people)
#[derive(Debug, Args)]
pub(crate) struct Logout {
    /// The remote's name (see `status`)
    #[arg(value_parser = parse_alias)]
    alias: Alias,
}

impl Run for Logout {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        let (alias, url) = ops::erase(ctx, &Selector::new(Some(self.alias), None))?;
        say(
            io.stdout,
            &format!("Logged out of {url} ({alias}); its token is deleted."),
        )?;
        Ok(Exit::Success)
    }
}

/// Make ALIAS the active remote in config.yaml (what the SDK and `get` use by default)
#[derive(Debug, Args)]
pub(crate) struct Use {
    /// The remote's name (see `status`)
    #[arg(value_parser = parse_alias)]
    alias: Alias,
}

impl Run for Use {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        ops::set_active(ctx, &self.alias)?;
        say(io.stdout, &format!("Active remote: {}", self.alias))?;
        Ok(Exit::Success)
    }
}

/// Print only the token and a newline, for `Authorization: Bearer $(... token)`
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    curl -H \"Authorization: Bearer $(mystic-credential-helper token)\" https://www.mystic.ai/v4/...\n  \
    mystic-credential-helper token --url https://staging.mystic.ai")]
pub(crate) struct PrintToken {
    /// The remote's name, as --alias gives it (`token prod`, as `logout prod`)
    #[arg(value_parser = parse_alias, value_name = "ALIAS", conflicts_with = "alias")]
    name: Option<Alias>,
    /// The remote's name; without it and --url, PIPELINE_API_TOKEN, else the active remote,
    /// else the first remote (as `get`)
    #[arg(long, value_parser = parse_alias)]
    alias: Option<Alias>,
    /// The remote whose url this is (its origin: scheme, host and port)
    #[arg(long, value_parser = parse_origin)]
    url: Option<Origin>,
}

impl Run for PrintToken {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        let alias = self.alias.or(self.name);
        let found = ops::lookup(ctx, &Selector::new(alias, self.url))?;
        if let Some(line) = &found.warning {
            io.warn(line);
        }
        say(io.stdout, found.token.expose())?;
        Ok(Exit::Success)
    }
}
