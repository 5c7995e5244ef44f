#!/usr/bin/env bash
# Benchmark: whole-process `get` of the release binaries (the glibc build `cargo install` makes,
# and the static musl build the Linux wheel and archives ship) against their peers, in one run,
# against one private Secret Service and one session keyring. Prints medians, ratios, peak RSS
# and the stripped binary sizes, and what the SDK integration adds to Python's start-up. Not a
# test: nothing here passes or fails on timing.
#
#   scripts/bench.sh            (installs hyperfine and friends with apt when run as root)
#   RUNS=200 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh

if [ -z "${MYSTIC_BENCH_INNER:-}" ]; then
    need=()
    command -v hyperfine >/dev/null || need+=(hyperfine)
    [ -x /usr/bin/time ] || need+=(time)
    command -v gnome-keyring-daemon >/dev/null || need+=(gnome-keyring)
    command -v dbus-send >/dev/null || need+=(dbus-bin dbus-daemon)
    command -v secret-tool >/dev/null || need+=(libsecret-tools)
    command -v keyctl >/dev/null || need+=(keyutils)
    command -v musl-gcc >/dev/null || need+=(musl-tools)
    install_packages "${need[@]}"
    cargo build --release --locked -q
    rustup target add x86_64-unknown-linux-musl >/dev/null
    cargo build --release --locked -q --target x86_64-unknown-linux-musl
    MYSTIC_BENCH_INNER=1 exec keyctl session - scripts/secret-service.sh gnome-keyring "$0" "$@"
fi

runs=${RUNS:-100}
bin=$PWD/target/release/mystic-credential-helper
static=$PWD/target/x86_64-unknown-linux-musl/release/mystic-credential-helper
work=$(mktemp -d)
cleanup() {
    # Leave no token behind: in the keyrings, and the benchmark's folders.
    echo '{"alias":"bench"}' | PIPELINE_DIR=$work/pipeline "$bin" erase >/dev/null 2>&1 || true
    echo '{"alias":"bench"}' | PIPELINE_DIR=$work/ku "$bin" --store keyutils erase >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
export PIPELINE_DIR=$work/pipeline MYSTIC_KEYRING_SERVICE_PREFIX="mystic-bench-$$:"
service="${MYSTIC_KEYRING_SERVICE_PREFIX}https://www.mystic.ai"
token=pipeline_sk_benchmark_0123456789abcdef
echo '{"alias":"bench"}' >"$work/get.json"

printf '{"alias":"bench","token":"%s"}' "$token" | "$bin" store >/dev/null
printf '{"alias":"bench","token":"%s"}' "$token" | PIPELINE_DIR=$work/ku "$bin" --store keyutils store >/dev/null
# keyutils keeps tokens in the user's persistent keyring; this session links it to read it.
key_id=$(keyctl search "$(keyctl get_persistent @s)" user "keyring:bench@$service")
[ "$(secret-tool lookup service "$service" username bench)" = "$token" ]
[ "$(keyctl pipe "$key_id")" = "$token" ]

# hyperfine's median of one command, in milliseconds (no shell: -N).
median() {
    hyperfine -N --warmup 10 --runs "$runs" --export-json "$work/h.json" "$1" >/dev/null 2>&1
    python3 -c 'import json,sys; print("%.2f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$work/h.json"
}
ratio() { python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
row() { printf '%-46s %8s %8s %7s\n' "$@"; }

# 1. Pairs, each side wrapped in `sh -c` with stdin redirected, so both pay the same shell.
ss_helper=$(median "sh -c '$bin get <$work/get.json'")
ss_peer=$(median "sh -c 'secret-tool lookup service $service username bench </dev/null'")
ku_helper=$(median "sh -c 'PIPELINE_DIR=$work/ku $bin --store keyutils get <$work/get.json'")
ku_peer=$(median "sh -c 'keyctl pipe $key_id </dev/null'")
env_helper=$(median "sh -c 'PIPELINE_API_TOKEN=$token $bin get </dev/null'")
env_peer=$(median "sh -c '/usr/bin/true </dev/null'")

# 2. Absolute, no shell, for each build: `get` with empty stdin (hyperfine's /dev/null) selects
#    the active remote, and the variables are exported to hyperfine instead of set by a wrapper.
declare -A abs
for build in glibc static; do
    b=$bin
    [ "$build" = static ] && b=$static
    abs[$build.ss]=$(median "$b get")
    abs[$build.dh]=$(MYSTIC_SECRET_SERVICE_ENCRYPTION=dh median "$b get")
    abs[$build.ku]=$(PIPELINE_DIR=$work/ku MYSTIC_CREDENTIAL_STORE=keyutils median "$b get")
    abs[$build.env]=$(PIPELINE_API_TOKEN=$token median "$b get")
    abs[$build.rss]=$( { /usr/bin/time -v "$b" get <"$work/get.json" >/dev/null; } 2>&1 | awk -F': ' '/Maximum resident/ {print $2}')
    abs[$build.size]=$(python3 -c "import os,sys; print('%.2f' % (os.stat(sys.argv[1]).st_size/1048576))" "$b")
done
abs_st=$(median "secret-tool lookup service $service username bench")
floor_exec=$(median "/usr/bin/true")
# 3. exec's relay (the token and its encoded forms concealed in what the child prints): 50 MB
#    through `exec -- cat` into a pipe, against plain `cat` into a pipe, both under sh -c.
head -c 50000000 /dev/urandom >"$work/50mb"
relay_plain=$(median "sh -c 'cat $work/50mb | cat >/dev/null'")
relay_exec=$(PIPELINE_API_TOKEN=$token median "sh -c '$static exec -- cat $work/50mb | cat >/dev/null'")
# 4. Python's start-up with the SDK integration (its .pth and the one module it imports) and
#    without it, in two bare virtualenvs of the same Python.
for venv in plain integrated; do python3 -m venv --without-pip "$work/$venv"; done
"$static" sdk install --python "$work/integrated/bin/python" >/dev/null
python_plain=$(median "$work/plain/bin/python -c pass")
python_integrated=$(median "$work/integrated/bin/python -c pass")
floor_call=$(median "dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.DBus.Peer.Ping")

goal() { printf '%-52s %7s   goal %s\n' "$@"; }
echo "medians over $runs runs, milliseconds"
echo
echo "the goals, as ratios measured in this run (the static build is what the wheel and archives ship):"
goal "static: get (Secret Service) / secret-tool lookup" "$(ratio "${abs[static.ss]}" "$abs_st")" "<= 0.25"
goal "static: get --store keyutils / /usr/bin/true" "$(ratio "${abs[static.ku]}" "$floor_exec")" "<= 0.80"
goal "static: get with PIPELINE_API_TOKEN / /usr/bin/true" "$(ratio "${abs[static.env]}" "$floor_exec")" "<= 0.80"
goal "static: peak RSS of get (Secret Service), MB" "$(python3 -c "print('%.2f' % (${abs[static.rss]}/1000))")" "<= 3.5"
goal "glibc: get (Secret Service) / secret-tool lookup" "$(ratio "${abs[glibc.ss]}" "$abs_st")" "<= 0.35"
goal "static: exec -- cat of 50 MB / cat (into a pipe)" "$(ratio "$relay_exec" "$relay_plain")" "<= 1.5"
goal "Python start-up: with the SDK integration - without, ms" "$(python3 -c "print('%.2f' % ($python_integrated - $python_plain))")" "<= 1"
echo
echo "pairs (glibc build), both sides under sh -c:"
row "" helper peer ratio
row "get (Secret Service) vs secret-tool lookup" "$ss_helper" "$ss_peer" "$(ratio "$ss_helper" "$ss_peer")"
row "get --store keyutils vs keyctl pipe" "$ku_helper" "$ku_peer" "$(ratio "$ku_helper" "$ku_peer")"
row "get with PIPELINE_API_TOKEN vs /usr/bin/true" "$env_helper" "$env_peer" "$(ratio "$env_helper" "$env_peer")"
echo
echo "absolute, no shell (ratio: to secret-tool lookup):"
row "" glibc static ratio
row "get, Secret Service (plain session)" "${abs[glibc.ss]}" "${abs[static.ss]}" "$(ratio "${abs[glibc.ss]}" "$abs_st") / $(ratio "${abs[static.ss]}" "$abs_st")"
row "get, Secret Service (DH session)" "${abs[glibc.dh]}" "${abs[static.dh]}" "$(ratio "${abs[glibc.dh]}" "$abs_st") / $(ratio "${abs[static.dh]}" "$abs_st")"
row "get --store keyutils" "${abs[glibc.ku]}" "${abs[static.ku]}" ""
row "get with PIPELINE_API_TOKEN" "${abs[glibc.env]}" "${abs[static.env]}" ""
row "peak RSS of get (Secret Service), KB" "${abs[glibc.rss]}" "${abs[static.rss]}" ""
row "stripped binary, MiB" "${abs[glibc.size]}" "${abs[static.size]}" ""
echo
row "secret-tool lookup (DH session)" "$abs_st" "" ""
row "floor: /usr/bin/true" "$floor_exec" "" ""
row "floor: one D-Bus call (dbus-send Ping)" "$floor_call" "" ""
row "cat of 50 MB into a pipe" "$relay_plain" "" ""
row "exec -- cat of 50 MB into a pipe (static)" "$relay_exec" "" ""
row "python -c pass, bare virtualenv" "$python_plain" "" ""
row "python -c pass, with the SDK integration" "$python_integrated" "" ""
