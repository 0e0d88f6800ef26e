# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The kernel side's maps that keep a thread's system call or a process's
pending signal for a later event, each one full (docs/bounds.md): with
PROCTRACE_FAULT=full:MAP the map holds keys of no task and refuses every
new one. Workload map_room makes one fact for each map; the fact that
found no room is counted lost under its kind (exactly, where the map
takes entries of the recorded processes alone; at least that many where
it takes those of every process on the machine), and none is reported
wrong: a row is missing, or says what it does not know."""

from harness import Check, inferred, parse_detail, run_traced


def run(env, name, fault, phases):
    """map_room's phases under proctrace, with PROCTRACE_FAULT=fault."""
    return run_traced(env, name, "map_room", phases, fault=fault)


def check_reaps(ck, cap, f, pid, what, at_free):
    """The reap rows of pid: by its parent (at its free where the wait's
    map was full), or the rescan's (no reaper) that a loss starts; never
    another reaper."""
    rows = cap.of(pid, "reap")
    named = [r for r in rows if not inferred(r)]
    ck.true(rows, "%s: no reap row" % what)
    for r in named:
        ck.fields(r, what, by_pid=f["parent_pid"])
        ck.details(r, what, reap_at="free" if at_free else None)
    for r in rows:
        if r not in named:
            ck.fields(r, "%s (rescan)" % what, by_pid="")


def test_map_room_room(env):
    """Maps with room: every fact, nothing lost."""
    cap, f = run(env, "map-room-room", None,
                 ["exec", "ns", "groups", "waitid", "stop", "fatal", "fork"])
    ck = Check()
    parent = f["parent_pid"]
    ck.one(cap.of(f["exec_pid"], "exec_failed"), "exec_failed row")
    ck.one(cap.of(f["ns_pid"], "unshare"), "unshare row")
    ck.one(cap.of(f["setpgid_pid"], "setpgid"), "setpgid row")
    ck.one(cap.of(f["setsid_pid"], "setsid"), "setsid row")
    for key in ("waitid_infop_pid", "waitid_any_pid"):
        r = ck.one(cap.of(f[key], "reap"), "reap of %s" % key)
        ck.fields(r, "reap of %s" % key, by_pid=parent)
        ck.details(r, "reap of %s" % key, reap_at=None)
    r = ck.one(cap.of(f["stop_pid"], "stop"), "stop row")
    ck.fields(r, "stop", by_pid=parent)
    r = ck.one(cap.of(f["stop_pid"], "continue"), "continue row")
    ck.fields(r, "continue", by_pid=parent)
    r = ck.one(cap.of(f["fatal_pid"], "exit"), "fatal exit row")
    ck.fields(r, "fatal exit", by_pid=parent, signal="SIGTERM")
    ck.details(r, "fatal exit", cause="signal", sender_lost=None)
    ck.one(cap.of(f["fork_pid"], "fork"), "fork row")
    ck.eq("lost events", cap.summary()[2], 0)
    ck.raise_if_failed()


def test_map_room_exec_entries(env):
    """exec_entries full: no exec_failed row; each exec of a recorded
    process counted (the command's own exec and the failed one)."""
    cap, f = run(env, "map-room-exec", "full:exec_entries", ["exec"])
    ck = Check()
    ck.eq("exec_failed rows", len(cap.of(f["exec_pid"], "exec_failed")), 0)
    ck.eq("lost exec_failed", cap.lost_of("exec_failed"), 2)
    ck.raise_if_failed()


def test_map_room_ns_before(env):
    """ns_before full: no unshare row, one lost unshare."""
    cap, f = run(env, "map-room-ns", "full:ns_before", ["ns"])
    ck = Check()
    ck.eq("unshare rows", len(cap.of(f["ns_pid"], "unshare")), 0)
    ck.eq("lost unshare", cap.lost_of("unshare"), 1)
    ck.raise_if_failed()


def test_map_room_inflight(env):
    """inflight full: no setpgid/setsid row, each counted; a waitid()'s
    reap is reported at the free, by the real parent, and counted."""
    cap, f = run(env, "map-room-inflight", "full:inflight", ["groups", "waitid"])
    ck = Check()
    ck.eq("setpgid rows", len(cap.of(f["setpgid_pid"], "setpgid")), 0)
    ck.eq("setsid rows", len(cap.of(f["setsid_pid"], "setsid")), 0)
    # Every process's calls take entries: at least the workload's.
    ck.true(cap.lost_of("setpgid") >= 1, "lost setpgid: %d" % cap.lost_of("setpgid"))
    ck.true(cap.lost_of("setsid") >= 1, "lost setsid: %d" % cap.lost_of("setsid"))
    ck.true(cap.lost_of("reap") >= 2, "lost reap: %d" % cap.lost_of("reap"))
    for key in ("waitid_infop_pid", "waitid_any_pid"):
        check_reaps(ck, cap, f, f[key], "reap of %s" % key, True)
    ck.raise_if_failed()


def test_map_room_wait_candidates(env):
    """wait_candidates full: the reap by a waitid() with neither infop nor
    pid is reported at the free, by the real parent, and counted; the one
    with infop is as usual."""
    cap, f = run(env, "map-room-candidates", "full:wait_candidates", ["waitid"])
    ck = Check()
    r = ck.one(cap.of(f["waitid_infop_pid"], "reap"), "reap with infop")
    ck.fields(r, "reap with infop", by_pid=f["parent_pid"])
    ck.details(r, "reap with infop", reap_at=None)
    check_reaps(ck, cap, f, f["waitid_any_pid"], "reap without infop", True)
    ck.true(cap.lost_of("reap") >= 1, "lost reap: %d" % cap.lost_of("reap"))
    ck.raise_if_failed()


def test_map_room_stops(env):
    """stops full: the stop row names no sender (counted: a lost stop), and
    the continue that answers it has no row (counted: a lost continue)."""
    cap, f = run(env, "map-room-stops", "full:stops", ["stop"])
    ck = Check()
    r = ck.one(cap.of(f["stop_pid"], "stop"), "stop row")
    ck.fields(r, "stop without its sender", by_pid="")
    ck.eq("continue rows", len(cap.of(f["stop_pid"], "continue")), 0)
    ck.true(cap.lost_of("stop") >= 1, "lost stop: %d" % cap.lost_of("stop"))
    ck.true(cap.lost_of("continue") >= 1, "lost continue: %d" % cap.lost_of("continue"))
    ck.raise_if_failed()


def test_map_room_fatal(env):
    """fatal full: the exit says cause=signal, sender_lost=1 and names no
    sender; one lost exit."""
    cap, f = run(env, "map-room-fatal", "full:fatal", ["fatal"])
    ck = Check()
    ck.eq("fatal child's status", f.get("fatal_termsig"), "15")
    r = ck.one(cap.of(f["fatal_pid"], "exit"), "fatal exit row")
    ck.fields(r, "fatal exit", by_pid="", signal="SIGTERM")
    ck.details(r, "fatal exit", cause="signal", sender_lost="1")
    ck.eq("lost exit", cap.lost_of("exit"), 1)
    ck.raise_if_failed()


def test_map_room_followed(env):
    """followed full (the command's pid alone has room): the command's
    child is not followed, counted as one lost fork; nothing of it is
    reported as another process's."""
    cap, f = run(env, "map-room-followed", "full:followed", ["fork"])
    ck = Check()
    ck.eq("fork child's exit code", f.get("fork_exit_code"), "5")
    ck.eq("lost fork", cap.lost_of("fork"), 1)
    ck.one(cap.of(f["parent_pid"], "exit"), "the command's exit row")
    for r in cap.of(f["fork_pid"]):
        # A row of the child can only be a rescan's report of it.
        ck.true(r["event"] in ("snapshot", "exit", "reap", "lost") and
                ("inferred" in parse_detail(r["detail"]) or inferred(r)),
                "row of the unfollowed child: %s %s" % (r["event"], r["detail"]))
    ck.raise_if_failed()


TESTS = [test_map_room_room, test_map_room_exec_entries, test_map_room_ns_before,
         test_map_room_inflight, test_map_room_wait_candidates, test_map_room_stops,
         test_map_room_fatal, test_map_room_followed]
