# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The text views' width, as ps chooses it: nothing cut when the output is
not a terminal, the width COLUMNS says when it is set."""

import re
import subprocess

from harness import Check, Failure
from procs import plain_environ

# A program with a command line longer than any terminal.
LONG = ["/bin/true"] + ["--option-number-%02d=/a/long/path/value" % i
                        for i in range(12)]


def views(env, environ, which=("--tree", "--timeline")):
    """The views (--tree and --timeline) of LONG run as the command, on a
    pipe."""
    p = subprocess.run([env.proctrace, "-q"] + list(which) + ["--"] +
                       LONG, capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL, env=environ)
    if p.returncode != 0:
        raise Failure("proctrace exited %d: %s" % (p.returncode, p.stderr))
    return p.stdout.splitlines()


def test_text_views_not_cut_when_piped(env):
    """On a pipe, with COLUMNS unset: the tree's line of the command holds
    its whole command line, on one line, far past 100 columns."""
    environ = plain_environ()
    environ.pop("COLUMNS", None)
    lines = views(env, environ)
    ck = Check()
    whole = " ".join(LONG)
    ck.eq("tree lines with the whole command line",
          len([l for l in lines if l.endswith(whole)]), 1)
    # The ancestors' fold ("… 7 ancestors: a > … > b") elides by design.
    shown = [l for l in lines if not re.search(r"… \d+ ancestors?: ", l)]
    ck.true(all("…" not in l and "..." not in l for l in shown),
            "a line was cut: %r" % [l for l in shown if "…" in l][:2])
    ck.raise_if_failed()


def test_text_views_fit_columns(env):
    """COLUMNS=80 on a pipe: the timeline's lines fit 80 columns, and the
    tree's command line is cut with an ellipsis (to no fewer than 16
    columns: a deep line may still pass 80)."""
    lines = views(env, dict(plain_environ(), COLUMNS="80"))
    ck = Check()
    chart = [l for l in lines if "│" in l or "┬" in l or "┴" in l]
    ck.true(chart, "no timeline rows")
    ck.eq("timeline lines wider than 80 columns",
          [l for l in chart if len(l) > 80], [])
    cut = [l for l in lines if "/bin/true --opt" in l]
    ck.true(len(cut) == 1 and cut[0].endswith("…")
            and " ".join(LONG) not in cut[0],
            "the command line not cut at 80 columns: %r" % cut)
    ck.raise_if_failed()


def test_text_timeline_fits_30_columns(env):
    """COLUMNS=30, the narrowest width the views fit: every line of the
    timeline fits, the folded ancestors' and the legend's too (wrapped
    between its items), and the legend names every state it draws."""
    lines = views(env, dict(plain_environ(), COLUMNS="30"), ["--timeline"])
    ck = Check()
    ck.true(any("│" in l for l in lines), "no timeline rows: %r" % lines)
    ck.eq("lines wider than 30 columns", [l for l in lines if len(l) > 30], [])
    text = "\n".join(lines)
    for item in ("█ alive", "▒ stopped", "░ zombie", "◆ exec", "! signal"):
        ck.true(item in text, "%r not in the legend:\n%s" % (item, text))
    ck.true(re.search(r"^\(1 column = [^)\n]+\)$", text, re.M),
            "the legend's scale not on a line of its own:\n%s" % text)
    ck.raise_if_failed()


TESTS = [test_text_views_not_cut_when_piped, test_text_views_fit_columns,
         test_text_timeline_fits_30_columns]
