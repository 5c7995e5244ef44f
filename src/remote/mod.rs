//! A remote's values, which every front end shares: its alias, its origin and its token, each
//! validated at one choke point (`validate.rs`); what a request selects; where a token came
//! from. Wire formats live with their front ends (`wire/`).

pub(crate) mod validate;

use serde::Serialize;

pub use validate::{Alias, Origin, Token};

/// The version of every JSON answer: the native protocol's `v`, and `status --json`'s.
pub(crate) const VERSION: u64 = 1;

/// Which remote a request means: by alias, by url, or (neither) the default choice.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selector {
    pub(crate) alias: Option<Alias>,
    pub(crate) url: Option<Origin>,
}

impl Selector {
    pub(crate) fn new(alias: Option<Alias>, url: Option<Origin>) -> Self {
        Selector { alias, url }
    }
}

/// Where a token came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub(crate) enum Source {
    Keyring,
    Env,
    File,
}
