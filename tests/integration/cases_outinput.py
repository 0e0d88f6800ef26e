# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""A replay's input is no output: an output naming it (by path or through a
link) is a usage error (exit 2) that leaves the capture as it was; and
stdout ('-') carries one output at most, --svg as the others."""

import os
import subprocess

from cases_outfile import read_text, scratch
from cases_outnames import check_ran, run
from harness import Check


def test_outinput_replay_input_is_no_output(env):
    """--replay v.csv with -o, -j, --svg, --perfetto or --db on v.csv, its
    hard or symbolic link: exit 2, v.csv unchanged, nothing beside it."""
    ck = Check()
    d = scratch(env, "outinput")
    v = os.path.join(d, "v.csv")
    p = run(env, ["-o", v])
    check_ran(ck, "the capture", p)
    want = read_text(v)
    os.link(v, os.path.join(d, "hard.csv"))
    os.symlink("v.csv", os.path.join(d, "sym.csv"))
    for opt in ("-o", "-j", "--svg", "--perfetto", "--db"):
        for name in ("v.csv", "hard.csv", "sym.csv"):
            args = ["--replay", v, "--since", "0.001", opt,
                    os.path.join(d, name)]
            p = run(env, args, command=False)
            what = "proctrace " + " ".join(args)
            ck.eq(what + ": exit status", p.returncode, 2)
            first = p.stderr.splitlines()[:1]
            ck.true(first and "is the --replay input" in first[0],
                    "%s: first line %r" % (what, first))
            ck.eq(what + ": the capture", read_text(v), want)
            ck.eq(what + ": files", sorted(os.listdir(d)),
                  ["hard.csv", "sym.csv", "v.csv"])
    ck.raise_if_failed()


def test_outinput_one_output_on_stdout(env):
    """Any two of -o, -j, --svg, --perfetto on '-': exit 2, nothing on
    stdout; --svg - alone takes stdout from the live stream."""
    ck = Check()
    d = scratch(env, "outstdout")
    v = os.path.join(d, "v.csv")
    check_ran(ck, "the capture", run(env, ["-o", v]))
    opts = ("-o", "-j", "--svg", "--perfetto")
    for i, a in enumerate(opts):
        for b in opts[i + 1:]:
            args = ["--replay", v, a, "-", b, "-"]
            p = run(env, args, command=False)
            what = "proctrace " + " ".join(args)
            ck.eq(what + ": exit status", p.returncode, 2)
            ck.eq(what + ": stdout", p.stdout, "")
            ck.true("both write to stdout" in p.stderr,
                    "%s: stderr %r" % (what, p.stderr.strip()))
    # without -q: the SVG alone on stdout, not the stream before it
    p = subprocess.run([env.proctrace, "--replay", v, "--svg", "-"],
                       capture_output=True, text=True, errors="replace",
                       stdin=subprocess.DEVNULL, timeout=300)
    check_ran(ck, "--replay --svg - without -q", p)
    ck.true(p.stdout.startswith("<?xml") and p.stdout.rstrip().endswith(
        "</svg>"), "--svg - without -q: stdout %r...%r"
        % (p.stdout[:60], p.stdout[-60:]))
    ck.raise_if_failed()


TESTS = [
    test_outinput_replay_input_is_no_output,
    test_outinput_one_output_on_stdout,
]
