# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Constants and logging shared by the benchmark modules."""

import os
import platform
import sys
import time


# bench/, where results.md goes and whose ../src is measured.
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KINDS = ("fork", "exec", "exit", "reap", "signal", "stop", "continue")
WORKLOAD_COMMS = ("ptstorm", "ptnop")
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Syscalls a tracer sits in once it is attached and waiting for events.
WAITING_SYSCALLS = {
    "x86_64": {0, 7, 23, 34, 35, 45, 47, 61, 230, 232, 270, 271, 281, 441},
    "aarch64": {22, 63, 72, 73, 101, 115, 207, 212, 260, 441},
}.get(platform.machine(), set())


def env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


T0 = time.monotonic()


def log(msg):
    print(f"[{time.monotonic() - T0:6.0f}s] {msg}", file=sys.stderr, flush=True)
