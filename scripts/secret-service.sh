#!/usr/bin/env bash
# Starts a private D-Bus session bus and one real Secret Service on it, in a throwaway HOME, runs
# "$@" with DBUS_SESSION_BUS_ADDRESS pointing at it, and stops both by PID on exit. The user's
# own bus and keyring are never touched.
#
#   scripts/secret-service.sh KIND [--no-login] CMD [ARGS...]
#
# KIND: gnome-keyring, keepassxc, oo7, kwallet, or scripted: tests/common/scripted_secret_service.py
# (for states no real service produces on demand; MYSTIC_TEST_SCRIPTED picks one), run by
# MYSTIC_TEST_PYTHON (it needs jeepney, which the test venv has).
#   --no-login  starts gnome-keyring and KWallet without a collection (so there is no default
#               collection), and oo7 and KeePassXC without unlocking theirs.
# KWallet is KDE's kwalletd5 (Secret Service API turned on in its kwalletrc), offscreen: its
# wallet is created by a first run through org.kde.KWallet.pamOpen, with no dialog, and the
# daemon is then started again, since it lists over the Secret Service only the wallets it finds
# at start-up, and opened again the same way (as a login would). Its collection then shows as
# locked, and its unlock prompt completes by itself.
# KeePassXC runs offscreen (QT_QPA_PLATFORM=offscreen) on a database imported from XML whose
# root group is exposed over the Secret Service; MYSTIC_TEST_KEEPASSXC_CONFIRM=delete and/or
# access (comma-separated) turns on its confirmation prompts, which are off by default here.
# oo7-daemon comes from MYSTIC_TEST_OO7_DAEMON (scripts/test.sh builds it into a cache).
# The child gets MYSTIC_TEST_KEYRING_PID and MYSTIC_TEST_BUS_PID, the daemon's and the bus's
# PIDs, for tests that freeze or stop them.
set -euo pipefail

kind=${1:?usage: secret-service.sh gnome-keyring|keepassxc|oo7 [--no-login] CMD...}
shift
login=1
if [ "${1-}" = --no-login ]; then
    login=
    shift
fi

orig_home=${HOME:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/mystic-secret-service.XXXXXX")
dbus_pid=
daemon_pid=
# Running, and not a zombie waiting for a parent that may never reap it.
running() {
    [ -r "/proc/$1/status" ] && ! grep -qs '^State:[[:space:]]*Z' "/proc/$1/status"
}
cleanup() {
    if [ -n "$daemon_pid" ] && ! kill -0 "$daemon_pid" 2>/dev/null; then
        echo "secret-service.sh: $kind exited during the run; its log:" >&2
        cat "$work/daemon.log" >&2 2>/dev/null || true
    fi
    # A stopped (frozen) daemon must be continued to die of TERM; one that does not end within
    # 2 s (KeePassXC can wait on a dialog as it quits) is killed.
    for pid in $daemon_pid $dbus_pid; do
        kill -CONT "$pid" 2>/dev/null && kill "$pid" 2>/dev/null || true
    done
    for pid in $daemon_pid $dbus_pid; do
        for _ in $(seq 1 20); do
            running "$pid" || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    done
    [ -n "$daemon_pid" ] && wait "$daemon_pid" 2>/dev/null || true
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
# locked daemon that races ours for org.freedesktop.secrets.
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

call() {
    dbus-send --session --print-reply --dest=org.freedesktop.secrets "$@" 2>/dev/null
}
password=mystic-test-password-long-enough
case "$kind" in
gnome-keyring)
    if [ -n "$login" ]; then
        # --unlock reads the login keyring's password from stdin and creates it if needed.
        printf '%s' "$password" |
            gnome-keyring-daemon --foreground --unlock --components=secrets >"$work/daemon.log" 2>&1 &
    else
        gnome-keyring-daemon --foreground --components=secrets </dev/null >"$work/daemon.log" 2>&1 &
    fi
    ;;
keepassxc)
    # The root group's UUID, exposed over the Secret Service.
    cat >"$work/db.xml" <<XML
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<KeePassFile>
 <Meta>
  <Generator>mystic-credential-helper tests</Generator>
  <DatabaseName>mystic-test</DatabaseName>
  <CustomData>
   <Item><Key>FDO_SECRETS_EXPOSED_GROUP</Key><Value>{00112233-4455-6677-8899-aabbccddeeff}</Value></Item>
  </CustomData>
 </Meta>
 <Root>
  <Group>
   <UUID>ABEiM0RVZneImaq7zN3u/w==</UUID>
   <Name>Root</Name>
  </Group>
 </Root>
</KeePassFile>
XML
    printf '%s\n%s\n' "$password" "$password" |
        keepassxc-cli import -q -p -t 100 "$work/db.xml" "$work/db.kdbx" >/dev/null 2>&1
    confirm=",${MYSTIC_TEST_KEEPASSXC_CONFIRM-},"
    on() { case "$confirm" in *",$1,"*) echo true ;; *) echo false ;; esac; }
    # As a user's KeePassXC after its first start: the "check for updates?" question answered
    # (unanswered, it is a modal dialog that holds off locking and stalls the first client), and
    # changes saved at once, so that locking asks nothing. With "delete" on, a deletion asks for
    # confirmation (KeePassXC confirms moves to the recycle bin only when
    # NoConfirmMoveEntryToRecycleBin is off).
    cat >"$work/keepassxc.ini" <<INI
[General]
ConfigVersion=2
UpdateCheckMessageShown=true
AutoSaveAfterEveryChange=true
AutoSaveOnExit=true
[GUI]
CheckForUpdates=false
[Security]
NoConfirmMoveEntryToRecycleBin=$(if [ "$(on delete)" = true ]; then echo false; else echo true; fi)
[FdoSecrets]
Enabled=true
ShowNotification=false
ConfirmAccessItem=$(on access)
ConfirmDeleteItem=$(on delete)
INI
    # Its single-instance lock and socket live in TMPDIR: one of our own, so that several
    # KeePassXCs (and the user's own) run side by side.
    mkdir -p "$work/tmp"
    # Without --no-login the database is unlocked with its password; with it, it stays locked.
    printf '%s\n' "${login:+$password}" |
        TMPDIR="$work/tmp" QT_QPA_PLATFORM=offscreen keepassxc --config "$work/keepassxc.ini" \
            --localconfig "$work/keepassxc.ini" ${login:+--pw-stdin} "$work/db.kdbx" \
            >"$work/daemon.log" 2>&1 &
    ;;
kwallet)
    cat >"$XDG_CONFIG_HOME/kwalletrc" <<INI
[Wallet]
Enabled=true
First Use=false
Default Wallet=kdewallet
Use One Wallet=true
[org.freedesktop.secrets]
apiEnabled=true
INI
    # pamOpen takes the hash of the login password (56 bytes), as PAM's module sends it at
    # login: it creates the wallet, or opens it without a dialog.
    pam_open() {
        dbus-send --session --type=method_call --dest=org.kde.kwalletd5 /modules/kwalletd5 \
            org.kde.KWallet.pamOpen string:kdewallet "array:byte:$(seq -s, 1 56)" int32:0 \
            2>/dev/null || true
    }
    if [ -n "$login" ]; then
        QT_QPA_PLATFORM=offscreen kwalletd5 >"$work/daemon.log" 2>&1 &
        first=$!
        for _ in $(seq 1 100); do
            pam_open
            [ -s "$XDG_DATA_HOME/kwalletd/kdewallet.kwl" ] && break
            sleep 0.1
        done
        kill "$first" 2>/dev/null || true
        wait "$first" 2>/dev/null || true
    fi
    QT_QPA_PLATFORM=offscreen kwalletd5 >>"$work/daemon.log" 2>&1 &
    ;;
scripted)
    "${MYSTIC_TEST_PYTHON:?MYSTIC_TEST_PYTHON is unset: scripts/test.sh makes the test venv}" \
        "$(dirname "$0")/../tests/common/scripted_secret_service.py" >"$work/daemon.log" 2>&1 &
    ;;
oo7)
    oo7=${MYSTIC_TEST_OO7_DAEMON:?MYSTIC_TEST_OO7_DAEMON is unset: scripts/test.sh builds oo7-daemon and sets it}
    if [ -n "$login" ]; then
        printf '%s' "$password" | "$oo7" --login >"$work/daemon.log" 2>&1 &
    else
        "$oo7" </dev/null >"$work/daemon.log" 2>&1 &
    fi
    ;;
*)
    echo "secret-service.sh: unknown Secret Service $kind" >&2
    exit 2
    ;;
esac
daemon_pid=$!

# Ready means the daemon owns the name and has a default collection, unlocked (KeePassXC takes a
# moment to open its database; a client asking before then would start creating a collection),
# and, for gnome-keyring and oo7, a real round trip works. KeePassXC gets no probe item: a client
# that stores one and goes away mid-prompt leaves KeePassXC showing a dialog, which would then
# hold off locking the database.
round_trip() {
    [ "$kind" = keepassxc ] && return 0
    [ "$kind" = kwallet ] && pam_open
    printf probe | timeout 5 secret-tool store --label=probe mystic-probe 1 2>/dev/null &&
        [ "$(timeout 5 secret-tool lookup mystic-probe 1 2>/dev/null)" = probe ]
}
ready=
for _ in $(seq 1 150); do
    if [ "$kind" = scripted ]; then
        call /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias string:default \
            >/dev/null && ready=1 && break
    elif [ -z "$login" ]; then
        call /org/freedesktop/secrets org.freedesktop.DBus.Peer.Ping >/dev/null && ready=1 && break
    elif collection=$(call /org/freedesktop/secrets org.freedesktop.Secret.Service.ReadAlias \
        string:default | grep -o 'object path "/org[^"]*' | cut -d'"' -f2) &&
        { [ "$kind" = kwallet ] || call "$collection" org.freedesktop.DBus.Properties.Get \
            string:org.freedesktop.Secret.Collection string:Locked | grep -q 'boolean false'; } &&
        round_trip; then
        ready=1
        break
    fi
    sleep 0.1
done
if [ -z "$ready" ] || ! kill -0 "$daemon_pid" 2>/dev/null; then
    echo "$kind is not serving a Secret Service on the private bus:" >&2
    cat "$work/daemon.log" >&2
    exit 1
fi

# Hand the child the bus address and the daemon's PID; it keeps the caller's HOME and
# environment otherwise.
export -n HOME XDG_RUNTIME_DIR XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME
export MYSTIC_TEST_KEYRING_PID="$daemon_pid" MYSTIC_TEST_BUS_PID="$dbus_pid"
HOME=$orig_home "$@"
