# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""--top with a COMMAND, as a new user runs it: what the command prints
stays out of the view (a pane of it, written again at the end), the CPU
column has the scheduler's running time, q ends the command and proctrace
exits with its status, the tracing line is said, a small terminal shows
the command's row, and the terminal is given back clean. The command
waits on fifos (gates), never on a time."""

import os
import re
import shutil
import tempfile

from harness import Check, Failure
from cases_top import Pane, rows, wait_for


def gate(tmp, name):
    path = os.path.join(tmp, name)
    os.mkfifo(path)
    return path


def open_gate(path):
    """Lets the command's `read` on the fifo go on."""
    fd = os.open(path, os.O_WRONLY)
    os.write(fd, b"go\n")
    os.close(fd)


def need_tmux():
    if not shutil.which("tmux"):
        raise Failure("tmux is not installed (scripts/setup-deps.sh installs it)")


def watch(pane, err_path=None):
    """screen(): the pane's lines now; shown(): the last ones read (and
    the stderr file's text), for a failure's message."""
    last = [[]]

    def screen():
        last[0] = pane.screen()
        return last[0]

    def shown():
        err = open(err_path).read() if err_path and os.path.exists(err_path) else ""
        return "\n".join(last[0]) + ("\nstderr: " + err if err_path else "")
    return screen, shown


def test_top_command_output(env):
    """The command writes on stdout and stderr while the view is up: the
    view stays whole (one header, one exits title, the lines in its
    output pane), the command's rows show a CPU time, and once it ends
    the terminal has the tracing line and the output, and no view."""
    need_tmux()
    tmp = tempfile.mkdtemp(dir=env.tmp)
    g1, g2 = gate(tmp, "g1"), gate(tmp, "g2")
    rc_path, pid_path = os.path.join(tmp, "rc"), os.path.join(tmp, "pid")
    script = ("echo $$ >%s; read x <%s; echo OUTPUT-LINE; echo ERR-LINE >&2; "
              "cat %s >/dev/null" % (pid_path, g1, g2))
    pane = Pane(tmp, "%s --top --sched -o %s -- sh -c '%s'; echo RC=$? >%s; sleep 600"
                % (env.proctrace, os.path.join(tmp, "top.csv"), script, rc_path),
                cols=120, lines=30)
    ck = Check()
    screen, shown = watch(pane)
    try:
        wait_for("the command's pid", lambda: os.path.exists(pid_path) and
                 open(pid_path).read().strip())
        sh = open(pid_path).read().strip()
        wait_for("the command's row", lambda: sh in rows(screen()), shown)
        open_gate(g1)
        wait_for("the output in the view", lambda: "ERR-LINE" in screen(), shown)
        # the cat is running, blocked on its gate: its row and the sh's
        cat = wait_for("cat's row", lambda: next(
            (l.split()[0] for l in screen()[2:] if l.rstrip().endswith(" cat")), None), shown)
        text = screen()
        ck.true(text[0].startswith("proctrace --top"), "first line:\n" + shown())
        ck.eq("header lines", sum(l.lstrip().startswith("PID STATE") for l in text), 1)
        ck.eq("exits titles", sum(l.startswith("Exits, last") for l in text), 1)
        out = next((i for i, l in enumerate(text) if l.startswith("Output:")), None)
        ck.true(out is not None, "an output pane:\n" + shown())
        if out is not None:
            ck.eq("the output pane's lines", text[out + 1:out + 3],
                  ["OUTPUT-LINE", "ERR-LINE"])
        ck.eq("lines holding the output", sum("OUTPUT-LINE" in l for l in text), 1)
        ck.true(text[-1].startswith("q quit"), "the keys' line last:\n" + shown())
        for pid in (sh, cat):
            line = next((l for l in text if re.match(r"^\s*%s " % pid, l)), "")
            ck.true(line and line.split()[2:4] != ["0", "ns"],
                    "a CPU time on %s's row: %r" % (pid, line))
        open_gate(g2)
        wait_for("proctrace's end", lambda: os.path.exists(rc_path), shown)
        end = [l for l in screen() if l.strip()]
        ck.eq("the exit status", open(rc_path).read().strip(), "RC=0")
        ck.true(end and end[0].startswith("proctrace: tracing sh (pid %s)" % sh),
                "the tracing line first:\n" + shown())
        ck.true(["OUTPUT-LINE", "ERR-LINE"] == [l for l in end if l.endswith("-LINE")],
                "the output written again, once:\n" + shown())
        ck.true(not any("PID STATE" in l or l.startswith("q quit") for l in end),
                "no line of the view left:\n" + shown())
    finally:
        pane.close()
    ck.raise_if_failed()


def test_top_quit_small(env):
    """In a 30x6 terminal with stderr to a file: the tracing line is in
    the file while the view is up, the command's row is shown (not pid
    1's), and q ends the command (SIGTERM, through its pidfd): proctrace
    exits with its status, 143, the command gone."""
    need_tmux()
    tmp = tempfile.mkdtemp(dir=env.tmp)
    g = gate(tmp, "g")
    rc_path, err_path = os.path.join(tmp, "rc"), os.path.join(tmp, "err")
    pid_path = os.path.join(tmp, "pid")
    pane = Pane(tmp, "%s --top -- sh -c 'echo $$ >%s; exec cat %s' 2>%s; echo $? >%s; "
                "sleep 600" % (env.proctrace, pid_path, g, err_path, rc_path),
                cols=30, lines=6)
    ck = Check()
    screen, shown = watch(pane, err_path)
    pid = None
    try:
        wait_for("the command's pid", lambda: os.path.exists(pid_path) and
                 open(pid_path).read().strip())
        pid = open(pid_path).read().strip()
        wait_for("the tracing line on stderr",
                 lambda: "proctrace: tracing sh (pid %s)" % pid in open(err_path).read(),
                 shown)
        # At 30 columns the row is the pid and the name alone (the state
        # is left out before a name is cut): a line that begins with it.
        wait_for("the command's row",
                 lambda: any(re.match(r"^\s*%s\s+\S" % pid, line) for line in screen()[2:]),
                 shown)
        pane.keys("q")
        wait_for("proctrace's exit after q", lambda: os.path.exists(rc_path) and
                 open(rc_path).read().strip(), shown)
        ck.eq("exit status: the command's, killed by SIGTERM",
              open(rc_path).read().strip(), "143")
        ck.true(not os.path.exists("/proc/%s" % pid), "the command is gone")
    finally:
        pane.close()
        if pid and os.path.exists("/proc/%s" % pid):
            open_gate(g)
    ck.raise_if_failed()


TESTS = [test_top_command_output, test_top_quit_small]
