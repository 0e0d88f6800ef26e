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
"""

import collections
import csv
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = ("fork", "exec", "exit", "reap", "signal", "stop", "continue")
WORKLOAD_COMMS = ("ptstorm", "ptnop")
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Syscalls a tracer sits in once it is attached and waiting for events.
WAITING_SYSCALLS = {
    "x86_64": {0, 7, 23, 34, 35, 45, 47, 61, 230, 232, 270, 271, 281, 441},
    "aarch64": {22, 63, 72, 73, 101, 115, 207, 212, 260, 441},
}.get(platform.machine(), set())


def env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


T0 = time.monotonic()


def log(msg):
    print(f"[{time.monotonic() - T0:6.0f}s] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- settings


class Settings:
    def __init__(self, proctrace, out):
        self.proctrace = os.path.abspath(proctrace)
        self.out = os.path.abspath(out)
        self.bindir = os.path.join(self.out, "bench")
        self.storm = os.path.join(self.bindir, "ptstorm")
        self.nop = os.path.join(self.bindir, "ptnop")
        self.model_bench = os.path.join(self.bindir, "model_bench")
        self.writer_bench = os.path.join(self.bindir, "writer_bench")
        self.quick = os.environ.get("BENCH_QUICK", "") == "1"
        self.rounds = env_int("BENCH_ROUNDS", 3 if self.quick else 7)
        if self.quick:
            self.sizes = {"forkexec": 100, "fork": 200, "mixed": 100, "vfork": 5000}
        else:
            self.sizes = {"forkexec": 1000, "fork": 2000, "mixed": 1000, "vfork": 100000}
        self.long_count = env_int("BENCH_LONG", 1000000)
        if self.quick and "BENCH_LONG" not in os.environ:
            self.long_count = 20000
        self.tiny_counts = {"vfork": 5000 if self.quick else 50000,
                            "forkexec": 100 if self.quick else 1000}
        self.stats_counts = {m: n for m, n in self.sizes.items()}
        self.model_events = 200000 if self.quick else 5000000
        self.results = os.environ.get("BENCH_RESULTS", os.path.join(HERE, "results.md"))
        self.skipped = read_skipped(os.environ.get("BENCH_SKIPPED", ""))


def read_skipped(path):
    """Peers run.sh could not install: {binary: reason}."""
    skipped = {}
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                name, _, reason = line.rstrip("\n").partition(" ")
                if name:
                    skipped[name] = reason
    return skipped


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


# ------------------------------------------------------------------- storm


def storm_cmd(s, mode, count, pids_prefix=None, hold=False):
    cmd = [s.storm, mode, str(count)]
    if mode == "forkexec":
        cmd += ["--nop", s.nop]
    if pids_prefix:
        cmd += ["--pids", pids_prefix]
    if hold:
        cmd.append("--hold")
    return cmd


def parse_storm(out):
    for line in out.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("the storm printed no result: " + out[-500:])


def run_storm(s, mode, count, pids_prefix=None):
    out = subprocess.run(storm_cmd(s, mode, count, pids_prefix), check=True,
                         stdout=subprocess.PIPE, text=True, process_group=0).stdout
    return parse_storm(out)


def read_pids(prefix, storm):
    pids = collections.Counter()
    for i in range(storm["workers"]):
        with open(f"{prefix}.{i}") as f:
            for line in f:
                pids[int(line)] += 1
        os.unlink(f"{prefix}.{i}")
    return pids


def expected_for(storm, kinds):
    return {k: storm["expect"].get(k, 0) for k in kinds}


# ---------------------------------------------------------------- counting


def count_proctrace_csv(path, storm, with_storm=False):
    """Rows about the storm's processes by kind (the storm leads its own
    group: rows of that group, minus the storm process itself unless
    with_storm), and the losses the CSV reports: total and by kind."""
    pgid, me = str(storm["pgid"]), str(storm["pid"])
    seen = collections.Counter()
    lost = collections.Counter()
    with open(path, newline="", errors="replace") as f:
        rows = csv.reader(f)
        header = next(rows, None)
        if not header:
            return seen, lost
        ev_i, pid_i, pgid_i = (header.index(c) for c in ("event", "pid", "pgid"))
        det_i = header.index("detail")
        for row in rows:
            ev = row[ev_i]
            if ev == "snapshot":
                continue  # already running when tracing began: not an event
            if ev == "lost":
                for item in row[det_i].split():
                    key, _, val = item.partition("=")
                    lost[key] += int(val)
            elif row[pgid_i] == pgid and (with_storm or row[pid_i] != me):
                seen[ev] += 1
    return seen, lost


def parse_summary(stderr_path):
    """proctrace's summary line: ({kind: n, "events": total}, lost)."""
    with open(stderr_path, errors="replace") as f:
        text = f.read()
    found = re.findall(r"^proctrace: (\d+) events(.*); lost (\d+)$", text, re.M)
    if not found:
        raise RuntimeError("no proctrace summary in " + stderr_path + ": " + text[-500:])
    total, kinds, lost = found[-1]
    counts = {k: int(n) for k, n in re.findall(r"([a-z]+) (\d+)", kinds)}
    counts["events"] = int(total)
    return counts, int(lost)


def lost_lines(path):
    """Losses peers report in their output ('Lost N events ...')."""
    total = 0
    with open(path, errors="replace") as f:
        for line in f:
            m = re.search(r"[Ll]ost (\d+) (?:events|samples)", line)
            if m:
                total += int(m.group(1))
    return total


def count_snoop(path, pids, kind, pid_col):
    """execsnoop/exitsnoop lines: 'PCOMM PID ...', workload pid and comm."""
    n = 0
    with open(path, errors="replace") as f:
        for line in f:
            cols = line.split()
            if len(cols) > pid_col and cols[pid_col].isdigit() and \
               int(cols[pid_col]) in pids and cols[0] in WORKLOAD_COMMS:
                n += 1
    return {kind: n}


def count_forkstat(path, pids):
    """forkstat lines: 'TIME EVENT PID INFO ...'; a fork is the line of its
    child ('fork PID child')."""
    seen = collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            cols = line.split()
            if len(cols) < 3 or not cols[2].isdigit() or int(cols[2]) not in pids:
                continue
            ev = cols[1]
            if ev == "fork" and len(cols) > 3 and cols[3] == "child":
                seen["fork"] += 1
            elif ev in ("exec", "exit"):
                seen[ev] += 1
    return seen


def count_bpftrace(path, pids):
    """peer-lifecycle.bt: 'fork PPID PID COMM', 'exec PID COMM FILE',
    'exit PID COMM'."""
    seen = collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            cols = line.split()
            if len(cols) < 3:
                continue
            if cols[0] == "fork" and len(cols) > 3 and cols[2].isdigit() and \
                    int(cols[2]) in pids and cols[3] in WORKLOAD_COMMS:
                seen["fork"] += 1
            elif cols[0] in ("exec", "exit") and cols[1].isdigit() and \
                    int(cols[1]) in pids and cols[2] in WORKLOAD_COMMS:
                seen[cols[0]] += 1
    return seen


STRACE_LINE = re.compile(r"^(\d+)\s+(.*)$")
STRACE_RET = re.compile(r"=\s+(-?\d+)(?:\s.*)?$")


def count_strace(path, pids):
    """strace -f -o: 'PID call(...) = RET', possibly split into
    '<unfinished ...>' and '<... call resumed>'. A fork is a clone/fork that
    returned a workload pid, an exec a successful execve by one, an exit
    its '+++ exited/killed' line, a reap a wait4 that returned one."""
    seen = collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            m = STRACE_LINE.match(line)
            if not m:
                continue
            pid, rest = int(m.group(1)), m.group(2)
            if rest.startswith("+++ "):
                if pid in pids and ("exited with" in rest or "killed by" in rest):
                    seen["exit"] += 1
                continue
            call = re.match(r"(?:<\.\.\. )?(\w+)", rest)
            ret = STRACE_RET.search(rest)
            if not call or not ret or "<unfinished" in rest:
                continue
            name, value = call.group(1), int(ret.group(1))
            if name in ("clone", "clone3", "fork", "vfork") and value in pids:
                seen["fork"] += 1
            elif name == "execve" and value == 0 and pid in pids:
                seen["exec"] += 1
            elif name in ("wait4", "waitpid") and value in pids and \
                    ("WIFEXITED" in rest or "WIFSIGNALED" in rest):
                seen["reap"] += 1
    return seen


# ----------------------------------------------------------------- tracers


class Tracer:
    """One configuration under test. start() returns the processes to stop
    afterwards; count() what they saw of the storm."""
    key = ""
    label = ""
    kinds = ()
    needs = ()
    wraps = False
    filtered_out = False  # follows nothing of the storm: expects no event
    how_counted = ""

    def __init__(self, s, tmp):
        self.s = s
        self.tmp = tmp

    def path(self, name):
        return os.path.join(self.tmp, f"{self.key}.{name}")

    def spawn(self, cmd, name):
        out = open(self.path(name + ".out"), "w")
        err = open(self.path(name + ".err"), "w")
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        out.close()
        err.close()
        return p

    def ready_marker(self):
        return None


class Proctrace(Tracer):
    key = "proctrace"
    label = "proctrace -q -o FILE"
    kinds = KINDS
    how_counted = ("CSV rows by event kind whose pgid is the storm's (minus the "
                   "storm process itself); lost from the CSV's lost rows")
    extra = ()

    def start(self, storm_pgid=None):
        self.csv = self.path("csv")
        cmd = [self.s.proctrace, "-q", "-o", self.csv] + list(self.extra)
        self.procs = [self.spawn(cmd, "pt")]
        return self.procs

    def ready_marker(self):
        return (self.path("pt.err"), "proctrace: tracing")

    def count(self, storm, pids):
        seen, lost = count_proctrace_csv(self.csv, storm)
        self.summary, self.summary_lost = parse_summary(self.path("pt.err"))
        return seen, lost.get("lost", 0)


class ProctraceOtherGroup(Proctrace):
    key = "proctrace-g"
    label = "proctrace -g PGID (idle group)"
    how_counted = "CSV rows of the storm's group: none are wanted"
    filtered_out = True

    def __init__(self, s, tmp, pgid):
        super().__init__(s, tmp)
        self.extra = ("-g", str(pgid))



class SnoopPair(Tracer):
    key = "snoop"
    label = "execsnoop + exitsnoop"
    kinds = ("exec", "exit")
    needs = ("execsnoop", "exitsnoop")
    how_counted = ("execsnoop and exitsnoop lines whose PID is one the storm "
                   "created and whose PCOMM is ptstorm/ptnop")

    def start(self, storm_pgid=None):
        self.procs = [self.spawn(["execsnoop"], "exec"), self.spawn(["exitsnoop"], "exit")]
        return self.procs

    def count(self, storm, pids):
        seen = collections.Counter(count_snoop(self.path("exec.out"), pids, "exec", 1))
        seen.update(count_snoop(self.path("exit.out"), pids, "exit", 1))
        lost = sum(lost_lines(self.path(n)) for n in ("exec.out", "exec.err", "exit.out",
                                                       "exit.err"))
        return seen, lost


class Forkstat(Tracer):
    key = "forkstat"
    label = "forkstat -e fork,exec,exit"
    kinds = ("fork", "exec", "exit")
    needs = ("forkstat",)
    how_counted = ("forkstat lines 'fork PID child', 'exec PID', 'exit PID' with a "
                   "PID the storm created; it reports no loss count (netlink)")

    def start(self, storm_pgid=None):
        self.procs = [self.spawn(["forkstat", "-e", "fork,exec,exit"], "fs")]
        return self.procs

    def count(self, storm, pids):
        return count_forkstat(self.path("fs.out"), pids), None


class Bpftrace(Tracer):
    key = "bpftrace"
    label = "bpftrace peer-lifecycle.bt"
    kinds = ("fork", "exec", "exit")
    needs = ("bpftrace",)
    how_counted = ("lines of bench/peer-lifecycle.bt by kind whose pid is one the "
                   "storm created and whose comm is ptstorm/ptnop; lost from bpftrace's "
                   "'Lost N events'")

    def start(self, storm_pgid=None):
        self.procs = [self.spawn(["bpftrace", os.path.join(HERE, "peer-lifecycle.bt")], "bt")]
        return self.procs

    def count(self, storm, pids):
        lost = lost_lines(self.path("bt.out")) + lost_lines(self.path("bt.err"))
        return count_bpftrace(self.path("bt.out"), pids), lost


class Strace(Tracer):
    key = "strace"
    label = "strace -f -e trace=process"
    kinds = ("fork", "exec", "exit", "reap")
    needs = ("strace",)
    wraps = True
    how_counted = ("strace lines: clone/fork returning a storm pid, execve = 0, "
                   "'+++ exited/killed', wait4 returning a storm pid that exited or was "
                   "killed (not a stop report); its CPU is "
                   "its rusage at exit minus the storm's own")

    def wrap(self, cmd):
        self.out = self.path("strace.out")
        return ["strace", "-f", "-e", "trace=process", "-o", self.out] + cmd

    def count(self, storm, pids):
        return count_strace(self.out, pids), None


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
    progs = []
    for pid_, a in after.items():
        b = before.get(pid_, {})
        cnt = a.get("run_cnt", 0) - b.get("run_cnt", 0)
        ns = a.get("run_time_ns", 0) - b.get("run_time_ns", 0)
        progs.append((a["name"], cnt, ns))
    progs.sort(key=lambda x: -x[2])
    user, system = cpu_delta(cpu0, cpu1)
    return {"tracer": tracer.label, "mode": mode, "storm": storm, "progs": progs,
            "events": events, "user": user, "sys": system}


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


def report(s, results, targets, info):
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
    w("## Targets\n")
    w(targets.render() + "\n")
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
            w(f"### {r['tracer']}, {r['mode']} storm, {procs} processes"
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
    if results["writers"]:
        w("Userspace per event, the writers alone (bench/writer_bench.c: the storm of "
          "bench/storm_events.h written into /dev/null, only the writer timed):\n")
        w(table(["writer", "events", "ns per event", "events/s"],
                [[x["name"], x["events"], f"{x['ns_per_event']:.0f}",
                  f"{1e9 / max(x['ns_per_event'], 1):,.0f}"] for x in results["writers"]])
          + "\n")
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


# -------------------------------------------------------------------- main


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: bench.py PROCTRACE OUT")
    s = Settings(sys.argv[1], sys.argv[2])
    # Stopped from outside: still stop the tracers and the idle process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if os.geteuid() != 0:
        sys.exit("bench: needs root (BPF tracers)")
    info = machine_info(s)
    results = {"modes": {}, "base": {}, "tiny": [], "long": None, "longs": [],
               "stats": [], "model": None, "idle": None, "writers": None, "skipped": dict(s.skipped)}
    tmp = tempfile.mkdtemp(prefix="ptbench.")
    # The checkout may be rebuilt while the bench runs: measure one binary.
    info["binary"] = freeze_binary(s, tmp)
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
        for mode in ("forkexec", "fork", "mixed", "vfork"):
            tracers = [Proctrace(s, tmp)]
            if results["group_ok"] and (not s.quick or mode == "forkexec"):
                tracers.append(ProctraceOtherGroup(s, tmp, sleeper.pid))
            if not s.quick or mode == "forkexec":
                tracers += [p for p in peers if not (p.key == "strace" and mode == "vfork"
                                                     and s.quick)]
            rows, base = run_mode(s, mode, tracers, tmp)
            results["modes"][mode] = rows
            results["base"][mode] = base
        for mode, count in s.tiny_counts.items():
            log(f"== --ringbuf-kb 4, {mode} storm of {count}")
            results["tiny"].append(tiny_ring_run(s, mode, count, tmp, results["group_ok"]))
        for mode in ("forkexec", "vfork") if s.quick else ("forkexec", "mixed", "vfork"):
            log(f"== bpf_stats, {mode} storm")
            stats_tracers = [Proctrace(s, tmp)]
            if mode != "mixed" and any(p.key == "snoop" for p in peers):
                stats_tracers.append(SnoopPair(s, tmp))
            for tr in stats_tracers:
                tr.key += "-stats"
                results["stats"].append(bpf_stats_run(s, tr, mode, s.stats_counts[mode]))
        log(f"== long run: {s.long_count} processes")
        results["long"] = long_run(s, s.long_count, tmp)
        results["longs"].append(results["long"])
        # The same at a tenth of the count: memory must not depend on it.
        log(f"== long run: {s.long_count // 10} processes")
        results["longs"].insert(0, long_run(s, s.long_count // 10, tmp))
        if results["group_ok"]:
            log("== idle cost")
            results["idle"] = idle_run(s, 3 if s.quick else 10, tmp, sleeper.pid)
        log("== writers and model")
        results["writers"] = writer_run(s)
        results["model"] = model_run(s)
    finally:
        sleeper.kill()
        sleeper.wait()
        subprocess.run(["rm", "-rf", tmp])
    targets = evaluate(s, results)
    text = report(s, results, targets, info)
    with open(s.results, "w") as f:
        f.write(text)
    print(console_summary(results, targets))
    print(f"\nwritten: {s.results}")


if __name__ == "__main__":
    main()
