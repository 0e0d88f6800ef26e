# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Integration tests of how each task was made: the clone flags and the
creating call of fork and thread rows, unshare rows, and block I/O counts
on exit rows. The workload (clone_kinds) makes each kind of task and has
the new task itself report what it shares with its creator (kcmp(2) and
/proc/self/ns inodes), so the rows are checked against the kernel's own
answer as well as against what the workload asked for."""

import os
import platform

from harness import Check, parse_detail
from cases_exact import run_command

# clone flag of each kcmp(2) answer and /proc/PID/ns name the workload prints
SHARED = (("vm", "CLONE_VM"), ("files", "CLONE_FILES"), ("fs", "CLONE_FS"),
          ("sighand", "CLONE_SIGHAND"))
NEW_NS = {"pid": "CLONE_NEWPID", "net": "CLONE_NEWNET", "mnt": "CLONE_NEWNS",
          "uts": "CLONE_NEWUTS", "ipc": "CLONE_NEWIPC",
          "user": "CLONE_NEWUSER", "cgroup": "CLONE_NEWCGROUP"}

# kind: (event, the flags the workload asked for that a row must show,
#        the calls that may have made it)
ASKED = {
    "fork": ("fork", set(), ("fork", "clone")),  # glibc's fork() is clone
    "vfork": ("fork", {"CLONE_VM", "CLONE_VFORK"}, ("vfork",)),
    "clonevm": ("fork", {"CLONE_VM", "CLONE_FS", "CLONE_FILES",
                         "CLONE_SIGHAND"}, ("clone",)),
    "thread": ("thread", {"CLONE_VM", "CLONE_FS", "CLONE_FILES",
                          "CLONE_SIGHAND", "CLONE_THREAD"},
               ("clone", "clone3")),
    "newpid": ("fork", {"CLONE_NEWPID", "CLONE_NEWNS", "CLONE_NEWUTS"},
               ("clone3",)),
    "newnet": ("fork", {"CLONE_NEWNET"}, ("clone3",)),
}


# Flags the child leaves no trace of: read from the creating call's own
# arguments (bpf_task_pt_regs, Linux 5.15), as via= is. On older kernels
# both are absent, and clone= holds what the child shows (README, Kernels).
REQUEST_ONLY = {"CLONE_VFORK", "CLONE_PTRACE", "CLONE_PIDFD", "CLONE_SYSVSEM",
                "CLONE_SETTLS", "CLONE_PARENT_SETTID", "CLONE_UNTRACED",
                "CLONE_IO", "CLONE_CLEAR_SIGHAND"}


def kernel_reads_request():
    """Whether this kernel has bpf_task_pt_regs (5.15): via= and the flags
    of REQUEST_ONLY."""
    nums = [int(x) for x in platform.release().split("-")[0].split(".")[:2]]
    return nums >= [5, 15]


def flag_set(row):
    value = parse_detail(row["detail"]).get("clone", "")
    return set(value.split("|")) if value else set()


def run_clone_kinds(env):
    io_file = os.path.join(env.tmp, "clone-kinds-io")
    return run_command(env, "clone-kinds",
                       [env.workload("clone_kinds"), io_file], opts=["--threads"])


def check_kind(ck, cap, f, kind):
    event, asked, calls = ASKED[kind]
    if not kernel_reads_request():
        asked, calls = asked - REQUEST_ONLY, (None,)
    tid = f[kind + "_pid"]
    rows = [r for r in cap.rows if r["event"] == event and r["tid"] == tid]
    row = ck.one(rows, "%s row of %s" % (event, kind))
    if row is None:
        return
    flags = flag_set(row)
    ck.true(asked <= flags, "%s: clone=%s lacks %s (asked for)"
            % (kind, "|".join(sorted(flags)), sorted(asked - flags)))
    if not kernel_reads_request():
        ck.eq("%s: flags of the call claimed where it cannot be read" % kind,
              flags & REQUEST_ONLY, set())
    for fact, flag in SHARED:
        ck.eq("%s: %s in clone= (kcmp says shared=%s)"
              % (kind, flag, f[kind + "_" + fact]),
              flag in flags, f[kind + "_" + fact] == "1")
    seen = f[kind + "_ns"]
    want_ns = {NEW_NS[n] for n in seen.split(",")} if seen != "-" else set()
    ck.eq("%s: CLONE_NEW* in clone= (the task's new namespaces: %s)"
          % (kind, seen), {x for x in flags if x.startswith("CLONE_NEW")},
          want_ns)
    via = parse_detail(row["detail"]).get("via")
    ck.true(via in calls, "%s: via=%s, want one of %s" % (kind, via, calls))
    ck.eq("%s: CLONE_PARENT in clone=" % kind, "CLONE_PARENT" in flags,
          False)


def test_clone_flags(env):
    """Each kind of task has the flags it asked for, and exactly the
    sharing and the new namespaces the task itself observes."""
    cap, f = run_clone_kinds(env)
    ck = Check()
    for kind in ASKED:
        check_kind(ck, cap, f, kind)
    # CLONE_PARENT: made by the middle process, a child of the workload.
    row = ck.one(cap.of(f["parent_pid"], "fork"), "fork row of parent")
    if row:
        ck.fields(row, "CLONE_PARENT fork", by_pid=f["parent_creator"],
                  ppid=f["pid"])
        ck.eq("CLONE_PARENT fork: clone=", flag_set(row), {"CLONE_PARENT"})
        ck.details(row, "CLONE_PARENT fork",
                   via="clone" if kernel_reads_request() else None)
    # unshare(CLONE_NEWUTS) in a running process: one unshare row.
    row = ck.one(cap.of(f["unshare_pid"], "unshare"), "unshare row")
    if row:
        ck.eq("workload: unshare's new namespaces", f["unshare_ns"], "uts")
        ck.details(row, "unshare", clone="CLONE_NEWUTS")
        ck.fields(row, "unshare", by_pid="")
    ck.eq("unshare rows of other processes",
          [r["pid"] for r in cap.rows if r["event"] in ("unshare", "setns")
           and r["pid"] != f["unshare_pid"]], [])
    ck.raise_if_failed()


def test_block_io(env):
    """A process that writes, fsyncs and reads back 8 MiB with O_DIRECT:
    its exit row's inblock and oublock are what its parent's wait4()
    reported."""
    cap, f = run_clone_kinds(env)
    ck = Check()
    rows = [r for r in cap.of(f["io_pid"], "exit")
            if "thread_exit" not in parse_detail(r["detail"])]
    end = ck.one(rows, "exit row of the I/O process")
    if end:
        ck.true(int(f["io_inblock"]) >= 16384,
                "workload: wait4's ru_inblock %s < 8 MiB read with O_DIRECT"
                % f["io_inblock"])
        ck.fields(end, "I/O process exit", inblock=f["io_inblock"],
                  oublock=f["io_oublock"])
    ck.raise_if_failed()


TESTS = [test_clone_flags, test_block_io]
