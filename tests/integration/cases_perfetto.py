# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""--perfetto: the Trace Event Format file of real workloads, read by
python's json and checked by perfetto_check (tracks, contiguous state
slices, one flow per fork), then compared with the JSON Lines capture of
the same run, event for event and to the nanosecond: a track per process
named "comm (pid)", its state slices changing state where its events do
and ending at its reap, a flow from the parent at each fork, an instant per
exec, signal and exit with the row's values, a thread track per thread.
And the same file again from --replay, and the errors."""

import json
import os
import re
import stat

from harness import Check, Failure, SANITIZER, run_workload, tail
from procs import Cleanup, Command
from cases import check_one_error_line, run_tracer
from cases_views import command_chain, roles_of, split_views
import perfetto_check


def load(ck, path):
    """The tracks and flows of a --perfetto file; its problems to ck."""
    try:
        doc = perfetto_check.read(path)
    except (OSError, ValueError) as e:
        raise Failure("%s does not parse: %s" % (path, e))
    problems, tracks, flows = perfetto_check.check(doc)
    for p in problems:
        ck.fail("%s: %s" % (os.path.basename(path), p))
    return doc, tracks, flows


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def traced(env, name, workload, opts=()):
    """proctrace -o -j --perfetto [opts] -- WORKLOAD, to its end. Returns
    the workload's facts, the JSON Lines rows, the --perfetto file's path,
    proctrace's other stdout lines and the pids of the command's
    ancestors (which the model knows from the snapshot, the capture not)."""
    jsonl = os.path.join(env.tmp, name + ".jsonl")
    trace = os.path.join(env.tmp, name + ".json")
    with Cleanup() as cl:
        cmd = cl.add(Command(env, name, [env.workload(workload)],
                             ["-j", jsonl, "--perfetto", trace]
                             + list(opts)))
        root, _ = command_chain(cmd)
        cap, out = cmd.finish(0)
    if cap.summary()[2]:
        raise Failure("events lost: the trace cannot be whole")
    fact_lines, rest = split_views(out)
    facts = dict(l.split("=", 1) for l in fact_lines)
    return (facts, read_jsonl(jsonl), trace, rest,
            {int(pid) for pid in roles_of(root)})


def ns(value):
    return round(value * 1000)


def check_processes(ck, doc, tracks, flows, rows, ancestors):
    """The file against the capture's rows (time order), process by
    process."""
    t0 = doc["otherData"]["first_event_boottime_ns"]
    by_pid = {}
    for r in sorted(rows, key=lambda r: r["ts_ns"]):
        if r["event"] != "lost":
            by_pid.setdefault(r["pid"], []).append(r)
    ck.eq("tracks besides the capture's processes",
          sorted(set(tracks) - set(by_pid)), sorted(ancestors - set(by_pid)))
    for pid, prow in by_pid.items():
        t = tracks.get(pid)
        if not ck.true(t, "pid %s: no track" % pid):
            continue
        ck.eq("pid %s: track name" % pid, t.names,
              ["%s (%s)" % (prow[-1]["comm"], pid)])
        check_states(ck, pid, t, prow, t0)
        check_instants(ck, pid, t, prow, t0)
    forks = sorted((r["by_pid"], r["pid"]) for r in rows
                   if r["event"] == "fork")
    got = sorted((e["out"][0][0], e["in"][0][0]) for e in flows.values()
                 if len(e["out"]) == 1 and len(e["in"]) == 1)
    ck.eq("flows (parent, child) = the fork rows' (by_pid, pid)", got, forks)


def check_states(ck, pid, t, prow, t0):
    """Its slices change state at the rows that change it, and the last
    ends at its reap: the durations add up to its life in the trace."""
    want, changes = [], []
    for r in prow:
        if r["state"] != "reaped" and (not want or want[-1] != r["state"]):
            if want:
                changes.append(r["ts_ns"] - t0)
            want.append(r["state"])
    names = [s[2] for s in t.states]
    ck.eq("pid %s: states" % pid, names, want)
    ck.eq("pid %s: where the state changes (ns)" % pid,
          [s[0] for s in t.states[1:]], changes)
    if not t.states:
        return
    start, end = t.states[0][0], t.states[-1][0] + t.states[-1][1]
    ck.eq("pid %s: durations add up to its life" % pid,
          sum(s[1] for s in t.states), end - start)
    if prow[0]["event"] == "fork":
        ck.eq("pid %s: first slice begins at the fork (ns)" % pid, start,
              prow[0]["ts_ns"] - t0)
    reap = [r for r in prow if r["event"] == "reap"]
    if reap:
        ck.eq("pid %s: last slice ends at the reap (ns)" % pid, end,
              reap[-1]["ts_ns"] - t0)


SIGNAL_KEYS = ("sender_comm", "sender", "code", "result", "group")
USAGE = ("cpu_user_us", "cpu_sys_us", "maxrss_kb", "minflt", "majflt",
         "nvcsw", "nivcsw", "inblock", "oublock")
USAGE += tuple("children_" + c for c in USAGE)


def expected_instant(r, t0):
    """(ns, name, args) the row must give, or None."""
    det = r.get("detail", {})
    if r["event"] == "exec":
        args = {"filename": r["filename"], "argv": r["argv"],
                "argc": det["argc"]}
        args.update((k, v) for k, v in det.items() if k in (
            "argv_truncated", "argv_unreadable", "path_truncated", "old_tid"))
        return r["ts_ns"] - t0, "exec", args
    if r["event"] == "signal":
        args = {"signal": r["signal"]}
        if "by_pid" in r:
            args["by_pid"] = r["by_pid"]
        args.update((k, v) for k, v in det.items() if k in SIGNAL_KEYS)
        return r["ts_ns"] - t0, r["signal"], args
    if r["event"] == "exit" and not det.get("thread_exit"):
        args = {"status": det["status"], "core_dumped": r["core_dumped"]}
        for k in ("exit_code", "signal") + USAGE:
            if k in r:
                args[k] = r[k]
        return r["ts_ns"] - t0, "exit", args
    return None


def check_instants(ck, pid, t, prow, t0):
    want = [i for i in (expected_instant(r, t0) for r in prow) if i]
    # The exit instant carries the final usage: the reap row's where the
    # kernel's final figures were read, else the exit row's snapshot.
    final = [r for r in prow if r["event"] == "reap" and "cpu_user_us" in r]
    if final:
        want = [(ns, name, dict(args, **{k: final[-1][k] for k in USAGE
                                         if k in final[-1]}))
                if name == "exit" else (ns, name, args)
                for ns, name, args in want]
    key = lambda i: (i[0], i[1], json.dumps(i[2], sort_keys=True))  # noqa
    ck.eq("pid %s: instants (ns, name, args)" % pid,
          sorted(map(key, t.instants)), sorted(map(key, want)))


def test_perfetto_demo(env):
    """demo (fork, setpgid, stop, continue, zombie) with -o, -j and --tree
    beside --perfetto."""
    ck = Check()
    f, rows, trace, views, ancestors = traced(env, "perfetto-demo", "demo",
                                              ["--tree", "--ascii"])
    doc, tracks, flows = load(ck, trace)
    check_processes(ck, doc, tracks, flows, rows, ancestors)
    a, b = tracks.get(int(f["a_pid"])), tracks.get(int(f["b_pid"]))
    ck.eq("A's states", [s[2] for s in a.states] if a else None,
          ["alive", "stopped", "alive", "zombie"])
    ck.true(b and b.states[-1][2] == "zombie" and b.states[-1][1] >=
            int(f["b_zombie_ms"]) * 1000000,
            "B's last slice: a zombie of >= %s ms" % f["b_zombie_ms"])
    ck.eq("flows", len(flows), 3)
    # pid 1 first among the ancestors, folded
    ck.true(views and re.match(r"^\.\.\. \d+ ancestors: ", views[0]),
            "--tree beside --perfetto: %r" % views[:1])
    ck.raise_if_failed()


def test_perfetto_sigkill(env):
    """kill_child: the child's exit instant says SIGKILL, its signal
    instant who sent it."""
    ck = Check()
    f, rows, trace, _, ancestors = traced(env, "perfetto-kill", "kill_child")
    doc, tracks, flows = load(ck, trace)
    check_processes(ck, doc, tracks, flows, rows, ancestors)
    c = tracks.get(int(f["child_pid"]))
    exits = [i[2] for i in c.instants if i[1] == "exit"] if c else []
    ck.true(len(exits) == 1 and exits[0].get("signal") == "SIGKILL"
            and "exit_code" not in exits[0],
            "the child's exit instant: %r" % exits)
    kills = [i[2] for i in c.instants if i[1] == "SIGKILL"] if c else []
    ck.eq("the SIGKILL's sender", [k.get("by_pid") for k in kills],
          [int(f["parent_pid"])])
    ck.raise_if_failed()


def test_perfetto_threads(env):
    """--threads: a thread track per thread row, named "comm (tid)", its
    slice from the thread row to the thread's exit row."""
    ck = Check()
    f, rows, trace, _, ancestors = traced(env, "perfetto-threads", "threads",
                                          ["--threads"])
    doc, tracks, flows = load(ck, trace)
    check_processes(ck, doc, tracks, flows, rows, ancestors)
    t0 = doc["otherData"]["first_event_boottime_ns"]
    want = {}
    for r in rows:
        if r["event"] == "thread":
            want[(r["pid"], r["tid"])] = ["%s (%s)" % (r["comm"], r["tid"]),
                                          r["ts_ns"] - t0, None]
    for r in rows:
        if r["event"] == "exit" and r.get("detail", {}).get("thread_exit") \
                and (r["pid"], r["tid"]) in want:
            want[(r["pid"], r["tid"])][2] = r["ts_ns"] - t0
    got = {}
    for pid, t in tracks.items():
        for tid, th in t.threads.items():
            got[(pid, tid)] = [th["names"][0] if th["names"] else None] + (
                [th["slices"][0][0], sum(th["slices"][0][:2])]
                if len(th["slices"]) == 1 else [None, None])
    ck.eq("threads of the workload", sorted(
        int(f[k]) for k in ("t1_tid", "t2_tid", "t3_tid")),
        sorted(tid for _, tid in want))
    ck.eq("thread tracks (name, start, end ns)", got, want)
    ck.raise_if_failed()


def test_perfetto_replay(env):
    """A whole-system capture replayed (CSV and JSON Lines, to a file and to
    stdout) gives the live run's file, but for where the trace ends: a
    capture does not say when tracing stopped, so a replay ends at its last
    event and the slices still open then are shorter."""
    live = os.path.join(env.tmp, "perfetto-live.json")
    jsonl = os.path.join(env.tmp, "perfetto-live.jsonl")
    ck = Check()
    with Cleanup() as cl:
        tracer = cl.add(env.tracer("perfetto-live",
                                   ["-j", jsonl, "--perfetto", live]))
        tracer.start()
        run_workload(env.workload("demo"))
        cap = tracer.stop()
    outs = {}
    for src in (tracer.csv_path, jsonl):
        out = os.path.join(env.tmp, os.path.basename(src) + ".replay.json")
        p = run_tracer(env, ["--replay", src, "-q", "--perfetto", out])
        ck.eq("--replay %s --perfetto: status" % src, p.returncode, 0)
        with open(out, "rb") as fh:
            outs[src] = fh.read()
    p = run_tracer(env, ["--replay", tracer.csv_path, "--perfetto", "-"])
    ck.eq("--perfetto - on a replay: status", p.returncode, 0)
    ck.true(outs[tracer.csv_path] == outs[jsonl],
            "replays of the CSV and the JSON Lines differ")
    ck.true(p.stdout == outs[tracer.csv_path].decode("utf-8"),
            "--perfetto - differs from --perfetto FILE")
    doc_live, tracks, _ = load(ck, live)
    doc_rep, _, _ = load(ck, tracer.csv_path + ".replay.json")
    pids = {int(r["pid"]) for r in cap.rows if r["event"] != "lost"}
    ck.eq("processes without a track", sorted(pids - set(tracks)), [])
    ck.eq("otherData", doc_rep["otherData"], doc_live["otherData"])

    def ends(doc):
        return max(ns(e["ts"]) + ns(e.get("dur", 0))
                   for e in doc["traceEvents"] if e["ph"] != "M")
    end_live, end_rep = ends(doc_live), ends(doc_rep)
    last = max(int(r["ts_ns"]) for r in cap.rows if r["event"] != "lost")
    ck.eq("the replay ends at the last event (ns)", end_rep,
          last - doc_rep["otherData"]["first_event_boottime_ns"])
    ck.true(end_live >= end_rep, "the live run ends (%d ns) before its last "
            "event (%d ns)" % (end_live, end_rep))

    # a slice open at the end ends at each run's end; all else is equal
    def same(x, y):
        if x == y:
            return True
        return (x["ph"] == y["ph"] == "X" and dict(x, dur=0) == dict(y, dur=0)
                and ns(x["ts"]) + ns(x["dur"]) == end_live
                and ns(y["ts"]) + ns(y["dur"]) == end_rep)
    a, b = doc_live["traceEvents"], doc_rep["traceEvents"]
    diff = [(x, y) for x, y in zip(a, b) if not same(x, y)]
    ck.eq("events, but for the end of the open slices", (len(b), diff[:3]),
          (len(a), []))
    ck.raise_if_failed()


def test_perfetto_errors(env):
    """A directory that is not there, a device that fails the write, a
    replay that fails halfway: one error line, exit 1, and the file that
    was there before is left as it was."""
    ck = Check()
    good = os.path.join(env.tmp, "perfetto-err.csv")
    p = run_tracer(env, ["-q", "-o", good, "--", env.workload("exit_code")])
    if p.returncode != 0:
        raise Failure("capture for the error cases: exit %d: %s"
                      % (p.returncode, tail(p.stderr)))
    missing = os.path.join(env.tmp, "no-such-dir", "x.json")
    p = run_tracer(env, ["--replay", good, "-q", "--perfetto", missing])
    ck.eq("--perfetto into a missing directory: status", p.returncode, 1)
    check_one_error_line(ck, "missing directory", p.stderr)
    p = run_tracer(env, ["--replay", good, "-q", "--perfetto", "/dev/full"])
    ck.eq("--perfetto /dev/full: status", p.returncode, 1)
    check_one_error_line(ck, "/dev/full", p.stderr)
    ck.true("/dev/full" in p.stderr and "No space left" in p.stderr,
            "/dev/full: %r" % p.stderr)
    ck.true(stat.S_ISCHR(os.lstat("/dev/full").st_mode),
            "/dev/full is no longer a device")
    # a capture cut in the middle of a row: the replay fails at its end
    with open(good, "rb") as fh:
        data = fh.read()
    cut = os.path.join(env.tmp, "perfetto-cut.csv")
    with open(cut, "wb") as fh:
        fh.write(data[:len(data) - 20])
    kept = os.path.join(env.tmp, "perfetto-kept.json")
    with open(kept, "w") as fh:
        fh.write("before")
    p = run_tracer(env, ["--replay", cut, "-q", "--perfetto", kept])
    ck.eq("--replay of a cut capture: status", p.returncode, 1)
    check_one_error_line(ck, "a cut capture", p.stderr)
    with open(kept) as fh:
        ck.eq("the file already there, after a failed run", fh.read(),
              "before")
    ck.eq("files left beside it", sorted(
        n for n in os.listdir(env.tmp) if n.startswith("perfetto-kept")),
        ["perfetto-kept.json"])
    p = run_tracer(env, ["--replay", good, "-o", "-", "--perfetto", "-"])
    ck.eq("-o - with --perfetto -: status", p.returncode, 2)
    ck.true(not SANITIZER.search(p.stderr), "sanitizer report")
    ck.raise_if_failed()


TESTS = [test_perfetto_demo, test_perfetto_sigkill, test_perfetto_threads,
         test_perfetto_replay, test_perfetto_errors]
