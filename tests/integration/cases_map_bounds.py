# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The kernel side's maps at their capacity (docs/bounds.md): shrunk with
PROCTRACE_FAULT=entries:4 below what workload map_bounds keeps waiting at
once, every fact that found no room is counted lost (zombies: `reap`;
fatal signals: `exit`), and every fact reported is right."""

from harness import Check, inferred, parse_detail, run_traced

ENTRIES = 4


def check(env, name, entries):
    cap, f = run_traced(env, name, "map_bounds",
                        fault="entries:%d" % entries if entries else None)
    ck = Check()
    n, parent = int(f["children"]), f["parent_pid"]
    reaps = exits_named = 0
    for i in range(n):
        pid = f["zombie%d_pid" % i]
        ck.eq("zombie%d exit code" % i, f["zombie%d_exit_code" % i], str(i + 1))
        end = ck.one(cap.of(pid, "exit"), "exit row of zombie%d" % i)
        if end:
            ck.fields(end, "zombie%d exit" % i, exit_code=str(i + 1))
        for r in cap.of(pid, "reap"):
            # A loss starts a rescan, which finds the process gone: a reap
            # row that says when it was last seen, naming no reaper.
            if inferred(r):
                ck.fields(r, "zombie%d end found by the rescan" % i, by_pid="")
                continue
            reaps += 1
            ck.fields(r, "zombie%d reap" % i, by_pid=parent, ppid=parent)
    for i in range(n):
        pid = f["fatal%d_pid" % i]
        ck.eq("fatal%d termsig" % i, f.get("fatal%d_termsig" % i), "15")
        end = ck.one(cap.of(pid, "exit"), "exit row of fatal%d" % i)
        if not end:
            continue
        ck.fields(end, "fatal%d exit" % i, signal="SIGTERM")
        d = parse_detail(end["detail"])
        # Known: the sender; unknown (counted): no sender, never another,
        # and the row says it was lost.
        ck.details(end, "fatal%d exit" % i, cause="signal",
                   sender_lost=None if end["by_pid"] else "1")
        if end["by_pid"]:
            exits_named += 1
            ck.fields(end, "fatal%d exit" % i, by_pid=parent)
    if entries:
        ck.eq("reap rows and lost reaps", reaps + cap.lost_of("reap"), n)
        ck.eq("named fatal exits and lost exits", exits_named + cap.lost_of("exit"), n)
        ck.true(reaps >= entries - 1 and exits_named >= entries - 1,
                "fewer facts kept than the maps hold: %d reaps, %d causes"
                % (reaps, exits_named))
    else:
        ck.eq("reap rows", reaps, n)
        ck.eq("fatal exits named", exits_named, n)
        ck.eq("lost events", cap.summary()[2], 0)
    ck.raise_if_failed()


def test_map_bounds_room(env):
    """Maps of their usual size: every zombie's reap, every exit's sender."""
    check(env, "map-bounds-room", 0)


def test_map_bounds_full(env):
    """Maps of 4 entries: 8 zombies at once, 8 fatal signals pending at
    once; each fact without room is a lost event of its kind."""
    check(env, "map-bounds-full", ENTRIES)


TESTS = [test_map_bounds_room, test_map_bounds_full]
