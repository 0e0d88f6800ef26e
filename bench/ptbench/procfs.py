# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Reading /proc: CPU times, memory, whether a tracer waits for events."""

import os
import signal
import subprocess
import threading
import time
from .common import CLK_TCK, WAITING_SYSCALLS


# ------------------------------------------------------------ /proc reading


def proc_cpu(pid):
    """(total, user, system) seconds of a whole process (all its threads).

    /proc/PID/stat gives user and system time in 1/CLK_TCK ticks, too
    coarse for a tracer's share of a storm of a few seconds: the total is
    also taken in nanoseconds from the threads' schedstat (the runtime the
    kernel scales utime and stime to); stat's ticks give the split."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total_ns = 0
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total_ns += int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return (0.0, 0.0, 0.0)
    return (total_ns / 1e9, int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK)


def cpu_delta(before, after):
    """(user, system) seconds between two proc_cpu() readings of the same
    processes: the precise total, split as the ticks say."""
    total = sum(b[0] - a[0] for a, b in zip(before, after))
    user = sum(b[1] - a[1] for a, b in zip(before, after))
    system = sum(b[2] - a[2] for a, b in zip(before, after))
    share = user / (user + system) if user + system > 0 else 0.5
    return total * share, total * (1 - share)


def proc_status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def waiting_for_events(pid):
    try:
        with open(f"/proc/{pid}/syscall") as f:
            first = f.read().split()
    except OSError:
        return False
    return bool(first) and first[0].isdigit() and int(first[0]) in WAITING_SYSCALLS


def wait_ready(procs, marker=None, timeout=120):
    """Until every tracer process waits for events (3 looks in a row), and
    the marker text, if any, is in its stderr file."""
    deadline = time.monotonic() + timeout
    if marker:
        path, text = marker
        while True:
            with open(path, errors="replace") as f:
                if text in f.read():
                    break
            check_alive(procs)
            if time.monotonic() > deadline:
                raise RuntimeError(f"tracer not ready: no '{text}' in {path}")
            time.sleep(0.05)
    steady = 0
    time.sleep(0.3)
    while steady < 3:
        check_alive(procs)
        if time.monotonic() > deadline:
            raise RuntimeError("tracer not ready: " + " ".join(str(p.args) for p in procs))
        if all(waiting_for_events(p.pid) for p in procs):
            steady += 1
        else:
            steady = 0
        time.sleep(0.1)


def check_alive(procs):
    for p in procs:
        if p.poll() is not None:
            raise RuntimeError(f"tracer exited early ({p.returncode}): {p.args}")


def stop(procs, timeout=120):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
    for p in procs:
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


class PeakSampler:
    """VmHWM of a process, read every 100 ms while it runs (for tracers we
    cannot pause before they exit, like strace)."""

    def __init__(self, pid):
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.done.is_set():
            kb = proc_status_kb(self.pid, "VmHWM")
            if kb:
                self.peak = max(self.peak, kb)
            self.done.wait(0.1)

    def finish(self):
        self.done.set()
        self.thread.join()
        return self.peak
