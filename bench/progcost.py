#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Per-program in-kernel cost of proctrace under a storm.

	[OUT=build] bench/progcost.py PROCTRACE MODE COUNT [--workers N] [-- PROCTRACE-ARGS...]

Starts `PROCTRACE -q -o /dev/null ARGS`, turns kernel.bpf_stats_enabled on,
runs `ptstorm MODE COUNT` (built into build/bench by bench/run.sh), and prints
each of proctrace's BPF programs with its runs and ns per run during the
storm, then the total per created process and proctrace's userspace CPU
per 10,000 processes. The same numbers `make bench` reports, for one run
while the BPF side is being changed.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptbench.runs import bpf_stats_run  # noqa: E402
from ptbench.settings import Settings  # noqa: E402
from ptbench.tracers import Proctrace  # noqa: E402


def main(argv):
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    workers = 2
    if "--workers" in argv:
        i = argv.index("--workers")
        workers = int(argv[i + 1])
        del argv[i:i + 2]
    if len(argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2].strip())
    proctrace, mode, count = argv[1], argv[2], int(argv[3])
    # The storm programs of this checkout's build (bench/run.sh builds them),
    # whichever proctrace binary is measured.
    s = Settings(proctrace, os.environ.get("OUT", os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "build")))
    s.workers = workers
    tmp = os.environ.get("TMPDIR", "/tmp")
    t = Proctrace(s, tmp)
    t.key = f"progcost.{os.getpid()}"
    t.extra = list(extra)
    r = bpf_stats_run(s, t, mode, count)
    procs = r["storm"]["procs"]
    print(f"{mode} storm, {procs} processes, {r['storm']['workers']} workers, "
          f"{r['storm']['rate']:.0f}/s; proctrace {' '.join(extra) or '(default)'}")
    print(f"{'program':32s} {'runs':>8s} {'ns/run':>8s} {'ns/proc':>8s}")
    total = 0
    for name, cnt, ns in r["progs"]:
        total += ns
        print(f"{name:32s} {cnt:8d} {ns / max(cnt, 1):8.0f} {ns / procs:8.0f}")
    print(f"{'total':32s} {'':8s} {'':8s} {total / procs:8.0f}")
    cpu = r["user"] + r["sys"]
    print(f"events {r['events']}, userspace CPU {cpu / procs * 1e4 * 1e3:.0f} ms per 10k procs")


if __name__ == "__main__":
    main(sys.argv)
