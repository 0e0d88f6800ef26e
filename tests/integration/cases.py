# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The integration tests. Each asserts exact facts: the tracer's rows about
a workload's processes must say what the workload itself knows. Here: the
demo tree, how a child ends, reparenting, sessions, names and exec; and the
helpers the other cases_*.py share (run_tracer, check_one_error_line,
true_path, ...)."""

import os
import shutil
import signal
import subprocess

from harness import (Check, Failure, parse_detail, run_workload, shlex_argv,
                     tail, SANITIZER, READY)


def traced(env, name, runs, extra_args=(), stop_signal=signal.SIGINT):
    """Trace the workload runs [(workload, args), ...] one after the other
    under one tracer; return the capture and each run's facts."""
    tracer = env.tracer(name, extra_args).start()
    try:
        facts = [run_workload(env.workload(w), args) for w, args in runs]
    except BaseException:
        tracer.kill()
        raise
    return tracer.stop(stop_signal), facts


def process_exits(cap, pid):
    """Exit rows of the process itself, not of its other threads."""
    return [r for r in cap.of(pid, "exit")
            if "thread_exit" not in parse_detail(r["detail"])]


def thread_exits(cap, pid):
    return [r for r in cap.of(pid, "exit")
            if parse_detail(r["detail"]).get("thread_exit") == "1"]


def signal_rows(cap, pid, name):
    return [r for r in cap.of(pid, "signal") if r["signal"] == name]


def check_top(ck, cap, facts, pid_key, path, args=()):
    """The workload process itself: forked by this runner, ran path with
    args, exited 0 and was reaped by this runner."""
    pid = facts[pid_key]
    runner = facts["_pid_of_runner"]
    fork = ck.one(cap.of(pid, "fork"), "fork row of the workload")
    ck.fields(fork, "workload fork", ppid=runner, by_pid=runner, tid=pid,
              state="alive")
    ex = ck.one(cap.of(pid, "exec"), "exec row of the workload")
    ck.fields(ex, "workload exec", tid=pid, filename=path)
    if ex:
        ck.eq("workload exec argv", shlex_argv(ex), [path] + list(args))
    end = ck.one(process_exits(cap, pid), "exit row of the workload")
    ck.fields(end, "workload exit", exit_code=0, signal="", core_dumped=0,
              ppid=runner, state="zombie")
    reap = ck.one(cap.of(pid, "reap"), "reap row of the workload")
    ck.fields(reap, "workload reap", by_pid=runner, state="reaped")


def check_normal_exit(ck, cap, pid, what, code, parent):
    end = ck.one(process_exits(cap, pid), "exit row of " + what)
    ck.fields(end, what + " exit", exit_code=code, signal="", core_dumped=0,
              ppid=parent, state="zombie")
    return end


def check_reaped_by(ck, cap, pid, what, reaper):
    reap = ck.one(cap.of(pid, "reap"), "reap row of " + what)
    ck.fields(reap, what + " reap", by_pid=reaper, state="reaped")
    ck.details(reap, what + " reap", reaped=None)
    return reap


def before(ck, first, second, what):
    """first comes before second, in the file and in time."""
    if first and second:
        ck.true(first["_n"] < second["_n"]
                and int(first["ts_ns"]) <= int(second["ts_ns"]),
                "%s: rows out of order (%s@%s ts %s, %s@%s ts %s)"
                % (what, first["event"], first["_n"], first["ts_ns"],
                   second["event"], second["_n"], second["ts_ns"]))


# ---- 1. the demo tree ----

def demo_tree(env, name, args):
    path = env.workload("demo")
    cap, (f,) = traced(env, name, [("demo", args)])
    ck = Check()
    own_group = not args
    p, pg, psid = f["parent_pid"], f["parent_pgid"], f["parent_sid"]
    a, b, g = f["a_pid"], f["b_pid"], f["g_pid"]
    a_pg = a if own_group else pg
    ck.eq("workload's own view of A's group", f["a_pgid"], a_pg)
    ck.eq("workload's own view of G's group", f["g_pgid"], a_pg)
    check_top(ck, cap, f, "parent_pid", path, args)

    fork = ck.one(cap.of(a, "fork"), "fork row of A")
    ck.fields(fork, "A fork", ppid=p, pgid=pg, sid=psid, by_pid=p)
    setpgid = cap.of(a, "setpgid")
    if own_group:
        row = ck.one(setpgid, "setpgid row of A")
        ck.fields(row, "A setpgid", pgid=a, ppid=p, sid=psid, by_pid=a)
        ck.details(row, "A setpgid", old_pgid=pg)
        before(ck, fork, row, "A fork then setpgid")
    else:
        ck.eq("setpgid rows of A", len(setpgid), 0)
    fork_g = ck.one(cap.of(g, "fork"), "fork row of G")
    ck.fields(fork_g, "G fork", ppid=a, pgid=a_pg, by_pid=a)
    fork_b = ck.one(cap.of(b, "fork"), "fork row of B")
    ck.fields(fork_b, "B fork", ppid=p, pgid=pg, by_pid=p)

    stop = ck.one(cap.of(a, "stop"), "stop row of A")
    ck.fields(stop, "A stop", signal="SIGSTOP", by_pid=p, state="stopped")
    cont = ck.one(cap.of(a, "continue"), "continue row of A")
    ck.fields(cont, "A continue", signal="SIGCONT", by_pid=p, state="alive")
    before(ck, stop, cont, "A stop then continue")
    # The kernel continues a stopped process when SIGCONT is generated; with
    # no handler, the signal itself is then ignored, and says so.
    for sig, result in (("SIGSTOP", "delivered"), ("SIGCONT", "ignored")):
        row = ck.one(signal_rows(cap, a, sig), "%s signal row of A" % sig)
        ck.fields(row, "A %s signal" % sig, by_pid=p)
        ck.details(row, "A %s signal" % sig, result=result, sender_tid=p)
        before(ck, row, stop if sig == "SIGSTOP" else cont,
               "A %s signal then its effect" % sig)

    end_a = check_normal_exit(ck, cap, a, "A", 0, p)
    ck.fields(end_a, "A exit", pgid=a_pg)
    end_g = check_normal_exit(ck, cap, g, "G", 0, a)
    ck.fields(end_g, "G exit", pgid=a_pg)
    end_b = check_normal_exit(ck, cap, b, "B", 0, p)
    ck.fields(end_b, "B exit", pgid=pg)
    check_reaped_by(ck, cap, a, "A", p)
    check_reaped_by(ck, cap, g, "G", a)
    reap_b = check_reaped_by(ck, cap, b, "B", p)
    check_zombie_time(ck, reap_b, "B", int(f["b_zombie_ms"]))
    before(ck, end_b, reap_b, "B exit then reap")
    ck.raise_if_failed()


def check_zombie_time(ck, reap, what, ms):
    if reap is None:
        return
    z = parse_detail(reap["detail"]).get("zombie_ns")
    ck.true(z is not None and z.isdigit() and int(z) >= ms * 1000000,
            "%s reap zombie_ns: expected >= %d, got %r"
            % (what, ms * 1000000, z))


def test_demo_tree(env):
    demo_tree(env, "demo", [])


def test_demo_tree_no_setpgid(env):
    demo_tree(env, "demo-no-setpgid", ["--no-setpgid"])


# ---- 2-6. how a child ends ----

def test_exit_code(env):
    cap, (f,) = traced(env, "exit-code", [("exit_code", [])])
    ck = Check()
    p, c = f["parent_pid"], f["child_pid"]
    ck.eq("workload's own exit code", f["child_exit_code"], "3")
    check_top(ck, cap, f, "parent_pid", env.workload("exit_code"))
    end = check_normal_exit(ck, cap, c, "child", 3, p)
    check_usage(ck, end, f, "child")
    reap = check_reaped_by(ck, cap, c, "child", p)
    ck.details(reap, "child reap", reaper_tid=p, reaper_comm="exit_code")
    ck.raise_if_failed()


def check_usage(ck, end, f, who):
    """Resource usage on the exit row against what the parent's wait4()
    got. Memory counters are final once the process has exited its mm, so
    they must be equal. CPU time and context switches may still grow between
    the exit event and the end of the task (its last switch away counts),
    so the row's values are bounds: never above wait4()'s. CPU times are
    whole microseconds, each rounded down: 2 us of slack on their sum."""
    if end is None:
        return
    for col in USAGE_COLUMNS:
        if not ck.true(end[col].isdigit(), "exit row %s: expected a number, "
                       "got %r" % (col, end[col])):
            return
    for col in ("maxrss_kb", "minflt", "majflt"):
        ck.eq("%s exit %s (wait4 says %s)" % (who, col, f[who + "_" + col]),
              end[col], f[who + "_" + col])
    for col in ("nvcsw", "nivcsw"):
        ck.true(int(end[col]) <= int(f[who + "_" + col]),
                "%s exit %s: %s, more than wait4's %s"
                % (who, col, end[col], f[who + "_" + col]))
    cpu = int(end["cpu_user_us"]) + int(end["cpu_sys_us"])
    waited = int(f[who + "_user_us"]) + int(f[who + "_sys_us"])
    ck.true(cpu <= waited + 2, "%s exit cpu_user_us+cpu_sys_us: %d, more "
            "than wait4's %d" % (who, cpu, waited))


USAGE_COLUMNS = ("cpu_user_us", "cpu_sys_us", "maxrss_kb", "minflt",
                 "majflt", "nvcsw", "nivcsw")


def test_sigkill(env):
    cap, (f,) = traced(env, "sigkill", [("kill_child", [])])
    ck = Check()
    p, c = f["parent_pid"], f["child_pid"]
    ck.eq("workload's own termsig", f["child_termsig"], "9")
    check_top(ck, cap, f, "parent_pid", env.workload("kill_child"))
    sig = ck.one(signal_rows(cap, c, "SIGKILL"), "SIGKILL row of the child")
    ck.fields(sig, "SIGKILL signal", by_pid=p, tid=c)
    ck.details(sig, "SIGKILL signal", result="delivered", sender_tid=p,
               sender_comm="kill_child", code=0)
    end = ck.one(process_exits(cap, c), "exit row of the child")
    ck.fields(end, "child exit", signal="SIGKILL", exit_code="",
              core_dumped=0, ppid=p, state="zombie")
    before(ck, sig, end, "SIGKILL then exit")
    check_reaped_by(ck, cap, c, "child", p)
    ck.raise_if_failed()


def test_kernel_signal(env):
    """A fault: the signal row has no sender process and says the kernel
    sent it, with the fault's si_code."""
    cap, (f,) = traced(env, "fault", [("fault", [])])
    ck = Check()
    p, c = f["parent_pid"], f["child_pid"]
    ck.eq("workload's own termsig", f["child_termsig"], "11")
    check_top(ck, cap, f, "parent_pid", env.workload("fault"))
    sig = ck.one(signal_rows(cap, c, "SIGSEGV"), "SIGSEGV row of the child")
    ck.fields(sig, "SIGSEGV signal", by_pid="", tid=c)
    ck.details(sig, "SIGSEGV signal", sender="kernel", code=f["segv_maperr"],
               result="delivered", sender_tid=None)
    end = ck.one(process_exits(cap, c), "exit row of the child")
    ck.fields(end, "child exit", signal="SIGSEGV", exit_code="",
              core_dumped=f["child_core"], ppid=p, state="zombie")
    before(ck, sig, end, "SIGSEGV then exit")
    check_reaped_by(ck, cap, c, "child", p)
    ck.raise_if_failed()


def aborted(env, name, args):
    cap, (f,) = traced(env, name, [("abort_child", args)])
    ck = Check()
    p, c = f["parent_pid"], f["child_pid"]
    ck.eq("workload's own termsig", f["child_termsig"], "6")
    check_top(ck, cap, f, "parent_pid", env.workload("abort_child"), args)
    sig = ck.one(signal_rows(cap, c, "SIGABRT"), "SIGABRT row of the child")
    ck.fields(sig, "SIGABRT signal", by_pid=c)
    ck.details(sig, "SIGABRT signal", result="delivered")
    end = ck.one(process_exits(cap, c), "exit row of the child")
    ck.fields(end, "child exit", signal="SIGABRT", exit_code="",
              core_dumped=f["child_core"], ppid=p, state="zombie")
    check_reaped_by(ck, cap, c, "child", p)
    ck.raise_if_failed()
    return f


def test_abort_core(env):
    cores = os.path.join(env.tmp, "cores")
    os.makedirs(cores, exist_ok=True)
    try:
        aborted(env, "abort-core", [cores])
    finally:
        shutil.rmtree(cores, ignore_errors=True)


def test_abort_no_core(env):
    f = aborted(env, "abort-no-core", [])
    if f["child_core"] != "0":
        raise Failure("workload: a core was dumped with RLIMIT_CORE 0")


def test_zombie(env):
    cap, (f,) = traced(env, "zombie", [("zombie", [])])
    ck = Check()
    p, c = f["parent_pid"], f["child_pid"]
    check_top(ck, cap, f, "parent_pid", env.workload("zombie"))
    end = check_normal_exit(ck, cap, c, "child", 0, p)
    reap = check_reaped_by(ck, cap, c, "child", p)
    ck.details(reap, "child reap", reaper_tid=p)
    check_zombie_time(ck, reap, "child", int(f["zombie_ms"]))
    before(ck, end, reap, "exit then reap")
    ck.raise_if_failed()


def test_stop_continue(env):
    cap, (f,) = traced(env, "stop-cont", [("stop_cont", [])])
    ck = Check()
    p, c = f["parent_pid"], f["child_pid"]
    check_top(ck, cap, f, "parent_pid", env.workload("stop_cont"))
    stop = ck.one(cap.of(c, "stop"), "stop row of the child")
    ck.fields(stop, "stop", signal="SIGSTOP", by_pid=p, state="stopped")
    ck.details(stop, "stop", sender_tid=p)
    cont = ck.one(cap.of(c, "continue"), "continue row of the child")
    ck.fields(cont, "continue", signal="SIGCONT", by_pid=p, state="alive")
    ck.details(cont, "continue", sender_tid=p)
    before(ck, stop, cont, "stop then continue")
    end = check_normal_exit(ck, cap, c, "child", 0, p)
    before(ck, cont, end, "continue then exit")
    check_reaped_by(ck, cap, c, "child", p)
    ck.raise_if_failed()


# ---- 7-9. reparenting, sessions, names ----

def test_orphan_subreaper(env):
    # SIGTERM ends tracing as cleanly as SIGINT does
    cap, (f,) = traced(env, "orphan", [("orphan", [])],
                       stop_signal=signal.SIGTERM)
    ck = Check()
    top, mid, orphan = f["top_pid"], f["mid_pid"], f["orphan_pid"]
    ck.eq("workload's own view of the orphan's parent",
          f["orphan_ppid_at_exit"], top)
    ck.eq("workload's own reaped pid", f["top_reaped_pid"], orphan)
    check_top(ck, cap, f, "top_pid", env.workload("orphan"))
    fork = ck.one(cap.of(orphan, "fork"), "fork row of orphan")
    ck.fields(fork, "orphan fork", ppid=mid, by_pid=mid)
    check_normal_exit(ck, cap, mid, "mid", 0, top)
    check_reaped_by(ck, cap, mid, "mid", top)
    check_normal_exit(ck, cap, orphan, "orphan", 0, top)
    reap = check_reaped_by(ck, cap, orphan, "orphan", top)
    ck.fields(reap, "orphan reap", ppid=top)
    ck.raise_if_failed()


def test_setsid(env):
    cap, (f,) = traced(env, "setsid", [("new_session", [])])
    ck = Check()
    p, c = f["parent_pid"], f["child_pid"]
    ck.eq("workload's own new sid", f["child_sid"], c)
    check_top(ck, cap, f, "parent_pid", env.workload("new_session"))
    fork = ck.one(cap.of(c, "fork"), "fork row of the child")
    ck.fields(fork, "child fork", sid=f["parent_sid"], pgid=f["parent_pgid"])
    row = ck.one(cap.of(c, "setsid"), "setsid row of the child")
    ck.fields(row, "setsid", sid=c, pgid=c, by_pid=c, ppid=p)
    ck.details(row, "setsid", old_sid=f["parent_sid"],
               old_pgid=f["parent_pgid"])
    end = check_normal_exit(ck, cap, c, "child", 0, p)
    ck.fields(end, "child exit", sid=c, pgid=c)
    ck.eq("setpgid rows of the child", len(cap.of(c, "setpgid")), 0)
    ck.raise_if_failed()


def test_rename_changes_only(env):
    """A rename to the name the task has (as the kernel keeps it: cut to 15
    bytes) changes nothing: no row. A newline in a name is written as
    \\x0a in the detail, like every control character."""
    cap, (f,) = traced(env, "rename", [("rename", [])])
    ck = Check()
    renames = cap.of(f["again_pid"], "rename")
    ck.eq("rename rows: (old_comm as written, comm)",
          [(parse_detail(r["detail"]).get("old_comm"), r["comm"])
           for r in renames],
          [("rename", "renamed-xyz"), ("renamed-xyz", "renamed-xyz-and"),
           ("renamed-xyz-and", "a\nb"), ("a\\x0ab", "c")])
    ck.raise_if_failed()


def test_rename(env):
    cap, (f,) = traced(env, "rename", [("rename", [])])
    ck = Check()
    p, c = f["parent_pid"], f["child_pid"]
    old, new = f["old_comm"], f["new_comm"]
    ck.eq("workload's own new name", new, "renamed-xyz")
    check_top(ck, cap, f, "parent_pid", env.workload("rename"))
    row = ck.one(cap.of(c, "rename"), "rename row of the child")
    ck.fields(row, "rename", comm=new, tid=c)
    ck.details(row, "rename", old_comm=old)
    if row:
        for r in cap.of(c):
            want = old if r["_n"] < row["_n"] else new
            ck.eq("comm on the %s row of the child" % r["event"],
                  r["comm"], want)
    check_normal_exit(ck, cap, c, "child", 0, p)
    check_reaped_by(ck, cap, c, "child", p)
    ck.raise_if_failed()


# ---- 12-13. exec ----

def true_path():
    path = shutil.which("true")
    if not path:
        raise Failure("no 'true' program in PATH")
    return os.path.realpath(path)


HARD_ARGV = [
    "true",
    "two words",
    "it's",
    'say "hi"',
    "a,b,,c",
    "line one\nline two\n",
    "",
    "tab\tseparated",
    "$HOME `id` \\ * ? ~ ; & | < > ( )",
    "h\u00e9llo w\u00f6rld \u2713",
    "'",
    '"',
    "0123456789abcdef" * 640,  # 10 KiB
    "",
]


def test_exec_argv(env):
    path = true_path()
    args = [path] + HARD_ARGV
    cap, (f,) = traced(env, "exec-argv", [("exec_args", args)])
    ck = Check()
    p, c = f["parent_pid"], f["child_pid"]
    check_top(ck, cap, f, "parent_pid", env.workload("exec_args"), args)
    ex = ck.one(cap.of(c, "exec"), "exec row of the child")
    ck.fields(ex, "child exec", filename=path, tid=c, ppid=p, comm="true")
    if ex:
        got = shlex_argv(ex)
        if got != HARD_ARGV:
            diff = [i for i in range(max(len(got), len(HARD_ARGV)))
                    if i >= len(got) or i >= len(HARD_ARGV)
                    or got[i] != HARD_ARGV[i]]
            ck.fail("child exec argv differs at index %s: expected %r, "
                    "got %r" % (diff, [HARD_ARGV[i] for i in diff
                                       if i < len(HARD_ARGV)][:3],
                                [got[i] for i in diff if i < len(got)][:3]))
    size = sum(len(a.encode()) + 1 for a in HARD_ARGV)
    ck.details(ex, "child exec", argc=len(HARD_ARGV), args_size=size,
               argv_truncated=None, old_tid=None)
    check_normal_exit(ck, cap, c, "child", 0, p)
    ck.raise_if_failed()


def test_exec_from_thread(env):
    path = true_path()
    cap, (f,) = traced(env, "thread-exec", [("thread_exec", [path])])
    ck = Check()
    pid, tid = f["pid"], f["thread_tid"]
    runner = f["_pid_of_runner"]
    ck.true(tid != pid, "workload: the exec'ing thread is the leader")
    execs = cap.of(pid, "exec")
    ck.eq("exec rows' files", [r["filename"] for r in execs],
          [env.workload("thread_exec"), path])
    ex = execs[-1] if len(execs) == 2 else None
    ck.fields(ex, "exec from thread", tid=pid, comm="true", ppid=runner)
    ck.details(ex, "exec from thread", old_tid=tid)
    if ex:
        ck.eq("exec from thread argv", shlex_argv(ex), [path])
    ck.eq("rows with the thread's tid", [r["event"] for r in cap.rows
                                         if r["tid"] == tid], [])
    end = ck.one(process_exits(cap, pid), "exit row of the process")
    ck.fields(end, "process exit", tid=pid, exit_code=0, comm="true",
              state="zombie")
    before(ck, ex, end, "exec then exit")
    ck.eq("exit rows without --threads", len(cap.of(pid, "exit")), 1)
    check_reaped_by(ck, cap, pid, "the process", runner)
    ck.raise_if_failed()


# ---- cgroups of a test (cases_cgroup.py, cases_memcg.py, ...) ----

def cgroup_mount(controller=None):
    """Where the cgroup2 file system is mounted (controller None), or the
    v1 hierarchy of controller (a "cgroup" mount whose options name it);
    None when there is none."""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields, _, rest = line.partition(" - ")
            rest = rest.split()
            if (rest[:1] == ["cgroup2"] and controller is None or
                    rest[:1] == ["cgroup"] and controller in rest[2].split(",")):
                return fields.split()[4]
    return None


def own_cgroup(controller=None):
    """This process's cgroup: the v2 one (controller None), or its cgroup of
    controller's v1 hierarchy, as /proc/self/cgroup writes it."""
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, names, path = line.rstrip("\n").split(":", 2)
            if names.split(",") == [controller] or (controller is None and not names):
                return path
    return None


class Cgroups:
    """A test's cgroups on controller's hierarchy (None: cgroup2), under a
    directory base of its own: made at entry, each rel in rels with its
    parents, and removed (deepest first) at exit, once their processes are
    gone."""

    def __init__(self, controller, base, rels):
        self.root = cgroup_mount(controller)
        self.base = base
        self.rels = list(rels)
        self.made = []

    def path(self, rel):
        """As /proc/PID/cgroup writes it."""
        return "/%s/%s" % (self.base, rel) if rel else "/" + self.base

    def dir(self, rel):
        return self.root + self.path(rel)

    def __enter__(self):
        for rel in self.rels:
            parts = rel.split("/")
            for i in range(len(parts) + 1):
                d = self.dir("/".join(parts[:i]))
                if not os.path.isdir(d):
                    os.mkdir(d)
                    self.made.append(d)
        return self

    def __exit__(self, *exc):
        for d in reversed(self.made):
            os.rmdir(d)


def cgroup_move_traced(env, name, cg, whole_args):
    """Workload cgroup_move moving its children into cg's cgroups (in rels'
    order), under two tracers: one with whole_args, one with --cgroup on
    the first cgroup's directory. (the first's capture, the second's,
    the workload's facts)."""
    dirs = [cg.dir(rel) for rel in cg.rels]
    whole, one = env.tracer(name + "-whole", whole_args).start(), None
    try:
        one = env.tracer(name + "-one", ["--cgroup", dirs[0]]).start()
        facts = run_workload(env.workload("cgroup_move"), dirs)
    except BaseException:
        for t in (whole, one):
            if t:
                t.kill()
        raise
    return whole.stop(), one.stop(), facts


# ---- running proctrace itself, and its error lines (cases_cli.py) ----

def run_tracer(env, args, timeout=60, **kw):
    try:
        return subprocess.run([env.proctrace] + args, capture_output=True,
                              text=True, errors="replace",
                              stdin=subprocess.DEVNULL, timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        raise Failure("proctrace %s did not exit" % " ".join(args))


def error_lines(stderr):
    """stderr lines other than the readiness line."""
    return [l for l in stderr.splitlines() if not l.startswith(READY)]


def check_one_error_line(ck, what, stderr):
    lines = error_lines(stderr)
    ck.true(len(lines) == 1 and lines[0].startswith("proctrace: "),
            "%s: expected one 'proctrace: ...' line on stderr, got %r"
            % (what, lines[:5]))
    ck.true(not SANITIZER.search(stderr),
            "%s: sanitizer report: %s" % (what, tail(stderr, 20)))


TESTS = [
    test_demo_tree, test_demo_tree_no_setpgid, test_exit_code, test_sigkill,
    test_kernel_signal, test_abort_core, test_abort_no_core, test_zombie,
    test_stop_continue, test_orphan_subreaper, test_setsid, test_rename,
    test_rename_changes_only, test_exec_argv, test_exec_from_thread,
]
