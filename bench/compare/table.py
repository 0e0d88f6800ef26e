#!/usr/bin/env python3
"""Read bench/compare/run.sh's raw outputs and decide, for each capability
and each tool, from that tool's own output on that run, whether it showed
the workload's fact: yes, partial (with the reason) or no.

The workload's pids come from proctrace's JSON Lines of the same run (the
other tools agree on pids; their lines for other processes are left out);
strace -f ran the workload a second time and is read on its own pids.
Usage: table.py OUT   -> prints a Markdown table, writes OUT/table.md and
OUT/<tool>.workload.txt (each tool's lines about the workload).
"""
import json
import os
import re
import sys

TOOLS = ["proctrace", "forkstat", "libbpf-tools", "htop", "strace -f"]


def read(out, name):
    path = os.path.join(out, name)
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def facts_from_proctrace(out):
    """The pids of each step of the workload, from proctrace's JSON Lines."""
    f = {"threads_tids": set()}
    pids = set()
    for line in read(out, "proctrace.jsonl").splitlines():
        e = json.loads(line)
        ev, pid = e["event"], e.get("pid")
        if pid:
            pids.add(pid)
        argv = e.get("argv") or []
        if ev == "exec" and e.get("filename", "").endswith("workload.sh"):
            f["root"] = pid
        elif ev == "exec" and argv[:1] == ["/bin/echo"]:
            f["echo"] = pid
        elif ev == "exec_failed" and argv[:1] == ["/nonexistent/proctrace-compare"]:
            f["failed"] = pid
        elif ev == "exec" and argv == ["sh", "-c", "exit 3"]:
            f["exit3"] = pid
        elif ev == "exit" and e.get("signal") == "SIGTERM":
            f["killed"] = pid
        elif ev == "setsid":
            f["setsid"] = pid
        elif ev == "exec" and argv[:1] == ["/bin/true"]:
            f["zombie"] = pid
        elif ev == "stop":
            f["stopped"] = pid
        elif ev == "thread":
            f["threads"] = pid
            f["threads_tids"].add(e["tid"])
        elif ev == "reap" and pid == f.get("zombie"):
            f["reaper"] = e["by_pid"]
    f["threads_tids"] |= {int(t) for t in re.findall(
        r"thread (\d+) created", read(out, "proctrace.txt"))}
    f["pids"] = pids | f["threads_tids"]
    return f


def only_workload(text, pids):
    """The lines with one of the workload's pids in a pid column: one of
    their first six words (every tool puts its pid columns there)."""
    pids = {str(p) for p in pids}
    return "\n".join(l for l in text.splitlines() if pids & set(l.split()[:6]))


def has(text, pattern, **pids):
    return re.search(pattern.format(**pids), text, re.M) is not None


def cells(f, t):
    """One row per capability: (name, {tool: (mark, note)})."""
    P, F, L, H, S = (t[k] for k in TOOLS)
    st = t["strace_pids"]
    pt_top = t["proctrace-top"]
    rows = []

    def row(name, **m):
        rows.append((name, m))

    row("fork and its parent",
        proctrace=("yes", "") if has(P, r"fork +{echo} +{root} ", **f) else ("no", ""),
        forkstat=("yes", "") if has(F, r"fork +{echo} child", **f) else ("no", ""),
        libbpf=("partial", "PPID on exec lines only: a fork without exec is not shown")
        if has(L, r"^\S+ +\S+ +echo +{echo} +{root} ", **f) else ("no", ""),
        htop=("partial", "PPID of the processes alive at a refresh")
        if has(H, r"^ *{stopped} +{root} ", **f) else ("no", ""),
        strace=("yes", "") if has(S, r"^{root} .*(clone|fork).*\) = {echo}$", **st) else ("no", ""))
    row("exec with argv (an empty argument kept)",
        proctrace=("yes", "") if "'arg one' '' three" in P else ("no", ""),
        forkstat=("partial", "argv joined by spaces: the empty argument and quoting are lost")
        if has(F, r"exec +{echo} .*arg one  three", **f) else ("no", ""),
        libbpf=("partial", "execsnoop joins argv by spaces too (run without -q)")
        if has(L, r"{echo} .*arg one  three", **f) else ("no", ""),
        htop=("no", "shows only processes alive at a refresh; this one was gone")
        if "/bin/echo" not in H else ("partial", ""),
        strace=("yes", "") if '["/bin/echo", "arg one", "", "three"]' in S else ("no", ""))
    row("failed exec and its error",
        proctrace=("yes", "") if has(P, r"exec_failed +{failed} .*ENOENT", **f) else ("no", ""),
        forkstat=("yes", "") if has(F, r"exec +{failed} ", **f) else ("no", ""),
        libbpf=("yes", "") if has(L, r"{failed} +{root} +-2 /nonexistent", **f) else ("no", ""),
        htop=("no", ""),
        strace=("yes", "") if has(S, r'execve\("/nonexistent.* = -1 ENOENT') else ("no", ""))
    row("exit code",
        proctrace=("yes", "") if has(P, r"exit +{exit3} .* exit 3 ", **f) else ("no", ""),
        forkstat=("partial", "the raw wait status (768 for exit 3)")
        if has(F, r"exit +{exit3} +768 ", **f) else ("no", ""),
        libbpf=("yes", "") if has(L, r"{exit3} +{root} .*code 3$", **f) else ("no", ""),
        htop=("no", ""),
        strace=("yes", "") if has(S, r"^{exit3} .*\+\+\+ exited with 3 \+\+\+", **st) else ("no", ""))
    row("death by a signal",
        proctrace=("yes", "") if has(P, r"exit +{killed} .*killed by SIGTERM", **f) else ("no", ""),
        forkstat=("partial", "the raw wait status (15)")
        if has(F, r"exit +{killed} +15 ", **f) else ("no", ""),
        libbpf=("yes", "") if has(L, r"{killed} .*signal 15", **f) else ("no", ""),
        htop=("no", ""),
        strace=("yes", "") if has(S, r"^{killed} .*killed by SIGTERM", **st) else ("no", ""))
    row("who killed whom (sender on the death)",
        proctrace=("yes", "") if has(P, r"exit +{killed} .*killed by SIGTERM from \S+\({root}\)", **f)
        else ("no", ""),
        forkstat=("no", ""),
        libbpf=("partial", "sigsnoop/killsnoop print the kill; joining it to exitsnoop's death is by hand")
        if has(L, r"{root} +\S+ +15 +{killed} ", **f) else ("no", ""),
        htop=("no", ""),
        strace=("partial", "kill() in the sender, si_pid in the victim, its death: three lines")
        if has(S, r"^{killed} .*SIGTERM \{{.*si_pid={root}", **st) else ("no", ""))
    row("stop and continue",
        proctrace=("yes", "") if has(P, r"stop +{stopped} ", **f) and has(P, r"continue +{stopped} ", **f)
        else ("no", ""),
        forkstat=("no", ""),
        libbpf=("partial", "SIGSTOP/SIGCONT sent (sigsnoop), not the stop itself")
        if has(L, r"{root} +\S+ +19 +{stopped} ", **f) else ("no", ""),
        htop=("partial", "state T at a refresh") if has(H, r"^ *{stopped} .* T ", **f) else ("no", ""),
        strace=("yes", "") if has(S, r"^{stopped} .*--- stopped by SIGSTOP ---", **st)
        and has(S, r"^{stopped} .*--- SIGCONT ", **st) else ("no", ""))
    row("zombie time and reaper",
        proctrace=("yes", "") if has(P, r"reap +{zombie} .*zombie \d+ ms, reaped by \S+\({reaper}\)", **f)
        else ("no", ""),
        forkstat=("no", ""),
        libbpf=("no", ""),
        htop=("partial", "state Z at a refresh") if has(H, r"^ *{zombie} .* Z ", **f) else ("no", ""),
        strace=("partial", "wait4() in a traced reaper; init, the reaper here, is not traced")
        if has(S, r"wait4\(") else ("no", ""))
    row("reparenting",
        proctrace=("yes", "") if has(P, r"reparent +{zombie} ", **f) else ("no", ""),
        forkstat=("no", ""), libbpf=("no", ""), htop=("no", ""), strace=("no", ""))
    row("process group and session",
        proctrace=("yes", "") if has(P, r"setsid +{setsid} .*new session", **f) else ("no", ""),
        forkstat=("partial", "setsid events; no pgid or sid of a process")
        if has(F, r"sid +{setsid} ", **f) else ("no", ""),
        libbpf=("no", ""),
        htop=("partial", "PGRP and SID of the processes alive at a refresh")
        if has(H, r"^ *{stopped} +{root} +\d+ +\d+ ", **f) else ("no", ""),
        strace=("yes", "") if has(S, r"setsid\(\) += \d+") else ("no", ""))
    tid = min(f["threads_tids"])
    row("threads",
        proctrace=("yes", "") if has(P, r"thread +{threads} .*thread {tid} created", tid=tid, **f)
        else ("no", ""),
        forkstat=forkstat_threads(F, f["threads_tids"]),
        libbpf=("no", ""),
        htop=("no", "shows only processes alive at a refresh; this one was gone")
        if not has(H, r"^ *{threads} ", **f) else ("partial", "threads alive at a refresh"),
        strace=("yes", "") if has(S, r"clone3?\(.*CLONE_THREAD") else ("no", ""))
    row("container / cgroup",
        proctrace=("yes", "") if "{c0ffee000000}" in P else ("no", ""),
        forkstat=("no", ""),
        libbpf=("no", "-c filters by cgroup, nothing shown"),
        htop=("partial", "the cgroup path of processes alive at a refresh")
        if "docker-c0ffee" in H else ("no", ""),
        strace=("no", ""))
    row("live tree with states",
        proctrace=("yes", "") if has(pt_top, r"^ *{stopped} stopped", **f) and has(pt_top, r"^ *{zombie} zombie", **f)
        else ("no", ""),
        forkstat=("no", ""), libbpf=("no", ""),
        htop=("yes", "") if has(H, r"^ *{zombie} .* Z .*└─ true", **f) else ("no", ""),
        strace=("no", ""))
    row("typed export",
        proctrace=("yes", "") if t["jsonl_ok"] else ("no", ""),
        forkstat=("no", ""), libbpf=("no", ""), htop=("no", ""), strace=("no", ""))
    return rows


def forkstat_threads(text, tids):
    """forkstat names a thread a clone, or a fork when /proc no longer has it."""
    as_clone = sum(has(text, r"clone +%d thread" % t) for t in tids)
    as_fork = sum(has(text, r"fork +%d child" % t) for t in tids)
    if as_clone == len(tids):
        return ("yes", "")
    if as_clone == 0 and as_fork == 0:
        return ("no", "")
    return ("partial", "some threads shown as a fork of `<unknown>`, or not at all")


def strace_pids(text):
    """strace's run had pids of its own: find each step in its output."""
    def first(pattern):
        m = re.search(pattern, text, re.M)
        return m.group(1) if m else "-1"
    return {
        "root": first(r"^(\d+) "),
        "echo": first(r'^(\d+) .*execve\("/bin/echo"'),
        "exit3": first(r'^(\d+) .*execve\("/usr/bin/sh", \["sh", "-c", "exit 3"\]'),
        "killed": first(r"^(\d+) .*killed by SIGTERM"),
        "stopped": first(r"^(\d+) .*--- stopped by SIGSTOP"),
    }


def main():
    out = sys.argv[1]
    f = facts_from_proctrace(out)
    raw = {
        "proctrace": read(out, "proctrace.txt"),
        "forkstat": read(out, "forkstat.txt"),
        "libbpf-tools": "\n".join(read(out, n + ".txt") for n in
                                  ("execsnoop", "exitsnoop", "sigsnoop", "killsnoop")),
        "htop": read(out, "htop.txt"),
        "strace -f": read(out, "strace.txt"),
    }
    t = {k: (v if k in ("proctrace", "strace -f") else only_workload(v, f["pids"]))
         for k, v in raw.items()}
    for k in ("forkstat", "libbpf-tools", "htop"):
        with open(os.path.join(out, k + ".workload.txt"), "w") as w:
            w.write(t[k] + "\n")
    t["strace_pids"] = strace_pids(t["strace -f"])
    t["proctrace-top"] = read(out, "proctrace-top.txt")
    try:
        with open(os.path.join(out, "proctrace.jsonl")) as j:
            t["jsonl_ok"] = all(json.loads(l)["event"] for l in j)
    except (ValueError, KeyError):
        t["jsonl_ok"] = False

    keys = {"proctrace": "proctrace", "forkstat": "forkstat", "libbpf-tools": "libbpf",
            "htop": "htop", "strace -f": "strace"}
    notes = []
    lines = ["| | " + " | ".join(TOOLS) + " |", "|---" * (len(TOOLS) + 1) + "|"]
    for name, m in cells(f, t):
        cols = []
        for tool in TOOLS:
            mark, note = m[keys[tool]]
            if note and mark != "yes":
                if note not in notes:
                    notes.append(note)
                mark += " [%d]" % (notes.index(note) + 1)
            cols.append(mark)
        lines.append("| %s | %s |" % (name, " | ".join(cols)))
    lines.append("")
    lines += ["- [%d] %s" % (i + 1, n) for i, n in enumerate(notes)]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "table.md"), "w") as w:
        w.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
