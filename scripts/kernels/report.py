#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The kernel matrix's report: DIR/report.md from each kernel's result.json
(guest.py) and the matrix's expectations; printed, exit 1 on a failure.

  report.py DIR TOTAL_SECONDS LINE...

A kernel fails when it did not boot or run the checks, when an option set
does not load or a fact test fails, except for what the matrix's EXPECT-OFF
column says the kernel cannot have (the option set, and the tests needing it).
"""

import json
import os
import sys

MATRIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "matrix")


def expectations():
    """LINE -> set of option sets expected off (the matrix's 4th column)."""
    out = {}
    with open(MATRIX) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if words:
                out[words[0]] = set() if len(words) < 4 or words[3] == "-" \
                    else set(words[3].split(","))
    return out


def cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def kernel(dir_, line, expect_off):
    """(table row, detail lines, failures) of one kernel."""
    path = os.path.join(dir_, line)
    rc, seconds = "?", 0
    if os.path.exists(os.path.join(path, "host")):
        rc, seconds = open(os.path.join(path, "host")).read().split()
    minutes = "%.1f" % (int(seconds) / 60)
    try:
        with open(os.path.join(path, "result.json")) as f:
            r = json.load(f)
    except (OSError, ValueError):
        guest = ""
        if os.path.exists(os.path.join(path, "guest.log")):
            guest = open(os.path.join(path, "guest.log"), errors="replace").read()
        why = [l for l in guest.splitlines() if l.startswith("boot.sh:")][:1] or \
            ["no result (guest exit %s): see %s/guest.log and console.log" % (rc, path)]
        return ("| %s | ? | did not run | | %s | 0/0 | %s | FAIL |"
                % (line, cell(why[0]), minutes), [], [why[0]])
    failures, details, off = [], [], []
    loads = r["loads"]
    by_set = {s["set"]: s for s in loads}
    default = by_set.get("default", {}).get("loaded", False)
    for s in loads:
        expected = s["set"] in expect_off
        if not s["loaded"]:
            first = (s.get("verifier") or s["stderr"] or ["exit %s" % s["rc"]])
            off.append("%s%s: %s" % (s["set"], " (expected)" if expected else "",
                                     s["stderr"][0] if s["stderr"] else first[0]))
            if not expected:
                failures.append("option set %s (%s) refused" % (s["set"], " ".join(s["args"])))
            details.append("- `%s` refused%s; stderr:" % (" ".join(s["args"]) or "(default)",
                                                        " (expected)" if expected else ""))
            details += ["      " + l for l in s["stderr"]]
            if s.get("verifier"):
                details.append("  verifier (-v):")
                details += ["      " + l.strip() for l in s["verifier"][:12]]
        else:
            if expected:
                details.append("- `%s` loads though the matrix expects it off: "
                               "update scripts/kernels/matrix" % s["set"])
            for l in s["stderr"]:
                if l not in off:
                    off.append(l)
    facts = r["facts"]
    held = sum(1 for t in facts if t["ok"])
    for t in facts:
        if not t["ok"]:
            expected = t["needs"] in expect_off
            details.append("- %s failed%s: %s" % (t["test"], " (needs %s, expected off)"
                                                  % t["needs"] if expected else "",
                                                  t["message"][:400]))
            if not expected:
                failures.append("fact test %s failed" % t["test"])
    nloaded = sum(1 for s in loads if s["loaded"])
    row = "| %s | %s | %s | %d/%d | %s | %d/%d | %s | %s |" % (
        line, r["release"], "yes" if default else "**no**", nloaded, len(loads),
        cell("; ".join(off) or "none"), held, len(facts), minutes,
        "FAIL" if failures else "ok")
    if not r.get("btf"):
        failures.append("no BTF (/sys/kernel/btf/vmlinux)")
    return row, details, failures


def main(argv):
    dir_, total, lines = argv[1], int(argv[2]), argv[3:]
    expect = expectations()
    out = ["# Kernel matrix", "",
           "| line | kernel release | default loads | option sets loaded | features off, and why "
           "| facts held/checked | minutes | verdict |",
           "|---|---|---|---|---|---|---|---|"]
    details, failed = [], []
    for line in lines:
        row, d, f = kernel(dir_, line, expect.get(line, set()))
        out.append(row)
        if d or f:
            details += ["", "## %s" % line, ""] + d
        failed += ["%s: %s" % (line, x) for x in f]
    out += ["", "Total: %.1f minutes for %d kernels." % (total / 60, len(lines))]
    out += details
    if failed:
        out += ["", "## Failures", ""] + ["- " + x for x in failed]
    text = "\n".join(out) + "\n"
    with open(os.path.join(dir_, "report.md"), "w") as f:
        f.write(text)
    print(text, end="")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
