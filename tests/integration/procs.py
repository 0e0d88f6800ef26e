# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Processes the integration tests talk to: their lines read as they come
(Lines), a workload held at a gate until released (Held), a command run
under proctrace (Command), and what is left to end after a test (Cleanup)."""

import os
import queue
import re
import subprocess
import threading

from harness import (Capture, Failure, READY, SANITIZER, WORKLOAD_BROKEN,
                     WORKLOAD_TIMEOUT, check_summary, read_csv, tail)


NOBODY = "65534"
SUDO_VARS = ("SUDO_UID", "SUDO_GID", "SUDO_USER", "SUDO_COMMAND")
COMMAND_READY = re.compile(
    r"^proctrace: tracing (.*) \(pid (\d+)\) and its descendants$")


# ---- processes the runner talks to ----

class Lines:
    """The lines of a pipe, read by a thread, so that a test can wait for
    the next one without hanging forever."""

    def __init__(self, stream, what):
        self.what = what
        self.queue = queue.Queue()
        self.ended = False
        self.thread = threading.Thread(target=self._read, args=(stream,),
                                       daemon=True)
        self.thread.start()

    def _read(self, stream):
        for line in stream:
            self.queue.put(line)
        self.queue.put(None)

    def next(self):
        """The next line, or None at the end of the pipe."""
        if self.ended:
            return None
        try:
            line = self.queue.get(timeout=WORKLOAD_TIMEOUT)
        except queue.Empty:
            raise Failure("%s said nothing for %ds"
                          % (self.what, WORKLOAD_TIMEOUT))
        self.ended = line is None
        return line

    def rest(self):
        """Every line left, once the pipe has ended."""
        out = []
        line = self.next()
        while line is not None:
            out.append(line)
            line = self.next()
        return out


def add_fact(facts, line, what):
    key, sep, value = line.rstrip("\n").partition("=")
    if not sep or key in facts:
        raise Failure("%s: bad fact line %r" % (what, line))
    facts[key] = value


class Held:
    """A workload that holds until the runner writes one byte on its stdin,
    once per hold; its facts are read as they come, so the runner learns
    the pids it needs before letting it go on."""

    def __init__(self, path, args=()):
        self.what = "workload " + os.path.basename(path)
        self.proc = subprocess.Popen([path] + list(args),
                                     stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE,
                                     text=True, errors="replace")
        self.out = Lines(self.proc.stdout, self.what)
        self.facts = {}

    def fact(self, key):
        """Wait for fact key and return it."""
        while key not in self.facts:
            line = self.out.next()
            if line is None:
                self.proc.wait(WORKLOAD_TIMEOUT)
                raise Failure("%s ended (exit %s) before saying %s: %s"
                              % (self.what, self.proc.returncode, key,
                                 tail(self.proc.stderr.read())))
            add_fact(self.facts, line, self.what)
        return self.facts[key]

    def go(self):
        self.proc.stdin.write("g")
        self.proc.stdin.flush()

    def finish(self):
        """Wait for its end; its facts, as run_workload() returns them."""
        self.proc.stdin.close()
        try:
            rc = self.proc.wait(WORKLOAD_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failure("%s timed out" % self.what)
        for line in self.out.rest():
            add_fact(self.facts, line, self.what)
        if rc != 0:
            raise Failure("%s %s (exit %d): %s"
                          % (self.what, "broken" if rc == WORKLOAD_BROKEN
                             else "failed", rc,
                             tail(self.proc.stderr.read())))
        self.facts["_pid_of_runner"] = str(os.getpid())
        return self.facts

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


class Command:
    """proctrace [OPTS] -- COMMAND: the command's pid from the ready line,
    its stdout (proctrace's, which it inherits) line by line."""

    def __init__(self, env, name, command, opts=(), environ=None):
        self.command = list(command)
        self.tracer = env.tracer(name, list(opts) + ["--"] + self.command)
        self.tracer.start(stdout=subprocess.PIPE,
                          env=plain_environ() if environ is None else environ)
        self.out = Lines(self.tracer.proc.stdout, "the command")
        ready = [l for l in self.tracer.lines if l.startswith(READY)]
        m = COMMAND_READY.match(ready[0].rstrip("\n")) if ready else None
        if not m or m.group(1) != self.command[0]:
            self.kill()
            raise Failure("ready line: expected 'proctrace: tracing %s "
                          "(pid N) and its descendants', got %r"
                          % (self.command[0], ready))
        self.pid = m.group(2)
        self.tracer_pid = str(self.tracer.proc.pid)

    def facts_until(self, key):
        """The command's facts on stdout, up to and including key."""
        facts = {}
        while key not in facts:
            line = self.out.next()
            if line is None:
                raise Failure("the command's stdout ended before %s" % key)
            add_fact(facts, line, "the command")
        return facts

    def finish(self, want_rc):
        """Wait for proctrace to end by itself: require exit status
        want_rc, a summary and no sanitizer report. Returns the capture and
        the rest of stdout."""
        rc = self.tracer.wait_exit()
        out = "".join(self.out.rest())
        err = self.tracer.stderr()
        if SANITIZER.search(err):
            raise Failure("sanitizer report: %s" % tail(err, 20))
        if rc != want_rc:
            raise Failure("proctrace -- %s exited %s, expected %s: %s"
                          % (" ".join(self.command), rc, want_rc, tail(err)))
        cap = Capture(read_csv(self.tracer.csv_path), err)
        check_summary(cap)
        return cap, out

    def kill(self):
        self.tracer.kill()


class Cleanup:
    """Kills what a test started if the test fails halfway."""

    def __init__(self):
        self.things = []

    def add(self, thing):
        self.things.append(thing)
        return thing

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is not None:
            for thing in reversed(self.things):
                thing.kill()
        return False


def plain_environ():
    """Our environment without sudo's variables: a command runs as root
    unless a test says otherwise, even when the tests run under sudo."""
    return {k: v for k, v in os.environ.items() if k not in SUDO_VARS}
