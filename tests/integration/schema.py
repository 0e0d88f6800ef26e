# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The export schema as the program states it (`proctrace --columns`), so
the tests and the README check never keep a copy of their own."""

import re
import subprocess

ROW = re.compile(r"^\| `([^`]+)` \| ([a-z]+) \| ([^|]*) \| ([^|]*) \| ([^|]*) \|$")


HEADERS = ("| column |", "| detail key |", "| JSON Lines key |")


def parse_tables(text):
    """The three Markdown tables (columns, detail keys, the keys JSON Lines
    adds) as lists of (name, type, unit, events, meaning), in order."""
    tables, current = [], None
    for line in text.splitlines():
        if line.startswith(HEADERS):
            current = []
            tables.append(current)
            continue
        m = ROW.match(line)
        if m and current is not None:
            current.append(tuple(g.strip() for g in m.groups()))
    if len(tables) != len(HEADERS) or not all(tables):
        raise ValueError("expected a column, a detail key and a JSON Lines "
                         "key table")
    return tables


def read(proctrace):
    """(columns, detail keys, JSON Lines keys) of this binary."""
    out = subprocess.run([proctrace, "--columns"], stdout=subprocess.PIPE,
                         check=True, universal_newlines=True).stdout
    return parse_tables(out)
