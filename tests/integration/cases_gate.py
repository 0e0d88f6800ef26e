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


def row_key(r):
    return (r["pid"], r["event"], r["ts_ns"])


def test_failed_order(env):
    """--failed writes a failure's held rows at its exit: rows older than
    some written before them come out when two failures' lives overlap
    (fail_overlap: slow forked before fast, failing after it). Sorted by
    ts_ns (stable), they are in the order of the unfiltered trace."""
    full, facts = run_traced(env, "order-all", "fail_overlap")
    capture = os.path.join(env.tmp, "%02d-order-all.csv" % env.sessions)
    cap, live_facts = run_traced(env, "order-failed", "fail_overlap", [], ["--failed"])
    out = os.path.join(env.tmp, "order-replay.csv")
    r = run_tracer(env, ["--replay", capture, "-q", "-o", out, "--failed"])
    ck = Check()
    ck.eq("replay exit status", r.returncode, 0)
    for what, rows, f in (("live", cap.rows, live_facts),
                          ("replay", read_csv(out), facts)):
        rows = [r for r in rows if r["event"] != "lost"]
        keys = [row_key(r) for r in rows]
        where = {(r["pid"], r["event"]): i for i, r in enumerate(rows)}
        slow_fork = where.get((f["slow_pid"], "fork"))
        fast_exit = where.get((f["fast_pid"], "exit"))
        ck.true(slow_fork is not None and fast_exit is not None and
                slow_fork > fast_exit and
                int(rows[slow_fork]["ts_ns"]) < int(rows[fast_exit]["ts_ns"]),
                "%s: slow's fork written after fast's exit, older than it" % what)
        ck.eq("%s: processes" % what, pids_of(rows),
              {f["main_pid"], f["slow_pid"], f["fast_pid"]})
        # each process's own rows in their order
        for key in ("main", "slow", "fast"):
            own = [int(r["ts_ns"]) for r in rows if r["pid"] == f[key + "_pid"]]
            ck.eq("%s: %s's rows in time order" % (what, key), own, sorted(own))
        if what == "replay":
            kept = set(keys)
            ck.eq("replay: sorted by ts_ns, the unfiltered trace's order",
                  sorted(keys, key=lambda k: int(k[2])),
                  [row_key(r) for r in full.rows if row_key(r) in kept])
    ck.raise_if_failed()


TESTS = [test_failed_live, test_argv_live, test_argv_failed_live,
         test_failed_argv_replay, test_failed_order]
