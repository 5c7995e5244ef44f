//! The process's streams, passed in as values so that tests use a Cursor and Vecs; only `main`
//! hands over the real ones. Reading stdin and writing stdout go through the two functions here,
//! so that the input cap and the error of a closed stdout are written once.

use std::io::{Read, Write};

use crate::error::{Error, Result};

pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Whether stdin is a terminal (then `login` prompts without echo instead of reading it).
    pub interactive: bool,
}

impl Io<'_> {
    /// One warning line on stderr.
    pub(crate) fn warn(&mut self, line: &str) {
        let _ = writeln!(self.stderr, "mystic-credential-helper: warning: {line}");
    }
}

/// Requests larger than this are refused; the reader stops at the cap.
pub(crate) const MAX_INPUT: usize = 64 * 1024;

/// Reads at most `MAX_INPUT` bytes; one byte more means the request is too large.
pub(crate) fn read_input(input: &mut dyn Read) -> Result<Vec<u8>> {
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

/// Writes `text` to stdout (`out`) and flushes it.
pub(crate) fn print(out: &mut dyn Write, text: &str) -> Result<()> {
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("writing stdout", &e))
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
        // The contract's cap (protocol/PROTOCOL.md): 64 KiB, 65536 bytes.
        let mut ok = std::io::Cursor::new(vec![b' '; 65536]);
        assert_eq!(read_input(&mut ok).unwrap().len(), 65536);
        let mut over = std::io::Cursor::new(vec![b' '; 65537]);
        assert!(read_input(&mut over).is_err());
    }
}
