#!/usr/bin/env bash
# Mutation testing of the core modules (the config.yaml mirror, resolve, protocol validation and
# decoding, the write path) with cargo-mutants, against the in-process suites; settings in
# .cargo/mutants.toml. Mutants that no test can tell apart from the original are listed, with
# the reason, in mutants-equivalent.txt (exclude_re). Exits non-zero on any unexplained
# survivor. About 35 minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install --locked cargo-mutants
cargo mutants --no-shuffle "$@"
