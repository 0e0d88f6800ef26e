# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""A database rebuilt by --replay is the live run's: the rows carry what
the live model takes from each event (a process's start when its fork was
lost, its v1 memory cgroup), so a capture with losses replays to the same
processes table."""

import os
import sqlite3

from harness import SUMMARY, Check, Failure, parse_detail, read_csv
from cases import run_tracer

# The detail keys that say which process a row is for, written where the
# rows before it in its file would not tell a reader (schema's start_ns).
PROCESS_KEYS = ("start_ns", "memcg_id", "memcg")


def check_cut_rows(ck, what, got, want, whole):
    """got, the rows of a replay that kept some of the capture whole's rows
    (want, the ones it should keep), has want's rows, each as it was but
    for the process keys its own file needs: start_ns= on a process's first
    row, memcg_id= (and memcg=) where its v1 memory cgroup is not the last
    its kept rows gave; their values the capture's."""
    def triple(r):
        return (r["event"], r["pid"], r["ts_ns"])

    ck.eq("%s: rows" % what, [triple(r) for r in got], [triple(r) for r in want])
    known, seen, bad = {}, {}, []
    at = iter(got)
    g = next(at, None)
    for r in whole:
        if r["event"] == "lost":
            d = {}
        else:
            d = parse_detail(r["detail"])
            known.setdefault(r["pid"], {}).update((k, d[k]) for k in PROCESS_KEYS if k in d)
        if g is None or triple(g) != triple(r):
            continue
        want_d = dict(d)
        if r["event"] != "lost":
            proc = known[r["pid"]]
            if "start_ns" in d:  # a new process (fork, snapshot): its own keys
                seen.pop(r["pid"], None)
            mine = seen.setdefault(r["pid"], {})
            if not mine and "start_ns" in proc:
                want_d["start_ns"] = proc["start_ns"]
            if "memcg_id" in proc and proc["memcg_id"] != mine.get("memcg_id"):
                want_d.update((k, proc[k]) for k in ("memcg_id", "memcg") if k in proc)
            mine.update((k, want_d[k]) for k in PROCESS_KEYS if k in want_d)
            mine.setdefault("start_ns", None)
        gd = parse_detail(g["detail"]) if g["event"] != "lost" else {}
        same = all(g[k] == r[k] for k in r if k != "detail")
        if not same or gd != want_d:
            bad.append((triple(g), g["detail"], sorted(want_d.items())))
        g = next(at, None)
    ck.eq("%s: rows not the capture's with their process keys (count, first)" % what,
          (len(bad), bad[:1]), (0, []))


def processes(path):
    db = sqlite3.connect(path)
    try:
        return sorted(db.execute("SELECT * FROM processes"), key=repr)
    finally:
        db.close()


def check_counts(ck, stderr, path):
    """The summary line's events and lost are the database's trace row's:
    the events table's rows but lost rows, the lost table's sum."""
    found = [SUMMARY.match(line) for line in stderr.splitlines()]
    found = [m for m in found if m]
    if len(found) != 1:
        raise Failure("no one summary line: %r" % stderr[-400:])
    db = sqlite3.connect(path)
    try:
        trace = db.execute("SELECT events, lost FROM trace").fetchone()
        rows = db.execute("SELECT count(*) FROM events WHERE event != 'lost'").fetchone()[0]
    finally:
        db.close()
    said = (int(found[0].group(1)), int(found[0].group(3)))
    ck.eq("summary line's (events, lost) vs trace row's", said, trace)
    ck.eq("trace row's events vs the events table's rows but lost rows", trace[0], rows)


def test_replay_db_equals_live_with_losses(env):
    """fork_storm under a 4 KiB ring: forks are lost, the processes they
    started show up later (scheduler, exit, reap rows, rescans); the
    processes table of --replay of the CSV and of the JSON Lines capture
    is the live --db's, row for row. The summary line counts what the
    database's trace row counts."""
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
    check_counts(ck, live.stderr, live_db)
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
