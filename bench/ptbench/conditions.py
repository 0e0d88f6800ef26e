# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The conditions a run was measured in, and whether they hide the tracers'
cost: other work (load average), other tracers' BPF programs (their cost is
in every run, traced or not), a dynamically linked no-op (the loader's
work dwarfs the exec), and an untraced rate far below the machine's own.

A storm that runs at a fraction of what the machine does alone measures
the machine's other work, not the tracer. So the run records the load
before and after, the programs of others and whether the no-op is static;
it calibrates the machine's untraced rate first and flags every storm
whose untraced median is under half of its best untraced run;
BENCH_STRICT=1 refuses to run on a machine that is busy before it starts.
"""

import json
import os
import struct
import subprocess
from .common import log
from .storm import run_storm

# A storm whose untraced median is below this share of the best untraced
# run of the invocation is flagged: the machine was busy with other work.
SLOW_SHARE = 0.5


def elf_is_static(path):
    """True when the ELF file has no PT_INTERP (no dynamic loader)."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:4] != b"\x7fELF" or head[4] != 2:
                return None
            phoff, = struct.unpack_from("<Q", head, 32)
            phentsize, phnum = struct.unpack_from("<HH", head, 54)
            f.seek(phoff)
            table = f.read(phentsize * phnum)
    except OSError:
        return None
    return all(struct.unpack_from("<I", table, i * phentsize)[0] != 3 for i in range(phnum))


def loadavg():
    with open("/proc/loadavg") as f:
        return tuple(float(x) for x in f.read().split()[:3])


def other_bpf_programs():
    """Tracing programs loaded now ({name: count}): before any tracer of the
    bench starts, they are other tools'."""
    try:
        out = subprocess.run(["bpftool", "-j", "prog", "show"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout
        progs = json.loads(out)
    except (OSError, ValueError):
        return None
    names = {}
    for p in progs:
        if p.get("type") in ("tracing", "tracepoint", "kprobe", "raw_tracepoint"):
            names[p.get("name", "?")] = names.get(p.get("name", "?"), 0) + 1
    return names


def start_conditions(s):
    """Before anything else: the machine as the bench finds it, and its
    untraced fork+exec rate (the best of a few short storms)."""
    cond = {"load_start": loadavg(), "cpus": os.cpu_count(), "nop_static": elf_is_static(s.nop),
            "other_bpf": other_bpf_programs()}
    rates = []
    for _ in range(3):
        rates.append(run_storm(s, "forkexec", s.sizes["forkexec"])["rate"])
    cond["calibration"] = rates
    busy = cond["load_start"][0] > 0.5 * cond["cpus"]
    log(f"== conditions: load {cond['load_start']}, {sum((cond['other_bpf'] or {}).values())} "
        f"other tracing programs, no-op static: {cond['nop_static']}, untraced fork+exec "
        f"{max(rates):.0f}/s")
    if busy and os.environ.get("BENCH_STRICT", "") == "1":
        raise SystemExit(f"bench: load average {cond['load_start'][0]} on {cond['cpus']} "
                         "CPUs before the run (BENCH_STRICT=1): the storms would measure "
                         "the other work")
    return cond


def flags(cond, results):
    """What makes this run's ratios doubtful, one line each."""
    out = []
    cpus = cond["cpus"]
    if cond["load_start"][0] > 0.5 * cpus:
        out.append(f"load average {cond['load_start'][0]} on {cpus} CPUs at the start")
    if cond.get("load_end") and cond["load_end"][0] > 0.5 * cpus:
        out.append(f"load average {cond['load_end'][0]} on {cpus} CPUs at the end")
    others = sum((cond["other_bpf"] or {}).values())
    if others:
        out.append(f"{others} tracing BPF programs of other tools loaded")
    if cond["nop_static"] is False:
        out.append("the exec'd no-op is dynamically linked")
    for key, label in (("base", "2 workers"), ("base16", "16 workers")):
        for mode, base in results.get(key, {}).items():
            if not base:
                continue
            times = sorted(base)
            med, best = times[len(times) // 2], times[0]
            if best / med < SLOW_SHARE:
                out.append(f"{mode} ({label}): untraced median {best / med:.0%} of the best "
                           "untraced run: the machine was busy with other work")
    return out
