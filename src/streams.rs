//! The process's streams, passed in as values so that tests use a Cursor and Vecs; only `main`
//! hands over the real ones.

use std::io::{Read, Write};

pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Whether stdin is a terminal (then `login` prompts without echo instead of reading it).
    pub interactive: bool,
}

impl Io<'_> {
    /// One warning line on stderr.
    pub fn warn(&mut self, line: &str) {
        let _ = writeln!(self.stderr, "mystic-credential-helper: warning: {line}");
    }
}
