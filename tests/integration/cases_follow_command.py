# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""A command run under proctrace (proctrace -- CMD): its exit status
passed on, a burst of forks, SIGTERM to proctrace with the command running
or held, and the command run as another user."""

import os
import signal
import subprocess

from harness import SANITIZER, Check, Failure, tail
from procs import NOBODY, add_fact, Cleanup, Command, plain_environ
from cases import signal_rows
from cases_follow import check_command_rows, check_rows_of, first


# ---- 4-8. a command run under proctrace ----

def test_command_exit_status(env):
    """proctrace exits with the command's status, 128+N when signal N
    killed it; the command writes to proctrace's stdout."""
    runs = (
        (["true"], 0, "", (), {"exit_code": 0}),
        (["sh", "-c", "echo out of the command, 3; exit 3"], 3,
         "out of the command, 3\n", (), {"exit_code": 3}),
        (["sh", "-c", "kill -9 $$"], 137, "", ("signal:SIGKILL",),
         {"signal": "SIGKILL", "exit_code": ""}),
    )
    ck = Check()
    for n, (command, rc, out, middle, end) in enumerate(runs):
        with Cleanup() as cl:
            cmd = cl.add(Command(env, "command-status-%d" % n, command))
            cap, got_out = cmd.finish(rc)
        what = "command %s" % " ".join(command)
        ck.eq(what + ": stdout", got_out, out)
        check_rows_of(ck, cap, [cmd.pid], what)
        check_command_rows(ck, cap, cmd, middle)
        ck.fields(first(cap, cmd.pid, "exit"), what + " exit", **end)
        if middle:
            kill = signal_rows(cap, cmd.pid, "SIGKILL")
            ck.fields(kill[0] if kill else None, what + " SIGKILL",
                      by_pid=cmd.pid)
    ck.raise_if_failed()


FORKS = 1000


def test_command_fork_burst(env):
    """A command that forks FORKS children as fast as it can: not one of
    them is missed."""
    path = env.workload("burst")
    with Cleanup() as cl:
        cmd = cl.add(Command(env, "command-burst", [path, str(FORKS)]))
        cap, out = cmd.finish(0)
    f = {}
    for line in out.splitlines(True):
        add_fact(f, line, "workload burst")
    ck = Check()
    c = cmd.pid
    ck.eq("workload's own pid", f.get("parent_pid"), c)
    ck.eq("workload's own count", f.get("children"), str(FORKS))
    total, by_kind, lost = cap.summary()
    ck.eq("lost events", lost, 0)
    forks = [r["pid"] for r in cap.rows
             if r["event"] == "fork" and r["by_pid"] == c]
    exits = [r["pid"] for r in cap.rows
             if r["event"] == "exit" and r["ppid"] == c]
    reaps = [r["pid"] for r in cap.rows
             if r["event"] == "reap" and r["by_pid"] == c]
    ck.eq("fork rows by the command", len(forks), FORKS)
    ck.eq("distinct children forked", len(set(forks)), FORKS)
    ck.eq("exit rows of its children", len(exits), FORKS)
    ck.eq("reap rows by the command", len(reaps), FORKS)
    ck.true(set(forks) == set(exits) == set(reaps),
            "the children forked, exited and reaped are not the same %d "
            "processes" % FORKS)
    check_rows_of(ck, cap, [c] + forks, "command burst")
    # every child's exit sends the command a SIGCHLD, ignored or not
    check_command_rows(ck, cap, cmd, ["signal:SIGCHLD"] * FORKS)
    ck.raise_if_failed()


def test_command_sigterm(env):
    """SIGTERM to proctrace goes to the command; proctrace exits 143."""
    with Cleanup() as cl:
        cmd = cl.add(Command(env, "command-sigterm",
                             [env.workload("wait_signal")]))
        f = cmd.facts_until("waiting")
        cmd.tracer.proc.send_signal(signal.SIGTERM)
        cap, out = cmd.finish(128 + signal.SIGTERM)
    ck = Check()
    ck.eq("workload's own pid", f["pid"], cmd.pid)
    ck.eq("the command's stdout after it waited", out, "")
    check_rows_of(ck, cap, [cmd.pid], "command wait_signal")
    check_command_rows(ck, cap, cmd, ["signal:SIGTERM"])
    term = signal_rows(cap, cmd.pid, "SIGTERM")
    ck.fields(term[0] if term else None, "SIGTERM of the command",
              by_pid=cmd.tracer_pid)
    ck.fields(first(cap, cmd.pid, "exit"), "command exit", signal="SIGTERM",
              exit_code="")
    ck.raise_if_failed()


def pipes_above_stdio(pid):
    pipes = set()
    for fd in os.listdir("/proc/%s/fd" % pid):
        try:
            target = os.readlink("/proc/%s/fd/%s" % (pid, fd))
        except OSError:
            continue
        if int(fd) > 2 and target.startswith("pipe:"):
            pipes.add(target)
    return pipes


def stop_while_held(proc):
    """Stop proctrace (SIGSTOP) once it has forked the command; True if the
    command is still held then: proctrace still has the pipe the command
    waits on (it closes it when it releases the command)."""
    children = "/proc/%d/task/%d/children" % (proc.pid, proc.pid)
    kids = []
    while not kids and proc.poll() is None:
        with open(children) as f:
            kids = f.read().split()
    if not kids:
        return False
    os.kill(proc.pid, signal.SIGSTOP)
    _, status = os.waitpid(proc.pid, os.WUNTRACED)
    if not os.WIFSTOPPED(status):
        raise Failure("proctrace did not stop (status %#x)" % status)
    try:
        return bool(pipes_above_stdio(proc.pid) & pipes_above_stdio(kids[0]))
    except OSError:
        return False


def test_command_sigterm_held(env):
    """SIGTERM to proctrace while the command is still held (the BPF
    programs are loading) is the command's all the same: it must not run
    as if nothing came; proctrace exits 143. The command would exit 5."""
    args = [env.proctrace, "-q", "--", "sh", "-c", "exit 5"]
    for attempt in range(5):
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, errors="replace",
                                env=plain_environ())
        try:
            held = stop_while_held(proc)
            proc.send_signal(signal.SIGTERM)
            proc.send_signal(signal.SIGCONT)
            out, err = proc.communicate(timeout=60)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        if held:
            break
    else:
        raise Failure("could not stop proctrace before it released the "
                      "command in 5 attempts")
    ck = Check()
    ck.true(not SANITIZER.search(err), "sanitizer report: %s" % tail(err, 20))
    ck.eq("exit status after SIGTERM to a held command (stderr: %s)"
          % tail(err, 3), proc.returncode, 128 + signal.SIGTERM)
    ck.raise_if_failed()


def test_command_as_user(env):
    """Under sudo (its variables set, running as root) the command runs as
    the user who ran sudo, with that user's groups; --as-root keeps root;
    -u USER picks the user."""
    sudo = dict(plain_environ(), SUDO_UID=NOBODY, SUDO_GID=NOBODY,
                SUDO_USER="nobody")
    groups = sorted(str(g) for g in os.getgrouplist("nobody", int(NOBODY)))
    runs = (
        ("sudo", ["id", "-u"], [], sudo, NOBODY + "\n", NOBODY),
        ("sudo-groups", ["id", "-G"], [], sudo, None, NOBODY),
        ("as-root", ["id", "-u"], ["--as-root"], sudo, "0\n", "0"),
        ("user", ["id", "-u"], ["-u", "nobody"], None, NOBODY + "\n",
         NOBODY),
    )
    ck = Check()
    for name, command, opts, environ, out, uid in runs:
        with Cleanup() as cl:
            cmd = cl.add(Command(env, "command-" + name, command, opts,
                                 environ))
            cap, got_out = cmd.finish(0)
        what = "%s: %s" % (name, " ".join(command))
        if out is None:
            ck.eq(what + ": groups", sorted(got_out.split()), groups)
        else:
            ck.eq(what + ": stdout", got_out, out)
        check_rows_of(ck, cap, [cmd.pid], what)
        check_command_rows(ck, cap, cmd)
        for r in cap.of(cmd.pid):
            if r["event"] != "snapshot":  # held, not yet the user
                ck.eq("%s: uid on the %s row" % (what, r["event"]),
                      r["uid"], uid)
    ck.raise_if_failed()


TESTS = [test_command_exit_status, test_command_fork_burst,
    test_command_sigterm, test_command_sigterm_held, test_command_as_user]
