# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The start: how long proctrace takes from its exec to the `proctrace:
tracing` line on stderr (attached, the snapshot read: what happens from
then on is traced), in wall time and in its own CPU time (nearly all of
it the kernel's verifier, in system time), whole-machine at its defaults
and with -e fork,exec,exit; execsnoop and exitsnoop to their heading line
for comparison. The target: at most 0.5 s. Each figure is the median of
START_RUNS runs; the machine's load is in every wall time, the CPU time
less so."""

import os
import shutil
import signal
import statistics
import subprocess
import time
from .common import env_int, log
from .procfs import proc_cpu

TARGET_S = 0.5

CONFIGS = (
    ("default", "proctrace -q -o /dev/null", ["-q", "-o", "/dev/null"], None),
    ("core", "proctrace -q -o /dev/null -e fork,exec,exit",
     ["-q", "-o", "/dev/null", "-e", "fork,exec,exit"], None),
    ("execsnoop", "execsnoop (to its heading)", None, "execsnoop"),
    ("exitsnoop", "exitsnoop (to its heading)", None, "exitsnoop"),
)


def one_start(argv, on_stderr):
    """(wall s, CPU s) from exec to the first line that says it is ready:
    on stderr (proctrace) or stdout (a peer's heading)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL if on_stderr else subprocess.PIPE,
                         stderr=subprocess.PIPE if on_stderr else subprocess.DEVNULL)
    stream = p.stderr if on_stderr else p.stdout
    try:
        for raw in stream:
            line = raw.decode("utf-8", "replace")
            if (on_stderr and line.startswith("proctrace: tracing")) or \
                    (not on_stderr and line.strip()):
                wall = time.monotonic() - t0
                cpu = proc_cpu(p.pid)[0]
                return wall, cpu
        raise RuntimeError(f"{argv[0]} ended before it was ready")
    finally:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def start_run(s):
    runs = env_int("START_RUNS", 5)
    rows = {}
    for key, label, args, peer in CONFIGS:
        if peer and not shutil.which(peer):
            continue
        log(f"== start: {label}, {runs} runs")
        argv = [s.proctrace] + args if args else [peer]
        got = [one_start(argv, not peer) for _ in range(runs)]
        rows[key] = {"label": label,
                     "wall": statistics.median(g[0] for g in got),
                     "cpu": statistics.median(g[1] for g in got)}
    return {"runs": runs, "rows": rows, "load": os.getloadavg()[0]}


def start_report(res):
    if not res:
        return []
    out = ["", "## Start: from exec to tracing", "",
           __doc__.strip().replace("\n", " "), "",
           f"Median of {res['runs']} runs; load average {res['load']:.2f} at the end.", "",
           "| tracer | wall s | CPU s | CPU / target (0.5 s) |", "|---|---|---|---|"]
    for r in res["rows"].values():
        out.append(f"| {r['label']} | {r['wall']:.3f} | {r['cpu']:.3f} | "
                   f"x{r['cpu'] / TARGET_S:.2f} |")
    return out + [""]


def start_console(res):
    if not res:
        return ""
    return "\nstart (exec to tracing), CPU s / wall s\n" + "\n".join(
        f"  {r['label']:48s} {r['cpu']:.3f} / {r['wall']:.3f}"
        for r in res["rows"].values())
