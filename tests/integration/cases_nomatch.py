# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""A selection that can match nothing says so: a live -g or -p of a group
or pid that does not exist is one error line and exit status 1; a --uid or
-c that no process has now, and a -p pid that does not pass -g/-c/--uid,
are said on stderr before tracing; --since after --until is a usage error;
a replay whose selection keeps no row says so."""

import os
import subprocess

from harness import Check, SANITIZER, tail
from cases import check_one_error_line, run_tracer
from cases_outfile import scratch

def live(env, args):
    """proctrace -q -d 0.5 ARGS: the completed process."""
    return run_tracer(env, ["-q", "-d", "0.5"] + args)


def processes():
    """(pid, pgid, uid, comm) of every process now."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
            with open("/proc/%s/status" % name) as f:
                uid = next(int(l.split()[1]) for l in f if l.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        pgid = int(stat[stat.rindex(")") + 1:].split()[2])
        out.append((int(name), pgid, uid, comm))
    return out


def absent_pgid():
    """A process group that does not exist (nor a pid of that number)."""
    taken = {p for pr in processes() for p in pr[:2]}
    return next(n for n in range(32767, 2, -1) if n not in taken)


def check_said(ck, what, p, words, rc=0):
    ck.eq("%s: exit status (%s)" % (what, tail(p.stderr, 3)), p.returncode, rc)
    ck.true(words in p.stderr, "%s: stderr should say %r: %r"
            % (what, words, p.stderr.strip()))
    ck.true(not SANITIZER.search(p.stderr),
            "%s: sanitizer report: %s" % (what, tail(p.stderr, 20)))


def test_nomatch_live(env):
    ck = Check()
    g = absent_pgid()
    for args in (["-g", str(g)], ["-g", str(g), "-p", str(os.getpid())],
                 ["-p", str(g)]):
        p = live(env, args)
        what = "proctrace " + " ".join(args)
        ck.eq(what + ": exit status", p.returncode, 1)
        check_one_error_line(ck, what, p.stderr)
        ck.true(str(g) in p.stderr, "%s: %r" % (what, p.stderr.strip()))
    # a uid no process runs as (other tests on the machine use some)
    taken = {pr[2] for pr in processes()}
    uid = next(u for u in range(54321, 65000) if u not in taken)
    p = live(env, ["--uid", str(uid)])
    check_said(ck, "--uid %d" % uid, p, "no process runs as uid %d now" % uid)
    p = live(env, ["-c", "pt-no-such"])
    check_said(ck, "-c pt-no-such", p, "no process is named pt-no-such now")
    # -p of ours and -g of another group that exists: -p itself does not
    # pass; said, traced all the same
    other = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        p = live(env, ["-p", str(os.getpid()), "-g", str(other.pid)])
    finally:
        other.kill()
        other.wait()
    check_said(ck, "-p (ours) -g (another group)", p,
               "pid %d (" % os.getpid())
    ck.raise_if_failed()


def test_nomatch_replay(env):
    ck = Check()
    d = scratch(env, "nomatch")
    capture = os.path.join(d, "capture.csv")
    p = run_tracer(env, ["-q", "-o", capture, "--", "true"])
    ck.eq("the capture: exit status (%s)" % tail(p.stderr, 3), p.returncode, 0)
    for args in (["-p", "424242"], ["-c", "pt-no-such"],
                 ["--since", "1000"]):
        p = run_tracer(env, ["--replay", capture, "-q"] + args)
        check_said(ck, "replay " + " ".join(args), p,
                   "%s: no row matches the selection" % capture)
    p = run_tracer(env, ["--replay", capture, "-q", "--since", "3",
                         "--until", "1"])
    ck.eq("--since 3 --until 1: exit status", p.returncode, 2)
    ck.true(p.stderr.startswith("proctrace: --since is after --until"),
            "--since 3 --until 1: %r" % p.stderr[:200])
    p = run_tracer(env, ["--replay", capture, "-q", "--since", "0"])
    ck.true("no row matches" not in p.stderr,
            "--since 0 said no row matches: %r" % p.stderr.strip())
    ck.raise_if_failed()


TESTS = [test_nomatch_live, test_nomatch_replay]
