#!/usr/bin/env bash
# Checks that Linux ELF binaries are hardened: position-independent (PIE, so the kernel places
# the code at a random address), full RELRO (relocations done at start and then read-only:
# PT_GNU_RELRO with BIND_NOW) and a stack that is not executable (PT_GNU_STACK without E).
# Arguments are binaries, or wheels and .tar.gz archives whose ELF files are each checked.
# scripts/release-build.sh runs it on everything a Linux release ships.
#
#   scripts/check-hardening.sh FILE...
set -euo pipefail
fail=0
checked=0

check() {
    local file=$1 name=$2 why=()
    readelf -hW "$file" | grep -q 'Type:[[:space:]]*DYN' || why+=("not PIE")
    readelf -lW "$file" | grep -q 'GNU_RELRO' || why+=("no RELRO")
    readelf -dW "$file" | grep -Eq '\(FLAGS\).*BIND_NOW|\(FLAGS_1\).*NOW' || why+=("RELRO is partial (no BIND_NOW)")
    local stack
    stack=$(readelf -lW "$file" | awk '$1 == "GNU_STACK" {print $(NF-1)}')
    [ -n "$stack" ] && [[ "$stack" != *E* ]] || why+=("executable stack (GNU_STACK ${stack:-missing})")
    checked=$((checked + 1))
    if [ ${#why[@]} -gt 0 ]; then
        echo "check-hardening: $name: $(IFS=,; echo "${why[*]}")" >&2
        fail=1
    else
        echo "check-hardening: $name: PIE, full RELRO, non-executable stack"
    fi
}

elf() { [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]; }

for arg in "$@"; do
    case "$arg" in
    *.whl | *.tar.gz)
        unpacked=$(mktemp -d)
        case "$arg" in
        *.whl) python3 -m zipfile -e "$arg" "$unpacked" ;;
        *) tar -C "$unpacked" -xzf "$arg" ;;
        esac
        while IFS= read -r -d '' file; do
            if elf "$file"; then check "$file" "$(basename "$arg"):${file#"$unpacked"/}"; fi
        done < <(find "$unpacked" -type f -print0)
        rm -rf "$unpacked"
        ;;
    *) check "$arg" "$arg" ;;
    esac
done
[ "$checked" -gt 0 ] || { echo "check-hardening: no ELF binary among $*" >&2; exit 1; }
exit "$fail"
