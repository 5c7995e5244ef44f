//! Replays protocol/vectors and the hostile corpus against the real binary and the real Secret
//! Service (tests/in_process replays the same through `run()`), checking every message against
//! protocol/schema, so the specification cannot drift from the code.

use std::time::Duration;

use crate::common;
use common::Sandbox;
use common::replay;

/// The real binary, failing fast: a generous bound far below the harness's watchdog.
fn fresh(env: &[(String, String)]) -> Sandbox {
    env.iter().fold(
        Sandbox::new().with_watchdog(Duration::from_secs(10)),
        |sb, (k, v)| sb.env(k, v),
    )
}

#[test]
fn vectors_replay() {
    replay::vectors(&fresh);
}

#[test]
fn hostile_input_corpus() {
    replay::hostile(&fresh);
}
