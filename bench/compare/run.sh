#!/bin/sh
# Run the comparison's workload once under proctrace and, at the same time,
# under forkstat, execsnoop, exitsnoop, sigsnoop, killsnoop and htop (in a
# tmux pane, captured while a stopped process and a zombie exist); then
# once more under strace -f, which must start the command itself.
# Raw outputs go to OUT; bench/compare/table.py reads them.
# Usage: run.sh PROCTRACE THREADS_WORKLOAD OUT   (as root)
set -eu
pt=$(realpath "$1")
threads=$(realpath "$2")
out=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)

# A cgroup named like a Docker container's, below the cgroup2 mount.
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
id=c0ffee0000000000000000000000000000000000000000000000000000c0ffee
cgroot="$cg2/proctrace-compare-$$.slice"
cg="$cgroot/docker-$id.scope"
mkdir -p "$cg"

tmux_sock=proctrace-compare-$$
htop_home="$out/htop-home"
mkdir -p "$htop_home/.config/htop"
cp "$here/htoprc" "$htop_home/.config/htop/htoprc"
pids=""
toppid=""
cleanup() {
	for p in $pids; do kill -INT "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	# proctrace --top outlives its closed terminal: quit it by its key,
	# then by SIGINT.
	if [ -n "$toppid" ]; then
		tmux -L "$tmux_sock" send-keys -t cmp:0 q 2>/dev/null || true
		n=0
		while kill -0 "$toppid" 2>/dev/null && [ $n -lt 50 ]; do
			n=$((n + 1))
			sleep 0.1
		done
		! kill -0 "$toppid" 2>/dev/null || kill -INT "$toppid"
		toppid=""
	fi
	tmux -L "$tmux_sock" kill-server 2>/dev/null || true
	rmdir "$cg" "$cgroot" 2>/dev/null || true
}
trap cleanup EXIT

forkstat -E -l >"$out/forkstat.txt" 2>&1 &
pids="$pids $!"
stdbuf -oL execsnoop -x -T -U >"$out/execsnoop.txt" 2>&1 &
pids="$pids $!"
stdbuf -oL exitsnoop -t >"$out/exitsnoop.txt" 2>&1 &
pids="$pids $!"
stdbuf -oL sigsnoop >"$out/sigsnoop.txt" 2>&1 &
pids="$pids $!"
stdbuf -oL killsnoop >"$out/killsnoop.txt" 2>&1 &
pids="$pids $!"

# proctrace's own live view, of the cgroup the workload moves into.
tmux -L "$tmux_sock" new-session -d -s cmp -x 250 -y 40 \
	"env TERM=xterm $pt --top --cgroup $cg"
toppid=$(tmux -L "$tmux_sock" display-message -p -t cmp:0 '#{pane_pid}')

# Gate: every tracer has printed its header (it is attached).
for f in forkstat execsnoop exitsnoop sigsnoop killsnoop; do
	n=0
	until [ -s "$out/$f.txt" ]; do
		n=$((n + 1))
		[ $n -le 300 ] || { echo "compare: $f did not start" >&2; exit 1; }
		sleep 0.1
	done
done
sleep 1

# htop's screen, taken in the middle of the held phase, showing the
# workload's processes (the shell and its children and grandchildren).
(
	until [ -s "$out/held" ]; do sleep 0.05; done
	root=$(cat "$out/held")
	kids=$(pgrep -d, -P "$root")
	grand=$(pgrep -d, -P "$kids" || true)
	tmux -L "$tmux_sock" new-window -d -t cmp:1 \
		"env HOME=$htop_home TERM=xterm htop -p $root,$kids${grand:+,$grand}"
	sleep 2.5
	tmux -L "$tmux_sock" capture-pane -p -J -t cmp:1 >"$out/htop.txt"
	tmux -L "$tmux_sock" capture-pane -p -J -t cmp:0 >"$out/proctrace-top.txt"
) &
capture=$!

# shellcheck disable=SC2016
"$pt" --threads -j "$out/proctrace.jsonl" --tree -T -w -- \
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" "$3" "$4"' sh \
	"$cg" "$here/workload.sh" "$threads" "$out/held" \
	>"$out/proctrace.txt" 2>&1 || true
wait "$capture"
sleep 1
cleanup
pids=""

strace -f -tt -o "$out/strace.txt" "$here/workload.sh" "$threads" "" \
	>"$out/strace-stdout.txt" 2>&1 || true
echo "compare: raw outputs in $out"
