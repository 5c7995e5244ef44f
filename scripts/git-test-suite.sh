#!/usr/bin/env bash
# Prepares git's own test suite for external credential helpers (t/t0303-credential-external.sh
# from git 2.47.3), for tests/system/git_suite.rs: downloads git's source from the Debian archive
# this machine's apt uses (its sources, not an address written here; checked against its SHA-256), builds what the test library needs (git, test-tool, the
# bin-wrappers and templates; about 2 minutes on 2 cores), and caches it outside the checkout.
# Prints the source folder. The build installs nothing.
set -euo pipefail

version=2.47.3
sha256=9c2eb1250781b3e5bfef098572d07fdf132d67e6c065e4307332ade9819a1501
cache=${MYSTIC_TEST_CACHE:-/var/cache/mystic-tests}
src="$cache/git-$version"

# The first Debian archive in apt's sources (deb822 `URIs:` or one-line `deb URL`), without a
# trailing slash.
debian_archive() {
    local file url
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
        [ -f "$file" ] || continue
        url=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i } /^deb / { print $2 }' "$file" |
            grep -E '/debian/?$' | head -n 1)
        if [ -n "$url" ]; then
            echo "${url%/}"
            return
        fi
    done
    echo "git-test-suite.sh: no Debian archive in apt's sources" >&2
    return 1
}

if [ ! -x "$src/bin-wrappers/test-tool" ] || [ ! -d "$src/templates/blt" ] ||
    [ ! -f "$src/GIT-BUILD-OPTIONS" ]; then
    mkdir -p "$cache"
    tarball="$cache/git_$version.orig.tar.xz"
    if ! echo "$sha256  $tarball" | sha256sum --check --status 2>/dev/null; then
        curl -fsSL -o "$tarball" "$(debian_archive)/pool/main/g/git/git_$version.orig.tar.xz"
        echo "$sha256  $tarball" | sha256sum --check --status
    fi
    rm -rf "$src"
    tar -xJf "$tarball" -C "$cache"
    make -C "$src" -j"$(nproc)" NO_CURL=1 NO_EXPAT=1 NO_OPENSSL=1 NO_TCLTK=1 NO_GETTEXT=1 \
        NO_PYTHON=1 git t/helper/test-tool bin-wrappers/git bin-wrappers/test-tool GIT-BUILD-OPTIONS \
        >"$cache/git-build.log" 2>&1
    make -C "$src/templates" >>"$cache/git-build.log" 2>&1
fi
echo "$src"
