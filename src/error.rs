//! One error type for the whole library, and the one table that maps its kinds to exit codes
//! (the man page is generated from it; a test holds README.md and PROTOCOL.md to it).
//!
//! Messages are built only from non-secret data: no constructor takes a token.

use serde::{Deserialize, Serialize};

/// Stable, kebab-case error kinds: part of the wire contract (see protocol/PROTOCOL.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorKind {
    NotFound,
    InvalidRequest,
    UnsupportedVersion,
    StoreUnavailable,
    Config,
    Ambiguous,
    Io,
    Unauthorized,
    Network,
}

/// The kind's wire name, as serde writes it.
impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.serialize(f)
    }
}

impl ErrorKind {
    #[cfg(test)]
    pub(crate) const ALL: [ErrorKind; 9] = [
        ErrorKind::NotFound,
        ErrorKind::InvalidRequest,
        ErrorKind::UnsupportedVersion,
        ErrorKind::StoreUnavailable,
        ErrorKind::Config,
        ErrorKind::Ambiguous,
        ErrorKind::Io,
        ErrorKind::Unauthorized,
        ErrorKind::Network,
    ];

    /// The exit code and what the kind means: the table.
    fn row(self) -> (i32, &'static str) {
        match self {
            ErrorKind::NotFound => (1, "no such remote, or no token for it"),
            ErrorKind::InvalidRequest => (2, "a malformed, oversized or invalid request"),
            ErrorKind::UnsupportedVersion => (2, "`v` is not 1"),
            ErrorKind::StoreUnavailable => (
                3,
                "the chosen keyring is missing, locked, full, or did not answer within 5 s; or its prompt was dismissed, went unanswered, or its service went away while it was open",
            ),
            ErrorKind::Config => (
                4,
                "config.yaml, or a `PIPELINE_*`, `MYSTIC_*` or `GITHUB_ENV` variable, cannot be used; config.yaml is left byte-identical",
            ),
            ErrorKind::Ambiguous => (5, "a url matches several remotes and none is active"),
            ErrorKind::Io => (
                6,
                "a file operation failed (full disk, unwritable folder, lock held for over 10 s); nothing was changed",
            ),
            ErrorKind::Unauthorized => (
                7,
                "the API refused the token `login` checked (HTTP 401 or 403); nothing was stored",
            ),
            ErrorKind::Network => (
                8,
                "the API `login` checks against could not be reached, or answered another status; nothing was stored",
            ),
        }
    }
}

/// How a command ends. Every exit code the helper uses is decided here, in `code`, and nowhere
/// else; `exit_codes` (which the documents and the man page show) is generated from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    Success,
    /// A failure of this kind.
    Error(ErrorKind),
    /// A command-line usage error (clap's message on stderr).
    Usage,
    /// docker's credential-helper protocol, where every failure is 1 (clients read the text).
    DockerFailure,
    /// `exec`: the command is not there.
    CommandNotFound,
    /// `exec`: the command is there but cannot run.
    CommandCannotRun,
    /// `exec`: the command's own exit code (all 32 bits of it on Windows).
    Child(i32),
    /// `exec`: the command was killed by this signal.
    Killed(i32),
}

impl Exit {
    pub fn code(self) -> i32 {
        match self {
            Exit::Success => 0,
            Exit::Error(kind) => kind.row().0,
            Exit::Usage => 2,
            Exit::DockerFailure => 1,
            Exit::CommandNotFound => 127,
            Exit::CommandCannotRun => 126,
            Exit::Child(code) => code,
            Exit::Killed(signal) => 128 + signal,
        }
    }
}

/// Every exit code with its meaning, in order, for the documents and the man page.
#[cfg(test)]
pub(crate) fn exit_codes() -> Vec<(String, String)> {
    let mut rows = vec![(Exit::Success.code().to_string(), "success".to_owned())];
    for code in 1..=8 {
        let mut meaning: Vec<String> = ErrorKind::ALL
            .iter()
            .filter(|k| Exit::Error(**k).code() == code)
            .map(|k| format!("`{k}`: {}", k.row().1))
            .collect();
        if code == Exit::Usage.code() {
            meaning.push("a command-line usage error (clap's message on stderr)".into());
        }
        rows.push((code.to_string(), meaning.join("; ")));
    }
    rows.push((
        format!(
            "{}, {}, {}+N",
            Exit::CommandCannotRun.code(),
            Exit::CommandNotFound.code(),
            Exit::Killed(0).code()
        ),
        "`exec`: CMD cannot be run, is not found, or was killed by signal N; otherwise `exec` exits with CMD's own code".into(),
    ));
    rows
}

/// The exit-code table in Markdown, exactly as README.md and PROTOCOL.md show it.
#[cfg(test)]
fn exit_code_markdown() -> String {
    let mut table = String::from("| code | meaning |\n|---|---|\n");
    for (code, meaning) in exit_codes() {
        table.push_str(&format!("| {code} | {meaning} |\n"));
    }
    table
}

#[derive(Clone, Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// A keyring write that was sent and then not answered: it may or may not have happened,
    /// and an undo must not assume either.
    pub(crate) unknown_outcome: bool,
    /// The store is full (the kernel's key quota): what to remove comes after `MAKE_ROOM`.
    pub(crate) store_full: bool,
}

pub(crate) type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            unknown_outcome: false,
            store_full: false,
        }
    }
    /// This error, for a store that is full.
    #[cfg(any(target_os = "linux", test, feature = "memory-store"))] // the stores that can say so
    pub(crate) fn store_full(mut self) -> Self {
        self.store_full = true;
        self
    }
    /// This error, for a write whose outcome is not known.
    #[cfg(any(target_os = "linux", test, feature = "memory-store"))] // the stores that can say so
    pub(crate) fn outcome_unknown(mut self) -> Self {
        self.unknown_outcome = true;
        self
    }
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidRequest, message)
    }
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }
    pub(crate) fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::StoreUnavailable, message)
    }
    /// An I/O failure on `what` (a path or an action); the OS error text never holds a secret.
    pub(crate) fn io(what: impl std::fmt::Display, err: &std::io::Error) -> Self {
        Self::new(ErrorKind::Io, format!("{what}: {err}"))
    }
    /// Writes this error's one human line to stderr; how the process ends.
    pub(crate) fn report(&self, stderr: &mut dyn std::io::Write) -> Exit {
        let _ = writeln!(
            stderr,
            "mystic-credential-helper: {}: {}",
            self.kind, self.message
        );
        Exit::Error(self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_print_their_wire_names() {
        assert_eq!(ErrorKind::StoreUnavailable.to_string(), "store-unavailable");
        assert_eq!(
            serde_json::to_string(&ErrorKind::NotFound).unwrap(),
            "\"not-found\""
        );
    }

    /// PROTOCOL.md shows the one table, word for word; the README links to it.
    #[test]
    fn the_documents_show_this_table() {
        let table = exit_code_markdown();
        let protocol = include_str!("../protocol/PROTOCOL.md");
        assert!(
            protocol.contains(&table),
            "PROTOCOL.md must contain, verbatim:\n{table}"
        );
        assert!(include_str!("../README.md").contains("(protocol/PROTOCOL.md#errors)"));
    }
}
