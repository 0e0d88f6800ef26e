# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Why a process ended (cause=, by_pid on exit rows), who adopted an orphan
(reparent rows at the parent's death), and execs that failed (exec_failed),
each with a mode of the causes workload under the real tracer."""

import os
import subprocess

from harness import Check, parse_detail, run_traced, run_workload

# The reparent row is made at the parent's exit (same tracepoint run): its
# time is the parent's death, not the child's next event.


def traced(env, mode, *args):
    """Run causes MODE under proctrace -- COMMAND; (capture, facts)."""
    return run_traced(env, "causes-" + mode, "causes", [mode] + list(args))


def whole_system(env, mode, *args):
    """Run causes MODE while the whole machine is traced (for what the
    command runner would change, like who adopts an orphan)."""
    tracer = env.tracer("causes-" + mode).start()
    try:
        facts = run_workload(env.workload("causes"), [mode] + list(args))
    finally:
        cap = tracer.stop()
    return cap, facts


def process_exit(ck, cap, pid, what):
    rows = [r for r in cap.of(pid, "exit")
            if "thread_exit" not in parse_detail(r["detail"])]
    return ck.one(rows, "process exit rows of " + what)


def test_cause_kill_term(env):
    cap, f = traced(env, "term")
    ck = Check()
    ex = process_exit(ck, cap, f["child_pid"], "the killed child")
    ck.fields(ex, "killed child", signal="SIGTERM", by_pid=f["sender_pid"])
    ck.details(ex, "killed child", cause="signal", code="0", code_name="SI_USER",
               sender_tid=f["sender_pid"], sender_comm="causes")
    ck.raise_if_failed()


def test_cause_segfault(env):
    cap, f = traced(env, "segv")
    ck = Check()
    ex = process_exit(ck, cap, f["child_pid"], "the faulting child")
    ck.fields(ex, "faulting child", signal="SIGSEGV", by_pid="")
    ck.details(ex, "faulting child", cause="fault", code="1",
               code_name="SEGV_MAPERR", sender_tid=None)
    ck.raise_if_failed()


EXIT_GROUP_MODES = (("exit_group", "4", "thread_tid"), ("exit_group_leader", "5", "child_pid"))


def check_exit_group(env, mode, code, caller, opts=()):
    """The child of causes MODE ended by exit_group(CODE) of the thread
    whose tid the fact CALLER names."""
    cap, f = run_traced(env, "causes-%s%s" % (mode, "-e" if opts else ""), "causes", [mode],
                        opts=opts)
    ck = Check()
    ex = process_exit(ck, cap, f["child_pid"], mode + " child")
    ck.fields(ex, mode + " child", exit_code=code, by_pid=f["child_pid"])
    ck.details(ex, mode + " child", cause="exit_group", sender_tid=f[caller])
    ck.raise_if_failed()


def test_cause_exit_group(env):
    """A second thread calls exit_group(4) while the main thread waits."""
    check_exit_group(env, *EXIT_GROUP_MODES[0])


def test_cause_exit_group_leader(env):
    """The main thread calls exit_group(5) while a second thread waits:
    either may be the last to die; the cause names the caller."""
    check_exit_group(env, *EXIT_GROUP_MODES[1])


def test_cause_exit_after_leader(env):
    """The main thread ends with pthread_exit(), then the thread left
    calls exit(6): nobody else was ended by it, cause exit."""
    cap, f = traced(env, "exit_after_leader")
    ck = Check()
    ex = process_exit(ck, cap, f["child_pid"], "the child")
    ck.fields(ex, "child", exit_code="6", by_pid="")
    ck.details(ex, "child", cause="exit", sender_tid=None)
    ck.raise_if_failed()


def test_cause_exit_group_without_syscalls(env):
    """-e fork,exec,exit attaches no syscall tracepoint, and still tells
    an exit_group() of another thread from an exit."""
    for mode in EXIT_GROUP_MODES:
        check_exit_group(env, *mode, opts=["-e", "fork,exec,exit"])


def test_cause_seccomp(env):
    cap, f = traced(env, "seccomp")
    ck = Check()
    ex = process_exit(ck, cap, f["child_pid"], "the filtered child")
    ck.fields(ex, "filtered child", signal="SIGSYS", by_pid="")
    ck.details(ex, "filtered child", cause="seccomp", code="1",
               code_name="SYS_SECCOMP")
    ck.raise_if_failed()


def check_reparent(ck, cap, child, old_parent, adopter, how):
    """One reparent row of child at old_parent's death, to adopter."""
    row = ck.one(cap.of(child, "reparent"), "reparent rows of %s" % child)
    ck.fields(row, "reparent", ppid=adopter, by_pid=adopter)
    ck.details(row, "reparent", old_ppid=old_parent, old_parent_tid=old_parent,
               adopter=how)
    # At the parent's death: after its exit row, before its reap. Order,
    # not a time gap: the exit path between the two (freeing the memory,
    # closing files) may take milliseconds on a loaded machine.
    death = [r for r in cap.of(old_parent, "exit")]
    reap = [r for r in cap.of(old_parent, "reap")]
    if row and len(death) == 1:
        ck.true(int(row["ts_ns"]) >= int(death[0]["ts_ns"]) and row["_n"] > death[0]["_n"],
                "reparent row before the parent's exit row")
    if row and len(reap) == 1:
        ck.true(int(row["ts_ns"]) <= int(reap[0]["ts_ns"]) and row["_n"] < reap[0]["_n"],
                "reparent row after the parent's reap row")
    return row


def test_cause_pdeathsig(env):
    cap, f = traced(env, "pdeathsig")
    ck = Check()
    ck.eq("reaped by the subreaper", f["reaped_pid"], f["child_pid"])
    ex = process_exit(ck, cap, f["child_pid"], "the child")
    ck.fields(ex, "child", signal="SIGUSR1", by_pid=f["mid_pid"])
    ck.details(ex, "child", cause="pdeathsig", sender_tid=f["mid_pid"])
    check_reparent(ck, cap, f["child_pid"], f["mid_pid"], f["top_pid"],
                   "subreaper")
    ck.raise_if_failed()


def test_cause_pidns_teardown(env):
    cap, f = traced(env, "pidns")
    ck = Check()
    kids = [r for r in cap.rows if r["event"] == "fork"
            and r["ppid"] == f["init_pid"]]
    kid = ck.one(kids, "forks of the namespace's init")
    if kid:
        ex = process_exit(ck, cap, kid["pid"], "the init's child")
        ck.fields(ex, "init's child", signal="SIGKILL", by_pid=f["init_pid"])
        ck.details(ex, "init's child", cause="ns-teardown")
        ck.eq("reparent rows of the init's child",
              len(cap.of(kid["pid"], "reparent")), 0)
    ck.raise_if_failed()


def test_reparent_subreaper(env):
    cap, f = traced(env, "subreaper")
    ck = Check()
    ck.eq("adopter seen by the orphan", f["adopter_pid"], f["top_pid"])
    check_reparent(ck, cap, f["orphan_pid"], f["mid_pid"], f["top_pid"],
                   "subreaper")
    ck.raise_if_failed()


def test_reparent_init(env):
    cap, f = whole_system(env, "orphan")
    ck = Check()
    # The kernel's choice, as the orphan saw it: pid 1, unless an ancestor
    # of this runner is a child subreaper.
    how = "init" if f["adopter_pid"] == "1" else "subreaper"
    check_reparent(ck, cap, f["orphan_pid"], f["mid_pid"], f["adopter_pid"],
                   how)
    ck.raise_if_failed()


def memory_cgroup(env):
    """A fresh memory cgroup limited to 32 MiB, v2 or v1, and its limit
    file; None with the reason when neither is there."""
    v2 = "/sys/fs/cgroup"
    for root in (v2, "/sys/fs/cgroup/unified"):
        try:
            with open(os.path.join(root, "cgroup.controllers")) as f:
                if "memory" in f.read().split():
                    path = os.path.join(root, "proctrace-oom-%d" % os.getpid())
                    os.mkdir(path)
                    with open(os.path.join(path, "memory.max"), "w") as f:
                        f.write("33554432")
                    with open(os.path.join(path, "memory.swap.max"), "w") as f:
                        f.write("0")
                    return path, None
        except FileNotFoundError:
            pass
    v1 = "/sys/fs/cgroup/memory"
    if os.path.exists(os.path.join(v1, "memory.limit_in_bytes")):
        path = os.path.join(v1, "proctrace-oom-%d" % os.getpid())
        os.mkdir(path)
        with open(os.path.join(path, "memory.limit_in_bytes"), "w") as f:
            f.write("33554432")
        memsw = os.path.join(path, "memory.memsw.limit_in_bytes")
        if os.path.exists(memsw):
            with open(memsw, "w") as f:
                f.write("33554432")
        return path, None
    return None, "no memory cgroup controller (v2 memory.max or v1 memory.limit_in_bytes)"


def test_cause_oom_kill(env):
    path, why = memory_cgroup(env)
    if not path:
        print("SKIP test_cause_oom_kill: %s" % why)
        return
    try:
        cap, f = traced(env, "oom", path)
    finally:
        os.rmdir(path)
    ck = Check()
    ex = process_exit(ck, cap, f["child_pid"], "the child")
    ck.fields(ex, "child", signal="SIGKILL", by_pid="")
    ck.details(ex, "child", cause="oom-kill")
    ck.raise_if_failed()


def kernel_at_least(major, minor):
    release = os.uname().release.split("-")[0].split(".")
    return (int(release[0]), int(release[1])) >= (major, minor)


def has_prepare_exec():
    """Whether the kernel has the sched_prepare_exec tracepoint (the
    kernel's own copy of an exec's path, Linux >= 6.10): tracefs says,
    mounted by the tracer if it was not; else the release."""
    for d in ("/sys/kernel/tracing/events/sched", "/sys/kernel/debug/tracing/events/sched"):
        if os.path.isdir(d):
            return os.path.isdir(os.path.join(d, "sched_prepare_exec"))
    return kernel_at_least(6, 10)


def path_or_unknown(ck, row, what, path, prepare_exec):
    """A no-return row's path: the kernel's copy where it has
    sched_prepare_exec; else the caller's memory read at the syscall's
    entry, which has the page only if the caller had touched it: the path
    exact, or none and said unreadable, never another."""
    if prepare_exec or (row and row.get("filename")):
        ck.fields(row, what, filename=path)
        ck.details(row, what, path_unreadable=None)
    else:
        ck.fields(row, what, filename="")
        ck.details(row, what, path_unreadable="1")


def test_exec_failed(env):
    tmp = os.path.join(env.tmp, "exec-failed")
    os.makedirs(tmp, exist_ok=True)
    cap, f = traced(env, "exec", tmp)
    ck = Check()
    ck.eq("missing errno", f["missing_errno"], "2")
    ck.eq("plain errno", f["plain_errno"], "13")
    row = ck.one(cap.of(f["missing_pid"], "exec_failed"), "missing file")
    ck.fields(row, "missing file", filename="/nonexistent-proctrace/missing",
              argv="missing 'one arg' two", comm="causes")
    ck.details(row, "missing file", error="ENOENT", argc="3", no_return=None)
    row = ck.one(cap.of(f["plain_pid"], "exec_failed"), "non-executable")
    ck.fields(row, "non-executable", filename=f["plain_path"], argv="plain x")
    ck.details(row, "non-executable", error="EACCES", argc="2")
    ck.eq("execs of the failed ones", len(cap.of(f["missing_pid"], "exec"))
          + len(cap.of(f["plain_pid"], "exec")), 0)
    # The path in a page the child never touched: the kernel faulted it in.
    ck.eq("cold_missing errno", f["cold_missing_errno"], "2")
    row = ck.one(cap.of(f["cold_missing_pid"], "exec_failed"), "cold path")
    ck.fields(row, "cold path", filename="/nonexistent-proctrace/cold")
    ck.details(row, "cold path", error="ENOENT", path_unreadable=None)
    # A path nobody can read: said so.
    ck.eq("bad_pointer errno", f["bad_pointer_errno"], "14")
    row = ck.one(cap.of(f["bad_pointer_pid"], "exec_failed"), "bad pointer")
    ck.fields(row, "bad pointer", filename="")
    ck.details(row, "bad pointer", error="EFAULT", path_unreadable="1")
    # Past the point of no return: the name changed, the old program was
    # gone, the kernel killed it with SIGSEGV.
    ck.eq("no-return child status", f.get("noreturn_termsig"), "11")
    prepare_exec = has_prepare_exec()
    row = ck.one(cap.of(f["noreturn_pid"], "exec_failed"), "no return")
    ck.fields(row, "no return", comm="true")
    ck.details(row, "no return", no_return="1", argv_unreadable="1")
    path_or_unknown(ck, row, "no return", "/bin/true", prepare_exec)
    ex = process_exit(ck, cap, f["noreturn_pid"], "the no-return child")
    ck.fields(ex, "no-return child", signal="SIGSEGV", comm="true")
    ck.details(ex, "no-return child", cause="kernel", code_name="SI_KERNEL")
    if row and ex:
        ck.true(row["_n"] < ex["_n"], "exec_failed row after the exit")
    # The same from a page the child never touched (whether the kernel
    # mapped it anyway, fault-around, is the kernel's business).
    ck.eq("cold no-return child status", f.get("cold_noreturn_termsig"), "11")
    row = ck.one(cap.of(f["cold_noreturn_pid"], "exec_failed"), "cold no return")
    ck.details(row, "cold no return", no_return="1")
    path_or_unknown(ck, row, "cold no return", "/bin/true", prepare_exec)
    # The stream names the file tried when it is not argv[0] itself.
    csv_path = os.path.join(env.tmp, "%02d-causes-exec.csv" % env.sessions)
    out = subprocess.run([env.proctrace, "--replay", csv_path, "--color", "never"],
                         capture_output=True, text=True)
    ck.eq("stream: the missing file's line",
          [l[l.index("ENOENT"):] for l in out.stdout.splitlines()
           if "ENOENT: missing" in l and "/missing)" in l],
          ["ENOENT: missing 'one arg' two (path /nonexistent-proctrace/missing)"])
    ck.raise_if_failed()


def test_cause_words(env):
    """The stream and the tree say the cause in words (a replay of a
    capture of the segfault and the kill)."""
    traced(env, "segv")
    csv_path = os.path.join(env.tmp, "%02d-causes-segv.csv" % env.sessions)
    out = subprocess.run([env.proctrace, "--replay", csv_path, "--tree"],
                         capture_output=True, text=True)
    ck = Check()
    ck.eq("replay exit", out.returncode, 0)
    ck.true("segfault (SIGSEGV, SEGV_MAPERR)" in out.stdout,
            "no 'segfault (SIGSEGV, SEGV_MAPERR)' in the stream and tree: %s"
            % out.stdout[-400:])
    ck.true(out.stdout.count("segfault (SIGSEGV, SEGV_MAPERR)") >= 2,
            "the words are in the stream and in the tree")
    ck.raise_if_failed()


TESTS = [test_cause_kill_term, test_cause_segfault, test_cause_exit_group,
         test_cause_exit_group_leader, test_cause_exit_after_leader,
         test_cause_exit_group_without_syscalls,
         test_cause_seccomp, test_cause_pdeathsig, test_cause_pidns_teardown,
         test_reparent_subreaper, test_reparent_init, test_cause_oom_kill,
         test_exec_failed, test_cause_words]
