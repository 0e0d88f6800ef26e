#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Every relative link of the Markdown documentation leads somewhere: the
file exists, and an anchor (#...) is a heading of that file, named as GitHub
names it. usage: check_links.py FILE.md... Every broken link is listed."""

import os
import re
import sys

LINK = re.compile(r"\]\(([^)\s]+)\)")


def lines_outside_fences(text):
    fenced = False
    for line in text.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            yield line


def anchors(path):
    """GitHub's heading ids: lower case, punctuation dropped, spaces to '-',
    a repeated id numbered -1, -2..."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    seen, out = {}, set()
    for line in lines_outside_fences(text):
        m = re.match(r"#{1,6} (.*)", line)
        if not m:
            continue
        slug = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else "%s-%d" % (slug, n))
    return out


def main(paths):
    problems, count = [], 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for n, line in enumerate(text.split("\n"), 1):
            for target in LINK.findall(line):
                if re.match(r"[a-z]+:", target):
                    continue
                count += 1
                name, _, anchor = target.partition("#")
                dest = os.path.normpath(os.path.join(os.path.dirname(path), name)) if name else path
                if not os.path.exists(dest):
                    problems.append("%s:%d: link %s: no file %s" % (path, n, target, dest))
                elif anchor and dest.endswith(".md") and anchor not in anchors(dest):
                    problems.append("%s:%d: link %s: no heading #%s in %s" % (path, n, target, anchor, dest))
    for p in problems:
        print(p, file=sys.stderr)
    print("links-check: %d relative links in %d files: %d broken" % (count, len(paths), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
