#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Load held (make stress): process storms at the machine's full rate for
a fixed time under proctrace at its default settings, writing CSV with the
live stream on (to a file).

For each storm it prints the rate, the events expected and seen, the
losses as the live stream, the CSV's lost rows and the summary count them,
and proctrace's RSS (at 10 s, at the end, peak). Exit status 1 when

  - the three loss counts disagree (in total or for a kind),
  - a kind of the storm's events is neither all seen nor accounted for by
    losses (seen <= expected <= seen + lost, seen == expected with no loss),
  - the summary's counts per kind are not the CSV's rows,
  - RSS grew from 10 s to the end by more than RSS_GROWTH_KB,

and 2 when something could not be run.

    bench/stress.py PROCTRACE BENCH_BIN_DIR [MODE:WORKERS ...]

Environment: STRESS_S (seconds per storm, default 60), STRESS_ARGS (more
proctrace options, e.g. "--ringbuf-kb 4" to see losses counted).
"""

import collections
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from ptbench.procfs import proc_status_kb

DEFAULT_RUNS = ("forkexec:2", "forkexec:16")
RSS_GROWTH_KB = 2048  # growth allowed after the first 10 s (stdio, heap jitter)
READY = "proctrace: tracing"
SUMMARY = re.compile(r"^proctrace: (\d+) events(.*); lost (\d+)$", re.M)
STREAM_LOST = re.compile(r" lost +lost (\d+) events(?: \((.*)\))?$")
KINDS = ("fork", "exec", "exit", "reap", "signal", "stop", "continue")


def wait_ready(proc, err_path, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with open(err_path, errors="replace") as f:
            if READY in f.read():
                return
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError("proctrace did not start: "
                       + open(err_path, errors="replace").read()[-500:])


def count_csv(path, storm):
    """(rows per kind, storm rows per kind, losses per kind + 'lost')."""
    pgid, me = str(storm["pgid"]), str(storm["pid"])
    rows, seen, lost = (collections.Counter() for _ in range(3))
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        for r in reader:
            ev = r["event"]
            rows[ev] += 1
            # A rescan's repair (its summary, births and ends inferred)
            # is no event of the storm and counts no loss.
            if "rescan=" in r["detail"] or "inferred=" in r["detail"] \
                    or "unseen_from_ns=" in r["detail"]:
                continue
            if ev == "lost":
                for word in r["detail"].split():
                    key, _, value = word.partition("=")
                    lost[key] += int(value)
            elif ev != "snapshot" and r["pgid"] == pgid and r["pid"] != me:
                seen[ev] += 1
    return rows, seen, lost


def count_stream(path):
    """Losses per kind + 'lost' as the live stream's lost lines say."""
    lost = collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            m = STREAM_LOST.search(line.rstrip("\n"))
            if not m:
                continue
            lost["lost"] += int(m.group(1))
            for part in (m.group(2) or "").split(", "):
                if part:
                    kind, n = part.split()
                    lost[kind] += int(n)
    return lost


def parse_summary(text):
    found = SUMMARY.findall(text)
    if not found:
        raise RuntimeError("no summary: " + text[-500:])
    total, kinds, lost = found[-1]
    counts = {k: int(n) for k, n in re.findall(r"([a-z]+) (\d+)", kinds)}
    return int(total), counts, int(lost)


def run_one(proctrace, bindir, mode, workers, seconds, tmp):
    name = "%s-%d" % (mode, workers)
    csv_path = os.path.join(tmp, name + ".csv")
    stream_path = os.path.join(tmp, name + ".stream")
    err_path = os.path.join(tmp, name + ".err")
    with open(stream_path, "w") as out, open(err_path, "w") as err:
        args = os.environ.get("STRESS_ARGS", "").split()
        tracer = subprocess.Popen([proctrace, "-o", csv_path] + args,
                                  stdout=out,
                                  stderr=err, stdin=subprocess.DEVNULL)
    try:
        wait_ready(tracer, err_path)
        cmd = [os.path.join(bindir, "ptstorm"), mode, "0", "--seconds",
               str(seconds), "--workers", str(workers)]
        if mode == "forkexec":
            cmd += ["--nop", os.path.join(bindir, "ptnop")]
        t0 = time.monotonic()
        storm = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True,
                                 process_group=0)
        rss = []  # (seconds since the storm began, KiB)
        while storm.poll() is None:
            kb = proc_status_kb(tracer.pid, "VmRSS")
            if kb is not None:
                rss.append((time.monotonic() - t0, kb))
            time.sleep(0.5)
        result = json.loads(storm.stdout.read().splitlines()[-1])
        if storm.returncode != 0:
            raise RuntimeError("storm failed: %d" % storm.returncode)
        peak = proc_status_kb(tracer.pid, "VmHWM")
        tracer.send_signal(signal.SIGINT)
        rc = tracer.wait(120)
    except BaseException:
        tracer.kill()
        tracer.wait()
        raise
    err_text = open(err_path, errors="replace").read()
    if rc != 0:
        raise RuntimeError("proctrace exited %d: %s" % (rc, err_text[-500:]))
    rows, seen, lost = count_csv(csv_path, result)
    stream_lost = count_stream(stream_path)
    total, by_kind, summary_lost = parse_summary(err_text)
    at10 = next((kb for t, kb in rss if t >= 10), rss[0][1] if rss else 0)
    return {
        "name": name, "storm": result, "rows": rows, "seen": seen,
        "lost": lost, "stream_lost": stream_lost, "summary": by_kind,
        "summary_total": total, "summary_lost": summary_lost,
        "rss10": at10, "rss_end": rss[-1][1] if rss else 0,
        "peak": max([peak or 0] + [kb for _, kb in rss]),
    }


def check(r):
    """The problems of one run, as text."""
    bad = []
    lost, stream = r["lost"], r["stream_lost"]
    if not (lost["lost"] == stream["lost"] == r["summary_lost"]):
        bad.append("lost: CSV rows %d, stream %d, summary %d"
                   % (lost["lost"], stream["lost"], r["summary_lost"]))
    for kind in set(lost) | set(stream):
        if lost[kind] != stream[kind]:
            bad.append("lost %s: CSV %d, stream %d"
                       % (kind, lost[kind], stream[kind]))
    events = {k: n for k, n in r["rows"].items() if k != "lost"}
    if events != r["summary"] or sum(events.values()) != r["summary_total"]:
        bad.append("summary %r, CSV rows %r" % (r["summary"], events))
    for kind in KINDS:
        want, got, gone = (r["storm"]["expect"][kind], r["seen"][kind],
                           lost[kind])
        if not got <= want <= got + gone:
            bad.append("%s: %d expected, %d seen, %d lost"
                       % (kind, want, got, gone))
    if r["rss_end"] - r["rss10"] > RSS_GROWTH_KB:
        bad.append("RSS grew from %d KiB at 10 s to %d KiB"
                   % (r["rss10"], r["rss_end"]))
    return bad


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("stress: needs root (it loads BPF): sudo make stress",
              file=sys.stderr)
        return 2
    proctrace, bindir = argv[1], argv[2]
    runs = argv[3:] or DEFAULT_RUNS
    seconds = float(os.environ.get("STRESS_S", "60"))
    failed = False
    print("%-13s %9s %11s %11s %7s %7s %7s %9s %9s %9s"
          % ("storm", "procs/s", "events exp", "seen", "lost", "stream",
             "summary", "RSS 10s", "RSS end", "RSS peak"))
    with tempfile.TemporaryDirectory(prefix="proctrace-stress.") as tmp:
        for spec in runs:
            mode, _, workers = spec.partition(":")
            try:
                r = run_one(proctrace, bindir, mode, int(workers or 2),
                            seconds, tmp)
            except (RuntimeError, OSError, ValueError) as e:
                print("stress: %s: %s" % (spec, e), file=sys.stderr)
                return 2
            want = sum(r["storm"]["expect"][k] for k in KINDS)
            seen = sum(r["seen"][k] for k in KINDS)
            print("%-13s %9.0f %11d %11d %7d %7d %7d %6d KiB %6d KiB %6d KiB"
                  % (r["name"], r["storm"]["rate"], want, seen,
                     r["lost"]["lost"], r["stream_lost"]["lost"],
                     r["summary_lost"], r["rss10"], r["rss_end"], r["peak"]),
                  flush=True)
            for problem in check(r):
                failed = True
                print("  FAIL " + problem, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
