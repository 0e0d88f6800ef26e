# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Memory of the views: peak RSS of `proctrace --replay` drawing the tree,
the timeline and the SVG from the model, over the storm of
bench/storm_events.h at 100,000 and 1,000,000 processes (replay_gen), and
over a strace-shaped capture (bench/sedlike_gen.c: 16,000 processes, 7.4 M
events, nearly all SIGCHLDs to the tracer) with every view and with none,
with its replay rate; the Perfetto trace and the database alone and with
the views; and a whole-machine live view's model over an hour of storm in
simulated time (bench/cull_bench.c). No BPF, no root."""

import os
import subprocess
import time

from .common import log

MIB = 1024
SED_PROCS, SED_EVENTS = 16000, 7400000
VIEWS = ["--tree", "-T", "--svg", "{out}.svg"]
EVERY_VIEW = VIEWS + ["--perfetto", "{out}.json", "--summary"]
PERFETTO = ["--perfetto", "{out}.json"]
DB = ["--db", "{out}.db"]
# A whole-machine live view over a storm (cull_bench): minutes simulated,
# processes a second, and the rest of the machine (long-lived processes
# born a second, their life in seconds).
CULL_MINUTES, CULL_RATE = 60, 1300
CULL_MACHINE = (1, 600)
TARGET_STORM_KB = 48 * MIB
TARGET_SED_KB = 64 * MIB
TARGET_ROWS_PER_CPU_S = 1e6


def measured(s, tmp, argv):
    """Peak RSS (kB), wall and CPU seconds of one run. Through bench/maxrss.c
    when built: Linux carries the peak RSS of a process over exec, so a
    command started from this Python process (hundreds of MiB after the
    replay section) would report this process's peak with its own."""
    helper = os.path.join(s.bindir, "maxrss")
    figures = os.path.join(tmp, "maxrss.txt")
    wrapped = [helper, figures] + argv if os.path.exists(helper) else argv
    t0 = time.monotonic()
    proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {err.strip()}")
    if wrapped is argv:
        return ru.ru_maxrss, wall, ru.ru_utime + ru.ru_stime
    with open(figures, encoding="ascii") as f:
        rss, user, system = f.read().split()
    os.unlink(figures)
    return int(rss), wall, float(user) + float(system)


def case(s, tmp, name, path, rows, args):
    out = os.path.join(tmp, "view")
    argv = [s.proctrace, "--replay", path, "-q"] + [a.format(out=out) for a in args]
    rss, wall, cpu = measured(s, tmp, argv)
    for ext in (".svg", ".json", ".db"):
        if os.path.exists(out + ext):
            os.unlink(out + ext)
    log(f"   {name}: {rss / MIB:.1f} MiB, {wall:.1f} s, {rows / max(cpu, 1e-9) / 1e6:.2f} "
        "M rows/CPU s")
    return {"name": name, "rows": rows, "rss_kb": rss, "wall_s": wall, "cpu_s": cpu,
            "rows_per_s": rows / max(wall, 1e-9), "rows_per_cpu_s": rows / max(cpu, 1e-9)}


def memory_run(s, tmp):
    sedlike = os.path.join(s.bindir, "sedlike_gen")
    if not (os.path.exists(s.replay_gen) and os.path.exists(sedlike)):
        return None
    scale = 10 if s.quick else 1
    cases = []
    for procs in (100000 // scale, 1000000 // scale):
        path = os.path.join(tmp, "storm.csv")
        log(f"== memory: storm of {procs:,} processes")
        subprocess.run([s.replay_gen, str(procs * 5), "csv", path], check=True)
        cases.append(case(s, tmp, f"storm, {procs:,} processes: --tree -T --svg", path,
                          procs * 5, VIEWS))
        cases[-1]["procs"] = procs
        if procs == 100000 // scale:
            for what, args in (("--tree -T", VIEWS[:2]), ("--perfetto", PERFETTO),
                               ("--db", DB), ("every view and --db", EVERY_VIEW + DB)):
                cases.append(case(s, tmp, f"storm, {procs:,} processes: {what}", path,
                                  procs * 5, args))
                cases[-1]["procs"] = procs
        os.unlink(path)
    path = os.path.join(tmp, "sedlike.csv")
    procs, events = SED_PROCS // scale, SED_EVENTS // scale
    log(f"== memory: strace-shaped capture, {procs:,} processes, {events:,} events")
    subprocess.run([sedlike, str(procs), str(events), path], check=True,
                   stderr=subprocess.DEVNULL)
    for what, args in (("--tree -T --svg", VIEWS), ("every view", EVERY_VIEW),
                       ("every view and --db", EVERY_VIEW + DB), ("no view", [])):
        cases.append(case(s, tmp, f"strace-shaped: {what}", path, events, args))
        cases[-1]["sed"] = what
    os.unlink(path)
    return {"cases": cases, "quick": s.quick, "cull": cull_run(s, scale)}


def cull_run(s, scale):
    """cull_bench's rows (minute, born, held, culled, heap in use, heap,
    RSS; kB) over CULL_MINUTES simulated minutes: the storm alone, then
    with the rest of the machine."""
    helper = os.path.join(s.bindir, "cull_bench")
    if not os.path.exists(helper):
        return None
    runs = {}
    for name, extra in (("storm", []), ("storm and machine", [str(v) for v in CULL_MACHINE])):
        minutes = max(CULL_MINUTES // scale, 2)
        log(f"== memory: live view's model, {minutes} simulated minutes, {name}")
        out = subprocess.run([helper, str(minutes), str(CULL_RATE)] + extra, check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        rows = [[int(v) for v in line.split()] for line in out.splitlines()[1:]]
        runs[name] = rows
        for r in rows:
            if r[0] in (1, 10, minutes):
                log(f"   minute {r[0]}: {r[2]:,} held, heap {r[4] / MIB:.1f} MiB in use of "
                    f"{r[5] / MIB:.1f} MiB, RSS {r[6] / MIB:.1f} MiB")
    return runs


def memory_targets(t, mem):
    if not mem:
        t.add("views' memory (storm <= 48 MiB, strace-shaped <= 64 MiB)", None,
              "replay_gen or sedlike_gen not built")
        return
    storm = [c for c in mem["cases"] if c.get("procs") and c["name"].endswith("--tree -T")]
    for c in storm:
        t.add(f"{c['procs']:,}-process storm with --tree -T <= 48 MiB",
              None if mem["quick"] else c["rss_kb"] <= TARGET_STORM_KB,
              f"{c['rss_kb'] / MIB:.1f} MiB")
    sed = [c for c in mem["cases"] if c.get("sed") == "--tree -T --svg"]
    for c in sed:
        t.add("strace-shaped capture with --tree -T --svg <= 64 MiB",
              None if mem["quick"] else c["rss_kb"] <= TARGET_SED_KB,
              f"{c['rss_kb'] / MIB:.1f} MiB")
    cull = mem.get("cull") or {}
    for name, rows in cull.items():
        if len(rows) >= 10:
            grew = rows[-1][5] - rows[9][5]
            t.add(f"live view's model ({name}): heap grows < 1 MiB after 10 minutes",
                  None if mem["quick"] else grew < MIB, f"{grew / MIB:+.2f} MiB")
    views = [c for c in mem["cases"] if c.get("sed") == "every view"]
    for c in views:
        t.add("replay with every view >= 1,000,000 rows per CPU second",
              c["rows_per_cpu_s"] >= TARGET_ROWS_PER_CPU_S,
              f"{c['rows_per_cpu_s'] / 1e6:.2f} M/s ({c['rows_per_s'] / 1e6:.2f} M/s by wall "
              "time)")


def memory_markdown(mem, table):
    out = ["## Memory of the views\n"]
    if not mem:
        out.append("Not measured: bench/replay_gen.c or bench/sedlike_gen.c was not built.\n")
        return out
    out.append("Peak RSS of `proctrace --replay FILE -q` with the views drawn from the model "
               "(bench/ptbench/memory.py): the storm of bench/storm_events.h (each process "
               "forks, execs, exits, signals its worker, is reaped) and a strace-shaped "
               "capture (bench/sedlike_gen.c: a build under strace, nearly every event a "
               "SIGCHLD to the tracer; past 64 marks a process's signals are folded into "
               "counts). Rows/s by the process's CPU time and by wall time.\n")
    out.append(table(["capture and views", "rows", "peak RSS MiB", "seconds", "rows/CPU s",
                      "rows/s"],
                     [[c["name"], f"{c['rows']:,}", f"{c['rss_kb'] / MIB:.1f}",
                       f"{c['wall_s']:.1f}", f"{c['rows_per_cpu_s']:,.0f}",
                       f"{c['rows_per_s']:,.0f}"] for c in mem["cases"]]) + "\n")
    cull = mem.get("cull") or {}
    if cull:
        out.append(f"A whole-machine live view's model (bench/cull_bench.c: culling as the "
                   f"pipeline does) over {CULL_RATE:,} storm processes a second, in simulated "
                   f"time; \"machine\": also {CULL_MACHINE[0]} process a second that lives "
                   f"{CULL_MACHINE[1]} s and runs a command of its own. Held: processes in "
                   "the model; heap in use and held by malloc, and RSS, in MiB.\n")
        rows = []
        for name, runs in cull.items():
            for r in runs:
                if r[0] in (1, 10, 20, 40, runs[-1][0]):
                    rows.append([name, str(r[0]), f"{r[1]:,}", f"{r[2]:,}",
                                 f"{r[4] / MIB:.2f}", f"{r[5] / MIB:.2f}", f"{r[6] / MIB:.2f}"])
        out.append(table(["run", "minute", "processes", "held", "heap in use", "heap",
                          "RSS"], rows) + "\n")
    return out
