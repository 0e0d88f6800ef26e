#!/bin/sh
# Fetch the newest Debian packaged kernel of one line of the kernel matrix and
# unpack it; print the directory it was unpacked in (boot.sh's argument).
#
#   scripts/kernels/fetch.sh LINE      LINE: a name from scripts/kernels/matrix
#   scripts/kernels/fetch.sh --list    the matrix's lines, one a line
#
# Packages come from Debian's archive through a private apt configuration
# under $KERNEL_CACHE (default /var/cache/proctrace-kernels, outside the clone
# so clean clones share it): its own sources list, state, lists and package
# cache; the machine's /etc/apt is never read for sources nor written.
# Release files are checked against the keyring of debian-archive-keyring
# (installed by setup-deps.sh), as the machine's apt does.
# Lists are refreshed when older than KERNEL_LISTS_AGE minutes (default 60),
# so the newest kernel of each line is picked at run time.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
matrix="$here/matrix"
cache=${KERNEL_CACHE:-/var/cache/proctrace-kernels}
age=${KERNEL_LISTS_AGE:-60}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

die() {
	echo "fetch.sh: $*" >&2
	exit 1
}

# The matrix file: "LINE SUITES PATTERN", suites comma-separated.
lines() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$matrix"; }

[ $# -eq 1 ] || die "usage: fetch.sh LINE | --list"
if [ "$1" = --list ]; then
	lines | awk '{ print $1 }'
	exit 0
fi
line=$1
entry=$(lines | awk -v l="$line" '$1 == l')
[ -n "$entry" ] || die "no line '$line' in $matrix (lines: $(lines | awk '{ printf "%s ", $1 }'))"
suites=$(echo "$entry" | awk '{ print $2 }' | tr , ' ')
pattern=$(echo "$entry" | awk '{ print $3 }')
"$here/../setup-deps.sh" debian-archive-keyring kmod >&2 || die "missing packages"

# One apt tree per line: each line's lists hold only its own suites, so
# the newest package matching its pattern is that line's newest kernel.
apt_dir="$cache/apt/$line"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$cache/kernels"
: >"$apt_dir/status"
src="$apt_dir/sources.list"
: >"$src.new"
for s in $suites; do
	case $s in
	*-security) uri=http://deb.debian.org/debian-security ;;
	*) uri=http://deb.debian.org/debian ;;
	esac
	echo "deb [arch=amd64 signed-by=$keyring] $uri $s main" >>"$src.new"
done
mv "$src.new" "$src"

# Only this configuration: APT_CONFIG is read before /etc/apt/apt.conf.d,
# and sends it to an empty folder, so no machine option, source, preference
# or hook applies. The archive is a mirror whose Release files may be older
# than their Valid-Until, as the machine's apt accepts (apt.conf.d).
mkdir -p "$apt_dir/empty.d"
: >"$apt_dir/preferences"
cat >"$apt_dir/apt.conf" <<CONF
Dir::Etc::Main "/dev/null";
Dir::Etc::Parts "$apt_dir/empty.d";
Dir::Etc::SourceList "$src";
Dir::Etc::SourceParts "$apt_dir/empty.d";
Dir::Etc::Preferences "$apt_dir/preferences";
Dir::Etc::PreferencesParts "$apt_dir/empty.d";
Dir::State "$apt_dir";
Dir::State::Lists "$apt_dir/lists";
Dir::State::status "$apt_dir/status";
Dir::Cache "$apt_dir";
Dir::Cache::Archives "$apt_dir/archives";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
Acquire::Languages "none";
Acquire::Check-Valid-Until "false";
Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled "false";
Debug::NoLocking "true";
CONF
apt_run() {
	APT_CONFIG="$apt_dir/apt.conf" "$@"
}

# Several users (CI, developers booting one kernel) may fetch at once.
exec 9>"$cache/lock"
flock 9

stamp="$apt_dir/updated"
if [ -z "$(find "$stamp" -mmin -"$age" 2>/dev/null)" ]; then
	apt_run apt-get -q update >"$apt_dir/update.log" 2>&1 ||
		die "apt-get update failed for $line ($suites): see $apt_dir/update.log"
	# apt-get update exits 0 on a bad signature: it only warns.
	! grep -E '^(W|E):' "$apt_dir/update.log" >&2 ||
		die "apt-get update for $line: the archive could not be read or verified (above)"
	touch "$stamp"
fi

# The newest kernel: the highest ABI name matching the line's pattern. The
# signed package is preferred; its -unsigned twin boots as well.
pkg=$(apt_run apt-cache pkgnames linux-image- | grep -E "^linux-image-$pattern-amd64\$" |
	sort -V | tail -n 1)
[ -n "$pkg" ] || pkg=$(apt_run apt-cache pkgnames linux-image- |
	grep -E "^linux-image-$pattern-amd64-unsigned\$" | sort -V | tail -n 1)
[ -n "$pkg" ] || die "no package linux-image-$pattern-amd64 in $suites"
release=${pkg#linux-image-}
release=${release%-unsigned}
dest="$cache/kernels/$release"
if [ ! -e "$dest/.complete" ]; then
	# Newer kernels split the image: the package depends on linux-binary-,
	# linux-modules- (and more) of the same release; unpack them all.
	pkgs="$pkg $(apt_run apt-cache show --no-all-versions "$pkg" |
		sed -n 's/^Depends: //p' | tr ',|' '\n' | awk -v r="$release" '
			{ n = $1; if (length(n) > length(r) && substr(n, length(n) - length(r)) == "-" r) print n }' |
		sort -u | tr '\n' ' ')"
	rm -f "$apt_dir/archives/"*.deb
	# shellcheck disable=SC2086
	(cd "$apt_dir/archives" && apt_run apt-get -q download $pkgs >"$apt_dir/download.log" 2>&1) ||
		die "apt-get download $pkgs failed: see $apt_dir/download.log"
	rm -rf "$dest"
	mkdir -p "$dest"
	for deb in "$apt_dir/archives/"*.deb; do
		dpkg-deb -x "$deb" "$dest"
		rm -f "$deb"
	done
	# A package ships no modules.dep: depmod writes it at installation.
	[ -d "$dest/lib/modules/$release" ] || [ ! -d "$dest/usr/lib/modules/$release" ] ||
		{ mkdir -p "$dest/lib" && ln -s ../usr/lib/modules "$dest/lib/modules"; }
	depmod -b "$dest" "$release" || die "depmod failed for $release"
	echo "$pkgs" >"$dest/.package"
	touch "$dest/.complete"
fi
echo "$dest"
