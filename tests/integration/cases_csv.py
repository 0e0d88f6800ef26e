# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The CSV as other programs read it: a few seconds of the whole machine,
with hard text in it, read back field for field by python's csv and
sqlite3, and every row of the shape its kind gives it."""

import os
import re
import subprocess

from harness import (Check, EVENT_KINDS, Failure, parse_detail, run_workload,
                     shlex_argv)
from cases import HARD_ARGV, USAGE_COLUMNS, true_path


# ---- 16. the CSV as other programs read it ----

def test_csv_parses(env):
    """A few seconds of the whole machine, with hard text in it (argv with
    quotes and newlines, a program whose name has a comma, a quote and a
    space), must read back field for field in python's csv and sqlite3."""
    odd = os.path.join(env.tmp, 'we,ird"na me')
    os.symlink(true_path(), odd)
    tracer = env.tracer("csv", ["-d", "3"]).start()
    try:
        subprocess.run([odd, "x"], check=True)
        run_workload(env.workload("exec_args"), [true_path()] + HARD_ARGV)
        subprocess.run(["sh", "-c", "for i in 1 2 3; do echo \"$i,\\\"\" "
                        ">/dev/null; ls / >/dev/null; done"], check=True)
    except BaseException:
        tracer.kill()
        raise
    cap = tracer.finish(tracer.wait_exit())  # -d 3: stops by itself
    ck = Check()
    rows = [r for r in cap.rows if r["filename"] == odd]
    ex = ck.one(rows, "exec row of %r" % odd)
    ck.fields(ex, "odd exec", comm='we,ird"na me')
    if ex:
        ck.eq("odd exec argv", shlex_argv(ex), [odd, "x"])
    check_row_shapes(ck, cap)
    sql = ("select count(*), sum(length(argv)), sum(length(detail)), "
           "sum(length(comm)), sum(length(filename)) from t;")
    p = subprocess.run(["sqlite3", "-batch", ":memory:",
                        ".import --csv %s t" % tracer.csv_path, sql],
                       capture_output=True, text=True, timeout=60)
    ck.eq("sqlite3 status", (p.returncode, p.stderr.strip()), (0, ""))
    want = [len(cap.rows)] + [sum(len(r[c]) for r in cap.rows)
                              for c in ("argv", "detail", "comm", "filename")]
    got = p.stdout.strip().split("|")
    ck.eq("sqlite3 count and text lengths", got, [str(v) for v in want])
    ck.raise_if_failed()


EVENTS = {"snapshot", "fork", "thread", "exec", "exit", "reap", "signal",
          "stop", "continue", "setpgid", "setsid", "rename", "lost",
          "unshare", "setns",
          "reparent", "exec_failed", "usage"}
EXEC_ROWS = ("exec", "exec_failed")
STATES = {"alive", "stopped", "zombie", "reaped"}
ID_COLUMNS = ("ts_ns", "pid", "tid", "ppid", "pgid", "sid", "uid", "ns_pid",
              "pidns", "cgroup_id")


def check_row_shapes(ck, cap):
    """What every row of a capture must look like, whatever process it is
    about: the columns each kind of event fills, and only those."""
    bad = {}

    def expect(cond, what, row):
        if not cond and what not in bad:
            bad[what] = row
    for r in cap.rows:
        ev = r["event"]
        expect(ev in EVENT_KINDS, "unknown event", r)
        try:
            parse_detail(r["detail"])
        except Failure:
            expect(False, "detail not key=value pairs", r)
        expect(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z",
                            r["time"]), "time not ISO 8601 UTC", r)
        if ev == "lost":
            continue
        for col in ID_COLUMNS:
            expect(r[col].isdigit(), col + " not a number", r)
        expect(r["state"] in STATES, "unknown state", r)
        expect(bool(r["comm"]), "empty comm", r)
        # Usage: always on an exit row (its snapshot) and a usage row (at
        # the end), on a reap row when the kernel's final figures were read
        # (a process released at its own exit has none), on no other row.
        for col in USAGE_COLUMNS:
            if ev == "reap":
                continue
            expect(r[col].isdigit() == (ev in ("exit", "usage")),
                   col + " set on a row other than exit, reap or usage, or missing"
                   " on an exit row", r)
        have = [r[col].isdigit() for col in USAGE_COLUMNS]
        expect(ev != "reap" or all(have) or not any(have),
               "usage columns of a reap row partly set", r)
        expect(bool(r["filename"]) == (ev in EXEC_ROWS),
               "filename on a non-exec row, or missing on an exec row", r)
        expect(bool(r["argv"]) <= (ev in EXEC_ROWS), "argv on a non-exec row",
               r)
        sig_kind = ev in ("signal", "stop", "continue")
        expect(r["signal"].startswith("SIG") == sig_kind
               or (ev == "exit" and r["signal"].startswith("SIG")),
               "signal column does not fit the event", r)
        if ev == "exit":
            code, sig = r["exit_code"], r["signal"]
            expect((code.isdigit() and 0 <= int(code) <= 255 and not sig)
                   or (not code and sig.startswith("SIG")),
                   "exit row needs exactly one of exit_code and signal", r)
            expect(r["core_dumped"] in ("0", "1"), "core_dumped not 0/1", r)
            expect(r["core_dumped"] == "0" or sig,
                   "core dumped without a signal", r)
        else:
            expect(not r["exit_code"] and not r["core_dumped"],
                   "exit_code or core_dumped on a non-exit row", r)
    for what, r in bad.items():
        ck.fail("row @%d (%s of pid %s): %s" % (r["_n"], r["event"],
                                                 r["pid"], what))


TESTS = [
    test_csv_parses,
]
