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
use crate::store::StoreKind;
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

/// Invoked as `git-credential-mystic ACTION` or `docker-credential-mystic ACTION` (a link to this
/// binary), the program behaves as `mystic-credential-helper git|docker ACTION`; as
/// `docker-credential-mystic-STORE` (what `configure docker` registers for a chosen store), as
/// `mystic-credential-helper --store STORE docker ACTION`.
pub fn expand_argv0(mut args: Vec<OsString>) -> Vec<OsString> {
    let name = args
        .first()
        .and_then(|a| Path::new(a).file_stem())
        .map(|s| s.to_string_lossy().into_owned());
    let Some((mode, store)) = name.as_deref().and_then(mode_of) else {
        return args;
    };
    let at = 1.min(args.len());
    let words = store.into_iter().flat_map(|s| ["--store".into(), s.into()]);
    args.splice(at..at, words.chain([mode.into()]));
    args
}

/// The mode (and store) a program name stands for.
fn mode_of(name: &str) -> Option<(&'static str, Option<&str>)> {
    match name {
        "git-credential-mystic" => Some(("git", None)),
        "docker-credential-mystic" => Some(("docker", None)),
        _ => {
            let store = name.strip_prefix("docker-credential-mystic-")?;
            StoreKind::parse(store).ok()?;
            Some(("docker", Some(store)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(args: &[&str]) -> Vec<String> {
        let args = args.iter().map(OsString::from).collect();
        expand_argv0(args)
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn a_programs_name_chooses_its_mode_and_store() {
        assert_eq!(
            expanded(&["/b/git-credential-mystic", "get"]),
            ["/b/git-credential-mystic", "git", "get"]
        );
        assert_eq!(
            expanded(&["docker-credential-mystic.exe", "list"]),
            ["docker-credential-mystic.exe", "docker", "list"]
        );
        assert_eq!(
            expanded(&["/b/docker-credential-mystic-keyutils", "get"]),
            [
                "/b/docker-credential-mystic-keyutils",
                "--store",
                "keyutils",
                "docker",
                "get"
            ]
        );
        for unchanged in [
            &["/b/docker-credential-mystic-floppy", "get"][..],
            &["mystic-credential-helper", "get"],
            &["git-credential-mystic-keyutils", "get"],
        ] {
            assert_eq!(expanded(unchanged), unchanged);
        }
    }
}
