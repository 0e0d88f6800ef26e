#!/bin/sh
# make check-valgrind: the unit tests (built without sanitizers, in
# OUT/valgrind) and replays of real recordings through every output, each
# under valgrind; any error or leak (definite or indirect) fails.
#
#	scripts/check-valgrind.sh OUT
set -eu

OUT=$1
VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect
--errors-for-leak-kinds=definite,indirect --track-origins=yes"
fail=0
ran=0
in=/dev/null # the next run's stdin

run() {
	what=$1
	want=$2
	shift 2
	ran=$((ran + 1))
	set +e
	# shellcheck disable=SC2086
	$VG "$@" <"$in" >"$OUT/valgrind/last.out" 2>"$OUT/valgrind/last.err"
	rc=$?
	set -e
	# 99 is valgrind's: an error or a leak; anything else is the program's.
	if [ "$rc" -eq 99 ] || { [ "$want" = ok ] && [ "$rc" -ne 0 ]; } ||
		{ [ "$want" = fails ] && [ "$rc" -eq 0 ]; }; then
		echo "FAIL $what (exit $rc)"
		cat "$OUT/valgrind/last.err"
		fail=1
	else
		echo "ok   $what"
	fi
}

# run, with stdout a pipe whose reader (':', which reads nothing) has gone
# before valgrind has started proctrace: want ok, quietly.
closed() {
	what=$1
	shift
	ran=$((ran + 1))
	set +e
	# shellcheck disable=SC2086
	{
		$VG "$@" <"$in" 2>"$OUT/valgrind/last.err"
		echo $? >"$OUT/valgrind/last.rc"
	} | :
	set -e
	rc=$(cat "$OUT/valgrind/last.rc")
	if [ "$rc" -ne 0 ] || grep -q 'Broken pipe' "$OUT/valgrind/last.err"; then
		echo "FAIL $what (exit $rc)"
		cat "$OUT/valgrind/last.err"
		fail=1
	else
		echo "ok   $what"
	fi
}

for t in "$OUT"/valgrind/tests/test_*; do
	run "$(basename "$t")" ok "$t"
done

P="$OUT/proctrace"
csv=tests/fuzz/corpus/fuzz_replay_json/demo-with-header.csv
json=tests/fuzz/corpus/fuzz_replay_json/demo.jsonl
views="-t -T -v --ascii --svg /dev/null"
for f in "$csv" "$json"; do
	name=${f##*/}
	# shellcheck disable=SC2086
	run "replay $name: stream, views, --perfetto, -o, -j" ok "$P" --replay "$f" --color always \
		$views --perfetto "$OUT/valgrind/trace.json" -o /dev/null -j /dev/null
	run "replay $name to stdout as CSV" ok "$P" --replay "$f" -o -
	run "replay $name to stdout as JSON Lines" ok "$P" --replay "$f" -j -
	in=$f
	run "replay $name from stdin" ok "$P" --replay - -q -t
	in=/dev/null
	# stdout's reader gone before the first write: each output there
	# closed once, quietly (cases_epipe.py).
	for o in "" "-q -o -" "-q -j -" "-q --perfetto -" "-q --svg -" "-q -t -T"; do
		# shellcheck disable=SC2086
		closed "replay $name ${o:-(stream)} into a closed pipe" "$P" --replay "$f" $o
	done
	pid=$(sed -n '2p' "$csv" | cut -d, -f4)
	run "replay $name, filtered (-p, -c, --since)" ok "$P" --replay "$f" -q -t -p "$pid" \
		-c demo --since 0.001 -o /dev/null
	# A file cut short in its last row: one error, nothing leaked; the
	# database written beside dropped, the one there left as it was.
	head -c 1000 "$f" >"$OUT/valgrind/cut"
	echo kept >"$OUT/valgrind/kept.db"
	run "replay $name cut short" fails "$P" --replay "$OUT/valgrind/cut" -q -o /dev/null \
		--db "$OUT/valgrind/kept.db"
	if [ "$(cat "$OUT/valgrind/kept.db")" != kept ]; then
		echo "FAIL replay $name cut short: the database at its path was replaced"
		fail=1
	fi
	run "replay $name cut short, --lenient" ok "$P" --replay "$OUT/valgrind/cut" -q --lenient \
		-t -j /dev/null
done
# The output paths of tests/integration/cases_outnames.py: every kind of
# output file, rotated or not, under base names of 1, 13, 64 and 255 bytes,
# from a replay; and once live (as root: it loads the BPF programs), with
# libbpf's bpf() calls, which valgrind cannot read field by field, let be.
names=$OUT/valgrind/names
for len in 1 13 64 255; do
	rm -rf "$names" && mkdir -p "$names"
	n=$(printf "%$((len - 1))s" | tr ' ' n) # after a letter of its own: len bytes
	run "replay to outputs named with $len bytes" ok "$P" --replay "$csv" -q -o "$names/c$n" \
		-j "$names/j$n" --svg "$names/s$n" --perfetto "$names/p$n"
	if [ "$len" -lt 250 ]; then
		run "replay rotated, $len bytes" ok "$P" --replay "$csv" -q --rotate 4K -o "$names/r$n"
	fi
	if [ "$(ls "$names" | grep -c tmp)" -ne 0 ]; then
		echo "FAIL outputs named with $len bytes: temporary files left: $(ls "$names")"
		fail=1
	fi
done
if [ "$(id -u)" -eq 0 ]; then
	n=$(printf "%250s" | tr ' ' n)
	VG="$VG --suppressions=scripts/valgrind-libbpf.supp"
	run "live, to outputs named with 251 bytes" ok "$P" -q -o "$names/c$n" -j "$names/j$n" \
		--svg "$names/s$n" --perfetto "$names/p$n" -- true
else
	echo "skip live outputs (not root)"
fi
echo "check-valgrind: $ran runs, $([ $fail -eq 0 ] && echo "no errors, no leaks" || echo FAILED)"
exit $fail
