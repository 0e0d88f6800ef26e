# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Reaps: every way the kernel releases a zombie, each traced with
-- COMMAND (so only the workload's processes are in the capture). A reap row
is the release, by the process that released it, once: a tracer's wait or
a WNOWAIT peek is not one."""

from harness import Check, parse_detail, run_traced

ZOMBIE_NS_MIN = 200 * 1000 * 1000  # the workload's ZOMBIE_MS


def traced_mode(env, mode):
    """Run reap_paths MODE under proctrace -- COMMAND; (capture, facts)."""
    return run_traced(env, "reap-" + mode, "reap_paths", [mode])


def check_reap(ck, cap, pid, what, ppid, by_pid="", **details):
    """Exactly one reap row of pid, after its exit, with these values;
    details: expected detail keys (None: absent). Returns the row."""
    reaps = cap.of(pid, "reap")
    reap = ck.one(reaps, "reap rows of " + what)
    ck.fields(reap, what + " reap", ppid=ppid, by_pid=by_pid, state="reaped")
    ck.details(reap, what + " reap", **details)
    exits = cap.of(pid, "exit")
    if reap and len(exits) == 1:
        ck.true(int(exits[0]["ts_ns"]) <= int(reap["ts_ns"]),
                "%s: exit at %s after its reap at %s"
                % (what, exits[0]["ts_ns"], reap["ts_ns"]))
    return reap


def zombie_ns(reap):
    return int(parse_detail(reap["detail"]).get("zombie_ns", "-1"))


def check_waited(ck, cap, f, child, what, **details):
    """child released by a wait of the workload's main process, after
    staying a zombie behind a WNOWAIT peek."""
    p = f["parent_pid"]
    reap = check_reap(ck, cap, f[child], what, p, p, reaper_comm="reap_paths",
                      reaped=None, reaper=None, **details)
    if reap:
        ck.true(zombie_ns(reap) >= ZOMBIE_NS_MIN,
                "%s zombie_ns %d: the WNOWAIT peek ended it"
                % (what, zombie_ns(reap)))


def test_reap_wait4(env):
    cap, f = traced_mode(env, "wait4")
    ck = Check()
    check_waited(ck, cap, f, "child_pid", "wait4 child",
                 reaper_tid=f["parent_pid"], reap_at=None)
    ck.raise_if_failed()


def test_reap_waitid(env):
    for mode in ("waitid", "null_pid"):
        cap, f = traced_mode(env, mode)
        ck = Check()
        check_waited(ck, cap, f, "child_pid", mode + " child",
                     reaper_tid=f["parent_pid"], reap_at=None)
        ck.raise_if_failed()


def test_reap_waitid_no_infop(env):
    """P_ALL and P_PGID without infop: the reaped child is the one among
    the waiting thread's children that the wait's return finds released."""
    cap, f = traced_mode(env, "null_all")
    ck = Check()
    for child in ("child_pid", "child2_pid"):
        check_waited(ck, cap, f, child, child, reap_at=None,
                     reaper_tid=f["parent_pid"])
    ck.raise_if_failed()


def test_reap_pidfd(env):
    cap, f = traced_mode(env, "pidfd")
    ck = Check()
    check_waited(ck, cap, f, "child_pid", "P_PIDFD child",
                 reaper_tid=f["parent_pid"], reap_at=None)
    check_waited(ck, cap, f, "child2_pid", "P_PIDFD no-infop child",
                 reap_at=None, reaper_tid=f["parent_pid"])
    ck.raise_if_failed()


def test_reap_pid_reused(env):
    """A child of another thread, released by waitid(P_ALL) without
    infop: a wait whose return does not name it, so it is reported as
    released by its real parent (reap_at=free). Its pid is taken by a new
    child at once: its reap is not lost (nor given to the new child), and
    comes before the new child's fork."""
    cap, f = traced_mode(env, "reuse")
    ck = Check()
    p, c = f["parent_pid"], f["child_pid"]
    ck.eq("the new child's pid", f["again_pid"], c)
    ck.eq("the new child's exit code", f["again_exit_code"], "4")
    rows = [r for r in cap.of(c) if r["event"] in ("fork", "exit", "reap")]
    ck.eq("rows of pid %s" % c, [r["event"] for r in rows],
          ["fork", "exit", "reap", "fork", "exit", "reap"])
    if len(rows) == 6:
        ck.fields(rows[1], "first exit", exit_code=3)
        ck.fields(rows[2], "first reap", by_pid=p, ppid=p)
        ck.details(rows[2], "first reap", reap_at="free", reaper_tid=None,
                   reaper_comm="reap_paths")
        ck.true(zombie_ns(rows[2]) >= ZOMBIE_NS_MIN,
                "first reap zombie_ns %d" % zombie_ns(rows[2]))
        ck.fields(rows[4], "second exit", exit_code=4)
        ck.fields(rows[5], "second reap", by_pid=p, ppid=p)
        ck.details(rows[5], "second reap", reap_at=None, reaper_tid=p)
    ck.raise_if_failed()


def test_reap_pid_reused_by_zombie(env):
    """A helper's child reaped by the helper's wait4(), whose pid a new
    child of the main process takes at once and keeps as a zombie over the
    kernel's late free of the first: each is reaped once, by the wait that
    released it; the free of the first does not settle the second (a
    zombie is matched by its task, not its pid)."""
    cap, f = traced_mode(env, "reuse_zombie")
    ck = Check()
    p, h, c = f["parent_pid"], f["helper_pid"], f["child_pid"]
    ck.eq("the new child's pid", f["again_pid"], c)
    ck.eq("the new child's exit code", f["again_exit_code"], "4")
    rows = [r for r in cap.of(c) if r["event"] in ("fork", "exit", "reap")]
    ck.eq("rows of pid %s" % c, [r["event"] for r in rows],
          ["fork", "exit", "reap", "fork", "exit", "reap"])
    if len(rows) == 6:
        for n, what, by in ((2, "first reap", h), (5, "second reap", p)):
            ck.fields(rows[n], what, by_pid=by, ppid=by)
            ck.details(rows[n], what, reap_at=None, reaper_tid=by,
                       reaper_comm="reap_paths")
        ck.true(zombie_ns(rows[5]) >= ZOMBIE_NS_MIN,
                "second reap zombie_ns %d" % zombie_ns(rows[5]))
    ck.raise_if_failed()


def test_reap_tracer_not_parent(env):
    """The tracer's waitpid() collects the exit status (code 3) without
    releasing: the real parent reaps it later, and the zombie time runs to
    that reap."""
    cap, f = traced_mode(env, "tracer")
    ck = Check()
    p, c, t = f["parent_pid"], f["child_pid"], f["tracer_pid"]
    ck.eq("tracer's collected exit code", f["tracer_collected_code"], "3")
    ck.eq("parent's exit code of the child", f["child_exit_code"], "3")
    check_waited(ck, cap, f, "child_pid", "traced child", reaper_tid=p,
                 reap_at=None)
    check_reap(ck, cap, t, "tracer", p, p)
    ck.eq("reap rows by the tracer",
          [r["pid"] for r in cap.rows
           if r["event"] == "reap" and r["by_pid"] == t], [])
    reaps = cap.of(c, "reap") + cap.of(t, "reap")
    if len(reaps) == 2:
        ck.true(reaps[1]["_n"] < reaps[0]["_n"],
                "the tracer's reap comes before the child's")
    ck.raise_if_failed()


def test_reap_tracer_hands_back_to_ignoring_parent(env):
    """The parent ignores SIGCHLD: the tracer's wait hands the zombie back,
    and the kernel releases it right there (autoreap), not the tracer."""
    cap, f = traced_mode(env, "tracer_ign")
    ck = Check()
    p = f["parent_pid"]
    for key in ("child_pid", "tracer_pid"):
        check_reap(ck, cap, f[key], key, p, "", reaped="auto",
                   reaper_tid=None, reap_at=None)
    ck.raise_if_failed()


def test_reap_autoreap(env):
    """SIGCHLD ignored, then SA_NOCLDWAIT only: released at the exit."""
    cap, f = traced_mode(env, "autoreap")
    ck = Check()
    for key in ("child_pid", "child2_pid"):
        reap = check_reap(ck, cap, f[key], key, f["parent_pid"], "",
                          reaped="auto", reaper_tid=None, reap_at=None)
        if reap:
            ex = ck.one(cap.of(f[key], "exit"), key + " exit")
            if ex:
                ck.eq(key + ": the reap is the row right after the exit",
                      reap["_n"], ex["_n"] + 1)
    ck.raise_if_failed()


def test_reap_adopted_by_ignoring_subreaper(env):
    """A zombie whose parent exits is handed to a subreaper that ignores
    SIGCHLD: the kernel releases it on that reparenting."""
    cap, f = traced_mode(env, "adopt_ign")
    ck = Check()
    top, mid, orphan = f["parent_pid"], f["mid_pid"], f["orphan_pid"]
    ex = ck.one(cap.of(orphan, "exit"), "orphan exit")
    ck.fields(ex, "orphan exit", ppid=mid, exit_code=3)
    check_reap(ck, cap, orphan, "orphan", top, "", reaped="auto",
               reap_at=None, reaper_tid=None)
    check_reap(ck, cap, mid, "mid", top, "", reaped="auto")
    ck.raise_if_failed()


def test_reap_subreaper_in_pid_namespace(env):
    """A subreaper that is a new pid namespace's init reaps an orphan: its
    wait returns the namespace's pid numbers."""
    cap, f = traced_mode(env, "ns_subreaper")
    ck = Check()
    init, mid, orphan = f["init_pid"], f["mid_pid"], f["orphan_pid"]
    check_reap(ck, cap, mid, "mid", init, init, reaper_tid=init,
               reap_at=None, reaped=None)
    ex = ck.one(cap.of(orphan, "exit"), "orphan exit")
    ck.fields(ex, "orphan exit", ppid=init, exit_code=3)
    check_reap(ck, cap, orphan, "orphan", init, init, reaper_tid=init,
               reap_at=None, reaped=None)
    check_reap(ck, cap, init, "init", f["parent_pid"], f["parent_pid"])
    ck.raise_if_failed()


def test_reap_pid_namespace_teardown(env):
    """A pid namespace's init exits: the kernel (zap_pid_ns_processes)
    releases its zombie child with kernel_wait4(), the reaper being that
    init, and kills its living child, released at its exit since the
    init now ignores SIGCHLD."""
    cap, f = traced_mode(env, "ns_zap")
    ck = Check()
    init, z, k = f["init_pid"], f["zombie_pid"], f["killed_pid"]
    check_reap(ck, cap, z, "zombie child", init, init, reap_at="free",
               reaper_tid=None, reaped=None)
    ex = ck.one(cap.of(k, "exit"), "killed child exit")
    ck.fields(ex, "killed child exit", signal="SIGKILL", ppid=init)
    check_reap(ck, cap, k, "killed child", init, "", reaped="auto")
    check_reap(ck, cap, init, "init", f["parent_pid"], f["parent_pid"])
    ck.raise_if_failed()


TESTS = [test_reap_wait4, test_reap_waitid, test_reap_waitid_no_infop,
         test_reap_pid_reused_by_zombie,
         test_reap_pidfd, test_reap_pid_reused, test_reap_tracer_not_parent,
         test_reap_tracer_hands_back_to_ignoring_parent, test_reap_autoreap,
         test_reap_adopted_by_ignoring_subreaper,
         test_reap_subreaper_in_pid_namespace,
         test_reap_pid_namespace_teardown]
