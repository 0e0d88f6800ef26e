# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Signal senders and stop/continue: who sent each signal (the child a
notification is about, a process queueing kernel-looking codes to itself),
and exactly one continue per stop."""

from harness import Check, parse_detail
from procs import add_fact, Cleanup, Command, Held
from cases import before, signal_rows


def run(env, name, argv):
    """proctrace -- WORKLOAD ARGS: only the workload's processes are
    traced; returns the capture and the workload's facts."""
    with Cleanup() as cl:
        cmd = cl.add(Command(env, name, [env.workload(argv[0])] + argv[1:]))
        cap, out = cmd.finish(0)
    facts = {}
    for line in out.splitlines():
        add_fact(facts, line, name)
    return cap, facts


def check_senders(ck, cap, pid, name, want, what):
    """The signal rows named name to pid, in order, are from the senders
    in want: [(by_pid, result, code), ...], each a process (no
    sender=kernel) that is also the sender_tid."""
    rows = signal_rows(cap, pid, name)
    ck.eq("%s: senders of %s rows" % (what, name),
          [(r["by_pid"], parse_detail(r["detail"]).get("result"),
            parse_detail(r["detail"]).get("code")) for r in rows],
          [(str(p), result, str(code)) for p, result, code in want])
    for r in rows:
        ck.details(r, "%s %s row @%d" % (what, name, r["_n"]),
                   sender=None, sender_tid=r["by_pid"])
    return rows


# ---- senders ----

def check_handover(ck, cap, f, reaper_key, what):
    """A zombie handed to a reaper while its parent exits: the reaper's
    SIGCHLD about the zombie names it, the exiting parent's own SIGCHLD
    (sent right after, found pending) names the parent."""
    r, m, g = f[reaper_key], f["m_pid"], f["g_pid"]
    ck.eq("%s: workload's si_code/status" % what,
          (f["first_si_code"], f["first_si_status"], f["second_pending"]),
          ("1", "4", "0"))
    check_senders(ck, cap, r, "SIGCHLD",
                  [(g, "delivered", 1), (m, "already_pending", 1)], what)


def test_signal_senders(env):
    ck = Check()
    cap, sub = run(env, "senders-subreaper", ["senders", "subreaper"])

    ck.eq("subreaper: workload's si_pid", sub["first_si_pid"], sub["g_pid"])
    check_handover(ck, cap, sub, "s_pid", "subreaper")

    # si_pid is G's number inside the namespace, the row its global pid
    cap, ns = run(env, "senders-pidns", ["senders", "pidns"])
    ck.eq("pidns: init's own pid", ns["init_getpid"], "1")
    ck.true(ns["first_si_pid"] != ns["g_pid"],
            "pidns: si_pid %s is not a namespace number" % ns["first_si_pid"])
    check_handover(ck, cap, ns, "init_pid", "pidns")

    # The tracer hears of C's exit from C; the real parent hears of it
    # when the tracer's wait hands the zombie back, in the tracer's context.
    cap, pt = run(env, "senders-ptrace", ["senders", "ptrace"])
    p, c, t = pt["parent_pid"], pt["c_pid"], pt["t_pid"]
    ck.eq("ptrace: workload's si_pid", pt["first_si_pid"], c)
    ck.eq("ptrace: tracer saw exit", pt["tracer_saw_exit_code"], "6")
    check_senders(ck, cap, t, "SIGCHLD", [(c, "delivered", 1)], "ptrace T")
    check_senders(ck, cap, p, "SIGCHLD",
                  [(c, "delivered", 1), (t, "already_pending", 1)],
                  "ptrace P")

    # An exit signal other than SIGCHLD is a notification all the same.
    cap, es = run(env, "senders-exit-signal", ["senders", "exit_signal"])
    ck.eq("exit_signal: workload's si_pid", es["si_pid"], es["c_pid"])
    check_senders(ck, cap, es["parent_pid"], "SIGUSR2",
                  [(es["c_pid"], "delivered", 1)], "exit_signal")

    # Kernel-looking si_codes queued by a process are still its own.
    cap, q = run(env, "senders-queue", ["senders", "queue"])
    me, qc = q["pid"], q["c_pid"]
    ck.eq("queue: workload's codes", (q["usr1_code"], q["usr2_code"],
                                      q["rtmin_code"]), ("128", "1", "1"))
    check_senders(ck, cap, me, "SIGUSR1", [(me, "delivered", 128)], "queue")
    rows = check_senders(ck, cap, me, "SIGUSR2", [(me, "delivered", 1)],
                         "queue")
    for r in rows:
        ck.fields(r, "queue SIGUSR2 (to a thread)", tid=me)
    rt = [r for r in cap.of(me, "signal") if r["signal"].startswith("SIGRT")]
    ck.eq("queue: pidfd_send_signal rows",
          [(r["by_pid"], parse_detail(r["detail"]).get("code"),
            parse_detail(r["detail"]).get("sender")) for r in rt],
          [(me, "1", None)])
    check_senders(ck, cap, qc, "SIGUSR1", [(me, "delivered", -2)],
                  "queue SI_TIMER to the child")
    ck.eq("queue: child saw SI_TIMER", q["c_exit_code"], "0")

    # Signals the kernel sends for a process: the siginfo names the sender
    # (SI_USER: SIGPIPE, pdeathsig) or none (F_SETSIG's POLL_IN, whose
    # code is CLD_EXITED's number; the SIGKILL of a pid namespace's end).
    cap, b = run(env, "senders-behalf", ["senders", "behalf"])
    me, m, k = b["pid"], b["m_pid"], b["k_pid"]
    ck.eq("behalf: workload's pdeathsig siginfo",
          (b["k_si_signo"], b["k_si_code"], b["k_si_pid"]), ("10", "0", m))
    ck.eq("behalf: workload's SIGPIPE and SIGIO codes",
          (b["sigpipe_code"], b["sigio_code"]), ("0", "1"))
    check_senders(ck, cap, me, "SIGPIPE", [(me, "delivered", 0)], "behalf")
    check_senders(ck, cap, k, "SIGUSR1", [(m, "delivered", 0)],
                  "behalf pdeathsig")
    for pid, name, code in ((me, "SIGUSR2", 1), (b["ns_last_pid"], "SIGKILL",
                                                  128)):
        rows = signal_rows(cap, pid, name)
        ck.eq("behalf: %s rows (by_pid, code, sender)" % name,
              [(r["by_pid"], parse_detail(r["detail"]).get("code"),
                parse_detail(r["detail"]).get("sender")) for r in rows],
              [("", str(code), "kernel")])
    ck.raise_if_failed()


# ---- stop and continue ----

def stop_cont_rows(cap, c):
    return [r for r in cap.of(c) if r["event"] in ("stop", "continue")]


def check_stops(ck, cap, f, kinds, what, kernel_stops=False):
    """C's stop/continue rows are kinds in this order, all by P (stops by
    the kernel if kernel_stops), with the state they leave; C then exits
    0."""
    p, c = f["parent_pid"], f["child_pid"]
    rows = stop_cont_rows(cap, c)
    ck.eq("%s: stop/continue rows" % what, [r["event"] for r in rows], kinds)
    for r in rows:
        stop = r["event"] == "stop"
        name = "%s %s@%d" % (what, r["event"], r["_n"])
        ck.fields(r, name, signal="SIGSTOP" if stop else "SIGCONT",
                  state="stopped" if stop else "alive")
        if stop and kernel_stops:
            ck.fields(r, name, by_pid="")
            ck.details(r, name, sender_tid=None, sender="kernel")
        else:
            ck.fields(r, name, by_pid=p)
            ck.details(r, name, sender_tid=p, sender=None)
    ck.eq("%s: child exit" % what, f["child_exit_code"], "0")
    return rows


def check_two_sigconts(ck, cap, f, what):
    """Two SIGCONTs, one continue: made by the first, before the second."""
    rows = check_stops(ck, cap, f, ["stop", "continue"], what)
    conts = signal_rows(cap, f["child_pid"], "SIGCONT")
    ck.eq("%s: SIGCONT signal rows" % what, len(conts), 2)
    if len(rows) == 2 and len(conts) == 2:
        before(ck, rows[0], conts[0], what + ": stop, first SIGCONT")
        before(ck, conts[0], rows[1], what + ": first SIGCONT, continue")
        before(ck, rows[1], conts[1], what + ": continue, second SIGCONT")


def test_stop_continue_sequences(env):
    modes = ["double", "running", "twice", "handler", "blocked", "threads",
             "midstop", "ptrace"]
    ck = Check()
    f, caps = {}, {}
    for m in modes:
        caps[m], f[m] = run(env, "stop-" + m, ["stop_seq", m])

    check_two_sigconts(ck, caps["double"], f["double"], "double")
    # The group stop of a process whose second thread is stuck in vfork()
    # never completes: the first SIGCONT ends it all the same.
    check_two_sigconts(ck, caps["midstop"], f["midstop"], "midstop")

    check_stops(ck, caps["running"], f["running"], [], "running")
    conts = signal_rows(caps["running"], f["running"]["child_pid"], "SIGCONT")
    ck.eq("running: SIGCONT rows", [parse_detail(r["detail"]).get("result")
                                    for r in conts], ["ignored"])

    check_stops(ck, caps["twice"], f["twice"],
                ["stop", "continue", "stop", "continue"], "twice")
    for mode in ("handler", "blocked"):
        check_stops(ck, caps[mode], f[mode], ["stop", "continue"], mode)
        conts = signal_rows(caps[mode], f[mode]["child_pid"], "SIGCONT")
        ck.eq("%s: SIGCONT results" % mode,
              [parse_detail(r["detail"]).get("result") for r in conts],
              ["delivered"])

    # A group stop is reported by the thread that completes it, the continue
    # by the first thread that runs: both name the process, by its leader.
    check_stops(ck, caps["threads"], f["threads"], ["stop", "continue"],
                "threads")
    p, c = f["threads"]["parent_pid"], f["threads"]["child_pid"]
    ck.eq("threads: SIGCHLD to P (code, by_pid, sender_tid)",
          [(parse_detail(r["detail"]).get("code"), r["by_pid"],
            parse_detail(r["detail"]).get("sender_tid"))
           for r in signal_rows(caps["threads"], p, "SIGCHLD")],
          [("5", c, c), ("6", c, c), ("1", c, c)])

    # Under ptrace: the attach's SIGSTOP (the kernel's: SEND_SIG_PRIV, so
    # SI_KERNEL), passed on by the tracer, makes a group stop; the trap
    # before it is no stop.
    check_stops(ck, caps["ptrace"], f["ptrace"], ["stop", "continue"],
                "ptrace", kernel_stops=True)
    p, c = f["ptrace"]["parent_pid"], f["ptrace"]["child_pid"]
    ck.eq("ptrace: SIGSTOP rows",
          len(signal_rows(caps["ptrace"], c, "SIGSTOP")), 1)
    # The tracer (also the parent) hears of the trap, the group stop, the
    # continue and the exit: CLD_TRAPPED, CLD_STOPPED, CLD_CONTINUED,
    # CLD_EXITED, each from C.
    check_senders(ck, caps["ptrace"], p, "SIGCHLD",
                  [(c, "ignored", code) for code in (4, 5, 6, 1)], "ptrace")
    ck.raise_if_failed()


def test_stop_before_tracing(env):
    """A process stopped before tracing starts is continued once."""
    with Cleanup() as cl:
        wl = cl.add(Held(env.workload("stop_seq"), ["held"]))
        wl.fact("held")
        tracer = cl.add(env.tracer("stop-held", ["-p", wl.fact("child_pid")])
                        .start())
        wl.go()
        f = wl.finish()
        cap = tracer.stop()
    ck = Check()
    snap = ck.one(cap.of(f["child_pid"], "snapshot"),
                  "snapshot row of the stopped child")
    ck.fields(snap, "snapshot", state="stopped")
    check_stops(ck, cap, f, ["continue"], "held")
    ck.raise_if_failed()


TESTS = [test_signal_senders, test_stop_continue_sequences,
         test_stop_before_tracing]
