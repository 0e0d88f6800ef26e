# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""--sched: what following the scheduler costs, on a context-switch storm
(bench/pingpong.c: two processes passing a byte through pipes, each
switching out 2 x N times). Not followed (proctrace --sched -g on an idle
group): every context switch of the machine still reaches the BPF
programs, which must return at once. Followed (proctrace --sched --
pingpong, and with --sched-events): the cost of counting, and of writing
every state change; perf sched record on the same storm for comparison.
Each traced run's time is the ping-pong loop's own, over the mean of the
untraced runs just before and after it."""

import json
import os
import re
import shutil
import statistics
import subprocess
import time
from .common import log
from .procfs import stop, wait_ready
from .runs import proctrace_prog_ids, prog_stats
from .tracers import Proctrace

KNOB = "/proc/sys/kernel/bpf_stats_enabled"

CONFIGS = (
    ("unfollowed", "proctrace --sched -g <idle group>"),
    ("followed", "proctrace --sched -q -o FILE -- storm"),
    ("events", "proctrace --sched-events -q -o FILE -- storm"),
    ("perf", "perf sched record -- storm"),
)


def pingpong(s, n, wrap=()):
    """The storm, maybe under a wrapping tracer: its JSON line, with the
    wrapper's stderr."""
    p = subprocess.run(list(wrap) + [s.pingpong, str(n)], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, check=True)
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            out = json.loads(line)
            out["stderr"] = p.stderr
            return out
    raise RuntimeError("ptpingpong printed no result: " + p.stdout[-300:] + p.stderr[-300:])


def csv_rows(path):
    with open(path, errors="replace") as f:
        return sum(1 for _ in f) - 1


def unfollowed_run(s, n, tmp, pgid):
    """The storm while proctrace --sched follows an idle group, with
    kernel.bpf_stats_enabled: besides the wall time, the time its sched_*
    programs took and how often sched_switch ran (every CPU's switches)."""
    with open(KNOB) as f:
        old = f.read().strip()
    t = Proctrace(s, tmp)
    t.key = "sched-unfollowed"
    t.extra = ["--sched", "-g", str(pgid)]
    procs = t.start()
    try:
        with open(KNOB, "w") as f:
            f.write("1")
        wait_ready(procs, t.ready_marker())
        ids = proctrace_prog_ids(procs[0].pid)
        before = prog_stats(ids)
        r = pingpong(s, n)
        after = prog_stats(ids)
    finally:
        stop(procs)
        with open(KNOB, "w") as f:
            f.write(old)
    bpf = {"ns": 0, "switches": 0}
    for pid_, a in after.items():
        if not a.get("name", "").startswith("sched_"):
            continue
        b = before.get(pid_, {})
        bpf["ns"] += a.get("run_time_ns", 0) - b.get("run_time_ns", 0)
        if a["name"] == "sched_switch":
            bpf["switches"] += a.get("run_cnt", 0) - b.get("run_cnt", 0)
    r["bpf"] = bpf
    return r["seconds"], 0, 0, bpf


def run_config(s, key, n, tmp, pgid):
    """One storm under one configuration: its loop time, events written,
    events lost."""
    if key == "unfollowed":
        return unfollowed_run(s, n, tmp, pgid)
    if key == "perf":
        data = os.path.join(tmp, "perf.data")
        r = pingpong(s, n, ["perf", "sched", "record", "-q", "-o", data, "--"])
        os.unlink(data)
        return r["seconds"], None, None, None
    csv = os.path.join(tmp, f"sched-{key}.csv")
    opt = "--sched-events" if key == "events" else "--sched"
    r = pingpong(s, n, [s.proctrace, opt, "-q", "-o", csv, "--"])
    found = re.findall(r"^proctrace: (\d+) events.*; lost (\d+)$", r["stderr"], re.M)
    if not found:
        raise RuntimeError("no proctrace summary: " + r["stderr"][-300:])
    rows = csv_rows(csv)
    os.unlink(csv)
    return r["seconds"], rows, int(found[-1][1]), None


def sched_run(s, tmp, pgid):
    n = s.sched_round_trips
    have_perf = shutil.which("perf") is not None and subprocess.run(
        ["perf", "--version"], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL).returncode == 0
    configs = [c for c in CONFIGS if c[0] != "perf" or have_perf]
    out = {"round_trips": n, "rows": {k: {"label": label, "ratios": [], "events": [],
                                          "lost": [], "bpf": []} for k, label in configs},
           "base": []}
    for rnd in range(s.rounds):
        log(f"== --sched ping-pong, round {rnd + 1}/{s.rounds}")
        before = pingpong(s, n)["seconds"]
        out["base"].append(before)
        for key, _ in configs:
            secs, events, lost, bpf = run_config(s, key, n, tmp, pgid)
            after = pingpong(s, n)["seconds"]
            out["base"].append(after)
            row = out["rows"][key]
            row["ratios"].append(secs / ((before + after) / 2))
            row["events"].append(events)
            row["lost"].append(lost)
            if bpf:
                bpf["storm_ns"] = secs * 1e9
                row["bpf"].append(bpf)
            before = after
            time.sleep(0.2)
    return out


def sched_report(res):
    """Markdown lines for results.md."""
    if not res:
        return []
    n = res["round_trips"]
    rounds = len(next(iter(res["rows"].values()))["ratios"])
    lines = ["## --sched: a context-switch storm\n",
             f"Two processes pass a byte through pipes {n:,} times (each switches out "
             f"{2 * n:,} times); time of the loop alone, median of "
             f"{rounds} rounds, "
             f"untraced {statistics.median(res['base']):.2f} s. Not followed: the storm is "
             "outside the followed group, and every switch returns at the first lookup. "
             "Followed: counted in the kernel, one sched row per process at its exit; with "
             "--sched-events, a state row per change.\n",
             "| configuration | slowdown (median) | events written | lost |",
             "|---|---|---|---|"]
    for row in res["rows"].values():
        ev = [e for e in row["events"] if e is not None]
        lost = [x for x in row["lost"] if x is not None]
        written = f"{statistics.median(ev):,.0f}" if ev else "(perf.data, not rows)"
        lines.append(f"| {row['label']} | x{statistics.median(row['ratios']):.3f} | "
                     f"{written} | {sum(lost) if lost else '-'} |")
    lines.append("")
    bpf = res["rows"].get("unfollowed", {}).get("bpf")
    if bpf:
        ns = sum(b["ns"] for b in bpf)
        sw = sum(b["switches"] for b in bpf)
        storm = sum(b["storm_ns"] for b in bpf)
        lines.append(
            f"Not followed, from `kernel.bpf_stats_enabled` (steadier than the wall time on "
            f"a shared machine): the sched programs ran {ns / max(sw, 1):.0f} ns per context "
            f"switch ({sw:,} switches of every CPU during the storms, {ns / 1e6:.0f} ms); "
            f"all of it on the storm's path would make it x{1 + ns / storm:.3f}.\n")
    return lines


def sched_console(res):
    if not res:
        return ""
    return "\n--sched ping-pong\n" + "\n".join(
        f"  {r['label']:48s} x{statistics.median(r['ratios']):.3f}"
        for r in res["rows"].values())
