# Sourced by the scripts: installs the Debian packages named, when any are given. Root only;
# anyone else gets the list to install themselves. Package lists are refreshed first, since a
# fresh machine may have none.
install_packages() {
    [ $# -gt 0 ] || return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "missing packages: $* (run as root, or install them)" >&2
        exit 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
