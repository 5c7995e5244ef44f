//! What differs between operating systems, one function per concept, each platform in a file
//! of its own. Everything else in the crate is written once.

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;
