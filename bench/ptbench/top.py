# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""--top: what the live view costs the consumer. The same vfork storm is
traced with -o FILE, then with -o FILE --top on a pseudo-terminal (read all
the while, as a terminal would be), in interleaved rounds. Measured: the
events proctrace consumed per second of its own CPU time (utime + stime
of the process alone, read from /proc while it is a zombie, so the storm
it reaped is not counted), and the ratio with/without --top."""

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


def one_run(s, tmp, top, count):
    csv = os.path.join(tmp, "top-bench.csv")
    err = os.path.join(tmp, "top-bench.err")
    out = os.path.join(tmp, "top-bench.storm")
    storm = " ".join(storm_cmd(s, "vfork", count))
    cmd = [s.proctrace, "-q", "-o", csv] + (["--top"] if top else []) + [
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
        raise RuntimeError(f"proctrace {'--top ' if top else ''}exited {p.returncode}")
    return {"events": counts["events"], "lost": lost, "cpu_s": cpu,
            "rate": counts["events"] / max(cpu, 1e-3), "screen_bytes": sum(written)}


def top_run(s, tmp):
    count = s.sizes["vfork"]
    out = {"count": count, "plain": [], "top": []}
    for rnd in range(s.rounds):
        log(f"== --top, vfork storm of {count}, round {rnd + 1}/{s.rounds}")
        for top in (False, True) if rnd % 2 == 0 else (True, False):
            out["top" if top else "plain"].append(one_run(s, tmp, top, count))
    return out


def summary(res):
    plain = statistics.median(r["rate"] for r in res["plain"])
    top = statistics.median(r["rate"] for r in res["top"])
    return plain, top, top / plain


def top_report(res):
    """Markdown lines for results.md."""
    if not res:
        return []
    plain, top, ratio = summary(res)
    lost_plain = sum(r["lost"] for r in res["plain"])
    lost_top = sum(r["lost"] for r in res["top"])
    return ["## --top: the live view's cost\n",
            f"A vfork storm of {res['count']:,} processes traced with -o FILE, then with "
            f"-o FILE --top on a pseudo-terminal (read all the while), "
            f"{len(res['plain'])} interleaved rounds. Events consumed per second of "
            "proctrace's own CPU time (its utime + stime, the storm it reaped left out), "
            "median:\n",
            "| configuration | events / CPU-second | ratio |",
            "|---|---|---|",
            f"| -o FILE | {plain:,.0f} | 1 |",
            f"| -o FILE --top | {top:,.0f} | x{ratio:.3f} |",
            "",
            f"Events lost over the runs: {lost_plain} with -o FILE, {lost_top} with --top "
            "(the storm outruns any consumer on this machine at times; a loss is "
            "counted and repaired, see the tiny-ring rows).\n"]


def top_console(res):
    if not res:
        return ""
    plain, top, ratio = summary(res)
    return (f"\n--top, events per proctrace CPU-second\n  -o FILE {plain:,.0f}  "
            f"--top {top:,.0f}  ratio x{ratio:.3f}")


if __name__ == "__main__":
    # python3 -m ptbench.top PROCTRACE OUT (from bench/): this part alone.
    import tempfile
    from .settings import Settings
    settings = Settings(sys.argv[1], sys.argv[2])
    with tempfile.TemporaryDirectory() as d:
        result = top_run(settings, d)
    print("\n".join(top_report(result)))
