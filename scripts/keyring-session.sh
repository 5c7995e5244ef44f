#!/usr/bin/env bash
# Starts a private D-Bus session bus and an unlocked gnome-keyring (Secret Service) in a
# throwaway HOME, runs "$@" with DBUS_SESSION_BUS_ADDRESS pointing at it, and stops both daemons
# by PID on exit. The user's own bus and keyring are never touched.
set -euo pipefail

orig_home=${HOME:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/mystic-keyring.XXXXXX")
dbus_pid=
keyring_pid=
cleanup() {
    [ -n "$keyring_pid" ] && kill "$keyring_pid" 2>/dev/null || true
    [ -n "$dbus_pid" ] && kill "$dbus_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$work/home" "$work/run" "$work/data" "$work/config" "$work/cache"
chmod 700 "$work/run"
export HOME="$work/home" XDG_RUNTIME_DIR="$work/run" XDG_DATA_HOME="$work/data" \
    XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
unset DISPLAY WAYLAND_DISPLAY

bus="unix:path=$work/bus"
dbus_pid=$(dbus-daemon --session --address="$bus" --fork --print-pid --nopidfile)
export DBUS_SESSION_BUS_ADDRESS="$bus"

# --unlock reads the login keyring's password from stdin and creates the keyring if needed.
printf '%s' "mystic-test-password" |
    gnome-keyring-daemon --foreground --unlock --components=secrets >"$work/keyring.log" 2>&1 &
keyring_pid=$!

for _ in $(seq 1 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
        grep -q 'boolean true'; then
        break
    fi
    sleep 0.1
done
dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q 'boolean true' || {
    echo "gnome-keyring did not claim org.freedesktop.secrets:" >&2
    cat "$work/keyring.log" >&2
    exit 1
}

# Hand the child the bus address (and, for tests that freeze or lock it, the daemon's PID); it
# keeps the caller's HOME and environment otherwise.
export -n HOME XDG_RUNTIME_DIR XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME
export MYSTIC_TEST_KEYRING_PID="$keyring_pid"
HOME=$orig_home "$@"
