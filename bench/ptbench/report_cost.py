# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Report sections about cost: the conditions of the run, the slowdowns
beside the previous results, the 16-worker storms, each tracer's in-kernel
and userspace cost, and the syscall tax."""

import re
import statistics
from .conditions import flags


def table(headers, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = lambda r: "| " + " | ".join(str(x).ljust(w) for x, w in zip(r, widths)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), sep] + [line(r) for r in rows])


HEADING = re.compile(r"^## (\w+)(?:, (\d+) workers)?: untraced ([\d,]+) processes/s")


def read_previous(path):
    """From the results.md about to be rewritten: {(mode, workers): (untraced
    rate, {tracer label: median slowdown})}; empty if there is none."""
    prev, cur = {}, None
    try:
        with open(path, errors="replace") as f:
            for line in f:
                m = HEADING.match(line)
                if m:
                    cur = (m.group(1), int(m.group(2) or 2))
                    prev[cur] = (int(m.group(3).replace(",", "")), {})
                    continue
                if line.startswith("## "):
                    cur = None
                cols = [c.strip() for c in line.strip().strip("|").split("|")]
                if cur and len(cols) > 2 and re.match(r"^\d+\.\d+$", cols[1]):
                    prev[cur][1][cols[0]] = float(cols[1])
    except OSError:
        pass
    return prev


def untraced_rate(s, mode, base):
    return s.sizes[mode] / statistics.median(base)


def conditions_section(cond, results):
    w = []
    load = lambda l: " / ".join(f"{x:.2f}" for x in l)
    others = cond["other_bpf"] or {}
    w.append("## Conditions\n")
    w.append(f"- load average (1/5/15 min) {load(cond['load_start'])} at the start, "
             f"{load(cond['load_end'])} at the end, on {cond['cpus']} CPUs")
    w.append(f"- tracing BPF programs of other tools loaded at the start: "
             f"{sum(others.values())}"
             + (" (" + ", ".join(f"{n} x{c}" for n, c in sorted(others.items())) + ")"
                if others else ""))
    w.append(f"- the exec'd no-op (bench/nop.c) is "
             f"{'statically' if cond['nop_static'] else 'dynamically'} linked")
    w.append("- untraced fork+exec storm before the runs (calibration): "
             + ", ".join(f"{r:,.0f}/s" for r in cond["calibration"]))
    found = flags(cond, results)
    if found:
        w.append("\n**Doubtful run**: " + "; ".join(found) + ". Ratios measured while the "
                 "machine does other work understate the tracers' cost (the storm waits "
                 "for CPU, traced or not); rerun on a quiet machine (BENCH_STRICT=1 "
                 "refuses to start on a busy one).")
    else:
        w.append("\nNothing flagged: quiet machine, no other tracer, static no-op, every "
                 "storm's untraced median within half of its best run.")
    w.append("\nWhy the 2026-11-25 results had the fork+exec storm untraced at 288 "
             "processes/s where the quiet machine does about 3,800/s: that run started at "
             "load average 2.33 on 2 CPUs with 15 tracing BPF programs of other tools "
             "loaded (other tracers' test runs sharing the machine), so every fork and exec "
             "also paid for their programs and the storm had a fraction of the CPUs. The "
             "no-op was static (run.sh links it statically when it can); a dynamic no-op "
             "costs some of the rate, not a factor of ten. A storm that slow hides the "
             "tracers' cost: the conditions above are now recorded and checked.\n")
    return "\n".join(w) + "\n"


def previous_section(s, results, prev):
    rows = []
    for workers, key, base_key in ((2, "modes", "base"), (16, "modes16", "base16")):
        for mode, mode_rows in results.get(key, {}).items():
            p_rate, p_med = prev.get((mode, workers), (None, {}))
            rate = untraced_rate(s, mode, results[base_key][mode])
            for row in mode_rows.values():
                now = row.median()
                was = p_med.get(row.tracer.label)
                rows.append([mode, workers, row.tracer.label,
                             f"{was:.3f}" if was else "-", f"{now:.3f}" if now else "-",
                             f"{p_rate:,}" if p_rate else "-", f"{rate:,.0f}"])
    if not rows:
        return ""
    return ("## Against the previous results\n\nMedian slowdowns of this run beside those of "
            "the results.md it replaced (same tracer label), with each run's untraced "
            "rate: a ratio only compares with another measured at a similar untraced "
            "rate.\n\n" + table(["storm", "workers", "tracer", "previous", "now",
                                 "previous untraced /s", "now untraced /s"], rows) + "\n")


def cost_section(results):
    st = results["stats"]
    if not st:
        return ""
    rows = []
    for r in st:
        procs = r["storm"]["procs"]
        total = sum(ns for _, _, ns in r["progs"])
        rows.append([r["mode"], r["workers"], r["tracer"], f"{total / procs:,.0f}",
                     f"{total / r['events']:,.0f}" if r["events"] else "-",
                     f"{(r['user'] + r['sys']) / procs * 1e7:,.0f}"])
    return ("## Cost per tracer\n\nIn-kernel: the sum of the tracer's programs' run time "
            "(kernel.bpf_stats_enabled) over the storm, per process the storm created and "
            "per event the tracer emitted (proctrace: its summary; execsnoop+exitsnoop: "
            "their output lines); the counters are the machine's, so other processes' "
            "events during the storm are in both. Userspace: the tracer processes' CPU "
            "per 10,000 processes. The tables per program follow below.\n\n"
            + table(["storm", "workers", "tracer", "in-kernel ns / process",
                     "in-kernel ns / event", "userspace CPU ms / 10k processes"], rows)
            + "\n")


def tax_section(results):
    tax = results.get("tax")
    if not tax:
        return ""
    rows = [[label, f"{statistics.median(v):.3f}", f"{min(v):.3f}–{max(v):.3f}",
             f"{statistics.median(tax['cpu'][label]):.3f}"] for label, v in tax["wall"].items()]
    return ("## The syscall tax\n\n`dd if=/dev/zero of=/dev/null bs=1 count="
            f"{tax['count']}`: {2 * tax['count']:,} system calls and no new process, "
            f"untraced {tax['syscalls_per_s'] / 1e6:.2f} M syscalls/s. Any attached syscall "
            "tracepoint puts every system call of every process on the kernel's slow path; "
            "`-e fork,exec,exit` attaches none. While another tool keeps a syscall "
            "tracepoint attached (see Conditions: other tracers' syscall programs), the "
            "untraced runs pay the tax too and these ratios show none of it.\n\n"
            + table(["tracer", "slowdown (median)", "min–max", "dd CPU ratio (median)"], rows)
            + "\n")
