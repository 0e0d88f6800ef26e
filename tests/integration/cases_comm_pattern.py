# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""-c NAME, a glob as fnmatch(3) reads it, decided in the kernel: one
tracer per glob at once over one run of two workloads, whose processes
are named cgroup_move and exit_code. Each glob follows the processes of
the workloads it matches, and none of the others; every row any tracer
wrote is of a name fnmatch(3) itself matches with that glob."""

import ctypes

from harness import Check, run_workload

MOVE, EXIT = "cgroup_move", "exit_code"
# (glob, the workloads it matches)
PATTERNS = [("cgroup_m*", {MOVE}), ("c?roup_move", {MOVE}), ("cgroup_move?", set()),
            ("*mov", set()), ("*_[cm]o[dv]e", {MOVE, EXIT}), ("[ce][gx]*", {MOVE, EXIT}),
            ("exit_[!c]ode", set()), ("*[[:digit:]]*", set()), ("ex?t\\_code", {EXIT})]

_libc = ctypes.CDLL(None, use_errno=True)


def fnmatch(glob, name):
    return _libc.fnmatch(glob.encode(), name.encode(), 0) == 0


def test_comm_pattern(env):
    tracers = [env.tracer("comm-pattern", ["-c", pat]) for pat, _ in PATTERNS]
    for t in tracers:
        t.start()
    move = run_workload(env.workload(MOVE))
    ext = run_workload(env.workload(EXIT))
    caps = [t.stop() for t in tracers]
    ck = Check()
    for (pat, hits), cap in zip(PATTERNS, caps):
        # Each workload's child: named so from its parent's exec on.
        for name, pid in ((MOVE, move["outside"]), (EXIT, ext["child_pid"])):
            ck.eq("-c %s: rows of %s's child" % (pat, name),
                  [r["event"] for r in cap.of(pid)],
                  ["fork", "exit", "reap"] if name in hits else [])
            ck.true(fnmatch(pat, name) == (name in hits),
                    "-c %s: fnmatch(3) itself on %s" % (pat, name))
        wrong = {r["comm"] for r in cap.rows if r["event"] != "lost" and
                 not fnmatch(pat, r["comm"]) and not fnmatch(pat, r.get("old_comm") or "")}
        ck.true(not wrong, "-c %s: names followed that it does not match: %r"
                % (pat, sorted(wrong)))
    ck.raise_if_failed()


TESTS = [test_comm_pattern]
