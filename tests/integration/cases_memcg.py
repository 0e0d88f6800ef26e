# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""A v1 hybrid's memory controller: a process placed in a cgroup of the v1
memory hierarchy only (its v2 cgroup unchanged) has its memcg path and id on
its snapshot, fork and exec rows (memcg, memcg_id), and the short name that
path gives when its v2 cgroup names nothing (the root here); the database's
processes too. --cgroup with a directory of the v1 memory mount follows
what is in it and below it, decided in the kernel.

The cgroups are real, made under the v1 memory mount (wherever it is: a
"cgroup" file system whose options name memory), named as Docker names
its scopes, and removed at the end; the workload (cgroup_move) moves its
children into them by their cgroup.procs.
"""

import os
import sqlite3

from harness import Check, parse_detail
from cases import Cgroups, cgroup_move_traced, cgroup_mount, own_cgroup

ID = "9e8d7c6b5a41" + "0123456789abcdef" * 3 + "4567"  # 64 hex
CGROUPS = [
    # (path under the test's directory, its short name)
    ("docker-%s.scope" % ID, ID[:12]),
    ("plain", None),
]


def test_memcg_paths_names_filter(env):
    """cgroup_move's children join v1 memory cgroups only: their exec rows
    keep the v2 cgroup of their parent and add memcg and memcg_id; the
    docker-named one's cgroup_name is the container's 12 hex (the v2 one
    names nothing), the plain one has none; the database has the same. A
    tracer with --cgroup on the docker-named directory sees that child and
    its grandchild only."""
    if not cgroup_mount("memory"):
        print("SKIP test_memcg_paths_names_filter: no v1 memory controller mounted")
        return
    db_path = os.path.join(env.tmp, "memcg.db")
    with Cgroups("memory", "proctrace-test-%d" % os.getpid(),
                 [rel for rel, _ in CGROUPS]) as cg:
        cap, cap_one, facts = cgroup_move_traced(env, "memcg", cg, ["--db", db_path])
    ck = Check()
    v2_named = own_cgroup() != "/"
    runner = cap.of(facts["_pid_of_runner"])
    memcg_ids = set()
    for i, (rel, name) in enumerate(CGROUPS):
        child, grand = facts["child_%d" % i], facts["grandchild_%d" % i]
        what = "child %d (%s)" % (i, rel)
        ex = ck.one(cap.of(child, "exec"), what + " exec")
        fork = ck.one(cap.of(grand, "fork"), what + " grandchild fork")
        for row, who in ((ex, what + " exec"), (fork, what + " grandchild fork")):
            want = {"memcg": cg.path(rel)}
            if runner:
                want["cgroup"] = parse_detail(runner[0]["detail"]).get("cgroup")
            if not v2_named:
                want["cgroup_name"] = name
            ck.details(row, who, **want)
            if row:
                memcg_ids.add(parse_detail(row["detail"]).get("memcg_id"))
    ck.eq("one memcg_id per cgroup, none missing", len(memcg_ids - {None}), len(CGROUPS))
    out = ck.one(cap.of(facts["outside"], "fork"), "outside fork")
    ck.details(out, "outside fork", memcg=own_cgroup("memory"))
    db = sqlite3.connect(db_path)
    for i, (rel, name) in enumerate(CGROUPS):
        pid = int(facts["grandchild_%d" % i])
        rows = db.execute("SELECT memcg, cgroup_name FROM processes WHERE pid = ?",
                          (pid,)).fetchall()
        ck.eq("db grandchild %d" % i, rows, [(cg.path(rel), name if not v2_named else rows[0][1]
                                               if rows else None)])
    db.close()
    for i in range(len(CGROUPS)):
        child, grand = facts["child_%d" % i], facts["grandchild_%d" % i]
        picked = i == 0
        got_child = [r["event"] for r in cap_one.of(child) if r["event"] in ("exec", "exit", "reap")]
        got_grand = [r["event"] for r in cap_one.of(grand) if r["event"] in ("fork", "exit", "reap")]
        ck.eq("--cgroup memcg child %d" % i, got_child, ["exec", "exit", "reap"] if picked else [])
        ck.eq("--cgroup memcg grandchild %d" % i, got_grand,
              ["fork", "exit", "reap"] if picked else [])
    for pid, who in ((facts["outside"], "outside"), (facts["_pid_of_runner"], "the runner")):
        ck.eq("--cgroup memcg rows of %s" % who, len(cap_one.of(pid)), 0)
    ck.raise_if_failed()


TESTS = [test_memcg_paths_names_filter]
