# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""JSON Lines (-j): every line is JSON for python and for jq, says what the
CSV row of the same event says (typed), and keeps hostile bytes exactly.

Each capture follows one command (-- COMMAND), so nothing else running on
the machine gets into it. The command is a small python driver that runs
the workloads one after the other, so one capture holds every kind of
event."""

import json
import os
import signal
import re
import sqlite3
import subprocess
import sys

import harness
from harness import (Capture, Check, Failure, SANITIZER, check_summary,
                     parse_detail, read_csv, tail)
from cases import run_tracer, true_path
from cases_csv import EVENTS
from cases_replay_db import check_cut_rows

# Arguments no text format can take for granted: newlines, quotes, control
# bytes, bytes that are not UTF-8, a literal backslash-x that must not be
# taken for an escape.
HOSTILE_ARGV = [
    b"hostile",
    b"line one\nline two\n",
    b'say "hi"',
    b"back\\slash",
    b"\\x41 is not an escape",
    b"ctl \x01\x02\x1b\x7f end",
    b"bad utf-8 \xff\xfe \xc3\x28 \xed\xa0\x80",
    b"tab\there",
    b"",
    b"h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93",
    b"'",
    b"{\"json\": [1, 2]}",
]
# 10,000 arguments, every byte value but NUL one after the other, within
# the 32 KiB that are captured.
MANY_ARGV = [b"many"] + [bytes([1 + i % 255]) for i in range(9999)]

# The command under proctrace: the workloads in turn, their output dropped
# (stdout may carry the JSON). argv[1]: the workloads' directory; argv[2]:
# a file holding the hostile argument vectors, as JSON of latin-1 strings.
DRIVER = r"""
import json, os, subprocess, sys
w = sys.argv[1]
with open(sys.argv[2]) as f:
    vectors = [[a.encode("latin-1") for a in v] for v in json.load(f)]
runs = [[os.path.join(w, "demo")], [os.path.join(w, "new_session")],
        [os.path.join(w, "rename")], [os.path.join(w, "threads")],
        [os.path.join(w, "causes"), "subreaper"],
        [os.path.join(w, "causes"), "exit_group"],
        [os.path.join(w, "causes"), "exec", os.path.dirname(sys.argv[2])]]
runs += [[os.path.join(w, "exec_args").encode(), sys.argv[3].encode()] + v
         for v in vectors]
# unshare(2) into a new UTS namespace, then setns(2) back into the driver's.
runs.append(["unshare", "-u", "nsenter", "-t", str(os.getpid()), "-u", "true"])
for r in runs:
    subprocess.run(r, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   check=True)
# Alive when tracing ends (--linger): its usage row. The test kills it.
left = subprocess.Popen(["sleep", "600"], stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                        start_new_session=True)
with open(sys.argv[2] + ".left", "w") as f:
    f.write(str(left.pid))
"""


def unescape(text):
    """The bytes a text value stands for: \\\\ and \\xNN undone; any other
    character as UTF-8."""
    out, i = bytearray(), 0
    simple = {"\\": b"\\"}
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in simple:
            out += simple[text[i + 1]]
            i += 2
        elif c == "\\" and text[i + 1:i + 2] == "x":
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            out += c.encode("utf-8")
            i += 1
    return bytes(out)


def parse_lines(ck, path):
    """The objects of a JSON Lines file; each line must parse on its own,
    and jq must take the whole file, line for line."""
    objs = []
    with open(path, "rb") as f:
        raw = f.read()
    ck.true(raw.endswith(b"\n") or not raw, "%s: no newline at the end" % path)
    for n, line in enumerate(raw.split(b"\n")[:-1], start=1):
        try:
            obj = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            ck.fail("%s line %d is not JSON (%s): %r" % (path, n, e, line[:120]))
            continue
        ck.true(isinstance(obj, dict), "%s line %d is not an object" % (path, n))
        objs.append(obj)
    p = subprocess.run(["jq", "-c", "."], stdin=open(path, "rb"),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    ck.eq("jq -c . status on %s" % path, (p.returncode, p.stderr[:200]), (0, b""))
    ck.eq("jq -c . lines of %s" % path, p.stdout.count(b"\n"),
          raw.count(b"\n"))
    return objs


def origin_here():
    """host and boot_id as a live run on this machine writes them."""
    with open("/proc/sys/kernel/random/boot_id") as f:
        return {"host": os.uname().nodename, "boot_id": f.read().strip()}


def without_origin(line):
    """A JSON line without its host and boot_id (as from a CSV)."""
    return ORIGIN_KEYS.sub(b"}", line)


ORIGIN_KEYS = re.compile(rb',"host":"[^"]*","boot_id":"[^"]*"}$')


def check_against_csv(ck, objs, rows):
    """Each JSON object says what the CSV row of the same event says: the
    same columns present, numbers as numbers, text the same, argv the same
    arguments, detail the same keys with typed values; and it comes from
    this machine (host, boot_id)."""
    types = harness.COLUMN_TYPES
    here = origin_here()
    ck.eq("JSON lines vs CSV rows", len(objs), len(rows))
    bad = {}
    for obj, row in zip(objs, rows):
        def expect(cond, what):
            if not cond and what not in bad:
                bad[what] = (row["_n"], obj)
        # An exec's argv is an array even when empty (argv unreadable).
        execs = ("exec", "exec_failed")
        present = {c for c in harness.COLUMNS
                   if (row[c] != "" or (c == "argv" and row["event"] in execs))
                   and c != "detail"}
        expect(set(obj) - {"detail"} - set(harness.JSON_KEYS) == present,
               "keys differ from the CSV row's non-empty columns")
        expect({k: obj.get(k) for k in harness.JSON_KEYS} == here,
               "host and boot_id not this machine's %r" % here)
        for col in present & set(obj):
            v = obj[col]
            if types[col] == "integer":
                expect(type(v) is int and str(v) == row[col],
                       "%s not the CSV's number" % col)
            elif types[col] == "text":
                expect(v == row[col], "%s not the CSV's text" % col)
        if "argv" in obj:
            expect([unescape(a) for a in obj["argv"]]
                   == [a for a in shell_words(row["argv"])],
                   "argv not the CSV's arguments")
        detail = parse_detail(row["detail"])
        jdet = obj.get("detail", {})
        expect(set(jdet) == set(detail), "detail keys differ")
        for key in set(jdet) & set(detail):
            kind = harness.DETAIL_TYPES.get(key, "integer")  # lost: KIND=
            v, c = jdet[key], detail[key]
            if kind == "flag":
                expect(v is True and c == "1", "detail %s not a flag" % key)
            elif kind == "text":
                expect(unescape(v) == unescape(c), "detail %s text differs" % key)
            elif key == "status":
                expect(type(v) is int and v == int(c, 16),
                       "detail status not the CSV's")
            else:
                expect(type(v) is int and str(v) == c,
                       "detail %s not the CSV's number" % key)
    for what, (n, obj) in bad.items():
        ck.fail("CSV row @%d vs its JSON line: %s: %s"
                % (n, what, json.dumps(obj)[:300]))


def shell_words(argv):
    """The CSV's argv column back into bytes (bash's own $'...' decoding)."""
    p = subprocess.run(["bash", "-c", 'for a in %s; do printf "%%s\\0" "$a"; '
                        'done' % argv if argv else "true"],
                       stdout=subprocess.PIPE, check=True)
    return p.stdout.split(b"\0")[:-1]


def capture(env, name, extra, command):
    """Run proctrace -o CSV -j JSON [extra] -- command; its CSV capture (with
    the summary checked) and the JSON file's path."""
    csv_path = os.path.join(env.tmp, name + ".csv")
    json_path = os.path.join(env.tmp, name + ".jsonl")
    p = run_tracer(env, ["-q", "-o", csv_path, "-j", json_path] + extra
                   + ["--"] + command, timeout=300)
    if SANITIZER.search(p.stderr):
        raise Failure("sanitizer report: %s" % tail(p.stderr, 20))
    if p.returncode != 0:
        raise Failure("proctrace exited %d: %s" % (p.returncode, tail(p.stderr)))
    cap = Capture(read_csv(csv_path), p.stderr)
    check_summary(cap)
    return cap, json_path


def replay_to(env, src, flag, dst):
    """proctrace --replay src -q flag dst; stderr if it failed."""
    p = run_tracer(env, ["--replay", src, "-q", flag, dst], timeout=120)
    if SANITIZER.search(p.stderr) or p.returncode != 0:
        raise Failure("--replay %s %s: exit %d: %s"
                      % (src, flag, p.returncode, tail(p.stderr)))


def check_round_trips(ck, env, csv_path, json_path):
    """JSON -> JSON, JSON -> CSV, CSV -> JSON -> CSV: byte for byte."""
    def same(what, a, b, strip=False):
        with open(a, "rb") as f, open(b, "rb") as g:
            x, y = f.read(), g.read()
        if strip:  # a CSV does not say where its rows come from
            x = b"\n".join(without_origin(l) for l in x.split(b"\n"))
        if x != y:
            n = next((i for i, (u, v) in enumerate(zip(x.split(b"\n"),
                                                       y.split(b"\n")))
                      if u != v), None)
            ck.fail("%s: %s and %s differ, first at line %s"
                    % (what, a, b, None if n is None else n + 1))
    base = json_path + ".again"
    replay_to(env, json_path, "-j", base + ".jsonl")
    same("JSON -> JSON", json_path, base + ".jsonl")
    replay_to(env, json_path, "-o", base + ".csv")
    same("JSON -> CSV", csv_path, base + ".csv")
    replay_to(env, csv_path, "-j", base + ".from-csv.jsonl")
    same("CSV -> JSON", json_path, base + ".from-csv.jsonl", strip=True)
    replay_to(env, base + ".from-csv.jsonl", "-o", base + ".back.csv")
    same("CSV -> JSON -> CSV", csv_path, base + ".back.csv")


def cap_path(json_path):
    return json_path[:-len(".jsonl")] + ".csv"


def write_vectors(env):
    path = os.path.join(env.tmp, "vectors.json")
    with open(path, "w") as f:
        json.dump([[a.decode("latin-1") for a in v]
                   for v in (HOSTILE_ARGV, MANY_ARGV)], f)
    return path


def test_json_every_kind(env):
    driver = os.path.join(env.tmp, "driver.py")
    with open(driver, "w") as f:
        f.write(DRIVER)
    vectors = write_vectors(env)
    try:
        # --linger: tracing ends with the driver's sleeper still alive.
        cap, json_path = capture(env, "json-kinds", ["--threads", "--linger", "0.5"],
                                 [sys.executable, driver, env.workloads,
                                  vectors, true_path()])
    finally:
        try:
            with open(vectors + ".left") as f:
                os.kill(int(f.read()), signal.SIGKILL)
        except (OSError, ValueError):
            pass
    ck = Check()
    objs = parse_lines(ck, json_path)
    kinds = {o.get("event") for o in objs}
    ck.eq("event kinds in the JSON", sorted(EVENTS - {"lost"} - kinds), [])
    check_against_csv(ck, objs, cap.rows)
    execs = [o for o in objs if o.get("event") == "exec"]
    for want in (HOSTILE_ARGV, MANY_ARGV):
        got = [[unescape(a) for a in o["argv"]] for o in execs
               if o["argv"] and unescape(o["argv"][0]) == want[0]]
        ck.eq("exec lines with argv[0] %r" % want[0], len(got), 1)
        if got:
            ck.eq("argv of %r: count" % want[0], len(got[0]), len(want))
            diff = [i for i, (a, b) in enumerate(zip(got[0], want)) if a != b]
            ck.eq("argv of %r: arguments that differ" % want[0],
                  [(i, got[0][i], want[i]) for i in diff[:3]], [])
    check_round_trips(ck, env, cap_path(json_path), json_path)
    ck.raise_if_failed()


def test_json_lost(env):
    """A burst into the smallest ring buffer: the lost lines are JSON, their
    per-kind counts add up, and the summary counts them."""
    cap, json_path = capture(env, "json-lost", ["--ringbuf-kb", "4"],
                             [env.workload("burst"), "2000"])
    ck = Check()
    objs = parse_lines(ck, json_path)
    lost = [o for o in objs if o.get("event") == "lost"]
    ck.true(lost, "no lost line after a burst of 2000 into 4 KiB")
    for o in lost:
        d = dict(o["detail"])
        total = d.pop("lost")
        if "rescan" not in d:  # a rescan's repair counts no loss
            ck.eq("lost line: per-kind counts add up", sum(d.values()),
                  total)
        ck.eq("lost line: keys", set(o) - {"detail"},
              {"ts_ns", "time", "event"} | set(harness.JSON_KEYS))
    ck.eq("summary lost vs lost lines", cap.summary()[2],
          sum(o["detail"]["lost"] for o in lost))
    check_against_csv(ck, objs, cap.rows)
    check_round_trips(ck, env, cap_path(json_path), json_path)
    ck.raise_if_failed()


def test_json_stdout(env):
    """-j - takes stdout (no live stream there); -j FILE leaves it to the
    live stream. Either way every event is a line."""
    ck = Check()
    # The workload's own output is dropped: stdout is the JSON's.
    cmd = ["--", "/bin/sh", "-c", '"$0" "$1" true x >/dev/null',
           env.workload("exec_args"), true_path()]
    p = run_tracer(env, ["-j", "-"] + cmd)
    ck.eq("-j -: status", p.returncode, 0)
    path = os.path.join(env.tmp, "stdout.jsonl")
    with open(path, "w") as f:
        f.write(p.stdout)
    objs = parse_lines(ck, path)
    total = Capture([], p.stderr).summary()[0]
    ck.eq("-j -: lines vs summary", len(objs), total)
    path = os.path.join(env.tmp, "beside-stream.jsonl")
    p = run_tracer(env, ["-j", path] + cmd)
    ck.eq("-j FILE with the stream: status", p.returncode, 0)
    objs = parse_lines(ck, path)
    total = Capture([], p.stderr).summary()[0]
    ck.eq("-j FILE: lines vs summary", len(objs), total)
    stream = [l for l in p.stdout.splitlines() if " exec " in l]
    ck.true(stream, "-j FILE: no exec line in the live stream: %r"
            % p.stdout[:300])
    p = run_tracer(env, ["-o", "-", "-j", "-"] + cmd)
    ck.eq("-o - -j -: usage error", p.returncode, 2)
    ck.raise_if_failed()


def replayed_rows(env, src, args):
    """The CSV rows of proctrace --replay src args -o FILE."""
    out = src + ".cut%d.csv" % len(os.listdir(env.tmp))
    p = run_tracer(env, ["--replay", src, "-q", "-o", out] + args)
    if p.returncode != 0 or SANITIZER.search(p.stderr):
        raise Failure("--replay %s %s: exit %d: %s"
                      % (src, " ".join(args), p.returncode, tail(p.stderr)))
    return [{k: v for k, v in r.items() if k != "_n"} for r in read_csv(out)]


def test_replay_filters(env):
    """-g, -p and --since/--until on a saved capture, CSV and JSON Lines
    alike, give the rows the rules call for: -g the group's rows and the
    setpgid that joined or left it; -p the process and what it forks from
    then on; the window by time from the first event. Lost rows always.
    Each row as the capture wrote it, but for the process keys (start_ns=,
    memcg_id=) the cut file needs where it left a process's earlier rows
    out."""
    cap, json_path = capture(env, "json-filters", [], [env.workload("demo")])
    rows = [{k: v for k, v in r.items() if k != "_n"} for r in cap.rows]
    ck = Check()
    moved = [r for r in rows if r["event"] == "setpgid" and r["pid"] == r["pgid"]]
    if not moved:
        raise Failure("demo made no group of its own: %r" % rows[:5])
    g = moved[0]["pgid"]

    def in_group(r):
        d = parse_detail(r["detail"])
        return (r["event"] == "lost" or r["pgid"] == g
                or (r["event"] in ("setpgid", "setsid") and d.get("old_pgid") == g))
    follow, want_p = {g}, []
    for r in rows:
        by = r["by_pid"] or r["ppid"]
        if r["event"] == "fork" and by in follow:
            follow.add(r["pid"])
        if r["event"] == "lost" or r["pid"] in follow:
            want_p.append(r)
            if r["event"] == "reap":
                follow.discard(r["pid"])
    t0 = int(rows[0]["ts_ns"])
    ts = sorted(int(r["ts_ns"]) - t0 for r in rows)
    lo, hi = ts[len(ts) // 3], ts[2 * len(ts) // 3]
    since, until = "%.9f" % (lo / 1e9), "%.9f" % (hi / 1e9)
    want_w = [r for r in rows if lo <= int(r["ts_ns"]) - t0 <= hi]
    for src in (cap_path(json_path), json_path):
        kind = "JSON" if src.endswith(".jsonl") else "CSV"
        for what, args, want in (("-g " + g, ["-g", g], [r for r in rows if in_group(r)]),
                                 ("-p " + g, ["-p", g], want_p),
                                 ("--since/--until", ["--since", since, "--until", until],
                                  want_w)):
            got = replayed_rows(env, src, args)
            ck.true(want, "%s: the oracle has no rows" % what)
            check_cut_rows(ck, "%s replay %s" % (kind, what), got, want, rows)
    ck.raise_if_failed()


# Columns two tracers see alike for the same kernel event (each program
# reads its own clock, so times and zombie times differ by nanoseconds).
STABLE = ("event", "pid", "tid", "ppid", "pgid", "sid", "uid", "comm", "by_pid",
          "signal", "exit_code", "core_dumped", "state", "filename", "argv")


def test_replay_filters_match_live(env):
    """One run of comm_uid, traced three ways at once: followed whole
    (-- COMMAND) and by two live filters (-c NAME1; -c NAME1 --uid 0, names
    unique to this run). The whole capture replayed with each filter gives
    the live filter's rows."""
    name1, name2 = "ptj1-%d" % os.getpid(), "ptj2-%d" % os.getpid()
    filters = (["-c", name1], ["-c", name1, "--uid", "0"])
    tracers = []
    try:
        for n, args in enumerate(filters):
            tracers.append(env.tracer("live-filter-%d" % n, args).start())
        cap, json_path = capture(env, "json-whole", [],
                                 [env.workload("comm_uid"), name1, name2])
        lives = [t.stop() for t in tracers]
    except BaseException:
        for t in tracers:
            t.kill()
        raise
    ck = Check()
    for args, live in zip(filters, lives):
        want = [tuple(r[c] for c in STABLE) for r in live.rows if r["event"] != "lost"]
        ck.true(want, "%s: the live run has no rows" % " ".join(args))
        for src in (cap_path(json_path), json_path):
            got = [tuple(r[c] for c in STABLE)
                   for r in replayed_rows(env, src, args) if r["event"] != "lost"]
            ck.eq("replay of %s %s vs live" % (os.path.basename(src), " ".join(args)),
                  got, want)
    ck.raise_if_failed()


def test_replay_lenient(env):
    """A bad line in the middle: an error at it and exit 1; with --lenient
    the rest goes through and the skip is counted on stderr."""
    good = GOOD_LINE
    path = os.path.join(env.tmp, "lenient.jsonl")
    with open(path, "wb") as f:
        f.write(good + b'{"ts_ns":x}\n' + good.replace(b'"ts_ns":1000', b'"ts_ns":2000')
                .replace(b'37.000001Z', b'37.000002Z'))
    ck = Check()
    p = run_tracer(env, ["--replay", path, "-q", "-j", "/dev/null"])
    ck.eq("strict: exit", p.returncode, 1)
    ck.true("line 2, column 10: " in p.stderr, "strict: no error at line 2, "
            "column 10: %r" % p.stderr)
    out = os.path.join(env.tmp, "lenient.out.jsonl")
    p = run_tracer(env, ["--replay", path, "-q", "--lenient", "-j", out])
    ck.eq("--lenient: exit", p.returncode, 0)
    ck.true("1 malformed rows skipped" in p.stderr,
            "--lenient: no count of the skipped row: %r" % p.stderr)
    with open(out, "rb") as f:
        ck.eq("--lenient: lines written", f.read().count(b"\n"), 2)
    ck.raise_if_failed()


GOOD_LINE = (b'{"ts_ns":1000,"time":"2026-11-25T17:34:37.000001Z","event":"setsid",'
             b'"pid":5,"tid":5,"ppid":1,"pgid":5,"sid":5,"uid":0,"comm":"x",'
             b'"by_pid":5,"state":"alive","ns_pid":5,"pidns":1,"cgroup_id":1,'
             b'"detail":{"old_sid":1,"old_pgid":1}}\n')
BAD_LINES = [
    # (what, file content, line, column) of the error
    ("not JSON", b'{"ts_ns":1,"time" 2}\n', 1, 19),
    ("unknown key", b'{"ts_ns":1,"colour":2}\n', 1, 12),
    ("text for a number", b'{"ts_ns":"1"}\n', 1, 10),
    ("number for text", b'{"ts_ns":1,"time":2}\n', 1, 19),
    ("fraction", b'{"ts_ns":1.5}\n', 1, 11),
    ("key twice", b'{"ts_ns":1,"ts_ns":1}\n', 1, 12),
    ("host twice", b'{"ts_ns":1,"host":"a","host":"b"}\n', 1, 23),
    ("number for host", b'{"ts_ns":1,"host":2}\n', 1, 19),
    ("truncated last line", None, 2, None),
    ("unknown event", None, 2, None),
]


def test_json_bad_input(env):
    """A malformed JSON Lines file: one error line with the file, the line
    and (for what JSON itself rejects) the column; exit 1."""
    ck = Check()
    good = GOOD_LINE
    for n, (what, content, line, col) in enumerate(BAD_LINES):
        if what == "truncated last line":
            content = good + good[:40]
        elif what == "unknown event":
            content = good + good.replace(b'"event":"', b'"event":"x', 1)
        path = os.path.join(env.tmp, "bad-%d.jsonl" % n)
        with open(path, "wb") as f:
            f.write(content)
        p = run_tracer(env, ["--replay", path, "-q", "-j", "/dev/null"])
        ck.eq("%s: exit status" % what, p.returncode, 1)
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        where = "line %d, column %d: " % (line, col) if col else "line %d: " % line
        ck.true(len(lines) == 1 and lines[0].startswith(
            "proctrace: %s: %s" % (path, where)),
            "%s: expected one line 'proctrace: %s: %s...', got %r"
            % (what, path, where, lines[:3]))
    ck.raise_if_failed()


def test_json_origin_replay(env):
    """A replay keeps each row's host and boot_id as the file has them
    (another machine's), leaves them out of a row that has none, and the
    database's trace row says the first row's."""
    ck = Check()
    cap, json_path = capture(env, "json-origin", [],
                             [os.path.join(env.workloads, "exit_code"), "3"])
    here = origin_here()
    there = {"host": "other-host", "boot_id": "0c9e3f5e-1d2b-4c4a-9f00-123456789abc"}
    with open(json_path, "rb") as f:
        lines = f.read().splitlines()
    moved = [l.replace(here["host"].encode(), there["host"].encode())
             .replace(here["boot_id"].encode(), there["boot_id"].encode())
             for l in lines]
    moved[-1] = without_origin(moved[-1])
    src = os.path.join(env.tmp, "json-origin.moved.jsonl")
    with open(src, "wb") as f:
        f.write(b"\n".join(moved) + b"\n")
    out, db = src + ".again.jsonl", src + ".db"
    p = run_tracer(env, ["--replay", src, "-q", "-j", out, "--db", db])
    if SANITIZER.search(p.stderr) or p.returncode != 0:
        raise Failure("--replay: exit %d: %s" % (p.returncode, tail(p.stderr)))
    with open(out, "rb") as f:
        got = [json.loads(l) for l in f]
    ck.eq("rows", len(got), len(cap.rows))
    ck.eq("host and boot_id of each row", [
        {k: o.get(k) for k in harness.JSON_KEYS} for o in got],
        [there] * (len(got) - 1) + [{"host": None, "boot_id": None}])
    with sqlite3.connect(db) as d:
        ck.eq("the database's trace row", d.execute(
            "SELECT host, boot_id FROM trace").fetchall(),
            [(there["host"], there["boot_id"])])
    ck.raise_if_failed()


TESTS = [test_json_every_kind, test_json_origin_replay, test_json_lost, test_json_stdout,
         test_json_bad_input, test_replay_filters, test_replay_filters_match_live,
         test_replay_lenient]
