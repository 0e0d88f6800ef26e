# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Resource usage at the end of tracing: a process still alive (stopped,
two threads) and a zombie when the tracer stops each get one usage row
(at_end=1) with the kernel's figures then. The zombie's are what
waitid(WNOWAIT) returns for it, column by column; the stopped process's
are what /proc says of it (schedstat's runtime, stat's ticks and faults,
status's switches, io's bytes), read while it could not run. The database
takes them as the processes' usage (usage_at = end), and a replay of the
CSV gives the same rows."""

import os
import signal
import sqlite3
import subprocess

from harness import Check, Failure, read_csv, tail
from procs import Held

COUNTERS = ("maxrss_kb", "minflt", "majflt", "nvcsw", "nivcsw", "inblock",
            "oublock")
COLUMNS = ("cpu_user_us", "cpu_sys_us") + COUNTERS
FACT = {"cpu_user_us": "user_us", "cpu_sys_us": "sys_us"}


def usage_of(row):
    return {c: int(row[c]) if row[c] != "" else None for c in COLUMNS}


def check_zombie(ck, cap, f):
    pid = f["zombie_pid"]
    ck.eq("zombie: its rows", [r["event"] for r in cap.of(pid)
                               if r["event"] in ("exit", "reap", "usage")],
          ["exit", "usage"])
    row = ck.one(cap.of(pid, "usage"), "zombie's usage row")
    if not row:
        return
    ck.fields(row, "zombie usage", state="zombie")
    ck.details(row, "zombie usage", at_end="1")
    want = {c: int(f["zombie_" + FACT.get(c, c)]) for c in COLUMNS}
    ck.eq("zombie (%s): the usage row is waitid(WNOWAIT)'s rusage" % pid,
          usage_of(row), want)


def check_alive(ck, cap, f):
    pid = f["alive_pid"]
    ck.eq("alive: its rows", [r["event"] for r in cap.of(pid)
                              if r["event"] in ("exit", "reap", "usage")],
          ["usage"])
    row = ck.one(cap.of(pid, "usage"), "alive's usage row")
    if not row:
        return
    ck.fields(row, "alive usage", state="stopped")
    ck.details(row, "alive usage", at_end="1")
    got = usage_of(row)
    ck.eq("workload: the stopped process's threads", f["alive_threads"], "2")
    want = {c: int(f["alive_" + c]) for c in COUNTERS}
    ck.eq("alive (%s): the usage row's counters are /proc's" % pid,
          {c: got[c] for c in COUNTERS}, want)
    # user and sys split the runtime (cputime_adjust()): their sum is
    # schedstat's, to the µs (each is rounded down on its own); /proc's
    # ticks are the same split in clock ticks
    runtime_us = int(f["alive_runtime_ns"]) // 1000
    total = got["cpu_user_us"] + got["cpu_sys_us"]
    ck.true(0 <= runtime_us - total <= 1,
            "alive: cpu_user_us + cpu_sys_us = %d, schedstat's runtime %d µs"
            % (total, runtime_us))
    us_per_tick = 1000000 // int(f["ticks_per_s"])
    ck.eq("alive: user and sys in clock ticks, as /proc/PID/stat",
          (got["cpu_user_us"] // us_per_tick, got["cpu_sys_us"] // us_per_tick),
          (int(f["alive_utime_ticks"]), int(f["alive_stime_ticks"])))


def check_db(ck, path, cap, f):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        for name in ("zombie", "alive"):
            pid = f[name + "_pid"]
            row = cap.of(pid, "usage")
            got = db.execute("SELECT at_end, usage_at, %s FROM processes WHERE pid = ?"
                             % ", ".join(COLUMNS), (int(pid),)).fetchall()
            want = [(1, "end") + tuple(usage_of(row[0]).values())] if row else None
            ck.eq("database: %s's at_end and usage (usage_at, %s)"
                  % (name, ", ".join(COLUMNS)), got, want)
    finally:
        db.close()


def check_replay(ck, env, csv_path, cap, f):
    out = os.path.join(env.tmp, "usage_end-replayed.csv")
    p = subprocess.run([env.proctrace, "-q", "--replay", csv_path, "-o", out], capture_output=True, text=True, timeout=120)
    if p.returncode:
        raise Failure("replay exited %d: %s" % (p.returncode, tail(p.stderr)))
    again = {r["pid"]: r for r in read_csv(out) if r["event"] == "usage"}
    for name in ("zombie", "alive"):
        pid = f[name + "_pid"]
        rows = cap.of(pid, "usage")
        ck.eq("replay: %s's usage row" % name,
              again.get(pid), rows[0] if rows else None)


def test_usage_at_end(env):
    db_path = os.path.join(env.tmp, "usage_end.db")
    tracer = env.tracer("usage_end", ["--db", db_path])
    tracer.start()
    w = Held(env.workload("usage_end"))
    try:
        w.fact("ready")
        cap = tracer.stop()
    except Failure:
        if "alive_pid" in w.facts:  # stopped: it would never end
            os.kill(int(w.facts["alive_pid"]), signal.SIGKILL)
        w.kill()
        tracer.kill()
        raise
    f = w.finish()
    ck = Check()
    ck.eq("workload: the zombie's exit code", f["zombie_exit_code"], "7")
    ck.true(int(f["zombie_oublock"]) >= 2048,
            "workload: the zombie's 1 MiB written, oublock %s"
            % f["zombie_oublock"])
    check_zombie(ck, cap, f)
    check_alive(ck, cap, f)
    check_db(ck, db_path, cap, f)
    check_replay(ck, env, tracer.csv_path, cap, f)
    ck.raise_if_failed()


TESTS = [test_usage_at_end]
