#!/usr/bin/env bash
# Tests the install routes: the two that work from a checkout today (`pip install .`, which
# builds the wheel with maturin, in a fresh virtualenv next to pipeline-ai 2.8.0; and
# `cargo install --path .`), and what the release build makes here (scripts/release-build.sh
# x86_64-unknown-linux-musl: the wheel, and the static binary from the release archive). Each
# runs its three programs against a private Secret Service (and the kernel keyring), an `exec`
# of the real SDK, and `man --install` where `man` then finds the page. Prints the sizes of the
# static and glibc binaries. .ci/run runs it; it needs what scripts/test.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${MYSTIC_INSTALL_INNER:-}" ]; then
    scripts/release-build.sh x86_64-unknown-linux-musl
    cargo build --release --locked --quiet   # the glibc build, for the size comparison
    MYSTIC_INSTALL_INNER=1 exec scripts/secret-service.sh gnome-keyring "$0" "$@"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The toolchain stays where it is when HOME moves to the throwaway one.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export HOME="$work/home" PIPELINE_DIR="$work/pipeline" MYSTIC_KEYRING_SERVICE_PREFIX="mystic-install-$$:"
mkdir -p "$HOME"
fail() { echo "test-install: $*" >&2; exit 1; }
expect() { [ "$1" = "$2" ] || fail "expected $2, got $1 ($3)"; }

# A local stand-in for the Mystic API, which records the Authorization header it gets.
cat >"$work/api.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(sys.argv[1], "a") as f:
            f.write(self.headers.get("Authorization", "") + "\n")
        body = b'{"skip":0,"limit":1000,"total":0,"data":[]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
coproc API { exec python3 "$work/api.py" "$work/seen"; }
read -r port <&"${API[0]}"
api="http://127.0.0.1:$port"

# The three programs in $1 (a bin folder) work, the SDK there runs under exec, and
# `man --install` puts the page where `man` finds it with $1 on PATH.
check_programs() {
    local bin=$1 route=$2
    printf '{"alias":"route","url":"%s","token":"pipeline_sk_route"}' "$api" | "$bin/mystic-credential-helper" store >/dev/null
    got=$(echo '{"alias":"route"}' | "$bin/mystic-credential-helper" get)
    expect "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["token"])' "$got")" pipeline_sk_route "get ($route)"
    got=$(printf '%s' "$api" | "$bin/docker-credential-mystic" get)
    expect "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["Secret"])' "$got")" pipeline_sk_route "docker-credential-mystic ($route)"
    got=$(printf 'protocol=http\nhost=127.0.0.1:%s\n\n' "$port" | "$bin/git-credential-mystic" get)
    expect "$got" "$(printf 'username=route\npassword=pipeline_sk_route')" "git-credential-mystic ($route)"
    if [ -x "$bin/pipeline" ]; then
        # The SDK's own CLI, run through exec, sends the stored token.
        "$bin/mystic-credential-helper" exec -- "$bin/pipeline" get pipelines >/dev/null
        expect "$(tail -n 1 "$work/seen")" "Bearer pipeline_sk_route" "the SDK under exec ($route)"
        # And on its own: the wheel's Python part gives `import pipeline` the stored token.
        "$bin/python" -c 'import pipeline.cloud.http as h; h._get_client().get("/v4/probe")'
        expect "$(tail -n 1 "$work/seen")" "Bearer pipeline_sk_route" "import pipeline ($route)"
        "$bin/pipeline" get pipelines >/dev/null
        expect "$(tail -n 1 "$work/seen")" "Bearer pipeline_sk_route" "the SDK's CLI ($route)"
        ! grep -rq pipeline_sk_ "$PIPELINE_DIR" || fail "a token in $PIPELINE_DIR ($route)"
    fi
    echo '{"alias":"route"}' | "$bin/mystic-credential-helper" erase >/dev/null
    "$bin/mystic-credential-helper" man --install >/dev/null
    page=$(PATH="$bin:/usr/bin:/bin" man -w mystic-credential-helper) || fail "man finds no page ($route)"
    expect "$page" "$(cd "$bin/.." && pwd)/share/man/man1/mystic-credential-helper.1" "man --install ($route)"
}

echo "== pip install . from the checkout, in a fresh venv next to pipeline-ai 2.8.0"
python3 -m venv "$work/checkout-venv"
"$work/checkout-venv/bin/pip" install -q --disable-pip-version-check . 'pipeline-ai==2.8.0'
check_programs "$work/checkout-venv/bin" "pip install ."

echo "== cargo install --path . (reusing the release build)"
CARGO_TARGET_DIR="$PWD/target" cargo install --locked --quiet --path . --root "$work/cargo"
check_programs "$work/cargo/bin" "cargo install"

echo "== the release wheel, in a fresh venv next to pipeline-ai 2.8.0"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check \
    dist/x86_64-unknown-linux-musl/*.whl 'pipeline-ai==2.8.0'
check_programs "$work/venv/bin" "release wheel"
echo "== the README's CI recipes, as written: a fresh venv, no keyring, the token in the environment"
# Each recipe's commands (GitHub's `run:` steps, GitLab's `script:` lines), taken from the README.
recipes() {
    target/test-venv/bin/python - "$1" <<'PY'
import re, sys, yaml
blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", open("README.md").read(), re.S)]
for block in blocks:
    if sys.argv[1] == "github" and "jobs" in block:
        steps = block["jobs"]["deploy"]["steps"]
        print("\0".join(s["run"] for s in steps if "run" in s), end="")
    if sys.argv[1] == "gitlab" and "deploy" in block and "script" in block["deploy"]:
        print("\0".join(block["deploy"]["script"]), end="")
PY
}
printf '%s\n' 'import pipeline.cloud.http as h' 'h._get_client().get("/v4/deploy")' >"$work/deploy.py"
repo=$PWD
for ci in github gitlab; do
    python3 -m venv "$work/ci-$ci"
    # The project's own requirement.
    "$work/ci-$ci/bin/pip" install -q --disable-pip-version-check 'pipeline-ai==2.8.0'
    mkdir -p "$work/ci-home-$ci"
    recipes "$ci" | while IFS= read -r -d '' line || [ -n "$line" ]; do
        (cd "$work" && env -i HOME="$work/ci-home-$ci" PATH="$work/ci-$ci/bin:$CARGO_HOME/bin:/usr/bin:/bin" \
            RUSTUP_HOME="$RUSTUP_HOME" PIP_DISABLE_PIP_VERSION_CHECK=1 \
            PIPELINE_API_TOKEN=pipeline_sk_ci_recipe PIPELINE_API_URL="$api" \
            MYSTIC_HELPER_GIT="file://localhost$repo" bash -euo pipefail -c "$line") >/dev/null ||
            fail "the $ci recipe's line failed: $line"
        case "$line" in *exec*) expect "$(tail -n 1 "$work/seen")" "Bearer pipeline_sk_ci_recipe" "$ci: $line" ;; esac
    done
    [ ! -e "$work/ci-home-$ci/.pipeline/config.yaml" ] || ! grep -q pipeline_sk_ "$work/ci-home-$ci/.pipeline/config.yaml" ||
        fail "the $ci recipe left a token in config.yaml"
done
kill "$API_PID"

echo "== the static binary from the release archive"
tar -C "$work" -xzf dist/x86_64-unknown-linux-musl/mystic-credential-helper-*-x86_64-unknown-linux-musl.tar.gz
static=$(echo "$work"/mystic-credential-helper-*/mystic-credential-helper)
# Static (no shared libraries, no interpreter) and position-independent (static-pie), with full
# RELRO and a non-executable stack; a fixed-address build must fail the hardening check.
! readelf -lW "$static" | grep -q INTERP || fail "not statically linked: $(readelf -lW "$static" | grep INTERP)"
scripts/check-hardening.sh "$static" || fail "the release binary is not hardened"
# The check itself refuses each weakness on its own.
echo 'int main(void) { return 0; }' >"$work/probe.c"
for flags in "-no-pie -z relro -z now" "-pie -fPIE -z norelro -z now" "-pie -fPIE -z relro -z lazy" "-pie -fPIE -z relro -z now -z execstack"; do
    # shellcheck disable=SC2086 # several flags
    gcc $flags -o "$work/probe" "$work/probe.c"
    ! scripts/check-hardening.sh "$work/probe" >/dev/null 2>&1 || fail "check-hardening.sh passed a binary built with $flags"
done
gcc -pie -fPIE -z relro -z now -o "$work/probe" "$work/probe.c"
scripts/check-hardening.sh "$work/probe" >/dev/null || fail "check-hardening.sh refused a hardened binary"
for store in secret-service keyutils; do
    dir="$work/$store"
    printf '{"alias":"static","token":"pipeline_sk_%s"}' "$store" |
        PIPELINE_DIR=$dir "$static" --store "$store" store >/dev/null
    got=$(PIPELINE_DIR=$dir "$static" --store "$store" token --alias static)
    expect "$got" "pipeline_sk_$store" "token from $store"
    # The child gets the token; exec conceals it in what the child prints.
    got=$(PIPELINE_DIR=$dir "$static" --store "$store" exec -- sh -c 'printf %s "$PIPELINE_API_TOKEN"')
    expect "$got" "<concealed by mystic-credential-helper>" "exec with $store"
    got=$(PIPELINE_DIR=$dir "$static" --store "$store" exec --no-mask -- sh -c 'printf %s "$PIPELINE_API_TOKEN"')
    expect "$got" "pipeline_sk_$store" "exec --no-mask with $store"
    echo '{"alias":"static"}' | PIPELINE_DIR=$dir "$static" --store "$store" erase >/dev/null
    if PIPELINE_DIR=$dir "$static" --store "$store" token --alias static 2>/dev/null; then
        fail "erase left the token in $store"
    fi
done

size() { stat -c %s "$1"; }
echo "sizes: static (musl) $(size "$static") bytes; glibc $(size target/release/mystic-credential-helper) bytes"
echo "install routes: ok"
