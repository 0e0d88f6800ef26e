# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Interleaved traced and untraced runs, and the special runs (tiny ring, long run, BPF stats,
idle, writers, model)."""

import collections
import json
import os
import statistics
import subprocess
import time
from .common import log
from .procfs import PeakSampler, cpu_delta, proc_cpu, proc_status_kb, stop, wait_ready
from .storm import (
    count_proctrace_csv, expected_for, parse_storm, parse_summary, read_pids, run_storm, storm_cmd)
from .tracers import Proctrace


# ------------------------------------------------------------------- runs


def traced_run(s, tracer, mode, count, tmp):
    """One storm under one tracer: time ratio inputs, tracer CPU and memory,
    what it saw."""
    prefix = os.path.join(tmp, "pids")
    if tracer.wraps:
        return wrapped_run(s, tracer, mode, count, prefix)
    procs = tracer.start()
    try:
        wait_ready(procs, tracer.ready_marker())
        cpu0 = [proc_cpu(p.pid) for p in procs]
        storm = run_storm(s, mode, count, prefix)
        time.sleep(0.4)  # let the tracer drain what the storm left
        cpu1 = [proc_cpu(p.pid) for p in procs]
        hwm = sum(proc_status_kb(p.pid, "VmHWM") or 0 for p in procs)
        rss_anon = sum(proc_status_kb(p.pid, "RssAnon") or 0 for p in procs)
    finally:
        stop(procs)
    pids = read_pids(prefix, storm)
    seen, lost = tracer.count(storm, pids)
    user, system = cpu_delta(cpu0, cpu1)
    return {"storm": storm, "seen": dict(seen), "lost": lost, "cpu_user": user,
            "cpu_sys": system, "hwm_kb": hwm, "anon_kb": rss_anon}


def wrapped_run(s, tracer, mode, count, prefix):
    cmd = tracer.wrap(storm_cmd(s, mode, count, prefix))
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, process_group=0)
    sampler = PeakSampler(p.pid)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    hwm = sampler.finish()
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({p.returncode})")
    storm = parse_storm(out)
    pids = read_pids(prefix, storm)
    seen, lost = tracer.count(storm, pids)
    # rusage of the tracer includes the storm it reaped: take that out.
    cpu = ru.ru_utime + ru.ru_stime - storm["cpu_s"]
    share = ru.ru_utime / max(ru.ru_utime + ru.ru_stime, 1e-9)
    return {"storm": storm, "seen": dict(seen), "lost": lost, "cpu_user": cpu * share,
            "cpu_sys": cpu * (1 - share), "hwm_kb": hwm, "anon_kb": None}


def untraced_run(s, mode, count, tmp):
    prefix = os.path.join(tmp, "pids")
    storm = run_storm(s, mode, count, prefix)
    read_pids(prefix, storm)
    return storm


class Row:
    """Everything measured for one tracer in one mode, over the rounds."""

    def __init__(self, tracer):
        self.tracer = tracer
        self.ratios = []
        self.cpu_ratios = []
        self.expected = collections.Counter()
        self.seen = collections.Counter()
        self.lost = 0
        self.lost_known = True
        self.cpu = 0.0
        self.cpu_user = 0.0
        self.cpu_sys = 0.0
        self.procs = 0
        self.hwm_kb = 0
        self.anon_kb = None

    def add(self, ratio, run, cpu_ratio):
        self.ratios.append(ratio)
        self.cpu_ratios.append(cpu_ratio)
        storm = run["storm"]
        kinds = self.tracer.kinds
        if self.tracer.filtered_out:
            exp = {k: 0 for k in kinds}
        else:
            exp = expected_for(storm, kinds)
        self.expected.update(exp)
        self.seen.update({k: run["seen"].get(k, 0) for k in kinds})
        if run["lost"] is None:
            self.lost_known = False
        else:
            self.lost += run["lost"]
        self.cpu_user += run["cpu_user"]
        self.cpu_sys += run["cpu_sys"]
        self.cpu += run["cpu_user"] + run["cpu_sys"]
        self.procs += storm["procs"]
        self.hwm_kb = max(self.hwm_kb, run["hwm_kb"])
        if run["anon_kb"] is not None:
            self.anon_kb = max(self.anon_kb or 0, run["anon_kb"])

    def median(self):
        return statistics.median(self.ratios) if self.ratios else None

    def cpu_ms_per_10k(self):
        return self.cpu / self.procs * 10000 * 1000 if self.procs else None


def run_mode(s, mode, tracers, tmp):
    """Rounds of U T1 U T2 ... Tn U; the tracer order rotates each round.
    Besides wall time, the storm's own CPU time (its processes' rusage) is
    compared the same way: in-kernel tracing cost is charged to the traced
    processes, and CPU time is less shaken by other work on the machine."""
    count = s.sizes[mode]
    rows = {t.key: Row(t) for t in tracers}
    base = []
    log(f"== {mode}: {count} processes per run, {s.rounds} rounds, "
        f"{len(tracers)} tracers")
    for r in range(s.rounds):
        order = tracers[r % len(tracers):] + tracers[:r % len(tracers)]
        before = untraced_run(s, mode, count, tmp)
        base.append(before["secs"])
        for t in order:
            run = traced_run(s, t, mode, count, tmp)
            after = untraced_run(s, mode, count, tmp)
            base.append(after["secs"])
            ratio = run["storm"]["secs"] / ((before["secs"] + after["secs"]) / 2)
            cpu_ratio = run["storm"]["cpu_s"] / ((before["cpu_s"] + after["cpu_s"]) / 2)
            rows[t.key].add(ratio, run, cpu_ratio)
            log(f"   round {r + 1} {t.key:12s} x{ratio:.3f} cpu x{cpu_ratio:.3f} "
                f"({run['storm']['rate']:.0f}/s traced, {after['rate']:.0f}/s untraced)")
            before = after
    return rows, base


# --------------------------------------------------------- special runs


def idle_group():
    """An idle process leading its own group: -g on it follows nothing the
    storm does, and measures the filter's cost on everyone else."""
    return subprocess.Popen(["sleep", "1000000"], process_group=0)


def proctrace_supports_group(s):
    p = subprocess.run([s.proctrace, "-g", "1", "-d", "0.1", "-q"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return p.returncode != 2


def held_storm(s, mode, count, prefix):
    p = subprocess.Popen(storm_cmd(s, mode, count, prefix, hold=True),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                         process_group=0)
    line = p.stdout.readline()
    if not line.startswith("ready "):
        raise RuntimeError("held storm did not start: " + line)
    return p, int(line.split()[1])


def tiny_ring_run(s, mode, count, tmp, use_group):
    """--ringbuf-kb 4 under a storm: losses must be counted exactly. With
    -g on the storm's own group every event and every loss is the group's,
    so seen + lost = expected can be checked per kind. The group is the
    storm process too: its workers' SIGCHLDs, its exit and its reap (the
    bench waits for it before stopping the tracer) are expected as well."""
    prefix = os.path.join(tmp, "pids")
    storm_p, pgid = held_storm(s, mode, count, prefix)
    t = Proctrace(s, tmp)
    t.key = "tiny"
    t.extra = ["--ringbuf-kb", "4"] + (["-g", str(pgid)] if use_group else [])
    procs = t.start()
    try:
        wait_ready(procs, t.ready_marker())
        out, _ = storm_p.communicate("go\n")
        storm = parse_storm(out)
        time.sleep(0.4)
    finally:
        stop(procs)
        if storm_p.poll() is None:
            storm_p.kill()
    read_pids(prefix, storm)
    seen, lost = count_proctrace_csv(t.csv, storm, with_storm=True)
    summary, summary_lost = parse_summary(t.path("pt.err"))
    expected = collections.Counter(storm["expect"])
    expected.update({"signal": storm["workers"], "exit": 1, "reap": 1})
    return {"mode": mode, "storm": storm, "seen": dict(seen), "csv_lost": dict(lost),
            "summary_lost": summary_lost, "group": use_group, "expected": dict(expected)}


def default_ring_loss(rows):
    """Lost events at the full rate with default settings, from the timed runs."""
    out = []
    for mode, mode_rows in rows.items():
        r = mode_rows.get("proctrace")
        if r:
            out.append((mode, r.lost, sum(r.expected.values()), sum(r.seen.values())))
    return out


def long_run(s, count, tmp, ringbuf_kb=None):
    """count processes (vfork storm) through proctrace streaming CSV to
    /dev/null; its memory sampled every second."""
    t = Proctrace(s, tmp)
    t.key = f"long{ringbuf_kb or ''}"
    cmd = [s.proctrace, "-q", "-o", "/dev/null"]
    if ringbuf_kb:
        cmd += ["--ringbuf-kb", str(ringbuf_kb)]
    p = t.spawn(cmd, "pt")
    samples = []
    try:
        wait_ready([p], t.ready_marker())
        start_rss = proc_status_kb(p.pid, "VmRSS")
        start_anon = proc_status_kb(p.pid, "RssAnon")
        cpu0 = proc_cpu(p.pid)
        storm_p = subprocess.Popen(storm_cmd(s, "vfork", count), stdout=subprocess.PIPE,
                                   text=True, process_group=0)
        t0 = time.monotonic()
        while storm_p.poll() is None:
            samples.append((time.monotonic() - t0, proc_status_kb(p.pid, "VmRSS"),
                            proc_status_kb(p.pid, "RssAnon")))
            time.sleep(1)
        storm = parse_storm(storm_p.stdout.read())
        time.sleep(0.5)
        cpu1 = proc_cpu(p.pid)
        end_rss = proc_status_kb(p.pid, "VmRSS")
        end_anon = proc_status_kb(p.pid, "RssAnon")
        hwm = proc_status_kb(p.pid, "VmHWM")
    finally:
        stop([p])
    summary, lost = parse_summary(t.path("pt.err"))
    mid = [x for x in samples if x[0] >= 0.1 * (samples[-1][0] if samples else 0)]
    first_anon = mid[0][2] if mid else start_anon
    return {"count": count, "ringbuf_kb": ringbuf_kb, "storm": storm,
            "start_rss": start_rss, "end_rss": end_rss, "start_anon": start_anon,
            "early_anon": first_anon, "end_anon": end_anon, "hwm": hwm,
            "max_rss": max([x[1] or 0 for x in samples] + [end_rss or 0]),
            "lost": lost, "summary": summary,
            "cpu": sum(cpu_delta([cpu0], [cpu1])), "samples": len(samples)}


def proctrace_prog_ids(pid):
    """BPF programs a process holds, from its fds' fdinfo."""
    ids = set()
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                for line in f:
                    if line.startswith("prog_id:"):
                        ids.add(int(line.split()[1]))
        except OSError:
            pass
    return ids


def prog_stats(ids):
    out = subprocess.run(["bpftool", "-j", "prog", "show"], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return {p["id"]: p for p in json.loads(out) if p["id"] in ids}


def bpf_stats_run(s, tracer, mode, count):
    """Kernel side cost per program, with kernel.bpf_stats_enabled=1, plus
    the userspace CPU of the same run, for a BPF tracer (its processes'
    programs, found through their fds)."""
    knob = "/proc/sys/kernel/bpf_stats_enabled"
    with open(knob) as f:
        old = f.read().strip()
    procs = tracer.start()
    try:
        with open(knob, "w") as f:
            f.write("1")
        wait_ready(procs, tracer.ready_marker())
        ids = set().union(*(proctrace_prog_ids(p.pid) for p in procs))
        before = prog_stats(ids)
        cpu0 = [proc_cpu(p.pid) for p in procs]
        storm = run_storm(s, mode, count, None)
        time.sleep(0.4)
        after = prog_stats(ids)
        cpu1 = [proc_cpu(p.pid) for p in procs]
    finally:
        stop(procs)
        with open(knob, "w") as f:
            f.write(old)
    events = None
    if isinstance(tracer, Proctrace):
        summary, _ = parse_summary(tracer.path("pt.err"))
        events = sum(v for k, v in summary.items() if k not in ("events", "lost", "snapshot"))
    elif hasattr(tracer, "output_lines"):
        events = tracer.output_lines()
    progs = []
    for pid_, a in after.items():
        b = before.get(pid_, {})
        cnt = a.get("run_cnt", 0) - b.get("run_cnt", 0)
        ns = a.get("run_time_ns", 0) - b.get("run_time_ns", 0)
        progs.append((a["name"], cnt, ns))
    progs.sort(key=lambda x: -x[2])
    user, system = cpu_delta(cpu0, cpu1)
    return {"tracer": tracer.label, "mode": mode, "storm": storm, "progs": progs,
            "events": events, "user": user, "sys": system, "workers": s.workers}


def idle_run(s, seconds, tmp, pgid):
    """proctrace following an idle group, on a machine doing its usual
    work: what it costs per second when no event is for it."""
    t = Proctrace(s, tmp)
    t.key = "idle"
    t.extra = ["-g", str(pgid)]
    procs = t.start()
    try:
        wait_ready(procs, t.ready_marker())
        pid = procs[0].pid
        cpu0 = proc_cpu(pid)
        sw0 = proc_status_kb(pid, "voluntary_ctxt_switches") or 0
        time.sleep(seconds)
        cpu1 = proc_cpu(pid)
        sw1 = proc_status_kb(pid, "voluntary_ctxt_switches") or 0
    finally:
        stop(procs)
    return {"seconds": seconds, "cpu_us_per_s": sum(cpu_delta([cpu0], [cpu1])) / seconds * 1e6,
            "wakeups_per_s": (sw1 - sw0) / seconds}


def writer_run(s):
    """ns per event of the CSV and JSON Lines writers and of the live stream, alone."""
    if not os.path.exists(s.writer_bench):
        return None
    runs = []
    for kind in ("csv", "json", "stream"):
        out = subprocess.run([s.writer_bench, str(s.model_events // 2), kind], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        runs += [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    return runs


def model_run(s):
    if not os.path.exists(s.model_bench):
        return None
    runs = []
    for kind in ("all", "bounded"):
        out = subprocess.run([s.model_bench, str(s.model_events), kind], check=True,
                             stdout=subprocess.PIPE, text=True).stdout
        runs += [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    return runs
