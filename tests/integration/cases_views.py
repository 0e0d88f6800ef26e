# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Integration tests of the views proctrace prints when tracing ends: the
process tree (--tree), the text timeline (-T) and the SVG (--svg), from
real workloads (the timeline and the SVG: cases_views_charts.py).

A tree is compared as text. Its pids are replaced by the role each process
has (from the workload's facts, or from the chain of ancestors the runner
reads in /proc while they run), lifetimes and zombie times are left out
(but where a test checks a lower bound), and what remains must equal the
tree the runner draws from those facts: the same nesting, names, groups,
origins and endings. The timeline and the SVG must then have one row per
line of that tree, in its order.
"""

import difflib
import os
import re
import signal

from harness import Check, Failure
from procs import Cleanup, Command, Held
from cases import true_path


# ---- the processes as the runner knows them ----

def proc_stat(pid):
    """pid, comm, ppid, pgid and sid of a live process from /proc."""
    try:
        with open("/proc/%s/stat" % pid, "rb") as f:
            stat = f.read().decode("utf-8", "replace")
    except OSError as e:
        raise Failure("reading /proc/%s/stat: %s" % (pid, e))
    comm = stat[stat.index("(") + 1:stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2:].split()
    return {"pid": str(pid), "comm": comm, "ppid": fields[1],
            "pgid": fields[2], "sid": fields[3]}


def proc_chain(pid):
    """pid and each of its ancestors up to the root (ppid 0), pid first."""
    chain = [proc_stat(pid)]
    while chain[-1]["ppid"] != "0":
        if len(chain) > 1000:
            raise Failure("no root above pid %s in /proc" % pid)
        chain.append(proc_stat(chain[-1]["ppid"]))
    return chain


class Node:
    """A process as the tree must show it. first_pgid/first_sid: its groups
    when it was born (or first seen), pgid/sid: at its end."""

    def __init__(self, role, pid, comm, pgid, sid, end, first_pgid=None,
                 first_sid=None, before=False, parent_was=None, progs=None,
                 context=False, started=False):
        self.role, self.pid, self.comm = role, str(pid), comm
        self.pgid, self.sid = str(pgid), str(sid)
        self.first_pgid = str(first_pgid or pgid)
        self.first_sid = str(first_sid or sid)
        self.end, self.before, self.parent_was = end, before, parent_was
        self.progs = progs
        # context: an ancestor outside the selection (folded); started:
        # the command proctrace started
        self.context, self.started = context, started
        self.children = []

    def add(self, *children):
        self.children.extend(children)
        return self


def ancestry_nodes(chain, names):
    """Nodes of processes that existed before tracing began and still run,
    from /proc stats (pid first, as proc_chain() gives them). The first ones
    are named by names, the rest UP1, UP2, ... Returns the root (linked down
    to the first of chain) and the node of the first of chain."""
    nodes = []
    for k, st in enumerate(chain):
        role = names[k] if k < len(names) else "UP%d" % (k - len(names) + 1)
        nodes.append(Node(role, st["pid"], st["comm"], st["pgid"], st["sid"],
                          "still running", before=True, context=True))
    for child, parent in zip(nodes, nodes[1:]):
        parent.add(child)
    return nodes[-1], nodes[0]


def context_pids(root):
    """The pids of the ancestors outside the selection under root."""
    folded, todo = set(), [root]
    while todo:
        n = todo.pop()
        if n.context:
            folded.add(n.pid)
        todo.extend(n.children)
    return folded


def roles_of(root):
    """pid -> role of every node under root."""
    roles, todo = {}, [root]
    while todo:
        n = todo.pop()
        roles[n.pid] = n.role
        todo.extend(n.children)
    return roles


# ---- the expected tree, drawn ----

GLYPHS = {"tee": "|- ", "elbow": "`- ", "pipe": "|  ", "blank": "   "}


def expected_tree(root):
    """The normalised tree (see normalise_tree) that root must give."""
    roles = roles_of(root)
    lines = []

    def name(pid):
        return roles.get(pid, pid)

    def groups(n, parent):
        pg_moved, sid_moved = n.first_pgid != n.pgid, n.first_sid != n.sid
        show_pg = parent is None or n.pgid != parent.pgid or pg_moved
        show_sid = parent is None or n.sid != parent.sid or sid_moved
        parts = []
        if show_pg:
            parts.append("pgid " + ("%s->" % name(n.first_pgid)
                                    if pg_moved else "") + name(n.pgid))
        if show_sid:
            parts.append("sid " + ("%s->" % name(n.first_sid)
                                   if sid_moved else "") + name(n.sid))
        return " [%s]" % ", ".join(parts) if parts else ""

    def draw(n, parent, lead, last, top=False):
        head = n.role + " " + n.comm
        if n.started:
            head += " [started by proctrace]"
        elif n.before:
            head += " [before trace]"
        if n.parent_was:
            head += " [reparented, parent was %s (%s)]" % n.parent_was
        line = head + groups(n, parent) + "  " + n.end
        if n.progs:
            line += "  " + n.progs
        connector = "" if parent is None or top else GLYPHS[
            "elbow" if last else "tee"]
        lines.append(lead + connector + line)
        below = "" if parent is None or top else lead + GLYPHS[
            "blank" if last else "pipe"]
        for k, c in enumerate(n.children):
            draw(c, n, below, k == len(n.children) - 1)

    # Ancestors outside the selection: one line, the rows under them at
    # the top.
    chain = [root] if root.context else []
    while chain and len(chain[-1].children) == 1 and \
            chain[-1].children[0].context:
        chain.append(chain[-1].children[0])
    if not chain:
        draw(root, None, "", True)
        return lines
    text = "FOLD ... %d ancestor%s: %s" % (len(chain), "s" if len(chain) > 1
                                          else "", chain[0].comm)
    if len(chain) > 2:
        text += " > ..."
    if len(chain) > 1:
        text += " > " + chain[-1].comm
    lines.append(text)
    for c in chain[-1].children:
        draw(c, chain[-1], "", True, top=True)
    return lines


# ---- the printed tree, normalised ----

TREE_LINE = {
    True: re.compile(r"^((?:\|  |   )*(?:\|- |`- )|)(\d+) (.*)$"),
    False: re.compile(r"^((?:│  |   )*(?:├─ |└─ )|)(\d+) (.*)$"),
}
# Box-drawing glyphs of the tree's prefix, as --ascii draws them.
TO_ASCII = (("├─ ", "|- "), ("└─ ", "`- "), ("│  ", "|  "))
# Characters of a tree line's text that only the UTF-8 form uses.
TEXT_TO_ASCII = (("→", "->"), ("–", "-"), ("µs", "us"), ("…", "..."))
LIFE = re.compile(r"^(?:(?:before|-?\d+\.\d{3})-(?:\d+\.\d{3}s|\?)"
                  r"|from -?\d+\.\d{3}s)$")
# Ancestors outside the selection, folded: "… 6 ancestors: a > … > b".
FOLD_LINE = re.compile(r"^(?:…|\.\.\.) \d+ ancestors?: .*$")
REAPED_AFTER = re.compile(r", reaped after ([^,]+)$")
DURATION = re.compile(r"^(\d+)(?:\.(\d\d))? (ns|us|ms|s)$"
                      r"|^(\d+)m(\d\d)s$|^(\d+)h(\d\d)m$")
UNIT_NS = {"ns": 1, "us": 1000, "ms": 1000000, "s": 1000000000}
FACT_LINE = re.compile(r"^[a-z][a-z0-9_]*=")


def parse_duration(text):
    """A duration as the views write it, in ns (None if not one)."""
    m = DURATION.match(text)
    if not m:
        return None
    if m.group(3):
        ns = int(m.group(1)) * UNIT_NS[m.group(3)]
        return ns + int(m.group(2) or 0) * UNIT_NS[m.group(3)] // 100
    if m.group(4):
        return (int(m.group(4)) * 60 + int(m.group(5))) * 1000000000
    return (int(m.group(6)) * 60 + int(m.group(7))) * 60000000000


def split_views(out):
    """proctrace's stdout in command mode: the command's facts (which come
    first: it has ended before the views are printed), then the views."""
    lines = out.splitlines()
    n = 0
    while n < len(lines) and FACT_LINE.match(lines[n]):
        n += 1
    return lines[:n], lines[n:]


def tree_part(lines, ascii=True):
    """The tree: the leading lines of a tree's shape. Returns them parsed
    as (prefix, pid, text) and the lines after them."""
    parsed = []
    for line in lines:
        m = TREE_LINE[ascii].match(line)
        if not m and FOLD_LINE.match(line):
            parsed.append(("", "FOLD", line))
            continue
        if not m:
            break
        parsed.append(m.groups())
    return parsed, lines[len(parsed):]


def tree_depth(prefix):
    return len(prefix) // 3


def name_pids(text, roles):
    """Pids where a tree line names them replaced by their roles: in the
    group annotations, the original parent, a sender or reaper."""
    def role(m):
        return roles.get(m.group(0), m.group(0))

    text = re.sub(r"\[(?:pgid|sid) [^\]]*\]",
                  lambda m: re.sub(r"\d+", role, m.group(0)), text)
    # an exit's cause names its actor as comm(pid)
    text = re.sub(r"\b(from [^ (]+\()(\d+)\)",
                  lambda m: "%s%s)" % (m.group(1),
                                       roles.get(m.group(2), m.group(2))),
                  text)
    return re.sub(r"\b(parent was |from |by |adopter |parent )(\d+)",
                  lambda m: m.group(1) + roles.get(m.group(2), m.group(2)),
                  text)


def is_cut_of(got, full):
    """got is full, or full cut to its column with the ASCII ellipsis."""
    return got == full or (got.endswith("...") and len(got) > 3
                           and full.startswith(got[:-3]))


def normalise_tree(parsed, roles, progs, zombies, ascii=True):
    """The tree's lines with pids named, the lifetime (times of birth and
    end) dropped, a "reaped after" time kept only for the roles in zombies
    and as ">= 300 ms" when it is, and a command line cut to the width
    restored when it is a cut of the expected progs[role]."""
    out = []
    for prefix, pid, text in parsed:
        if pid == "FOLD":
            out.append("FOLD " + text.replace("…", "..."))
            continue
        role = roles.get(pid, pid)
        if not ascii:
            for utf8, plain in TO_ASCII:
                prefix = prefix.replace(utf8, plain)
            for utf8, plain in TEXT_TO_ASCII:
                text = text.replace(utf8, plain)
        fields = text.split("  ")
        head, rest = fields[0], fields[1:]
        if rest and LIFE.match(rest[0]):
            rest = rest[1:]
        end = rest[0] if rest else ""
        ran = "  ".join(rest[1:])
        m = REAPED_AFTER.search(end)
        if m:
            ns = parse_duration(m.group(1))
            if role not in zombies:
                end = end[:m.start()]
            elif ns is not None and ns >= zombies[role]:
                end = end[:m.start()] + ", reaped after >= %d ms" % (
                    zombies[role] // 1000000)
        if role in progs and is_cut_of(ran, progs[role]):
            ran = progs[role]
        line = "%s%s %s  %s" % (prefix, role, name_pids(head, roles),
                                name_pids(end, roles))
        out.append(line + ("  " + ran if ran else ""))
    return out


def check_tree(ck, parsed, root, what, zombies=None, ascii=True):
    """The printed tree is root's, up to the normalisation."""
    roles = roles_of(root)
    progs, todo = {}, [root]
    while todo:
        n = todo.pop()
        if n.progs:
            progs[n.role] = n.progs
        todo.extend(n.children)
    want = expected_tree(root)
    got = normalise_tree(parsed, roles, progs, zombies or {}, ascii)
    if got != want:
        diff = difflib.unified_diff(want, got, "expected", "printed",
                                    lineterm="", n=99)
        ck.fail("%s: the tree differs (pids named by role):\n    %s"
                % (what, "\n    ".join(diff)))


# ---- workloads as commands ----

def command_chain(cmd):
    """The ancestry of a command: its tracer, this runner and the runner's
    ancestors, read while the tracer runs. Returns (root, tracer node)."""
    chain = proc_chain(cmd.tracer_pid)
    if chain[1]["pid"] != str(os.getpid()):
        raise Failure("the tracer's parent is %s, not this runner"
                      % chain[1]["pid"])
    return ancestry_nodes(chain, ["TRACER", "RUNNER"])


def run_command(env, name, workload, args, opts):
    """proctrace -q OPTS -- WORKLOAD ARGS to its end, exit status 0.
    Returns the workload's facts, the views' lines and the root and tracer
    nodes of the ancestry the command had."""
    path = env.workload(workload)
    with Cleanup() as cl:
        cmd = cl.add(Command(env, name, [path] + list(args), opts))
        root, tracer = command_chain(cmd)
        cap, out = cmd.finish(0)
    fact_lines, views = split_views(out)
    facts = dict(l.split("=", 1) for l in fact_lines)
    lost = cap.summary()[2]
    if lost:
        raise Failure("%d events lost: the views cannot be whole" % lost)
    for key, want in (("parent_pid", cmd.pid), ("top_pid", cmd.pid),
                      ("parent_ppid", cmd.tracer_pid)):
        if key in facts and facts[key] != want:
            raise Failure("workload's own %s is %s, expected %s"
                          % (key, facts[key], want))
    # the command line as the tree writes it (plain words need no quotes)
    return facts, views, root, tracer, " ".join([path] + list(args))


def end_of(f, prefix, killer=None):
    """How the tree must say prefix ended, from its wait status facts."""
    if f.get(prefix + "_exited") == "1":
        return "exit " + f[prefix + "_exit_code"]
    sig = signal.Signals(int(f[prefix + "_termsig"])).name
    # the cause in words: killer is (role, comm) of the sender
    return "killed by " + sig + (" from %s(%s)" % (killer[1], killer[0])
                                 if killer else "")


def demo_nodes(f, comm, progs):
    """The demo's processes: P forks A and B; A forks G (in its own group
    unless --no-setpgid); B is a zombie for b_zombie_ms."""
    pg, sid = f["parent_pgid"], f["parent_sid"]
    p = Node("P", f["parent_pid"], comm, pg, sid, "exit 0", started=True,
             progs=progs)
    a = Node("A", f["a_pid"], comm, f["a_pgid"], sid, end_of(f, "a"),
             first_pgid=pg)
    g = Node("G", f["g_pid"], comm, f["g_pgid"], sid, end_of(f, "g"))
    b = Node("B", f["b_pid"], comm, pg, sid, end_of(f, "b") +
             ", reaped after >= %d ms" % int(f["b_zombie_ms"]))
    return p.add(a.add(g), b)


def demo_zombies(f):
    return {"B": int(f["b_zombie_ms"]) * 1000000}


def check_demo_facts(ck, f, own_group):
    ck.eq("workload's own view of A's group", f["a_pgid"],
          f["a_pid"] if own_group else f["parent_pgid"])
    ck.eq("workload's own view of G's parent", f["g_ppid"], f["a_pid"])
    ck.eq("workload's own view of G's group", f["g_pgid"], f["a_pgid"])
    ck.eq("workload's own stop and continue of A",
          (f["a_stopped"], f["a_continued"]), ("1", "1"))


# ---- 1. the demo's tree ----

def demo_tree(env, name, args):
    f, views, root, tracer, argv = run_command(
        env, name, "demo", args, ["--tree", "--ascii"])
    ck = Check()
    check_demo_facts(ck, f, not args)
    tracer.add(demo_nodes(f, "demo", argv))
    parsed, rest = tree_part(views)
    check_tree(ck, parsed, root, "demo " + " ".join(args),
               demo_zombies(f))
    ck.eq("output after the tree", rest, [])
    ck.raise_if_failed()


def test_view_demo_tree(env):
    demo_tree(env, "view-demo", [])


def test_view_demo_tree_no_setpgid(env):
    demo_tree(env, "view-demo-no-setpgid", ["--no-setpgid"])


# ---- 2. an orphan under the subreaper that adopted it ----

def test_view_orphan_tree(env):
    """orphan: top (a child subreaper) -> mid -> orphan; mid exits first,
    so orphan ends as top's child, and the tree says mid was its parent."""
    f, views, root, tracer, argv = run_command(
        env, "view-orphan", "orphan", [], ["--tree", "--ascii"])
    ck = Check()
    top, mid, orphan = f["top_pid"], f["mid_pid"], f["orphan_pid"]
    ck.eq("workload's own view of the orphan's parent at exit",
          f["orphan_ppid_at_exit"], top)
    ck.eq("workload's own reaped pid", f["top_reaped_pid"], orphan)
    pg, sid = tracer.pgid, tracer.sid  # a command stays in proctrace's
    tracer.add(Node("TOP", top, "orphan", pg, sid, "exit 0", started=True,
                    progs=argv).add(
        Node("MID", mid, "orphan", pg, sid, end_of(f, "mid")),
        # the orphan ends with _exit(0), which no fact reports
        Node("ORPHAN", orphan, "orphan", pg, sid, "exit 0",
             parent_was=("MID", "orphan"))))
    parsed, rest = tree_part(views)
    check_tree(ck, parsed, root, "orphan")
    ck.eq("output after the tree", rest, [])
    ck.raise_if_failed()


# ---- 3. a child killed by its parent ----

def test_view_sigkill_tree(env):
    """kill_child: the child's line says SIGKILL and who sent it."""
    f, views, root, tracer, argv = run_command(
        env, "view-sigkill", "kill_child", [], ["--tree", "--ascii"])
    ck = Check()
    p, c = f["parent_pid"], f["child_pid"]
    ck.eq("workload's own view of the child's end",
          (f["child_exited"], f["child_termsig"]),
          ("0", str(int(signal.SIGKILL))))
    pg, sid = tracer.pgid, tracer.sid
    tracer.add(Node("P", p, "kill_child", pg, sid, "exit 0", started=True,
                    progs=argv).add(
        Node("C", c, "kill_child", pg, sid,
             end_of(f, "child", killer=("P", "kill_child")))))
    parsed, rest = tree_part(views)
    check_tree(ck, parsed, root, "kill_child")
    ck.eq("output after the tree", rest, [])
    ck.raise_if_failed()


# ---- 6. -p: a process where it sits ----

def test_view_pid_ancestors(env):
    """-p ROOT --tree on scatter held: the tree has ROOT under its real
    ancestors up to the root, as /proc gives them while it is held, and
    all ROOT's processes, the orphan and the daemon under ROOT (their
    subreaper), each naming its parent at birth."""
    prog = true_path()
    out_path = os.path.join(env.tmp, "view-pid.out")
    with Cleanup() as cl, open(out_path, "w+") as out:
        wl = cl.add(Held(env.workload("scatter"), [prog]))
        root_pid = wl.fact("root_pid")
        chain = proc_chain(root_pid)
        tracer = cl.add(env.tracer("view-pid", ["-p", root_pid, "--tree",
                                                "--ascii"]))
        tracer.start(stdout=out)
        wl.go()
        f = wl.finish()
        tracer.stop()
        out.seek(0)
        views = out.read().splitlines()
    ck = Check()
    ck.eq("ROOT's parent in /proc", chain[1]["pid"], str(os.getpid()))
    mid, orphan, d1, daemon = (f["mid_pid"], f["orphan_pid"], f["d1_pid"],
                               f["daemon_pid"])
    ck.eq("workload: the root reaped", sorted([f["reaped_1"], f["reaped_2"]]),
          sorted([orphan, daemon]))
    ck.eq("workload: daemon's session", f["daemon_sid_at_exec"], d1)
    top, held = ancestry_nodes(chain, ["ROOT", "RUNNER"])
    pg, sid = held.pgid, held.sid
    held.end, held.before, held.context = "exit 0", True, False
    held.add(
        Node("MID", mid, "scatter", pg, sid, end_of(f, "mid")).add(
            Node("D1", d1, "scatter", d1, f["d1_sid"], end_of(f, "d1"),
                 first_pgid=pg, first_sid=sid)),
        # the root requires both to exit 0 (else the workload is broken)
        Node("ORPHAN", orphan, "true", pg, sid, "exit 0",
             parent_was=("MID", "scatter"), progs=prog + " orphan"),
        Node("DAEMON", daemon, "true", d1, d1, "exit 0",
             parent_was=("D1", "scatter"), progs=prog + " daemon"))
    parsed, rest = tree_part(views)
    check_tree(ck, parsed, top, "-p ROOT")
    ck.eq("output after the tree", rest, [])
    ck.eq("/proc: the root of ROOT's ancestry", chain[-1]["pid"], "1")
    # pid 1 first in the folded line of ROOT's ancestors (the middle ones
    # elided when there are more than two: the runner's own ancestry)
    n = len(chain) - 1
    names = [chain[-1]["comm"]] + (["..."] if n > 2 else []) + (
        [chain[1]["comm"]] if n > 1 else [])
    ck.eq("-p ROOT: the top of the tree", parsed[0][1:] if parsed else None,
          ("FOLD", "... %d ancestor%s: %s" % (n, "s" if n > 1 else "", " > ".join(names))))
    ck.raise_if_failed()


TESTS = [test_view_demo_tree, test_view_demo_tree_no_setpgid,
    test_view_orphan_tree, test_view_sigkill_tree, test_view_pid_ancestors]
