//! Replaces a token in a byte stream with a marker, as the stream passes: every other byte goes
//! through unchanged, and the only bytes held back are a tail that could still become one of the
//! token's forms (released as soon as it cannot, or at the end). The forms are those logs really
//! hold, as GitHub's runner conceals them: the token itself, base64 (an `Authorization: Basic`
//! header) at each of the three byte alignments, percent-encoded, and JSON-escaped.

use std::io::{self, Read, Write};

use aho_corasick::Span;
use aho_corasick::packed;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use memchr::memmem;
use zeroize::Zeroizing;

/// What the token is replaced with.
pub(crate) const MARKER: &[u8] = b"<concealed by mystic-credential-helper>";

/// Bytes read at a time: large reads keep the relay's cost per byte small.
const CHUNK: usize = 1024 * 1024;
/// How much of each form the one-pass search looks for.
const FRAGMENT: usize = 4;

pub(crate) struct Concealer {
    /// The token's forms, each once, longest first (of two found at one place, the longer wins).
    forms: Vec<Zeroizing<Vec<u8>>>,
    /// The first `FRAGMENT` bytes of each form, searched for in one pass (Teddy, where the
    /// processor has it); a place one starts is then compared with the forms themselves. Only
    /// these few bytes of each form exist outside zeroized memory.
    starts: Option<packed::Searcher>,
    /// `buf[..held]` is the held-back tail; reads land after it, so a form split across reads is
    /// found without copying the stream.
    buf: Zeroizing<Vec<u8>>,
    held: usize,
}

impl Concealer {
    pub(crate) fn new(token: &[u8]) -> Self {
        assert!(!token.is_empty(), "a token is never empty");
        let forms = forms(token);
        let longest = forms.iter().map(|f| f.len()).max().unwrap_or(0);
        let starts = packed::Searcher::new(forms.iter().map(|f| &f[..f.len().min(FRAGMENT)]));
        Concealer {
            forms,
            starts,
            buf: Zeroizing::new(vec![0; CHUNK + longest]),
            held: 0,
        }
    }

    /// Relays `from` into `to` until `from` ends. An error writing `to` ends the relay (the
    /// caller drops `from`, so the writer sees a closed stream, as it would have without us).
    pub(crate) fn relay(&mut self, from: &mut impl Read, to: &mut impl Write) -> io::Result<()> {
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

    /// Writes `buf[..filled]` with each form replaced, except a tail that may be the start of
    /// one, which moves to the front of the buffer.
    fn pass(&mut self, filled: usize, to: &mut impl Write) -> io::Result<()> {
        let data = &self.buf[..filled];
        let mut pos = 0;
        for (at, len) in self.matches(data) {
            write_some(to, &data[pos..at])?;
            to.write_all(MARKER)?;
            pos = at + len;
        }
        let keep = self
            .forms
            .iter()
            .map(|form| start_of(&data[pos..], form))
            .max()
            .unwrap_or(0);
        write_some(to, &data[pos..filled - keep])?;
        self.buf.copy_within(filled - keep..filled, 0);
        self.held = keep;
        Ok(())
    }

    /// Where the forms occur in `data`, as (start, length), leftmost first and not overlapping.
    fn matches(&self, data: &[u8]) -> Vec<(usize, usize)> {
        let Some(starts) = &self.starts else {
            return self.matches_one_by_one(data);
        };
        let mut found = Vec::new();
        let mut pos = 0;
        while let Some(m) = starts.find_in(data, Span::from(pos..data.len())) {
            let here = &data[m.start()..];
            match self.forms.iter().find(|form| here.starts_with(form)) {
                Some(form) => {
                    found.push((m.start(), form.len()));
                    pos = m.start() + form.len();
                }
                None => pos = m.start() + 1,
            }
        }
        found
    }

    /// `matches` where no one-pass search is available: one memmem search per form (its finder
    /// borrows the form, so no copy of it exists).
    fn matches_one_by_one(&self, data: &[u8]) -> Vec<(usize, usize)> {
        let mut found: Vec<(usize, usize)> = Vec::new();
        for form in &self.forms {
            found.extend(memmem::find_iter(data, &form[..]).map(|at| (at, form.len())));
        }
        // Leftmost first; at one place, the longest.
        found.sort_unstable_by_key(|&(at, len)| (at, std::cmp::Reverse(len)));
        let mut end = 0;
        found.retain(|&(at, len)| {
            let keep = at >= end;
            if keep {
                end = at + len;
            }
            keep
        });
        found
    }
}

/// The token's forms that logs contain, each once, longest first.
fn forms(token: &[u8]) -> Vec<Zeroizing<Vec<u8>>> {
    let mut forms = vec![Zeroizing::new(token.to_vec())];
    for engine in [STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
        for offset in 0..3 {
            forms.push(base64_inside(&engine, token, offset));
        }
    }
    // Which characters stay as they are: RFC 3986's unreserved (Python's quote), JavaScript's
    // encodeURIComponent, HTML forms (requests' `data=`), and none.
    for kept in [&b"-._~"[..], b"-._~!*'()", b"-._*", b""] {
        for upper in [true, false] {
            forms.push(percent_encoded(token, kept, upper));
        }
    }
    if let Ok(text) = std::str::from_utf8(token) {
        for (slash, ascii) in [(false, false), (true, false), (false, true), (true, true)] {
            forms.push(json_escaped(text, slash, ascii));
        }
    }
    forms.retain(|f| !f.is_empty());
    forms.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    forms.dedup();
    forms
}

/// The base64 characters that encode only the token's bits when it starts `offset` bytes (0 to
/// 2) into a 3-byte group: those shared with the bytes around it are left out.
fn base64_inside(engine: &impl Engine, token: &[u8], offset: usize) -> Zeroizing<Vec<u8>> {
    let mut input = Zeroizing::new(vec![0; offset]);
    input.extend_from_slice(token);
    let mut encoded = Zeroizing::new(vec![0; input.len().div_ceil(3) * 4]);
    let n = engine
        .encode_slice(&input[..], &mut encoded[..])
        .expect("the buffer fits the encoding");
    let first = (8 * offset).div_ceil(6);
    let last = (8 * (offset + token.len()) / 6).min(n);
    Zeroizing::new(encoded.get(first..last).unwrap_or_default().to_vec())
}

/// Percent-encoding of all but letters, digits and `kept`, in upper or lower case hex.
fn percent_encoded(token: &[u8], kept: &[u8], upper: bool) -> Zeroizing<Vec<u8>> {
    let digits: &[u8; 16] = match upper {
        true => b"0123456789ABCDEF",
        false => b"0123456789abcdef",
    };
    let mut out = Zeroizing::new(Vec::with_capacity(token.len() * 3));
    for &b in token {
        match b.is_ascii_alphanumeric() || kept.contains(&b) {
            true => out.push(b),
            false => out.extend([
                b'%',
                digits[usize::from(b >> 4)],
                digits[usize::from(b & 15)],
            ]),
        }
    }
    out
}

/// JSON string escaping (a token has no whitespace or control characters): `"` and `\`; with
/// `slash`, `/` as `\/` too; with `ascii`, every other character as `\u` escapes (Python's
/// json.dumps does that by default).
fn json_escaped(token: &str, slash: bool, ascii: bool) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(token.len() * 2));
    for c in token.chars() {
        match c {
            '"' | '\\' => out.extend([b'\\', c as u8]),
            '/' if slash => out.extend(*b"\\/"),
            c if ascii && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.extend(*b"\\u");
                    out.extend(
                        (0..4)
                            .rev()
                            .map(|i| b"0123456789abcdef"[usize::from(*unit >> (4 * i)) & 15]),
                    );
                }
            }
            c => out.extend(c.encode_utf8(&mut [0; 4]).bytes()),
        }
    }
    out
}

/// The length of the longest end of `data` that is the start of `form` (shorter than it).
fn start_of(data: &[u8], form: &[u8]) -> usize {
    let longest = form.len().saturating_sub(1).min(data.len());
    (1..=longest)
        .rev()
        .find(|&k| data[data.len() - k..] == form[..k])
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
        // Where the one-pass search is not available, one search per form finds the same.
        let mut one_by_one = Concealer::new(token.as_bytes());
        one_by_one.starts = None;
        let mut slow = Vec::new();
        one_by_one
            .relay(&mut Parts(parts.iter()), &mut slow)
            .unwrap();
        assert_eq!(slow, whole, "both searches agree");
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

    /// A token with every character the encodings treat specially.
    const ODD: &str = "pipeline_sk_a/b+c\"d\\e%f~g*h(é)=";

    /// `text` relayed whole, as text.
    fn concealed(token: &str, text: &[u8]) -> String {
        String::from_utf8_lossy(&relayed(token, &[text]).concat()).into_owned()
    }

    /// Base64, as a debug log prints an `Authorization: Basic` header: whatever the bytes around
    /// the token, only the characters it shares with them are left.
    #[test]
    fn base64_forms_are_concealed_at_every_alignment() {
        use base64::engine::general_purpose::{STANDARD, URL_SAFE};
        for user in ["", "u", "us", "user", "a-longer-name"] {
            for after in ["", "!", "!!", "!!!"] {
                for engine in [STANDARD, URL_SAFE] {
                    let encoded = engine.encode(format!("{user}:{ODD}{after}"));
                    let out = concealed(ODD, format!("Basic {encoded}\n").as_bytes());
                    assert_eq!(out.matches(M).count(), 1, "{out}");
                    let left = out.len() - M.len() - "Basic \n".len();
                    let around = (user.len() + 1 + after.len()) * 4 / 3 + 4;
                    assert!(left <= around, "{user:?} {after:?}: {out}");
                }
            }
        }
    }

    /// Percent-encoded (as Python's quote, JavaScript's encodeURIComponent and HTML forms do it,
    /// in either case) and JSON-escaped (as serde and Python's json.dumps do it).
    #[test]
    fn percent_and_json_forms_are_concealed() {
        let form: String = url::form_urlencoded::byte_serialize(ODD.as_bytes()).collect();
        let quote = form.replace("%7E", "~").replace('*', "%2A");
        let python_json = "pipeline_sk_a/b+c\\\"d\\\\e%f~g*h(\\u00e9)=";
        for text in [
            form.clone(),
            form.to_lowercase(),
            quote,
            serde_json::to_string(ODD).unwrap(),
            python_json.to_owned(),
            python_json.replace('/', "\\/"),
        ] {
            let out = concealed(ODD, format!("x={text}&y").as_bytes());
            assert_eq!(out.matches(M).count(), 1, "{text} -> {out}");
            assert!(out.len() <= M.len() + 6, "{text} -> {out}");
        }
    }

    /// Several forms in one read are each concealed, whichever comes first (the forms are
    /// searched longest first, the text is not).
    #[test]
    fn several_forms_in_one_read_are_each_concealed() {
        let json = serde_json::to_string(ODD).unwrap();
        let text = format!("{ODD} then {} then {ODD}\n", &json[1..json.len() - 1]);
        let out = concealed(ODD, text.as_bytes());
        assert_eq!(out, format!("{M} then {M} then {M}\n"));
    }

    /// Every form is found whichever read it is split across.
    #[test]
    fn every_form_is_found_across_reads() {
        for form in forms(ODD.as_bytes()) {
            for cut in [1, form.len() / 2, form.len() - 1] {
                let mut text = b"<".to_vec();
                text.extend_from_slice(&form);
                text.push(b'>');
                let out = relayed(ODD, &[&text[..cut], &text[cut..]]).concat();
                assert_eq!(out, format!("<{M}>").as_bytes(), "{cut}");
            }
        }
    }

    /// A read interrupted by a signal (exec forwards signals while it relays) is retried: no
    /// byte is lost, and the relay does not end early.
    #[test]
    fn an_interrupted_read_is_retried() {
        struct Interrupting(Vec<io::Result<&'static [u8]>>);
        impl Read for Interrupting {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                match self.0.pop() {
                    None => Ok(0),
                    Some(Err(e)) => Err(e),
                    Some(Ok(part)) => {
                        buf[..part.len()].copy_from_slice(part);
                        Ok(part.len())
                    }
                }
            }
        }
        let interrupted = || Err(io::Error::from(io::ErrorKind::Interrupted));
        let mut from = Interrupting(vec![
            Ok(b"ret\n"),
            interrupted(),
            Ok(b"a pk_sec"),
            interrupted(),
        ]);
        let mut out = Vec::new();
        Concealer::new(b"pk_secret")
            .relay(&mut from, &mut out)
            .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), format!("a {M}\n"));
        let mut failing = Interrupting(vec![Err(io::Error::other("broken"))]);
        let e = Concealer::new(b"pk_secret")
            .relay(&mut failing, &mut Vec::new())
            .unwrap_err();
        assert_eq!(e.to_string(), "broken");
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
