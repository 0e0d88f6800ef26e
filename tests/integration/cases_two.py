# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Two proctrace instances side by side: one of the whole machine, one
with -g on the group of a workload. Each has exactly the rows it should,
and stopping either in the middle of the workload leaves the other
recording the rest.

The workload is group_tree (held twice, so the middle is a known, quiet
point: its parent waits for A, A waits for the runner, B is a zombie).
Each instance loads its own programs and maps; nothing is pinned, so two
never share or collide: the test checks that their BPF objects are
disjoint and that those of the one left running outlive the other."""

import os
import signal
import subprocess

from harness import Capture, Check
from procs import Cleanup, Held
from cases_follow import (A_GROUP_STORY, check_parent_group, check_rows_of,
                          story)
from cases_privileges import bpf_objects

# What either instance sees of the workload up to the middle: P (running
# before tracing) gets SIGUSR1 from the runner and B's SIGCHLD, A is
# forked, B forked and a zombie.
MIDDLE = {"p": ["snapshot", "signal:SIGUSR1", "signal:SIGCHLD"],
          "a": ["fork"], "b": ["fork", "exit"], "g": []}
# The instance stopped in the middle also has the usage row of each one
# still alive (P, A) or a zombie (B) when it stopped.
AT_STOP = {k: v + (["usage"] if k != "g" else []) for k, v in MIDDLE.items()}
# And the whole machine's instance, to the end: P also gets the SIGCHLDs
# of A's stop, continue and exit.
WHOLE = {"p": MIDDLE["p"] + ["signal:SIGCHLD"] * 3 + ["exit", "reap"],
         "a": ["fork"] + A_GROUP_STORY, "b": ["fork", "exit", "reap"],
         "g": ["fork", "exit", "reap"]}


def gone(objects):
    """Those of objects no longer in the kernel."""
    return [(kind, i) for kind, i in sorted(objects)
            if subprocess.run(["bpftool", kind, "show", "id", i],
                              capture_output=True).returncode != 0]


def two_at_once(env, name, stop_first):
    """Run group_tree under both instances; stop_first ("all" or "group")
    is stopped in the middle. Returns the check, the facts and the
    captures {"all": ..., "group": ...}."""
    ck = Check()
    with Cleanup() as cl:
        wl = cl.add(Held(env.workload("group_tree")))
        p, pg = wl.fact("parent_pid"), wl.fact("parent_pgid")
        tracers = {
            "all": cl.add(env.tracer(name + "-all").start()),
            "group": cl.add(env.tracer(name + "-group", ["-g", pg]).start()),
        }
        held = {k: bpf_objects(t.proc.pid) for k, t in tracers.items()}
        ck.true(held["all"] and held["group"],
                "no BPF objects found in the tracers' fdinfo")
        ck.eq("BPF objects both instances hold", held["all"] & held["group"],
              set())
        os.kill(int(p), signal.SIGUSR1)
        wl.go()
        wl.fact("a_pid")
        wl.fact("b_pid")  # the middle: quiet until the next go
        caps = {stop_first: tracers[stop_first].stop()}
        other = "group" if stop_first == "all" else "all"
        ck.eq("%s's BPF objects gone once %s stopped" % (other, stop_first),
              gone(held[other]), [])
        wl.go()
        f = wl.finish()
        caps[other] = tracers[other].stop(signal.SIGINT)
    ck.eq("workload's own SIGUSR1", f["usr1_received"], "1")
    return ck, f, caps


# Each process's real parent: the whole machine is traced, and a pid may
# be reused by another process meanwhile.
PARENTS = {"p": "_pid_of_runner", "a": "p_pid", "b": "p_pid", "g": "a_pid"}


def check_stories(ck, cap, f, stories, what):
    for who, want in stories.items():
        rows = [r for r in cap.of(f[who + "_pid"])
                if r["ppid"] == f[PARENTS[who]]]
        ck.eq("%s: %s's rows" % (what, who.upper()),
              story(Capture(rows, ""), f[who + "_pid"]), want)


def test_two_stop_group(env):
    """The -g instance is stopped in the middle: it has the first half,
    exactly; the machine's instance, every row to the end."""
    ck, f, caps = two_at_once(env, "two-stop-group", "group")
    f["p_pid"] = f["parent_pid"]
    check_rows_of(ck, caps["group"], [f["p_pid"], f["a_pid"], f["b_pid"]],
                  "-g stopped in the middle")
    check_stories(ck, caps["group"], f, AT_STOP, "-g stopped in the middle")
    check_stories(ck, caps["all"], f, WHOLE, "whole machine, left running")
    ck.raise_if_failed()


def test_two_stop_all(env):
    """The machine's instance is stopped in the middle: it has the first
    half, exactly; the -g instance, every row of the group to the end."""
    ck, f, caps = two_at_once(env, "two-stop-all", "all")
    f["p_pid"] = f["parent_pid"]
    check_stories(ck, caps["all"], f, AT_STOP, "whole machine stopped in "
                  "the middle")
    check_parent_group(ck, caps["group"], f, f["p_pid"], f["a_pid"],
                       f["b_pid"], f["g_pid"], f["_pid_of_runner"])
    ck.raise_if_failed()


TESTS = [test_two_stop_group, test_two_stop_all]
