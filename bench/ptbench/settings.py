# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""What make bench measures, from the environment (sizes, rounds, paths)."""

import os
from .common import HERE, env_int


# ---------------------------------------------------------------- settings


class Settings:
    def __init__(self, proctrace, out):
        self.proctrace = os.path.abspath(proctrace)
        self.out = os.path.abspath(out)
        self.bindir = os.path.join(self.out, "bench")
        self.storm = os.path.join(self.bindir, "ptstorm")
        self.nop = os.path.join(self.bindir, "ptnop")
        self.pingpong = os.path.join(self.bindir, "ptpingpong")
        self.model_bench = os.path.join(self.bindir, "model_bench")
        self.writer_bench = os.path.join(self.bindir, "writer_bench")
        self.replay_gen = os.path.join(self.bindir, "replay_gen")
        self.quick = os.environ.get("BENCH_QUICK", "") == "1"
        self.workers = 2  # storm workers; the 16-worker runs set it apart
        self.rounds = env_int("BENCH_ROUNDS", 3 if self.quick else 7)
        if self.quick:
            self.sizes = {"forkexec": 100, "fork": 200, "mixed": 100, "vfork": 5000}
        else:
            self.sizes = {"forkexec": 1000, "fork": 2000, "mixed": 1000, "vfork": 100000}
        self.long_count = env_int("BENCH_LONG", 1000000)
        if self.quick and "BENCH_LONG" not in os.environ:
            self.long_count = 20000
        self.tiny_counts = {"vfork": 5000 if self.quick else 50000,
                            "forkexec": 100 if self.quick else 1000}
        self.stats_counts = {m: n for m, n in self.sizes.items()}
        # dd bs=1 count=N: 2N system calls (the syscall tax)
        self.tax_count = env_int("BENCH_TAX", 300000 if self.quick else 3000000)
        self.model_events = 200000 if self.quick else 5000000
        # --sched's context-switch storm: round trips (each process
        # switches out twice per round trip)
        self.sched_round_trips = 20000 if self.quick else 200000
        self.replay_rows = env_int("BENCH_REPLAY_ROWS", 200000 if self.quick else 1000000)
        self.replay_runs = env_int("BENCH_REPLAY_RUNS", 3 if self.quick else 5)
        # BENCH_ONLY=replay: the replay and writer figures alone, no BPF.
        self.only = os.environ.get("BENCH_ONLY", "")
        default = "results-replay.md" if self.only == "replay" else "results.md"
        self.results = os.environ.get("BENCH_RESULTS", os.path.join(HERE, default))
        self.skipped = read_skipped(os.environ.get("BENCH_SKIPPED", ""))


def read_skipped(path):
    """Peers run.sh could not install: {binary: reason}."""
    skipped = {}
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                name, _, reason = line.rstrip("\n").partition(" ")
                if name:
                    skipped[name] = reason
    return skipped
