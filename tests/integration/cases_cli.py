# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The command line and runtime errors: usage errors, an output that cannot
be written, a full disk, a closed pipe, and a run without root: each one
clear line on stderr and the right exit status."""

import shutil
import signal
import subprocess

from harness import Check, Failure, READY, SUMMARY, Tracer, tail
from cases import check_one_error_line, error_lines, run_tracer


def test_cli_usage_errors(env):
    ck = Check()
    for args in (["--no-such-option"], ["-d", "abc"], ["-d", "-1"],
                 ["--ringbuf-kb", "3"], ["--ringbuf-kb", "2"],
                 ["--ringbuf-kb", "6"], ["--ringbuf-kb", "abc"],
                 ["-o"]):
        p = run_tracer(env, args)
        what = "proctrace " + " ".join(args)
        ck.eq(what + ": exit status", p.returncode, 2)
        ck.true("usage" in p.stderr.lower(),
                "%s: no usage on stderr: %r" % (what, tail(p.stderr, 3)))
        ck.true(READY not in p.stderr, what + ": started tracing")
    p = run_tracer(env, ["--help"])
    ck.eq("proctrace --help: exit status", p.returncode, 0)
    ck.true("usage" in p.stdout.lower(), "proctrace --help: no usage on stdout")
    ck.raise_if_failed()


def test_cli_unwritable_output(env):
    ck = Check()
    p = run_tracer(env, ["-q", "-o", "/nonexistent/dir/x.csv"])
    ck.eq("-o /nonexistent/dir/x.csv: exit status", p.returncode, 1)
    check_one_error_line(ck, "-o /nonexistent/dir/x.csv", p.stderr)
    ck.raise_if_failed()


def make_events(count=40):
    """Short-lived processes, so the tracer has rows to write."""
    for _ in range(count):
        subprocess.run(["true"])


def test_cli_full_disk(env):
    tracer = Tracer(env.proctrace, "/dev/full")
    try:
        tracer.start()
    except Failure:
        pass  # failing before tracing is fine, if it says why
    for _ in range(20):
        if tracer.proc.poll() is not None:
            break
        make_events()
    if tracer.proc.poll() is None:
        tracer.proc.send_signal(signal.SIGINT)
    rc = tracer.wait_exit()
    err = tracer.stderr()
    ck = Check()
    ck.eq("-o /dev/full: exit status", rc, 1)
    ck.true(any("No space left" in l for l in error_lines(err)),
            "-o /dev/full: no 'No space left' line: %r" % error_lines(err))
    check_one_error_line(ck, "-o /dev/full", err)
    ck.raise_if_failed()


def test_cli_epipe(env):
    """proctrace -q -o - | head -n 1: the reader goes away; proctrace ends
    quietly, status 0, as `ps | head` does."""
    tracer = Tracer(env.proctrace, "-").start(stdout=subprocess.PIPE)
    make_events()
    header = tracer.proc.stdout.readline()
    tracer.proc.stdout.close()
    for _ in range(20):
        if tracer.proc.poll() is not None:
            break
        make_events()
    # The write that meets EPIPE may come with the last events: give the
    # tracer time to detach and exit (a gate, not a measured time).
    try:
        tracer.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        tracer.kill()
        raise Failure("still running after its reader went away")
    rc = tracer.wait_exit()
    err = tracer.stderr()
    ck = Check()
    ck.true(header.startswith("ts_ns,time,event,"),
            "first line on stdout: %r" % header[:60])
    ck.eq("exit status after EPIPE (%s)" % tail(err, 3), rc, 0)
    # The end's report: the summary line, and after it, where events were
    # lost (a loaded machine), the repair's line.
    lines = [l for l in error_lines(err)
             if not l.startswith("proctrace: repaired after lost events ")]
    ck.eq("error lines after EPIPE", lines[:-1], [])
    ck.true(SUMMARY.match(lines[-1] if lines else ""),
            "no summary line after EPIPE: %r" % err.strip())
    ck.raise_if_failed()


def test_cli_not_root(env):
    setpriv = shutil.which("setpriv")
    if not setpriv:
        raise Failure("setpriv (util-linux) is needed for this test")
    p = subprocess.run([setpriv, "--reuid=65534", "--regid=65534",
                        "--clear-groups", env.proctrace, "-q", "-o",
                        "/dev/null"], capture_output=True, text=True,
                       errors="replace", stdin=subprocess.DEVNULL,
                       timeout=60)
    ck = Check()
    ck.eq("as uid 65534: exit status", p.returncode, 1)
    check_one_error_line(ck, "as uid 65534", p.stderr)
    ck.true("root" in p.stderr or "sudo" in p.stderr,
            "as uid 65534: no mention of root or sudo: %r" % p.stderr.strip())
    ck.raise_if_failed()


TESTS = [
    test_cli_usage_errors, test_cli_unwritable_output, test_cli_full_disk,
    test_cli_epipe, test_cli_not_root,
]
