# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The start of a whole-machine capture while processes fork: the task list
is read after the programs are attached, so a process born in between has
both its fork record in the ring buffer and a place in the list. Checked:
no process has both a snapshot row and a fork row, and the rows of a
process born then do not go back in time in the file's order. (Those of a
process running before, read from the ring after its snapshot row, may be
older than the row: it tells the process as it was when read.)"""

from harness import Check, Failure, parse_detail
from procs import Cleanup, Held

WORKERS = 2


def processes(rows):
    """pid -> [(start_ns, exit ts or None)], in start order: the processes
    that held the pid, from what gives a start exactly (a snapshot row's
    start_ns, an exit row's ts - age_ns)."""
    out = {}
    for r in rows:
        d = parse_detail(r["detail"])
        if r["event"] == "snapshot":
            start, end = int(d["start_ns"]), None
        elif r["event"] == "exit" and "age_ns" in d:
            start = int(r["ts_ns"]) - int(d["age_ns"])
            end = int(r["ts_ns"])
        else:
            continue
        known = out.setdefault(r["pid"], {})
        known[start] = end if known.get(start) is None else known[start]
    return {pid: sorted(k.items()) for pid, k in out.items()}


def owner(procs, row):
    """The start of the process a row is about: the last started before
    it; None when unknown (a fork after that one's exit: a new process
    whose exit row is not in the capture)."""
    ts, best = int(row["ts_ns"]), None
    for start, end in procs:
        if start <= ts:
            best = (start, end)
    if best is None or (row["event"] == "fork" and best[1] is not None
                        and ts > best[1]):
        return None
    return best[0]


def check_rows(ck, rows, family):
    """Per process of the family (pids), its rows in file order; the time
    order for those without a snapshot row."""
    by_proc = {}
    for r in rows:
        if r["pid"] in family:
            procs = family[r["pid"]]
            start = owner(procs, r)
            if start is not None:
                by_proc.setdefault((r["pid"], start), []).append(r)
    for (pid, start), rs in sorted(by_proc.items()):
        kinds = [r["event"] for r in rs]
        ck.true(not ("snapshot" in kinds and "fork" in kinds),
                "pid %s (start_ns %d): a snapshot row and a fork row: %s"
                % (pid, start, kinds))
        times = [int(r["ts_ns"]) for r in rs]
        ck.true("snapshot" in kinds or times == sorted(times),
                "pid %s (start_ns %d): row times go back: %s"
                % (pid, start, list(zip(kinds, times))))
    return by_proc


def storm_run(env, ck):
    """One capture started during the storm; whether children forked while
    the task list was read (else the run had no race to check)."""
    with Cleanup() as cl:
        storm = cl.add(Held(env.workload("start_storm"), [str(WORKERS)]))
        storm.fact("running")
        tracer = cl.add(env.tracer("startup-storm"))
        tracer.start()
        facts = storm.finish()
        cap = tracer.stop()
    workers = facts["workers"].split(",")
    rows = cap.rows
    kids = {r["pid"] for r in rows if r["ppid"] in workers}
    everyone = kids | set(workers) | {facts["storm_pid"]}
    procs = processes(r for r in rows if r["pid"] in everyone)
    family = {pid: procs.get(pid, []) for pid in everyone}
    check_rows(ck, rows, family)
    for w in workers + [facts["storm_pid"]]:
        kinds = [r["event"] for r in cap.of(w)]
        ck.eq("worker or storm %s: snapshot rows" % w, kinds.count("snapshot"), 1)
        ck.eq("worker or storm %s: fork rows" % w, kinds.count("fork"), 0)
    read_end = max(int(r["ts_ns"]) for r in rows if r["event"] == "snapshot")
    return any(r["event"] == "fork" and r["pid"] in kids
               and int(r["ts_ns"]) < read_end for r in rows)


def test_startup_storm(env):
    """A fork storm running while the tracer starts (whole machine); again
    (3 runs at most) until children forked while the task list was read."""
    for _ in range(3):
        ck = Check()
        raced = storm_run(env, ck)
        ck.raise_if_failed()
        if raced:
            return
    raise Failure("in 3 runs, no child of the storm forked before the end "
                  "of the task list's reading: nothing to check")


TESTS = [test_startup_storm]
