#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""What `make check-kernels` checks inside one booted kernel (boot.sh runs it).

  guest.py OUT_DIR

Every option set is loaded (started until proctrace says it is tracing, then
stopped with SIGINT): the default, --threads, --sched --sched-events -p PID,
and each event kind of `proctrace --columns` alone with -e (the kinds -e
refuses as not recordable are skipped). A set that does not load is loaded
again with -v and its log kept. Then the integration suite's fact tests of
FACT_TESTS run. The results go to OUT_DIR/result.json, the logs beside it;
report.py judges them against the matrix's expectations.
Environment: PROCTRACE (default build/proctrace), WORKLOADS (build/workloads).
"""

import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
INTEGRATION = os.path.join(HERE, "..", "..", "tests", "integration")
sys.path.insert(0, INTEGRATION)
# A BPF load takes a minute or more under TCG on a busy machine: the
# harness's bounds on waits (not assertions), here and in run.py, are longer.
os.environ.setdefault("PT_TIMEOUT_FACTOR", "5")

import harness  # noqa: E402

# The fact tests run in every kernel, with the option set each needs: each
# event kind and its facts, one tracer session a test, as the matrix has
# minutes, not hours (TCG). Left out for their time: test_json_every_kind
# (every kind present once, round trips: 6 min a kernel) and
# test_signal_senders (five sessions: 3 min); test_sigkill and test_demo_tree
# check signal senders and results. No test checks a setns row's facts.
FACT_TESTS = [
    ("test_demo_tree", "default"),        # fork, setpgid, stop, continue, signal results
    ("test_clone_flags", "default"),      # fork/thread clone flags, unshare
    ("test_threads_on", "threads"),       # thread rows, creator, thread exits
    ("test_thread_exits_last", "threads"),  # which thread ended the process (claims without group_dead)
    ("test_exec_argv", "default"),        # exec filename and argv
    ("test_exec_failed", "exec_failed"),  # exec_failed and its error
    ("test_exit_code", "default"),        # exit code, rusage
    ("test_sigkill", "default"),          # exit by signal; signal sender, result
    ("test_kernel_signal", "default"),    # a signal the kernel sends (no sender)
    ("test_cause_exit_group", "default"),  # exit cause
    ("test_usage_leader_first", "default"),  # rusage of a group, thread walk
    ("test_zombie", "default"),           # reap, reaper, zombie time
    ("test_stop_continue", "default"),    # stop, continue
    ("test_setsid", "default"),           # setsid
    ("test_setpgid_targets", "default"),  # setpgid on itself and children
    ("test_rename", "default"),           # rename (comm)
    ("test_reparent_subreaper", "reparent"),  # reparent to a subreaper
    ("test_sched_spin_sleep", "sched"),   # running, sleeping
    ("test_sched_vfork_disk_sleep", "sched"),  # disk-sleep
    ("test_sched_stopped_and_traced", "sched"),  # stopped, traced
    ("test_sched_from_exec", "sched"),    # counted from an exec row (-c)
    ("test_map_room_fatal", "default"),   # a full map counted, sender_lost
    ("test_end_free_unseen", "default"),  # a free skipped: the end, an inferred reap
    ("test_map_leave_group_dead_claims_full", "default"),  # a claim refused: no second exit
    ("test_map_leave_empty_after", "sched"),  # claims, aliases, stamps leave
]

# stderr lines of a tracer that loaded and are no news.
ROUTINE = re.compile(r"^proctrace: (tracing|\d+ events)")


def event_kinds(proctrace):
    """The kinds of the event column of `proctrace --columns`."""
    harness.load_schema(proctrace)
    return sorted(harness.EVENT_KINDS)


def try_load(proctrace, args, log_path):
    """Start proctrace ARGS until it is tracing, stop it: (loaded, stderr
    lines beyond the routine ones, exit status)."""
    tracer = harness.Tracer(proctrace, "/dev/null", args)
    loaded = True
    try:
        tracer.start()
        tracer.proc.send_signal(signal.SIGINT)
        rc = tracer.wait_exit()
    except harness.Failure:
        loaded = False
        rc = tracer.proc.returncode
    err = tracer.stderr()
    with open(log_path, "w") as f:
        f.write("$ %s\n%s" % (" ".join(tracer.args), err))
    loaded = loaded and rc == 0
    return loaded, [l for l in err.splitlines() if not ROUTINE.match(l)], rc


def verifier_lines(log):
    """The lines of a -v log that say why a program was refused: libbpf's
    failure lines and the verifier's last words before each log's end."""
    out, prog_log = [], []
    inside = False
    for line in log.splitlines():
        if "-- BEGIN PROG LOAD LOG --" in line:
            inside, prog_log = True, []
            continue
        if "-- END PROG LOAD LOG --" in line:
            inside = False
            words = [l for l in prog_log if l.strip()
                     and not re.match(r"^(processed \d+ insns|verification time|stack depth)", l)]
            out += ["    " + l for l in words[-2:]]
            continue
        if inside:
            prog_log.append(line)
        elif re.search(r"libbpf: .*(failed|error|Error|invalid)", line):
            out.append(line)
    return out


def verbose_log(proctrace, args, path):
    """Load ARGS again with -v, its log to PATH; the verifier's words."""
    with open(path, "w") as log:
        try:
            subprocess.run([proctrace, "-v", "-q", "-o", "/dev/null"] + args + ["--", "true"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=log, timeout=harness.READY_TIMEOUT)
        except subprocess.TimeoutExpired:
            log.write("(no answer within %d s)\n" % harness.READY_TIMEOUT)
    with open(path, errors="replace") as f:
        return verifier_lines(f.read())


# Option sets made of the default one and more: refused with it, not tried
# (each refused load may take minutes of emulated verifier time).
ABOVE_DEFAULT = ("threads", "sched")


def load_sets(proctrace, out_dir, kinds, pid, result):
    sets = [("default", []), ("threads", ["--threads"]),
            ("sched", ["--sched", "--sched-events", "-p", str(pid)])]
    sets += [(k, ["-e", k]) for k in kinds]
    results = result["loads"] = []
    verbose = {}  # refusal's stderr -> the set whose -v log was taken
    for name, args in sets:
        if name in ABOVE_DEFAULT and args[0] != "-e" and not results[0]["loaded"]:
            results.append({"set": name, "args": args, "loaded": False, "rc": None,
                            "stderr": ["not tried: the default set is refused"],
                            "seconds": 0})
            continue
        # -e sched (refused: not a kind -e takes) beside --sched: files apart.
        stem = os.path.join(out_dir, "load-%s%s" % ("e-" if args[:1] == ["-e"] else "", name))
        log = stem + ".log"
        t0 = time.monotonic()
        loaded, lines, rc = try_load(proctrace, args, log)
        if any(l.startswith("proctrace: invalid --events") for l in lines):
            continue  # not a kind -e records (snapshot, lost, state...)
        if not loaded and not lines:
            lines = ["(not tracing within %d s: killed)" % harness.READY_TIMEOUT]
        r = {"set": name, "args": args, "loaded": loaded, "rc": rc,
             "stderr": lines, "seconds": round(time.monotonic() - t0, 1)}
        if not loaded:
            key = "\n".join(lines)
            if key in verbose:
                r["verifier"] = ["(the same refusal as %s)" % verbose[key]]
            else:
                verbose[key] = name
                r["verifier"] = verbose_log(proctrace, args,
                                            stem + "-v.log")
        print("load %-12s %s (%.0fs)%s" % (name, "ok" if loaded else "REFUSED", r["seconds"],
              "".join("\n    " + l for l in lines + r.get("verifier", []))), flush=True)
        results.append(r)
        write_result(out_dir, result)


def fact_tests(proctrace, workloads, out_dir, result):
    names = [t for t, _ in FACT_TESTS]
    env = dict(os.environ, PROCTRACE=proctrace, WORKLOADS=workloads)
    p = subprocess.Popen([sys.executable, os.path.join(INTEGRATION, "run.py")] + names,
                         env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, errors="replace")
    by_name = {t["test"]: t for t in result["facts"]}
    kept = None
    for line in p.stdout:
        print(line, end="", flush=True)
        if line.startswith("captures kept in "):
            kept = line[len("captures kept in "):].strip()
        m = re.match(r"^(ok|FAIL) +(\S+) *(.*)$", line.rstrip("\n"))
        if m and "test_" + m.group(2) in by_name:
            by_name["test_" + m.group(2)].update(ok=m.group(1) == "ok", message=m.group(3))
            write_result(out_dir, result)
    p.wait()
    # The failed tests' captures, from the guest's /tmp (gone at its end)
    # to the run's folder.
    if kept and os.path.isdir(kept):
        shutil.copytree(kept, os.path.join(out_dir, "captures"), dirs_exist_ok=True)


def main(argv):
    out_dir = argv[1]
    os.makedirs(out_dir, exist_ok=True)
    proctrace = os.path.realpath(os.environ.get("PROCTRACE", "build/proctrace"))
    workloads = os.path.realpath(os.environ.get("WORKLOADS", "build/workloads"))
    t0 = time.monotonic()
    result = {"release": platform.release(),
              "btf": os.path.exists("/sys/kernel/btf/vmlinux")}
    print("kernel %s, BTF %s" % (result["release"], "yes" if result["btf"] else "NO"), flush=True)
    # Written as it goes: what is known survives a guest stopped later.
    result["facts"] = [dict(test=t, needs=n, ok=False, message="did not run")
                       for t, n in FACT_TESTS]
    # A process for the sets that need a filter (-p).
    idle = subprocess.Popen(["sleep", "100000"])
    try:
        load_sets(proctrace, out_dir, event_kinds(proctrace), idle.pid, result)
    finally:
        idle.kill()
        idle.wait()
    if result["loads"][0]["loaded"]:
        fact_tests(proctrace, workloads, out_dir, result)
    else:  # every test would wait for a load that cannot succeed
        for t in result["facts"]:
            t["message"] = "not run: the default set is refused"
    result["seconds"] = round(time.monotonic() - t0)
    write_result(out_dir, result)
    return 0


def write_result(out_dir, result):
    path = os.path.join(out_dir, "result.json")
    with open(path + ".new", "w") as f:
        json.dump(result, f, indent=1)
    os.rename(path + ".new", path)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
