//! Replays protocol/vectors and the hostile corpus against the real binary and the real Secret
//! Service (tests/in_process.rs replays the same through `run()`), checking every message against
//! protocol/schema, so the specification cannot drift from the code.

#![cfg(system_tests)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::replay::{self, Target};
use common::*;

impl Target for Sandbox {
    fn fresh(env: &[(String, String)]) -> Self {
        env.iter().fold(Sandbox::new(), |sb, (k, v)| sb.env(k, v))
    }

    fn call(&self, args: &[&str], stdin: &[u8]) -> (String, i32, String) {
        // Fails fast: a generous bound far below the harness's watchdog.
        let out = self
            .cmd()
            .args(args)
            .write_stdin(stdin)
            .timeout(Duration::from_secs(10))
            .output()
            .unwrap();
        let code = out
            .status
            .code()
            .unwrap_or_else(|| panic!("{args:?}: still running after 10 s"));
        (
            String::from_utf8(out.stdout).unwrap(),
            code,
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    fn write_config(&self, text: &str) {
        Sandbox::write_config(self, text);
    }

    fn copy_config(&self, from: &Path) {
        std::fs::copy(from, self.config_path()).unwrap();
    }

    fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        snapshot(&self.dir)
    }

    fn token(&self, url: &str, alias: &str) -> Option<String> {
        self.lookup(url, alias)
    }
}

#[test]
fn vectors_replay() {
    replay::vectors::<Sandbox>();
}

#[test]
fn hostile_input_corpus() {
    replay::hostile::<Sandbox>();
}
