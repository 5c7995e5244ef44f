//! One error type for the whole library, and the one table that maps its kinds to exit codes.
//!
//! Messages are built only from non-secret data: no constructor takes a token.

use serde::Serialize;

/// Stable, kebab-case error kinds: part of the wire contract (see protocol/PROTOCOL.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorKind {
    NotFound,
    InvalidRequest,
    UnsupportedVersion,
    Ambiguous,
    StoreUnavailable,
    Config,
    Io,
    /// The API refused the token (HTTP 401 or 403).
    Unauthorized,
    /// The API could not be reached, timed out, or answered unexpectedly.
    Network,
}

impl ErrorKind {
    /// The exit-code table. Keep it in step with protocol/PROTOCOL.md and the README.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::NotFound => 1,
            ErrorKind::InvalidRequest | ErrorKind::UnsupportedVersion => 2,
            ErrorKind::StoreUnavailable => 3,
            ErrorKind::Config => 4,
            ErrorKind::Ambiguous => 5,
            ErrorKind::Io => 6,
            ErrorKind::Unauthorized => 7,
            ErrorKind::Network => 8,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not-found",
            ErrorKind::InvalidRequest => "invalid-request",
            ErrorKind::UnsupportedVersion => "unsupported-version",
            ErrorKind::Ambiguous => "ambiguous",
            ErrorKind::StoreUnavailable => "store-unavailable",
            ErrorKind::Config => "config",
            ErrorKind::Io => "io",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Network => "network",
        }
    }
}

#[derive(Clone, Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidRequest, message)
    }
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::StoreUnavailable, message)
    }
    /// An I/O failure on `what` (a path or an action); the OS error text never holds a secret.
    pub fn io(what: impl std::fmt::Display, err: &std::io::Error) -> Self {
        Self::new(ErrorKind::Io, format!("{what}: {err}"))
    }
    pub fn exit_code(&self) -> u8 {
        self.kind.exit_code()
    }

    /// Writes this error's one human line to stderr and returns its exit code.
    pub fn report(&self, stderr: &mut dyn std::io::Write) -> u8 {
        let _ = writeln!(
            stderr,
            "mystic-credential-helper: {}: {}",
            self.kind.as_str(),
            self.message
        );
        self.exit_code()
    }
}
