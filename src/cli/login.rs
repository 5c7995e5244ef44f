//! `login`: read a token (never from argv), check it against the API, store it.

use std::io::{Read, Write};

use super::say;
use crate::error::{Error, Result};
use crate::ops::{self, Ctx, Moves};
use crate::protocol::{self, Alias, Origin, Token};
use crate::secret::Secret;
use crate::verify;

#[allow(clippy::too_many_arguments)]
pub fn login(
    ctx: &Ctx,
    alias: Alias,
    url: Origin,
    active: bool,
    check: bool,
    stdin: &mut dyn Read,
    interactive: bool,
    stdout: &mut dyn Write,
) -> Result<u8> {
    let token = read_token(stdin, interactive)?;
    if check {
        verify::check(&url, &token)?;
    }
    let stored = ops::store(
        ctx,
        alias,
        url,
        &token,
        active.then_some(true),
        Moves::Allowed,
    )?;
    let active = if stored.active { " (active)" } else { "" };
    say(
        stdout,
        &format!(
            "Logged in to {} as {}{active}; the token is in the {}.",
            stored.url,
            stored.alias,
            ctx.store_name()
        ),
    )?;
    Ok(0)
}

/// From a prompt without echo on a terminal, else from stdin (one line; the newline is dropped).
fn read_token(stdin: &mut dyn Read, interactive: bool) -> Result<Token> {
    let raw = if interactive {
        Secret::new(
            super::prompt::hidden("Mystic API token: ")
                .map_err(|e| Error::io("reading the token from the terminal", &e))?,
        )
    } else {
        let bytes = protocol::read_input(stdin)?;
        Secret::new(
            String::from_utf8(bytes)
                .map_err(|_| Error::invalid("the token on stdin is not UTF-8"))?,
        )
    };
    let text = raw.expose().trim_end_matches(['\n', '\r']);
    if text.is_empty() {
        return Err(Error::invalid("no token given on stdin"));
    }
    Token::new(text.to_owned())
}
