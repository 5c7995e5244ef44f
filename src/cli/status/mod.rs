//! `status`: each remote, where its token lives, and which token `get` and the SDK will use.
//! Gathered once into a typed report (`report.rs`), then printed as a table or JSON
//! (`render.rs`). It never prints a token, and exits 0 whatever it warns about (4 only when
//! config.yaml cannot be read).

mod render;
mod report;

use clap::Args;

use super::{Run, say};
use crate::error::Exit;
use crate::error::Result;
use crate::ops::Ctx;
use crate::streams::Io;

/// Show each remote, where its token lives, and which token `get` and the SDK will use
#[derive(Debug, Args)]
#[command(after_help = "Warnings have stable codes in --json: plaintext-token, \
    active-remote-without-token, store-unavailable, active-remote-missing, remote-refused, \
    config-readable-by-others, folder-readable-by-others, sdk-ignores-env-token, \
    sdk-sends-bearer-none, orphan-items (keyring items no remote names, listed under \
    \"orphans\"; `prune` removes them), token-in-other-store (another keyring here holds a \
    token the chosen store lacks; `migrate --from STORE` moves it).")]
pub(crate) struct Status {
    /// Print JSON instead of a table: {v, config, store, remotes: [{alias, url, active, token,
    /// verified?}], refused?, env, get, sdk, python, orphans?, warnings: [{code, message}]};
    /// token is keyring, file, missing or unknown. Its JSON Schema is protocol/schema/status.json
    /// in the source repository
    #[arg(long)]
    json: bool,
    /// Check each token against the API
    #[arg(long)]
    verify: bool,
}

impl Run for Status {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        let report = report::Report::gather(ctx, self.verify)?;
        let text = match self.json {
            true => serde_json::to_string(&report).expect("the report serialises"),
            false => render::table(&report),
        };
        say(io.stdout, text.trim_end())?;
        Ok(Exit::Success)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The help (and so the man page) names every warning code the schema has.
    #[test]
    fn the_help_names_every_warning_code() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../protocol/schema/status.json")).unwrap();
        let codes = &schema["properties"]["warnings"]["items"]["properties"]["code"]["enum"];
        let command = <Status as clap::Args>::augment_args(clap::Command::new("status"));
        let help = command.get_after_help().unwrap().to_string();
        for code in codes.as_array().unwrap() {
            assert!(
                help.contains(code.as_str().unwrap()),
                "{code} is not in: {help}"
            );
        }
    }
}
