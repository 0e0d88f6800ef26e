# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The charts of the views: the text timeline (-T) of the demo and of a
stopped process, its rows in the tree's order and its transitions, and the
SVG (--svg), read as XML."""

import os
import re
import subprocess
import xml.etree.ElementTree as ET

from harness import Check, Failure, WORKLOAD_TIMEOUT
from cases_views import (FOLD_LINE, check_demo_facts, check_tree,
                         context_pids, demo_nodes, demo_zombies, end_of,
                         expected_tree, name_pids, Node, parse_duration,
                         roles_of, run_command, tree_depth, tree_part)


# ---- 4. the text timeline ----

TIMELINE_ROW = re.compile(r"^( *)(\d+) ([^|]*?) *\|([ =\-z*!]*)\|$")
ASCII_CELLS = {"alive": "=", "stopped": "-", "zombie": "z"}
TRANSITIONS = "Transitions, in seconds from the first event:"
TRANSITION = re.compile(r"^ +-?\d+\.\d{6}  (\S+) +(.*)$")


def timeline_rows(lines, ck, what):
    """The chart rows of an ASCII timeline as (indent, pid, chart), and the
    lines after its legend."""
    heads = [k for k, l in enumerate(lines) if l.startswith("PID COMMAND")]
    legend = [k for k, l in enumerate(lines) if l.startswith("= alive  ")]
    if not heads or not legend or legend[0] < heads[0]:
        ck.fail("%s: no axis and legend in the timeline: %r"
                % (what, lines[:3]))
        return [], []
    rows = []
    for line in lines[heads[0] + 1:legend[0]]:
        if FOLD_LINE.match(line):
            continue
        m = TIMELINE_ROW.match(line)
        if not ck.true(m, "%s: not a timeline row: %r" % (what, line)):
            continue
        rows.append((len(m.group(1)), m.group(2), m.group(4)))
    return rows, lines[legend[0] + 1:]


def check_rows_follow_tree(ck, rows, parsed, what):
    """One row per tree line, same pids in the same order, indented by
    depth (at most 10)."""
    parsed = [p for p in parsed if p[1] != "FOLD"]
    ck.eq("%s: pids of the rows, in order" % what, [r[1] for r in rows],
          [p[1] for p in parsed])
    ck.eq("%s: indent of the rows" % what, [r[0] for r in rows],
          [min(tree_depth(p[0]), 10) for p in parsed])


def transitions(lines, roles):
    """The verbose part: pid -> [(kind, detail with pids named)]."""
    if TRANSITIONS not in lines:
        return {}
    out, pid = {}, None
    for line in lines[lines.index(TRANSITIONS) + 1:]:
        m = TRANSITION.match(line)
        if m and pid:
            out[pid].append((m.group(1), name_pids(m.group(2), roles)))
        elif re.match(r"^\d+ ", line):
            pid = line.split()[0]
            out[pid] = []
    return out


def test_view_demo_timeline(env):
    """-T --ascii -v on the demo: a row per process of the tree, in its
    order; B's row shows it a zombie; the exact transitions have A's stop
    and continue by P and B's reap by P after its zombie time."""
    f, views, root, tracer, argv = run_command(
        env, "view-timeline", "demo", [], ["--tree", "-T", "--ascii", "-v"])
    ck = Check()
    check_demo_facts(ck, f, True)
    tracer.add(demo_nodes(f, "demo", argv))
    roles = roles_of(root)
    parsed, rest = tree_part(views)
    check_tree(ck, parsed, root, "demo (with -T)", demo_zombies(f))
    rows, after = timeline_rows(rest, ck, "timeline")
    check_rows_follow_tree(ck, rows, parsed, "timeline")
    # the ancestors folded into one line, as in the tree
    ck.eq("timeline: rows", len(rows), len(roles) - len(context_pids(root)))
    ck.eq("timeline: the folded line", [l for l in rest if FOLD_LINE.match(l)],
          [l[len("FOLD "):] for l in expected_tree(root)
           if l.startswith("FOLD ")])
    chart = {pid: cells for _, pid, cells in rows}
    b, a = f["b_pid"], f["a_pid"]
    ck.true(ASCII_CELLS["zombie"] in chart.get(b, ""),
            "timeline: B's row %r has no zombie cell %r"
            % (chart.get(b), ASCII_CELLS["zombie"]))
    for who in ("P",):
        pid = [k for k, v in roles.items() if v == who][0]
        ck.true(ASCII_CELLS["stopped"] not in chart.get(pid, "-"),
                "timeline: %s's row %r has a stopped cell"
                % (who, chart.get(pid)))

    moves = transitions(after, roles)
    ck.eq("transitions: processes", sorted(moves, key=int),
          sorted(roles, key=int))
    states = [(k, d) for k, d in moves.get(a, []) if k != "signal"]
    ck.eq("transitions of A other than signals", [k for k, _ in states],
          ["fork", "setpgid", "stop", "continue", "exit", "reap"])
    ck.eq("A's stop, continue and reap", [d for k, d in states
                                          if k in ("stop", "continue")],
          ["SIGSTOP from P (demo)", "SIGCONT from P (demo)"])
    b_moves = moves.get(b, [])
    ck.eq("transitions of B", [k for k, _ in b_moves],
          ["fork", "exit", "reap"])
    if b_moves and b_moves[-1][0] == "reap":
        m = re.match(r"^by P \(demo\), zombie (.+)$", b_moves[-1][1])
        ns = parse_duration(m.group(1)) if m else None
        ck.true(ns is not None and ns >= demo_zombies(f)["B"],
                "B's reap: expected 'by P (demo), zombie' >= %d ms, got %r"
                % (int(f["b_zombie_ms"]), b_moves[-1][1]))
    ck.raise_if_failed()


def test_view_stopped_timeline(env):
    """stop_cont 300: a child stopped for child_stopped_ms shows the stopped
    cell in its row; its parent's row has none."""
    f, views, root, tracer, argv = run_command(
        env, "view-stopped", "stop_cont", ["300"], ["--tree", "-T", "--ascii"])
    ck = Check()
    p, c = f["parent_pid"], f["child_pid"]
    ck.eq("workload's own continue", f["child_continued"], "1")
    pg, sid = tracer.pgid, tracer.sid
    tracer.add(Node("P", p, "stop_cont", pg, sid, "exit 0", started=True,
                    progs=argv).add(
        Node("C", c, "stop_cont", pg, sid, end_of(f, "child"))))
    parsed, rest = tree_part(views)
    check_tree(ck, parsed, root, "stop_cont 300")
    rows, after = timeline_rows(rest, ck, "timeline")
    check_rows_follow_tree(ck, rows, parsed, "timeline")
    ck.eq("output after the timeline's legend", after, [])
    chart = {pid: cells for _, pid, cells in rows}
    ck.true(ASCII_CELLS["stopped"] in chart.get(c, ""),
            "timeline: the child's row %r has no stopped cell %r (stopped "
            "for %s ms)" % (chart.get(c), ASCII_CELLS["stopped"],
                            f["child_stopped_ms"]))
    ck.true(ASCII_CELLS["stopped"] not in chart.get(p, "-"),
            "timeline: the parent's row %r has a stopped cell"
            % chart.get(p))
    ck.raise_if_failed()


# ---- 5. the SVG ----

SVG_NS = "{http://www.w3.org/2000/svg}"


def test_view_demo_svg(env):
    """--svg on the demo (with the UTF-8 tree beside it): valid XML, one
    row group per line of the tree in its order, labelled with its pid and
    name; A's row has a stopped bar, B's a zombie bar."""
    svg = os.path.join(env.tmp, "view-demo.svg")
    f, views, root, tracer, argv = run_command(
        env, "view-svg", "demo", [], ["--tree", "--svg", svg])
    ck = Check()
    check_demo_facts(ck, f, True)
    tracer.add(demo_nodes(f, "demo", argv))
    parsed, rest = tree_part(views, ascii=False)
    check_tree(ck, parsed, root, "demo (UTF-8)", demo_zombies(f),
               ascii=False)
    ck.eq("output after the tree", rest, [])
    try:
        lint = subprocess.run(["xmllint", "--noout", svg],
                              capture_output=True, text=True,
                              timeout=WORKLOAD_TIMEOUT)
    except FileNotFoundError:
        raise Failure("xmllint not found (Debian: libxml2-utils)")
    ck.eq("xmllint --noout %s (stderr %r)" % (svg, lint.stderr[-300:]),
          lint.returncode, 0)
    try:
        doc = ET.parse(svg).getroot()
    except ET.ParseError as e:
        raise Failure("the SVG does not parse: %s" % e)
    # The SVG folds the ancestors the text folds, into the same line, in
    # the same place: no row of theirs.
    folded = context_pids(root)
    ck.eq("SVG: the folded ancestors' lines, in order among the rows",
          [(g.find(SVG_NS + "text").text if g.get("class") == "ancestors"
            else "row") for g in doc.iter(SVG_NS + "g")
           if g.get("class") in ("row", "ancestors")],
          [text if pid == "FOLD" else "row" for _, pid, text in parsed])
    parsed = [p for p in parsed if p[1] != "FOLD"]
    rows = [g for g in doc.iter(SVG_NS + "g") if g.get("class") == "row"]
    ck.eq("SVG: rows of the folded ancestors",
          [g.get("id") for g in rows
           if re.sub(r"^p(\d+)-\d+$", r"\1", g.get("id", "")) in folded], [])
    labels = []
    for g in rows:
        text = g.find(SVG_NS + "text")
        labels.append(text.text if text is not None else None)
    # a label is cut to its column, with an ellipsis, in a deep tree
    want = ["%s %s" % (pid, text.split(" [")[0].split("  ")[0])
            for _, pid, text in parsed]
    ck.eq("SVG: row labels, in order",
          [w if l and (l == w or (l.endswith("…") and w.startswith(l[:-1])))
           else l for l, w in zip(labels, want)] + labels[len(want):], want)
    ck.eq("SVG: pids in the row ids",
          [re.sub(r"^p(\d+)-\d+$", r"\1", g.get("id", "")) for g in rows],
          [pid for _, pid, _ in parsed])
    counts = [m.group(1) for m in (re.match(r"^(\d+) processes over ",
                                            t.text or "")
                                   for t in doc.findall(SVG_NS + "text"))
              if m]
    ck.eq("SVG: the count in its heading", counts,
          [str(len(parsed))])  # the rows drawn; folded ancestors are not counted

    def bar_classes(pid):
        for g in rows:
            if g.get("id", "").startswith("p%s-" % pid):
                return {r.get("class") for r in g.iter(SVG_NS + "rect")}
        return set()

    ck.true("stopped" in bar_classes(f["a_pid"]),
            "SVG: A's row has no stopped bar: %s" % bar_classes(f["a_pid"]))
    ck.true("zombie" in bar_classes(f["b_pid"]),
            "SVG: B's row has no zombie bar: %s" % bar_classes(f["b_pid"]))
    ck.true("stopped" not in bar_classes(f["b_pid"]),
            "SVG: B's row has a stopped bar")
    ck.raise_if_failed()


TESTS = [test_view_demo_timeline, test_view_stopped_timeline,
    test_view_demo_svg]
