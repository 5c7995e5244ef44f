//! exec's child's stdout and stderr: where one is not a terminal (a pipe, a file, a CI log), the
//! child writes into a pipe and the helper relays it with the token concealed. A terminal stays
//! the child's own, so interactive programs and colours keep working. When stdout and stderr are
//! the same file (`>log 2>&1`), the child gets one pipe for both, so their order is kept.

use std::io::{self, IsTerminal};
use std::process::Stdio;
use std::thread::JoinHandle;

use super::conceal::Concealer;
use crate::sys::{self, Stream};

/// The child's stdout and stderr, and the relays that carry them.
pub(crate) struct Outputs {
    pub(crate) stdout: Stdio,
    pub(crate) stderr: Stdio,
    pub(crate) relays: Relays,
}

/// The threads relaying the child's output.
#[derive(Default)]
pub(crate) struct Relays(Vec<JoinHandle<()>>);

impl Outputs {
    /// Both inherited: no concealing (`--no-mask`).
    pub(crate) fn inherited() -> Self {
        Outputs {
            stdout: Stdio::inherit(),
            stderr: Stdio::inherit(),
            relays: Relays::default(),
        }
    }

    /// Relays for the streams that are not terminals, concealing `token`.
    pub(crate) fn concealing(token: &[u8]) -> io::Result<Self> {
        let out_piped = !io::stdout().is_terminal();
        let err_piped = !io::stderr().is_terminal();
        let mut outputs = Outputs::inherited();
        if out_piped && err_piped && sys::same_file(Stream::Stdout, Stream::Stderr) {
            let writer = outputs.relay(token, Stream::Stdout)?;
            outputs.stderr = Stdio::from(writer.try_clone()?);
            outputs.stdout = Stdio::from(writer);
            return Ok(outputs);
        }
        if out_piped {
            outputs.stdout = Stdio::from(outputs.relay(token, Stream::Stdout)?);
        }
        if err_piped {
            outputs.stderr = Stdio::from(outputs.relay(token, Stream::Stderr)?);
        }
        Ok(outputs)
    }

    /// A pipe whose reading end a thread relays into `to`; returns the writing end.
    fn relay(&mut self, token: &[u8], to: Stream) -> io::Result<io::PipeWriter> {
        let (mut reader, writer) = io::pipe()?;
        sys::widen_pipe(&reader);
        let mut target = sys::stream_file(to)?;
        let mut concealer = Concealer::new(token);
        self.relays.0.push(std::thread::spawn(move || {
            // On an error (our stream closed), `reader` is dropped: the child's next write
            // fails as it would have on the closed stream itself.
            let _ = concealer.relay(&mut reader, &mut target);
        }));
        Ok(writer)
    }
}

impl Relays {
    /// Waits until every writer (the child, and anything it started that kept the stream) has
    /// closed the pipes, and everything is relayed.
    pub(crate) fn finish(self) {
        for relay in self.0 {
            let _ = relay.join();
        }
    }
}
