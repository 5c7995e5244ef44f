#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time (FUZZ_SECONDS each, default 60), starting from
# the corpus kept in fuzz/corpus/, on the stable toolchain (RUSTC_BOOTSTRAP=1 enables the nightly
# flags cargo-fuzz passes). A crash fails the script and leaves its input in fuzz/artifacts/.
#
#   scripts/fuzz.sh                 FUZZ_SECONDS=600 scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
export RUSTC_BOOTSTRAP=1
cargo check --locked --quiet
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in $(cargo fuzz list); do
    echo "fuzzing $target for ${FUZZ_SECONDS:-60} s"
    status=0
    cargo fuzz run "$target" -- -max_total_time="${FUZZ_SECONDS:-60}" >"$log" 2>&1 || status=$?
    grep -E '^Done' "$log" || true
    if [ "$status" -ne 0 ]; then
        tail -n 60 "$log" >&2
        echo "fuzz target $target failed (a crash leaves its input in fuzz/artifacts/$target/)" >&2
        exit 1
    fi
done
