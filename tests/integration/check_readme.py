#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""README.md's column table must be what `proctrace --columns` prints:
usage: check_readme.py PROCTRACE README.md. Every difference is listed."""

import difflib
import subprocess
import sys

BEGIN = "<!-- proctrace --columns -->"
END = "<!-- end of proctrace --columns -->"


def main(argv):
    proctrace, readme = argv[1], argv[2]
    want = subprocess.run([proctrace, "--columns"], stdout=subprocess.PIPE,
                          check=True, universal_newlines=True).stdout
    with open(readme, encoding="utf-8") as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        print("%s: no %s ... %s section" % (readme, BEGIN, END), file=sys.stderr)
        return 1
    have = text.split(BEGIN, 1)[1].split(END, 1)[0].lstrip("\n")
    if have == want:
        return 0
    sys.stderr.writelines(difflib.unified_diff(
        have.splitlines(True), want.splitlines(True),
        "%s (column table)" % readme, "%s --columns" % proctrace))
    print("%s: the column table differs from proctrace --columns "
          "(paste its output between the markers)" % readme, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
