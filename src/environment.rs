//! The process environment as a plain value: only `main` reads the real one. Besides the
//! variables it holds the two other facts of the process the helper's rules depend on: the
//! current folder (a relative `PIPELINE_DIR` is relative to it), whether a person is at a
//! terminal (stdin or stderr), who can answer a keyring's prompt, and what the kernel says about
//! WSL.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Clone, Debug, Default)]
pub struct Environment {
    vars: BTreeMap<OsString, OsString>,
    pub(crate) cwd: Option<PathBuf>,
    pub(crate) terminal: bool,
    /// Whether the kernel is WSL's.
    pub(crate) wsl_kernel: bool,
    /// Whether WSL's interop (which runs Windows programs) is registered with the kernel.
    pub(crate) wsl_interop: bool,
}

impl Environment {
    pub(crate) fn from_process() -> Self {
        Environment {
            vars: std::env::vars_os().collect(),
            cwd: std::env::current_dir().ok(),
            terminal: std::io::stdin().is_terminal() || std::io::stderr().is_terminal(),
            wsl_kernel: crate::sys::wsl_kernel(),
            wsl_interop: crate::sys::wsl_interop(),
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&OsStr> {
        self.vars.get(OsStr::new(key)).map(OsString::as_os_str)
    }

    /// A variable that is set and not empty (an empty value means unset, as in most shells' use).
    pub(crate) fn non_empty(&self, key: &str) -> Option<&OsStr> {
        self.get(key).filter(|v| !v.is_empty())
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&OsStr, &OsStr)> {
        self.vars
            .iter()
            .map(|(k, v)| (k.as_os_str(), v.as_os_str()))
    }

    pub(crate) fn path(&self, key: &str) -> Option<PathBuf> {
        self.non_empty(key).map(PathBuf::from)
    }
}

impl<K: Into<OsString>, V: Into<OsString>> FromIterator<(K, V)> for Environment {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Environment {
            vars: iter
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            ..Environment::default()
        }
    }
}
