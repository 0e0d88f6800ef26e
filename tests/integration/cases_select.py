# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""What the kernel records: -e KINDS loads only the programs of those kinds
(no syscall tracepoint unless a kind needs one) and makes rows of those
kinds alone, every fact of them still exact; --signals decides which
signals make signal rows; the tree says what was not recorded."""

import json
import os
import subprocess

from harness import Check, run_workload
from procs import Cleanup, Command
from cases import check_normal_exit, run_tracer, signal_rows

# Programs of the reap, signal and group kinds: syscall tracepoints among them.
SYSCALL_PROGS = ("handle_wait4_exit", "handle_waitid_enter", "handle_waitid_exit",
                 "handle_setpgid_enter", "handle_setpgid_exit", "handle_setsid_enter",
                 "handle_setsid_exit", "handle_sigqueue_enter", "handle_pidfd_signal_enter",
                 "handle_unshare_enter", "handle_setns_enter", "handle_exit_group_enter",
                 "handle_execve_enter", "handle_execve_exit", "handle_execveat_enter")


def program_names(pid):
    """Names of the BPF programs process pid holds (links and programs
    among its fds), as the kernel keeps them (15 bytes)."""
    ids = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                ids.update(int(l.split()[1]) for l in f if l.startswith("prog_id:"))
        except OSError:
            pass
    out = subprocess.run(["bpftool", "-j", "prog", "show"], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    # The kernel keeps 15 bytes of a name; bpftool may show it whole (BTF).
    return {p.get("name", "")[:15] for p in json.loads(out) if p["id"] in ids}


def traced_with_programs(env, name, extra, workload):
    """The workload under a tracer with extra options: the capture, the
    workload's facts and the names of the programs the tracer held."""
    tracer = env.tracer(name, extra).start()
    try:
        progs = program_names(tracer.proc.pid)
        facts = run_workload(env.workload(workload))
    except BaseException:
        tracer.kill()
        raise
    return tracer.stop(), facts, progs


def rows_of(cap, pids):
    return [r for r in cap.rows if r["pid"] in pids and r["event"] != "snapshot"]


def test_events_fork_exec_exit(env):
    ck = Check()
    cap, f, progs = traced_with_programs(env, "events-fee", ["-e", "fork,exec,exit"],
                                         "stop_cont")
    p, c = f["parent_pid"], f["child_pid"]
    for name in ("handle_fork", "handle_exec", "handle_exit"):
        ck.true(name in progs, "-e fork,exec,exit: %s not loaded (%s)" % (name, sorted(progs)))
    # The signal programs stay: an exit's cause is the fatal signal noted
    # when it was generated; so does the free, which removes a process's
    # claim of its end. No syscall tracepoint (the syscall tax).
    loaded = [n for n in progs if any(s[:15] == n for s in SYSCALL_PROGS)
              or n.startswith("handle_rename")]
    ck.eq("-e fork,exec,exit: programs of other kinds", loaded, [])
    kinds = sorted({r["event"] for r in rows_of(cap, (p, c))})
    ck.eq("-e fork,exec,exit: kinds of the workload's rows", kinds, ["exec", "exit", "fork"])
    ck.eq("-e fork,exec,exit: rows of other kinds, anyone's",
          sorted({r["event"] for r in cap.rows} - {"fork", "exec", "exit", "snapshot"}), [])
    fork = ck.one(cap.of(c, "fork"), "fork row of the child")
    ck.fields(fork, "child fork", ppid=p, by_pid=p, state="alive")
    check_normal_exit(ck, cap, c, "child", 0, p)
    ck.raise_if_failed()


def test_events_signals_only(env):
    ck = Check()
    cap, f, progs = traced_with_programs(
        env, "events-sig", ["-e", "signal", "--signals", "SIGSTOP,CONT"], "stop_cont")
    p, c = f["parent_pid"], f["child_pid"]
    ck.true("handle_signal_g" in progs, "-e signal: signal_generate not loaded")
    for name in ("handle_fork", "handle_exit", "handle_wait4_ex", "handle_signal_d"):
        ck.true(name not in progs, "-e signal: %s loaded" % name)
    ck.eq("-e signal --signals SIGSTOP,CONT: the workload's rows",
          [(r["event"], r["pid"], r["signal"], r["by_pid"]) for r in rows_of(cap, (p, c))],
          [("signal", c, "SIGSTOP", p), ("signal", c, "SIGCONT", p)])
    ck.eq("--signals SIGSTOP,CONT: other signals, anyone's",
          sorted({r["signal"] for r in cap.rows if r["event"] == "signal"}
                 - {"SIGSTOP", "SIGCONT"}), [])
    ck.raise_if_failed()


def test_signals_all_but_sigchld(env):
    """--signals '!SIGCHLD': every signal row but SIGCHLD's; the stop and
    the continue, kinds of their own, are still there with their senders."""
    ck = Check()
    cap, f, _ = traced_with_programs(env, "signals-not-chld", ["--signals", "!SIGCHLD"],
                                     "stop_cont")
    p, c = f["parent_pid"], f["child_pid"]
    ck.eq("--signals !SIGCHLD: SIGCHLD rows, anyone's",
          [r for r in cap.rows if r["event"] == "signal" and r["signal"] == "SIGCHLD"], [])
    ck.eq("--signals !SIGCHLD: the child's signal rows",
          [(r["signal"], r["by_pid"]) for r in cap.of(c, "signal")],
          [("SIGSTOP", p), ("SIGCONT", p)])
    ck.eq("--signals !SIGCHLD: SIGCHLD rows to the parent", signal_rows(cap, p, "SIGCHLD"), [])
    stop = ck.one(cap.of(c, "stop"), "stop row of the child")
    ck.fields(stop, "stop", signal="SIGSTOP", by_pid=p, state="stopped")
    cont = ck.one(cap.of(c, "continue"), "continue row of the child")
    ck.fields(cont, "continue", signal="SIGCONT", by_pid=p, state="alive")
    check_normal_exit(ck, cap, c, "child", 0, p)
    ck.one(cap.of(c, "reap"), "reap row of the child")
    ck.raise_if_failed()


def test_events_tree_says_unrecorded(env):
    """A tree without reaps: the exits end the processes, and a note names
    what was not recorded."""
    ck = Check()
    with Cleanup() as cl:
        cmd = cl.add(Command(env, "events-tree", [env.workload("stop_cont")],
                             ["-e", "fork,exec,exit", "-t"]))
        cap, out = cmd.finish(0)
    child = [l for l in out.splitlines() if " stop_cont " in l and "exit 0" in l]
    ck.eq("tree: stop_cont lines ending 'exit 0'", len(child), 2)
    ck.eq("tree: zombie wording", [l for l in out.splitlines() if "zombie" in l], [])
    ck.eq("tree: note",
          [l for l in out.splitlines() if l.startswith("note: not recorded")],
          ["note: not recorded (-e): reap, signal, stop, continue, setpgid, setsid, rename, "
           "unshare, setns, reparent, exec_failed, usage; a process ends at its exit"])
    ck.eq("tree run: reap rows", [r for r in cap.rows if r["event"] == "reap"], [])
    # The capture replayed: no reaps in it, so its processes end at their
    # exits there too (no zombie times made up to the end of the file).
    rep = run_tracer(env, ["--replay", cmd.tracer.csv_path, "-q", "-t"])
    ck.eq("replay: exit status", rep.returncode, 0)
    ck.eq("replay tree: stop_cont lines ending 'exit 0'",
          len([l for l in rep.stdout.splitlines() if " stop_cont " in l and "exit 0" in l]), 2)
    ck.eq("replay tree: zombie wording",
          [l for l in rep.stdout.splitlines() if "zombie" in l], [])
    ck.eq("replay tree: note",
          [l for l in rep.stdout.splitlines() if l.startswith("note: not recorded")],
          ["note: not recorded (-e): reap; a process ends at its exit"])
    ck.raise_if_failed()


TESTS = [test_events_fork_exec_exit, test_events_signals_only, test_signals_all_but_sigchld,
         test_events_tree_says_unrecorded]
