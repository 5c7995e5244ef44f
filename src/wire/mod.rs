//! Wire formats: each credential-helper protocol (the native JSON one, git's, docker's) turns
//! its input into the operations of `ops` and encodes the outcome as that protocol does;
//! `serve` is the one driver. Selection and storage rules stay out of them.

pub mod docker;
pub mod git;
pub mod json;

use std::ffi::OsString;
use std::path::Path;

use crate::error::{Error, Exit};
use crate::ops::Ctx;
use crate::protocol::read_input;
use crate::streams::Io;

/// One credential-helper protocol.
pub trait Protocol {
    type Request;
    type Answer;
    /// How the protocol states a failure (docker's has texts of its own).
    type Failure: From<Error>;

    /// Whether the action reads stdin (docker's `version` does not).
    fn reads_input(&self) -> bool {
        true
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
pub struct Answered<T> {
    pub value: T,
    pub warning: Option<String>,
}

impl<T> Answered<T> {
    pub fn plain(value: T) -> Self {
        Answered {
            value,
            warning: None,
        }
    }
}

/// Reads the request, answers it, prints any warning, and encodes the outcome.
pub fn serve<P: Protocol>(protocol: P, ctx: &Ctx, io: &mut Io) -> Exit {
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

/// Invoked as `git-credential-mystic ACTION` or `docker-credential-mystic ACTION` (a link to this
/// binary), the program behaves as `mystic-credential-helper git|docker ACTION`.
pub fn expand_argv0(mut args: Vec<OsString>) -> Vec<OsString> {
    let name = args
        .first()
        .and_then(|a| Path::new(a).file_stem())
        .map(|s| s.to_string_lossy().into_owned());
    let mode = match name.as_deref() {
        Some("git-credential-mystic") => "git",
        Some("docker-credential-mystic") => "docker",
        _ => return args,
    };
    args.insert(1.min(args.len()), mode.into());
    args
}
