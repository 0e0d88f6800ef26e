# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Repair after lost events: a fork storm through the smallest ring buffer
loses events; the tracer reads the task list again and makes its picture
agree with the kernel's. Checked: events were lost and something repaired
(else a harsher storm, and a failure if none loses any), the keepers (alive
across the storm) are known and end reaped, no process of the run is left
alive or a zombie at its end, every repaired process is marked in the tree
exactly as its rows say, and a replay of the capture gives the same marks
and a byte-identical re-export (CSV and JSON Lines)."""

import os
import re
import subprocess
import time

from harness import (Check, Failure, SANITIZER, parse_detail, read_csv,
                     tail)
from cases import run_tracer

# (children, workers): harsher each time; under 25000 children so that no
# pid is reused within a run (pid_max may be 32768).
STORMS = ((20000, 2), (20000, 4), (24000, 8))
KEEP, DIE = 4, 4
RUN_TIMEOUT = 120


def read_facts(path):
    facts = {}
    try:
        with open(path) as f:
            for line in f:
                key, sep, value = line.rstrip("\n").partition("=")
                if sep:
                    facts[key] = value
    except FileNotFoundError:
        pass
    return facts


def complete_rows(path):
    """The CSV's rows written so far, as (event, ts_ns, detail dict): only
    whole lines (the tracer flushes at every poll)."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        return []
    out = []
    for line in text[:text.rfind("\n") + 1].splitlines()[1:]:
        fields = line.split(",")
        if len(fields) > 3 and fields[2] == "lost":
            out.append((int(fields[0]), parse_detail(fields[-1])))
    return out


def repaired_while_keepers_lived(csv_path, keepers_ns):
    """The last losses so far are followed by a rescan that began after the
    keepers were forked; or nothing was lost at all."""
    last_loss = last_rescan = None
    for i, (ts, d) in enumerate(complete_rows(csv_path)):
        if "rescan" in d:
            last_rescan = (i, ts)
        elif int(d["lost"]) > 0:
            last_loss = i
    if last_loss is None:
        return True
    return (last_rescan is not None and last_rescan[0] > last_loss
            and last_rescan[1] > keepers_ns)


def run_storm(env, n, workers, name, extra):
    """One traced run; (rows, facts, tree lines, stderr)."""
    base = os.path.join(env.tmp, name)
    csv_path, facts_path, gate = base + ".csv", base + ".facts", base + ".gate"
    os.mkfifo(gate)
    args = [env.proctrace, "-q", "--ringbuf-kb", "4", "-o", csv_path,
            "--tree", "--ascii"] + extra + [
            "--", env.workload("repair_storm"), str(n),
            str(workers), str(KEEP), str(DIE), facts_path, gate]
    with open(base + ".tree", "w") as out, open(base + ".err", "w") as err:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=err)
        try:
            deadline = time.monotonic() + RUN_TIMEOUT
            while True:
                facts = read_facts(facts_path)
                if ("storm_end_ns" in facts and repaired_while_keepers_lived(
                        csv_path, int(facts["keepers_ns"]))):
                    break
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise Failure("the storm did not end with its losses "
                                  "repaired (tracer %s)" % proc.poll())
                time.sleep(0.05)
            # The keepers may end now (the FIFO's reader is the workload).
            fd = os.open(gate, os.O_WRONLY)
            os.close(fd)
            try:
                rc = proc.wait(RUN_TIMEOUT)
            except subprocess.TimeoutExpired:
                raise Failure("the tracer did not end %d s after its command "
                              "could" % RUN_TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    with open(base + ".err") as f:
        stderr = f.read()
    if SANITIZER.search(stderr):
        raise Failure("sanitizer report: %s" % tail(stderr, 20))
    if rc != 0:
        raise Failure("proctrace -- repair_storm exited %d: %s"
                      % (rc, tail(stderr)))
    with open(base + ".tree") as f:
        tree = f.read().splitlines()
    return csv_path, read_csv(csv_path), read_facts(facts_path), tree, stderr


def tree_lines(lines, pids):
    """pid -> its tree lines without the drawing, for the pids given (more
    than one when the pid was reused: the machine is shared)."""
    out = {}
    for line in lines:
        body = line.lstrip(" |`-")
        pid = body.split(" ", 1)[0]
        if pid in pids:
            out.setdefault(pid, []).append(body)
    return out


def single(lines):
    """pid -> its one tree line, for the pids that were not reused."""
    return {pid: b[0] for pid, b in lines.items() if len(b) == 1}


def expected_marks(rows):
    """pid -> the marks its rows call for: inferred (born unseen, its fork
    never seen), and an end not observed (ended, reaped or exited) that
    nothing seen later overrides."""
    by_pid = {}
    for r in rows:
        if r["event"] != "lost":
            by_pid.setdefault(r["pid"], []).append(r)
    marks = {}
    for pid, rs in by_pid.items():
        d = [parse_detail(r["detail"]) for r in rs]
        kinds = [r["event"] for r in rs]
        seen = {k for k, x in zip(kinds, d) if "unseen_from_ns" not in x}
        want = set()
        if any("inferred" in x for x in d) and "fork" not in kinds:
            want.add("[inferred]")
        gone = any(k == "reap" and "unseen_from_ns" in x
                   for k, x in zip(kinds, d))
        zombie = any(k == "exit" and "unseen_from_ns" in x
                     for k, x in zip(kinds, d))
        if gone and "reap" not in seen:
            want.add("[reaped, not observed" if "exit" in seen
                     else "[ended, not observed")
        elif zombie and "exit" not in seen and "reap" not in seen:
            want.add("[exited, not observed")
        marks[pid] = want
    return marks


def contradicted(rows):
    """pid -> its rows' kinds, for the pids whose inferred exit is followed,
    in file order, by a real exit, or whose inferred reap by a real exit or
    reap, of the same process."""
    inferred, out, seen = {}, {}, {}
    for r in rows:
        if r["event"] == "lost":
            continue
        pid, d = r["pid"], parse_detail(r["detail"])
        seen.setdefault(pid, []).append(r["event"])
        if r["event"] in ("fork", "snapshot"):
            inferred.pop(pid, None)
        elif r["event"] in ("exit", "reap"):
            if "unseen_from_ns" in d:
                inferred.setdefault(pid, set()).add(r["event"])
            elif pid in inferred and (r["event"] == "exit"
                                      or "reap" in inferred[pid]):
                # A real reap after an inferred exit is the exit lost.
                out[pid] = seen[pid]
    return out


MARK = re.compile(r"\[(inferred\]|(ended|reaped|exited), not observed)")
END_ALIVE = ("still running", "stopped", "zombie")


def check_run(ck, rows, facts, tree):
    pids = {r["pid"] for r in rows if r["event"] != "lost"}
    every = tree_lines(tree, pids)
    lines = single(every)
    # Known while alive, ended reaped: the keepers.
    for k in facts["keepers"].split(","):
        kinds = [r["event"] for r in rows if r["pid"] == k]
        born = [r for r in rows if r["pid"] == k and (
            r["event"] == "fork" or "inferred" in parse_detail(r["detail"]))]
        ck.true(born, "keeper %s: neither its fork nor a rescan's row: %s"
                % (k, kinds))
        ck.true(kinds and kinds[-1] == "reap",
                "keeper %s: last row %s, want a reap" % (k, kinds[-1:]))
    # Nothing of the run alive or a zombie at its end.
    for pid, bodies in sorted(every.items()):
        for body in bodies:
            ck.true(not any(w in body for w in END_ALIVE),
                    "pid %s still alive in the tree at the end: %r"
                    % (pid, body))
    # No inferred end that a row read later contradicts: once a rescan has
    # written a process's exit or reap as not observed, no real exit or
    # reap of it follows (its pid reused: rows after a fork or an
    # inferred birth are another process's).
    for pid, kinds in sorted(contradicted(rows).items()):
        ck.fail("pid %s: an end inferred, then its real row: %s"
                % (pid, kinds))
    # Every repaired process marked, as its rows say, and only those (a
    # reused pid's rows are not one process's: left out).
    marked = 0
    for pid, want in sorted(expected_marks(rows).items()):
        if pid not in every:
            ck.fail("pid %s has rows but no tree line" % pid)
        if pid not in lines:
            continue
        got = {m.group(0) for m in MARK.finditer(lines[pid])}
        ck.eq("marks of pid %s (%s)" % (pid, lines[pid]), got, want)
        marked += bool(want)
    ck.true(marked, "no repaired process to check the marks of")


# Times are from the first event, which the live run takes from an
# ancestor's snapshot row that the capture does not keep; a start the rows
# do not give is taken no later than the first row (replay.h).
STRIP = re.compile(r"-?\d+\.\d+s?|before|\?| \[parent \d+ not traced\]"
                   r"| \[before trace\]| \[started by proctrace\]")


def check_replay(ck, env, csv_path, tree, rows, storm_pid):
    again, jsonl, again2 = (csv_path + ".again", csv_path + ".jsonl",
                            csv_path + ".again2")
    rep = run_tracer(env, ["--replay", csv_path, "-q", "-o", again, "-j",
                           jsonl, "--tree", "--ascii"], timeout=RUN_TIMEOUT)
    ck.eq("replay exit status", rep.returncode, 0)
    with open(csv_path, "rb") as a, open(again, "rb") as b:
        ck.true(a.read() == b.read(), "re-exported CSV differs from the "
                "capture")
    rep2 = run_tracer(env, ["--replay", jsonl, "-q", "-o", again2],
                      timeout=RUN_TIMEOUT)
    ck.eq("JSON Lines replay exit status", rep2.returncode, 0)
    with open(csv_path, "rb") as a, open(again2, "rb") as b:
        ck.true(a.read() == b.read(), "CSV -> JSON Lines -> CSV differs")
    pids = {r["pid"] for r in rows if r["event"] != "lost"} - {storm_pid}
    live = tree_lines(tree, pids)
    replayed = tree_lines(rep.stdout.splitlines(), pids)
    for pid in sorted(pids):
        want, got = live.get(pid), replayed.get(pid)
        if want is None or got is None or len(want) != len(got):
            ck.fail("pid %s: live tree %r, replayed %r" % (pid, want, got))
            continue
        # A reused pid's lines in tree order: compared as a set.
        ck.eq("replayed tree lines of pid %s" % pid,
              sorted(STRIP.sub("T", g) for g in got),
              sorted(STRIP.sub("T", w) for w in want))


def repair_after_losses(env, name, extra, check=None):
    tried = []
    for attempt, (n, workers) in enumerate(STORMS):
        csv_path, rows, facts, tree, stderr = run_storm(
            env, n, workers, "%s-%d" % (name, attempt), extra)
        lost = sum(int(parse_detail(r["detail"])["lost"])
                   for r in rows if r["event"] == "lost")
        rescans = [parse_detail(r["detail"]) for r in rows
                   if r["event"] == "lost" and "rescan" in r["detail"]]
        repaired = sum(int(d["ended_unseen"]) + int(d["born_unseen"])
                       for d in rescans)
        tried.append("%d children, %d workers: lost %d, %d rescans, %d "
                     "repaired" % (n, workers, lost, len(rescans), repaired))
        if not lost or not repaired:
            continue
        ck = Check()
        ended = sum(int(d["ended_unseen"]) for d in rescans)
        ck.eq("stderr: the rescans' line",
              [l for l in stderr.splitlines() if "rescans of the task list" in l],
              ["proctrace: repaired after lost events by %d rescans of the task list: "
               "%d processes ended unseen, %d born unseen"
               % (len(rescans), ended, repaired - ended)])
        check_run(ck, rows, facts, tree)
        check_replay(ck, env, csv_path, tree, rows, facts["storm_pid"])
        if check:
            check(ck, rows)
        ck.raise_if_failed()
        return
    raise Failure("no storm made the tracer lose and repair: %s"
                  % "; ".join(tried))


def test_repair_after_losses(env):
    repair_after_losses(env, "repair", [])


def check_comm_only(ck, rows):
    """-c: every row the repair wrote too is of the name followed."""
    other = sorted({(r["event"], r["comm"]) for r in rows
                    if r["event"] != "lost" and r["comm"] != "repair_storm"})
    ck.eq("rows of another name than -c repair_storm", other, [])


def test_repair_with_filter(env):
    """The same under -c: the repair keeps to what the filters follow."""
    repair_after_losses(env, "repair-c", ["-c", "repair_storm"],
                        check_comm_only)


TESTS = [test_repair_after_losses, test_repair_with_filter]
