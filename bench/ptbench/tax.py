# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The syscall tax: attaching any syscall tracepoint sets the kernel's
syscall-tracepoint work flag on every task, so every system call of every
process takes the slow entry and exit path, whatever the program does. A
process that makes millions of tiny system calls and creates no process
at all (dd bs=1) shows it alone."""

import os
import statistics
import subprocess
import time
from .common import log
from .procfs import stop, wait_ready


def dd_cmd(count):
    # count bytes, one read and one write each: 2 * count system calls.
    return ["dd", "if=/dev/zero", "of=/dev/null", "bs=1", f"count={count}"]


def dd_run(count):
    """Wall seconds and CPU seconds (user + system, from its rusage)."""
    t0 = time.monotonic()
    p = subprocess.Popen(dd_cmd(count), stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    secs = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("dd failed")
    return secs, ru.ru_utime + ru.ru_stime


def tax_run(s, tracers):
    """Rounds of U T1 U T2 ... as the storms do: {label: [ratio...]} for wall
    and CPU time, and the untraced rate of system calls."""
    count = s.tax_count
    wall = {t.label: [] for t in tracers}
    cpu = {t.label: [] for t in tracers}
    base = []
    log(f"== syscall tax: dd bs=1 count={count}, {s.rounds} rounds")
    for r in range(s.rounds):
        order = tracers[r % len(tracers):] + tracers[:r % len(tracers)]
        before = dd_run(count)
        base.append(before[0])
        for t in order:
            procs = t.start()
            try:
                wait_ready(procs, t.ready_marker())
                traced = dd_run(count)
            finally:
                stop(procs)
            after = dd_run(count)
            base.append(after[0])
            wall[t.label].append(traced[0] / ((before[0] + after[0]) / 2))
            cpu[t.label].append(traced[1] / ((before[1] + after[1]) / 2))
            log(f"   round {r + 1} {t.key:12s} x{wall[t.label][-1]:.3f}")
            before = after
    return {"count": count, "syscalls_per_s": 2 * count / statistics.median(base),
            "wall": wall, "cpu": cpu}
