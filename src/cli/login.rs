//! `login`: read a token (never from argv), check it against the API, store it.

use std::io::Read;

use clap::Args;

use super::{Run, parse_alias, parse_origin, say, shell_init};
use crate::error::{Error, Exit, Result};
use crate::ops::{self, Activate, Ctx};
use crate::remote::{Alias, Origin, Token};
use crate::secret::Secret;
use crate::streams::Io;
use crate::verify;

/// Check a token against the API and store it. The token is read from stdin, or prompted for
/// without echo on a terminal; never from the command line.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    printf '%s' \"$MYSTIC_TOKEN\" | mystic-credential-helper login\n  \
    mystic-credential-helper login --alias staging --url https://staging.mystic.ai --active")]
pub(crate) struct Login {
    /// The name of the remote, as the SDK's `pipeline cluster use ALIAS` knows it
    #[arg(long, default_value = "mystic-api", value_parser = parse_alias)]
    alias: Alias,
    /// The Mystic API the token belongs to
    #[arg(long, default_value = crate::remote::validate::DEFAULT_URL, value_parser = parse_origin)]
    url: Origin,
    /// Make this the active remote (by default only when none is active)
    #[arg(long)]
    active: bool,
    /// Store without checking the token against the API
    #[arg(long)]
    no_verify: bool,
    /// Allow a plain http:// URL for a host other than this machine (the token would cross the
    /// network readable by anyone on the way)
    #[arg(long)]
    allow_http: bool,
}

impl Run for Login {
    fn run(self, ctx: &Ctx, io: &mut Io) -> Result<Exit> {
        let Login {
            alias,
            url,
            active,
            no_verify,
            allow_http,
        } = self;
        if url.is_plain_http_elsewhere() {
            if !allow_http {
                return Err(Error::invalid(format!(
                    "{url} is plain http, so the token would cross the network readable by anyone on the way; use https, or pass --allow-http if you mean it (nothing was read or stored)"
                )));
            }
            io.warn(&format!(
                "the token goes to {url} over plain http, readable by anyone on the way (--allow-http)"
            ));
        }
        let token = read_token(io.stdin, io.interactive)?;
        if !no_verify {
            verify::check(&url, &token)?;
        }
        let stored = ops::store(
            ctx,
            alias,
            url,
            &token,
            if active {
                Activate::Yes
            } else {
                Activate::IfNoneIs
            },
        )?;
        let active = if stored.active { " (active)" } else { "" };
        let line = if stored.replaced {
            format!(
                "Replaced the token of {} at {}{active}; the new one is in the {}.",
                stored.alias,
                stored.url,
                ctx.store_name()
            )
        } else {
            format!(
                "Logged in to {} as {}{active}; the token is in the {}.",
                stored.url,
                stored.alias,
                ctx.store_name()
            )
        };
        say(io.stdout, &line)?;
        shell_init::follow_up(ctx, io.stdout)?;
        Ok(Exit::Success)
    }
}

/// From a prompt without echo on a terminal, else from stdin. Surrounding whitespace (the
/// newline, a pasted space) and a leading byte-order mark (pasted from some editors) are not
/// part of a token.
fn read_token(stdin: &mut dyn Read, interactive: bool) -> Result<Token> {
    let raw = if interactive {
        Secret::new(
            crate::sys::read_hidden("Mystic API token: ")
                .map_err(|e| Error::io("reading the token from the terminal", &e))?,
        )
    } else {
        let bytes = crate::streams::read_input(stdin)?;
        Secret::new(
            String::from_utf8(bytes)
                .map_err(|_| Error::invalid("the token on stdin is not UTF-8"))?,
        )
    };
    let text = raw.expose().trim().trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Err(Error::invalid(if interactive {
            "no token was entered; nothing was stored"
        } else {
            "no token on stdin; nothing was stored"
        }));
    }
    Token::new(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_decorations_are_not_part_of_the_token() {
        for input in [
            "pipeline_sk_t",
            "pipeline_sk_t\n",
            "pipeline_sk_t\r\n",
            "  pipeline_sk_t\t\n",
            "\u{feff}pipeline_sk_t\n",
            " \u{feff}pipeline_sk_t ",
        ] {
            let token = read_token(&mut input.as_bytes(), false).unwrap();
            assert_eq!(token.expose(), "pipeline_sk_t", "{input:?}");
        }
        for empty in ["", "\n", " \u{feff} \n"] {
            let e = read_token(&mut empty.as_bytes(), false).unwrap_err();
            assert_eq!(e.message, "no token on stdin; nothing was stored");
        }
        assert!(read_token(&mut "pipeline sk".as_bytes(), false).is_err());
    }
}
