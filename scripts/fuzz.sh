#!/bin/sh
# make fuzz: run each libFuzzer target for its share of FUZZ_S seconds (60
# by default), from the seed corpus under tests/fuzz/corpus/TARGET (kept as
# it is: what the fuzzer finds goes to OUT/fuzz/corpus/TARGET), and print
# per target the executions, the coverage reached (libFuzzer's cov: edges
# and ft: features) and exec/s. A crash, leak or UB report stops the target
# and leaves its input in OUT/fuzz/; it belongs under tests/fuzz/regressions/
# TARGET/ once fixed, where `make test` replays it.
#
#	scripts/fuzz.sh OUT SECONDS TARGET...
set -eu

OUT=$1 SECONDS_TOTAL=$2
shift 2
n=$#
share=$((SECONDS_TOTAL / n))
[ "$share" -ge 1 ] || share=1
fail=0
summary=""
for t in "$@"; do
	work="$OUT/fuzz/corpus/$t"
	log="$OUT/fuzz/$t.log"
	mkdir -p "$work"
	echo "fuzz: $t for $share s"
	# -rss_limit_mb: the reader caps a row at 1 MiB; a run that needs more
	# memory than this is a bug too.
	if "$OUT/fuzz/bin/$t" -max_total_time="$share" -print_final_stats=1 \
		-rss_limit_mb=1024 -timeout=10 -artifact_prefix="$OUT/fuzz/$t-" \
		"$work" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
		status=ok
	else
		status="FAILED (see $log and $OUT/fuzz/$t-*)"
		fail=1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/\1 edges, \2 features, corpus \3/p')
	line="$t: ${execs:-?} executions in $share s (${rate:-?} exec/s), cov ${cov:-?}: $status"
	echo "  $line"
	summary="$summary
  $line"
done
echo "fuzz summary:$summary"
exit $fail
