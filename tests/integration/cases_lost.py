# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Losses: a burst of processes with the reader stopped; what the ring
buffer could not take is counted, per kind, never silent."""

import os
import signal

from harness import Check, Failure, parse_detail, run_workload
from cases import signal_rows


# ---- 14. losses ----

BURST = 300


def test_lost_events(env):
    """With the reader stopped, a 4 KiB ring buffer holds a few records; the
    rest of a burst of fork+exit+reap must be counted as lost: for each kind,
    the burst's rows plus the losses of that kind cover every child, and the
    summary's lost total is the sum of the lost rows."""
    tracer = env.tracer("lost", ["--ringbuf-kb", "4"]).start()
    pid = tracer.proc.pid
    try:
        os.kill(pid, signal.SIGSTOP)
        _, status = os.waitpid(pid, os.WUNTRACED)
        if not os.WIFSTOPPED(status):
            raise Failure("tracer did not stop (status %#x)" % status)
        try:
            f = run_workload(env.workload("burst"), [str(BURST)])
        finally:
            os.kill(pid, signal.SIGCONT)
            os.waitpid(pid, os.WCONTINUED)
    except BaseException:
        tracer.kill()
        raise
    cap = tracer.stop()  # also checks summary lost == sum of lost rows
    ck = Check()
    p = f["parent_pid"]
    ck.eq("workload's own count", f["children"], str(BURST))
    lost_rows = [r for r in cap.rows if r["event"] == "lost"]
    ck.true(lost_rows, "no lost rows after a burst of %d fork+exit+reap "
            "with the reader stopped" % BURST)
    lost = {}
    for r in lost_rows:
        d = parse_detail(r["detail"])
        if "rescan" in d:
            continue  # a rescan's repair, counting no loss (cases_repair)
        split = sum(int(v) for k, v in d.items() if k != "lost")
        ck.eq("lost row @%d: sum of the per-kind counts" % r["_n"], split,
              int(d["lost"]))
        for k, v in d.items():
            lost[k] = lost.get(k, 0) + int(v)
    seen = {
        "fork": [r for r in cap.rows if r["event"] == "fork"
                 and r["by_pid"] == p],
        "exit": [r for r in cap.rows if r["event"] == "exit"
                 and r["ppid"] == p],
        "reap": [r for r in cap.rows if r["event"] == "reap"
                 and r["by_pid"] == p],
        "signal": signal_rows(cap, p, "SIGCHLD"),
    }
    for kind, rows in seen.items():
        ck.true(len(rows) + lost.get(kind, 0) >= BURST,
                "%s: %d rows of the burst + %d lost < %d children: events "
                "neither written nor counted as lost"
                % (kind, len(rows), lost.get(kind, 0), BURST))
    ck.raise_if_failed()


TESTS = [
    test_lost_events,
]
