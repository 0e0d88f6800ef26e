# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""--top in a real terminal: proctrace runs in a tmux pane of its own
server, keys are sent with send-keys and the screen read with
capture-pane. The workload (tests/workloads/top_states.c) holds every
scheduler state at once; each step waits for what it expects to appear on
the screen, never for a time. The CSV written meanwhile is whole."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from harness import Capture, Check, Failure, check_summary, read_csv
from cases import check_one_error_line, run_tracer

GATE_S = 60  # the longest any screen content is waited for

WANT_STATES = {
    "main": {"sleeping"},
    "sleeper": {"sleeping"},
    "vfork_parent": {"disk-sleep"},
    "stopped": {"stopped"},
    "traced": {"traced"},
    "zombie": {"zombie"},
}
ROW = re.compile(r"^\s*(\d+) (\S+)\s")


class Pane:
    """A tmux server of the test's own (its socket in the scratch dir)
    with one pane running a shell command."""

    def __init__(self, tmp, command, cols=160, lines=50):
        self.sock = os.path.join(tmp, "tmux.sock")
        self.run("new-session", "-d", "-x", str(cols), "-y", str(lines), command)

    def run(self, *args):
        return subprocess.run(["tmux", "-S", self.sock] + list(args),
                              capture_output=True, text=True, timeout=30)

    def screen(self):
        return self.run("capture-pane", "-p").stdout.splitlines()

    def keys(self, *keys):
        self.run("send-keys", *keys)

    def close(self):
        self.run("kill-server")


def wait_for(what, probe, last=lambda: ""):
    """probe() until it returns a true value (returned), at most GATE_S."""
    deadline = time.monotonic() + GATE_S
    while time.monotonic() < deadline:
        got = probe()
        if got:
            return got
        time.sleep(0.1)
    raise Failure("waited %d s for %s; last:\n%s" % (GATE_S, what, last()))


def read_facts(path):
    try:
        with open(path) as f:
            return dict(l.strip().split("=", 1) for l in f if "=" in l)
    except FileNotFoundError:
        return {}


def signal_quietly(pid, sig):
    """sig to pid, if it is still there (a test's cleanup)."""
    try:
        os.kill(pid, sig)
    except OSError:
        pass


def rows(screen):
    """pid -> state of the process rows on the screen."""
    return {m.group(1): m.group(2) for m in map(ROW.match, screen[2:]) if m}


def test_top_screen(env):
    if not shutil.which("tmux"):
        raise Failure("tmux is not installed (scripts/setup-deps.sh installs it)")
    tmp = tempfile.mkdtemp(dir=env.tmp)
    facts_path = os.path.join(tmp, "facts")
    csv_path = os.path.join(tmp, "top.csv")
    err_path = os.path.join(tmp, "stderr")
    rc_path = os.path.join(tmp, "rc")
    cmd = ("%s --top --sched -o %s -- %s %s 2>%s; echo $? >%s; sleep 600"
           % (env.proctrace, csv_path, env.workload("top_states"), facts_path,
              err_path, rc_path))
    pane = Pane(tmp, cmd)
    ck = Check()
    main = None
    try:
        facts = wait_for("the workload's facts",
                         lambda: read_facts(facts_path).get("ready") and
                         read_facts(facts_path))
        main = int(facts["main_pid"])
        pids = {k[:-4]: facts[k] for k in facts if k.endswith("_pid")}
        last = [[]]

        def screen():
            last[0] = pane.screen()
            return last[0]

        def shown():
            with open(err_path) as f:
                return "\n".join(last[0]) + "\nstderr: " + f.read()

        # Every state, each on its process's row (the spinners share one
        # CPU: running and runnable in turns, seen over the captures).
        seen = {}

        def all_states():
            for pid, state in rows(screen()).items():
                seen.setdefault(pid, set()).add(state)
            spin = seen.get(pids["spin_a"], set()) | seen.get(pids["spin_b"], set())
            return ({"running", "runnable"} <= spin and
                    all(want <= seen.get(pids[k], set())
                        for k, want in WANT_STATES.items()))
        wait_for("every state on its process's row", all_states, shown)

        pane.keys("p")
        wait_for("PAUSED", lambda: "PAUSED" in screen()[-1], shown)
        pane.keys("p")
        wait_for("the keys line again",
                 lambda: screen()[-1].startswith("q quit"), shown)
        pane.keys("s")
        wait_for("sort: cpu", lambda: "sort: cpu" in screen()[0], shown)
        pane.keys("s", "s", "s")
        wait_for("sort: tree", lambda: "sort: tree" in screen()[0], shown)

        # Select the workload's main process, collapse its subtree.
        def selected():
            m = re.search(r"selected (\d+)", screen()[0])
            return int(m.group(1)) if m else None
        for _ in range(200):
            cur = selected()
            if cur == main:
                break
            pane.keys("j")
            # one row at a time: a key sent before the last one shows
            # would go past main
            wait_for("the selection to move", lambda: selected() != cur, shown)
        wait_for("main selected", lambda: selected() == main, shown)
        children = [pids[k] for k in ("spin_a", "sleeper", "zombie")]
        pane.keys("c")
        wait_for("main's subtree collapsed",
                 lambda: not set(children) & set(rows(screen())) and
                 any(re.match(r"^\s*%d .*\+ top_states" % main, l)
                     for l in last[0]), shown)
        pane.keys("c")
        wait_for("main's subtree expanded",
                 lambda: set(children) <= set(rows(screen())), shown)

        # The ends, under the tree, each with how it ended.
        os.kill(main, signal.SIGUSR1)
        wait_for("the workload's end", lambda: read_facts(facts_path).get("done"))
        ends = {pids["spin_a"]: "killed by SIGKILL",
                pids["traced"]: "killed by SIGKILL",
                pids["zombie"]: "exit 7"}

        def exits_shown():
            text = screen()
            return all(any(re.match(r"^\s*%s top_states: %s.*, age " % (p, how), l)
                           for l in text) for p, how in ends.items())
        wait_for("the exits with how they ended", exits_shown, shown)

        pane.keys("q")
        wait_for("proctrace's exit after q", lambda: os.path.exists(rc_path) and
                 open(rc_path).read().strip())
        # The workload still runs: q ends it (SIGTERM), its status is ours.
        with open(rc_path) as f:
            ck.eq("exit status after q", f.read().strip(), "143")
        with open(err_path) as f:
            err = f.read()
        cap = Capture(read_csv(csv_path), err)
        check_summary(cap)
        for p, how in ends.items():
            ex = [r for r in cap.rows if r["event"] == "exit" and r["pid"] == p]
            ck.eq("CSV exit rows of %s" % p, len(ex), 1)
            if ex and how == "exit 7":
                ck.eq("CSV exit code of %s" % p, ex[0]["exit_code"], "7")
            elif ex:
                ck.eq("CSV exit signal of %s" % p, ex[0]["signal"], "SIGKILL")
    finally:
        if main:
            signal_quietly(main, signal.SIGUSR1)
        pane.close()
    ck.raise_if_failed()


def test_top_no_terminal(env):
    """--top with no terminal to draw on (a session of its own): one error
    line, exit 1, before anything runs or is written."""
    ck = Check()
    tmp = tempfile.mkdtemp(dir=env.tmp)
    csv_path = os.path.join(tmp, "never.csv")
    mark = os.path.join(tmp, "ran")
    p = run_tracer(env, ["--top", "-o", csv_path, "--", "touch", mark],
                   start_new_session=True)
    ck.eq("exit status", p.returncode, 1)
    check_one_error_line(ck, "--top without a terminal", p.stderr)
    ck.true("--top: no terminal" in p.stderr, "says why: %r" % p.stderr)
    ck.eq("files left", sorted(os.listdir(tmp)), [])
    ck.raise_if_failed()


def gone_or_zombie(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_top_hangup(env):
    """The terminal --top draws on goes away (its tmux server killed): the
    hangup ends proctrace, as it ends htop, instead of reopening files."""
    if not shutil.which("tmux"):
        raise Failure("tmux is not installed (scripts/setup-deps.sh installs it)")
    tmp = tempfile.mkdtemp(dir=env.tmp)
    pid_path, cmd_path = os.path.join(tmp, "pid"), os.path.join(tmp, "cmdpid")
    pane = Pane(tmp, "echo $$ >%s; exec %s --top -o %s -- sh -c 'echo $$ >%s; exec sleep 600'"
                % (pid_path, env.proctrace, os.path.join(tmp, "top.csv"), cmd_path))
    ck = Check()
    try:
        wait_for("the view drawn", lambda: any("sleep" in l for l in pane.screen()),
                 lambda: "\n".join(pane.screen()))
        with open(pid_path) as f:
            pid = int(f.read())
        pane.close()
        wait_for("proctrace ended by the hangup", lambda: gone_or_zombie(pid))
    finally:
        pane.close()
        try:
            with open(cmd_path) as f:
                signal_quietly(int(f.read()), signal.SIGKILL)
        except (OSError, ValueError):
            pass
    ck.raise_if_failed()


# The columns --top shows at a width: the others are left out before the
# command's name is cut (src/view/top_line.c).
NARROW_HEADERS = {
    30: ["PID", "COMMAND"],
    40: ["PID", "STATE", "COMMAND"],
    50: ["PID", "STATE", "CPU", "COMMAND"],
    60: ["PID", "STATE", "CPU", "AGE", "COMMAND"],
    80: ["PID", "STATE", "CPU", "AGE", "LAST EVENT", "COMMAND"],
}
NAME = "narrow_view_cmd"  # as long as a comm gets


def test_top_narrow(env):
    """A pane resized to 30, 40, 50, 60 and 80 columns: at each, the
    header shows the columns expected there, COMMAND always, and the
    command's row its whole name (a comm's 15 characters)."""
    if not shutil.which("tmux"):
        raise Failure("tmux is not installed (scripts/setup-deps.sh installs it)")
    tmp = tempfile.mkdtemp(dir=env.tmp)
    link, cmd_path = os.path.join(tmp, NAME), os.path.join(tmp, "cmdpid")
    os.symlink(shutil.which("sleep"), link)
    pane = Pane(tmp, "exec %s --top -o %s -- sh -c 'echo $$ >%s; exec \"$0\" 600' %s"
                % (env.proctrace, os.path.join(tmp, "top.csv"), cmd_path, link),
                cols=80, lines=20)
    ck = Check()
    last, pid = [[]], None

    def shown():
        return "\n".join(last[0])

    try:
        pid = int(wait_for("the command's pid", lambda: os.path.exists(cmd_path) and
                           open(cmd_path).read().strip()))
        for width, header in sorted(NARROW_HEADERS.items()):
            pane.run("resize-window", "-x", str(width))

            def drawn():
                last[0] = pane.screen()
                return (len(last[0]) > 1 and
                        re.findall(r"[A-Z]+(?: EVENT)?", last[0][1]) == header and
                        any(re.match(r"^\s*%d .*%s" % (pid, NAME), l) for l in last[0]))
            try:
                wait_for("the view at %d columns" % width, drawn, shown)
            except Failure as e:
                ck.true(False, str(e))
    finally:
        pane.close()
        if pid:
            signal_quietly(pid, signal.SIGKILL)
    ck.raise_if_failed()


TESTS = [test_top_screen, test_top_no_terminal, test_top_hangup, test_top_narrow]
