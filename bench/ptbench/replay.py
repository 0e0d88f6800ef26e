# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Replay speed: rows per second that `proctrace --replay` reads from a
capture written by proctrace's own writers (bench/replay_gen.c), CSV and
JSON Lines, with nothing written but the summary, with the events
written again into /dev/null, and with the views drawn from the model.
No BPF, no root."""

import os
import re
import resource
import sqlite3
import subprocess
import time

from .common import log

# (input format, what is written, proctrace arguments after --replay FILE)
CASES = (
    ("csv", "summary only", ["-q"]),
    ("csv", "-o /dev/null", ["-q", "-o", "/dev/null"]),
    ("jsonl", "summary only", ["-q"]),
    ("jsonl", "-j /dev/null", ["-q", "-j", "/dev/null"]),
    ("csv", "--db FILE", ["-q", "--db", "{db}"]),
    ("csv", "--tree -T --svg FILE", ["-q", "--tree", "-T", "--svg", "{svg}"]),
)
QUERIES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                       "queries.sql")


def shipped_queries():
    """docs/queries.sql: (name, SQL), in order."""
    out = []
    with open(QUERIES, encoding="utf-8") as f:
        for line in f:
            if line.startswith("-- name: "):
                out.append([line.split(":", 1)[1].strip(), ""])
            elif out and not line.startswith("--"):
                out[-1][1] += line
    return out


def db_run(path):
    """The database of the last --db replay: its size, and each shipped
    query's time (best of three) and rows, for the pid and group of the
    first process."""
    db = sqlite3.connect(path)
    pid, pgid = db.execute("SELECT pid, pgid FROM processes ORDER BY start_ns LIMIT 1").fetchone()
    rows = db.execute("SELECT count(*) FROM events").fetchone()[0]
    procs = db.execute("SELECT count(*) FROM processes").fetchone()[0]
    queries = []
    for name, sql in shipped_queries():
        best, n = None, 0
        for _ in range(3):
            t0 = time.monotonic()
            n = len(db.execute(sql, {"pid": pid, "pgid": pgid}).fetchall())
            t = time.monotonic() - t0
            best = t if best is None else min(best, t)
        queries.append({"name": name, "s": best, "rows": n})
    db.close()
    return {"bytes": os.path.getsize(path), "events": rows, "processes": procs,
            "queries": queries}


def generate(s, fmt, path):
    kind = "csv" if fmt == "csv" else "json"
    subprocess.run([s.replay_gen, str(s.replay_rows), kind, path], check=True)


def timed(argv):
    """Wall and CPU (user + system, from the rusage of the waited child)
    seconds of one run, and its stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stderr


def events_in_summary(err):
    m = re.search(r"proctrace: (\d+) events", err)
    return int(m.group(1)) if m else None


def same_bytes(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def replay_run(s, tmp):
    """Per case: the best wall time and the best CPU time of s.replay_runs
    runs, as rows per second; and whether re-exports are byte-identical."""
    if not os.path.exists(s.replay_gen):
        return None
    files = {}
    for fmt in ("csv", "jsonl"):
        files[fmt] = os.path.join(tmp, f"replay.{fmt}")
        log(f"== replay: writing {s.replay_rows:,} rows of {fmt}")
        generate(s, fmt, files[fmt])
    cases = []
    db_path, svg_path = os.path.join(tmp, "replay.db"), os.path.join(tmp, "replay.svg")
    for fmt, what, args in CASES:
        argv = [s.proctrace, "--replay", files[fmt]] + [a.format(db=db_path, svg=svg_path)
                                                        for a in args]
        walls, cpus, counted = [], [], None
        for _ in range(s.replay_runs):
            wall, cpu, err = timed(argv)
            walls.append(wall)
            cpus.append(cpu)
            counted = events_in_summary(err)
        log(f"   {fmt} {what}: best {min(walls):.3f} s wall, {min(cpus):.3f} s CPU")
        cases.append({"format": fmt, "output": what, "rows": s.replay_rows,
                      "events": counted, "wall_s": min(walls), "cpu_s": min(cpus),
                      "rows_per_s": s.replay_rows / min(walls),
                      "rows_per_cpu_s": s.replay_rows / max(min(cpus), 1e-9)})
    db = db_run(db_path)
    os.unlink(db_path)
    os.unlink(svg_path)
    # Round trips, untimed: CSV -> CSV, JSONL -> JSONL, CSV -> JSONL -> CSV.
    out_csv, out_json = os.path.join(tmp, "again.csv"), os.path.join(tmp, "again.jsonl")
    trips = {}
    subprocess.run([s.proctrace, "--replay", files["csv"], "-q", "-o", out_csv], check=True,
                   stderr=subprocess.DEVNULL)
    trips["CSV -> CSV"] = same_bytes(files["csv"], out_csv)
    subprocess.run([s.proctrace, "--replay", files["jsonl"], "-q", "-j", out_json],
                   check=True, stderr=subprocess.DEVNULL)
    trips["JSON Lines -> JSON Lines"] = same_bytes(files["jsonl"], out_json)
    subprocess.run([s.proctrace, "--replay", files["csv"], "-q", "-j", out_json], check=True,
                   stderr=subprocess.DEVNULL)
    subprocess.run([s.proctrace, "--replay", out_json, "-q", "-o", out_csv], check=True,
                   stderr=subprocess.DEVNULL)
    trips["CSV -> JSON Lines -> CSV"] = same_bytes(files["csv"], out_csv)
    sizes = {fmt: os.path.getsize(p) for fmt, p in files.items()}
    for p in list(files.values()) + [out_csv, out_json]:
        os.unlink(p)
    return {"cases": cases, "round_trips": trips, "sizes": sizes, "runs": s.replay_runs,
            "db": db}


# ----------------------------------------------------------------- report

TARGET_ROWS_PER_S = 1e6


def replay_targets(t, replay):
    """The targets of the replay run, added to t (report.Targets)."""
    if not replay:
        t.add("replay >= 1,000,000 rows/s (CSV)", None, "replay_gen not built")
        return
    # By CPU time: on this shared machine the wall time of a one-second run
    # says more about the neighbours than about the reader.
    # The views draw a row per process, five rows of this capture: their
    # target is the strace-shaped capture's (memory.py).
    csv = [c for c in replay["cases"]
           if c["format"] == "csv" and "--db" not in c["output"] and "--tree" not in c["output"]]
    t.add("replay >= 1,000,000 rows per CPU second (CSV, summary only and -o /dev/null)",
          all(c["rows_per_cpu_s"] >= TARGET_ROWS_PER_S for c in csv),
          ", ".join(f"{c['output']}: {c['rows_per_cpu_s'] / 1e6:.2f} M/s "
                    f"({c['rows_per_s'] / 1e6:.2f} M/s by wall time)" for c in csv))
    counted = all(c["events"] == c["rows"] for c in replay["cases"])
    t.add("replay reads every row (summary count = rows)", counted,
          ", ".join(f"{c['format']} {c['output']}: {c['events']}" for c in replay["cases"]))
    t.add("replay round trips byte-identical", all(replay["round_trips"].values()),
          ", ".join(f"{k}: {'same' if v else 'DIFFERENT'}"
                    for k, v in replay["round_trips"].items()))


def replay_markdown(replay, table):
    """The report's replay section (table: report.table)."""
    out = ["## Replay\n"]
    if not replay:
        out.append("Not measured: bench/replay_gen.c was not built (see make bench's "
                   "output).\n")
        return out
    out.append(f"`proctrace --replay FILE` on a capture of {replay['cases'][0]['rows']:,} rows "
               "written by proctrace's own writers (bench/replay_gen.c: the storm of "
               "bench/storm_events.h, pids reused; CSV "
               f"{replay['sizes']['csv'] / 1e6:.0f} MB, JSON Lines "
               f"{replay['sizes']['jsonl'] / 1e6:.0f} MB, read from the page cache). "
               f"Best of {replay['runs']} runs; rows/s by wall time, and by the process's "
               "CPU time (user + system), which other work on the machine shakes less. "
               "A replay of a file reads it twice: once for the wall clock it was written "
               "with (ts_ns and time only), once for the events.\n")
    out.append(table(["file", "written", "rows", "seconds", "rows/s", "CPU s", "rows/CPU s"],
                     [[c["format"], c["output"], f"{c['rows']:,}", f"{c['wall_s']:.3f}",
                       f"{c['rows_per_s']:,.0f}", f"{c['cpu_s']:.3f}",
                       f"{c['rows_per_cpu_s']:,.0f}"] for c in replay["cases"]]) + "\n")
    db = replay.get("db")
    if db:
        out.append(f"The database (`--db`) of that replay: {db['bytes'] / 1e6:.0f} MB for "
                   f"{db['events']:,} events and {db['processes']:,} processes "
                   f"({db['bytes'] / db['events'] * 1e6 / 1e6:.0f} MB per million events). "
                   "The shipped questions (docs/queries.sql) on it, best of three, for "
                   "the first process's pid and group:\n")
        out.append(table(["query", "seconds", "rows"],
                         [[q["name"], f"{q['s']:.3f}", f"{q['rows']:,}"]
                          for q in db["queries"]]) + "\n")
    out.append("Round trips: " + ", ".join(f"{k} {'byte-identical' if v else 'DIFFERENT'}"
                                           for k, v in replay["round_trips"].items()) + ".\n")
    return out
