//! What differs between operating systems, one function (or type) per concept, each platform in
//! a file of its own: `unix` (Linux and macOS), then `linux` or `macos` for what differs
//! between those two, and `windows`. Everything else in the crate is written once. This module
//! uses nothing else of the crate's.

mod program;
#[cfg(unix)]
mod terminal;
#[cfg(unix)]
mod unix;
pub(crate) use program::{find_program, only_in_relative_entry};
#[cfg(unix)]
pub(crate) use terminal::read_hidden;
#[cfg(unix)]
pub(crate) use unix::*;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub(crate) use linux::*;

#[cfg(all(unix, not(target_os = "linux")))]
mod macos;
#[cfg(all(unix, not(target_os = "linux")))]
pub(crate) use macos::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub(crate) use windows::*;

/// One of the process's output streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}
