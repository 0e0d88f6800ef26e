# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""--top over processes that were there before tracing began: the
workload of every state (tests/workloads/top_states.c) is started first,
in a session of its own, and proctrace --top --sched follows it by -p
(its main process: the children it has already are followed too), by -g
(its group) and by --cgroup (a cgroup it was moved into). Each view shows
every child with its state; the CSV has a snapshot row of each."""

import os
import shutil
import signal
import subprocess
import tempfile

from harness import Capture, Check, Failure, check_summary, read_csv, run_workload
from cases import cgroup_mount
from cases_top import Pane, WANT_STATES, read_facts, rows, wait_for


def cgroup_procs(path):
    with open(os.path.join(path, "cgroup.procs")) as f:
        return [l.strip() for l in f if l.strip()]


def pgid_of(pid):
    try:
        with open("/proc/%s/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[3]
    except OSError:
        return None


def move_all(pids, path):
    """The pids moved (a zombie cannot be: it stays where it died)."""
    moved = []
    for p in pids:
        try:
            with open(os.path.join(path, "cgroup.procs"), "w") as f:
                f.write(p)
            moved.append(p)
        except OSError:
            pass
    return moved


def view_of(env, tmp, name, opts, pids, want):
    """Runs proctrace --top --sched OPTS in a pane until every state is on
    its row, quits it with q; returns (exit status, its CSV's capture, the
    last screen)."""
    csv_path = os.path.join(tmp, name + ".csv")
    err_path, rc_path = csv_path + ".err", csv_path + ".rc"
    sock_dir = os.path.join(tmp, name)  # a tmux server of its own
    os.mkdir(sock_dir)
    pane = Pane(sock_dir, "%s --top --sched -o %s %s 2>%s; echo $? >%s; sleep 600"
                % (env.proctrace, csv_path, " ".join(opts), err_path, rc_path))
    seen, last = {}, [[]]

    def shown():
        err = open(err_path).read() if os.path.exists(err_path) else ""
        return "\n".join(last[0]) + "\nstderr: " + err

    def all_states():
        last[0] = pane.screen()
        for pid, state in rows(last[0]).items():
            seen.setdefault(pid, set()).add(state)
        # Running and runnable in turns on one CPU (which proctrace may
        # hold when it draws): either, for each.
        return (all({"running", "runnable"} & seen.get(pids[k], set())
                    for k in ("spin_a", "spin_b")) and
                all(w <= seen.get(pids[k], set()) for k, w in want.items()))
    try:
        wait_for("%s: every state on its process's row" % name, all_states, shown)
        pane.keys("q")
        wait_for("%s: proctrace's exit after q" % name,
                 lambda: os.path.exists(rc_path) and open(rc_path).read().strip(), shown)
    finally:
        pane.close()
    with open(rc_path) as f:
        rc = f.read().strip()
    return rc, Capture(read_csv(csv_path), open(err_path).read()), last[0]


def test_top_follow_existing(env):
    if not shutil.which("tmux"):
        raise Failure("tmux is not installed (scripts/setup-deps.sh installs it)")
    tmp = tempfile.mkdtemp(dir=env.tmp)
    facts_path = os.path.join(tmp, "facts")
    root = cgroup_mount()
    cg = os.path.join(root, "proctrace-top-follow-%d" % os.getpid())
    wl = subprocess.Popen([env.workload("top_states"), facts_path],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, start_new_session=True)
    ck = Check()
    try:
        facts = wait_for("the workload's facts",
                         lambda: read_facts(facts_path).get("ready") and
                         read_facts(facts_path))
        main = facts["main_pid"]
        pids = {k[:-4]: facts[k] for k in facts if k.endswith("_pid")}
        os.mkdir(cg)
        # the whole group (the vfork child too): what the kernel filter sees
        group = [p for p in os.listdir("/proc") if p.isdigit() and pgid_of(p) == main]
        move_all(group, cg)
        # read back: a zombie's write may pass, yet it stays where it died
        moved = cgroup_procs(cg)
        in_cg = {k: w for k, w in WANT_STATES.items() if pids[k] in moved}
        ck.true(len(in_cg) >= len(WANT_STATES) - 1,
                "moved into the cgroup: all but the zombie at most: %r" % sorted(in_cg))
        for name, opts, want in (("pid", ["-p", main], WANT_STATES),
                                 ("pgid", ["-g", main], WANT_STATES),
                                 ("cgroup", ["--cgroup", cg[len(root):]], in_cg)):
            rc, cap, screen = view_of(env, tmp, name, opts, pids, want)
            ck.eq("%s: exit status after q" % name, rc, "0")
            check_summary(cap)
            for k in want:
                ck.eq("%s: %s's rows in the CSV" % (name, k),
                      [r["event"] for r in cap.of(pids[k])][:1], ["snapshot"])
    finally:
        if wl.poll() is None:
            wl.send_signal(signal.SIGUSR1)
            wait_for("the workload's end", lambda: read_facts(facts_path).get("done"))
            wl.send_signal(signal.SIGUSR1)
        try:
            wl.wait(60)
        except subprocess.TimeoutExpired:
            wl.kill()
            wl.wait()
        if os.path.isdir(cg):
            for p in cgroup_procs(cg):
                move_all([p], root)
            os.rmdir(cg)
    ck.raise_if_failed()


# Each tracer's own: times its own programs read at the event (microseconds
# apart), and _n, the row's line in its own file.
OWN_CLOCK = ("ts_ns", "time", "_n")
OWN_CLOCK_DETAIL = ("age_ns", "zombie_ns")


def same_part(row):
    """A row without what each tracer's clock reading makes its own."""
    out = {k: v for k, v in row.items() if k not in OWN_CLOCK}
    out["detail"] = " ".join(w if w.split("=")[0] not in OWN_CLOCK_DETAIL else w.split("=")[0]
                             for w in row["detail"].split())
    return out


def test_top_outputs_same(env):
    """The CSV written under --top (without --sched) is the one written
    without it: two tracers with the same filter over one run of a
    workload, the same rows of its processes, every column. The view
    shows only the states known without --sched."""
    if not shutil.which("tmux"):
        raise Failure("tmux is not installed (scripts/setup-deps.sh installs it)")
    tmp = tempfile.mkdtemp(dir=env.tmp)
    csv_path, rc_path = os.path.join(tmp, "top.csv"), os.path.join(tmp, "rc")
    err_path = os.path.join(tmp, "err")
    pane = Pane(tmp, "%s --top -c fail_tree -o %s 2>%s; echo $? >%s; sleep 600"
                % (env.proctrace, csv_path, err_path, rc_path))
    plain = env.tracer("top-same", ["-c", "fail_tree"]).start()
    ck = Check()
    states = set()
    try:
        wait_for("the view drawn", lambda: pane.screen()[:1] and
                 pane.screen()[0].startswith("proctrace --top"))
        facts = run_workload(env.workload("fail_tree"))
        pids = {v for k, v in facts.items() if k.endswith("_pid")}
        # its exits on the screen: the view has read them
        wait_for("the workload's exits shown", lambda: all(
            any(l.lstrip().startswith(facts[k] + " ") for l in pane.screen())
            for k in ("code_pid", "middle_pid")), lambda: "\n".join(pane.screen()))
        screen = pane.screen()
        tree = screen[:next((i for i, l in enumerate(screen) if l.startswith("Exits")),
                            len(screen))]
        states = set(rows(tree).values())
        pane.keys("q")
        wait_for("proctrace's exit after q",
                 lambda: os.path.exists(rc_path) and open(rc_path).read().strip())
        cap = plain.stop()
    finally:
        pane.close()
        if plain.proc.poll() is None:
            plain.kill()
    ck.eq("exit status after q", open(rc_path).read().strip(), "0")
    top = Capture(read_csv(csv_path), open(err_path).read())
    check_summary(top)
    mine = [r for r in cap.rows if r["pid"] in pids]
    ck.true(len(mine) >= 3 * len(pids), "rows of the workload: %d" % len(mine))
    ck.eq("rows of the workload under --top, as without it",
          [same_part(r) for r in top.rows if r["pid"] in pids], [same_part(r) for r in mine])
    ck.true(states <= {"alive", "stopped", "zombie"},
            "states shown without --sched: %r" % sorted(states))
    ck.raise_if_failed()


TESTS = [test_top_follow_existing, test_top_outputs_same]
