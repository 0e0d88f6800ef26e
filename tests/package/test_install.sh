#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# make install and make uninstall into a scratch DESTDIR, with and without
# PREFIX: the three files land where they should, with their modes, and go.
# usage: test_install.sh (from the top of the tree, after make).
set -u
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
passed=0 failed=0

check() { # name command...
	name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
		echo "ok   $name"
	else
		failed=$((failed + 1))
		echo "FAIL $name"
	fi
}

mode() { stat -c %a "$1" 2>/dev/null; }

for prefix in /usr/local /opt/pt; do
	d=$root$prefix
	if [ $prefix = /usr/local ]; then set --; else set -- PREFIX=$prefix; fi
	make -s install DESTDIR="$root" "$@" >/dev/null
	check "$prefix: bin/proctrace, 755" [ "$(mode "$d/bin/proctrace")" = 755 ]
	check "$prefix: the installed binary runs" "$d/bin/proctrace" --dry-run
	check "$prefix: share/man/man8/proctrace.8, 644" \
		[ "$(mode "$d/share/man/man8/proctrace.8")" = 644 ]
	check "$prefix: share/bash-completion/completions/proctrace, 644" \
		[ "$(mode "$d/share/bash-completion/completions/proctrace")" = 644 ]
	make -s uninstall DESTDIR="$root" "$@" >/dev/null
	check "$prefix: uninstall leaves no file" [ -z "$(find "$root" -type f)" ]
done
echo "install: $passed passed, $failed failed"
[ $failed -eq 0 ]
