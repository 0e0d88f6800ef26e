#!/bin/sh
# Benchmark entry point (make bench): build the storm generator and the
# model driver into $OUT/bench, install the peer tracers from Debian when
# missing, then run bench/bench.py, which prints the table and writes
# bench/results.md.
#
#	OUT=build bench/run.sh build/proctrace
#
# BENCH_QUICK=1 shrinks every size (about a minute), BENCH_LONG=N sets the
# long run's process count, BENCH_ROUNDS=N the interleaved rounds.
# BENCH_ONLY=replay (make bench-replay) measures only the replay speed and
# the writers: no peers, no BPF, no root.
set -eu

cd "$(dirname "$0")/.."
PROCTRACE=${1:?usage: bench/run.sh PATH-TO-PROCTRACE}
OUT=${OUT:-build}
BIN="$OUT/bench"
CC=${CC:-cc}
WARN="-Wall -Wextra -Wshadow -Wformat=2 -Wno-unused-parameter"

ONLY=${BENCH_ONLY:-}
if [ "$ONLY" != replay ] && [ "$(id -u)" -ne 0 ]; then
	echo "bench: needs root (it loads BPF tracers): sudo make bench" >&2
	exit 1
fi
mkdir -p "$BIN/peers"
SKIPPED="$BIN/skipped.txt"
: >"$SKIPPED"

# Drivers of proctrace's own objects: the core the Makefile built (its
# list, BENCH_CORE_OBJS: without main and the BPF loader's files).
build_drivers() {
	core=${BENCH_CORE_OBJS:?run through make bench, which names the core objects}
	for driver in "$@"; do
		rm -f "$BIN/$driver"
		# shellcheck disable=SC2086
		$CC -O2 $WARN -Iinclude -I"$OUT" -D_GNU_SOURCE "bench/$driver.c" $core \
			-lcap -lsqlite3 -lncursesw -o "$BIN/$driver" ||
			echo "bench: bench/$driver.c did not build; its rows are left out" >&2
	done
}

# The peak RSS of a command, measured from a small process (bench/maxrss.c).
build_maxrss() {
	$CC -O2 $WARN bench/maxrss.c -o "$BIN/maxrss" ||
		echo "bench: bench/maxrss.c did not build; memory is measured from the bench" >&2
}

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

if [ "$ONLY" = replay ]; then
	build_drivers writer_bench replay_gen sedlike_gen cull_bench
	build_maxrss
	exec "$PY" bench/bench.py "$PROCTRACE" "$OUT"
fi

# ---- peers: package, then the binaries it must provide ----

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

apt_updated=no
install_pkg() {
	installed "$1" && return 0
	echo "bench: installing $1 from Debian" >&2
	if [ "$apt_updated" = no ]; then
		DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1 || true
		apt_updated=yes
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$1" \
		>"$BIN/apt-$1.log" 2>&1
}

# A tool of a package under its plain name in $BIN/peers, whatever prefix
# the package gives it (e.g. bpf-execsnoop).
link_tool() {
	pkg=$1 tool=$2
	path=$(command -v "$tool" 2>/dev/null || true)
	if [ -z "$path" ]; then
		path=$(dpkg -L "$pkg" 2>/dev/null | grep -E "/bin/([a-z0-9]+-)?$tool\$" | head -n 1 || true)
	fi
	if [ -n "$path" ] && [ -x "$path" ]; then
		ln -sf "$path" "$BIN/peers/$tool"
		return 0
	fi
	return 1
}

for spec in libbpf-tools:execsnoop,exitsnoop bpftrace:bpftrace forkstat:forkstat strace:strace linux-perf:perf; do
	pkg=${spec%%:*}
	tools=$(echo "${spec#*:}" | tr ',' ' ')
	if ! install_pkg "$pkg"; then
		for t in $tools; do
			echo "$t apt-get install $pkg failed (see $BIN/apt-$pkg.log)" >>"$SKIPPED"
		done
		continue
	fi
	for t in $tools; do
		link_tool "$pkg" "$t" || echo "$t package $pkg has no $t binary" >>"$SKIPPED"
	done
done
command -v bpftool >/dev/null || install_pkg bpftool || true

# ---- build ----

$CC -O2 $WARN -D_GNU_SOURCE bench/storm.c -lpthread -o "$BIN/ptstorm"
$CC -O2 $WARN -D_GNU_SOURCE bench/pingpong.c -o "$BIN/ptpingpong"
if ! $CC -O2 -static bench/nop.c -o "$BIN/ptnop" 2>/dev/null; then
	echo "bench: no static libc; the exec'd no-op is dynamically linked" >&2
	$CC -O2 bench/nop.c -o "$BIN/ptnop"
fi
build_drivers writer_bench model_bench replay_gen sedlike_gen cull_bench
build_maxrss

PATH="$BIN/peers:$PATH" BENCH_SKIPPED="$SKIPPED" exec "$PY" bench/bench.py "$PROCTRACE" "$OUT"
