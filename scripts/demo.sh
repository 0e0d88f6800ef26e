#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
# usage: demo.sh PROCTRACE DEMO
#
# Runs the demo workload under proctrace: the events as they happen, then
# the process tree and the timeline proctrace prints when the command has
# ended, then one question asked of the CSV it wrote.
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
csv=$(mktemp -d /tmp/proctrace-demo.XXXXXX)/demo.csv

cat <<EOF
The demo: a parent forks A and B. A moves to a process group of its own,
forks G, and is stopped for 200 ms and continued by the parent. B exits at
once and stays a zombie until the parent reaps it, about 500 ms later (the
200 ms of A's stop, then 300 ms more). (The key=value lines
are the demo's own output: the pids it knows.)

\$ $proctrace -o $csv --tree -T -- $demo
EOF
status=0
"$proctrace" -o "$csv" --tree -T -- "$demo" || status=$?
if [ "$status" -ne 0 ]; then
	echo "demo: proctrace -- $demo failed (exit $status)" >&2
	exit 1
fi

echo
echo "How each process ended and how long it stayed a zombie, from the CSV:"
sqlite3 -header -column :memory: ".import --csv $csv ev" "
select e.pid, e.ppid, e.pgid, e.comm,
       case when e.signal = '' then 'exit ' || e.exit_code
            else e.signal end as ended,
       round(cast(substr(r.detail, instr(r.detail, 'zombie_ns=') + 10)
                  as integer) / 1e6, 1) as zombie_ms,
       r.by_pid as reaped_by
from ev e join ev r on r.pid = e.pid and r.event = 'reap'
where e.event = 'exit'
order by cast(e.ts_ns as integer);"
echo
echo "Every event, one CSV row each: $csv"
