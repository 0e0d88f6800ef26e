#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""proctrace integration tests: real workloads under the real tracer.

Needs root (BPF). Environment: PROCTRACE (the binary under test, default
build/asan/proctrace) and WORKLOADS (the built tests/workloads, default
build/workloads). Arguments, if any, select tests whose name contains one
of them; an argument naming a test in full (test_NAME) selects it alone. One line per test, then a count; exit status 1 on any failure.
"""

import os
import importlib
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import Failure, Tracer  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def all_tests():
    """Every test of every cases*.py beside this file (its TESTS list), the
    modules in name order with cases.py first, each module's in its order."""
    names = sorted(f[:-3] for f in os.listdir(HERE)
                   if f.startswith("cases") and f.endswith(".py"))
    tests = []
    for name in names:
        tests += importlib.import_module(name).TESTS
    return tests

class Env:
    """What every test needs: the binary, the workloads, a scratch dir."""

    def __init__(self, proctrace, workloads, tmp):
        self.proctrace = proctrace
        self.workloads = workloads
        self.tmp = tmp
        self.sessions = 0

    def workload(self, name):
        return os.path.join(self.workloads, name)

    def tracer(self, name, extra_args=()):
        """A tracer for one test, its CSV in the scratch dir."""
        self.sessions += 1
        path = os.path.join(self.tmp, "%02d-%s.csv" % (self.sessions, name))
        return Tracer(self.proctrace, path, extra_args)


def absolute_binary(var, default):
    path = os.path.realpath(os.environ.get(var, default))
    if not os.path.exists(path):
        sys.exit("integration: %s=%s does not exist (build it with make)"
                 % (var, path))
    return path


def main(argv):
    if os.geteuid() != 0:
        print("integration: the integration tests load BPF programs and "
              "need root: run them with sudo make test", file=sys.stderr)
        return 1
    proctrace = absolute_binary("PROCTRACE", "build/asan/proctrace")
    workloads = absolute_binary("WORKLOADS", "build/workloads")
    harness.load_schema(proctrace)
    tests = all_tests()
    names = {t.__name__ for t in tests}
    selected = [t for t in tests
                if not argv or any(a == t.__name__ if a in names
                                   else a in t.__name__ for a in argv)]
    if not selected:
        print("integration: no test matches %s" % " ".join(argv),
              file=sys.stderr)
        return 1

    tmp = tempfile.mkdtemp(prefix="proctrace-it.")
    env = Env(proctrace, workloads, tmp)
    failed = 0
    start = time.monotonic()
    for test in selected:
        name = test.__name__[len("test_"):]
        t0 = time.monotonic()
        try:
            test(env)
        except Failure as e:
            failed += 1
            print("FAIL %-26s %s" % (name, e), flush=True)
            continue
        print("ok   %-26s (%.1fs)" % (name, time.monotonic() - t0),
              flush=True)
    print("%d tests, %d passed, %d failed (%.0fs)"
          % (len(selected), len(selected) - failed, failed,
             time.monotonic() - start))
    if failed:
        print("captures kept in %s" % tmp)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
