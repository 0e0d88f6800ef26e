# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Cgroups: each process's cgroup v2 path and the short name derived from
it (cgroup and cgroup_name on snapshot, fork and exec rows; the database's
processes), and --cgroup PATH, decided in the kernel.

The cgroups are real, made on this machine's cgroup2 file system (wherever
it is mounted: /sys/fs/cgroup/unified on a v1 hybrid) under a slice of the
test's own, and named as the runtimes name theirs: Docker's
system.slice/docker-ID.scope, a Kubernetes pod's
kubepods.slice/kubepods-pod<UID>.slice/cri-containerd-ID.scope, a systemd
service. The workload (cgroup_move) moves its children into them.
"""

import os
import sqlite3

from harness import READY, Check, parse_detail
from cases import Cgroups, cgroup_mount, cgroup_move_traced, run_tracer

ID = "4f1d9c0e7b2a" + "0123456789abcdef" * 3 + "0123"  # 64 hex
POD = "8c1c7bd7-3e0f-4f86-9a4b-2f1b3c5d7e9f"
CGROUPS = [
    # (path under the test's slice, its short name)
    ("system.slice/docker-%s.scope" % ID, ID[:12]),
    ("kubepods.slice/kubepods-pod%s.slice/cri-containerd-%s.scope"
     % (POD.replace("-", "_"), ID), "pod%s/%s" % (POD, ID[:12])),
    ("system.slice/ssh.service", "ssh.service"),
]


def cgroups():
    """The test's cgroups, under a slice of its own."""
    return Cgroups(None, "proctrace-test-%d.slice" % os.getpid(),
                       [rel for rel, _ in CGROUPS])


def skip_without_cgroup2(name):
    if cgroup_mount():
        return False
    print("SKIP %s: no cgroup2 file system mounted" % name)
    return True


def test_cgroup_paths_and_names(env):
    """Without a filter, under -- COMMAND: each process's rows name the
    cgroup it was in at the event; the database's processes too."""
    if skip_without_cgroup2("test_cgroup_paths_and_names"):
        return
    db_path = os.path.join(env.tmp, "cgroup.db")
    with cgroups() as cg:
        tracer = env.tracer("cgroup", ["--db", db_path, "--",
                                       env.workload("cgroup_move")]
                            + [cg.dir(rel) for rel, _ in CGROUPS])
        out_path = os.path.join(env.tmp, "cgroup.out")
        with open(out_path, "w") as out:
            tracer.start(stdout=out)
            cap = tracer.finish(tracer.wait_exit())
        facts = dict(l.rstrip("\n").split("=", 1) for l in open(out_path))
    ck = Check()
    runner = cap.rows[0] if cap.rows else None
    for i, (rel, name) in enumerate(CGROUPS):
        child, grand = facts["child_%d" % i], facts["grandchild_%d" % i]
        what = "child %d (%s)" % (i, rel)
        # Its fork was in the parent's cgroup, before it moved.
        fork = ck.one(cap.of(child, "fork"), what + " fork")
        if fork and runner:
            ck.details(fork, what + " fork",
                       cgroup=parse_detail(runner["detail"]).get("cgroup"))
        ck.details(ck.one(cap.of(grand, "fork"), what + " grandchild fork"),
                   what + " grandchild fork", cgroup=cg.path(rel),
                   cgroup_name=name)
        ck.details(ck.one(cap.of(child, "exec"), what + " exec"),
                   what + " exec", cgroup=cg.path(rel), cgroup_name=name)
        # The rows without the keys still carry the id.
        ex = ck.one(cap.of(grand, "exit"), what + " grandchild exit")
        ck.fields(ex, what + " grandchild exit", exit_code=10 + i)
        ck.details(ex, what + " grandchild exit", cgroup=None)
        ck.true(ex is None or fork is None
                or ex["cgroup_id"] != fork["cgroup_id"],
                "%s: the grandchild's cgroup_id is its parent's at fork"
                % what)
    ck.details(ck.one(cap.of(facts["outside"], "fork"), "outside fork"),
               "outside fork", cgroup_name=None)
    db = sqlite3.connect(db_path)
    for i, (rel, name) in enumerate(CGROUPS):
        for who in ("child", "grandchild"):
            pid = int(facts["%s_%d" % (who, i)])
            rows = db.execute("SELECT cgroup, cgroup_name FROM processes "
                              "WHERE pid = ?", (pid,)).fetchall()
            ck.eq("db %s %d" % (who, i), rows, [(cg.path(rel), name)])
    db.close()
    ck.raise_if_failed()


def test_cgroup_filter(env):
    """--cgroup follows the processes in a cgroup and below it, and only
    them: decided in the kernel at each event."""
    if skip_without_cgroup2("test_cgroup_filter"):
        return
    with cgroups() as cg:
        # The whole test slice, then one container's cgroup alone.
        cap_whole, cap_one, facts = cgroup_move_traced(env, "cgroup", cg,
                                                       ["--cgroup", cg.path("")])
    ck = Check()
    for cap, picked, what in ((cap_whole, range(len(CGROUPS)), "--cgroup slice"),
                              (cap_one, [0], "--cgroup docker scope")):
        for i in range(len(CGROUPS)):
            child, grand = facts["child_%d" % i], facts["grandchild_%d" % i]
            want_child = ["exec", "exit", "reap"] if i in picked else []
            want_grand = ["fork", "exit", "reap"] if i in picked else []
            got_child = [r["event"] for r in cap.of(child)
                         if r["event"] in ("fork", "exec", "exit", "reap")]
            got_grand = [r["event"] for r in cap.of(grand)
                         if r["event"] in ("fork", "exec", "exit", "reap")]
            ck.eq("%s child %d" % (what, i), got_child, want_child)
            ck.eq("%s grandchild %d" % (what, i), got_grand, want_grand)
        for pid, who in ((facts["outside"], "outside"),
                         (facts["_pid_of_runner"], "the runner")):
            ck.eq("%s rows of %s" % (what, who), len(cap.of(pid)), 0)
        ck.true(all(r["cgroup_id"] for r in cap.rows if r["event"] != "lost"),
                "%s: a row without cgroup_id" % what)
    ck.raise_if_failed()


def test_cgroup_errors(env):
    ck = Check()
    for args in (["--cgroup", "/no-such-cgroup-proctrace"], ["--cgroup", ""],
                 ["--cgroup", "a/../b"],
                 ["--cgroup", "/", "--replay", "/dev/null"]):
        p = run_tracer(env, args)
        what = "proctrace " + " ".join(args)
        ck.eq(what + ": exit status", p.returncode, 2)
        first = p.stderr.splitlines()[:1]
        ck.true(first and first[0].startswith("proctrace: ")
                and "--cgroup" in first[0],
                "%s: first line %r" % (what, first))
        ck.true(READY not in p.stderr, what + ": started tracing")
    ck.raise_if_failed()


TESTS = [test_cgroup_paths_and_names, test_cgroup_filter, test_cgroup_errors]
