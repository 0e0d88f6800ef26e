# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""How proctrace -- COMMAND finds the command: execvp's PATH search, made
by looking at the files, so the trace holds the command's one exec and no
exec_failed row of the search; its errors as execvp gives them."""

import os
import stat

from harness import Check, parse_detail, shlex_argv
from procs import Cleanup, Command, plain_environ
from cases_follow import story


def command_run(env, name, command, path, rc):
    """proctrace -- COMMAND with PATH path; (capture, the command's pid,
    proctrace's stderr) once it has exited with rc."""
    environ = dict(plain_environ(), PATH=path)
    with Cleanup() as cl:
        cmd = cl.add(Command(env, name, command, environ=environ))
        cap, _ = cmd.finish(rc)
    return cap, cmd.pid, cmd.tracer.stderr()


def test_command_path_search(env):
    """With PATH entries that do not exist, one that may not be searched
    and one where the name is a file that may not be run, before the one
    that has it: one exec of the file execvp would run, no exec_failed."""
    base = os.path.join(env.tmp, "path-search")
    closed, noexec = os.path.join(base, "closed"), os.path.join(base, "noexec")
    for d in (closed, noexec):
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(noexec, "exit_code"), "w") as f:
        f.write("#!/bin/sh\nexit 9\n")
    os.chmod(os.path.join(noexec, "exit_code"), 0o644)
    os.chmod(closed, 0)
    wdir = os.path.dirname(env.workload("exit_code"))
    path = ":".join(["/nonexistent-a", closed, noexec, "/nonexistent-b",
                     wdir, "/usr/bin", "/bin"])
    ck = Check()
    cap, pid, _ = command_run(env, "path-search", ["exit_code"], path, 0)
    ck.eq("the command's rows", story(cap, pid)[:2], ["snapshot", "exec"])
    ck.eq("exec_failed rows in the capture",
          [r["detail"] for r in cap.rows if r["event"] == "exec_failed"], [])
    ex = cap.of(pid, "exec")
    ck.eq("exec rows of the command", len(ex), 1)
    if ex:
        ck.fields(ex[0], "the command's exec",
                  filename=os.path.join(wdir, "exit_code"), tid=pid)
        ck.eq("its argv", shlex_argv(ex[0]), ["exit_code"])
    ck.raise_if_failed()


def test_command_not_found(env):
    """A name found nowhere: execvp's ENOENT, exit 127, one error line; a
    name found only where it may not be run: EACCES, exit 126. Neither
    leaves an exec or exec_failed row: nothing was executed."""
    base = os.path.join(env.tmp, "not-found")
    os.makedirs(base, exist_ok=True)
    with open(os.path.join(base, "readonly"), "w") as f:
        f.write("#!/bin/sh\nexit 9\n")
    os.chmod(os.path.join(base, "readonly"), 0o644)
    ck = Check()
    for name, rc, err in (("no-such-command-here", 127,
                           "No such file or directory"),
                          ("readonly", 126, "Permission denied")):
        cap, pid, stderr = command_run(env, "not-found-" + name, [name],
                                       base + ":/nonexistent", rc)
        ck.eq(name + ": the command's rows", story(cap, pid),
              ["snapshot", "exit", "reap"])
        ck.true("proctrace: cannot run %s: %s\n" % (name, err) in stderr,
                "%s: no 'cannot run' line in %r" % (name, stderr))
    ck.raise_if_failed()


def test_command_script_without_shebang(env):
    """A script without "#!": the kernel refuses it (one exec_failed
    ENOEXEC row: the command's own, not a search's), then /bin/sh runs it,
    as execvp does."""
    base = os.path.join(env.tmp, "no-shebang")
    os.makedirs(base, exist_ok=True)
    script = os.path.join(base, "plain-script")
    with open(script, "w") as f:
        f.write("exit 5\n")
    os.chmod(script, stat.S_IRWXU)
    ck = Check()
    cap, pid, _ = command_run(env, "no-shebang", ["plain-script", "arg"],
                              "/nonexistent:" + base, 5)
    ck.eq("the command's rows", story(cap, pid),
          ["snapshot", "exec_failed", "exec", "exit", "reap"])
    bad = cap.of(pid, "exec_failed")
    if bad:
        ck.fields(bad[0], "its failed exec", filename=script)
        ck.eq("its error", parse_detail(bad[0]["detail"]).get("error"),
              "ENOEXEC")
    ex = cap.of(pid, "exec")
    if ex:
        ck.eq("the shell's argv", shlex_argv(ex[0]), ["/bin/sh", script, "arg"])
    ck.raise_if_failed()


TESTS = [test_command_path_search, test_command_not_found,
         test_command_script_without_shebang]
