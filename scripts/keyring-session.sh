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
    if [ -n "$keyring_pid" ] && ! kill -0 "$keyring_pid" 2>/dev/null; then
        echo "keyring-session.sh: gnome-keyring-daemon exited during the run; its log:" >&2
        cat "$work/keyring.log" >&2 2>/dev/null || true
    fi
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

# A session bus with no service directories: nothing is D-Bus-activated on it. Otherwise a
# client (gnome-keyring-daemon itself looks for a running instance) can activate a second,
# locked gnome-keyring that races ours for org.freedesktop.secrets.
bus="unix:path=$work/bus"
cat >"$work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>$bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
dbus_pid=$(dbus-daemon --config-file="$work/bus.conf" --fork --print-pid --nopidfile)
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
# Ready means a real round trip works: the login collection exists and is unlocked.
ready=
for _ in $(seq 1 100); do
    if printf probe | secret-tool store --label=probe mystic-probe 1 2>/dev/null &&
        [ "$(secret-tool lookup mystic-probe 1 2>/dev/null)" = probe ]; then
        secret-tool clear mystic-probe 1
        ready=1
        break
    fi
    sleep 0.1
done
if [ -z "$ready" ] || ! kill -0 "$keyring_pid" 2>/dev/null; then
    echo "gnome-keyring is not serving an unlocked login collection:" >&2
    cat "$work/keyring.log" >&2
    exit 1
fi

# Hand the child the bus address (and, for tests that freeze or lock it, the daemon's PID); it
# keeps the caller's HOME and environment otherwise.
export -n HOME XDG_RUNTIME_DIR XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME
export MYSTIC_TEST_KEYRING_PID="$keyring_pid"
HOME=$orig_home "$@"
