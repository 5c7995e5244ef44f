//! The values every front end shares, validated at one choke point (`validate.rs`): what a
//! request selects, where a token came from, and the input cap. Wire formats live with their
//! front ends (`wire/`).

pub mod validate;

use std::io::Read;

use serde::Serialize;

use crate::error::{Error, Result};
pub use validate::{Alias, Origin, Token};

/// Requests larger than this are refused; the reader stops at the cap.
pub const MAX_INPUT: usize = 64 * 1024;

/// Reads at most `MAX_INPUT` bytes; one byte more means the request is too large.
pub fn read_input(input: &mut dyn Read) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    Read::take(input, MAX_INPUT as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Error::io("reading stdin", &e))?;
    if buf.len() > MAX_INPUT {
        return Err(Error::invalid(format!(
            "request is larger than {MAX_INPUT} bytes"
        )));
    }
    Ok(buf)
}

/// Which remote a request means: by alias, by url, or (neither) the default choice.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selector {
    pub alias: Option<Alias>,
    pub url: Option<Origin>,
}

impl Selector {
    pub fn new(alias: Option<Alias>, url: Option<Origin>) -> Self {
        Selector { alias, url }
    }
}

/// Where a token came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Source {
    Keyring,
    Env,
    File,
}

/// A remote as `list` shows it: never a token.
#[derive(Debug, Serialize, PartialEq)]
pub struct ListedRemote {
    pub alias: Alias,
    pub url: Origin,
    pub active: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_cap_stops_reading() {
        let mut big = std::io::Cursor::new(vec![b' '; MAX_INPUT * 4]);
        let e = read_input(&mut big).unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::InvalidRequest);
        assert_eq!(big.position(), MAX_INPUT as u64 + 1);
        let mut ok = std::io::Cursor::new(vec![b' '; MAX_INPUT]);
        assert_eq!(read_input(&mut ok).unwrap().len(), MAX_INPUT);
    }
}
