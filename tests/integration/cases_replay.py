# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Replaying a saved capture (--replay): the same events again, so a
re-export is byte-identical and the views are those of the live run."""

import os
import signal
import re

from harness import EVENT_KINDS, Check, Failure, read_csv
from cases import error_lines, run_tracer


def strip_drawing(line):
    """A tree line without its branch drawing: "pid comm ..." and its depth."""
    body = line.lstrip(" |`-")
    return len(line) - len(body), body


# Lifetimes are shown from the first event of the trace, which in a live
# filtered run is an ancestor's snapshot row that the capture does not keep.
LIFETIME = re.compile(r"  (before|-?\d+\.\d+)-\d+\.\d+s  ")


def subtree(lines, pid):
    """The lines of pid's subtree, depths made relative to pid's line, and
    pid's own line without its annotations of where it sits; lifetimes are
    left out."""
    out, base = [], None
    for line in lines:
        depth, body = strip_drawing(line)
        if base is None:
            if body.split(" ", 1)[0] == pid:
                base = depth
                out.append((0, pid))
            continue
        if depth <= base:
            break
        out.append((depth - base, LIFETIME.sub("  ", body)))
    return out


def test_replay_roundtrip(env):
    capture = os.path.join(env.tmp, "replay-live.csv")
    again = os.path.join(env.tmp, "replay-again.csv")
    live = run_tracer(env, ["-q", "-o", capture, "--tree", "--ascii", "--",
                            env.workload("demo")])
    if live.returncode != 0:
        raise Failure("live run exited %d: %s" % (live.returncode, live.stderr))
    facts = dict(l.split("=", 1) for l in live.stdout.splitlines() if "=" in l
                 and not l.startswith((" ", "|", "`")) and l[0].isalpha())
    tree_live = [l for l in live.stdout.splitlines() if l not in
                 ("%s=%s" % kv for kv in facts.items())]
    ck = Check()

    rep = run_tracer(env, ["--replay", capture, "-q", "-o", again])
    ck.eq("replay exit status", rep.returncode, 0)
    with open(capture, "rb") as a, open(again, "rb") as b:
        ck.eq("re-exported CSV identical to the capture", b.read(), a.read())
    ck.eq("summary of the replay = summary of the live run",
          rep.stderr.splitlines()[-1:], live.stderr.splitlines()[-1:])

    view = run_tracer(env, ["--replay", capture, "-q", "--tree", "--ascii"])
    ck.eq("replay --tree exit status", view.returncode, 0)
    pid = facts["parent_pid"]
    got = subtree(view.stdout.splitlines(), pid)
    want = subtree(tree_live, pid)
    ck.eq("the command's subtree, replayed", got, want)
    ck.eq("rows of the capture", len(read_csv(again)), len(read_csv(capture)))
    ck.raise_if_failed()


def test_replay_bad_input(env):
    bad = os.path.join(env.tmp, "replay-bad.csv")
    with open(bad, "w") as f:
        f.write("not,a,proctrace,file\n")
    ck = Check()
    for args, what in ((["--replay", bad], "a CSV of something else"),
                       (["--replay", os.path.join(env.tmp, "missing.csv")],
                        "a missing file")):
        r = run_tracer(env, args)
        ck.eq("exit status for " + what, r.returncode, 1)
        ck.eq("error lines for " + what, len(error_lines(r.stderr)), 1)
    r = run_tracer(env, ["--replay", bad, "--threads"])
    ck.eq("--replay with --threads: usage error", r.returncode, 2)
    ck.raise_if_failed()


# One command that makes every kind of event the kernel makes: the
# workloads' own output goes to a file, so stdout is the stream alone.
EVERY_KIND = """exec >"$2/facts" 2>&1
W=$1
$W/demo
for m in term segv exit_group seccomp pdeathsig pidns subreaper orphan; do
    $W/causes $m
done
$W/causes exec "$2"
$W/setpgid_moves
$W/new_session
$W/rename
$W/setns_back
$W/threads
$W/sched_states stop
# Alive when tracing ends (--linger): its usage row. The test kills it.
setsid sleep 600 </dev/null >/dev/null 2>&1 &
echo $! >"$2/left"
"""

# The same command, but the tracer is stopped while a burst fills its
# 4 KiB ring buffer: lost rows and a rescan's repair rows.
WITH_LOSSES = """exec >"$2/facts" 2>&1
kill -STOP $PPID
$1/burst 300
kill -CONT $PPID
$1/demo
"""


def stream_diff(live, again):
    """The lines that differ, as 'live | replay' pairs, and their count."""
    a, b = live.splitlines(), again.splitlines()
    pairs = [(x, y) for x, y in zip(a, b) if x != y]
    pairs += [(x, "") for x in a[len(b):]] + [("", y) for y in b[len(a):]]
    return len(pairs), pairs[:3]


def stream_vs_replays(env, ck, name, script, opts, want_kinds):
    """Run script under the tracer with the stream on stdout, -o and -j;
    the stream of --replay of each must be the live one, byte for byte."""
    work = os.path.join(env.tmp, name)
    os.makedirs(work, exist_ok=True)
    csv_path = os.path.join(work, "capture.csv")
    json_path = os.path.join(work, "capture.jsonl")
    path = os.path.join(work, "run.sh")
    with open(path, "w") as f:
        f.write(script)
    live = run_tracer(env, ["-v", "-o", csv_path, "-j", json_path] + opts +
                      ["--", "sh", path, os.path.dirname(env.workload("demo")),
                       work], timeout=120)
    ck.eq(name + ": live exit status", live.returncode, 0)
    kinds = {r["event"] for r in read_csv(csv_path)}
    ck.eq(name + ": kinds missing from the capture",
          sorted(want_kinds - kinds), [])
    for capture in (csv_path, json_path):
        rep = run_tracer(env, ["-v", "--replay", capture])
        what = "%s: --replay %s" % (name, os.path.basename(capture))
        ck.eq(what + " exit status", rep.returncode, 0)
        ck.eq(what + ": lines differing from the live stream (first 3)",
              stream_diff(live.stdout, rep.stdout), (0, []))
    return live


def test_replay_stream_is_live_stream(env):
    """The stream of a replay is the live stream, byte for byte, for every
    kind of event, from CSV and from JSON Lines: every kind but lost in one
    capture (threads, scheduler states and snapshots shown), lost and a
    rescan's rows in another."""
    ck = Check()
    try:
        live = stream_vs_replays(env, ck, "every-kind", EVERY_KIND,
                                 ["--threads", "--sched-events", "--linger", "0.5"],
                                 EVENT_KINDS - {"lost"})
    finally:
        try:
            with open(os.path.join(env.tmp, "every-kind", "left")) as f:
                os.kill(int(f.read()), signal.SIGKILL)
        except (OSError, ValueError):
            pass
    ck.true(len(live.stdout.splitlines()) > 100,
            "every-kind: a stream of %d lines" % len(live.stdout.splitlines()))
    stream_vs_replays(env, ck, "losses", WITH_LOSSES, ["--ringbuf-kb", "4"],
                      {"lost", "fork", "exec", "exit", "reap"})
    ck.raise_if_failed()


def test_replay_command_started(env):
    """The command proctrace started is shown so by a replay of its
    capture, as live: '[started by proctrace]' in the tree with the same
    start (before tracing began: negative), and in the -v stream its
    snapshot row says it, from CSV and from JSON Lines."""
    ck = Check()
    work = os.path.join(env.tmp, "command-started")
    os.makedirs(work, exist_ok=True)
    csv_path = os.path.join(work, "capture.csv")
    json_path = os.path.join(work, "capture.jsonl")
    live = run_tracer(env, ["-q", "-t", "--ascii", "-o", csv_path, "-j",
                            json_path, "--", "sh", "-c", "true"])
    ck.eq("live exit status", live.returncode, 0)
    snaps = [r for r in read_csv(csv_path) if r["event"] == "snapshot"]
    pid = snaps[0]["pid"] if snaps else None
    ck.eq("the snapshot rows' detail (command=1)",
          [r["detail"].split()[1:2] for r in snaps], [["command=1"]])

    def command_line(out):
        lines = [l for l in out.splitlines() if l.split(" ", 1)[0] == pid]
        return lines[0] if lines else ""

    def span(line):
        m = re.search(r"  (before|-?\d+\.\d+)-(\d+\.\d+)s  ", line)
        return m.group(1) if m else None

    want = command_line(live.stdout)
    ck.true("[started by proctrace]" in want,
            "live tree: the command's line: %r" % want)
    for capture in (csv_path, json_path):
        what = "--replay " + os.path.basename(capture)
        rep = run_tracer(env, ["-q", "-t", "--ascii", "--replay", capture])
        ck.eq(what + ": exit status", rep.returncode, 0)
        got = command_line(rep.stdout)
        ck.true("[started by proctrace]" in got and "[before trace]" not in got,
                what + ": the command's line: %r" % got)
        # from the capture's first row, the snapshot itself (live counts
        # from an ancestor's snapshot row the capture does not keep)
        start = (int(dict(kv.split("=", 1) for kv in snaps[0]["detail"].split()
                          )["start_ns"]) - int(snaps[0]["ts_ns"])) / 1e9 if snaps else 0
        ck.true(span(got) not in (None, "before")
                and abs(float(span(got)) - start) <= 0.0011,
                "%s: the command's start: %s, the capture says %.4f"
                % (what, span(got), start))
        rep = run_tracer(env, ["-v", "--replay", capture])
        ck.eq(what + " -v: the command's snapshot line",
              [l.split(None, 6)[-1] for l in rep.stdout.splitlines()
               if " snapshot " in l],
              ["started by proctrace, held until tracing began"])
    ck.true(span(want) not in (None, "before") and span(want).startswith("-"),
            "live tree: the command's start is not before tracing: %r" % want)
    ck.raise_if_failed()


TESTS = [test_replay_roundtrip, test_replay_bad_input,
         test_replay_stream_is_live_stream, test_replay_command_started]
