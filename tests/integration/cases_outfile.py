# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Output files: what proctrace refuses to write (a planted symbolic link,
another user's file in a shared sticky directory, a FIFO, a directory),
what it truncates, who owns what it creates under sudo, rotation (--rotate,
--keep) through a 200,000-process storm, and reopening on SIGHUP."""

import csv
import json
import os
import signal
import stat
import subprocess
import time

import harness
from harness import (Capture, Check, Failure, SANITIZER, Tracer,
                     check_summary, read_csv, run_workload, tail)
from cases import check_one_error_line, run_tracer, true_path

OTHER_UID = 4242  # a user that is not us: the one who planted things
OTHER_GID = 4343
STORM = 200000
GATE_TIMEOUT = 30


def scratch(env, name, mode=0o755):
    path = os.path.join(env.tmp, name)
    os.mkdir(path)
    os.chmod(path, mode)  # past the umask
    return path


def write_text(path, text):
    with open(path, "w") as f:
        f.write(text)


def read_text(path):
    with open(path, errors="replace") as f:
        return f.read()


def short_run(env, args, environ=None):
    """proctrace -q ARGS -- true: the shortest real trace (environ: its
    environment, None for ours)."""
    argv = [env.proctrace, "-q"] + args + ["--", true_path()]
    try:
        return subprocess.run(argv, capture_output=True, text=True,
                              errors="replace", stdin=subprocess.DEVNULL,
                              timeout=60, env=environ)
    except subprocess.TimeoutExpired:
        raise Failure("proctrace %s did not exit" % " ".join(args))


def expect_refused(ck, env, args, path, words):
    """proctrace refuses: exit 1, one error line naming path and saying
    words."""
    p = short_run(env, args)
    what = "proctrace " + " ".join(args)
    ck.eq(what + ": exit status", p.returncode, 1)
    check_one_error_line(ck, what, p.stderr)
    ck.true(path in p.stderr and words in p.stderr,
            "%s: the error should name %s and say %r: %r"
            % (what, path, words, p.stderr.strip()))


# ---- what is refused ----

def test_outfile_planted_symlink_sticky(env):
    """The attack: in a sticky world-writable directory someone else plants
    out.csv -> a file of ours. Neither -o, -j nor --svg follows it; neither
    does a planted symbolic link to a directory on the way."""
    ck = Check()
    sticky = scratch(env, "sticky", 0o1777)
    victim = os.path.join(env.tmp, "victim.csv")
    write_text(victim, "precious\n")
    link = os.path.join(sticky, "out.csv")
    os.symlink(victim, link)
    os.lchown(link, OTHER_UID, OTHER_GID)
    for opt in ("-o", "-j", "--svg", "--perfetto"):
        expect_refused(ck, env, [opt, link], link, "symbolic link")
    ck.eq("victim after the attempts", read_text(victim), "precious\n")

    target = scratch(env, "target")
    dirlink = os.path.join(sticky, "logs")
    os.symlink(target, dirlink)
    os.lchown(dirlink, OTHER_UID, OTHER_GID)
    through = os.path.join(dirlink, "out.csv")
    expect_refused(ck, env, ["-o", through], through,
                   "goes through the symbolic link logs")
    ck.eq("files created through the planted link", os.listdir(target), [])

    # The same link, ours: followed (the rule is about who planted it).
    os.lchown(dirlink, 0, 0)
    p = short_run(env, ["-o", through])
    ck.eq("-o through our own link: exit status", p.returncode, 0)
    ck.eq("files created through our own link", os.listdir(target),
          ["out.csv"])
    ck.raise_if_failed()


def test_outfile_foreign_file_sticky(env):
    """Another user's existing file in a sticky world-writable directory is
    not written (as fs.protected_regular would have it), unless it belongs
    to the user who ran sudo."""
    ck = Check()
    sticky = scratch(env, "sticky2", 0o1777)
    theirs = os.path.join(sticky, "out.csv")
    write_text(theirs, "theirs\n")
    os.chown(theirs, OTHER_UID, OTHER_GID)
    expect_refused(ck, env, ["-o", theirs], theirs, "belongs to uid %d"
                   % OTHER_UID)
    ck.eq("their file after the attempt", read_text(theirs), "theirs\n")

    sudo_env = dict(os.environ, SUDO_UID=str(OTHER_UID),
                    SUDO_GID=str(OTHER_GID))
    p = short_run(env, ["-o", theirs], environ=sudo_env)
    ck.eq("-o the sudo user's own file: exit status", p.returncode, 0)
    ck.true(read_text(theirs).startswith("ts_ns,"),
            "the sudo user's file was not rewritten: %r"
            % read_text(theirs)[:40])
    ck.eq("its owner", os.stat(theirs).st_uid, OTHER_UID)
    ck.raise_if_failed()


def test_outfile_symlink_last_component(env):
    """A symbolic link as the last component is refused anywhere, even to
    a file we own, and even dangling (nothing created at its target)."""
    ck = Check()
    d = scratch(env, "plain")
    victim = os.path.join(d, "victim.csv")
    write_text(victim, "precious\n")
    link = os.path.join(d, "out.csv")
    os.symlink("victim.csv", link)
    expect_refused(ck, env, ["-o", link], link, "symbolic link")
    ck.eq("victim after the attempt", read_text(victim), "precious\n")
    dangling = os.path.join(d, "dangling.jsonl")
    os.symlink(os.path.join(d, "created-through-link"), dangling)
    expect_refused(ck, env, ["-j", dangling], dangling, "symbolic link")
    ck.true(not os.path.exists(os.path.join(d, "created-through-link")),
            "a file was created through the dangling link")
    ck.raise_if_failed()


def test_outfile_not_a_file(env):
    """A FIFO is refused without being opened (no waiting for a reader), a
    directory is refused; a character device like /dev/null is written."""
    ck = Check()
    d = scratch(env, "kinds")
    fifo = os.path.join(d, "out.fifo")
    os.mkfifo(fifo)
    expect_refused(ck, env, ["-o", fifo], fifo, "FIFO")
    expect_refused(ck, env, ["-j", d], d, "directory")
    p = short_run(env, ["-o", "/dev/null"])
    ck.eq("-o /dev/null: exit status", p.returncode, 0)
    ck.true(stat.S_ISCHR(os.stat("/dev/null").st_mode),
            "/dev/null is no longer a character device")
    ck.raise_if_failed()


def test_outfile_truncates_regular(env):
    """An existing regular file is rewritten from its start: nothing of the
    old content is left after the new rows."""
    ck = Check()
    d = scratch(env, "trunc")
    path = os.path.join(d, "old.csv")
    write_text(path, "old content\n" * 100000)
    p = short_run(env, ["-o", path])
    ck.eq("exit status", p.returncode, 0)
    text = read_text(path)
    ck.true("old content" not in text, "old content left in the file")
    try:
        rows = read_csv(path)
        ck.true(len(rows) > 0, "no rows in the rewritten file")
    except Failure as e:
        ck.fail("rewritten file: %s" % e)
    ck.raise_if_failed()


def test_outfile_sudo_owner(env):
    """As root under sudo (SUDO_UID, SUDO_GID), the files proctrace creates
    belong to the user who ran sudo, rotated ones too; an existing file
    keeps its owner."""
    ck = Check()
    # After attaching, proctrace runs as the sudo user: a rotation creates
    # files as that user, who must be able to reach the directory.
    os.chmod(env.tmp, 0o711)
    d = scratch(env, "sudo", 0o777)
    csv_path = os.path.join(d, "ev.csv")
    json_path = os.path.join(d, "ev.jsonl")
    svg_path = os.path.join(d, "ev.svg")
    existing = os.path.join(d, "existing.csv")
    write_text(existing, "x\n")
    sudo_env = dict(os.environ, SUDO_UID=str(OTHER_UID),
                    SUDO_GID=str(OTHER_GID))
    p = short_run(env, ["-o", csv_path, "-j", json_path, "--svg", svg_path,
                        "--rotate", "300", "--keep", "100"], environ=sudo_env)
    ck.eq("exit status", p.returncode, 0)
    ck.true(os.path.exists(csv_path + ".1"),
            "no rotation happened (the test needs one): %s"
            % sorted(os.listdir(d)))
    for name in sorted(os.listdir(d)):
        if name == "existing.csv":
            continue
        st = os.stat(os.path.join(d, name))
        ck.eq(name + " owner", (st.st_uid, st.st_gid), (OTHER_UID, OTHER_GID))
    p = short_run(env, ["-o", existing], environ=sudo_env)
    ck.eq("-o existing: exit status", p.returncode, 0)
    ck.eq("existing file owner", os.stat(existing).st_uid, 0)
    # Without sudo's variables, root's own.
    plain = os.path.join(d, "plain.csv")
    p = short_run(env, ["-o", plain])
    ck.eq("-o without sudo: exit status", p.returncode, 0)
    ck.eq("owner without sudo", os.stat(plain).st_uid, 0)
    ck.raise_if_failed()


def test_outfile_root_end_file_refused(env):
    """As root without sudo, proctrace still drops CAP_DAC_OVERRIDE once
    attached: an end file (--perfetto, --svg) in a directory only another
    user may write is refused before tracing (exit 1, one line), and
    nothing is left there (a FILE.tmp.* was, its rename refused at the
    end)."""
    ck = Check()
    d = scratch(env, "notroots", 0o700)
    os.chown(d, OTHER_UID, OTHER_GID)
    for opt in ("--perfetto", "--svg"):
        path = os.path.join(d, "end" + opt.strip("-"))
        p = short_run(env, [opt, path], environ=dict(
            (k, v) for k, v in os.environ.items() if not k.startswith("SUDO_")))
        ck.eq(opt + ": exit status", p.returncode, 1)
        ck.eq(opt + ": its error line", [l for l in p.stderr.splitlines()
                                         if path in l and "cannot write" in l
                                         and "as uid 0" in l], [l for l in p.stderr.splitlines()
                                                                 if path in l])
        ck.eq(opt + ": files left in the directory", sorted(os.listdir(d)), [])
    ck.raise_if_failed()


def test_outfile_usage_errors(env):
    ck = Check()
    for args in (["--rotate", "10X", "-o", "x.csv"], ["--rotate", "0", "-o",
                                                       "x.csv"],
                 ["--keep", "3", "-o", "x.csv"],
                 ["--rotate", "1M", "-o", "-"], ["--rotate", "1M"],
                 ["--rotate", "1M", "--keep", "0", "-o", "x.csv"]):
        p = run_tracer(env, args, cwd=env.tmp)
        what = "proctrace " + " ".join(args)
        ck.eq(what + ": exit status", p.returncode, 2)
        lines = p.stderr.splitlines()
        ck.true(lines and lines[0].startswith("proctrace: ")
                and ("--rotate" in lines[0] or "--keep" in lines[0]),
                "%s: first line %r" % (what, lines[:1]))
    ck.true(not os.path.exists(os.path.join(env.tmp, "x.csv")),
            "a usage error created its file")
    ck.raise_if_failed()


# ---- rotation ----

def rotated_files(path):
    """path.N ... path.1, path: oldest first, as they exist."""
    d, base = os.path.split(path)
    numbers = []
    for name in os.listdir(d):
        if name.startswith(base + "."):
            suffix = name[len(base) + 1:]
            if suffix.isdigit():
                numbers.append(int(suffix))
    numbers.sort(reverse=True)
    return ["%s.%d" % (path, n) for n in numbers] + [path]


def csv_file_rows(ck, path):
    """The rows of one CSV file as tuples; it must have its own header and
    only whole records."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f, strict=True)
        header = next(reader, None)
        if header != harness.COLUMNS:
            ck.fail("%s: header %r" % (path, (header or [])[:4]))
            return []
        rows = []
        for fields in reader:
            if len(fields) != len(harness.COLUMNS):
                ck.fail("%s: a record of %d fields" % (path, len(fields)))
                return rows
            rows.append(tuple(fields))
        return rows


def json_file_lines(ck, path):
    """The lines of one JSON Lines file, each a JSON object."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw and not raw.endswith(b"\n"):
        ck.fail("%s does not end with a whole line" % path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        ck.fail("%s is not UTF-8: %s" % (path, e))
        return []
    lines = []
    for n, line in enumerate(text.split("\n")[:-1], start=1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            ck.fail("%s line %d is not JSON: %s" % (path, n, e))
            return lines
        lines.append((line, obj))
    return lines


def check_cut_at_size(ck, path, size):
    """A rotated file was closed at the row that took it past size: it is
    at least size, and without its last row it was below."""
    with open(path, "rb") as f:
        raw = f.read()
    last = raw.rstrip(b"\n").rfind(b"\n") + 1
    ck.true(len(raw) >= size and last < size,
            "%s: %d bytes, last row at %d: not closed at the row passing %d"
            % (os.path.basename(path), len(raw), last, size))


def kinds_of(rows, col):
    counts = {}
    for r in rows:
        counts[r[col]] = counts.get(r[col], 0) + 1
    return counts


def test_outfile_rotate_storm(env):
    """A 200,000-process storm with --rotate 1M on -o and -j: every file is
    whole on its own, all of them together hold every event the summary
    counts, once; no file beyond the size by more than its last row."""
    ck = Check()
    d = scratch(env, "storm")
    csv_path = os.path.join(d, "storm.csv")
    json_path = os.path.join(d, "storm.jsonl")
    size, keep = 1 << 20, 100000
    t0 = time.monotonic()
    p = run_tracer(env, ["-q", "--rotate", "1M", "--keep", str(keep),
                         "-o", csv_path, "-j", json_path, "--",
                         env.workload("fork_storm"), str(STORM)], timeout=300)
    traced_s = time.monotonic() - t0
    if p.returncode != 0 or SANITIZER.search(p.stderr):
        raise Failure("storm run exited %d: %s" % (p.returncode,
                                                   tail(p.stderr, 10)))
    total, by_kind, lost = Capture([], p.stderr).summary()

    csv_files = rotated_files(csv_path)
    json_files = rotated_files(json_path)
    ck.true(len(csv_files) > 10, "only %d CSV files" % len(csv_files))
    for files in (csv_files, json_files):
        ck.true(len(files) <= keep + 1, "%d files > keep + 1" % len(files))
        for f in files[:-1]:
            check_cut_at_size(ck, f, size)
    rows = []
    for f in csv_files:
        rows += csv_file_rows(ck, f)
    lines = []
    for f in json_files:
        lines += json_file_lines(ck, f)
    ck.raise_if_failed()

    event = harness.COLUMNS.index("event")
    ck.eq("CSV rows (event rows + lost rows) vs the summary",
          len(rows) - kinds_of(rows, event).get("lost", 0), total)
    kinds = kinds_of(rows, event)
    kinds.pop("lost", None)
    ck.eq("CSV rows by kind vs the summary", kinds, by_kind)
    ck.eq("duplicated CSV rows", len(rows) - len(set(rows)), 0)
    ck.eq("JSON lines vs CSV rows", len(lines), len(rows))
    ck.eq("duplicated JSON lines", len(lines) - len({l for l, _ in lines}), 0)
    key = [harness.COLUMNS.index(c) for c in ("ts_ns", "event", "pid", "tid")]
    csv_keys = sorted(tuple(r[i] for i in key) for r in rows)
    json_keys = sorted((str(o["ts_ns"]), o["event"], str(o.get("pid", "")),
                        str(o.get("tid", ""))) for _, o in lines)
    ck.true(csv_keys == json_keys, "the CSV and JSON files hold other events")
    if lost == 0:
        # Only the storm is followed: its 2 workers and its children are
        # forked, and exit and are reaped like the storm itself.
        ck.eq("fork, exit, reap events",
              [by_kind.get(k, 0) for k in ("fork", "exit", "reap")],
              [STORM + 2, STORM + 3, STORM + 3])
    print("     storm: %d processes, %d events (lost %d), %d CSV + %d JSON "
          "files, traced in %.1f s"
          % (STORM, total, lost, len(csv_files), len(json_files), traced_s),
          flush=True)
    ck.raise_if_failed()


def test_outfile_rotate_keep(env):
    """--keep 2: only FILE, FILE.1 and FILE.2 are left, the newest ones
    (the first rows written, the snapshot, went with the oldest files).
    Only a command is followed, so its own end is the last row written."""
    ck = Check()
    d = scratch(env, "keep")
    path = os.path.join(d, "k.csv")
    p = run_tracer(env, ["-q", "--rotate", "4K", "--keep", "2", "-o", path,
                         "--", env.workload("burst"), "300"])
    if p.returncode != 0 or SANITIZER.search(p.stderr):
        raise Failure("exited %d: %s" % (p.returncode, tail(p.stderr, 10)))
    total, _, _ = Capture([], p.stderr).summary()
    burst = dict(l.split("=", 1) for l in p.stdout.split())["parent_pid"]
    ck.eq("files", sorted(os.listdir(d)), ["k.csv", "k.csv.1", "k.csv.2"])
    rows = []
    for f in rotated_files(path):
        rows += [dict(zip(harness.COLUMNS, r)) for r in csv_file_rows(ck, f)]
    for f in rotated_files(path)[:-1]:
        check_cut_at_size(ck, f, 4096)
    ck.true(0 < len(rows) < total, "%d rows kept of %d events: nothing "
            "deleted" % (len(rows), total))
    ck.eq("snapshot rows kept", [r for r in rows if r["event"] == "snapshot"],
          [])
    ck.true(any(r["event"] == "exit" and r["pid"] == burst for r in rows),
            "the command's exit (pid %s) is not in the kept files" % burst)
    ck.raise_if_failed()


def test_outfile_rotate_restart(env):
    """An always-on recorder restarted with --rotate: the last run's file
    is rotated to FILE.1, not emptied."""
    ck = Check()
    d = scratch(env, "restart")
    path = os.path.join(d, "r.jsonl")
    for run in (1, 2):
        p = short_run(env, ["--rotate", "1M", "-j", path])
        ck.eq("run %d: exit status" % run, p.returncode, 0)
        if run == 1:
            first = open(path, "rb").read()
    ck.eq("files", sorted(os.listdir(d)), ["r.jsonl", "r.jsonl.1"])
    ck.true(first and open(path + ".1", "rb").read() == first,
            "the first run's file is not r.jsonl.1, unchanged")
    ck.true(len(json_file_lines(ck, path)) > 0, "no lines in the new file")
    ck.raise_if_failed()


# ---- SIGHUP ----

def wait_for(what, cond):
    deadline = time.monotonic() + GATE_TIMEOUT
    while not cond():
        if time.monotonic() > deadline:
            raise Failure("timed out waiting for %s" % what)
        time.sleep(0.05)


def has_exit_row(path, pid):
    """Whether the file already holds the exit row of pid (the writer
    flushes after every poll)."""
    try:
        with open(path, errors="replace") as f:
            return any(",exit,%s," % pid in line for line in f)
    except FileNotFoundError:
        return False


def test_outfile_sighup(env):
    """logrotate's way: the files are moved, SIGHUP, proctrace opens new
    ones. A SIGHUP with nothing moved changes nothing. Together the files
    hold every event once, each whole on its own."""
    ck = Check()
    d = scratch(env, "hup")
    csv_path = os.path.join(d, "h.csv")
    json_path = os.path.join(d, "h.jsonl")
    tracer = Tracer(env.proctrace, csv_path, ["-j", json_path])
    tracer.start()
    try:
        a = run_workload(env.workload("burst"), ["5"])["parent_pid"]
        wait_for("the first workload's exit row",
                 lambda: has_exit_row(csv_path, a))
        tracer.proc.send_signal(signal.SIGHUP)  # nothing moved
        b = run_workload(env.workload("burst"), ["5"])["parent_pid"]
        wait_for("the second workload's exit row",
                 lambda: has_exit_row(csv_path, b))
        os.rename(csv_path, csv_path + ".moved")
        os.rename(json_path, json_path + ".moved")
        tracer.proc.send_signal(signal.SIGHUP)
        wait_for("new files after SIGHUP", lambda: os.path.exists(csv_path)
                 and os.path.exists(json_path))
        c = run_workload(env.workload("burst"), ["5"])["parent_pid"]
    finally:
        tracer.proc.send_signal(signal.SIGINT)
        rc = tracer.wait_exit()
    err = tracer.stderr()
    ck.eq("exit status", rc, 0)
    ck.true(not SANITIZER.search(err), "sanitizer report: %s" % tail(err))
    old = [dict(zip(harness.COLUMNS, r))
           for r in csv_file_rows(ck, csv_path + ".moved")]
    new = [dict(zip(harness.COLUMNS, r)) for r in csv_file_rows(ck, csv_path)]
    old_json = json_file_lines(ck, json_path + ".moved")
    new_json = json_file_lines(ck, json_path)
    ck.raise_if_failed()
    cap = Capture(old + new, err)
    try:
        check_summary(cap)
    except Failure as e:
        ck.fail("both CSV files together: %s" % e)
    ck.eq("JSON lines (old, new) vs CSV rows", (len(old_json), len(new_json)),
          (len(old), len(new)))
    exits = lambda rows, pid: [r for r in rows if r["event"] == "exit"
                               and r["pid"] == pid]
    for name, pid, here, there in (("first", a, old, new),
                                   ("second", b, old, new),
                                   ("third", c, new, old)):
        ck.true(len(exits(here, pid)) == 1 and not exits(there, pid),
                "the %s workload's exit row: %d in the file of its time, %d "
                "in the other" % (name, len(exits(here, pid)),
                                  len(exits(there, pid))))
    ck.raise_if_failed()


TESTS = [
    test_outfile_planted_symlink_sticky,
    test_outfile_foreign_file_sticky,
    test_outfile_symlink_last_component,
    test_outfile_not_a_file,
    test_outfile_truncates_regular,
    test_outfile_sudo_owner,
    test_outfile_root_end_file_refused,
    test_outfile_usage_errors,
    test_outfile_rotate_storm,
    test_outfile_rotate_keep,
    test_outfile_rotate_restart,
    test_outfile_sighup,
]
