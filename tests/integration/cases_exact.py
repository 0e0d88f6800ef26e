# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Integration tests of facts that are exact in the corners: the target of
setpgid() wherever it sits, a process's usage when its leader ended first,
the capture limits at their boundary, and what -p follows when pids are
reused. Each workload runs under -- COMMAND or -p, so nothing else running
on the machine can change a capture."""

import signal

from harness import Check, parse_detail, shlex_argv
from procs import Cleanup, Command, Held, add_fact
from cases import process_exits, run_tracer, true_path
from cases_follow import event_rows


def run_command(env, name, argv, opts=()):
    """proctrace [opts] -- argv, to its end; the capture and the facts the
    command and its descendants printed."""
    cmd = Command(env, name, argv, opts=opts)
    try:
        cap, out = cmd.finish(0)
    except BaseException:
        cmd.kill()
        raise
    facts = {}
    for line in out.splitlines():
        add_fact(facts, line, "the command")
    cap.path = cmd.tracer.csv_path
    return cap, facts


# ---- setpgid: the target found wherever it is ----

MOVED = ("newest", "joiner", "oldest", "tchild")


def test_setpgid_targets(env):
    """Every accepted setpgid() has its row with the group the target then
    has (getpgid()'s), the caller (its process, thread and name) and the
    group left; refused calls have none; so has a move inside a pid
    namespace, by the numbers there."""
    cap, f = run_command(env, "setpgid", [env.workload("setpgid_moves")])
    ck = Check()
    p, pg = f["parent_pid"], f["parent_pgid"]
    ck.eq("workload: newest is in its own group", f["newest_pgid"],
          f["newest_pid"])
    ck.eq("workload: joiner is in newest's group", f["joiner_pgid"],
          f["newest_pid"])
    ck.eq("workload: the namespace's joiner is in nsnew's group",
          f["nsjoin_pgid_ns"], f["nsnew_ns_pid"])
    comm = "setpgid_moves"
    want = {f[w + "_pid"]: (f[w + "_pgid"], p, p, comm, w) for w in MOVED}
    want[f["self_pid"]] = (f["self_pgid"], f["self_pid"], f["self_pid"], comm,
                           "self")
    want[f["selfnum_pid"]] = (f["selfnum_pgid"], f["selfnum_pid"],
                              f["selfnum_caller_tid"], "mover", "selfnum")
    for w in ("nsnew", "nsjoin"):
        want[f[w + "_pid"]] = (f["nsnew_pid"], f["nsinit_pid"],
                               f["nsinit_pid"], comm, w)
    rows = [r for r in cap.rows if r["event"] == "setpgid"]
    ck.eq("processes with a setpgid row", sorted(r["pid"] for r in rows),
          sorted(want))
    exits_lost = sum(int(parse_detail(r["detail"]).get("exit", 0))
                     for r in cap.rows if r["event"] == "lost")
    missed = []
    for pid, (pgid, by, by_tid, by_comm, what) in want.items():
        row = ck.one([r for r in rows if r["pid"] == pid],
                     "setpgid row of " + what)
        ck.fields(row, what + " setpgid", pgid=pgid, by_pid=by, tid=pid)
        ck.details(row, what + " setpgid", old_pgid=pg, caller_tid=by_tid,
                   caller_comm=by_comm)
        ends = process_exits(cap, pid)
        if ends or not exits_lost:
            end = ck.one(ends, "exit row of " + what)
            ck.fields(end, what + " exit", pgid=pgid)
        else:
            missed.append(what)
    # An exit the kernel did not run the program for (a preemptible kernel
    # skips a BPF program entered again on one CPU: 7.2 in the matrix) is
    # counted as lost (and, when a rescan follows, its process found ended
    # by it): reported, never silent. Only then may an exit row be missing.
    ck.true(len(missed) <= exits_lost,
            "exit rows missing for %s, beyond the %d exits counted as lost"
            % (missed, exits_lost))
    for what in ("newest", "joiner", "oldest", "tchild"):
        ck.fields(ck.one([r for r in rows if r["pid"] == f[what + "_pid"]],
                         what), what + " setpgid", ppid=p)
    for what in ("untouched", "grandchild", "execd", "other"):
        ck.eq("setpgid rows of %s (refused or never moved)" % what,
              len(cap.of(f[what + "_pid"], "setpgid")), 0)
    ck.raise_if_failed()


# ---- usage: the whole process's at its exit ----

def leader_first(env, mode):
    """leader_first MODE: the exit row's usage lies between the sum of
    what each thread reported just before it ended (a lower bound: usage
    only grows) and what the parent's wait4() got (the upper bound: the
    last thread still runs the rest of its exit after the row is made).
    Memory counters no longer change after the row: they must be equal.
    CPU times are whole microseconds rounded down, 2 us of slack each way.
    """
    cap, f = run_command(env, "leader-first-" + mode,
                         [env.workload("leader_first"), mode])
    ck = Check()
    c = f["child_pid"]
    end = ck.one(process_exits(cap, c), "process exit row")
    if end is None:
        ck.raise_if_failed()
    ck.fields(end, "process exit", state="zombie", comm="leader_first",
              exit_code=f["child_exit_code"], signal="")
    # A thread exit ends the process in the last thread; exit_group() in
    # whichever thread is last to go, never the leader that went first.
    ck.true(end["tid"] == f["last_tid"] if mode == "raw"
            else end["tid"] in f["worker_tids"].split(","),
            "process exit tid %s: not the last thread (%s, workers %s)"
            % (end["tid"], f["last_tid"], f["worker_tids"]))
    for col in ("maxrss_kb", "minflt", "majflt"):
        ck.eq("exit %s (wait4 says %s)" % (col, f["child_" + col]), end[col],
              f["child_" + col])
    cpu = int(end["cpu_user_us"]) + int(end["cpu_sys_us"])
    low, high = int(f["threads_cpu_us"]), int(f["child_cpu_us"])
    ck.true(low <= cpu + 2 and cpu <= high + 2,
            "exit cpu_user_us+cpu_sys_us %d outside [%d (threads' own, the "
            "leader's %s included), %d (wait4)]"
            % (cpu, low, f["leader_cpu_us"], high))
    for col in ("minflt", "majflt", "nvcsw", "nivcsw"):
        low, high = int(f["threads_" + col]), int(f["child_" + col])
        ck.true(low <= int(end[col]) <= high,
                "exit %s %s outside [%d (threads' own), %d (wait4)]"
                % (col, end[col], low, high))
    ck.raise_if_failed()


def test_usage_leader_first(env):
    """The leader ends first, then the two other workers, each released
    before the last thread ends the process with a thread exit: the
    zombie leader's usage is only on the thread list."""
    leader_first(env, "raw")


def test_usage_leader_first_group(env):
    """The leader ends first; the last worker ends the process with
    exit_group() while two others still run: they are not released yet
    when the process's exit is recorded."""
    leader_first(env, "group")


# ---- limits: exact at limit-1, limit, limit+1 ----

def test_exec_limits(env):
    cap, f = run_command(env, "exec-limits", [env.workload("exec_limits")])
    ck = Check()
    prog = env.workload("exec_limits")

    def exec_row(what):
        pid = f[what + "_pid"]
        return ck.one(cap.of(pid, "exec"), "exec row of " + what)

    for size in (32767, 32768, 32769):
        what = "argv%d" % size
        ck.eq("workload: %s's argument block" % what, f[what + "_args_size"],
              str(size))
        row = exec_row(what)
        ck.fields(row, what + " exec", filename=prog)
        cut = size > 32768
        ck.details(row, what + " exec", args_size=size, argc=f[what + "_argc"],
                   argv_truncated=1 if cut else None,
                   captured=32768 if cut else None)
        if row and not cut:
            words = shlex_argv(row)
            ck.eq(what + " exec: argv bytes", sum(len(w) + 1 for w in words),
                  size)
            ck.eq(what + " exec: argv words", len(words), int(f[what + "_argc"]))

    dirs = f["root"] + ("/" + "d" * int(f["component"])) * int(f["depth"])
    for size, ch in ((4094, "y"), (4095, "z")):
        what = "path%d" % size
        path = dirs + "/" + ch * int(f[what + "_last"])
        ck.eq("workload: %s's length" % what, len(path), size)
        row = exec_row(what)
        ck.fields(row, what + " exec", filename=path, comm=f[what + "_comm"])
        ck.details(row, what + " exec", path_truncated=None)
    name = ("/dev/fd/%s/" % f["path4096_dirfd"]
            + dirs[len(f["root"]) + 1:] + "/" + "w" * int(f["path4096_last"]))
    ck.eq("workload: the kernel's name's length", len(name), 4096)
    row = exec_row("path4096")
    ck.fields(row, "path4096 exec", filename=name[:4095])
    ck.details(row, "path4096 exec", path_truncated=1)

    for size in (14, 15, 16):
        what = "name%d" % size
        comm = f[what + "_name"][:15]
        ck.eq("workload: %s's comm" % what, f[what + "_comm"], comm)
        ck.fields(exec_row(what), what + " exec", comm=comm)
    renames = cap.of(f["rename_pid"], "rename")
    ck.eq("rename rows: (old, new)",
          [(parse_detail(r["detail"]).get("old_comm"), r["comm"])
           for r in renames],
          [(f["rename_before_comm"], f["rename15_comm"]),
           (f["rename15_comm"], f["rename16_comm"])])

    # Read back, every value at its limit comes out as it went in.
    again = cap.path + ".again"
    rep = run_tracer(env, ["--replay", cap.path, "-q", "-o", again])
    ck.eq("replay exit status", (rep.returncode, rep.stderr.splitlines()[:-1]),
          (0, []))
    with open(cap.path, "rb") as a, open(again, "rb") as b:
        ck.true(a.read() == b.read(), "replayed CSV differs from the capture")
    ck.raise_if_failed()


# ---- -p: pid reuse never makes a stranger followed ----

CASES = ("nullinfo", "autoreap", "orphan", "waited")


def test_follow_pid_reuse(env):
    """pid_reuse: each child of the followed F ends in a different way and
    its pid goes to a stranger (a child of the unfollowed U, running PROG);
    then F's own pid does. Strangers have no row at all; a child of F that
    gets a reused pid is followed."""
    with Cleanup() as cl:
        wl = cl.add(Held(env.workload("pid_reuse"), [true_path()]))
        u, fp = wl.fact("u_pid"), wl.fact("f_pid")
        tracer = cl.add(env.tracer("pid-reuse", ["-p", fp]).start())
        wl.go()
        f = wl.finish()
        cap = tracer.stop(signal.SIGINT)
    ck = Check()
    strangers = [f["stranger%d_pid" % (i + 1)] for i in range(len(CASES))]
    ck.eq("workload: strangers' pids", strangers, [f[c + "_pid"] for c in CASES])
    ck.eq("workload: F's stranger", f["fstranger_pid"], fp)
    ck.eq("exec rows (only strangers run a program)",
          [r["pid"] for r in cap.rows if r["event"] == "exec"], [])
    by_u = [r for r in event_rows(cap) if u in (r["ppid"], r["by_pid"], r["pid"])]
    ck.eq("rows of U or its children other than F's own",
          [(r["event"], r["pid"]) for r in by_u
           if not (r["pid"] == fp and r["event"] not in ("fork", "exec"))],
          [])
    ck.eq("F's rows other than signals",
          [r["event"] for r in cap.of(fp) if r["event"] != "signal"],
          ["snapshot", "exit"] + (["reap"] if cap.of(fp, "reap") else []))
    for what in CASES:
        pid = f[what + "_pid"]
        forks = cap.of(pid, "fork")
        want = 2 if pid == f["legit_pid"] else 1
        ck.eq("fork rows of pid %s (%s)" % (pid, what), len(forks), want)
        ck.eq("exit rows of pid %s (%s)" % (pid, what),
              len(process_exits(cap, pid)), want)
        for r in forks:
            ck.true(r["by_pid"] != u, "%s: fork row @%d by U" % (what, r["_n"]))
    legit = [r for r in cap.of(f["legit_pid"], "fork")]
    ck.true(len(legit) == 2 and legit[1]["by_pid"] == fp,
            "legit: second fork row of pid %s by F expected, got %s"
            % (f["legit_pid"], [(r["by_pid"], r["_n"]) for r in legit]))
    ck.raise_if_failed()


TESTS = [
    test_setpgid_targets, test_usage_leader_first,
    test_usage_leader_first_group, test_exec_limits, test_follow_pid_reuse,
]
