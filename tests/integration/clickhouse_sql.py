#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""docs/clickhouse.sql's columns, made from the program's own column list.

usage: clickhouse_sql.py PROCTRACE CLICKHOUSE.sql [--write]

The table's columns are those of `proctrace --columns` (the one list the
CSV, JSON Lines and database writers use): the JSON Lines keys, the
columns, and each detail key as detail.KEY (the lost row's per-kind counts
aside). Without --write, the file's column list is checked against them:
every difference is listed and the exit status is 1. With --write, the
list is written into the file; the text around it is the file's own.
"""

import difflib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import schema  # noqa: E402

START = "CREATE TABLE IF NOT EXISTS proctrace.events (\n"
END = "\n) ENGINE"
BASE = {"integer": "Int64", "text": "String"}
ON_EVERY_ROW = ("ts_ns", "time", "event")


def columns(proctrace):
    """[(name, ClickHouse type)] in the table's order, and the names of the
    keys JSON Lines adds."""
    cols, keys, json_keys = schema.read(proctrace)
    out = [(k[0], "String") for k in json_keys]
    for c in cols:
        name, kind = c[0], c[1]
        if name == "detail":
            continue
        if kind == "argv":
            out.append((name, "Array(String)"))
        elif name in ON_EVERY_ROW:
            out.append((name, BASE[kind]))
        else:
            out.append((name, "Nullable(%s)" % BASE[kind]))
    for k in keys:
        if k[0] != "KIND":
            out.append(("detail." + k[0], "UInt8" if k[1] == "flag"
                        else "Nullable(%s)" % BASE[k[1]]))
    return out, {k[0] for k in json_keys}


def body(proctrace):
    """The column list as the file has it: the keys JSON Lines adds bare,
    the others quoted (detail.KEY needs it)."""
    cols, bare = columns(proctrace)
    return ",\n".join("    %s %s" % (n if n in bare else "`%s`" % n, t)
                       for n, t in cols)


def main(argv):
    if len(argv) not in (3, 4) or argv[3:] not in ([], ["--write"]):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    proctrace, path = argv[1], argv[2]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if START not in text or END not in text.split(START, 1)[1]:
        print("%s: no '%s' ... '%s' to hold the columns" % (path, START.strip(), END.strip()),
              file=sys.stderr)
        return 1
    head, rest = text.split(START, 1)
    have, tail = rest.split(END, 1)
    want = body(proctrace)
    if argv[3:] == ["--write"]:
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(head + START + want + END + tail)
        os.replace(path + ".tmp", path)
        return 0
    if have == want:
        print("clickhouse-check: %s has the columns of %s --columns" % (path, proctrace))
        return 0
    for line in difflib.unified_diff(have.splitlines(), want.splitlines(), path,
                                     "proctrace --columns", lineterm=""):
        print(line, file=sys.stderr)
    print("clickhouse-check: %s's columns are not the program's: run %s %s %s --write"
          % (path, argv[0], proctrace, path), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
