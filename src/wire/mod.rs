//! Wire formats: each credential-helper protocol (the native JSON one, git's, docker's) turns
//! its input into the operations of `ops` and encodes the outcome as that protocol does;
//! `serve` is the one driver. Selection and storage rules stay out of them.

pub(crate) mod docker;
pub(crate) mod git;
pub(crate) mod json;

use crate::error::{Error, Exit};
use crate::ops::Ctx;
use crate::streams::Io;
use crate::streams::read_input;

/// One credential-helper protocol.
pub(crate) trait Protocol {
    type Request;
    type Answer;
    /// How the protocol states a failure (docker's has texts of its own).
    type Failure: From<Error>;

    /// Whether the action reads stdin (docker's `version` does not).
    fn reads_input(&self) -> bool {
        true
    }
    /// What to tell a person whose terminal is stdin: what to type, and how to end it.
    fn terminal_hint(&self) -> Option<String> {
        None
    }
    fn decode(&self, input: &[u8]) -> Result<Self::Request, Self::Failure>;
    /// Answers through `ops`.
    fn answer(
        &self,
        ctx: &Ctx,
        request: Self::Request,
    ) -> Result<Answered<Self::Answer>, Self::Failure>;
    /// Writes the outcome as the protocol does; how the process ends.
    fn encode(&self, outcome: Result<Self::Answer, Self::Failure>, io: &mut Io) -> Exit;
}

/// An answer, and the warning line (for stderr) that goes with it.
pub(crate) struct Answered<T> {
    pub(crate) value: T,
    pub(crate) warning: Option<String>,
}

impl<T> Answered<T> {
    pub(crate) fn plain(value: T) -> Self {
        Answered {
            value,
            warning: None,
        }
    }
}

/// Reads the request, answers it, prints any warning, and encodes the outcome.
pub(crate) fn serve<P: Protocol>(protocol: P, ctx: &Ctx, io: &mut Io) -> Exit {
    if io.interactive
        && protocol.reads_input()
        && let Some(hint) = protocol.terminal_hint()
    {
        let _ = writeln!(io.stderr, "mystic-credential-helper: {hint}");
    }
    let input = match protocol.reads_input() {
        true => read_input(io.stdin).map_err(P::Failure::from),
        false => Ok(Vec::new()),
    };
    let outcome = input
        .and_then(|input| protocol.decode(&input))
        .and_then(|request| {
            ctx.check()?;
            protocol.answer(ctx, request)
        })
        .map(|Answered { value, warning }| {
            if let Some(line) = warning {
                io.warn(&line);
            }
            value
        });
    protocol.encode(outcome, io)
}
