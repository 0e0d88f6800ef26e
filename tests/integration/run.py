#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""proctrace integration tests: real workloads under the real tracer.

Needs root (BPF). Environment: PROCTRACE (the binary under test, default
build/asan/proctrace) and WORKLOADS (the built tests/workloads, default
build/workloads). Arguments, if any, select tests whose name contains one
of them; an argument naming a test in full (test_NAME) selects it alone. One line per test, then a count; exit status 1 on any failure.
"""

import os
import re
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


# A lost row that counts events: "lost=N" with N > 0 (a rescan's is lost=0).
LOST_ROW = re.compile(r",lost,.*\blost=([1-9][0-9]*)")


def counted_losses(tmp, since):
    """Events the tracer's runs counted lost in the CSV captures written
    under tmp since the wall-clock time since: a run that says it lost
    events (the kernel's recursion guard on preemptible tracepoints, a
    full ring under a loaded machine) does not claim its facts whole."""
    n = 0
    for root, _, files in os.walk(tmp):
        for f in files:
            path = os.path.join(root, f)
            try:
                if not f.endswith(".csv") or os.path.getmtime(path) < since:
                    continue
                with open(path, errors="replace") as fh:
                    for line in fh:
                        m = LOST_ROW.search(line)
                        if m:
                            n += int(m.group(1))
            except OSError:
                continue
    return n


# Runs of one test while each failed in a run that counted lost events.
# A counted loss is rare but not tied to the test (under TCG, a guest's
# vCPU held up by a loaded host: docs/development.md), so two in a row can happen
# in a long matrix; three would say the test itself makes them.
ATTEMPTS = 3


def run_test(env, test, name):
    """One test; again (up to ATTEMPTS runs) while it failed in a run that
    counted lost events (said on a line of its own, so the failure is never
    hidden). Whether it failed."""
    for attempt in range(1, ATTEMPTS + 1):
        t0, since = time.monotonic(), time.time()
        try:
            test(env)
        except Failure as e:
            lost = counted_losses(env.tmp, since) if attempt < ATTEMPTS else 0
            if lost:
                print("again %-25s its run counted %d lost events: %s"
                      % (name, lost, e), flush=True)
                continue
            print("FAIL %-26s %s" % (name, e), flush=True)
            return True
        print("ok   %-26s (%.1fs)" % (name, time.monotonic() - t0),
              flush=True)
        return False
    return True


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
        failed += run_test(env, test, test.__name__[len("test_"):])
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
