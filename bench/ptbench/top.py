# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""--top and the userspace filters (--failed, --argv): what each costs the
consumer. The same vfork storm is traced with -o FILE, then with -o FILE
and one of them, each on a pseudo-terminal (read all the while, as a
terminal would be), in interleaved rounds (the order turns each round).
Measured: the events proctrace consumed per second of its own CPU time
(utime + stime of the process alone, read from /proc while it is a
zombie, so the storm it reaped is not counted), and the ratio to -o FILE.

--failed holds every row of the storm's children until their exit 0 drops
them (its worst case: all held, none written); --argv matches the storm's
own exec, so every child is followed through the gate's table and written."""

import fcntl
import os
import statistics
import struct
import subprocess
import sys
import termios
import threading
from .common import CLK_TCK, log
from .storm import parse_summary, storm_cmd


def own_cpu_s(pid):
    """utime + stime of a process that exited and is not reaped yet."""
    os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def drain(fd, sink):
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            return
        if not data:
            return
        sink.append(len(data))


def on_terminal():
    """A session of its own with the pty's slave as its controlling
    terminal (what /dev/tty opens)."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


# (name, options beside -o FILE); the first is the reference.
CONFIGS = [("-o FILE", []), ("--top", ["--top"]), ("--failed", ["--failed"]),
           ("--argv vfork", ["--argv", "vfork"])]


def one_run(s, tmp, opts, count):
    csv = os.path.join(tmp, "top-bench.csv")
    err = os.path.join(tmp, "top-bench.err")
    out = os.path.join(tmp, "top-bench.storm")
    storm = " ".join(storm_cmd(s, "vfork", count))
    cmd = [s.proctrace, "-q", "-o", csv] + opts + [
        "--", "sh", "-c", f"exec {storm} >{out}"]
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    env = dict(os.environ, TERM="xterm")
    with open(err, "w") as errf:
        p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=errf, env=env,
                             preexec_fn=on_terminal)
    os.close(slave)
    written = []
    reader = threading.Thread(target=drain, args=(master, written), daemon=True)
    reader.start()
    cpu = own_cpu_s(p.pid)
    p.wait()
    reader.join(5)
    os.close(master)
    counts, lost = parse_summary(err)
    os.unlink(csv)
    if p.returncode != 0:
        raise RuntimeError(f"proctrace {' '.join(opts)} exited {p.returncode}")
    return {"events": counts["events"], "lost": lost, "cpu_s": cpu,
            "screen_bytes": sum(written)}


def top_run(s, tmp):
    count = s.sizes["vfork"]
    out = {"count": count, "runs": {name: [] for name, _ in CONFIGS}}
    for rnd in range(s.rounds):
        log(f"== --top, --failed, --argv: vfork storm of {count}, round {rnd + 1}/{s.rounds}")
        turn = rnd % len(CONFIGS)
        for name, opts in CONFIGS[turn:] + CONFIGS[:turn]:
            out["runs"][name].append(one_run(s, tmp, opts, count))
    return out


def summary(res):
    """(name, median events per CPU-second, ratio to the first) each. The
    events are the storm's, as the reference runs counted them: --failed
    writes none of them, yet reads them all."""
    events = statistics.median(r["events"] for r in res["runs"][CONFIGS[0][0]])
    rates = {name: statistics.median(events / max(r["cpu_s"], 1e-3) for r in runs)
             for name, runs in res["runs"].items()}
    ref = rates[CONFIGS[0][0]]
    return [(name, rates[name], rates[name] / ref) for name, _ in CONFIGS]


def top_report(res):
    """Markdown lines for results.md."""
    if not res:
        return []
    rows = summary(res)
    lost = ", ".join(f"{sum(r['lost'] for r in res['runs'][name])} with {name}"
                     for name, _ in CONFIGS)
    n = len(res["runs"][CONFIGS[0][0]])
    return ["## --top, --failed, --argv: their cost\n",
            f"A vfork storm of {res['count']:,} processes traced with -o FILE, then with "
            f"-o FILE and each option, on a pseudo-terminal (read all the while), "
            f"{n} interleaved rounds. The storm's events (as -o FILE counted them) per "
            "second of proctrace's own CPU time (its utime + stime, the storm it reaped "
            "left out), "
            "median. --failed holds every row until the exit 0 that drops it (nothing "
            "written); --argv follows and writes every child:\n",
            "| configuration | events / CPU-second | ratio |",
            "|---|---|---|"] + [
            f"| {'-o FILE' if i == 0 else '-o FILE ' + name} | {rate:,.0f} | "
            f"{'1' if i == 0 else f'x{ratio:.3f}'} |" for i, (name, rate, ratio) in enumerate(rows)
    ] + ["",
         f"Events lost over the runs: {lost} "
         "(the storm outruns any consumer on this machine at times; a loss is "
         "counted and repaired, see the tiny-ring rows).\n"]


def top_console(res):
    if not res:
        return ""
    return "\n--top, --failed, --argv: events per proctrace CPU-second\n  " + "  ".join(
        f"{name} {rate:,.0f} (x{ratio:.3f})" for name, rate, ratio in summary(res))


if __name__ == "__main__":
    # python3 -m ptbench.top PROCTRACE OUT (from bench/): this part alone.
    import tempfile
    from .settings import Settings
    settings = Settings(sys.argv[1], sys.argv[2])
    with tempfile.TemporaryDirectory() as d:
        result = top_run(settings, d)
    print("\n".join(top_report(result)))
