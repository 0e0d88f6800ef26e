# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The kernel side's maps whose entries are needed for a moment (a claim
of a process's end, a fork row's time, a zombie's numbers in pid
namespaces: docs/bounds.md). Made full with PROCTRACE_FAULT=full:MAP, the
fact that found no room is counted lost and no false one is written (never
two process exits, never a wait in a namespace matched to another zombie).
Under a normal load their entries leave again: none of the workload's is
left once it has ended."""

import json
import os
import subprocess
import time

from harness import Check, TIMEOUT_FACTOR, inferred, parse_detail, run_traced, run_workload
from cases_sched import check_sum_is_lifetime, sched_row

MAPS = ("group_dead_claims", "sched_stamps", "zombie_alias")


def run(env, name, fault, workload, args, opts=()):
    """proctrace OPTS -- WORKLOAD ARGS with PROCTRACE_FAULT=fault: the
    capture and the workload's facts."""
    return run_traced(env, name, workload, args, opts, fault=fault)


def process_exits(cap, pid):
    return [r for r in cap.of(pid, "exit")
            if "thread_exit" not in parse_detail(r["detail"])
            and "inferred" not in parse_detail(r["detail"])]


def test_map_leave_group_dead_claims_full(env):
    """group_dead_claims full: a process ended by exit_group() while its
    other thread lives. Where the kernel's exit tracepoint tells the last
    thread (group_dead), the map is not used: one exit row, nothing lost.
    Elsewhere the claim is refused: no process exit row from the kernel's
    exit, counted as a lost exit; the rescan that the loss starts may infer
    the end (an exit row with unseen_from_ns=, no status) if it runs before
    the reap; never two."""
    cap, f = run(env, "leave-claims", "full:group_dead_claims", "causes", ["exit_group"])
    ck = Check()
    rows = process_exits(cap, f["child_pid"])
    ck.true(len(rows) <= 1, "process exit rows of the child: %d" % len(rows))
    seen = [r for r in rows if not inferred(r)]
    for r in seen:
        ck.fields(r, "child exit", exit_code="4")
    if not seen:
        ck.true(cap.lost_of("exit") >= 1,
                "no exit row and no lost exit (lost exit=%d)" % cap.lost_of("exit"))
    ck.raise_if_failed()


def test_map_leave_sched_stamps_full(env):
    """sched_stamps full: each fork row's time is refused, counted as a
    lost sched; the children's states then begin at their first wake-up,
    microseconds later: still their lifetime within 1 ms, never more."""
    cap, f = run(env, "leave-stamps", "full:sched_stamps", "sched_states", ["pinned"],
                 opts=["--sched"])
    ck = Check()
    forks = [r for r in cap.rows if r["event"] == "fork"]
    ck.true(len(forks) >= 2, "fork rows: %d" % len(forks))
    ck.eq("lost sched (one by fork row)", cap.lost_of("sched"), len(forks))
    for key in ("child0", "child1"):
        sched_row(ck, cap, f[key], key)
    check_sum_is_lifetime(ck, cap, "pinned, sched_stamps full", exact=False)
    ck.raise_if_failed()


def test_map_leave_zombie_alias_full(env):
    """zombie_alias full: a pid namespace's init (a subreaper) reaps its
    child and an orphan; its wait() returns the namespace's numbers, which
    no alias translates: each reap is reported at the free, by that init
    (the real parent, the only one whose wait releases), counted as a lost
    reap; never another reaper."""
    cap, f = run(env, "leave-alias", "full:zombie_alias", "reap_paths", ["ns_subreaper"])
    ck = Check()
    init = f["init_pid"]
    for key in ("mid_pid", "orphan_pid"):
        rows = cap.of(f[key], "reap")
        named = [r for r in rows if not inferred(r)]
        ck.true(rows, "%s: no reap row" % key)
        ck.true(len(named) <= 1, "%s: %d reap rows" % (key, len(named)))
        for r in named:
            ck.fields(r, key, by_pid=init, ppid=init)
            ck.details(r, key, reap_at="free")
        for r in rows:
            if r not in named:
                ck.fields(r, key + " (rescan)", by_pid="")
    ck.true(cap.lost_of("reap") >= 2, "lost reap: %d" % cap.lost_of("reap"))
    ck.raise_if_failed()


def map_entries(pid):
    """MAP name -> its entries, of the maps of MAPS that process pid holds."""
    ids = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                ids.update(int(l.split()[1]) for l in f if l.startswith("map_id:"))
        except OSError:
            pass
    out = subprocess.run(["bpftool", "-j", "map", "show"], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    found = {}
    for m in json.loads(out):
        name = m.get("name", "")
        full = [n for n in MAPS if n[:15] == name[:15]]
        if m["id"] in ids and full:
            dump = subprocess.run(["bpftool", "-j", "map", "dump", "id", str(m["id"])],
                                  check=True, stdout=subprocess.PIPE, text=True).stdout
            found[full[0]] = json.loads(dump)
    return found


def first_u32(field):
    """The first 4 bytes of a key or value as bpftool prints it (raw hex
    bytes, or formatted through BTF), little-endian."""
    if isinstance(field, list):
        return int.from_bytes(bytes(int(b, 16) for b in field[:4]), "little")
    if isinstance(field, dict):
        return int(next(iter(field.values())))
    return int(field)


def ours(name, entries, pids):
    """The entries of map name that concern pids (a tgid or tid first in
    the key; zombie_alias: the global pid its value names)."""
    out = []
    for e in entries:
        e = e.get("formatted", e)
        who = first_u32(e["value"] if name == "zombie_alias" else e["key"])
        if who in pids:
            out.append(e)
    return out


def test_map_leave_empty_after(env):
    """Under a normal load (the workloads traced by name, with --sched): once
    workloads that fill these maps have ended (zombies reaped in a pid
    namespace, a threaded process ended by exit_group(), children forked
    and reaped), none of their entries is left (the aliases within the
    sweep after each walk of the zombies: polled, no time asserted)."""
    tracer = env.tracer("leave-empty", ["--sched", "-c", "reap_paths", "-c", "causes",
                                        "-c", "sched_states"]).start()
    try:
        pids = set()
        for workload, args in (("reap_paths", ["ns_subreaper"]), ("causes", ["exit_group"]),
                               ("sched_states", ["pinned"])):
            facts = run_workload(env.workload(workload), args)
            pids |= {int(v) for k, v in facts.items() if k.endswith("pid") or
                     k.startswith("child") and v.isdigit()}
        ck = Check()
        ck.true(pids, "no pids among the workloads' facts")
        # A bound on the wait, not an assertion: the sweep comes within
        # half a second of the last reap.
        deadline = time.monotonic() + 10 * TIMEOUT_FACTOR
        while True:
            entries = map_entries(tracer.proc.pid)
            left = {n: ours(n, entries.get(n, []), pids) for n in MAPS}
            if not any(left.values()) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        for n in MAPS:
            ck.eq("%s: entries of the workloads left" % n, left[n], [])
    finally:
        tracer.stop()
    ck.raise_if_failed()


TESTS = [test_map_leave_group_dead_claims_full, test_map_leave_sched_stamps_full,
         test_map_leave_zombie_alias_full, test_map_leave_empty_after]
