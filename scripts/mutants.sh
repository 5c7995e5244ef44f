#!/usr/bin/env bash
# Mutation testing of the core modules (the config.yaml mirror, resolve, protocol validation and
# decoding, the write path) with cargo-mutants, against the in-process suites; settings in
# .cargo/mutants.toml. Mutants that no test can tell apart from the original are listed there,
# each with its reason (exclude_re). Exits non-zero on any other survivor (timeouts count as
# caught). About an hour on a 2-core machine, so it is not part of .ci/run;
# `scripts/mutants.sh --re src/config/yaml.rs` checks one file.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-mutants >/dev/null || cargo install --locked cargo-mutants
# The verdict comes from missed.txt: cargo-mutants exits 3 for timeouts even when some mutants
# were also missed. A timeout is a mutant the tests noticed the slow way (the alias-bomb cases
# expand without their budget), so it counts as caught.
status=0
cargo mutants --no-shuffle "$@" || status=$?
case "$status" in
    0 | 2 | 3) ;;
    *) exit "$status" ;;
esac
if [ -s mutants.out/timeout.txt ]; then
    echo "timed out (counted as caught):"
    cat mutants.out/timeout.txt
fi
if [ -s mutants.out/missed.txt ]; then
    echo "missed (a test is needed, or an entry with its reason in .cargo/mutants.toml):" >&2
    cat mutants.out/missed.txt >&2
    exit 2
fi
