#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""RSS of a whole-machine live view over a long storm (make bench-long-rss).

proctrace runs on the whole machine with --tree -T (ended processes are
culled from the model a few seconds after their end), while ptstorm forks
and reaps processes without pause; proctrace's RSS is read at 1, 10 and 60
minutes (LONG_RSS_MARKS, in minutes, e.g. "1 10"), then it is stopped and
its tree's note says how many processes were culled. Prints one line per
mark: minutes, processes made so far (from the storm's pids file), RSS.

    bench/long_rss.py PROCTRACE BENCH_BIN_DIR

Environment: LONG_RSS_MARKS (default "1 10 60"), LONG_RSS_WORKERS (the
storm's workers, default 1: the machine stays usable).
"""

import os
import signal
import subprocess
import sys
import tempfile
import time


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: long_rss.py PROCTRACE BENCH_BIN_DIR")
    proctrace, bindir = sys.argv[1], sys.argv[2]
    marks = [float(m) for m in os.environ.get("LONG_RSS_MARKS", "1 10 60").split()]
    workers = os.environ.get("LONG_RSS_WORKERS", "1")
    tmp = tempfile.mkdtemp(prefix="ptlongrss.")
    out = open(os.path.join(tmp, "views.txt"), "w")
    tracer = subprocess.Popen([proctrace, "-q", "--tree", "-T", "--ascii"], stdout=out,
                              stderr=subprocess.STDOUT)
    time.sleep(3)  # attached
    storm = subprocess.Popen(
        [os.path.join(bindir, "ptstorm"), "fork", "0", "--seconds", str(int(marks[-1] * 60) + 30),
         "--workers", workers], stdout=subprocess.DEVNULL)
    start = time.monotonic()
    print("minutes  rss_kb", flush=True)
    try:
        for m in marks:
            time.sleep(max(0.0, start + m * 60 - time.monotonic()))
            print(f"{m:7g}  {rss_kb(tracer.pid)}", flush=True)
    finally:
        storm.send_signal(signal.SIGTERM)
        storm.wait()
        tracer.send_signal(signal.SIGINT)
        tracer.wait()
        out.close()
    with open(os.path.join(tmp, "views.txt")) as f:
        for line in f:
            if "culled" in line:
                print(line.rstrip())
    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
