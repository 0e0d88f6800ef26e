# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Output files by name: every kind of output (CSV, JSON Lines, a rotation,
SVG, Perfetto, the database), live and replayed, under base names of 1,
13, 64, 248 and 255 bytes (NAME_MAX; a database's NAME-journal cannot be
beside 248) lands at exactly its path with nothing left beside it;
a run killed with SIGKILL leaves nothing beside the files made at its end;
two outputs naming one file are a usage error; a run that fails leaves the
files already at its output paths as they were.

`make check-valgrind` runs these tests with proctrace under valgrind."""

import json
import os
import signal
import sqlite3
import subprocess

from harness import Check, Failure, SANITIZER, Tracer, tail
from cases import true_path
from cases_outfile import (csv_file_rows, json_file_lines, read_text,
                           rotated_files, scratch)

LENGTHS = (1, 13, 64, 248, 255)
NAME_MAX = 255
RUN_TIMEOUT = 300  # valgrind is slow


def run(env, args, command=True, env_vars=None):
    """proctrace -q ARGS [-- true]: the completed process."""
    argv = [env.proctrace, "-q"] + args + (["--", true_path()] if command
                                           else [])
    try:
        return subprocess.run(argv, capture_output=True, text=True,
                              errors="replace", stdin=subprocess.DEVNULL,
                              timeout=RUN_TIMEOUT,
                              env=dict(os.environ, **(env_vars or {})))
    except subprocess.TimeoutExpired:
        raise Failure("proctrace %s did not exit" % " ".join(args))


def names(length):
    """One base name of `length` bytes per output, told apart by letter."""
    return {k: k * length for k in ("c", "j", "s", "p", "d")}


def output_args(d, n):
    return ["-o", os.path.join(d, n["c"]), "-j", os.path.join(d, n["j"]),
            "--svg", os.path.join(d, n["s"]),
            "--perfetto", os.path.join(d, n["p"])] + (
                ["--db", os.path.join(d, n["d"])] if "d" in n else [])


def check_ran(ck, what, p, want=0):
    ck.eq("%s: exit status (%s)" % (what, tail(p.stderr, 3)), p.returncode,
          want)
    ck.true(not SANITIZER.search(p.stderr),
            "%s: sanitizer report: %s" % (what, tail(p.stderr, 20)))


def check_outputs(ck, what, d, n):
    """Exactly the files of n in d, each whole of its kind."""
    ck.eq(what + ": files", sorted(os.listdir(d)), sorted(n.values()))
    path = {k: os.path.join(d, v) for k, v in n.items()}
    if not all(os.path.exists(p) for p in path.values()):
        return
    ck.true(csv_file_rows(ck, path["c"]), what + ": no CSV rows")
    ck.true(json_file_lines(ck, path["j"]), what + ": no JSON lines")
    ck.true("<svg" in read_text(path["s"]), what + ": the SVG has no <svg")
    try:
        with open(path["p"]) as f:
            ck.true(json.load(f).get("traceEvents"),
                    what + ": no traceEvents in the Perfetto trace")
    except ValueError as e:
        ck.fail("%s: the Perfetto trace is not JSON: %s" % (what, e))
    if "d" in path:
        ck.eq(what + ": the database's events and trace", db_rows(ck, path["d"]),
              (len(csv_file_rows(ck, path["c"])), 1))


def db_rows(ck, path):
    """(events, complete) of the database at path, read by any SQLite."""
    try:
        db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        try:
            return (db.execute("SELECT count(*) FROM events").fetchone()[0],
                    db.execute("SELECT complete FROM trace").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error as e:
        ck.fail("%s: %s" % (path, e))
        return None


def check_rotation(ck, what, p, d, base):
    """A rotation of base in d: base and base.1..., every file with its
    header, nothing else in d."""
    check_ran(ck, what, p)
    files = rotated_files(os.path.join(d, base))
    ck.true(len(files) > 1, "%s: no rotation (%s)" % (what, files))
    ck.eq(what + ": files", sorted(os.listdir(d)),
          sorted(os.path.basename(f) for f in files))
    for f in files:
        csv_file_rows(ck, f)


def test_outnames_every_output(env):
    """Live, replayed and rotated outputs under names of 1 to 255 bytes."""
    ck = Check()
    for length in LENGTHS:
        n = names(length)
        live = scratch(env, "live-%d" % length)
        p = run(env, output_args(live, n))
        check_ran(ck, "live, names of %d bytes" % length, p)
        check_outputs(ck, "live, names of %d bytes" % length, live, n)
        capture = os.path.join(live, n["c"])
        if not os.path.exists(capture):
            continue
        replay = scratch(env, "replay-%d" % length)
        what = "replay, names of %d bytes" % length
        p = run(env, ["--replay", capture] + output_args(replay, n),
                command=False)
        check_ran(ck, what, p)
        check_outputs(ck, what, replay, n)
        if os.path.exists(os.path.join(replay, n["c"])):
            ck.true(read_text(os.path.join(replay, n["c"]))
                    == read_text(capture),
                    "%s: the CSV re-export differs from the capture" % what)
        for mode in ("live", "replay"):
            rot = scratch(env, "rotate-%s-%d" % (mode, length))
            what = "%s rotation, names of %d bytes" % (mode, length)
            args = ["--rotate", "256", "-o", os.path.join(rot, n["c"])]
            p = (run(env, args) if mode == "live" else
                 run(env, ["--replay", capture] + args, command=False))
            if length + len(".5") <= NAME_MAX:
                check_rotation(ck, what, p, rot, n["c"])
                continue
            # NAME.5 cannot exist: said before anything is written
            check_ran(ck, what, p, 1)
            ck.true("cannot rotate" in p.stderr,
                    "%s: stderr %r" % (what, p.stderr.strip()))
            ck.eq(what + ": files", os.listdir(rot), [])
    ck.raise_if_failed()


def test_outnames_same_file(env):
    """Two outputs on one file, by path, another spelling, a symbolic or a
    hard link: a usage error (exit 2) that writes nothing."""
    ck = Check()
    d = scratch(env, "same")
    a = os.path.join(d, "a.csv")
    with open(a, "w") as f:
        f.write("precious\n")
    os.symlink("a.csv", os.path.join(d, "sym.csv"))
    os.link(a, os.path.join(d, "hard.csv"))
    new = os.path.join(d, "new.json")
    for args in (["-o", a, "-j", a], ["-o", a, "--perfetto", a],
                 ["--svg", new, "--perfetto", os.path.join(d, ".", "new.json")],
                 ["-o", a, "-j", os.path.join(d, "sym.csv")],
                 ["-j", os.path.join(d, "hard.csv"), "-o", a],
                 ["-o", a, "--db", a], ["--db", new, "--svg", new]):
        p = run(env, args)
        what = "proctrace " + " ".join(args)
        ck.eq(what + ": exit status", p.returncode, 2)
        first = p.stderr.splitlines()[:1]
        ck.true(first and "same file" in first[0],
                "%s: first line %r" % (what, first))
    ck.eq("a.csv after the refusals", read_text(a), "precious\n")
    ck.eq("files", sorted(os.listdir(d)), ["a.csv", "hard.csv", "sym.csv"])
    p = run(env, ["-o", "/dev/null", "-j", "/dev/null"])
    check_ran(ck, "-o /dev/null -j /dev/null", p)
    ck.raise_if_failed()


def test_outnames_failed_run_keeps_files(env):
    """A replay that fails half-way (its input cut in a row), and live runs
    refused before tracing (their Perfetto trace's directory missing; an
    SVG the user proctrace runs as once attached cannot write, here nobody
    as sudo would say): every file at their output paths is as it was, the
    database too, and nothing is left beside."""
    ck = Check()
    src = scratch(env, "keep-src")
    capture = os.path.join(src, "capture.csv")
    p = run(env, ["-o", capture])
    check_ran(ck, "the capture", p)
    with open(capture, "rb") as f:
        raw = f.read()
    cut = os.path.join(src, "cut.csv")
    with open(cut, "wb") as f:
        f.write(raw[:len(raw) // 2] + b'"')  # a quote never closed
    d = scratch(env, "outnames-keep")
    n = {"c": "keep.csv", "j": "keep.jsonl", "s": "keep.svg",
         "p": "keep.json", "d": "keep.db"}
    for v in n.values():
        with open(os.path.join(d, v), "w") as f:
            f.write("precious %s\n" % v)
    os.chmod(d, 0o777)  # nobody may replace the files there, not in priv
    for v in n.values():
        os.chmod(os.path.join(d, v), 0o666)
    os.mkdir(os.path.join(d, "priv"), 0o700)
    live = ["-o", os.path.join(d, n["c"]), "-j", os.path.join(d, n["j"]),
            "--db", os.path.join(d, n["d"])]
    nobody = {"SUDO_UID": "65534", "SUDO_GID": "65534"}
    runs = [("replay of a file cut short", ["--replay", cut]
             + output_args(d, n), False, None),
            ("live run refused before tracing (Perfetto)",
             live + ["--perfetto", os.path.join(d, "missing", "x.json")],
             True, None),
            ("live run refused before tracing (SVG as nobody)",
             live + ["--svg", os.path.join(d, "priv", "x.svg")], True,
             nobody)]
    for what, args, command, env_vars in runs:
        p = run(env, args, command, env_vars)
        check_ran(ck, what, p, 1)
        for v in n.values():
            ck.eq("%s: %s" % (what, v), read_text(os.path.join(d, v)),
                  "precious %s\n" % v)
        ck.eq(what + ": files", sorted(os.listdir(d)),
              sorted(list(n.values()) + ["priv"]))
    ck.raise_if_failed()


def test_outnames_killed_leaves_nothing(env):
    """A live run killed with SIGKILL while tracing: the Perfetto trace and
    the SVG, made at the end, leave nothing in their directory (their check
    at the start made nothing there either), and the file that was at the
    trace's path is as it was."""
    ck = Check()
    d = scratch(env, "killed")
    old = os.path.join(d, "p.json")
    with open(old, "w") as f:
        f.write("precious\n")
    t = Tracer(env.proctrace, os.path.join(env.tmp, "killed.csv"),
               ["--perfetto", old, "--svg", os.path.join(d, "s.svg"),
                "-p", str(os.getpid())])
    t.start()
    ck.eq("while tracing: files", sorted(os.listdir(d)), ["p.json"])
    t.proc.send_signal(signal.SIGKILL)
    ck.eq("exit status", t.wait_exit(), -signal.SIGKILL)
    ck.eq("after SIGKILL: files", sorted(os.listdir(d)), ["p.json"])
    ck.eq("p.json after SIGKILL", read_text(old), "precious\n")
    ck.raise_if_failed()


def test_outnames_no_room_beside(env):
    """Every output on a file where no new file can be made (procfs): one
    line saying so, not ENOENT, exit 1 (SQLite's journal is such a file)."""
    ck = Check()
    for opt in ("-o", "-j", "--svg", "--perfetto", "--db"):
        p = run(env, [opt, "/proc/1/status"])
        what = "proctrace %s /proc/1/status" % opt
        check_ran(ck, what, p, 1)
        lines = p.stderr.splitlines()
        ck.eq(what + ": stderr lines", len(lines), 1)
        ck.true(lines and lines[0].startswith(
            "proctrace: cannot write /proc/1/status: no new file can be "
            "created beside it (its directory takes no new files)"),
            "%s: stderr %r" % (what, p.stderr))
    ck.raise_if_failed()


TESTS = [
    test_outnames_every_output,
    test_outnames_same_file,
    test_outnames_failed_run_keeps_files,
    test_outnames_killed_leaves_nothing,
    test_outnames_no_room_beside,
]
