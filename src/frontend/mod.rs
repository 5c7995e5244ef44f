//! Wire formats: each front end turns its input into the shared operations of `ops`, and keeps
//! selection and storage rules out of its own code.

pub mod docker;
pub mod git;
pub mod json;

use std::ffi::OsString;
use std::path::Path;

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
