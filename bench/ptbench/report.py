# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Targets, and the markdown report written to bench/results.md."""

import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import time
from .common import HERE, KINDS
from .runs import default_ring_loss
from .memory import memory_markdown, memory_targets
from .replay import replay_markdown, replay_targets
from .report_cost import conditions_section, cost_section, previous_section, tax_section


# ----------------------------------------------------------------- report


def fmt_ratio(row):
    if not row.ratios:
        return "-", "-"
    return f"{row.median():.3f}", f"{min(row.ratios):.3f}–{max(row.ratios):.3f}"


def fmt_cpu_ratio(row):
    if not row.cpu_ratios:
        return "-"
    return (f"{statistics.median(row.cpu_ratios):.3f} "
            f"({min(row.cpu_ratios):.3f}–{max(row.cpu_ratios):.3f})")


def fmt_counts(row):
    exp, seen = sum(row.expected.values()), sum(row.seen.values())
    return str(exp), str(seen)


def fmt_mb(kb):
    return "-" if kb is None else f"{kb / 1024:.1f}"


def table(headers, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = lambda r: "| " + " | ".join(str(x).ljust(w) for x, w in zip(r, widths)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), sep] + [line(r) for r in rows])


def slowdown_table(rows):
    out = []
    for key, row in rows.items():
        med, rng = fmt_ratio(row)
        exp, seen = fmt_counts(row)
        cpu = row.cpu_ms_per_10k()
        out.append([row.tracer.label, med, rng, fmt_cpu_ratio(row), exp, seen,
                    row.lost if row.lost_known else "not reported",
                    f"{cpu:.0f}" if cpu is not None else "-",
                    f"{row.cpu_user / max(row.cpu, 1e-9) * 100:.0f}%" if row.cpu else "-",
                    fmt_mb(row.hwm_kb)])
    return table(["tracer", "slowdown (median)", "min–max", "workload CPU ratio",
                  "events expected",
                  "seen", "lost", "tracer CPU ms /10k procs", "user share",
                  "peak RSS MB"], out)


def kinds_table(rows):
    out = []
    for key, row in rows.items():
        for k in row.tracer.kinds:
            if row.expected[k] or row.seen[k]:
                out.append([row.tracer.label, k, row.expected[k], row.seen[k]])
    return table(["tracer", "kind", "expected", "seen"], out)


class Targets:
    def __init__(self):
        self.items = []

    def add(self, name, ok, detail):
        self.items.append((name, "PASS" if ok else ("FAIL" if ok is False else "N/A"),
                           detail))

    def render(self):
        return table(["target", "result", "measured"], [list(x) for x in self.items])


def evaluate(s, results):
    t = Targets()
    fe = results["modes"].get("forkexec", {})
    pt, sn = fe.get("proctrace"), fe.get("snoop")
    if pt and pt.ratios:
        slow = pt.median() - 1
        if sn and sn.ratios:
            ok = pt.median() < sn.median() and slow <= 0.05
            detail = (f"wall time: proctrace x{pt.median():.3f} vs execsnoop+exitsnoop "
                      f"x{sn.median():.3f} (medians); workload CPU: proctrace "
                      f"x{statistics.median(pt.cpu_ratios):.3f} vs "
                      f"x{statistics.median(sn.cpu_ratios):.3f}")
        else:
            ok = None if slow <= 0.05 else False
            detail = f"proctrace x{pt.median():.3f}; execsnoop/exitsnoop not run"
        t.add("fork+exec+exit: proctrace < execsnoop+exitsnoop and <= 5%", ok, detail)
    for mode, limit in (("forkexec", 1.03), ("fork", 1.05), ("mixed", 1.07)):
        row = results["modes"].get(mode, {}).get("proctrace")
        if row and row.ratios:
            t.add(f"{mode} storm, 2 workers: proctrace <= {limit:.2f}x", row.median() <= limit,
                  f"median x{row.median():.3f} (min–max {min(row.ratios):.3f}–"
                  f"{max(row.ratios):.3f}), {row.lost} lost")
    losses = default_ring_loss(results["modes"])
    if losses:
        bad = [m for m, lost, exp, seen in losses if lost or seen != exp]
        t.add("zero lost events at full rate, 2 workers, default settings", not bad,
              "; ".join(f"{m}: lost {lost}, seen {seen}/{exp}" for m, lost, exp, seen in losses))
    tinies = results["tiny"]
    for tiny in tinies:
        csv_total = tiny["csv_lost"].get("lost", 0)
        exp = tiny["expected"]
        kinds = sorted(set(exp) | set(tiny["seen"]) | set(tiny["csv_lost"]) - {"lost"},
                       key=lambda k: (k not in KINDS, KINDS.index(k) if k in KINDS else 0, k))
        per_kind = {k: (tiny["seen"].get(k, 0), tiny["csv_lost"].get(k, 0), exp.get(k, 0))
                    for k in kinds}
        consistent = csv_total == tiny["summary_lost"]
        if tiny["group"]:
            ok = consistent and all(se + lo == ex for se, lo, ex in per_kind.values())
            how = "-g on the storm's group: seen + lost = expected for every kind"
        else:
            ok = consistent and all(se + lo >= ex and se <= ex
                                    for se, lo, ex in per_kind.values())
            how = ("unfiltered (no -g): other processes share the ring, checked "
                   "seen <= expected <= seen + lost")
        detail = (f"{tiny['storm']['procs']} processes at {tiny['storm']['rate']:.0f}/s: CSV "
                  f"lost {csv_total}, summary lost {tiny['summary_lost']}; seen+lost/expected: "
                  + ", ".join(f"{k} {se}+{lo}/{ex}" for k, (se, lo, ex) in per_kind.items()
                              if ex or lo or se) + f" ({how})")
        t.add(f"--ringbuf-kb 4, {tiny['mode']} storm: losses counted exactly", ok, detail)
    if tinies and not any(x["csv_lost"].get("lost", 0) for x in tinies):
        t.add("--ringbuf-kb 4 loses events at all", False, "no loss: the check above is vacuous")
    if pt and sn and pt.procs and sn.procs:
        t.add("proctrace CPU per 10k procs < execsnoop+exitsnoop",
              pt.cpu_ms_per_10k() < sn.cpu_ms_per_10k(),
              f"{pt.cpu_ms_per_10k():.0f} ms vs {sn.cpu_ms_per_10k():.0f} ms (fork+exec+exit)")
    lr = results["long"]
    if lr:
        grow = (lr["end_anon"] or 0) - (lr["early_anon"] or 0)
        short = results["longs"][0] if len(results["longs"]) > 1 else None
        by_count = (lr["hwm"] - short["hwm"]) if short else 0
        ok = lr["hwm"] < 32 * 1024 and grow < 1024 and by_count < 1024 and lr["lost"] == 0
        t.add(f"{lr['count']:,}-process streaming run: peak RSS < 32 MB, not growing, no loss",
              ok, f"VmHWM {fmt_mb(lr['hwm'])} MB"
              + (f" (a {short['count']:,}-process run: {fmt_mb(short['hwm'])} MB)" if short else "")
              + f", RssAnon {lr['early_anon']} kB at 10% -> {lr['end_anon']} kB at end, "
              f"lost {lr['lost']}")
    model = results["model"]
    if model:
        best = min(m["events_per_s"] for m in model)
        t.add("model ingests >= 1,000,000 events/s", best >= 1e6,
              ", ".join(f"{m['name']}: {m['events_per_s'] / 1e6:.2f} M/s" for m in model))
    else:
        t.add("model ingests >= 1,000,000 events/s", None, "model driver not built")
    replay_targets(t, results.get("replay"))
    memory_targets(t, results.get("memory"))
    return t


def freeze_binary(s, tmp):
    """Run a private copy of proctrace (the BPF object is inside it), and
    say which build it is."""
    copy = os.path.join(tmp, "proctrace")
    shutil.copy2(s.proctrace, copy)
    with open(copy, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:12]
    head = subprocess.run(["git", "-C", HERE, "log", "-1", "--format=%h %s"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", HERE, "status", "--porcelain", "--", "../src",
                            "../bpf", "../include"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True).stdout.strip()
    s.proctrace = copy
    return (f"sha256 {digest}, built from {head[:80] or 'unknown commit'}"
            f"{' with uncommitted changes in src/bpf/include' if dirty else ''}")


def machine_info(s):
    info = {}
    info["kernel"] = platform.release()
    with open("/proc/cpuinfo") as f:
        names = [l.split(":", 1)[1].strip() for l in f if l.startswith("model name")]
    info["cpu"] = f"{len(names)} x {names[0] if names else platform.machine()}"
    with open("/proc/sys/kernel/pid_max") as f:
        info["pid_max"] = f.read().strip()
    try:
        out = subprocess.run(["bpftool", "-j", "prog", "show"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout
        info["bpf_progs"] = sum(1 for p in json.loads(out)
                                if p.get("type") in ("tracing", "tracepoint", "kprobe",
                                                     "raw_tracepoint"))
    except (OSError, ValueError):
        info["bpf_progs"] = "?"
    with open("/proc/loadavg") as f:
        info["load"] = f.read().split()[0]
    return info


def writers_markdown(writers):
    """The writers' cost per event, CSV beside JSON Lines and the stream."""
    if not writers:
        return []
    return ["Userspace per event, the writers alone (bench/writer_bench.c: the storm of "
            "bench/storm_events.h written into /dev/null, only the writer timed; json is "
            "the JSON Lines writer, -j):\n",
            table(["writer", "events", "ns per event", "events/s"],
                  [[x["name"], x["events"], f"{x['ns_per_event']:.0f}",
                    f"{1e9 / max(x['ns_per_event'], 1):,.0f}"] for x in writers]) + "\n"]


def replay_only_report(s, results, targets, info):
    """BENCH_ONLY=replay: the replay and writer figures, without the storms."""
    lines = ["# proctrace replay and writer benchmark\n",
             f"Written by `make bench-replay` on "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
             f"{' (BENCH_QUICK=1: small sizes)' if s.quick else ''}.\n",
             f"Machine: {info['cpu']}, kernel {info['kernel']}; load average {info['load']} "
             "at the start.\n",
             f"proctrace binary: {info['binary']}.\n"]
    lines += replay_markdown(results["replay"], table)
    lines += memory_markdown(results.get("memory"), table)
    lines += writers_markdown(results["writers"])
    lines += ["## Targets\n", targets.render()]
    return "\n".join(lines) + "\n"


def report(s, results, targets, info, cond, prev):
    lines = []
    w = lines.append
    w("# proctrace benchmark results\n")
    w(f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
      f"{' (BENCH_QUICK=1: tiny sizes, not for conclusions)' if s.quick else ''}.\n")
    w(f"Machine: {info['cpu']}, kernel {info['kernel']}, pid_max {info['pid_max']}; "
      f"load average {info['load']} at the start; {info['bpf_progs']} tracing BPF programs "
      f"of other tools already loaded at the start (their cost is in every run, traced or "
      f"not).\n")
    w(f"proctrace binary: {info['binary']}.\n")
    w("Every slowdown is the storm's time under the tracer over the mean of the untraced "
      "runs just before and after it, in the same invocation; the rounds rotate the "
      f"tracer order. {s.rounds} rounds; median and min–max over them. Absolute times "
      "are not compared across invocations. 'Workload CPU ratio' compares the storm's "
      "own CPU time (user+system of all its processes, from rusage) the same way, "
      "median (min–max): in-kernel tracing runs in the traced processes and is charged "
      "to them, and CPU time is less shaken than wall time by other work on this "
      "shared 2-core machine.\n")
    w("## Reproduce\n")
    w("```\nmake bench                      # full run, rewrites bench/results.md\n"
      "BENCH_QUICK=1 make bench        # about a minute, tiny sizes\n"
      "BENCH_LONG=200000 make bench    # shorter long run\n"
      "OUT=build bench/run.sh build/proctrace   # what the target runs\n```\n")
    w("Storms (bench/storm.c, `build/bench/ptstorm MODE COUNT`), 2 workers each:\n")
    w(f"- forkexec: fork, exec of a static no-op (bench/nop.c), exit, wait — "
      f"{s.sizes['forkexec']} processes per run")
    w(f"- fork: fork, exit, wait — {s.sizes['fork']} per run")
    w(f"- mixed: fork; the child runs and joins a thread, is stopped (SIGSTOP), continued "
      f"(SIGCONT) and killed (SIGUSR1), each step confirmed — {s.sizes['mixed']} per run")
    w(f"- vfork: vfork, exit, wait (no address-space copy: the fastest process the kernel "
      f"makes; shows per-event costs that the slower storms hide) — {s.sizes['vfork']} per run\n")
    for mode, rows in results["modes"].items():
        base = results["base"][mode]
        rate = s.sizes[mode] / statistics.median(base)
        w(f"## {mode}: untraced {rate:,.0f} processes/s (median of {len(base)} untraced runs)\n")
        w(slowdown_table(rows) + "\n")
        w("<details><summary>events by kind</summary>\n")
        w(kinds_table(rows) + "\n")
        w("</details>\n")
    for mode, rows in results["modes16"].items():
        base = results["base16"][mode]
        rate = s.sizes[mode] / statistics.median(base)
        w(f"## {mode}, 16 workers: untraced {rate:,.0f} processes/s (median of {len(base)} "
          "untraced runs)\n")
        w(slowdown_table(rows) + "\n")
    w(previous_section(s, results, prev))
    w(tax_section(results))
    w("## Targets\n")
    w(targets.render() + "\n")
    w(conditions_section(cond, results))
    if results["skipped"]:
        w("## Peers not run\n")
        for name, why in results["skipped"].items():
            w(f"- {name}: {why}")
        w("")
    w("## Losses\n")
    for mode, lost, exp, seen in default_ring_loss(results["modes"]):
        w(f"- default ring, {mode}: {lost} lost, {seen} of {exp} workload events seen")
    for tiny in results["tiny"]:
        w(f"- `--ringbuf-kb 4`{' -g <storm pgid>' if tiny['group'] else ''}, {tiny['mode']} "
          f"({tiny['storm']['procs']} processes at {tiny['storm']['rate']:.0f}/s): "
          f"CSV lost rows sum to {tiny['csv_lost'].get('lost', 0)} "
          f"({', '.join(f'{k} {v}' for k, v in tiny['csv_lost'].items() if k != 'lost')}), "
          f"summary says lost {tiny['summary_lost']}; seen "
          f"{', '.join(f'{k} {v}' for k, v in tiny['seen'].items())}; expected "
          f"{', '.join(f'{k} {v}' for k, v in tiny['expected'].items() if v)} "
          f"(the storm process's own exit, reap and workers' SIGCHLDs included)")
    if not results["group_ok"]:
        w("- `-g` is not supported by this proctrace build (`proctrace -g 1 -d 0.1 -q` "
          "exits 2): the tiny-ring runs are unfiltered and the idle-group row is skipped.")
    w("")
    w("## Long streaming run\n")
    for lr in results["longs"]:
        w(f"- `proctrace -q -o /dev/null{' --ringbuf-kb ' + str(lr['ringbuf_kb']) if lr['ringbuf_kb'] else ''}`, "
          f"{lr['count']:,} processes (vfork storm, {lr['storm']['rate']:,.0f}/s): "
          f"VmRSS {fmt_mb(lr['start_rss'])} MB at start, {fmt_mb(lr['end_rss'])} MB at end, "
          f"VmHWM {fmt_mb(lr['hwm'])} MB; private memory (RssAnon) {lr['start_anon']} kB at "
          f"start, {lr['early_anon']} kB at 10%, {lr['end_anon']} kB at end; lost {lr['lost']}; "
          f"tracer CPU {lr['cpu']:.2f} s ({lr['cpu'] / lr['storm']['procs'] * 1e7:.0f} ms "
          f"per 10k processes)")
    w("\nVmRSS counts the ring buffer's pages: the kernel maps its data area twice into "
      "the reader (so a record that wraps reads as one piece) and maps every page at "
      "mmap time, so a ring of N MiB is 2N MiB of VmRSS (RssFile) from the first "
      "second, whatever the load. RssAnon is proctrace's own memory. VmHWM above VmRSS "
      "at start is libbpf's peak while loading (the kernel's BTF), freed before "
      "tracing starts.\n")
    w(cost_section(results))
    st = results["stats"]
    if st:
        w("## Where the cost is\n")
        w("Kernel side: `sysctl kernel.bpf_stats_enabled=1`, then `bpftool -j prog show` "
          "before and after one storm; the programs are the ones proctrace's fds hold "
          "(/proc/PID/fdinfo prog_id). run_time_ns / run_cnt is the cost of one run of "
          "that program, paid by the traced process itself. The counters are the whole "
          "machine's: runs by other processes during the storm (other work on the "
          "machine) are in them, so 'ns per storm process' is an upper bound; 'ns per "
          "run' is the program's own cost.\n")
        for r in st:
            procs = r["storm"]["procs"]
            total_ns = sum(ns for _, _, ns in r["progs"])
            w(f"### {r['tracer']}, {r['mode']} storm, {r['workers']} workers, {procs} processes"
              + (f", {r['events']} events" if r["events"] else "") + "\n")
            w(table(["program", "runs", "ns per run", "ns per storm process", "share"],
                    [[n, c, f"{ns / c:.0f}" if c else "-", f"{ns / procs:.0f}",
                      f"{ns / max(total_ns, 1) * 100:.0f}%"] for n, c, ns in r["progs"]
                     if c]) + "\n")
            per_event = ""
            if r["events"]:
                per_event = (f" ({total_ns / r['events']:.0f} ns per event emitted)")
                user_per_event = (f" ({(r['user'] + r['sys']) / r['events'] * 1e9:.0f} ns "
                                  "per event)")
            else:
                user_per_event = ""
            w(f"In-kernel total {total_ns / procs / 1000:.1f} µs per process{per_event}. "
              f"Userspace: user {r['user'] * 1000:.0f} ms + system {r['sys'] * 1000:.0f} ms = "
              f"{(r['user'] + r['sys']) / procs * 1e7:.0f} ms per 10k processes"
              f"{user_per_event}; CPU time from the threads' /proc/PID/task/TID/schedstat, "
              "split by /proc/PID/stat.\n")
    idle = results["idle"]
    if idle:
        w(f"Idle cost: `proctrace -q -o FILE -g PGID` following an idle group for "
          f"{idle['seconds']} s while the machine does its usual work: "
          f"{idle['cpu_us_per_s']:.0f} µs of CPU per second, {idle['wakeups_per_s']:.1f} "
          f"wakeups per second. This floor is in every 'tracer CPU' figure above "
          f"(per 10k processes it is larger the slower the storm).\n")
    for line in writers_markdown(results["writers"]):
        w(line)
    for line in replay_markdown(results.get("replay"), table):
        w(line)
    for line in memory_markdown(results.get("memory"), table):
        w(line)
    w("## Tree building (the model)\n")
    if results["model"]:
        w(table(["model", "events", "processes", "seconds", "events/s", "peak RSS MB"],
                [[m["name"], m["events"], m["procs"], f"{m['secs']:.3f}",
                  f"{m['events_per_s']:,.0f}", fmt_mb(m.get("maxrss_kb"))]
                 for m in results["model"]]) + "\n")
        w("bench/model_bench.c feeds pt_model_feed() a synthesized storm that mirrors a "
          "recorded fork+exec storm: per process fork, exec (argv and path), exit, reap "
          "and the parent's SIGCHLD, 2 workers, pids cycling through pid_max so pids are "
          "reused as on this machine.\n")
    else:
        w("Not measured: the model driver was not built (see make bench's output).\n")
    w("## How events were counted\n")
    seen_tracers = {}
    for rows in results["modes"].values():
        for row in rows.values():
            seen_tracers[row.tracer.label] = row.tracer
    for label, tr in seen_tracers.items():
        w(f"- {label} ({', '.join(tr.kinds)}): {tr.how_counted}")
    w("- Expected: the storm's own count of the events of every process it created "
      "(workers and children): each a fork, exit and reap, an exec per forkexec child, "
      "the SIGCHLD each child's end sends its worker; mixed adds per child SIGSTOP, "
      "SIGCONT, SIGUSR1, the SIGCHLDs of its stop and continue, one stop and one "
      "continue. Peers are expected to see only the kinds they trace.")
    w("- Tracer CPU: run time of the tracer process(es), in ns from the threads' "
      "/proc/PID/task/TID/schedstat and split into user and system by the utime and "
      "stime ticks of /proc/PID/stat, read when it is attached and again after the storm and a 0.4 s drain, summed over "
      "the rounds; strace from its rusage minus the storm's. Peak RSS: VmHWM just "
      "before stopping it (strace: sampled while running); two processes are summed.")
    return "\n".join(lines) + "\n"


def console_summary(results, targets):
    out = []
    for mode, rows in results["modes"].items():
        out.append(f"\n{mode}")
        out.append(slowdown_table(rows))
    out.append("\nTargets")
    out.append(targets.render())
    return "\n".join(out)
