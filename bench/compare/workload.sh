#!/bin/sh
# The comparison's workload: one of each lifecycle step, from a plain shell.
# $1: the threads workload (tests/workloads/threads); $2: a file that
# receives this shell's pid while a stopped process and a zombie both exist (the moment a screen
# capture is taken), removed when that phase ends.
threads=$1
mark=$2

/bin/echo "arg one" "" three                # exec with an empty and a spaced argument
/nonexistent/proctrace-compare arg || true # failed exec (ENOENT), its child exits 127
sh -c 'exit 3' || true                     # exit code 3
sleep 30 &                                 # killed by SIGTERM from this shell
victim=$!
kill -TERM "$victim"
wait "$victim" || true
setsid sh -c 'exit 0'                      # new session and process group
"$threads"                                 # three threads besides the main one

# Held phase: a stopped process and a zombie (the child of an exec'd sleep,
# which never waits) side by side.
sleep 5 &
stopped=$!
kill -STOP "$stopped"
sh -c '/bin/true & exec sleep 4' &
zombie_parent=$!
[ -n "$mark" ] && echo $$ >"$mark"
wait "$zombie_parent"
[ -n "$mark" ] && rm -f "$mark"
kill -CONT "$stopped"
wait "$stopped"
exit 5                                     # the workload's own exit code
