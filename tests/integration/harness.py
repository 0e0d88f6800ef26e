# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Running proctrace and the workloads, reading the CSV, and checking rows.

A test starts one tracer, waits until it says it is tracing, runs workloads
that print what they know as key=value facts, stops the tracer with SIGINT
and compares the rows of the workload's processes with those facts. The
whole machine is traced, so rows are always selected by pid.
"""

import csv
import os
import re
import shlex
import signal
import subprocess
import threading

import schema

# The columns in order, and the type of each detail key, from the binary
# under test (load_schema), never a copy of our own.
COLUMNS = []
# The keys JSON Lines adds to the columns (host, boot_id).
JSON_KEYS = []
COLUMN_TYPES = {}
DETAIL_TYPES = {}
EVENT_KINDS = set()  # every event kind the program can write
READY = "proctrace: tracing"
SUMMARY = re.compile(r"^proctrace: (\d+) events(.*); lost (\d+)$")
SANITIZER = re.compile(r"Sanitizer|runtime error:|LeakSanitizer")
WORKLOAD_BROKEN = 100  # exit status of a workload whose own step failed

# Bounds on waits, never assertions on time. An emulated machine (the kernel
# matrix's guests, QEMU without KVM) is many times slower: PT_TIMEOUT_FACTOR
# multiplies them.
TIMEOUT_FACTOR = float(os.environ.get("PT_TIMEOUT_FACTOR", "1"))
READY_TIMEOUT = 60 * TIMEOUT_FACTOR  # loading BPF under ASan is slow on a small machine
STOP_TIMEOUT = 60 * TIMEOUT_FACTOR
WORKLOAD_TIMEOUT = 60 * TIMEOUT_FACTOR


class Failure(Exception):
    """A test failed; the message says what was expected and what came."""


def tail(text, lines=8):
    """The end of some output, on one line, for a failure message."""
    return " | ".join(text.strip().splitlines()[-lines:])


def parse_detail(detail):
    """The detail column as a dict: space-separated key=value pairs."""
    out = {}
    for word in detail.split():
        key, sep, value = word.partition("=")
        if not sep:
            raise Failure("detail word without '=': %r in %r" % (word, detail))
        out[key] = value
    return out


def inferred(row):
    """A row that a rescan inferred after lost events (unseen_from_ns=):
    the tracer's repair, not an event the kernel reported."""
    return "unseen_from_ns" in parse_detail(row["detail"])


def last_thread_unknown(row):
    """An exit row saying which of two threads ended the process is
    unknown (kernels without group_dead)."""
    return "last_thread_unknown" in parse_detail(row["detail"])


def load_schema(proctrace):
    """Take the columns and detail keys from `proctrace --columns`."""
    columns, keys, json_keys = schema.read(proctrace)
    JSON_KEYS[:] = [k[0] for k in json_keys]
    COLUMNS[:] = [c[0] for c in columns]
    COLUMN_TYPES.clear()
    COLUMN_TYPES.update((c[0], c[1]) for c in columns)
    DETAIL_TYPES.clear()
    DETAIL_TYPES.update((k[0], k[1]) for k in keys)
    EVENT_KINDS.clear()
    EVENT_KINDS.update(next(c[4] for c in columns if c[0] == "event").split())


def read_csv(path):
    """Rows of a proctrace CSV as dicts, in file order, each checked to have
    exactly the columns of the header."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f, strict=True)
        header = next(reader, None)
        if header != COLUMNS:
            raise Failure("CSV header is %r, expected %r" % (header, COLUMNS))
        rows = []
        for n, fields in enumerate(reader, start=2):
            if len(fields) != len(COLUMNS):
                raise Failure("CSV record %d has %d fields, expected %d: %r"
                              % (n, len(fields), len(COLUMNS), fields[:12]))
            row = dict(zip(COLUMNS, fields))
            row["_n"] = n
            rows.append(row)
    return rows


class Capture:
    """What one tracer session produced."""

    def __init__(self, rows, stderr):
        self.rows = rows
        self.stderr = stderr

    def of(self, pid, event=None):
        """Rows about process pid (optionally of one event kind)."""
        pid = str(pid)
        return [r for r in self.rows
                if r["pid"] == pid and (event is None or r["event"] == event)]

    def kinds(self):
        counts = {}
        for r in self.rows:
            counts[r["event"]] = counts.get(r["event"], 0) + 1
        return counts

    def summary(self):
        """(total, {kind: count}, lost) from the summary line on stderr."""
        for line in self.stderr.splitlines():
            m = SUMMARY.match(line)
            if m:
                by_kind = {}
                for part in m.group(2).split(","):
                    if part.strip():
                        kind, count = part.split()
                        by_kind[kind] = int(count)
                return int(m.group(1)), by_kind, int(m.group(3))
        raise Failure("no summary line on stderr: %s" % tail(self.stderr))

    def lost_of(self, kind):
        """Events of kind counted lost, from the lost rows."""
        return sum(int(parse_detail(r["detail"]).get(kind, 0))
                   for r in self.rows if r["event"] == "lost")

    def lost_rows_total(self):
        return sum(int(parse_detail(r["detail"])["lost"])
                   for r in self.rows if r["event"] == "lost")


class Tracer:
    """One proctrace process writing CSV to a file, stream off (-q)."""

    def __init__(self, binary, csv_path, extra_args=()):
        self.binary = binary
        self.csv_path = csv_path
        self.args = [binary, "-q", "-o", csv_path] + list(extra_args)
        self.proc = None
        self.lines = []
        self.ready = threading.Event()
        self.done = threading.Event()
        self.reader = None

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.lines.append(line)
            if line.startswith(READY):
                self.ready.set()
        self.done.set()

    def stderr(self):
        return "".join(self.lines)

    def start(self, stdout=subprocess.DEVNULL, env=None):
        """Start (env: its environment, None for ours), and return once the
        tracer says it is tracing."""
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=stdout, stderr=subprocess.PIPE,
                                     text=True, errors="replace", env=env)
        self.reader = threading.Thread(target=self._read_stderr, daemon=True)
        self.reader.start()
        waited = 0.0
        while not self.ready.wait(0.05):
            waited += 0.05
            if self.done.is_set() or waited > READY_TIMEOUT:
                self.kill()
                raise Failure("tracer not ready (%s): %s"
                              % ("exited %s" % self.proc.returncode
                                 if self.done.is_set() else "timeout",
                                 tail(self.stderr())))
        return self

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.reader.join(5)

    def wait_exit(self, timeout=STOP_TIMEOUT):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failure("tracer did not exit within %ds: %s"
                          % (timeout, tail(self.stderr())))
        self.reader.join(10)
        return rc

    def stop(self, sig=signal.SIGINT):
        """Signal it to stop, then require exit 0, a summary and no
        sanitizer report; returns the parsed capture."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.finish(self.wait_exit())

    def finish(self, rc):
        err = self.stderr()
        if SANITIZER.search(err):
            raise Failure("sanitizer report: %s" % tail(err, 20))
        if rc != 0:
            raise Failure("tracer exited %s: %s" % (rc, tail(err)))
        cap = Capture(read_csv(self.csv_path), err)
        check_summary(cap)
        return cap


def check_summary(cap):
    """The summary counts what the CSV holds: rows per kind and losses."""
    total, by_kind, lost = cap.summary()
    kinds = cap.kinds()
    lost_rows = kinds.pop("lost", 0)
    if by_kind != kinds:
        raise Failure("summary counts %r, CSV rows per kind %r"
                      % (by_kind, kinds))
    if total != len(cap.rows) - lost_rows:
        raise Failure("summary says %d events, CSV has %d event rows"
                      % (total, len(cap.rows) - lost_rows))
    if lost != cap.lost_rows_total():
        raise Failure("summary says lost %d, lost rows add up to %d"
                      % (lost, cap.lost_rows_total()))


def fault_env(fault=None, log=None):
    """Our environment for proctrace, with the loader's fault hook set to
    fault (PROCTRACE_FAULT) and its log to log (PROCTRACE_FAULT_LOG), each
    left out when None."""
    env = dict(os.environ)
    env.pop("PROCTRACE_FAULT", None)
    env.pop("PROCTRACE_FAULT_LOG", None)
    if fault is not None:
        env["PROCTRACE_FAULT"] = fault
    if log is not None:
        env["PROCTRACE_FAULT_LOG"] = log
    return env


def run_traced(env, name, workload, args=(), opts=(), timeout=STOP_TIMEOUT, fault=None):
    """Run a workload under proctrace [OPTS] -- COMMAND (only its processes
    in the capture), with PROCTRACE_FAULT=fault when given; (capture,
    facts) once the tracer has exited (within timeout seconds)."""
    out_path = os.path.join(env.tmp, "%s.out" % name)
    tracer = env.tracer(name, list(opts) + ["--", env.workload(workload)] + list(args))
    with open(out_path, "w") as out:
        tracer.start(stdout=out, env=fault_env(fault))
        cap = tracer.finish(tracer.wait_exit(timeout))
    facts = {}
    with open(out_path) as f:
        for line in f:
            key, sep, value = line.rstrip("\n").partition("=")
            if not sep or key in facts:
                raise Failure("%s: bad fact line %r" % (name, line))
            facts[key] = value
    return cap, facts


def run_workload(path, args=(), timeout=WORKLOAD_TIMEOUT):
    """Run a workload to its end and return its facts (key -> str)."""
    try:
        p = subprocess.run([path] + list(args), stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure("workload %s timed out" % os.path.basename(path))
    out = p.stdout.decode("utf-8", "replace")
    if p.returncode != 0:
        what = "broken" if p.returncode == WORKLOAD_BROKEN else "failed"
        raise Failure("workload %s %s (exit %d): %s"
                      % (os.path.basename(path), what, p.returncode,
                         tail(p.stderr.decode("utf-8", "replace"))))
    facts = {}
    for line in out.splitlines():
        key, sep, value = line.partition("=")
        if not sep or key in facts:
            raise Failure("workload %s: bad fact line %r"
                          % (os.path.basename(path), line))
        facts[key] = value
    facts["_pid_of_runner"] = str(os.getpid())
    return facts


class Check:
    """Collects every mismatch of a test instead of stopping at the first."""

    def __init__(self):
        self.problems = []

    def fail(self, msg):
        self.problems.append(msg)

    def true(self, cond, msg):
        if not cond:
            self.fail(msg)
        return cond

    def eq(self, what, got, want):
        if got != want:
            self.fail("%s: expected %r, got %r" % (what, want, got))
            return False
        return True

    def one(self, rows, what):
        """The single row of rows, or None (and a problem) if not exactly
        one."""
        if len(rows) != 1:
            self.fail("%s: expected 1 row, got %d%s"
                      % (what, len(rows), brief(rows)))
            return None
        return rows[0]

    def fields(self, row, what, **want):
        """Compare CSV columns; values compare as text."""
        if row is None:
            return
        for col, value in want.items():
            self.eq("%s %s" % (what, col), row[col], str(value))

    def details(self, row, what, **want):
        """Compare detail keys; None means the key must be absent."""
        if row is None:
            return
        try:
            d = parse_detail(row["detail"])
        except Failure as e:
            self.fail("%s: %s" % (what, e))
            return
        for key, value in want.items():
            self.eq("%s detail %s" % (what, key), d.get(key),
                    None if value is None else str(value))

    def raise_if_failed(self):
        if self.problems:
            raise Failure("; ".join(self.problems))


def brief(rows):
    if not rows:
        return ""
    return " (" + ", ".join("%s@%s" % (r["event"], r["_n"]) for r in rows) + ")"


def shlex_argv(row):
    try:
        return shlex.split(row["argv"])
    except ValueError as e:
        return "unparsable argv %r: %s" % (row["argv"][:80], e)
