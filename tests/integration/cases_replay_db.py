# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""A database rebuilt by --replay is the live run's: the rows carry what
the live model takes from each event (a process's start when its fork was
lost, its v1 memory cgroup), so a capture with losses replays to the same
processes table."""

import os
import sqlite3

from harness import Check, Failure, read_csv
from cases import run_tracer


def processes(path):
    db = sqlite3.connect(path)
    try:
        return sorted(db.execute("SELECT * FROM processes"), key=repr)
    finally:
        db.close()


def test_replay_db_equals_live_with_losses(env):
    """fork_storm under a 4 KiB ring: forks are lost, the processes they
    started show up later (scheduler, exit, reap rows, rescans); the
    processes table of --replay of the CSV and of the JSON Lines capture
    is the live --db's, row for row."""
    ck = Check()
    work = os.path.join(env.tmp, "replay-db")
    os.makedirs(work, exist_ok=True)
    for f in os.listdir(work):  # a run before this one
        os.unlink(os.path.join(work, f))
    csv_path = os.path.join(work, "capture.csv")
    json_path = os.path.join(work, "capture.jsonl")
    live_db = os.path.join(work, "live.db")
    live = run_tracer(env, ["-q", "--sched", "--ringbuf-kb", "4", "-o", csv_path,
                            "-j", json_path, "--db", live_db, "--",
                            env.workload("fork_storm"), "3000", "4"], timeout=300)
    if live.returncode != 0:
        raise Failure("live run exited %d: %s" % (live.returncode, live.stderr))
    rows = read_csv(csv_path)
    lost = sum(int(r["detail"].split()[0].split("=")[1]) for r in rows
               if r["event"] == "lost")
    forked = {r["pid"] for r in rows if r["event"] in ("fork", "snapshot")}
    unborn = {r["pid"] for r in rows if r["event"] not in ("lost",)
              and r["pid"] not in forked}
    ck.true(lost > 0, "the capture counted lost events (%d)" % lost)
    ck.true(len(unborn) > 0, "processes whose fork the capture lacks: %d"
            % len(unborn))
    want = processes(live_db)
    for capture in (csv_path, json_path):
        path = capture + ".db"
        rep = run_tracer(env, ["-q", "--replay", capture, "--db", path],
                         timeout=300)
        ck.eq("--replay %s exit status" % os.path.basename(capture),
              rep.returncode, 0)
        got = processes(path)
        extra = [r for r in got if r not in want]
        missing = [r for r in want if r not in got]
        ck.eq("--replay %s: processes rows not live's, live's missing "
              "(counts, first of each)" % os.path.basename(capture),
              (len(extra), len(missing), extra[:1], missing[:1]),
              (0, 0, [], []))
    ck.raise_if_failed()


TESTS = [test_replay_db_equals_live_with_losses]
