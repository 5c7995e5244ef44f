#!/usr/bin/env bash
# The Windows build for real, under Wine: installs what it needs on a fresh Debian machine
# (mingw-w64, Wine 8), builds for x86_64-pc-windows-gnu, prepares a throwaway Wine prefix, and
# runs the library's unit tests and the Windows integration suite (tests/windows/) as Windows
# programs, against Wine's Credential Manager; then the WSL suite (tests/wsl/), the Linux
# build with that Windows build as its keyring. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/packages.sh

wine=/usr/lib/wine/wine64
need=()
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
[ -x "$wine" ] || need+=(wine64)
install_packages "${need[@]}"
rustup target add x86_64-pc-windows-gnu >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/mystic-wine.XXXXXX")
export WINEPREFIX="$work/prefix" WINEDEBUG=-all
# Everything temporary inside the work folder, which the clean-up removes: mingw's gcc leaves
# empty cc* files behind when it links the Windows binaries, and Wine its server's folder.
mkdir "$work/tmp"
export TMPDIR="$work/tmp"
cleanup() {
    "${wine%/*}/wineserver" -k 2>/dev/null || true
    # The wineserver's socket folder (wine-XXXXXX/server-<device>-<inode of the prefix>, in the
    # temporary folder) outlives it: remove ours, so that a run leaves nothing in /tmp.
    if [ -d "$WINEPREFIX" ]; then
        local server
        server="server-$(stat -c %D "$WINEPREFIX")-$(printf '%x' "$(stat -c %i "$WINEPREFIX")")"
        for dir in "${TMPDIR:-/tmp}"/wine-*/"$server" /tmp/wine-*/"$server"; do
            [ -d "$dir" ] || continue
            rm -rf "$dir"
            rmdir "${dir%/*}" 2>/dev/null || true
        done
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Wine 8.0 has no bcryptprimitives.dll, whose ProcessPrng Rust's std needs: build a shim.
x86_64-w64-mingw32-gcc -O2 -shared -o "$work/bcryptprimitives.dll" \
    scripts/windows/bcryptprimitives.c scripts/windows/bcryptprimitives.def -ladvapi32
# Debian's wine64 has no preloader, which would reserve the shared user data page (0x7ffe0000)
# before anything else is mapped. Its loader is not PIE (0x7d000000), and the kernel starts the
# brk heap anywhere in the GiB above it, so now and then the heap sits on that page and the
# process start fails ("failed to map the shared user data", CreateProcess error 1359; about one
# start in a few thousand here). Wine processes here run without address randomisation
# (inherited by every child), so the heap starts right after the loader, clear of the page.
runner="setarch $(uname -m) -R $wine"
if ! setarch "$(uname -m)" -R true 2>/dev/null; then
    # Some container sandboxes forbid changing the personality.
    echo "test-windows: cannot turn off address randomisation; Wine may fail a process start" >&2
    runner=$wine
fi
$runner wineboot --init >/dev/null 2>&1 || true
cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"

export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$runner"
# One test at a time: Wine's CredEnumerateW (which `status` and `prune` call to list items)
# crashes now and then while another process writes a credential (about one call in fifteen
# with three writers here); Windows' own does not.
cargo test --locked --target x86_64-pc-windows-gnu --lib --test windows "$@" -- --test-threads=1

# WSL: the Linux build with the Windows build (just built above) as its keyring, run through a
# script that stands in for WSL's interop (tests/wsl/). A persistent wineserver keeps each
# Windows start well inside the helper's 5-second deadline.
"${wine%/*}/wineserver" -k 2>/dev/null || true
"${wine%/*}/wineserver" -p
MYSTIC_WSL_TESTS=1 \
    MYSTIC_TEST_WINDOWS_EXE="$PWD/target/x86_64-pc-windows-gnu/debug/mystic-credential-helper.exe" \
    MYSTIC_TEST_WINE="$runner" \
    cargo test --locked --test wsl "$@" -- --test-threads=1
