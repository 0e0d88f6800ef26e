# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""-c NAME with a pattern, decided in the kernel: NAME* a prefix, ? any
one byte. Three tracers at once over one run of a workload whose
processes are all named cgroup_move: each pattern follows them all, or
none of them."""

from harness import Check, run_workload

PATTERNS = [("cgroup_m*", True), ("cgroup_mov?", True), ("c?roup_move", True),
            ("cgroup_mov", False), ("cgroup_move?", False), ("group*", False)]


def test_comm_pattern(env):
    tracers = [env.tracer("comm-pattern", ["-c", pat]) for pat, _ in PATTERNS]
    for t in tracers:
        t.start()
    facts = run_workload(env.workload("cgroup_move"))
    caps = [t.stop() for t in tracers]
    ck = Check()
    for (pat, hit), cap in zip(PATTERNS, caps):
        # The workload's process: from its exec (named so from then on).
        outside = [r["event"] for r in cap.of(facts["outside"])]
        ck.eq("-c %s: rows of the child" % pat, outside,
              ["fork", "exit", "reap"] if hit else [])
        names = {r["comm"] for r in cap.rows if r["event"] != "lost"}
        ck.true(names <= {"cgroup_move"},
                "-c %s: other names followed: %r" % (pat, sorted(names)))
    ck.raise_if_failed()


TESTS = [test_comm_pattern]
