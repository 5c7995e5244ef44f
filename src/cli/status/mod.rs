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
pub struct Status {
    /// Print JSON instead of a table (schema: status.json in the protocol documents)
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
