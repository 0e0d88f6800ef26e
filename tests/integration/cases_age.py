# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Age at exit and the stream's --time formats.

An exit row's age_ns runs from the kernel's start time of the process
(start_boottime, also for a process older than the trace) to its exit:
ts_ns - age_ns, in clock ticks, is the start time /proc/PID/stat gives.
The stream says the same age; --time iso shows each row's CSV time,
--time rel counts from the stream's first line."""

import os
import re
import subprocess

from harness import Check, Failure, parse_detail, read_csv
from cases import run_tracer

TICK_NS = 10**9 // os.sysconf("SC_CLK_TCK")


def start_ticks(pid):
    """Field 22 of /proc/PID/stat: start time, clock ticks after boot."""
    with open("/proc/%d/stat" % pid) as f:
        return int(f.read().rsplit(")", 1)[1].split()[19])


def exit_row(ck, cap, pid, what):
    rows = [r for r in cap.rows if r["event"] == "exit" and r["pid"] == str(pid)]
    ck.eq(what + ": exit rows", len(rows), 1)
    return rows[0] if rows else None


def test_age_at_exit(env):
    """A process started before the trace (its age counts from then) and
    the child it forks while traced: the start each age gives back is the
    kernel's, to the clock tick."""
    ck = Check()
    old = subprocess.Popen(["sh", "-c", "read x; sleep 0.2 & wait"],
                           stdin=subprocess.PIPE, text=True)
    try:
        ticks = start_ticks(old.pid)
        tracer = env.tracer("age", ["-p", str(old.pid)]).start()
        old.stdin.write("go\n")
        old.stdin.close()
        if old.wait(30) != 0:
            raise Failure("workload exited %s" % old.returncode)
        cap = tracer.stop()
    finally:
        if old.poll() is None:
            old.kill()
            old.wait()
    first_ts = min(int(r["ts_ns"]) for r in cap.rows)
    row = exit_row(ck, cap, old.pid, "the older process")
    if row:
        age = int(parse_detail(row["detail"]).get("age_ns", "0"))
        ck.eq("the older process: its start (ts_ns - age_ns) in clock ticks",
              (int(row["ts_ns"]) - age) // TICK_NS, ticks)
        ck.true(int(row["ts_ns"]) - age < first_ts,
                "the older process: age_ns %d reaches before the trace's "
                "first row" % age)
    forks = [r for r in cap.rows if r["event"] == "fork" and
             r["ppid"] == str(old.pid)]
    ck.eq("forks of the older process", len(forks), 1)
    if forks:
        child = exit_row(ck, cap, forks[0]["pid"], "its child")
        if child:
            age = int(parse_detail(child["detail"]).get("age_ns", "0"))
            start = int(child["ts_ns"]) - age
            ck.true(0 < age and start <= int(forks[0]["ts_ns"]),
                    "the child: started (%d) by its fork row (%s)"
                    % (start, forks[0]["ts_ns"]))
            ck.true(age >= 200 * 10**6,
                    "the child slept 0.2 s: age_ns %d" % age)
    ck.raise_if_failed()


FORMATS = {
    "abs": r"\d\d:\d\d:\d\d\.\d{3}",
    "us": r"\d\d:\d\d:\d\d\.\d{6}",
    "rel": r" *\d+\.\d{6}",
    "iso": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z",
}


def test_time_formats(env):
    """Each --time format on every line; iso is the CSV's time column,
    row for row; rel starts at 0; the exit line says the row's age."""
    ck = Check()
    for fmt, pattern in FORMATS.items():
        csv_path = os.path.join(env.tmp, "time-%s.csv" % fmt)
        p = run_tracer(env, ["--time", fmt, "--color", "never", "-o", csv_path,
                             "--", "sh", "-c", "sleep 0.1; exit 3"])
        ck.eq("--time %s: exit status" % fmt, p.returncode, 3)
        lines = p.stdout.splitlines()
        header, lines = lines[0], lines[1:]
        width = len(header) - len(header[4:].lstrip()) - 1
        times = [l[:width].rstrip() if fmt != "rel" else l[:width] for l in lines]
        bad = [t for t in times if not re.fullmatch(pattern, t)]
        ck.eq("--time %s: times not in the format" % fmt, bad[:3], [])
        rows = [r for r in read_csv(csv_path) if r["event"] != "snapshot"]
        ck.eq("--time %s: lines, CSV rows" % fmt, len(lines), len(rows))
        if fmt == "iso":
            ck.eq("--time iso: the CSV's time column", times,
                  [r["time"] for r in rows])
        if fmt == "rel" and times:
            ck.eq("--time rel: the first line", times[0].strip(), "0.000000")
        for line, row in zip(lines, rows):
            age = parse_detail(row["detail"]).get("age_ns")
            if row["event"] == "exit" and age:
                ms = int(age) / 1e6
                said = re.search(r" age (\d+\.\d+)(ms|s) ", line)
                ck.true(said and abs(float(said.group(1)) *
                                     (1 if said.group(2) == "ms" else 1000) - ms)
                        <= 1, "--time %s: %r says age_ns=%s" % (fmt, line, age))
    ck.raise_if_failed()


TESTS = [test_age_at_exit, test_time_formats]
