#!/bin/sh
# Install the Debian packages proctrace needs to build and test, if missing,
# and those named as arguments.
# Quiet and quick when everything is there; needs root only to install.
set -eu

pkgs="clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libcmocka-dev \
uthash-dev libcap-dev libsqlite3-dev libncurses-dev tmux make gcc pkg-config python3 libxml2-utils sqlite3 util-linux jq \
python3-pandas clickhouse-server clickhouse-client \
pandoc debhelper lintian"
# Packages a target needs beyond these (make fuzz, make check-valgrind).
pkgs="$pkgs $*"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "proctrace: missing packages:$missing; run as root (sudo make ...) to install them" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || true
# shellcheck disable=SC2086
apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends $missing >/dev/null
