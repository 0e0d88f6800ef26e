# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""--db: the SQLite database of real workloads, read with python's sqlite3.
Its events table holds the CSV's rows, typed, every detail key a column;
its processes table says what the workloads know of themselves (pids,
parents, exit codes, signals, killers, zombie times, reapers); the
shipped questions (docs/queries.sql) answer what the workloads did; a
replay of the CSV makes the same tables; SIGINT, SIGTERM and SIGKILL
mid-run, and a full disk, leave a valid database that says it was cut
short."""

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import time

from harness import (COLUMNS, COLUMN_TYPES, DETAIL_TYPES, SANITIZER, Check,
                     Failure, parse_detail, read_csv, run_traced, shlex_argv,
                     tail)
from cases import check_one_error_line

HERE = os.path.dirname(os.path.abspath(__file__))
QUERIES = os.path.join(HERE, "..", "..", "docs", "queries.sql")
TABLES = ("events", "processes", "lost")


def connect(path):
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    return db


def rows_of(db, sql, params=()):
    return [dict(r) for r in db.execute(sql, params)]


def dump(path, table):
    """Every row of a table, in a fixed order."""
    with connect(path) as db:
        return [tuple(r) for r in db.execute(
            "SELECT * FROM %s ORDER BY 1, 2, rowid" % table)]


def queries():
    """The shipped questions: name -> SQL."""
    out, name = {}, None
    with open(QUERIES, encoding="utf-8") as f:
        for line in f:
            if line.startswith("-- name: "):
                name = line.split(":", 1)[1].strip()
                out[name] = ""
            elif name and not line.startswith("--"):
                out[name] += line
    return out


def check_valid(ck, path, what):
    """The file opens, is whole, and has this schema's version."""
    with connect(path) as db:
        ck.eq(what + ": integrity", db.execute(
            "PRAGMA integrity_check").fetchone()[0], "ok")
        ck.eq(what + ": user_version", db.execute(
            "PRAGMA user_version").fetchone()[0], 1)


def trace_row(path):
    with connect(path) as db:
        return rows_of(db, "SELECT * FROM trace")[0]


# ---- the events table against the CSV ----

def csv_text_of(db_text):
    """A text detail value as the CSV writes it: spaces escaped too."""
    return db_text.replace(" ", "\\x20")


def check_value(ck, what, typ, csv_value, got):
    if csv_value == "":
        ck.eq(what, got, None)
    elif typ == "integer":
        ck.eq(what, got, int(csv_value, 0))
    elif typ == "flag":
        ck.eq(what, got, 1)
    else:
        ck.eq(what, got, csv_value)


def check_event_row(ck, n, row, got):
    """One CSV row against its events row: every column, every key."""
    what = "row %d (%s)" % (n, row["event"])
    for c in COLUMNS:
        if c == "argv":
            ck.eq(what + " argv", json.loads(got[c]) if got[c] else None,
                  shlex_argv(row) if row[c] else None)
        elif c == "detail":
            d = parse_detail(row[c])
            ck.eq(what + " detail keys",
                  sorted(json.loads(got[c])) if got[c] else [], sorted(d))
        else:
            check_value(ck, "%s %s" % (what, c), COLUMN_TYPES[c], row[c],
                        got[c])
    d = parse_detail(row["detail"])
    for key, typ in DETAIL_TYPES.items():
        if key == "KIND":
            continue
        value = got[key]
        if key == "clone" and value is not None:
            value = "|".join(json.loads(value))
        elif typ == "text" and value is not None:
            value = csv_text_of(value)
        check_value(ck, "%s %s" % (what, key), typ, d.get(key, ""), value)


def check_events(ck, cap, path):
    with connect(path) as db:
        got = rows_of(db, "SELECT * FROM events ORDER BY rowid")
        bad = db.execute("SELECT count(*) FROM events WHERE typeof(pid) "
                         "NOT IN ('integer', 'null')").fetchone()[0]
    ck.eq("typed pids", bad, 0)
    if not ck.eq("events rows", len(got), len(cap.rows)):
        return
    for n, (row, g) in enumerate(zip(cap.rows, got), start=2):
        check_event_row(ck, n, row, g)


# ---- a workload under proctrace -o CSV --db DB ----

def traced(env, name, workload, args=(), opts=()):
    """proctrace -o CSV --db DB [opts] -- workload [args]: the capture
    (its CSV's path as cap.path), the workload's facts, the database."""
    path = os.path.join(env.tmp, name + ".db")
    cap, facts = run_traced(env, name, workload, args,
                            ["--db", path] + list(opts))
    cap.path = os.path.join(env.tmp, "%02d-%s.csv" % (env.sessions, name))
    return cap, facts, path


def replayed(env, name, csv_path, opts=()):
    path = os.path.join(env.tmp, name + "-replay.db")
    p = subprocess.run([env.proctrace, "-q", "--replay", csv_path, "--db",
                        path] + list(opts), capture_output=True, text=True)
    if p.returncode != 0 or SANITIZER.search(p.stderr):
        raise Failure("replay exited %d: %s" % (p.returncode, tail(p.stderr)))
    return path


def check_replay_same(ck, env, name, cap_path, live, opts=(), tables=TABLES):
    """A replay of the CSV makes the same tables as the live run."""
    again = replayed(env, name, cap_path, opts)
    check_valid(ck, again, name + " replay")
    for table in tables:
        ck.eq("%s: %s, replay against live" % (name, table),
              dump(again, table), dump(live, table))
    ck.eq(name + ": replay's trace row", {
        k: v for k, v in trace_row(again).items()
        if k in ("complete", "ended", "events", "source")},
        {"complete": 1, "ended": "end of file", "events": len(dump(live, "events")),
         "source": cap_path})


def proc(db, pid):
    rows = rows_of(db, "SELECT * FROM processes WHERE pid = ?", (int(pid),))
    return rows[0] if len(rows) == 1 else {"_rows": len(rows)}


def ts_of(cap, pid, event):
    rows = cap.of(pid, event)
    return int(rows[-1]["ts_ns"]) if rows else None


def check_zombie(ck, cap, p, pid, what):
    """zombie_ns is its reap's time less its exit's, to the ns."""
    exit_ts, reap_ts = ts_of(cap, pid, "exit"), ts_of(cap, pid, "reap")
    ck.eq(what + " zombie_ns", p.get("zombie_ns"),
          reap_ts - exit_ts if exit_ts and reap_ts else "no exit or reap")


def test_db_kill_child(env):
    """Who killed whom, and the rest of a process's row."""
    ck = Check()
    cap, f, path = traced(env, "db-kill", "kill_child")
    check_valid(ck, path, "kill_child")
    check_events(ck, cap, path)
    tracer_pid = cap.of(f["parent_pid"], "reap")[0]["by_pid"]
    with connect(path) as db:
        ck.eq("journal", db.execute("PRAGMA journal_mode").fetchone()[0],
              "wal")
        child, parent = proc(db, f["child_pid"]), proc(db, f["parent_pid"])
        ck.eq("child", {k: child.get(k) for k in (
            "ppid", "birth_ppid", "signal", "exit_code", "core_dumped",
            "killer_pid", "killer_comm", "reaper_pid", "end_state", "comm")},
            {"ppid": int(f["parent_pid"]), "birth_ppid": int(f["parent_pid"]),
             "signal": "SIGKILL", "exit_code": None, "core_dumped": 0,
             "killer_pid": int(f["parent_pid"]), "killer_comm": "kill_child",
             "reaper_pid": int(f["parent_pid"]), "end_state": "reaped",
             "comm": "kill_child"})
        ck.eq("child's start_ns: its fork row", child.get("start_ns"),
              ts_of(cap, f["child_pid"], "fork"))
        check_zombie(ck, cap, child, f["child_pid"], "child")
        ck.eq("parent", {k: parent.get(k) for k in (
            "exit_code", "signal", "killer_pid", "filename", "argv",
            "execs", "reaper_pid", "snapshot")},
            {"exit_code": 0, "signal": None, "killer_pid": None,
             "filename": env.workload("kill_child"),
             "argv": json.dumps([env.workload("kill_child")],
                                separators=(",", ":")),
             "execs": 1, "reaper_pid": int(tracer_pid), "snapshot": 1})
        q = queries()
        ck.eq("killers_and_victims", [tuple(r) for r in db.execute(
            q["killers_and_victims"])],
            [(int(f["parent_pid"]), "kill_child", int(f["child_pid"]),
              "kill_child", "SIGKILL")])
        ck.eq("failed_commands", [(r["pid"], r["signal"]) for r in
                                  db.execute(q["failed_commands"])],
              [(int(f["child_pid"]), "SIGKILL")])
    t = trace_row(path)
    ck.eq("trace", {k: t[k] for k in ("complete", "ended", "source",
                                      "events", "lost")},
          {"complete": 1, "ended": "command", "source": "live",
           "events": len(cap.rows), "lost": 0})
    check_replay_same(ck, env, "kill_child", cap.path, path)
    ck.raise_if_failed()


def test_db_exit_code(env):
    """A failed command's exit code and usage, per command."""
    ck = Check()
    cap, f, path = traced(env, "db-exit", "exit_code")
    check_events(ck, cap, path)
    q = queries()
    with connect(path) as db:
        child = proc(db, f["child_pid"])
        ck.eq("child exit_code", child.get("exit_code"), 3)
        ck.eq("failed_commands", [(r["pid"], r["exit_code"]) for r in
                                  db.execute(q["failed_commands"])],
              [(int(f["child_pid"]), 3)])
        # Each process's final usage: its reap row's where the kernel's
        # final figures were read, else its exit row's snapshot.
        final = {}
        for r in cap.rows:
            if r["comm"] != "exit_code":
                continue
            if (r["event"] == "exit"
                    and "thread_exit" not in parse_detail(r["detail"])):
                final.setdefault(r["pid"], r)
            elif r["event"] == "reap" and r["cpu_user_us"]:
                final[r["pid"]] = r
        exits = list(final.values())
        want = [("exit_code", len(exits),
                 # each process's own part: the children part is its
                 # reaped children's own rows (counted once)
                 sum(int(r["cpu_user_us"]) - int(r["children_cpu_user_us"])
                     for r in exits),
                 sum(int(r["cpu_sys_us"]) - int(r["children_cpu_sys_us"])
                     for r in exits),
                 max(int(r["maxrss_kb"]) for r in exits))]
        got = [tuple(r) for r in db.execute(q["cpu_and_memory_by_command"])
               if r["comm"] == "exit_code"]
        ck.eq("cpu_and_memory_by_command", got, want)
        ck.true(want[0][4] >= 8192, "maxrss %d KiB: the child touched 8 MiB"
                % want[0][4])
    check_replay_same(ck, env, "exit_code", cap.path, path)
    ck.raise_if_failed()


def test_db_demo_tree(env):
    """The tree of a pid, zombie times by parent, what a group did."""
    ck = Check()
    cap, f, path = traced(env, "db-demo", "demo")
    check_events(ck, cap, path)
    q = queries()
    parent, a, b, g = (int(f[k]) for k in ("parent_pid", "a_pid", "b_pid",
                                           "g_pid"))
    with connect(path) as db:
        tree = [(r["depth"], r["pid"], r["birth_ppid"]) for r in db.execute(
            q["process_tree"], {"pid": parent})]
        # In the order of birth: B and G are born at once (the parent
        # forks B while A forks G), either first.
        ck.eq("process_tree", tree, sorted(
            [(0, parent, int(f["parent_ppid"])), (1, a, parent),
             (1, b, parent), (2, g, a)],
            key=lambda r: (proc(db, r[1]).get("start_ns") or 0, r[1])))
        zombies = {r["parent_pid"]: (r["children"], r["zombie_ns_max"])
                   for r in db.execute(q["zombie_time_by_parent"])}
        b_zombie = proc(db, b).get("zombie_ns")
        check_zombie(ck, cap, proc(db, b), f["b_pid"], "B")
        ck.true(b_zombie and b_zombie >= int(f["b_zombie_ms"]) * 1000000,
                "B a zombie %s ns, at least %s ms" % (b_zombie,
                                                      f["b_zombie_ms"]))
        ck.eq("zombie_time_by_parent: parent", zombies.get(parent),
              (2, max(b_zombie or 0, proc(db, a).get("zombie_ns") or 0)))
        ck.eq("zombie_time_by_parent: A", zombies.get(a),
              (1, proc(db, g).get("zombie_ns")))
        pg = int(f["a_pgid"])
        got = [(r["ts_ns"], r["event"], r["pid"]) for r in db.execute(
            q["pgid_activity"], {"pgid": pg})]
        want = sorted((int(r["ts_ns"]), r["event"], int(r["pid"]))
                      for r in cap.rows if r["pgid"] == str(pg))
        ck.eq("pgid_activity", got, want)
        ck.eq("pgid_activity pids", sorted({p for _, _, p in got}),
              sorted({a, g}))
        ck.eq("A: birth group, group at the end",
              (proc(db, a).get("birth_pgid"), proc(db, a).get("pgid")),
              (int(f["parent_pgid"]), pg))
    check_replay_same(ck, env, "demo", cap.path, path)
    ck.raise_if_failed()


def test_db_sched(env):
    """--sched: time per state and run-queue latency, as the sched row."""
    ck = Check()
    cap, f, path = traced(env, "db-sched", "sched_states", ["spin_sleep"],
                          ["--sched"])
    check_events(ck, cap, path)
    q = queries()
    sched = [r for r in cap.of(f["pid"], "sched")
             if "thread_exit" not in parse_detail(r["detail"])]
    d = parse_detail(sched[0]["detail"]) if len(sched) == 1 else {}
    ck.true(d, "one sched row for pid %s" % f["pid"])
    with connect(path) as db:
        states = {r["pid"]: r for r in db.execute(q["time_per_sched_state"])}
        rq = {r["pid"]: r for r in db.execute(q["run_queue_latency"])}
    s = states.get(int(f["pid"]))
    if ck.true(s, "time_per_sched_state: no row of %s" % f["pid"]) and d:
        for k in ("running_ns", "runnable_ns", "sleeping_ns",
                  "disk_sleep_ns", "stopped_ns", "traced_ns", "switches"):
            ck.eq("time_per_sched_state " + k, s[k], int(d[k]))
    r = rq.get(int(f["pid"]))
    if d and int(d["rq_waits"]) and ck.true(r, "run_queue_latency: no row"):
        for k in ("rq_waits", "rq_p50_ns", "rq_p99_ns", "rq_max_ns"):
            ck.eq("run_queue_latency " + k, r[k], int(d[k]))
    check_replay_same(ck, env, "sched", cap.path, path)
    ck.raise_if_failed()


def test_db_threads(env):
    """--threads: one threads row per thread, with its creation and exit."""
    ck = Check()
    cap, f, path = traced(env, "db-threads", "threads", opts=["--threads"])
    check_events(ck, cap, path)
    with connect(path) as db:
        got = {r["tid"]: r for r in rows_of(
            db, "SELECT * FROM threads WHERE pid = ?", (int(f["pid"]),))}
    tids = sorted(int(v) for k, v in f.items() if k.endswith("_tid")
                  and k != "main_tid")
    ck.eq("threads of %s" % f["pid"], sorted(got), tids)
    made = {int(r["tid"]): int(r["ts_ns"]) for r in cap.of(f["pid"], "thread")}
    for tid in tids:
        t = got.get(tid, {})
        ck.eq("thread %d start_ns: its thread row" % tid, t.get("start_ns"),
              made.get(tid))
        ck.true(t.get("exit_ns"), "thread %d: no exit_ns" % tid)
    # The capture has thread rows: its replay is a --threads one.
    check_replay_same(ck, env, "db-threads", cap.path, path,
                      tables=TABLES + ("threads",))
    ck.raise_if_failed()


# ---- cut short ----

def loop_command():
    """A shell that runs a short program every 20 ms until killed."""
    return subprocess.Popen(["/bin/sh", "-c",
                             "while :; do /bin/true; sleep 0.02; done"],
                            stdin=subprocess.DEVNULL)


def wait_rows(path, pid, least):
    """A second reader, while tracing: wait until least events rows and
    the shell's processes row are committed."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with connect(path) as db:
                n = db.execute("SELECT count(*) FROM events").fetchone()[0]
                p = db.execute("SELECT count(*) FROM processes WHERE "
                               "birth_ppid = ?", (pid,)).fetchone()[0]
            if n >= least and p:
                return n
        except sqlite3.Error:
            pass
        time.sleep(0.1)
    raise Failure("the database had not %d rows in 60 s" % least)


def test_db_cut_short(env):
    """SIGINT, SIGTERM, SIGKILL mid-run: a valid database, read while it
    is written, holding every committed batch, saying it was cut short."""
    ck = Check()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        name = "db-" + sig.name
        path = os.path.join(env.tmp, name + ".db")
        loop = loop_command()
        tracer = env.tracer(name, ["--db", path, "-p", str(loop.pid)])
        try:
            tracer.start()
            seen = wait_rows(path, loop.pid, 20)
            if sig == signal.SIGKILL:
                tracer.kill()
            else:
                tracer.proc.send_signal(sig)
                rc = tracer.wait_exit()
                ck.eq(name + ": exit status", rc, 0)
        finally:
            loop.kill()
            loop.wait()
            tracer.kill()
        check_valid(ck, path, name)
        t = trace_row(path)
        ck.eq(name + ": trace", (t["complete"], t["ended"]),
              (0, "running" if sig == signal.SIGKILL else sig.name))
        rows = dump(path, "events")
        ck.true(len(rows) >= seen, "%s: %d rows, %d seen committed before"
                % (name, len(rows), seen))
        csv_rows = read_csv(tracer.csv_path)
        if sig != signal.SIGKILL:
            ck.eq(name + ": rows", len(rows), len(csv_rows))
            ck.eq(name + ": trace events (lost rows not counted)", t["events"],
                  sum(r[2] != "lost" for r in rows))
        else:
            # Both are cut at a batch: one holds the first rows of the other.
            n = min(len(rows), len(csv_rows))
            with connect(path) as db:
                got = [r["ts_ns"] for r in db.execute(
                    "SELECT ts_ns FROM events ORDER BY rowid LIMIT ?", (n,))]
            ck.eq(name + ": rows, a prefix of the CSV's", got,
                  [int(r["ts_ns"]) for r in csv_rows[:n]])
    ck.raise_if_failed()


def test_db_full_disk(env):
    """A full disk: one error line and exit 1; live, the database stays
    valid and says it was cut short; a replay leaves nothing."""
    ck = Check()
    mnt = os.path.join(env.tmp, "full")
    os.makedirs(mnt, exist_ok=True)  # the runner may run a test again
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt],
                   check=True)
    try:
        path = os.path.join(mnt, "live.db")
        tracer = env.tracer("db-full", ["--db", path, "--",
                                        env.workload("fork_storm"), "20000"])
        tracer.start()
        rc = tracer.wait_exit()
        err = tracer.stderr()
        ck.eq("live: exit status", rc, 1)
        ck.true(not SANITIZER.search(err), "sanitizer: " + tail(err))
        check_one_error_line(ck, "live, full disk", err)
        ck.true("writing %s: No space left on device" % path in err,
                "live, full disk: " + tail(err))
        # Read from a copy: SQLite may need room beside the file to open it.
        copy = os.path.join(env.tmp, "full-copy.db")
        for ext in ("", "-wal"):
            if os.path.exists(path + ext):
                shutil.copy(path + ext, copy + ext)
        check_valid(ck, copy, "live, full disk")
        t = trace_row(copy)
        ck.eq("live, full disk: complete", t["complete"], 0)
        with connect(copy) as db:
            n = db.execute("SELECT count(*) FROM events WHERE event != 'lost'").fetchone()[0]
        ck.true(n, "live, full disk: no batch committed")
        ck.eq("live, full disk: the trace row's count", t["events"], n)
        # The end is written in place if SQLite still has room for it;
        # else the row stays as the last batch left it (docs/database.md).
        ck.true(t["ended"].startswith("error: writing")
                or t["ended"] == "running",
                "live, full disk: ended %r" % t["ended"])
        for f in os.listdir(mnt):
            os.unlink(os.path.join(mnt, f))
        # The capture holds what the live database took before it was
        # full, which fits the same room again once the WAL is gone: the
        # replay gets a quarter of it (less than its first batch).
        subprocess.run(["mount", "-o", "remount,size=1m", mnt], check=True)
        big = tracer.csv_path
        p = subprocess.run([env.proctrace, "-q", "--replay", big, "--db",
                            os.path.join(mnt, "replay.db")],
                           capture_output=True, text=True)
        ck.eq("replay: exit status", p.returncode, 1)
        check_one_error_line(ck, "replay, full disk", p.stderr)
        ck.true("No space left on device" in p.stderr,
                "replay, full disk: " + tail(p.stderr))
        ck.eq("replay: files left", os.listdir(mnt), [])
    finally:
        subprocess.run(["umount", mnt])
    ck.raise_if_failed()


def test_db_errors(env):
    """A database needs a file: stdout, a directory, a device are refused
    with one line, before tracing."""
    ck = Check()
    for arg, code, words in (("-", 2, "--db needs a file name"),
                             (env.tmp, 1, env.tmp),
                             ("/dev/null", 1, "needs a regular file")):
        p = subprocess.run([env.proctrace, "-q", "--db", arg, "--",
                            "/bin/true"], capture_output=True, text=True)
        ck.eq("--db %s: exit status" % arg, p.returncode, code)
        ck.true(words in p.stderr, "--db %s: %r not in %r"
                % (arg, words, p.stderr))
    # Refused, and left as it was.
    ck.true(stat.S_ISCHR(os.stat("/dev/null").st_mode),
            "/dev/null is no longer a device")
    ck.true(os.path.isdir(env.tmp), "the directory is gone")
    ck.raise_if_failed()


# ---- the docs and recipes ----

README = os.path.join(HERE, "..", "..", "README.md")
DATABASE_MD = os.path.join(HERE, "..", "..", "docs", "database.md")
CLICKHOUSE_SQL = os.path.join(HERE, "..", "..", "docs", "clickhouse.sql")
# Debian's python, whose pandas the recipes use (python3 may be another).
DEBIAN_PYTHON = "/usr/bin/python3"


def doc_tables(path):
    """docs/database.md's column tables: table -> [(name, type, unit,
    meaning)]."""
    out, table = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                table = line.split("`")[1] if line.startswith("### `") else None
                if table:
                    out[table] = []
            elif table and line.startswith("| `"):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                out[table].append((cells[0].strip("`"),) + tuple(cells[1:]))
    return out


def python_block(path, marker):
    """The ```python block of a Markdown file that contains marker."""
    with open(path, encoding="utf-8") as f:
        blocks = f.read().split("```python\n")[1:]
    return next(b.split("```", 1)[0] for b in blocks if marker in b)


def run_python(ck, what, code):
    p = subprocess.run([DEBIAN_PYTHON, "-c", code], capture_output=True,
                       text=True)
    ck.eq(what + ": exit status", p.returncode, 0)
    ck.true(p.returncode == 0, what + ": " + tail(p.stderr))
    return p.stdout.splitlines()


def test_db_docs_and_recipes(env):
    """docs/database.md's tables are the database's (docs/clickhouse.sql's
    columns: clickhouse_sql.py, in make docs-check); the README's and the doc's pandas recipes keep integers
    integers in a capture with a lost row; numbers compare as numbers."""
    ck = Check()
    cap, _, live = traced(env, "db-docs", "exit_code")
    csv_path = os.path.join(env.tmp, "with-lost.csv")
    with open(cap.path, encoding="utf-8") as src, \
            open(csv_path, "w", encoding="utf-8") as dst:
        lines = src.readlines()
        last = lines[-1].split(",")
        dst.writelines(lines)
        dst.write("%d,%s,lost,%s,lost=5 fork=2 exec=3\n"
                  % (int(last[0]) + 1, last[1], "," * (len(COLUMNS) - 5)))
    path = replayed(env, "db-docs", csv_path)
    with connect(path) as db:
        want = {}
        for r in db.execute('SELECT "table", name, type, unit, meaning '
                            "FROM columns ORDER BY rowid"):
            want.setdefault(r[0], []).append(tuple(r)[1:])
        ck.eq("lost table", rows_of(db, "SELECT lost, fork, exec, exit "
                                    "FROM lost"),
              [{"lost": 5, "fork": 2, "exec": 3, "exit": 0}])
        maxrss = db.execute("SELECT max(maxrss_kb) FROM events").fetchone()[0]
    ck.eq("max(maxrss_kb)", maxrss, max(int(r["maxrss_kb"]) for r in cap.rows
                                        if r["maxrss_kb"]))
    docs = doc_tables(DATABASE_MD)
    for table in ("processes", "lost", "trace"):
        ck.eq("docs/database.md: " + table, docs.get(table), want[table])
    code = python_block(README, 'pd.read_csv("events.csv"')
    code = code.replace('"events.csv"', repr(csv_path)).replace(
        '["proctrace"', "[%r" % env.proctrace)
    out = run_python(ck, "README pandas recipe", code + (
        "print(events.pid.dtype, events.ppid.dtype, events.uid.dtype)\n"
        "print(events[events.event == 'lost'].pid.isna().all())\n"
        "print(events.maxrss_kb.max())\n"))
    ck.eq("README pandas recipe", out, ["Int64 Int64 Int64", "True",
                                        str(maxrss)])
    code = python_block(DATABASE_MD, "read_sql_query").replace(
        '"build.db"', repr(path))
    out = run_python(ck, "docs/database.md pandas recipe", code + (
        "print(procs.pid.dtype, procs.exit_code.dtype, procs.maxrss_kb.max())\n"))
    ck.eq("docs/database.md pandas recipe", out,
          ["Int64 Int64 %d" % maxrss])
    ck.raise_if_failed()


TESTS = [test_db_kill_child, test_db_exit_code, test_db_demo_tree,
         test_db_sched, test_db_threads, test_db_cut_short,
         test_db_full_disk, test_db_errors, test_db_docs_and_recipes]
