# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The storm generator, and counting what each tracer reported of a storm."""

import collections
import csv
import json
import os
import re
import subprocess
from .common import WORKLOAD_COMMS


# ------------------------------------------------------------------- storm


def storm_cmd(s, mode, count, pids_prefix=None, hold=False):
    cmd = [s.storm, mode, str(count), "--workers", str(s.workers)]
    if mode == "forkexec":
        cmd += ["--nop", s.nop]
    if pids_prefix:
        cmd += ["--pids", pids_prefix]
    if hold:
        cmd.append("--hold")
    return cmd


def parse_storm(out):
    for line in out.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError("the storm printed no result: " + out[-500:])


def run_storm(s, mode, count, pids_prefix=None):
    out = subprocess.run(storm_cmd(s, mode, count, pids_prefix), check=True,
                         stdout=subprocess.PIPE, text=True, process_group=0).stdout
    return parse_storm(out)


def read_pids(prefix, storm):
    pids = collections.Counter()
    for i in range(storm["workers"]):
        with open(f"{prefix}.{i}") as f:
            for line in f:
                pids[int(line)] += 1
        os.unlink(f"{prefix}.{i}")
    return pids


def expected_for(storm, kinds):
    return {k: storm["expect"].get(k, 0) for k in kinds}


# ---------------------------------------------------------------- counting


def count_proctrace_csv(path, storm, with_storm=False):
    """Rows about the storm's processes by kind (the storm leads its own
    group: rows of that group, minus the storm process itself unless
    with_storm), and the losses the CSV reports: total and by kind."""
    pgid, me = str(storm["pgid"]), str(storm["pid"])
    seen = collections.Counter()
    lost = collections.Counter()
    with open(path, newline="", errors="replace") as f:
        rows = csv.reader(f)
        header = next(rows, None)
        if not header:
            return seen, lost
        ev_i, pid_i, pgid_i = (header.index(c) for c in ("event", "pid", "pgid"))
        det_i = header.index("detail")
        for row in rows:
            ev = row[ev_i]
            if ev == "snapshot":
                continue  # already running when tracing began: not an event
            if any(k in row[det_i] for k in ("rescan=", "unseen_from_ns=")):
                continue  # a rescan's repair after losses: no event, no loss
            if ev == "lost":
                for item in row[det_i].split():
                    key, _, val = item.partition("=")
                    lost[key] += int(val)
            elif row[pgid_i] == pgid and (with_storm or row[pid_i] != me):
                seen[ev] += 1
    return seen, lost


def parse_summary(stderr_path):
    """proctrace's summary line: ({kind: n, "events": total}, lost)."""
    with open(stderr_path, errors="replace") as f:
        text = f.read()
    found = re.findall(r"^proctrace: (\d+) events(.*); lost (\d+)$", text, re.M)
    if not found:
        raise RuntimeError("no proctrace summary in " + stderr_path + ": " + text[-500:])
    total, kinds, lost = found[-1]
    counts = {k: int(n) for k, n in re.findall(r"([a-z]+) (\d+)", kinds)}
    counts["events"] = int(total)
    return counts, int(lost)


def lost_lines(path):
    """Losses peers report in their output ('Lost N events ...')."""
    total = 0
    with open(path, errors="replace") as f:
        for line in f:
            m = re.search(r"[Ll]ost (\d+) (?:events|samples)", line)
            if m:
                total += int(m.group(1))
    return total


def count_snoop(path, pids, kind, pid_col):
    """execsnoop/exitsnoop lines: 'PCOMM PID ...', workload pid and comm."""
    n = 0
    with open(path, errors="replace") as f:
        for line in f:
            cols = line.split()
            if len(cols) > pid_col and cols[pid_col].isdigit() and \
               int(cols[pid_col]) in pids and cols[0] in WORKLOAD_COMMS:
                n += 1
    return {kind: n}


def count_forkstat(path, pids):
    """forkstat lines: 'TIME EVENT PID INFO ...'; a fork is the line of its
    child ('fork PID child')."""
    seen = collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            cols = line.split()
            if len(cols) < 3 or not cols[2].isdigit() or int(cols[2]) not in pids:
                continue
            ev = cols[1]
            if ev == "fork" and len(cols) > 3 and cols[3] == "child":
                seen["fork"] += 1
            elif ev in ("exec", "exit"):
                seen[ev] += 1
    return seen


def count_bpftrace(path, pids):
    """peer-lifecycle.bt: 'fork PPID PID COMM', 'exec PID COMM FILE',
    'exit PID COMM'."""
    seen = collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            cols = line.split()
            if len(cols) < 3:
                continue
            if cols[0] == "fork" and len(cols) > 3 and cols[2].isdigit() and \
                    int(cols[2]) in pids and cols[3] in WORKLOAD_COMMS:
                seen["fork"] += 1
            elif cols[0] in ("exec", "exit") and cols[1].isdigit() and \
                    int(cols[1]) in pids and cols[2] in WORKLOAD_COMMS:
                seen[cols[0]] += 1
    return seen


STRACE_LINE = re.compile(r"^(\d+)\s+(.*)$")
STRACE_RET = re.compile(r"=\s+(-?\d+)(?:\s.*)?$")


def count_strace(path, pids):
    """strace -f -o: 'PID call(...) = RET', possibly split into
    '<unfinished ...>' and '<... call resumed>'. A fork is a clone/fork that
    returned a workload pid, an exec a successful execve by one, an exit
    its '+++ exited/killed' line, a reap a wait4 that returned one."""
    seen = collections.Counter()
    with open(path, errors="replace") as f:
        for line in f:
            m = STRACE_LINE.match(line)
            if not m:
                continue
            pid, rest = int(m.group(1)), m.group(2)
            if rest.startswith("+++ "):
                if pid in pids and ("exited with" in rest or "killed by" in rest):
                    seen["exit"] += 1
                continue
            call = re.match(r"(?:<\.\.\. )?(\w+)", rest)
            ret = STRACE_RET.search(rest)
            if not call or not ret or "<unfinished" in rest:
                continue
            name, value = call.group(1), int(ret.group(1))
            if name in ("clone", "clone3", "fork", "vfork") and value in pids:
                seen["fork"] += 1
            elif name == "execve" and value == 0 and pid in pids:
                seen["exec"] += 1
            elif name in ("wait4", "waitpid") and value in pids and \
                    ("WIFEXITED" in rest or "WIFSIGNALED" in rest):
                seen["reap"] += 1
    return seen
