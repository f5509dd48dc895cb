#!/bin/sh
# deps.sh PKG... - install the Debian packages that are missing.
# As root: apt-get install them. Otherwise print the exact command and fail.
# Used by `make deps` (build and tests) and `make bench-deps`.
set -u
missing=""
for p in "$@"; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
    case "$st" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0
echo "tocsin: missing Debian packages:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
    echo "tocsin: run as root:  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# postfix asks questions at install time; answer them for a local-only box.
if echo "$missing" | grep -qw postfix; then
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections 2>/dev/null || true
fi
apt-get update -qq >/dev/null 2>&1 || apt-get update
apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
    echo "tocsin: apt-get install failed for:$missing" >&2
    exit 1
}
echo "tocsin: installed:$missing" >&2
