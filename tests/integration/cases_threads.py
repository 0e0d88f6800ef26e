# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Threads (with and without --threads) and pid namespaces: the rows
of each thread and of a process in a namespace of its own."""

from harness import Check, inferred, last_thread_unknown
from cases import (before, check_normal_exit, check_reaped_by, check_top,
                   process_exits, thread_exits, traced)


# ---- 10. threads ----

def test_threads_on(env):
    cap, (f,) = traced(env, "threads-on", [("threads", [])], ["--threads"])
    ck = Check()
    pid, main_tid = f["pid"], f["main_tid"]
    check_top(ck, cap, f, "pid", env.workload("threads"))
    names = ("t1", "t2", "t3")
    rows = cap.of(pid, "thread")
    ck.eq("thread rows' tids", sorted(r["tid"] for r in rows),
          sorted(f[t + "_tid"] for t in names))
    exits = thread_exits(cap, pid)
    end = ck.one(process_exits(cap, pid), "process exit row")
    # Where the exit tracepoint has no group_dead, a thread on its way out
    # when the main thread left may take the process's exit: then which
    # was last is unknown, and both rows say so (never a silent other).
    swapped = end is not None and end["tid"] != main_tid
    if swapped:
        unsure = [r["tid"] for r in cap.of(pid, "exit") if last_thread_unknown(r)]
        ck.eq("rows saying the last thread is unknown", sorted(unsure),
              sorted([end["tid"], main_tid]))
    ended = [f[t + "_tid"] for t in names if not swapped or f[t + "_tid"] != end["tid"]]
    ck.eq("thread exit rows' tids", sorted(r["tid"] for r in exits),
          sorted(ended + ([main_tid] if swapped else [])))
    for t in names:
        tid, creator = f[t + "_tid"], f[t + "_creator"]
        born = ck.one([r for r in rows if r["tid"] == tid],
                      "thread row of " + t)
        ck.fields(born, t + " thread", by_pid=creator, ppid=f["_pid_of_runner"])
        ck.details(born, t + " thread", creator_tid=creator)
        if tid not in ended:
            continue
        gone = ck.one([r for r in exits if r["tid"] == tid],
                      "thread exit row of " + t)
        before(ck, born, gone, t + " thread then exit")
    if not swapped:
        ck.fields(end, "process exit", tid=main_tid)
    ck.fields(end, "process exit", exit_code=0)
    for r in exits:
        if r["tid"] not in ended:
            continue
        # Without group_dead (5.10 to 6.12) a thread still on its way out
        # when the main thread left reaches the tracepoint after it: its
        # row may come after the process exit only if both rows say which
        # was last is unknown.
        unknown = end is not None and all(last_thread_unknown(x) for x in (r, end))
        if not unknown:
            before(ck, r, end, "thread exit then process exit")
    ck.raise_if_failed()


def test_threads_off(env):
    cap, (f,) = traced(env, "threads-off", [("threads", [])])
    ck = Check()
    pid = f["pid"]
    check_top(ck, cap, f, "pid", env.workload("threads"))
    ck.eq("thread rows without --threads", len(cap.of(pid, "thread")), 0)
    ck.eq("exit rows without --threads", len(cap.of(pid, "exit")), 1)
    ck.raise_if_failed()


def test_thread_exits_last(env):
    """Processes whose joined threads may still be on their way out when
    the main thread leaves (tests/workloads/thread_exits.c): each thread
    has one exit row and the process one, or the tracer counted it lost;
    which of two threads was last is the kernel's (group_dead) or, without
    it, unknown and said so on both rows: a thread's exit after its
    process's, or a process exit by another thread than the leader, only
    with both rows saying last_thread_unknown."""
    n, k = 40, 4
    cap, (f,) = traced(env, "thread-exits",
                       [("thread_exits", [str(n), str(k)])], ["--threads"])
    ck = Check()
    # Exit rows the tracer said it lost (the kernel skipping the exit
    # program on a preemptible kernel: recursion_misses, 7.2): missing
    # rows are accepted up to that count, never more.
    missing, lost = 0, cap.lost_of("exit")
    for i in range(n):
        pid, _, tids = f["proc%d" % i].partition(":")
        tids = tids.split(",")
        who = "process %d (%s)" % (i, pid)
        # An exit the rescan inferred after a loss is not the kernel's:
        # the lost count covers it.
        exits = [r for r in cap.of(pid, "exit") if not inferred(r)]
        ends = [r for r in process_exits(cap, pid) if not inferred(r)]
        seen = set(r["tid"] for r in exits)
        missing += len(set([pid] + tids) - seen)
        if not ends and missing <= lost:
            continue
        end = ck.one(ends, who + ": process exit row")
        if end is None:
            continue
        ck.fields(end, who + " exit", exit_code=0)
        ck.true(end["tid"] in [pid] + tids,
                "%s: process exit by tid %s, not one of its threads"
                % (who, end["tid"]))
        ck.true(len(exits) == len(seen) and seen <= set([pid] + tids),
                "%s: exit rows' tids %s, its threads %s"
                % (who, sorted(r["tid"] for r in exits), sorted([pid] + tids)))
        if end["tid"] != pid:
            ck.true(last_thread_unknown(end), "%s: process exit by thread %s, not the "
                    "leader, without last_thread_unknown" % (who, end["tid"]))
        for r in [r for r in exits if r is not end]:
            if r["_n"] > end["_n"] or r["tid"] == pid:
                ck.true(last_thread_unknown(r) and last_thread_unknown(end),
                        "%s: thread %s's exit (row %s) after the process "
                        "exit (row %s, tid %s) or in its place, not both "
                        "saying last_thread_unknown"
                        % (who, r["tid"], r["_n"], end["_n"], end["tid"]))
    ck.true(missing <= lost, "%d exit rows missing, %d exits counted lost"
            % (missing, lost))
    ck.raise_if_failed()


# ---- 11. pid namespaces ----

def test_pid_namespace(env):
    cap, (f,) = traced(env, "pidns", [("pidns", [])])
    ck = Check()
    p, init, gc = f["parent_pid"], f["init_pid"], f["gc_pid"]
    ck.eq("workload's own init pid", f["init_pid_from_parent"], init)
    ck.eq("workload's own init ns pid", f["init_ns_pid"], "1")
    ck.true(f["init_pidns"] != f["parent_pidns"],
            "workload: the new pid namespace has the parent's inode")
    check_top(ck, cap, f, "parent_pid", env.workload("pidns"))
    for r in cap.of(p):
        ck.fields(r, "parent %s row" % r["event"], ns_pid=p,
                  pidns=f["parent_pidns"])
    for who, pid, ns_pid in (("init", init, 1), ("gc", gc, 2)):
        rows = cap.of(pid)
        ck.true(len(rows) >= 3, "%s: expected fork, exit and reap rows, got%s"
                % (who, " none" if not rows else
                   " " + ",".join(r["event"] for r in rows)))
        for r in rows:
            ck.fields(r, "%s %s row" % (who, r["event"]), ns_pid=ns_pid,
                      pidns=f[who + "_pidns"])
    fork = ck.one(cap.of(gc, "fork"), "fork row of gc")
    ck.fields(fork, "gc fork", ppid=init, by_pid=init)
    check_normal_exit(ck, cap, init, "init", 0, p)
    check_reaped_by(ck, cap, gc, "gc", init)
    check_reaped_by(ck, cap, init, "init", p)
    ck.raise_if_failed()


TESTS = [
    test_threads_on, test_threads_off, test_thread_exits_last, test_pid_namespace,
]
