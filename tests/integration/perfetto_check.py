#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The structure of a proctrace --perfetto file, checked the way a trace
viewer would read it (the Trace Event Format: JSON object form).

Used by the integration tests (import it) and by the unit test of the
writer (run it: `perfetto_check.py FILE` prints every problem and exits 1,
or prints one summary line per track and exits 0).

What must hold:
- the whole file is JSON (python's json, strict: no NaN, no trailing
  commas), an object with a traceEvents list; every event has ph, name,
  pid and tid; timed events a ts, slices a dur, all in µs with at most
  three decimals (whole nanoseconds), never negative;
- every process track (pid) has exactly one process_name, one
  process_sort_index, and the sort indexes are 0..n-1; every thread track
  other than the main one (tid != pid) has a thread_name;
- on each main track, the state slices follow one another without gap or
  overlap: together they are the process's lifetime in the trace;
- instants are thread-scoped and lie within their process's lifetime;
- every flow (bind_id) has exactly one source, a 0-long "fork" slice on
  the parent's main track, and one target, the first state slice of the
  child's, at the same time.
"""

import json
import sys


def ns(value):
    """A µs value as whole ns, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    n = round(value * 1000)
    return n if abs(value * 1000 - n) < 1e-3 and n >= 0 else None


class Track:
    def __init__(self, pid):
        self.pid = pid
        self.names, self.sorts, self.labels = [], [], []
        self.states = []    # (ts_ns, dur_ns, name, event), in file order
        self.instants = []  # (ts_ns, name, args)
        self.forks = []     # (ts_ns, bind_id, args)
        self.threads = {}   # tid -> {"names": [...], "slices": [...]}


def read(path):
    """The parsed document, or raises ValueError with the reason."""
    with open(path, "rb") as f:
        raw = f.read()

    def no_constant(name):
        raise ValueError("non-standard JSON constant %s" % name)
    return json.loads(raw.decode("utf-8"), parse_constant=no_constant)


def tracks_of(doc, problems):
    """pid -> Track, and bind_id -> {"out": [...], "in": [...]}."""
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"),
                                                   list):
        problems.append("not an object with a traceEvents list")
        return {}, {}
    tracks, flows = {}, {}
    for k, ev in enumerate(doc["traceEvents"]):
        where = "event %d (%r)" % (k, ev)[:200]
        if not isinstance(ev, dict) or any(key not in ev for key in
                                           ("ph", "name", "pid", "tid")):
            problems.append("%s: lacks ph, name, pid or tid" % where)
            continue
        ph, pid, tid = ev["ph"], ev["pid"], ev["tid"]
        t = tracks.setdefault(pid, Track(pid))
        args = ev.get("args", {})
        if ph == "M":
            meta(t, tid, ev["name"], args, where, problems)
            continue
        ts = ns(ev.get("ts"))
        if ts is None:
            problems.append("%s: ts is not whole ns >= 0" % where)
            continue
        if ph == "i":
            if ev.get("s") != "t" or tid != pid:
                problems.append("%s: not an instant of the main thread"
                                % where)
            t.instants.append((ts, ev["name"], args))
            continue
        if ph != "X":
            problems.append("%s: unexpected phase %r" % (where, ph))
            continue
        dur = ns(ev.get("dur"))
        if dur is None:
            problems.append("%s: dur is not whole ns >= 0" % where)
            continue
        for key, end in (("flow_out", "out"), ("flow_in", "in")):
            if ev.get(key) is True:
                flows.setdefault(ev.get("bind_id"), {"out": [], "in": []})[
                    end].append((pid, tid, ts, dur, ev))
        cat = ev.get("cat")
        if cat == "fork":
            if dur != 0 or tid != pid or ev.get("flow_out") is not True:
                problems.append("%s: a fork slice is 0-long, on the main "
                                "thread, a flow's source" % where)
            t.forks.append((ts, ev.get("bind_id"), args))
        elif cat == "state" and tid == pid:
            t.states.append((ts, dur, ev["name"], ev))
        elif cat == "thread" and tid != pid:
            t.threads.setdefault(tid, {"names": [], "slices": []})[
                "slices"].append((ts, dur, ev["name"]))
        else:
            problems.append("%s: unexpected slice" % where)
    return tracks, flows


def meta(t, tid, name, args, where, problems):
    if name == "process_name":
        t.names.append(args.get("name"))
    elif name == "process_sort_index":
        t.sorts.append(args.get("sort_index"))
    elif name == "process_labels":
        t.labels.append(args.get("labels"))
    elif name == "thread_name" and tid != t.pid:
        t.threads.setdefault(tid, {"names": [], "slices": []})[
            "names"].append(args.get("name"))
    elif name not in ("thread_name", "thread_sort_index"):
        problems.append("%s: unknown metadata" % where)


def check_tracks(tracks, problems):
    sorts = []
    for pid, t in tracks.items():
        if len(t.names) != 1 or not isinstance(t.names[0], str):
            problems.append("pid %s: process_name %r" % (pid, t.names))
        if len(t.sorts) != 1:
            problems.append("pid %s: process_sort_index %r" % (pid, t.sorts))
        sorts.extend(t.sorts)
        if not t.states:
            problems.append("pid %s: no state slice" % pid)
        for (ts, dur, name, _), (nts, _, nname, _) in zip(t.states,
                                                          t.states[1:]):
            if ts + dur != nts:
                problems.append("pid %s: %s ends at %d ns, %s starts at %d"
                                % (pid, name, ts + dur, nname, nts))
        if t.states:
            first, last = t.states[0][0], t.states[-1][0] + t.states[-1][1]
            for ts, name, _ in t.instants:
                if not first <= ts <= last:
                    problems.append("pid %s: instant %s at %d ns outside "
                                    "%d..%d" % (pid, name, ts, first, last))
        for tid, th in t.threads.items():
            if len(th["names"]) != 1:
                problems.append("pid %s tid %s: thread_name %r"
                                % (pid, tid, th["names"]))
    if sorted(sorts) != list(range(len(sorts))):
        problems.append("process_sort_index values are not 0..n-1: %r"
                        % sorted(sorts))


def check_flows(tracks, flows, problems):
    for bind, ends in flows.items():
        if len(ends["out"]) != 1 or len(ends["in"]) != 1:
            problems.append("flow %r: %d sources, %d targets"
                            % (bind, len(ends["out"]), len(ends["in"])))
            continue
        src, dst = ends["out"][0], ends["in"][0]
        child = tracks.get(dst[0])
        if child is None or not child.states or child.states[0][3] is not \
                dst[4]:
            problems.append("flow %r: the target is not the first state "
                            "slice of pid %s" % (bind, dst[0]))
        if src[4].get("cat") != "fork":
            problems.append("flow %r: the source is not a fork slice" % bind)
        if src[2] != dst[2]:
            problems.append("flow %r: source at %d ns, target at %d ns"
                            % (bind, src[2], dst[2]))


def check(doc):
    """(problems, tracks, flows) of a parsed document."""
    problems = []
    tracks, flows = tracks_of(doc, problems)
    check_tracks(tracks, problems)
    check_flows(tracks, flows, problems)
    return problems, tracks, flows


def summary(tracks, flows):
    """One line per process track in sort order: sort index, pid, name,
    labels, its states as name@start+dur (µs), its instants, its forks
    (to which track) and its threads; then the count of flows."""
    lines = []

    def us(n):
        return "%d.%03d" % divmod(n, 1000)
    for t in sorted(tracks.values(), key=lambda t: (t.sorts or [-1])[0]):
        parts = ["%s %s %r" % ((t.sorts or ["?"])[0], t.pid,
                                (t.names or ["?"])[0])]
        parts += ["label %r" % lab for lab in t.labels]
        parts += ["%s@%s+%s" % (n, us(ts), us(d)) for ts, d, n, _ in t.states]
        parts += ["%s@%s%s" % (n, us(ts), json.dumps(a, sort_keys=True))
                  for ts, n, a in t.instants]
        parts += ["fork@%s->%s" % (us(ts), b) for ts, b, _ in t.forks]
        for tid in sorted(t.threads):
            th = t.threads[tid]
            parts.append("thread %s %r %s" % (tid, th["names"], " ".join(
                "%s@%s+%s" % (n, us(ts), us(d)) for ts, d, n in th["slices"])))
        lines.append(" | ".join(parts))
    lines.append("%d flows" % len(flows))
    return lines


def main(argv):
    try:
        doc = read(argv[1])
    except (OSError, ValueError) as e:
        print("%s: %s" % (argv[1], e))
        return 1
    problems, tracks, flows = check(doc)
    for p in problems:
        print(p)
    if problems:
        return 1
    print("\n".join(summary(tracks, flows)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
