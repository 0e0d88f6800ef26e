#!/bin/sh
# A/B of per-program cost: alternate two proctrace binaries under the same
# storm, N rounds, and print each run's ns/run per program (bench/progcost.py).
#	bench/progcost_ab.sh A B MODE COUNT ROUNDS [-- ARGS]
set -eu
a=$1 b=$2 mode=$3 count=$4 rounds=$5
shift 5
for i in $(seq "$rounds"); do
	for bin in "$a" "$b"; do
		echo "## $bin"
		python3 "$(dirname "$0")/progcost.py" "$bin" "$mode" "$count" "$@"
	done
done
