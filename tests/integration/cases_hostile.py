# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Hostile processes (the hostile workload): names and arguments made of
escape sequences and bytes that are not UTF-8, 100,000 arguments, the
longest argument the kernel takes and 1 MiB of them, a process renaming
itself 2,000 times. The whole machine is traced with the live stream in
colour (as on a terminal), CSV and JSON Lines at once:

  - the stream is UTF-8 with no control character but the newline and
    proctrace's own colour codes: nothing a traced process wrote reaches
    the terminal raw;
  - CSV and JSON Lines parse, and give back every hostile byte exactly;
  - the counts and sizes are the kernel's, cuts are said;
  - proctrace exits 0 with no sanitizer report.
(Paths of PATH_MAX bytes: test_exec_limits.)"""

import json
import os
import re

from harness import Check, parse_detail, run_workload
from cases import true_path
from cases_json import unescape

# What proctrace itself writes in colour: SGR sequences only.
SGR = re.compile(rb"\x1b\[[0-9;]*m")
# Controls a terminal may obey: C0 but the newline, DEL, C1.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f\x80-\x9f]")
ARGS_CAPTURED = 32768


def check_stream(ck, path):
    with open(path, "rb") as f:
        data = SGR.sub(b"", f.read())
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        ck.fail("stream is not UTF-8: %s: %r" % (e, data[e.start - 40:
                                                          e.end + 40]))
        return
    m = CONTROL.search(text)
    ck.true(m is None, "control character %r in the stream: %r"
            % (m and m.group(), m and text[m.start() - 60:m.end() + 20]))


def read_jsonl(ck, path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            try:
                rows.append(json.loads(line))
            except ValueError as e:
                ck.fail("JSON line %d does not parse: %s" % (n, e))
    return rows


def one(ck, rows, what):
    if len(rows) != 1:
        ck.fail("%s: expected 1 row, got %d" % (what, len(rows)))
        return None
    return rows[0]


def rows_of(cap, f, role, kind):
    """Rows of the workload's child ROLE: the whole machine is traced, so
    its pid may be reused by another process meanwhile."""
    return [r for r in cap.of(f[role + "_pid"], kind)
            if r["ppid"] == f["parent_pid"]]


def check_exec_size(ck, cap, f, role, argc, size):
    row = one(ck, rows_of(cap, f, role, "exec"), "exec row of " + role)
    if row is None:
        return
    ck.eq(role + " exec filename", row["filename"], true_path())
    d = parse_detail(row["detail"])
    ck.eq(role + " exec argc, args_size, cut, captured",
          (d.get("argc"), d.get("args_size"), d.get("argv_truncated"),
           d.get("captured")),
          (str(argc), str(size), "1", str(ARGS_CAPTURED)))


def test_hostile_processes(env):
    scratch = os.path.join(env.tmp, "hostile")
    os.mkdir(scratch)
    jsonl = os.path.join(env.tmp, "hostile.jsonl")
    tracer = env.tracer("hostile", ["-j", jsonl, "--color", "always"])
    tracer.args.remove("-q")
    stream = tracer.csv_path + ".stream"
    with open(stream, "w") as out:
        tracer.start(stdout=out)
    try:
        f = run_workload(env.workload("hostile"), [true_path(), scratch])
    except BaseException:
        tracer.kill()
        raise
    cap = tracer.stop()  # exit 0, no sanitizer report, CSV parses
    ck = Check()
    check_stream(ck, stream)
    jrows = read_jsonl(ck, jsonl)
    comm = bytes.fromhex(f["comm_hex"])
    path = bytes.fromhex(f["path_hex"])
    arg = bytes.fromhex(f["arg_hex"])

    # the hostile name, on the parent's rename and the child that has it
    p, named = f["parent_pid"], f["named_pid"]
    rename = one(ck, [r for r in cap.of(p, "rename")
                      if r["ppid"] == f["_pid_of_runner"]],
                 "rename row of the parent")
    if rename:
        ck.eq("hostile comm (CSV)", unescape(rename["comm"]), comm)
    for kind in ("fork", "exit", "reap"):
        row = one(ck, rows_of(cap, f, "named", kind),
                  "%s row of the named child" % kind)
        if row:
            ck.eq("named child %s comm" % kind, unescape(row["comm"]), comm)
    ck.eq("named child's exit code",
          [r["exit_code"] for r in rows_of(cap, f, "named", "exit")], ["3"])
    jnamed = [o for o in jrows if o.get("pid") == int(named)
              and o.get("ppid") == int(p)]
    ck.eq("named child's comm (JSON)", {unescape(o["comm"]) for o in jnamed},
          {comm})

    # 2,000 renames, one after the other, each from the name before
    renames = rows_of(cap, f, "renamer", "rename")
    names = [comm] + [b"r%05d" % i for i in range(int(f["renames"]))]
    ck.eq("renames: (old, new)",
          [(unescape(parse_detail(r["detail"]).get("old_comm", "")),
            unescape(r["comm"])) for r in renames],
          list(zip(names, names[1:])))

    # sizes: what the kernel took, cut at what is captured
    prog = len(true_path()) + 1
    check_exec_size(ck, cap, f, "many", 100000, prog + 99999 * 2)
    check_exec_size(ck, cap, f, "big", 2, prog + 128 * 1024)
    check_exec_size(ck, cap, f, "mb", 9, prog + 8 * 128 * 1024)
    ck.eq("one 1 MiB argument: the kernel's errno", f["huge_errno"], "7")
    ck.eq("one 1 MiB argument: exec rows", rows_of(cap, f, "huge", "exec"),
          [])

    # the hostile path and argument, byte for byte
    row = one(ck, rows_of(cap, f, "path", "exec"),
              "exec row through the path")
    if row:
        ck.eq("hostile path (CSV)", unescape(row["filename"]), path)
        ck.eq("comm from the hostile path", unescape(row["comm"]),
              os.path.basename(path)[:15])
    jrow = one(ck, [o for o in jrows if o.get("pid") == int(f["path_pid"])
                    and o.get("ppid") == int(p) and o["event"] == "exec"],
               "JSON exec row through the path")
    if jrow:
        ck.eq("hostile path (JSON)", unescape(jrow["filename"]), path)
        ck.eq("hostile argv (JSON)", [unescape(a) for a in jrow["argv"]],
              [path, arg])
    ck.raise_if_failed()


TESTS = [test_hostile_processes]
