//! Wire formats: each front end turns its input into the shared operations of `ops`.

pub mod json;
