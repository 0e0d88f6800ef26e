# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""proctrace and the peer tracers: how each is started, stopped and counted."""

import collections
import os
import subprocess
from .common import HERE, KINDS
from .storm import (
    count_bpftrace, count_forkstat, count_proctrace_csv, count_snoop, count_strace, lost_lines,
    parse_summary)


# ----------------------------------------------------------------- tracers


class Tracer:
    """One configuration under test. start() runs its commands() and
    returns the processes to stop afterwards; count() what they saw of the
    storm."""
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

    def commands(self):
        """[(argv, name)]: each process to run, its output in name.out and
        name.err."""
        return []

    def start(self, storm_pgid=None):
        self.procs = [self.spawn(cmd, name) for cmd, name in self.commands()]
        return self.procs

    def ready_marker(self):
        return None


class Proctrace(Tracer):
    key = "proctrace"
    label = "proctrace -q -o FILE"
    kinds = KINDS
    how_counted = ("CSV rows by event kind whose pgid is the storm's (minus the "
                   "storm process itself); lost from the CSV's lost rows")
    extra = ()

    @property
    def csv(self):
        return self.path("csv")

    def commands(self):
        return [([self.s.proctrace, "-q", "-o", self.csv] + list(self.extra), "pt")]

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



class ProctraceCore(Proctrace):
    """proctrace recording only what execsnoop+exitsnoop and forkstat do,
    with fork: no syscall tracepoint is attached."""
    key = "proctrace-e"
    label = "proctrace -e fork,exec,exit"
    kinds = ("fork", "exec", "exit")
    how_counted = "as proctrace -q -o FILE"
    extra = ("-e", "fork,exec,exit")


class SnoopPair(Tracer):
    key = "snoop"
    label = "execsnoop + exitsnoop"
    kinds = ("exec", "exit")
    needs = ("execsnoop", "exitsnoop")
    how_counted = ("execsnoop and exitsnoop lines whose PID is one the storm "
                   "created and whose PCOMM is ptstorm/ptnop")

    def commands(self):
        return [(["execsnoop"], "exec"), (["exitsnoop"], "exit")]

    def output_lines(self):
        """Events printed, the storm's or not: lines with a PID column."""
        n = 0
        for name in ("exec.out", "exit.out"):
            with open(self.path(name), errors="replace") as f:
                n += sum(1 for line in f if len(line.split()) > 1
                         and line.split()[1].isdigit())
        return n

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

    def commands(self):
        return [(["forkstat", "-e", "fork,exec,exit"], "fs")]

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

    def commands(self):
        return [(["bpftrace", os.path.join(HERE, "peer-lifecycle.bt")], "bt")]

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
