//! Replaces a token in a byte stream with a marker, as the stream passes: every other byte goes
//! through unchanged, and the only bytes held back are a tail that could still become the token
//! (released as soon as it cannot, or at the end).

use std::io::{self, Read, Write};

use memchr::memmem;
use zeroize::Zeroizing;

/// What the token is replaced with.
pub const MARKER: &[u8] = b"<concealed by mystic-credential-helper>";

/// Bytes read at a time: large reads keep the relay's cost per byte small.
const CHUNK: usize = 1024 * 1024;

pub struct Concealer {
    token: Zeroizing<Vec<u8>>,
    /// `buf[..held]` is the held-back tail; reads land after it, so a token split across reads
    /// is found without copying the stream.
    buf: Zeroizing<Vec<u8>>,
    held: usize,
}

impl Concealer {
    pub fn new(token: &[u8]) -> Self {
        assert!(!token.is_empty(), "a token is never empty");
        Concealer {
            token: Zeroizing::new(token.to_vec()),
            buf: Zeroizing::new(vec![0; CHUNK + token.len()]),
            held: 0,
        }
    }

    /// Relays `from` into `to` until `from` ends. An error writing `to` ends the relay (the
    /// caller drops `from`, so the writer sees a closed stream, as it would have without us).
    pub fn relay(&mut self, from: &mut impl Read, to: &mut impl Write) -> io::Result<()> {
        loop {
            let n = match from.read(&mut self.buf[self.held..]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            self.pass(self.held + n, to)?;
        }
        to.write_all(&self.buf[..self.held])?;
        self.held = 0;
        Ok(())
    }

    /// Writes `buf[..filled]` with each token replaced, except a tail that may be the start of
    /// one, which moves to the front of the buffer.
    fn pass(&mut self, filled: usize, to: &mut impl Write) -> io::Result<()> {
        let data = &self.buf[..filled];
        let mut pos = 0;
        for at in memmem::find_iter(data, &self.token[..]) {
            write_some(to, &data[pos..at])?;
            to.write_all(MARKER)?;
            pos = at + self.token.len();
        }
        let keep = start_of_token(&data[pos..], &self.token);
        write_some(to, &data[pos..filled - keep])?;
        self.buf.copy_within(filled - keep..filled, 0);
        self.held = keep;
        Ok(())
    }
}

/// The length of the longest end of `data` that is the start of `token` (shorter than it).
fn start_of_token(data: &[u8], token: &[u8]) -> usize {
    let longest = (token.len() - 1).min(data.len());
    (1..=longest)
        .rev()
        .find(|&k| data[data.len() - k..] == token[..k])
        .unwrap_or(0)
}

fn write_some(to: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    match bytes.is_empty() {
        true => Ok(()),
        false => to.write_all(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `parts` as separate reads; returns the output after each read, and at the end.
    fn relayed(token: &str, parts: &[&[u8]]) -> Vec<Vec<u8>> {
        struct Parts<'a>(std::slice::Iter<'a, &'a [u8]>);
        impl Read for Parts<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let Some(part) = self.0.next() else {
                    return Ok(0);
                };
                buf[..part.len()].copy_from_slice(part);
                Ok(part.len())
            }
        }
        let mut c = Concealer::new(token.as_bytes());
        let mut outputs = Vec::new();
        for part in parts {
            let mut out = Vec::new();
            c.pass_for_test(part, &mut out);
            outputs.push(out);
        }
        let mut end = Vec::new();
        c.relay(&mut Parts([].iter()), &mut end).unwrap();
        outputs.push(end);
        let mut whole = Vec::new();
        Concealer::new(token.as_bytes())
            .relay(&mut Parts(parts.iter()), &mut whole)
            .unwrap();
        assert_eq!(whole, outputs.concat(), "relay() and pass() agree");
        outputs
    }

    impl Concealer {
        fn pass_for_test(&mut self, part: &[u8], out: &mut Vec<u8>) {
            let held = self.held;
            self.buf[held..held + part.len()].copy_from_slice(part);
            self.pass(held + part.len(), out).unwrap();
        }
    }

    fn text(outputs: &[Vec<u8>]) -> Vec<String> {
        outputs
            .iter()
            .map(|o| String::from_utf8_lossy(o).into_owned())
            .collect()
    }

    const M: &str = "<concealed by mystic-credential-helper>";

    #[test]
    fn whole_tokens_are_replaced_and_nothing_else_changes() {
        let out = relayed("pk_secret", &[b"a pk_secret b pk_secretpk_secret c\n"]);
        assert_eq!(text(&out), [format!("a {M} b {M}{M} c\n"), String::new()]);
        let binary: Vec<u8> = (0..=255).collect();
        assert_eq!(relayed("pk_secret", &[&binary]).concat(), binary);
    }

    #[test]
    fn a_token_split_across_reads_is_concealed_and_the_rest_flows() {
        let out = relayed("pk_secret", &[b"progress\nkey=pk_se", b"cret\n"]);
        assert_eq!(
            text(&out),
            ["progress\nkey=".to_owned(), format!("{M}\n"), String::new()]
        );
        // One byte at a time.
        let token = "pk_secret";
        let input = format!("x{token}y");
        let parts: Vec<&[u8]> = input.as_bytes().chunks(1).collect();
        assert_eq!(text(&[relayed(token, &parts).concat()]), [format!("x{M}y")]);
    }

    #[test]
    fn a_held_tail_is_released_once_it_cannot_be_the_token() {
        let out = relayed("abcabd", &[b"xxabcab", b"c", b"abd!"]);
        // "abcab" may start the token; "abcabc" no longer can from its start, but "abc" still may.
        assert_eq!(
            text(&out),
            [
                "xx".to_owned(),
                "abc".to_owned(),
                format!("{M}!"),
                String::new()
            ]
        );
        // At the end, a held tail is released as it is.
        assert_eq!(text(&relayed("abcabd", &[b"abca"])), ["", "abca"]);
    }
}
