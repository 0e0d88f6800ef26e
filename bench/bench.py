#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""proctrace benchmark: what tracing every process lifecycle event costs.

Run by bench/run.sh (make bench), which builds the storm generator and
installs the peer tracers first. Python standard library only.

Every measurement is a ratio from interleaved runs of the same invocation:
each round runs the storm untraced, then under one tracer, then untraced
again, and so on through every tracer, so that the machine's drift (other
work, thermal, cache) hits the traced and untraced runs alike. A traced
run's slowdown is its time over the mean of the untraced runs around it.

Environment:
  BENCH_QUICK=1     shrink every size (about a minute; not for conclusions)
  BENCH_LONG=N      processes of the long streaming run (default 1000000)
  BENCH_ROUNDS=N    rounds of interleaved runs (default 7, quick 3)
  BENCH_RESULTS=F   where to write the markdown (default bench/results.md)
  BENCH_ONLY=replay only the replay speed and the writers (no BPF, no root;
                    writes bench/results-replay.md); make bench-replay
  BENCH_REPLAY_ROWS=N  rows of the replayed capture (default 1000000)
  BENCH_REPLAY_RUNS=N  runs of each replay, the best kept (default 5)
  BENCH_TAX=N       dd bs=1 count=N for the syscall tax (default 3000000)
  BENCH_STRICT=1    refuse to run when the machine is busy before it starts
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile

from ptbench.common import log
from ptbench.settings import Settings
from ptbench.tracers import (
    Bpftrace, Forkstat, Proctrace, ProctraceCore, ProctraceOtherGroup, SnoopPair, Strace)
from ptbench.conditions import loadavg, start_conditions
from ptbench.report_cost import read_previous
from ptbench.tax import tax_run
from ptbench.runs import (
    bpf_stats_run, idle_group, idle_run, long_run, model_run, proctrace_supports_group, run_mode,
    tiny_ring_run, writer_run)
from ptbench.memory import memory_run, memory_targets
from ptbench.replay import replay_run, replay_targets
from ptbench.report import (
    Targets, console_summary, evaluate, freeze_binary, machine_info, replay_only_report, report)
from ptbench.sched import sched_console, sched_report, sched_run
from ptbench.top import top_console, top_report, top_run
from ptbench.start import start_console, start_report, start_run


# -------------------------------------------------------------------- main


def replay_only(s):
    """BENCH_ONLY=replay: replay speed and the writers' cost, in seconds."""
    info = machine_info(s)
    tmp = tempfile.mkdtemp(prefix="ptbench.")
    try:
        info["binary"] = freeze_binary(s, tmp)
        results = {"replay": replay_run(s, tmp), "memory": memory_run(s, tmp)}
        log("== writers")
        results["writers"] = writer_run(s)
    finally:
        subprocess.run(["rm", "-rf", tmp])
    targets = Targets()
    replay_targets(targets, results["replay"])
    memory_targets(targets, results["memory"])
    text = replay_only_report(s, results, targets, info)
    with open(s.results, "w") as f:
        f.write(text)
    print(text)
    print(f"written: {s.results}")


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: bench.py PROCTRACE OUT")
    s = Settings(sys.argv[1], sys.argv[2])
    if s.only == "replay":
        return replay_only(s)
    # Stopped from outside: still stop the tracers and the idle process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if os.geteuid() != 0:
        sys.exit("bench: needs root (BPF tracers)")
    info = machine_info(s)
    results = {"modes": {}, "base": {}, "modes16": {}, "base16": {}, "tiny": [], "long": None,
               "longs": [], "stats": [], "model": None, "idle": None, "writers": None,
               "tax": None, "skipped": dict(s.skipped)}
    prev = read_previous(s.results)
    tmp = tempfile.mkdtemp(prefix="ptbench.")
    # The checkout may be rebuilt while the bench runs: measure one binary.
    info["binary"] = freeze_binary(s, tmp)
    cond = start_conditions(s)
    sleeper = idle_group()
    try:
        results["group_ok"] = proctrace_supports_group(s)
        if not results["group_ok"]:
            results["skipped"]["proctrace -g"] = (
                "this build does not parse -g yet (`proctrace -g 1 -d 0.1 -q` exits 2)")
        peers = [cls(s, tmp) for cls in (SnoopPair, Forkstat, Bpftrace, Strace)]
        peers = [p for p in peers if all(shutil.which(b) for b in p.needs)]
        for cls in (SnoopPair, Forkstat, Bpftrace, Strace):
            for b in cls.needs:
                if not shutil.which(b) and b not in results["skipped"]:
                    results["skipped"][b] = "not installed"
        snoop = [p for p in peers if p.key == "snoop"]
        for mode in ("forkexec", "fork", "mixed", "vfork"):
            tracers = [Proctrace(s, tmp)]
            if mode != "vfork" and (not s.quick or mode == "forkexec"):
                tracers.append(ProctraceCore(s, tmp))
            if results["group_ok"] and (not s.quick or mode == "forkexec"):
                tracers.append(ProctraceOtherGroup(s, tmp, sleeper.pid))
            if not s.quick or mode == "forkexec":
                tracers += [p for p in peers if not (p.key == "strace" and mode == "vfork"
                                                     and s.quick)]
            rows, base = run_mode(s, mode, tracers, tmp)
            results["modes"][mode] = rows
            results["base"][mode] = base
        # Many workers: the ring buffer and the maps shared by every CPU.
        s.workers = 16
        for mode in ("forkexec",) if s.quick else ("forkexec", "fork", "mixed"):
            rows, base = run_mode(s, mode, [Proctrace(s, tmp), ProctraceCore(s, tmp)] + snoop,
                                  tmp)
            results["modes16"][mode] = rows
            results["base16"][mode] = base
        s.workers = 2
        results["tax"] = tax_run(s, [Proctrace(s, tmp), ProctraceCore(s, tmp)] + snoop)
        for mode, count in s.tiny_counts.items():
            log(f"== --ringbuf-kb 4, {mode} storm of {count}")
            results["tiny"].append(tiny_ring_run(s, mode, count, tmp, results["group_ok"]))
        stats_modes = [("forkexec", 2), ("vfork", 2)] if s.quick else [
            (m, w) for w in (2, 16) for m in ("forkexec", "fork", "mixed")] + [("vfork", 2)]
        for mode, workers in stats_modes:
            log(f"== bpf_stats, {mode} storm, {workers} workers")
            s.workers = workers
            stats_tracers = [Proctrace(s, tmp), ProctraceCore(s, tmp)]
            if snoop:
                stats_tracers.append(SnoopPair(s, tmp))
            for tr in stats_tracers:
                tr.key += "-stats"
                results["stats"].append(bpf_stats_run(s, tr, mode, s.stats_counts[mode]))
        s.workers = 2
        log(f"== long run: {s.long_count} processes")
        results["long"] = long_run(s, s.long_count, tmp)
        results["longs"].append(results["long"])
        # The same at a tenth of the count: memory must not depend on it.
        log(f"== long run: {s.long_count // 10} processes")
        results["longs"].insert(0, long_run(s, s.long_count // 10, tmp))
        if results["group_ok"]:
            log("== idle cost")
            results["idle"] = idle_run(s, 3 if s.quick else 10, tmp, sleeper.pid)
        if results["group_ok"]:
            results["sched"] = sched_run(s, tmp, sleeper.pid)
        results["top"] = top_run(s, tmp)
        results["start"] = start_run(s)
        log("== writers and model")
        results["writers"] = writer_run(s)
        results["model"] = model_run(s)
        results["replay"] = replay_run(s, tmp)
        results["memory"] = memory_run(s, tmp)
    finally:
        sleeper.kill()
        sleeper.wait()
        subprocess.run(["rm", "-rf", tmp])
    cond["load_end"] = loadavg()
    targets = evaluate(s, results)
    text = report(s, results, targets, info, cond, prev) + "\n".join(
        sched_report(results.get("sched")) + top_report(results.get("top")) +
        start_report(results.get("start")))
    with open(s.results, "w") as f:
        f.write(text)
    print(console_summary(results, targets) + sched_console(results.get("sched")) +
          top_console(results.get("top")) + start_console(results.get("start")))
    print(f"\nwritten: {s.results}")


if __name__ == "__main__":
    main()
