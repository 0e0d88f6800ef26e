# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Integration tests of what proctrace follows: the in-kernel filters (-g,
-p, -c, --uid), and a busy workload beside a filtered run or a command run
under it (the command's own tests: cases_follow_command.py).

A filtered capture is checked both ways: the processes it must follow have
exactly the rows the workload's own facts call for, and no other process
of the workload (or of a busy workload running beside it) has any row.
Workloads that must be traced from a known pid or group are held: they
print their pids and wait for a byte on stdin, which the runner writes
once the tracer is ready.
"""

import os
import shutil
import signal
import subprocess

from harness import (Check, Failure, WORKLOAD_TIMEOUT, brief, parse_detail,
                     run_workload, shlex_argv)
from procs import NOBODY, Cleanup, Command, Held, plain_environ
from cases import before, check_reaped_by, run_tracer, signal_rows, true_path


# ---- what a capture holds ----

def event_rows(cap):
    return [r for r in cap.rows if r["event"] != "lost"]


def pids_with_rows(cap):
    return sorted({r["pid"] for r in event_rows(cap)}, key=int)


def story(cap, pid):
    """The rows about pid as a list of kinds, signals named: what happened
    to that process, in the order the capture says."""
    return [r["event"] + (":" + r["signal"] if r["event"] == "signal" else "")
            for r in cap.of(pid)]


def first(cap, pid, event):
    rows = cap.of(pid, event)
    return rows[0] if rows else None


def check_rows_of(ck, cap, want, what):
    """The processes with rows are exactly want (a list of pids)."""
    ck.eq("%s: processes with rows" % what, pids_with_rows(cap),
          sorted(set(want), key=int))


def check_absent(ck, cap, pids, what):
    """No row is about, made by, or has as parent any of pids."""
    pids = set(pids)
    rows = [r for r in event_rows(cap)
            if pids & {r["pid"], r["ppid"], r["by_pid"]}]
    ck.true(not rows, "%s: %d rows of %d pids that must not be followed%s"
            % (what, len(rows), len(pids), brief(rows[:10])))


def check_command_rows(ck, cap, cmd, middle=()):
    """The command's own rows: the snapshot of it held (it exists before
    tracing starts), its one exec with the exact argv (the runner's PATH
    search tries no execve, so no exec_failed row comes before it), what
    the test expects in between, its exit and its reap by proctrace."""
    pid, what = cmd.pid, "command %s" % " ".join(cmd.command)
    ck.eq(what + ": its rows", story(cap, pid),
          ["snapshot", "exec"] + list(middle) + ["exit", "reap"])
    ex = first(cap, pid, "exec")
    path = shutil.which(cmd.command[0], path=plain_environ().get("PATH"))
    ck.fields(ex, what + " exec", tid=pid, ppid=cmd.tracer_pid, filename=path)
    if ex:
        ck.eq(what + " exec argv", shlex_argv(ex), cmd.command)
    ck.fields(first(cap, pid, "exit"), what + " exit", ppid=cmd.tracer_pid)
    check_reaped_by(ck, cap, pid, what, cmd.tracer_pid)


def busy_pids(facts):
    return [v for k, v in facts.items()
            if k == "parent_pid" or k.startswith("child_")]


def run_busy(env):
    """An unrelated busy workload: the runner's child, not followed."""
    f = run_workload(env.workload("busy"), ["100", true_path()])
    if f["children"] != "100" or len(busy_pids(f)) != 101:
        raise Failure("workload busy: facts %r" % sorted(f)[:5])
    return f


def unrelated_zombie():
    """A child of the runner that has exited and is left unreaped: it
    exists when a tracer starts, and its reap comes during tracing."""
    z = subprocess.Popen(["true"])
    os.waitid(os.P_PID, z.pid, os.WEXITED | os.WNOWAIT)
    return z


# ---- 1. -g: a process group, as members join and leave it ----

def test_pgid_filter(env):
    """group_tree: tracer P follows the parent's group from the start,
    tracer A the group A is about to lead, tracer PA both (started with
    tracer A, while B, of group P, is a zombie). P sees A up to its
    setpgid, A sees A from its setpgid on, and nothing of B."""
    with Cleanup() as cl:
        wl = cl.add(Held(env.workload("group_tree")))
        p, pg = wl.fact("parent_pid"), wl.fact("parent_pgid")
        t_p = cl.add(env.tracer("pgid-parent", ["-g", pg]).start())
        os.kill(int(p), signal.SIGUSR1)  # from outside the group
        wl.go()
        a = wl.fact("a_pid")
        wl.fact("b_pid")
        t_a = cl.add(env.tracer("pgid-a", ["-g", a]).start())
        t_pa = cl.add(env.tracer("pgid-both", ["-g", pg, "-g", a]).start())
        wl.go()
        f = wl.finish()
        cap_p, cap_a, cap_pa = t_p.stop(), t_a.stop(), t_pa.stop()
    ck = Check()
    b, g, runner = f["b_pid"], f["g_pid"], f["_pid_of_runner"]
    ck.eq("workload's own group", pg, p)
    ck.eq("workload's own view of A's group", f["a_pgid"], a)
    ck.eq("workload's own view of G's group", f["g_pgid"], a)
    ck.eq("workload's own SIGUSR1", f["usr1_received"], "1")
    check_parent_group(ck, cap_p, f, p, a, b, g, runner)
    check_a_group(ck, cap_a, "-g A", p, a, g, pg)
    check_rows_of(ck, cap_pa, [p, a, b, g], "-g P -g A")
    ck.eq("-g P -g A: A's rows", story(cap_pa, a),
          ["snapshot"] + A_GROUP_STORY)
    ck.eq("-g P -g A: G's rows", story(cap_pa, g), ["fork", "exit", "reap"])
    ck.raise_if_failed()


def check_parent_group(ck, cap, f, p, a, b, g, runner):
    what = "-g P"
    pg = p
    check_rows_of(ck, cap, [p, a, b], what)
    for r in event_rows(cap):
        left = (r["event"] == "setpgid"
                and parse_detail(r["detail"]).get("old_pgid") == pg)
        ck.true(r["pgid"] == pg or left, "%s: row @%d (%s of %s) in group "
                "%s" % (what, r["_n"], r["event"], r["pid"], r["pgid"]))
    snap = ck.one(cap.of(p, "snapshot"), what + ": snapshot row of P")
    ck.fields(snap, what + " P snapshot", pgid=pg, state="alive")
    ck.eq(what + ": snapshot rows", len(
        [r for r in cap.rows if r["event"] == "snapshot"]), 1)

    usr1 = ck.one(signal_rows(cap, p, "SIGUSR1"), what + ": SIGUSR1 of P")
    ck.fields(usr1, what + " P SIGUSR1", by_pid=runner)
    ck.details(usr1, what + " P SIGUSR1", sender_tid=runner)
    # SIGCHLD: B exits; A stops, continues, exits (each sent by A itself).
    ck.eq(what + ": senders of P's SIGCHLD", sorted(
        r["by_pid"] for r in signal_rows(cap, p, "SIGCHLD")), sorted(
        [a, a, a, b]))
    ck.eq(what + ": P's rows other than signals",
          [s for s in story(cap, p) if not s.startswith("signal")],
          ["snapshot", "exit", "reap"])
    ck.fields(first(cap, p, "exit"), what + " P exit", exit_code=0,
              ppid=runner)
    check_reaped_by(ck, cap, p, what + " P", runner)

    ck.eq(what + ": A's rows", story(cap, a), ["fork", "setpgid"])
    ck.fields(first(cap, a, "fork"), what + " A fork", by_pid=p, ppid=p,
              pgid=pg)
    setpgid = first(cap, a, "setpgid")
    ck.fields(setpgid, what + " A setpgid", pgid=a, by_pid=a, ppid=p)
    ck.details(setpgid, what + " A setpgid", old_pgid=pg)

    ck.eq(what + ": B's rows", story(cap, b), ["fork", "exit", "reap"])
    ck.fields(first(cap, b, "fork"), what + " B fork", by_pid=p, pgid=pg)
    ck.fields(first(cap, b, "exit"), what + " B exit", exit_code=0, ppid=p)
    check_reaped_by(ck, cap, b, what + " B", p)
    ck.eq(what + ": G's rows", story(cap, g), [])


# What group A sees of A: its arrival, G's SIGCHLD, the stop and continue
# sent from the parent's group, its end.
A_GROUP_STORY = ["setpgid", "signal:SIGCHLD", "signal:SIGSTOP", "stop",
                 "signal:SIGCONT", "continue", "exit", "reap"]


def check_a_group(ck, cap, what, p, a, g, pg):
    check_rows_of(ck, cap, [a, g], what)
    for r in event_rows(cap):
        ck.true(r["pgid"] == a, "%s: row @%d (%s of %s) in group %s"
                % (what, r["_n"], r["event"], r["pid"], r["pgid"]))
    ck.eq(what + ": A's rows", story(cap, a), A_GROUP_STORY)
    setpgid = first(cap, a, "setpgid")
    ck.fields(setpgid, what + " A setpgid", pgid=a, by_pid=a, ppid=p)
    ck.details(setpgid, what + " A setpgid", old_pgid=pg)
    stop = signal_rows(cap, a, "SIGSTOP")
    ck.fields(stop[0] if stop else None, what + " A SIGSTOP (sent from "
              "outside the group)", by_pid=p)
    ck.fields(first(cap, a, "stop"), what + " A stop", by_pid=p,
              state="stopped")
    ck.fields(first(cap, a, "continue"), what + " A continue", by_pid=p)
    ck.fields(first(cap, a, "exit"), what + " A exit", exit_code=0, ppid=p)
    check_reaped_by(ck, cap, a, what + " A", p)
    ck.eq(what + ": G's rows", story(cap, g), ["fork", "exit", "reap"])
    ck.fields(first(cap, g, "fork"), what + " G fork", by_pid=a, pgid=a)
    ck.fields(first(cap, g, "exit"), what + " G exit", exit_code=0, ppid=a)
    check_reaped_by(ck, cap, g, what + " G", a)


# ---- 2-3. -p: a process and all it creates, wherever they go ----

def test_pid_filter(env):
    prog = true_path()
    with Cleanup() as cl:
        wl = cl.add(Held(env.workload("scatter"), [prog]))
        root = wl.fact("root_pid")
        tracer = cl.add(env.tracer("pid", ["-p", root]).start())
        busy = run_busy(env)
        wl.go()
        f = wl.finish()
        cap = tracer.stop()
    ck = Check()
    runner = f["_pid_of_runner"]
    mid, orphan, d1, daemon = (f["mid_pid"], f["orphan_pid"], f["d1_pid"],
                               f["daemon_pid"])
    ck.eq("workload: orphan's parent when it runs PROG",
          f["orphan_ppid_at_exec"], root)
    ck.eq("workload: daemon's parent when it runs PROG",
          f["daemon_ppid_at_exec"], root)
    ck.eq("workload: daemon's session", f["daemon_sid_at_exec"], d1)
    ck.eq("workload: the root reaped", sorted([f["reaped_1"], f["reaped_2"]]),
          sorted([orphan, daemon]))
    check_rows_of(ck, cap, [root, mid, orphan, d1, daemon], "-p root")
    check_absent(ck, cap, busy_pids(busy), "-p root, busy beside")

    ck.eq("root's rows other than signals",
          [s for s in story(cap, root) if not s.startswith("signal")],
          ["snapshot", "exit", "reap"])
    ck.eq("senders of root's SIGCHLD", sorted(
        r["by_pid"] for r in signal_rows(cap, root, "SIGCHLD")),
        sorted([mid, orphan, daemon]))
    ck.fields(first(cap, root, "exit"), "root exit", exit_code=0, ppid=runner)
    check_reaped_by(ck, cap, root, "root", runner)

    ck.eq("mid's rows", story(cap, mid),
          ["fork", "signal:SIGCHLD", "exit", "reap"])
    ck.fields(first(cap, mid, "fork"), "mid fork", by_pid=root, ppid=root)
    ck.fields(first(cap, mid, "exit"), "mid exit", exit_code=0, ppid=root)
    check_reaped_by(ck, cap, mid, "mid", root)

    ck.eq("d1's rows", story(cap, d1), ["fork", "setsid", "exit", "reap"])
    ck.fields(first(cap, d1, "fork"), "d1 fork", by_pid=mid, ppid=mid,
              sid=f["root_sid"])
    setsid = first(cap, d1, "setsid")
    ck.fields(setsid, "d1 setsid", sid=d1, pgid=d1, by_pid=d1)
    ck.details(setsid, "d1 setsid", old_sid=f["root_sid"])
    ck.fields(first(cap, d1, "exit"), "d1 exit", exit_code=0, ppid=mid)
    check_reaped_by(ck, cap, d1, "d1", mid)

    for who, pid, parent in (("orphan", orphan, mid), ("daemon", daemon, d1)):
        ck.eq(who + "'s rows", story(cap, pid),
              ["fork", "reparent", "exec", "exit", "reap"])
        ck.fields(first(cap, pid, "reparent"), who + " reparent",
                  by_pid=root, ppid=root)
        ck.fields(first(cap, pid, "fork"), who + " fork", by_pid=parent,
                  ppid=parent)
        ex = first(cap, pid, "exec")
        ck.fields(ex, who + " exec", filename=prog, ppid=root)
        if ex:
            ck.eq(who + " exec argv", shlex_argv(ex), [prog, who])
        ck.fields(first(cap, pid, "exit"), who + " exit", exit_code=0,
                  ppid=root)
        check_reaped_by(ck, cap, pid, who, root)
    ck.fields(first(cap, daemon, "exit"), "daemon exit", sid=d1)
    before(ck, first(cap, mid, "reap"), first(cap, orphan, "exec"),
           "mid reaped, then the orphan runs PROG")
    ck.raise_if_failed()


def test_pid_missing(env):
    """-p of a pid no process has: one error line, exit 1."""
    with open("/proc/sys/kernel/pid_max") as f:
        pid = int(f.read()) - 1
    while pid > 1 and os.path.exists("/proc/%d" % pid):
        pid -= 1
    p = run_tracer(env, ["-q", "-p", str(pid)])
    ck = Check()
    ck.eq("-p %d: exit status" % pid, p.returncode, 1)
    ck.eq("-p %d: stderr" % pid, p.stderr.splitlines(),
          ["proctrace: no process with pid %d" % pid])
    ck.eq("-p %d: stdout" % pid, p.stdout, "")
    ck.raise_if_failed()


# ---- 9-10. a busy workload beside a filtered run has no rows ----

def test_busy_beside_pgid(env):
    """-g of an idle group (cat in its own session) while a busy workload
    runs and an unrelated zombie is reaped: only the idle process's rows."""
    with Cleanup() as cl:
        zombie = cl.add(unrelated_zombie())
        idle = cl.add(subprocess.Popen(["cat"], stdin=subprocess.PIPE,
                                       stdout=subprocess.DEVNULL,
                                       start_new_session=True))
        pid = str(idle.pid)
        tracer = cl.add(env.tracer("busy-pgid", ["-g", pid]).start())
        busy = run_busy(env)
        zombie.wait()
        idle.stdin.close()
        idle.wait(WORKLOAD_TIMEOUT)
        cap = tracer.stop()
    ck = Check()
    check_absent(ck, cap, busy_pids(busy), "-g idle group")
    check_absent(ck, cap, [str(zombie.pid)],
                 "-g idle group, zombie from before tracing")
    check_rows_of(ck, cap, [pid], "-g idle group")
    ck.eq("the idle process's rows", story(cap, pid),
          ["snapshot", "exit", "reap"])
    ck.fields(first(cap, pid, "exit"), "idle exit", exit_code=0, pgid=pid)
    check_reaped_by(ck, cap, pid, "idle", str(os.getpid()))
    ck.raise_if_failed()


def test_busy_beside_command(env):
    """-- COMMAND of a process that waits while a busy workload runs and
    an unrelated zombie is reaped: only the command's rows."""
    runner = str(os.getpid())
    with Cleanup() as cl:
        zombie = cl.add(unrelated_zombie())
        cmd = cl.add(Command(env, "busy-command",
                             [env.workload("wait_signal")]))
        cmd.facts_until("waiting")
        busy = run_busy(env)
        zombie.wait()
        os.kill(int(cmd.pid), signal.SIGUSR1)
        cap, out = cmd.finish(0)
    ck = Check()
    ck.eq("the command's own sender of SIGUSR1", out, "usr1_from=%s\n"
          % runner)
    check_absent(ck, cap, busy_pids(busy), "-- wait_signal")
    check_absent(ck, cap, [str(zombie.pid)],
                 "-- wait_signal, zombie from before tracing")
    check_rows_of(ck, cap, [cmd.pid], "-- wait_signal")
    check_command_rows(ck, cap, cmd, ["signal:SIGUSR1"])
    usr1 = signal_rows(cap, cmd.pid, "SIGUSR1")
    ck.fields(usr1[0] if usr1 else None, "SIGUSR1 of the command",
              by_pid=runner)
    ck.fields(first(cap, cmd.pid, "exit"), "command exit", exit_code=0)
    ck.raise_if_failed()


# ---- 11. -c and --uid ----

def test_comm_uid_filters(env):
    """comm_uid: child renamed NAME1 forks g1; then, as uid 65534 and named
    NAME2, forks g2. Three tracers over one run:

    -c NAME1: the child from its rename to NAME1 until its rename away
      (that rename is shown, as leaving a group is), and g1 whole;
    --uid 65534: the child from its first event after setuid (its rename
      to NAME2) to its reap, and g2 whole; nothing of the parent or g1;
    -c NAME1 --uid 0: both must hold, so the rename away (made as 65534)
      is gone.
    """
    name1 = "ptc1-%d" % os.getpid()
    name2 = "ptc2-%d" % os.getpid()
    with Cleanup() as cl:
        t_comm = cl.add(env.tracer("comm", ["-c", name1]).start())
        t_uid = cl.add(env.tracer("uid", ["--uid", NOBODY]).start())
        t_and = cl.add(env.tracer("comm-and-uid",
                                  ["-c", name1, "--uid", "0"]).start())
        f = run_workload(env.workload("comm_uid"), [name1, name2])
        caps = t_comm.stop(), t_uid.stop(), t_and.stop()
    cap_comm, cap_uid, cap_and = caps
    ck = Check()
    p, c, g1, g2 = f["parent_pid"], f["child_pid"], f["g1_pid"], f["g2_pid"]
    ck.eq("workload's own uid after setuid", f["child_uid"], NOBODY)

    what = "-c " + name1
    check_rows_of(ck, cap_comm, [c, g1], what)
    for r in event_rows(cap_comm):
        old = parse_detail(r["detail"]).get("old_comm")
        ck.true(r["comm"] == name1 or (r["event"] == "rename"
                                       and old == name1),
                "%s: row @%d (%s of %s) of comm %r"
                % (what, r["_n"], r["event"], r["pid"], r["comm"]))
    ck.eq(what + ": child's rows", story(cap_comm, c),
          ["rename", "signal:SIGCHLD", "rename"])
    renames = cap_comm.of(c, "rename")
    if len(renames) == 2:
        ck.fields(renames[0], what + " rename in", comm=name1, uid=0)
        ck.details(renames[0], what + " rename in", old_comm="comm_uid")
        ck.fields(renames[1], what + " rename away", comm=name2, uid=NOBODY)
        ck.details(renames[1], what + " rename away", old_comm=name1)
    check_grandchild(ck, cap_comm, what, g1, c, name1, "0")

    what = "--uid " + NOBODY
    for r in event_rows(cap_uid):
        ck.eq("%s: uid of row @%d (%s of %s)" % (what, r["_n"], r["event"],
                                                 r["pid"]), r["uid"], NOBODY)
    ck.eq(what + ": parent's rows", story(cap_uid, p), [])
    ck.eq(what + ": g1's rows", story(cap_uid, g1), [])
    ck.eq(what + ": child's rows", story(cap_uid, c),
          ["rename", "signal:SIGCHLD", "exit", "reap"])
    rename = first(cap_uid, c, "rename")
    ck.fields(rename, what + " child rename", comm=name2)
    ck.details(rename, what + " child rename", old_comm=name1)
    ck.fields(first(cap_uid, c, "exit"), what + " child exit", exit_code=0,
              ppid=p, comm=name2)
    check_reaped_by(ck, cap_uid, c, what + " child", p)
    check_grandchild(ck, cap_uid, what, g2, c, name2, NOBODY)

    what = "-c %s --uid 0" % name1
    check_rows_of(ck, cap_and, [c, g1], what)
    ck.eq(what + ": child's rows", story(cap_and, c),
          ["rename", "signal:SIGCHLD"])
    check_grandchild(ck, cap_and, what, g1, c, name1, "0")
    ck.raise_if_failed()


def check_grandchild(ck, cap, what, g, c, comm, uid):
    ck.eq("%s: %s's rows" % (what, g), story(cap, g), ["fork", "exit", "reap"])
    for r in cap.of(g):
        ck.fields(r, "%s grandchild %s" % (what, r["event"]), comm=comm,
                  uid=uid, ppid=c)
    ck.fields(first(cap, g, "fork"), what + " grandchild fork", by_pid=c)
    ck.fields(first(cap, g, "exit"), what + " grandchild exit", exit_code=0)
    check_reaped_by(ck, cap, g, what + " grandchild", c)


TESTS = [test_pgid_filter, test_pid_filter, test_pid_missing,
    test_busy_beside_pgid, test_busy_beside_command, test_comm_uid_filters]
