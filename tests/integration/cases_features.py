# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""A feature the kernel cannot do is switched off alone, and every load
failure says what happened (docs/loading.md).

The refusals are made with PROCTRACE_FAULT, the loader's fault hook: the
kernel here accepts every program, so a refusal is made by having the
loader take a named program as refused, with a verifier log of our
choosing (PROCTRACE_FAULT_LOG). A missing privilege is real: the
capabilities are dropped from the bounding set before exec.

A start interrupted before tracing began: the tracer is held at a point
before it (writing a line to a full stderr pipe) while the signal comes,
so the test does not depend on how long loading takes."""

import fcntl
import os
import signal
import subprocess
import time

from harness import READY, SANITIZER, Check, Failure, fault_env, read_csv, tail

RELEASE = os.uname().release
REFUSED_LOG = "0: (bf) r0 = r2\nR2 !read_ok\nprocessed 1 insns\n"
REAP_LOG = ("; bpf_map_update_elem(&zombies, &pid, &z, map_flags) @ "
            "reap.bpf.h:42\n"
            "12: (85) call bpf_map_update_elem#2\n"
            "R2 type=alloc_mem expected=fp, pkt, pkt_meta, map_key, map_value\n"
            "processed 40 insns\n")


def trace(env, name, fault, opts=(), workload="rename", log=None,
          preexec=None):
    """proctrace -q -o CSV OPTS -- WORKLOAD under the fault: (exit status,
    stderr, CSV rows or None, the workload's facts; "_stdout": the whole
    stdout, views included)."""
    csv_path = os.path.join(env.tmp, "%s.csv" % name)
    out_path = os.path.join(env.tmp, "%s.out" % name)
    args = [env.proctrace, "-q", "-o", csv_path] + list(opts)
    args += ["--", env.workload(workload)]
    with open(out_path, "w") as out:
        p = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=out,
                           stderr=subprocess.PIPE, text=True,
                           errors="replace", timeout=120,
                           env=fault_env(fault, log), preexec_fn=preexec)
    if SANITIZER.search(p.stderr):
        raise Failure("%s: sanitizer report: %s" % (name, tail(p.stderr, 20)))
    facts = {}
    with open(out_path) as f:
        out = f.read()
    for line in out.splitlines():
        key, _, value = line.partition("=")
        facts[key] = value
    facts["_stdout"] = out
    rows = read_csv(csv_path) if os.path.exists(csv_path) and \
        os.path.getsize(csv_path) else None
    return p.returncode, p.stderr, rows, facts


def lines_with(stderr, word):
    return [ln for ln in stderr.splitlines() if word in ln]


def test_features_refused_off(env):
    """A refused program of an optional feature: that feature off, said in
    one line (feature, kinds, release, program, the verifier's line), the
    rest traced; the summary and the tree say it is not traced."""
    rc, err, rows, facts = trace(env, "refused_off", "refuse:handle_rename",
                                 ["-t"], log=REFUSED_LOG)
    ck = Check()
    ck.eq("exit status", rc, 0)
    off = lines_with(err, "rename off")
    ck.eq("lines saying rename is off", len(off), 1)
    for word in ("rename not traced", RELEASE, "handle_rename",
                 "R2 !read_ok", "-v"):
        ck.true(off and word in off[0], "the off line lacks %r: %r"
                % (word, off))
    ck.true(READY in err, "it did not trace: %s" % tail(err))
    mine = [r for r in rows or [] if r["pid"] == facts.get("child_pid")]
    kinds = sorted({r["event"] for r in mine})
    ck.true("fork" in kinds and "exit" in kinds,
            "the child's fork and exit not traced: %r" % kinds)
    ck.true("rename" not in kinds, "a rename row with rename off")
    ck.true(any(ln.startswith("proctrace: not traced on this kernel")
                and "rename" in ln for ln in err.splitlines()),
            "the summary does not say rename is not traced: %s" % tail(err))
    ck.true(any(ln.startswith("note:") and "not traced on this kernel" in ln
                and "rename" in ln for ln in facts["_stdout"].splitlines()),
            "the tree's note does not say rename is not traced")
    ck.raise_if_failed()


def test_features_refused_named(env):
    """A refused program of a feature named by -e: an error, one line,
    saying what refused it and what the user can do; nothing traced."""
    ck = Check()
    for opts, asked in ((["-e", "fork,exec,exit,rename"], "-e rename"),):
        rc, err, rows, _ = trace(env, "refused_named", "refuse:handle_rename",
                                 opts, log=REFUSED_LOG)
        ck.eq("%s refused: exit status" % asked, rc, 1)
        lines = err.strip().splitlines()
        ck.eq("%s refused: stderr lines" % asked, len(lines), 1)
        for word in ("refused BPF program handle_rename", asked, RELEASE,
                     "R2 !read_ok", "-v"):
            ck.true(lines and word in lines[0], "%s refused: no %r in %r"
                    % (asked, word, lines))
        ck.true(READY not in err, "it traced")
        ck.true(not rows, "%s refused: rows written" % asked)
    ck.raise_if_failed()


def test_features_refused_core(env):
    """A refused core program (fork, exec, exit): an error, exit 1. The
    exit program serves reap and reparent too: refused with no source
    named, each is switched off on trial, the same refusal comes again,
    and it is the core's after all."""
    ck = Check()
    for prog in ("handle_exec", "handle_exit"):
        rc, err, _, _ = trace(env, "refused_core", "refuse:" + prog,
                              log=REFUSED_LOG)
        ck.eq("%s refused: exit status" % prog, rc, 1)
        lines = err.strip().splitlines()
        ck.eq("%s refused: stderr lines" % prog, len(lines), 1)
        ck.true(lines and prog in lines[0] and
                "fork, exec and exit" in lines[0] and RELEASE in lines[0]
                and "permission" not in lines[0],
                "the core's refusal: %r" % lines)
    ck.raise_if_failed()


def test_features_refused_shared(env):
    """A core program refused in the part of another feature (the exit
    program's zombie map update, as 6.1's verifier refuses it): that
    feature alone goes off, named by the source file the verifier's log
    shows; the exit program still loads, and the rest is traced."""
    rc, err, rows, facts = trace(env, "refused_shared", "refuse:handle_exit",
                                 workload="orphan", log=REAP_LOG)
    ck = Check()
    ck.eq("exit status", rc, 0)
    off = [ln for ln in lines_with(err, " off (") if "handle_exit" in ln]
    ck.eq("lines naming handle_exit", len(off), 1)
    ck.true(off and off[0].startswith("proctrace: reap off (reap not traced)")
            and "R2 type=alloc_mem" in off[0], "the off line: %r" % off)
    mine = {facts.get(k) for k in ("top_pid", "mid_pid", "orphan_pid")}
    kinds = {r["event"] for r in rows or [] if r["pid"] in mine}
    ck.true({"fork", "exit"} <= kinds, "forks and exits not traced: %r"
            % sorted(kinds))
    ck.true("reap" not in kinds, "a reap row with reap off")
    ck.raise_if_failed()


def test_features_attach_failed(env):
    """A program that cannot attach: its feature off, its programs attached
    before it detached, its kinds never written."""
    rc, err, rows, facts = trace(env, "attach_failed",
                                 "attach:handle_setsid_exit",
                                 workload="new_session")
    ck = Check()
    ck.eq("exit status", rc, 0)
    off = lines_with(err, "groups off")
    ck.eq("lines saying groups is off", len(off), 1)
    ck.true(off and "handle_setsid_exit could not attach" in off[0],
            "the off line: %r" % off)
    kinds = {r["event"] for r in rows or []}
    ck.true(not kinds & {"setsid", "setpgid"},
            "group rows with groups off: %r" % sorted(kinds))
    ck.true("fork" in kinds, "no fork row: %r" % sorted(kinds))
    ck.raise_if_failed()


def run_plain(env, args, fault=None, preexec=None):
    return subprocess.run([env.proctrace] + args, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, errors="replace",
                          timeout=120, preexec_fn=preexec,
                          env=fault_env(fault))


def test_features_errors(env):
    """Each load failure its own message, one line, exit 1."""
    cases = [
        ("memlock", ["RLIMIT_MEMLOCK", "events", "before 5.11",
                     "ulimit -l"]),
        ("tracefs", ["tracefs is not mounted", "mount -t tracefs"]),
        ("nobtf", ["no BTF", "CONFIG_DEBUG_INFO_BTF", RELEASE]),
    ]
    ck = Check()
    for fault, words in cases:
        p = run_plain(env, ["-q", "-d", "5"], fault)
        ck.eq("%s: exit status" % fault, p.returncode, 1)
        lines = p.stderr.strip().splitlines()
        ck.eq("%s: stderr lines" % fault, len(lines), 1)
        for word in words:
            ck.true(lines and word in lines[0], "%s: no %r in %r"
                    % (fault, word, lines))
        ck.true("permission denied" not in p.stderr,
                "%s: said as a want of privilege" % fault)
    ck.raise_if_failed()


def test_features_no_privilege(env):
    """Without the capabilities (a real EPERM): the privilege message;
    -V says unknown for every feature."""
    setpriv = ["setpriv", "--bounding-set", "-bpf,-perfmon,-sys_admin",
               "--inh-caps", "-bpf,-perfmon,-sys_admin", "--"]
    ck = Check()
    p = subprocess.run(setpriv + [env.proctrace, "-q", "-d", "5"],
                       capture_output=True, text=True, errors="replace",
                       timeout=120, stdin=subprocess.DEVNULL)
    ck.eq("exit status", p.returncode, 1)
    lines = p.stderr.strip().splitlines()
    ck.eq("stderr lines", len(lines), 1)
    ck.true(lines and "permission denied" in lines[0] and
            "CAP_BPF" in lines[0], "the privilege message: %r" % lines)
    p = subprocess.run(setpriv + [env.proctrace, "-V"], capture_output=True,
                       text=True, errors="replace", timeout=120)
    feats = [ln for ln in p.stdout.splitlines() if ln.startswith("feature ")]
    ck.true(len(feats) >= 10, "-V has no feature lines: %r" % p.stdout)
    ck.true(all(": unknown (" in ln for ln in feats),
            "-V without privilege guesses: %r" % feats)
    ck.raise_if_failed()


def test_features_version(env):
    """-V: each feature works or is off with what refused it, from the
    load tracing does (the same fault turns rename off in both)."""
    p = run_plain(env, ["-V"], "refuse:handle_rename")
    feats = {ln.split()[1]: ln for ln in p.stdout.splitlines()
             if ln.startswith("feature ")}
    ck = Check()
    ck.eq("exit status", p.returncode, 0)
    ck.true("off (the verifier refused handle_rename: R2 !read_ok)"
            in feats.get("rename", ""), "rename: %r" % feats.get("rename"))
    for name in ("core", "reap", "exec_failed", "groups"):
        ck.true(feats.get(name, "").endswith(": works"),
                "%s: %r" % (name, feats.get(name)))
    ck.raise_if_failed()


def stderr_pipe_full():
    """A pipe whose write end is full: a write to it blocks."""
    r, w = os.pipe()
    fcntl.fcntl(w, fcntl.F_SETFL, os.O_NONBLOCK)
    try:
        while True:
            os.write(w, b"x" * 4096)
    except BlockingIOError:
        pass
    fcntl.fcntl(w, fcntl.F_SETFL, 0)
    return r, w


def blocked_writing_stderr(pid):
    """Whether pid is in write(2, ...)."""
    try:
        with open("/proc/%d/syscall" % pid) as f:
            words = f.read().split()
    except OSError:
        return False
    return len(words) > 1 and words[0] == "1" and int(words[1], 16) == 2


def test_start_signal(env):
    """SIGINT or SIGTERM before tracing began: the command never runs and
    proctrace exits 130 or 143. Held before tracing begins: it writes the
    line of a feature off (a fault) to a full stderr pipe."""
    ck = Check()
    for sig, want in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
        ran = os.path.join(env.tmp, "ran-%d" % sig)
        r, w = stderr_pipe_full()
        p = subprocess.Popen([env.proctrace, "-q", "--", "touch", ran],
                             stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=w,
                             env=fault_env("refuse:handle_rename",
                                           REFUSED_LOG))
        os.close(w)
        try:
            deadline = time.monotonic() + 120
            while not blocked_writing_stderr(p.pid):
                if p.poll() is not None or time.monotonic() > deadline:
                    raise Failure("never blocked writing its stderr "
                                  "(exit %s)" % p.returncode)
                time.sleep(0.02)
            p.send_signal(sig)
            os.set_blocking(r, False)
            err = b""
            while p.poll() is None:
                try:
                    err += os.read(r, 65536)
                except BlockingIOError:
                    time.sleep(0.02)
            rc = p.wait(60)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
            os.close(r)
        ck.eq("%s before tracing: exit status" % sig.name, rc, want)
        ck.true(not os.path.exists(ran),
                "%s before tracing: the command ran" % sig.name)
        ck.true(READY.encode() not in err.replace(b"x", b""),
                "%s before tracing: it said tracing" % sig.name)
    ck.raise_if_failed()


TESTS = [test_features_refused_off, test_features_refused_named,
         test_features_refused_core, test_features_refused_shared,
         test_features_attach_failed, test_features_errors,
         test_features_no_privilege, test_features_version, test_start_signal]
