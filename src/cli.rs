//! The command line, defined once with clap (help, completions and the man page come from it).

use clap::{Parser, Subcommand};

use crate::store::StoreKind;

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
    /// Print a remote's token. Stdin: {"alias"?, "url"?}
    Get,
    /// Save a token and mirror the remote into config.yaml. Stdin: {"alias", "token", "url"?, "active"?}
    Store,
    /// Delete a token and its remote. Stdin: {"alias"?, "url"?} (at least one)
    Erase,
    /// List remotes, never tokens. Stdin: {} or empty
    List,
}
