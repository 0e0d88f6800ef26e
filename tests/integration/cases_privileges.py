# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Least privilege: once tracing, proctrace holds no capability (CAP_KILL
only when a command runs as another user), has no_new_privs, and under
sudo runs as the user who ran sudo; it still records every event, and
leaves nothing attached when it ends.

The sets are read from /proc/PID/status of the running tracer; what it
had attached, from the BPF descriptors in /proc/PID/fdinfo, each of which
must be gone once it has exited."""

import os
import shutil
import signal
import subprocess

from harness import READY, Check, run_workload
from procs import NOBODY, Cleanup, Command, plain_environ
from cases import check_one_error_line, check_top

CAP_KILL = 1 << 5
CAP_SETS = ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")


def sudo_environ():
    """As if `sudo proctrace` had been typed by nobody."""
    return dict(plain_environ(), SUDO_UID=NOBODY, SUDO_GID=NOBODY,
                SUDO_USER="nobody")


def proc_status(pid):
    with open("/proc/%s/status" % pid) as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f
                    if ":\t" in line)


def check_privileges(ck, what, pid, uid, caps=0, groups=None):
    """The tracer's sets: permitted = effective = caps, the others empty;
    no_new_privs; every uid and gid (real, effective, saved, fs) is uid
    (the user's group has the same number here)."""
    st = proc_status(pid)
    for key in CAP_SETS:
        want = caps if key in ("CapPrm", "CapEff") else 0
        ck.eq("%s: %s" % (what, key), "%016x" % int(st[key], 16),
              "%016x" % want)
    ck.eq(what + ": NoNewPrivs", st["NoNewPrivs"], "1")
    ck.eq(what + ": Uid", st["Uid"].split(), [uid] * 4)
    ck.eq(what + ": Gid", st["Gid"].split(), [uid] * 4)
    if groups is not None:
        ck.eq(what + ": Groups", sorted(st["Groups"].split(), key=int),
              sorted(groups, key=int))


def bpf_objects(pid):
    """The BPF programs and links the process holds: {("prog"|"link", id)}."""
    held = set()
    fddir = "/proc/%s/fdinfo" % pid
    for fd in os.listdir(fddir):
        try:
            with open(os.path.join(fddir, fd)) as f:
                info = f.read()
        except OSError:
            continue  # closed meanwhile
        for line in info.splitlines():
            key, _, value = line.partition(":")
            if key in ("prog_id", "link_id"):
                held.add((key[:-3], value.strip()))
    return held


def check_detached(ck, what, held):
    """Every program and link the tracer held is gone from the kernel."""
    ck.true(any(kind == "prog" for kind, _ in held),
            "%s: no BPF program found in the tracer's fdinfo" % what)
    left = [(kind, i) for kind, i in sorted(held)
            if subprocess.run(["bpftool", kind, "show", "id", i],
                              capture_output=True).returncode == 0]
    ck.eq(what + ": BPF objects still loaded after exit", left, [])


def traced_demo(env, name, environ, uid, groups):
    """System-wide, with environ: the sets while tracing, then the demo
    workload's rows, recorded after the drop."""
    ck = Check()
    tracer = env.tracer(name).start(env=environ)
    try:
        pid = tracer.proc.pid
        check_privileges(ck, name, pid, uid, groups=groups)
        held = bpf_objects(pid)
        f = run_workload(env.workload("demo"))
    except BaseException:
        tracer.kill()
        raise
    cap = tracer.stop()
    check_top(ck, cap, f, "parent_pid", env.workload("demo"))
    # by parent too: the whole machine is traced, a pid may be reused
    parents = {"a_pid": f["parent_pid"], "b_pid": f["parent_pid"],
               "g_pid": f["a_pid"]}
    for who in ("a_pid", "b_pid", "g_pid"):
        ck.eq("%s: rows of demo's %s" % (name, who),
              [r["event"] for r in cap.of(f[who])
               if r["event"] != "signal" and r["ppid"] == parents[who]],
              ["fork"] + (["setpgid", "stop", "continue"]
                          if who == "a_pid" else [])
              + ["exit", "reap"])
    check_detached(ck, name, held)
    ck.raise_if_failed()


def test_privileges_root(env):
    """Run as root (no sudo): uid 0 stays, but without any capability."""
    traced_demo(env, "priv-root", plain_environ(), "0", None)


def test_privileges_sudo(env):
    """Under sudo: the invoking user's uid, gid and groups, no capability."""
    groups = [str(g) for g in os.getgrouplist("nobody", int(NOBODY))]
    traced_demo(env, "priv-sudo", sudo_environ(), NOBODY, groups)


def workload_for_anyone(env, name):
    """The workload copied where any user may run it: the checkout may sit
    in a directory only root can enter (a clone under mktemp -d)."""
    os.chmod(env.tmp, 0o711)
    path = os.path.join(env.tmp, name)
    shutil.copy(env.workload(name), path)
    os.chmod(path, 0o755)
    return path


def test_privileges_command(env):
    """-- COMMAND under sudo: proctrace and the command both run as the
    user (the command from before its release: never as root), proctrace
    with no capability; with --as-root the command is root and proctrace
    keeps CAP_KILL alone, to pass SIGTERM on to it."""
    ck = Check()
    runs = (("priv-command", [], NOBODY, 0, signal.SIGUSR1, 0),
            ("priv-as-root", ["--as-root"], "0", CAP_KILL, signal.SIGTERM,
             128 + signal.SIGTERM))
    for name, opts, cmd_uid, caps, sig, want_rc in runs:
        with Cleanup() as cl:
            cmd = cl.add(Command(env, name, [workload_for_anyone(env, "wait_signal")],
                                 opts, sudo_environ()))
            cmd.facts_until("waiting")
            check_privileges(ck, name + " tracer", cmd.tracer_pid, NOBODY,
                             caps)
            ck.eq(name + ": the command's Uid",
                  proc_status(cmd.pid)["Uid"].split(), [cmd_uid] * 4)
            held = bpf_objects(cmd.tracer_pid)
            # SIGUSR1 ends the command; SIGTERM goes to proctrace, which
            # passes it on.
            os.kill(int(cmd.pid if sig == signal.SIGUSR1
                        else cmd.tracer_pid), sig)
            cap, _ = cmd.finish(want_rc)
        ex = cap.of(cmd.pid, "exit")
        ck.eq(name + ": exit rows of the command", len(ex), 1)
        if ex:
            ck.eq(name + ": how the command ended",
                  (ex[0]["exit_code"], ex[0]["signal"], ex[0]["uid"]),
                  ("0", "", cmd_uid) if sig == signal.SIGUSR1
                  else ("", "SIGTERM", cmd_uid))
        check_detached(ck, name, held)
    ck.raise_if_failed()


def test_privileges_end_file(env):
    """An SVG to be written at the end where the user proctrace runs as
    once attached cannot write (a directory only root may write to): one
    line and exit 1 before tracing, not a lost trace at the end."""
    rootonly = os.path.join(env.tmp, "rootonly")
    os.mkdir(rootonly, 0o755)
    svg = os.path.join(rootonly, "t.svg")
    p = subprocess.run([env.proctrace, "-q", "-d", "30", "--svg", svg],
                       capture_output=True, text=True, errors="replace",
                       stdin=subprocess.DEVNULL, timeout=60,
                       env=sudo_environ())
    ck = Check()
    ck.eq("--svg in a root-only directory under sudo: exit status",
          p.returncode, 1)
    check_one_error_line(ck, "--svg in a root-only directory", p.stderr)
    ck.true(svg in p.stderr and "65534" in p.stderr,
            "the error line names neither the file nor the uid: %r"
            % p.stderr.strip())
    ck.true(READY not in p.stderr, "it started tracing")
    ck.eq("files left in the directory", os.listdir(rootonly), [])
    ck.raise_if_failed()


TESTS = [test_privileges_root, test_privileges_sudo, test_privileges_command,
         test_privileges_end_file]
