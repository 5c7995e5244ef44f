#!/usr/bin/env bash
# The test command (README): installs what the tests need on a fresh Debian machine (four real
# Secret Services among them: gnome-keyring, KeePassXC, oo7-daemon and KWallet), starts a private
# gnome-keyring in a throwaway HOME for the tests that share one, and runs the tests. They never
# touch your own keyring or ~/.pipeline; kernel keys they make are removed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh

need=()
command -v gnome-keyring-daemon >/dev/null || need+=(gnome-keyring)
command -v keepassxc >/dev/null || need+=(keepassxc)
# KWallet's Secret Service, and QCA's OpenSSL plugin for its Diffie-Hellman session.
command -v kwalletd5 >/dev/null || need+=(libkf5wallet-bin)
compgen -G '/usr/lib/*/qca-qt5/crypto/libqca-ossl.so' >/dev/null || need+=(libqca-qt5-2-plugins)
command -v dbus-daemon >/dev/null || need+=(dbus-daemon)
command -v dbus-send >/dev/null || need+=(dbus-bin)
command -v dbus-launch >/dev/null || need+=(dbus-x11)
command -v secret-tool >/dev/null || need+=(libsecret-tools)
command -v keyctl >/dev/null || need+=(keyutils)
command -v git >/dev/null || need+=(git)
command -v dbus-monitor >/dev/null || need+=(dbus-bin)
command -v zsh >/dev/null || need+=(zsh)
command -v fish >/dev/null || need+=(fish)
[ -e /usr/share/bash-completion/bash_completion ] || need+=(bash-completion)
command -v mkfifo >/dev/null || need+=(coreutils)
command -v setpriv >/dev/null || need+=(util-linux)
command -v man >/dev/null || need+=(man-db)
# To build git's own credential-helper test suite (scripts/git-test-suite.sh).
command -v make >/dev/null || need+=(make)
command -v curl >/dev/null || need+=(curl)
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
python3 -m venv --help >/dev/null 2>&1 || need+=(python3-venv)
install_packages "${need[@]}"

# The real SDK (pipeline-ai 2.8.0), PyYAML (as the SDK reads config.yaml), Python keyring,
# nbclient and ipykernel (to run a notebook headless) and mypy (for python/), from PyPI into a
# venv of our own.
venv=target/test-venv
# find_spec, not import: importing pipeline creates ~/.pipeline in the caller's real home.
have='import importlib.util as u, sys; sys.exit(not all(u.find_spec(m) for m in ("yaml", "keyring", "pipeline", "nbclient", "ipykernel", "mypy")))'
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "$have" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check \
        'pipeline-ai==2.8.0' 'pyyaml==6.0.2' 'keyring==25.6.0' \
        'nbclient==0.11.0' 'ipykernel==7.4.0' 'nbformat==5.11.1' 'mypy==2.4.1'
fi
# The SDK integration's Python (python/): typed, and checked as such, for the oldest Python
# pipeline-ai runs on.
"$venv/bin/python" -m mypy --cache-dir target/mypy-cache --strict --python-version 3.10 python/mystic_credential_helper
export MYSTIC_TEST_PYTHON="$PWD/$venv/bin/python"
# oo7-daemon (the linux-credentials Secret Service), built once into a cache outside the
# checkout: about 5-15 minutes on 2 cores the first time.
oo7_root=${MYSTIC_TEST_CACHE:-/var/cache/mystic-tests}/oo7-0.7.0-beta
if [ ! -x "$oo7_root/bin/oo7-daemon" ]; then
    cargo install --locked --quiet oo7-daemon --version 0.7.0-beta --root "$oo7_root"
fi
export MYSTIC_TEST_OO7_DAEMON="$oo7_root/bin/oo7-daemon"
# git's t0303 (external credential helpers), from git's source, built once into the same cache.
MYSTIC_TEST_GIT_SOURCE=$(scripts/git-test-suite.sh)
export MYSTIC_TEST_GIT_SOURCE
# Compiles the system suites in (see build.rs).
export MYSTIC_SYSTEM_TESTS=1

cargo build --locked --all-targets
exec scripts/secret-service.sh gnome-keyring cargo test --locked "$@"
