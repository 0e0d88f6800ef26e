#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# usage: demo.sh PROCTRACE DEMO
#
# Traces the whole machine while the demo workload runs (the live stream
# goes to the terminal, the CSV to a file), then prints the demo's own rows
# as a table. The demo prints its pids as key=value facts; those select its
# rows among everything else the machine did meanwhile.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 PROCTRACE DEMO" >&2
	exit 2
fi
proctrace=$1
demo=$2
if [ "$(id -u)" -ne 0 ]; then
	echo "demo: proctrace loads BPF programs and needs root: run sudo make demo" >&2
	exit 1
fi

work=$(mktemp -d /tmp/proctrace-demo.XXXXXX)
csv=$work/trace.csv
facts=$work/demo.facts
log=$work/proctrace.log
tracer=

stop_tracer() {
	[ -n "$tracer" ] || return 0
	kill -TERM "$tracer" 2>/dev/null || true
	status=0
	wait "$tracer" || status=$?
	tracer=
	cat "$log" >&2
	return "$status"
}
trap 'stop_tracer || true' EXIT
trap 'exit 130' INT TERM

# The tracer's stderr goes to a file so that its readiness line can be
# waited for; it is shown once the tracer has stopped.
"$proctrace" -o "$csv" 2>"$log" &
tracer=$!
tries=0
until grep -q '^proctrace: tracing' "$log"; do
	if ! kill -0 "$tracer" 2>/dev/null; then
		wait "$tracer" || true
		tracer=
		cat "$log" >&2
		echo "demo: proctrace did not start" >&2
		exit 1
	fi
	tries=$((tries + 1))
	if [ "$tries" -gt 300 ]; then
		echo "demo: proctrace not ready after 30 s" >&2
		exit 1
	fi
	sleep 0.1
done

demo_status=0
"$demo" >"$facts" || demo_status=$?
if ! stop_tracer; then
	echo "demo: proctrace failed" >&2
	exit 1
fi
trap - EXIT
if [ "$demo_status" -ne 0 ]; then
	echo "demo: the demo workload failed (exit $demo_status)" >&2
	exit 1
fi

echo
echo "The demo's processes (parent, A, its child G, B):"
python3 - "$csv" "$facts" <<'EOF'
import csv
import sys

csv_path, facts_path = sys.argv[1:]
facts = dict(line.rstrip("\n").split("=", 1) for line in open(facts_path))
# parent_pid=.. a_pid=.. b_pid=.. g_pid=..: the role of each pid
role = {v: k[:-len("_pid")] for k, v in facts.items() if k.endswith("_pid")}
cols = [("time", 12), ("event", 8), ("who", 6), ("pid", 7), ("ppid", 7),
        ("pgid", 7), ("comm", 8), ("by", 7), ("signal", 7), ("exit", 4),
        ("state", 7), ("detail", 0)]
rows = []
with open(csv_path, newline="") as f:
    for r in csv.DictReader(f):
        if r["pid"] not in role:
            continue
        by = r["by_pid"]
        rows.append({
            "time": r["time"][11:23], "event": r["event"],
            "who": role[r["pid"]], "pid": r["pid"], "ppid": r["ppid"],
            "pgid": r["pgid"], "comm": r["comm"],
            "by": role.get(by, by), "signal": r["signal"],
            "exit": r["exit_code"], "state": r["state"],
            "detail": r["detail"] if r["event"] != "exec" else r["argv"],
        })
fmt = " ".join("%%-%ds" % w if w else "%s" for _, w in cols)
print(fmt % tuple(name for name, _ in cols))
for r in rows:
    print(fmt % tuple(r[name] for name, _ in cols))
if not rows:
    sys.exit("demo: no rows of the demo's processes in the CSV")
EOF
echo
echo "Full CSV of the whole machine: $csv"
