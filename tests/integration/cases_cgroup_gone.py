# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Cgroups whose path cannot be given: one removed before the rows that
name it are written (rows held by --failed until the failure, written
after the rmdir), and, on this v1/v2 hybrid, a cgroup of a v1 hierarchy
only (the memory controller's). The first leaves its rows with their
cgroup_id and no path, said on stderr; the second shows the process's
cgroup v2 path, its v1 memory cgroup's (memcg, memcg_id) and, the v2 one
naming nothing, the container the v1 path names."""

import os
import tempfile

from harness import Check, parse_detail, shlex_argv
from cases import Cgroups, cgroup_mount, own_cgroup
from cases_cgroup import skip_without_cgroup2

ID = "7e57" * 16  # 64 hex, as Docker's cgroupfs driver names a container

# mid.sh: made its cgroup, moves in, and execs inner.sh there (an exec row
# in that cgroup), which moves out, removes it and fails.
MID = 'mkdir "$1" && echo $$ > "$1/cgroup.procs" && exec sh "$3" "$1" "$2"\n'
INNER = 'echo $$ > "$2/cgroup.procs" && rmdir "$1" && exit 1\nexit 2\n'


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def test_cgroup_removed_before_written(env):
    if skip_without_cgroup2("cgroup_removed_before_written"):
        return
    root = cgroup_mount()
    tmp = tempfile.mkdtemp(dir=env.tmp)
    cg = os.path.join(root, "proctrace-gone-%d" % os.getpid())
    mid, inner = write(os.path.join(tmp, "mid.sh"), MID), write(os.path.join(tmp, "inner.sh"), INNER)
    here = os.path.join(root, own_cgroup().lstrip("/"))
    t = env.tracer("cgroup-gone", ["--failed", "--", "sh", "-c",
                                   'sh "$0" "$1" "$2" "$3"; exit 0', mid, cg, here, inner])
    t.start()
    cap = t.finish(t.wait_exit())
    ck = Check()
    ck.true(not os.path.isdir(cg), "the cgroup removed by the workload")
    execs = [r for r in cap.rows if r["event"] == "exec" and shlex_argv(r)[1:2] == [inner]]
    ck.eq("the exec row in the removed cgroup", len(execs), 1)
    for r in execs:
        d = parse_detail(r["detail"])
        ck.true(r["cgroup_id"] not in ("", "0", "1"), "its cgroup_id: %r" % r["cgroup_id"])
        ck.eq("its cgroup path and name", (d.get("cgroup"), d.get("cgroup_name")),
              (None, None))
    ck.true("1 cgroups removed before their path was read" in cap.stderr,
            "said on stderr: %r" % cap.stderr[-400:])
    ck.raise_if_failed()


def test_cgroup_v1_only(env):
    if not cgroup_mount("memory"):
        print("SKIP cgroup_v1_only: no cgroup v1 memory hierarchy")
        return
    rel = "docker/" + ID
    with Cgroups("memory", "proctrace-test-%d" % os.getpid(), [rel]) as cg:
        t = env.tracer("cgroup-v1", ["--", "sh", "-c",
                                     'echo $$ > "$0/cgroup.procs" && exec true', cg.dir(rel)])
        t.start()
        cap = t.finish(t.wait_exit())
    ck = Check()
    execs = [r for r in cap.rows if r["event"] == "exec" and r["comm"] == "true"]
    ck.eq("the exec row in the v1 cgroup", len(execs), 1)
    for r in execs:
        d = parse_detail(r["detail"])
        # The v2 cgroup names nothing (the root here): the name is the
        # v1 memory cgroup's, whose path is there too.
        ck.eq("its cgroup: the v2 one; memcg: the v1 one; its name: the container's",
              (d.get("cgroup"), d.get("memcg"), d.get("cgroup_name")),
              (own_cgroup(), cg.path(rel), ID[:12] if own_cgroup() == "/" else None))
        ck.true(d.get("memcg_id", "0") != "0", "a memcg_id: %r" % r["detail"])
    ck.raise_if_failed()


TESTS = [test_cgroup_removed_before_written, test_cgroup_v1_only]
