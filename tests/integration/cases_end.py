# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The end of a process and of a trace: every process with an exit row has
its reap row, or an inferred one (unseen_from_ns: the reap was not
observed, the process was found gone), or a usage row saying it was still
a zombie when tracing ended (at_end=1); never nothing, and a reap the
kernel side could not report never keeps the tracer waiting."""

import subprocess

from harness import WORKLOAD_TIMEOUT, Check, Failure, parse_detail, run_traced


def test_end_free_unseen(env):
    """A zombie released by a wait() that does not name it (waitid(P_ALL)
    with no infop, for a child of another thread) is known released only
    at its free; with that free skipped (PROCTRACE_FAULT=skip-free:1, as
    the kernel's recursion guard may), the tracer still ends once the
    command is gone (the harness's bound on the wait fails it otherwise),
    the skipped free is counted lost, and the child's reap is reported
    inferred: found gone, last known a zombie at its exit."""
    cap, f = run_traced(env, "end-free-unseen", "reap_paths", ["thread_all"],
                        fault="skip-free:1")
    ck = Check()
    child, parent = f["child_pid"], f["parent_pid"]
    ex = ck.one(cap.of(child, "exit"), "child exit rows")
    reap = ck.one(cap.of(child, "reap"), "child reap rows")
    if ex and reap:
        ck.fields(reap, "child reap", ppid=parent, by_pid="", state="reaped")
        ck.details(reap, "child reap", unseen_from_ns=ex["ts_ns"])
        ck.true(int(reap["ts_ns"]) > int(ex["ts_ns"]),
                "child reap at %s, not after its exit at %s"
                % (reap["ts_ns"], ex["ts_ns"]))
    lost = sum(int(parse_detail(r["detail"]).get("reap", 0))
               for r in cap.rows if r["event"] == "lost")
    ck.true(lost >= 1, "the skipped free: %d reaps counted lost" % lost)
    ck.one(cap.of(parent, "reap"), "parent reap rows")
    ck.raise_if_failed()


def trace_end_reaps(env, name, batch=16, duration="2"):
    """end_reaps BATCH traced with -d DURATION -g its group: its children
    exit and are reaped before, while and after tracing ends (the workload
    runs from the tracer's start until after its exit). The capture."""
    wl = subprocess.Popen([env.workload("end_reaps"), str(batch)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True)
    try:
        key, _, pgid = wl.stdout.readline().strip().partition("=")
        if key != "pgid":
            raise Failure("end_reaps: no pgid fact")
        tracer = env.tracer(name, ["-d", duration, "-g", pgid])
        tracer.start()
        wl.stdin.write("g")
        wl.stdin.flush()
        cap = tracer.finish(tracer.wait_exit())
    finally:
        wl.stdin.close()  # its end ends the workload
        wl.stdin = None
        try:
            out, _ = wl.communicate(timeout=WORKLOAD_TIMEOUT)
        except subprocess.TimeoutExpired:
            wl.kill()
            raise Failure("end_reaps did not end")
    if wl.returncode != 0 or "rounds=" not in out:
        raise Failure("end_reaps failed (exit %s)" % wl.returncode)
    return cap, pgid


def is_end(r):
    """A row that ends a process after its exit: a reap (seen or inferred)
    or a usage row at the end (a zombie when tracing ended)."""
    return (r["event"] == "reap" or
            (r["event"] == "usage" and "at_end" in parse_detail(r["detail"])))


def lives(cap):
    """(pid, its rows) for each process of the capture: a pid's rows split
    where a fork or snapshot row begins its next holder (pids come back
    within seconds here)."""
    held = {}
    out = []
    for r in cap.rows:
        if r["event"] == "lost":
            continue
        if r["event"] in ("fork", "snapshot") or r["pid"] not in held:
            held[r["pid"]] = []
            out.append((r["pid"], held[r["pid"]]))
        held[r["pid"]].append(r)
    return out


def test_end_every_exit_ended(env):
    """Children exiting and reaped around the end of a -d trace: every
    process with an exit row has exactly one row after it that ends it
    (its reap, a reap inferred, or its usage as a zombie at the end)."""
    cap, pgid = trace_end_reaps(env, "end-every-exit")
    ck = Check()
    exited = [(pid, rows) for pid, rows in lives(cap)
              if any(r["event"] == "exit" and "thread_exit" not in parse_detail(r["detail"])
                     for r in rows)]
    ck.true(len(exited) > 0, "no exit rows in the group %s" % pgid)
    for pid, rows in exited:
        ends = [r for r in rows if is_end(r)]
        ck.true(len(ends) == 1,
                "exited process %s (from %s): %d rows ending it (reap, or "
                "usage at_end=1), expected 1: %s"
                % (pid, rows[0]["ts_ns"], len(ends), [r["event"] for r in ends]))
    ck.raise_if_failed()


TESTS = [test_end_free_unseen, test_end_every_exit_ended]
