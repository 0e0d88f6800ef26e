#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""README.md's column table must be what `proctrace --columns` prints, and
the demo's description the zombie time its own output shows: usage:
check_readme.py PROCTRACE README.md. Every difference is listed."""

import difflib
import re
import subprocess
import sys

BEGIN = "<!-- proctrace --columns -->"
END = "<!-- end of proctrace --columns -->"


# The description says "`zombie N ms` below"; the stream's reap row of
# that process must say "zombie N ms, reaped".
DEMO_ZOMBIE = re.compile(r"`zombie (\d+) ms` below")


def demo_zombie_problems(readme, text):
    said = DEMO_ZOMBIE.findall(text)
    if len(said) != 1:
        return ["%s: the demo's description should say `zombie N ms` below "
                "once, found %d" % (readme, len(said))]
    if "zombie %s ms, reaped" % said[0] not in text:
        return ["%s: the demo's description says zombie %s ms, its stream "
                "has no 'zombie %s ms, reaped'" % (readme, said[0], said[0])]
    return []


def main(argv):
    proctrace, readme = argv[1], argv[2]
    want = subprocess.run([proctrace, "--columns"], stdout=subprocess.PIPE,
                          check=True, universal_newlines=True).stdout
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        print("%s: no %s ... %s section" % (readme, BEGIN, END), file=sys.stderr)
        return 1
    problems = demo_zombie_problems(readme, text)
    for p in problems:
        print(p, file=sys.stderr)
    have = text.split(BEGIN, 1)[1].split(END, 1)[0].lstrip("\n")
    if have == want:
        return 1 if problems else 0
    sys.stderr.writelines(difflib.unified_diff(
        have.splitlines(True), want.splitlines(True),
        "%s (column table)" % readme, "%s --columns" % proctrace))
    print("%s: the column table differs from proctrace --columns "
          "(paste its output between the markers)" % readme, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
