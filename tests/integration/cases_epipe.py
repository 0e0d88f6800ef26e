# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""stdout closed by its reader (`proctrace ... | head`): proctrace ends
quietly with status 0, as `ps | head` does, and the outputs to files are
whole: a replay's are made from every row, a live run's end on a whole row
and are at their paths."""

import os
import subprocess

from harness import Check, Failure, SANITIZER, tail
from cases_outfile import json_file_lines, scratch

FORKS = 2000  # rows enough to fill a pipe many times over
EXIT_TIMEOUT = 120


def head_one(argv):
    """Run argv with stdout into a pipe, read one line and close the pipe,
    as `head -1` does; (exit status, the line, stderr)."""
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line = p.stdout.readline()
    p.stdout.close()
    try:
        err = p.stderr.read()
        rc = p.wait(EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        raise Failure("%s did not end once its reader had gone"
                      % " ".join(argv[1:]))
    return rc, line.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def check_quiet(ck, what, rc, line, err):
    ck.eq("%s: exit status (%s)" % (what, tail(err, 3)), rc, 0)
    ck.true(line, what + ": nothing read on stdout")
    bad = [l for l in err.splitlines() if l.startswith("proctrace: ")
           and ("Broken pipe" in l or "writing" in l)]
    ck.eq(what + ": error lines", bad, [])
    ck.true(not SANITIZER.search(err),
            "%s: sanitizer report: %s" % (what, tail(err, 20)))


def burst_capture(env, d, name, fmt):
    """A capture of the burst workload in d (fmt: -o for CSV, -j for
    JSONL); its path."""
    cap = os.path.join(d, name)
    p = subprocess.run([env.proctrace, "-q", fmt, cap, "--",
                        env.workload("burst"), str(FORKS)],
                       capture_output=True, text=True, errors="replace",
                       stdin=subprocess.DEVNULL, timeout=EXIT_TIMEOUT)
    if p.returncode != 0:
        raise Failure("the capture: exit %d: %s" % (p.returncode,
                                                    tail(p.stderr)))
    return cap


def test_epipe_replay_and_live(env):
    ck = Check()
    d = scratch(env, "epipe")
    cap = burst_capture(env, d, "cap.jsonl", "-j")
    rows = len(json_file_lines(ck, cap))
    ck.true(rows > 4 * FORKS, "the capture has %d rows only" % rows)
    for what, args in (("the stream", []), ("-o -", ["-o", "-"])):
        out = os.path.join(d, "replay-%d.jsonl" % len(what))
        argv = [env.proctrace, "--replay", cap, "-j", out] + args
        rc, line, err = head_one(argv)
        check_quiet(ck, "replay, %s | head -1" % what, rc, line, err)
        # the file is made from every row all the same
        ck.eq("replay, %s | head -1: rows of -j FILE" % what,
              len(json_file_lines(ck, out)) if os.path.exists(out) else None,
              rows)
    rc, line, err = head_one([env.proctrace, "--replay", cap, "-t", "-q"])
    check_quiet(ck, "replay --tree | head -1", rc, line, err)
    # live, the whole machine (its start-up snapshot alone fills the pipe)
    out = os.path.join(d, "live.jsonl")
    rc, line, err = head_one([env.proctrace, "-o", "-", "-j", out])
    check_quiet(ck, "live -o - | head -1", rc, line, err)
    ck.true(line.startswith("ts_ns,"), "live -o -: first line %r" % line)
    ck.true(os.path.exists(out) and json_file_lines(ck, out),
            "live -o - | head -1: no rows in -j FILE")
    ck.eq("files left", sorted(os.listdir(d)),
          ["cap.jsonl", "live.jsonl", "replay-10.jsonl", "replay-4.jsonl"])
    ck.raise_if_failed()


def test_epipe_at_close(env):
    """A small replay into a pipe already closed: every write is held in
    stdio's buffer until the outputs are closed, so the reader's absence is
    found only there, for each output that can be on stdout."""
    ck = Check()
    d = scratch(env, "epipe-close")
    cap = os.path.join(d, "cap.csv")
    p = subprocess.run([env.proctrace, "-q", "-o", cap, "--",
                        env.workload("burst"), "3"],
                       capture_output=True, text=True, errors="replace",
                       stdin=subprocess.DEVNULL, timeout=EXIT_TIMEOUT)
    if p.returncode != 0:
        raise Failure("the capture: exit %d: %s" % (p.returncode,
                                                    tail(p.stderr)))
    for args in ([], ["-o", "-"], ["-j", "-"], ["--perfetto", "-"],
                 ["--svg", "-"], ["-t"], ["-T"], ["-t", "-o", "-"]):
        what = "replay %s into a closed pipe" % " ".join(args or ["(stream)"])
        r, w = os.pipe()
        os.close(r)
        try:
            p = subprocess.run([env.proctrace, "--replay", cap]
                               + (["-q"] if args else []) + args,
                               stdin=subprocess.DEVNULL, stdout=w,
                               stderr=subprocess.PIPE, timeout=EXIT_TIMEOUT)
        finally:
            os.close(w)
        err = p.stderr.decode("utf-8", "replace")
        ck.eq("%s: exit status (%s)" % (what, tail(err, 3)), p.returncode, 0)
        bad = [l for l in err.splitlines() if l.startswith("proctrace: ")
               and ("Broken pipe" in l or "writing" in l)]
        ck.eq(what + ": error lines", bad, [])
        ck.true(not SANITIZER.search(err),
                "%s: sanitizer report: %s" % (what, tail(err, 20)))
    ck.raise_if_failed()


def test_epipe_stream_then_views(env):
    """The stream and a text view both on stdout (`--replay FILE -t | head
    -1`, `proctrace -t -- COMMAND | head -1`): the stream meets the closed
    pipe first, the views are then not written and proctrace ends quietly,
    status 0, the SVG of --svg made all the same. (stdout kept the stream's
    error: the views' write failed as 'Input/output error', status 1.)"""
    ck = Check()
    d = scratch(env, "epipe-views")
    cap = burst_capture(env, d, "cap.csv", "-o")
    svg = os.path.join(d, "t.svg")
    for args in (["-t"], ["-T"], ["-t", "-T", "--svg", svg]):
        what = "replay %s | head -1" % " ".join(args)
        rc, line, err = head_one([env.proctrace, "--replay", cap] + args)
        check_quiet(ck, what, rc, line, err)
        ck.true(line.startswith("TIME "), "%s: first line %r" % (what, line))
    with open(svg, encoding="utf-8", errors="replace") as f:
        ck.true(f.read().rstrip().endswith("</svg>"),
                "replay -t -T --svg | head -1: the SVG is not whole")
    rc, line, err = head_one([env.proctrace, "-t", "--",
                              env.workload("burst"), str(FORKS)])
    check_quiet(ck, "live -t -- burst | head -1", rc, line, err)
    ck.raise_if_failed()


TESTS = [test_epipe_replay_and_live, test_epipe_at_close,
         test_epipe_stream_then_views]
