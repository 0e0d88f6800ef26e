# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Replaying a saved capture (--replay): the same events again, so a
re-export is byte-identical and the views are those of the live run."""

import os
import re

from harness import Check, Failure, read_csv
from cases import error_lines, run_tracer


def strip_drawing(line):
    """A tree line without its branch drawing: "pid comm ..." and its depth."""
    body = line.lstrip(" |`-")
    return len(line) - len(body), body


# Lifetimes are shown from the first event of the trace, which in a live
# filtered run is an ancestor's snapshot row that the capture does not keep.
LIFETIME = re.compile(r"  (before|\d+\.\d+)-\d+\.\d+s  ")


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


TESTS = [test_replay_roundtrip, test_replay_bad_input]
