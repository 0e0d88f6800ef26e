# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""--sched: time per scheduler state, from workloads whose states are known
by construction (tests/workloads/sched_states.c). The bounds are facts of
the workloads (a 200 ms spin is at least 180 ms on a CPU), not speed."""

import subprocess

from harness import Check, Failure, parse_detail, run_traced, tail
from procs import add_fact, Cleanup, Command

MS = 1000000
STATES = ("running", "runnable", "sleeping", "disk_sleep", "stopped",
          "traced")


def run(env, name, mode, opts=("--sched",)):
    """proctrace OPTS -- sched_states MODE: the capture, the workload's
    facts, and the rest of stdout (the views)."""
    with Cleanup() as cl:
        cmd = cl.add(Command(env, name, [env.workload("sched_states"), mode],
                             opts=opts))
        cap, out = cmd.finish(0)
    cap.path = cmd.tracer.csv_path
    facts, views = {}, []
    for line in out.splitlines():
        if "=" in line and not line.startswith(" "):
            add_fact(facts, line, name)
        else:
            views.append(line)
    return cap, facts, views


def sched_row(ck, cap, pid, what):
    """The one process sched row of pid, its detail as ints (ns)."""
    rows = [r for r in cap.of(pid, "sched")
            if "thread_exit" not in parse_detail(r["detail"])]
    if len(rows) != 1:
        ck.fail("%s: %d sched rows for pid %s, want 1" % (what, len(rows),
                                                            pid))
        return None
    d = parse_detail(rows[0]["detail"])
    return {k: int(v) for k, v in d.items() if v.isdigit()}


def check_between(ck, what, ns, lo_ms, hi_ms=None):
    ok = ns >= lo_ms * MS and (hi_ms is None or ns <= hi_ms * MS)
    ck.true(ok, "%s: %.1f ms, want >= %.1f%s ms"
            % (what, ns / MS, lo_ms, "" if hi_ms is None else
               " and <= %.1f" % hi_ms))


def check_sum_is_lifetime(ck, cap, what, exact=True):
    """For every process with a sched row (one thread each): its states and
    its zombie time add up to its lifetime, its first row (fork or
    snapshot) to its reap, to the nanosecond: the count begins at the first
    row's time and ends at the exit row's, and no instant is counted in two
    states. Not a bound on timing: any slack hid a count begun at another
    clock read than its row's (the snapshot's, tens of microseconds here,
    3-50 ms in a loaded QEMU guest). exact=False: a fork row's time was
    lost (sched_stamps full, counted): the count then begins at the wake-up,
    later than the row, so the sum is at most the lifetime, never over."""
    pids = {r["pid"] for r in cap.rows if r["event"] == "sched"}
    ck.true(pids, "%s: no sched rows" % what)
    for pid in sorted(pids):
        rows = cap.of(pid)
        reap = [r for r in rows if r["event"] == "reap"]
        s = sched_row(ck, cap, pid, what)
        if not reap or s is None:
            ck.fail("%s: pid %s has no reap or no sched row" % (what, pid))
            continue
        life = int(reap[0]["ts_ns"]) - int(rows[0]["ts_ns"])
        zombie = int(parse_detail(reap[0]["detail"])["zombie_ns"])
        total = sum(s[k + "_ns"] for k in STATES) + zombie
        ck.true(total == life if exact else total <= life,
                "%s: pid %s (first row %s): states + zombie = %d ns, "
                "lifetime %d ns" % (what, pid, rows[0]["event"], total, life))


def test_sched_spin_sleep(env):
    ck = Check()
    cap, f, _ = run(env, "sched-spin", "spin_sleep")
    s = sched_row(ck, cap, f["pid"], "spin_sleep")
    if s:
        # Against the kernel's own figures, whatever the machine's speed:
        # running holds at least the 200 ms spin (by the thread's CPU
        # clock; the scheduler's clock and the tracer's may differ by a
        # little), at most a quarter more than all the CPU time the
        # process had before its last fact (its exit is after it).
        # Sleeping holds the 300 ms sleep (a timer may fire a little
        # early on the scheduler's clock), and the waits before the
        # workload starts: no upper bound but the lifetime's, below.
        cpu = int(f["cpu_ns"])
        check_between(ck, "running (the kernel's CPU time %.1f ms)" % (cpu / MS),
                      s["running_ns"], 199, cpu * 1.25 / MS)
        check_between(ck, "sleep 300 ms: sleeping", s["sleeping_ns"], 280)
    check_sum_is_lifetime(ck, cap, "spin_sleep")
    ck.raise_if_failed()


def test_sched_vfork_disk_sleep(env):
    ck = Check()
    cap, f, _ = run(env, "sched-vfork", "vfork")
    s = sched_row(ck, cap, f["pid"], "vfork parent")
    if s:
        check_between(ck, "vfork parent: disk-sleep", s["disk_sleep_ns"], 180)
    check_sum_is_lifetime(ck, cap, "vfork")
    ck.raise_if_failed()


def test_sched_pinned_runnable(env):
    ck = Check()
    cap, f, _ = run(env, "sched-pinned", "pinned")
    for key in ("child0", "child1"):
        s = sched_row(ck, cap, f[key], key)
        if not s:
            continue
        check_between(ck, "%s: runnable" % key, s["runnable_ns"], 100)
        reap = cap.of(f[key], "reap")[0]
        life = int(reap["ts_ns"]) - int(cap.of(f[key])[0]["ts_ns"])
        busy = s["running_ns"] + s["runnable_ns"]
        ck.true(busy >= 0.95 * life,
                "%s: running + runnable %.1f ms, lifetime %.1f ms"
                % (key, busy / MS, life / MS))
    check_sum_is_lifetime(ck, cap, "pinned")
    ck.raise_if_failed()


def check_stopped_child(ck, env, mode, what, state, other):
    """A child stopped 200 ms by mode: that long in state, none in other."""
    cap, f, _ = run(env, "sched-" + mode, mode)
    s = sched_row(ck, cap, f["child"], what)
    if s:
        check_between(ck, "%s 200 ms: %s" % (what, state), s[state + "_ns"],
                      180)
        ck.eq("%s: %s_ns" % (what, other), s[other + "_ns"], 0)
    check_sum_is_lifetime(ck, cap, mode)


def test_sched_stopped_and_traced(env):
    ck = Check()
    check_stopped_child(ck, env, "stop", "SIGSTOP", "stopped", "traced")
    check_stopped_child(ck, env, "ptrace", "PTRACE_INTERRUPT", "traced",
                        "stopped")
    ck.raise_if_failed()


def test_sched_from_exec(env):
    """-c sched_states under sh: the workload is followed from its exec (its
    first row; sh and its fork are not wanted), its child from its fork:
    both counted from their first row's time, to the nanosecond."""
    ck = Check()
    with Cleanup() as cl:
        cmd = cl.add(Command(env, "sched-exec",
                             ["sh", "-c", "%s stop; true"
                              % env.workload("sched_states")],
                             opts=("--sched", "-c", "sched_states")))
        cap, out = cmd.finish(0)
    f = {}
    for line in out.splitlines():
        if "=" in line:
            add_fact(f, line, "sched-exec")
    fork = ck.one(cap.of(f["child"], "fork"), "fork row of the child")
    if fork:
        first = cap.of(fork["ppid"])
        ck.eq("first row of the workload %s" % fork["ppid"],
              first[0]["event"] if first else None, "exec")
    check_sum_is_lifetime(ck, cap, "exec")
    ck.raise_if_failed()


def test_sched_needs_filter(env):
    p = subprocess.run([env.proctrace, "--sched", "-q"], capture_output=True,
                       text=True, timeout=30)
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    if p.returncode != 2 or not lines or "--sched needs a filter" not in \
            lines[0]:
        raise Failure("proctrace --sched: exit %d, stderr %r; want exit 2 "
                      "and '--sched needs a filter'" % (p.returncode,
                                                        tail(p.stderr)))


def summary_table(lines):
    """The --summary table's lines, header to footer."""
    start = [i for i, l in enumerate(lines) if l.startswith("PID ")]
    if not start:
        raise Failure("no --summary table in %r" % lines[-10:])
    end = [i for i in range(start[0], len(lines))
           if lines[i].startswith("times in ms")]
    return lines[start[0]:end[0] + 2] if end else lines[start[0]:]


def test_sched_events_replay_summary(env):
    ck = Check()
    cap, f, views = run(env, "sched-events", "spin_sleep",
                        opts=("--sched-events", "--summary"))
    pid = f["pid"]
    s = sched_row(ck, cap, pid, "spin_sleep")
    # Each state row says how long the thread was in the state before:
    # per state, they add up to the sched row's time, to the nanosecond.
    per = {}
    for r in cap.of(pid, "state"):
        d = parse_detail(r["detail"])
        per[d["prev_state"]] = per.get(d["prev_state"], 0) + int(d["prev_ns"])
    if s:
        for k in STATES:
            ck.eq("state rows' prev_ns for %s" % k,
                  per.get(k.replace("_", "-"), 0), s[k + "_ns"])
    last = cap.of(pid, "state")[-1]
    ck.eq("last state row: the thread is gone", last["state"], "zombie")
    live = summary_table(views)
    p = subprocess.run([env.proctrace, "--replay", cap.path,
                        "-q", "--summary"], capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        raise Failure("replay --summary exited %d: %s"
                      % (p.returncode, tail(p.stderr)))
    replayed = summary_table(p.stdout.splitlines())
    ck.eq("--summary replayed from the capture", replayed, live)
    ck.true(any(l.startswith(pid + " ") for l in live),
            "--summary has no row for %s: %r" % (pid, live))
    # The repaired switch-ins it counts are the process rows' repaired=
    said = [l for l in views if l.startswith("switch-ins missed")]
    rows = [parse_detail(r["detail"]) for r in cap.rows if r["event"] == "sched"]
    ck.eq("--summary's repaired switch-ins", [l.rsplit(": ", 1)[-1] for l in said],
          [str(sum(int(d.get("repaired", 0)) for d in rows
                   if "thread_exit" not in d))])
    ck.raise_if_failed()




def test_sched_matches_schedstat(env):
    """--sched --threads: each of three threads pinned to one CPU (burning
    40 ms each) has running and runnable times that match the kernel's own
    count (/proc/thread-self/schedstat: runtime, run-queue delay) read by
    the thread at its end, within the accounting's granularity (1 ms and
    2% for running, the thread's last few instructions; 3 ms and 2% for
    runnable, its last waits for the CPU). Missed switch-ins, if any, are
    counted (repaired=) and their time split by the kernel's count."""
    cap, f = run_traced(env, "sched-contend", "sched_contend",
                        opts=("--sched", "--threads"))
    ck = Check()
    for i in range(3):
        tid = f["t%d_tid" % i]
        rows = [r for r in cap.rows if r["event"] == "sched" and r["tid"] == tid]
        row = ck.one(rows, "sched row of thread %s" % tid)
        if not row:
            continue
        d = parse_detail(row["detail"])
        for key, fact, slack in (("running_ns", "run_ns", 1000000),
                                 ("runnable_ns", "delay_ns", 3000000)):
            ours, kernel = int(d[key]), int(f["t%d_%s" % (i, fact)])
            ck.true(abs(ours - kernel) <= slack + kernel // 50,
                    "thread %s %s %d, schedstat says %d" % (tid, key, ours, kernel))
    ck.raise_if_failed()


TESTS = [
    test_sched_spin_sleep,
    test_sched_vfork_disk_sleep,
    test_sched_pinned_runnable,
    test_sched_stopped_and_traced,
    test_sched_from_exec,
    test_sched_needs_filter,
    test_sched_events_replay_summary,
    test_sched_matches_schedstat,
]
