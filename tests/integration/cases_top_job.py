# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""--top with a COMMAND as a job a terminal runs: q ends the command's whole
tree (its children, a grandchild, one in a process group of its own, an
orphan adopted by init), not only the command; and the command's stdin is
not the terminal the view reads its keys from (it reads /dev/null)."""

import os
import signal
import tempfile

from harness import Check
from cases_top import Pane, gone_or_zombie, rows, wait_for
from cases_top_command import gate, need_tmux, open_gate, watch


def read_facts(path):
    facts = {}
    if os.path.exists(path):
        for line in open(path).read().splitlines():
            k, _, v = line.partition("=")
            facts[k] = v
    return facts


def sort_of(screen):
    """The first line's "sort: NAME", or None."""
    head = next((l for l in screen if l.startswith("proctrace --top")), "")
    _, found, rest = head.partition("sort: ")
    return rest.split()[0] if found and rest.split() else None


def test_top_quit_tree(env):
    """tree_hold under --top: once every process of its tree is on the
    screen, q sends SIGTERM to the command and to each of them; proctrace
    exits with the command's status (143) and every one has ended (gone,
    or a zombie for its reaper), none left running."""
    need_tmux()
    tmp = tempfile.mkdtemp(dir=env.tmp)
    facts_path, rc_path = os.path.join(tmp, "facts"), os.path.join(tmp, "rc")
    err_path = os.path.join(tmp, "err")
    pane = Pane(tmp, "%s --top -o %s -- %s %s 2>%s; echo $? >%s; sleep 600"
                % (env.proctrace, os.path.join(tmp, "t.csv"), env.workload("tree_hold"),
                   facts_path, err_path, rc_path), cols=160, lines=60)
    ck = Check()
    screen, shown = watch(pane, err_path)
    names = ("main", "child", "grandchild", "own_group", "orphan")
    pids = []
    try:
        wait_for("the workload's facts", lambda: read_facts(facts_path).get("ready"), shown)
        facts = read_facts(facts_path)
        pids = [int(facts[n + "_pid"]) for n in names]
        wait_for("every process of the tree on the screen",
                 lambda: all(str(p) in rows(screen()) for p in pids), shown)
        pane.keys("q")
        wait_for("proctrace's exit after q", lambda: os.path.exists(rc_path) and
                 open(rc_path).read().strip(), shown)
        ck.eq("exit status: the command's, killed by SIGTERM",
              open(rc_path).read().strip(), "143")
        for name, pid in zip(names, pids):
            try:
                wait_for("%s (pid %d) ended" % (name, pid), lambda: gone_or_zombie(pid), shown)
            except Exception as e:  # noqa: BLE001 - each one reported
                ck.true(False, str(e))
    finally:
        pane.close()
        for pid in pids:
            if not gone_or_zombie(pid):
                os.kill(pid, signal.SIGKILL)
    ck.raise_if_failed()


def test_top_command_stdin(env):
    """The command's stdin is /dev/null when proctrace's is the terminal:
    a cat reading it ends at once with nothing read, and the keys typed go
    to the view (s changes its sort) while the command runs."""
    need_tmux()
    tmp = tempfile.mkdtemp(dir=env.tmp)
    g = gate(tmp, "g")
    fd0, out, done = (os.path.join(tmp, n) for n in ("fd0", "out", "done"))
    rc_path, pid_path = os.path.join(tmp, "rc"), os.path.join(tmp, "pid")
    script = ("echo $$ >%s; readlink /proc/self/fd/0 >%s; cat >%s; echo $? >%s; exec cat %s"
              % (pid_path, fd0, out, done, g))
    pane = Pane(tmp, "%s --top -- sh -c '%s'; echo $? >%s; sleep 600"
                % (env.proctrace, script, rc_path), cols=120, lines=30)
    ck = Check()
    screen, shown = watch(pane)
    try:
        wait_for("the first cat's end", lambda: os.path.exists(done) and
                 open(done).read().strip(), shown)
        ck.eq("the command's stdin", open(fd0).read().strip(), "/dev/null")
        ck.eq("the first cat's status", open(done).read().strip(), "0")
        ck.eq("what it read", open(out).read(), "")
        pid = open(pid_path).read().strip()
        wait_for("the command's row", lambda: pid in rows(screen()), shown)
        before = sort_of(screen())
        ck.true(before, "a sort on the first line:\n" + shown())
        pane.keys("s")
        wait_for("the sort changed by the key",
                 lambda: sort_of(screen()) not in (None, before), shown)
        open_gate(g)
        wait_for("proctrace's end", lambda: os.path.exists(rc_path) and
                 open(rc_path).read().strip(), shown)
        ck.eq("proctrace's status: the command's", open(rc_path).read().strip(), "0")
    finally:
        pane.close()
    ck.raise_if_failed()


TESTS = [test_top_quit_tree, test_top_command_stdin]
