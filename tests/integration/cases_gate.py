# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""--failed and --argv, decided on the event stream, live and in a
replay: exactly the processes that should stay, with exactly their rows.
fail_tree's processes: ok exits 0, killed dies of SIGTERM under middle
(which exits 0), code exits 7, x and z (exec'd as `fail_tree --run x
MARK` and `--run z other`) each start a child that exits 0, and exit 3."""

import os
import random

from cases import run_tracer
from harness import Check, read_csv, run_traced, run_workload

# The rows of each process --failed keeps: the failed ones, and their
# ancestors (main: the command, ancestor of all; middle: of killed).
FAILED_ROWS = {
    "killed": ["fork", "signal", "exit", "reap"],
    "middle": ["fork", "signal", "exit", "reap"],
    "code": ["fork", "exit", "reap"],
    "x": ["fork", "exec", "signal", "exit", "reap"],
    "z": ["fork", "exec", "signal", "exit", "reap"],
}
# --argv "run x MARK": x from its exec, and the child it starts.
ARGV_ROWS = {"x": ["exec", "signal", "exit", "reap"],
             "x_child": ["fork", "exit", "reap"]}


def mark():
    return "m%d%06d" % (os.getpid(), random.randrange(10 ** 6))


def pids_of(rows):
    return {r["pid"] for r in rows if r["event"] != "lost"}


def check_rows(ck, what, rows, facts, want, also=()):
    """Exactly the processes of want (and also, rows unchecked), with
    exactly want's rows each."""
    ck.eq("%s: processes" % what, pids_of(rows),
          {facts[k + "_pid"] for k in list(want) + list(also)})
    for key, kinds in want.items():
        got = [r["event"] for r in rows if r["pid"] == facts[key + "_pid"]]
        ck.eq("%s: rows of %s" % (what, key), got, kinds)


def check_failed(ck, what, rows, facts):
    check_rows(ck, what, rows, facts, FAILED_ROWS, also=["main"])
    by = {(r["pid"], r["event"]): r for r in rows}
    main_exit = by.get((facts["main_pid"], "exit"))
    ck.true(main_exit and main_exit["exit_code"] == "0",
            "%s: main, an ancestor, shown with its exit 0" % what)
    killed = by.get((facts["killed_pid"], "exit"))
    ck.true(killed and killed["signal"] == "SIGTERM",
            "%s: killed's exit by SIGTERM" % what)
    for key, code in (("code", "7"), ("x", "3"), ("z", "3")):
        row = by.get((facts[key + "_pid"], "exit"))
        ck.true(row and row["exit_code"] == code,
                "%s: %s's exit code %s" % (what, key, code))


def test_failed_live(env):
    m = mark()
    cap, facts = run_traced(env, "failed", "fail_tree", [m], ["--failed"])
    ck = Check()
    check_failed(ck, "--failed", cap.rows, facts)
    ck.raise_if_failed()


def test_argv_live(env):
    m = mark()
    tracer = env.tracer("argv", ["--argv", "run x " + m])
    tracer.start()
    facts = run_workload(env.workload("fail_tree"), [m])
    cap = tracer.stop()
    ck = Check()
    check_rows(ck, "--argv", cap.rows, facts, ARGV_ROWS)
    ck.raise_if_failed()


def test_argv_failed_live(env):
    m = mark()
    cap, facts = run_traced(env, "argv-failed", "fail_tree", [m],
                            ["--argv", "run x " + m, "--failed"])
    ck = Check()
    check_rows(ck, "--argv and --failed", cap.rows, facts,
               {"x": ARGV_ROWS["x"]})
    ck.raise_if_failed()


def test_failed_argv_replay(env):
    m = mark()
    cap, facts = run_traced(env, "gate-all", "fail_tree", [m])
    capture = os.path.join(env.tmp, "%02d-gate-all.csv" % env.sessions)
    ck = Check()
    for what, opts, check in (
            ("--replay --failed", ["--failed"], check_failed),
            ("--replay --argv", ["--argv", "run x " + m],
             lambda ck, what, rows, facts:
             check_rows(ck, what, rows, facts, ARGV_ROWS))):
        out = os.path.join(env.tmp, "gate-replay.csv")
        r = run_tracer(env, ["--replay", capture, "-q", "-o", out] + opts)
        if ck.eq("%s exit status" % what, r.returncode, 0):
            check(ck, what, read_csv(out), facts)
    ck.raise_if_failed()


TESTS = [test_failed_live, test_argv_live, test_argv_failed_live,
         test_failed_argv_replay]
