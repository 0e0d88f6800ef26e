# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Integration tests of the end of a command run under proctrace: once the
command has exited, a signal to proctrace is never passed on to its pid
(which another process may hold by then), and ends tracing at once, the
first time, with the command's exit status.

The command is `sh -c 'sleep 60 & ...; exit 3'`: its background sleep
keeps proctrace tracing after sh has exited and been reaped.
"""

import os
import signal
import subprocess
import time

from harness import Check, Failure, WORKLOAD_TIMEOUT
from procs import Cleanup, Command
from cases import signal_rows

PID_TRIES = 200  # forks to land a new process on one pid; others fork too


class Proc:
    """A process of the test's own, killed at the end whatever happens."""

    def __init__(self, pid):
        self.pid = int(pid)

    def kill(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def parent_of(pid):
    """pid's parent, or None once there is no such process."""
    try:
        with open("/proc/%s/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[1]
    except (OSError, IndexError):
        return None


def wait_reaped(cmd):
    """Return once proctrace has reaped its command: the pid is gone, or
    belongs to a process that is not proctrace's child."""
    waited = 0.0
    while parent_of(cmd.pid) == cmd.tracer_pid:
        if waited > WORKLOAD_TIMEOUT:
            raise Failure("proctrace did not reap its command %s" % cmd.pid)
        time.sleep(0.02)  # a gate: what is checked is the state, not time
        waited += 0.02


def stranger_on(pid):
    """A `sleep 300` of our own with exactly this pid (placed through
    ns_last_pid); the Popen, or a Failure after PID_TRIES tries."""
    want = int(pid)
    for _ in range(PID_TRIES):
        with open("/proc/sys/kernel/ns_last_pid", "w") as f:
            f.write(str(want - 1))
        p = subprocess.Popen(["sleep", "300"], stdin=subprocess.DEVNULL)
        if p.pid == want:
            return p
        p.kill()
        p.wait()
    raise Failure("could not start a process with pid %s in %d tries"
                  % (pid, PID_TRIES))


def command_with_background(env, name):
    """proctrace -- sh whose background sleep outlives it; (cmd, the
    sleep) once sh has exited and proctrace has reaped it."""
    cmd = Command(env, name, ["sh", "-c", "sleep 60 >/dev/null & echo bg=$!; exit 3"])
    try:
        bg = Proc(cmd.facts_until("bg")["bg"])
        wait_reaped(cmd)
    except BaseException:
        cmd.kill()
        raise
    return cmd, bg


def test_command_ended_stranger_survives(env):
    """SIGTERM after the command was reaped, while a stranger holds its old
    pid: the stranger lives, proctrace ends at once with the command's
    status (3) and records no signal to that pid."""
    with Cleanup() as cl:
        cmd, bg = command_with_background(env, "command-end-stranger")
        cl.add(cmd)
        cl.add(bg)
        stranger = stranger_on(cmd.pid)
        cl.add(Proc(stranger.pid))
        cmd.tracer.proc.send_signal(signal.SIGTERM)
        cap, _ = cmd.finish(3)
        alive = stranger.poll() is None
        stranger.kill()
        stranger.wait()
        bg.kill()
    ck = Check()
    ck.true(alive, "the stranger on the command's old pid %s was killed "
            "(status %s)" % (cmd.pid, stranger.returncode))
    ck.eq("signal rows to the old pid after the command's exit",
          [r["signal"] for r in signal_rows(cap, cmd.pid, "SIGTERM")], [])
    ck.raise_if_failed()


def test_command_ended_sigint_once(env):
    """One Ctrl-C after the command has exited, its background sleep still
    running: proctrace ends, with the command's status."""
    with Cleanup() as cl:
        cmd, bg = command_with_background(env, "command-end-sigint")
        cl.add(cmd)
        cl.add(bg)
        cmd.tracer.proc.send_signal(signal.SIGINT)
        cmd.finish(3)
        alive = parent_of(bg.pid) is not None
        bg.kill()
    ck = Check()
    ck.true(alive, "the command's background sleep %s was signalled"
            % bg.pid)
    ck.raise_if_failed()


def test_command_sigterm_ends_with_command(env):
    """SIGTERM while the command runs: passed on to it, and tracing ends
    when it has exited (status 143), not when the sleep it left running
    does: that sleep is still alive when proctrace has ended."""
    with Cleanup() as cl:
        cmd = cl.add(Command(env, "command-end-term", [
            "sh", "-c", "sleep 60 >/dev/null & echo bg=$!; wait"]))
        bg = cl.add(Proc(cmd.facts_until("bg")["bg"]))
        cmd.tracer.proc.send_signal(signal.SIGTERM)
        cap, _ = cmd.finish(143)
        alive = parent_of(bg.pid) is not None
        bg.kill()
    ck = Check()
    ck.true(alive, "the command's background sleep %s ended before "
            "proctrace did" % bg.pid)
    ck.eq("signal rows: SIGTERM to the command",
          [r["signal"] for r in signal_rows(cap, cmd.pid, "SIGTERM")],
          ["SIGTERM"])
    ck.raise_if_failed()


def test_command_with_pid_filter_ends(env):
    """-p 1 -- true: the followed processes are every process, not the
    command's; the run ends when the command exits, with its status."""
    with Cleanup() as cl:
        cmd = cl.add(Command(env, "command-end-p1", ["sh", "-c", "exit 4"],
                             opts=["-p", "1"]))
        cap, _ = cmd.finish(4)
    ck = Check()
    ck.true(cap.of(cmd.pid, "exit"), "no exit row of the command %s"
            % cmd.pid)
    ck.raise_if_failed()


TESTS = [
    test_command_ended_stranger_survives,
    test_command_sigterm_ends_with_command,
    test_command_ended_sigint_once,
    test_command_with_pid_filter_ends,
]
