#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The documentation follows the program's options.

usage: check_options.py PROCTRACE MANPAGE.md README.md

- every option that `proctrace --help` names has an entry under OPTIONS in
  the man page source (a line starting with `**`) and a row in a README
  table (its first cell);
- every event kind (the `event` column of `proctrace --columns`) has an
  entry under EVENTS in the man page and a row in a README table;
- every word --help lists for an option's value (`--time abs|rel|iso|us`,
  `--list events|signals|...`: made from the program's one table of
  lists), and every word of `proctrace --list colors` (--color's), is
  named in that option's entry of the man page and its README row;
- every example command (a line of a fenced code block that starts with
  `proctrace` or `sudo proctrace`, in the README and the man page, and the
  examples of --help) still parses: `proctrace --dry-run ARGS` exits 0.

Every problem is listed, one line each, saying what is missing where.
"""

import re
import shlex
import subprocess
import sys

# "-o, --csv FILE", "--threads", "-d SECS": the option words of --help.
OPTION = re.compile(r"(?<![\w\[-])(--?[A-Za-z][A-Za-z0-9-]*)")


# "--time abs|rel|iso|us": an option and the words of its value.
LISTED = re.compile(r"(?<![\w-])(--?[A-Za-z][A-Za-z0-9-]*) ([a-z]+(?:\|[a-z]+)+)")


def help_text(proctrace):
    return subprocess.run([proctrace, "--help"], stdout=subprocess.PIPE,
                          check=True, universal_newlines=True).stdout


def listed_words(proctrace):
    """{option: [word, ...]}: the words --help lists for option values,
    and --color's from --list colors (--help names them WHEN)."""
    words = {opt: ws.split("|") for opt, ws in LISTED.findall(help_text(proctrace))}
    words["--color"] = subprocess.run(
        [proctrace, "--list", "colors"], stdout=subprocess.PIPE, check=True,
        universal_newlines=True).stdout.split()
    return words


def man_entry(path, opt):
    """The man page source's entry of opt under OPTIONS (its term line and
    meaning), unescaped; "" when it has none."""
    with open(path, encoding="utf-8") as f:
        m = re.search(r"^# OPTIONS\n(.*?)^# ", f.read(), re.S | re.M)
    lines = m.group(1).replace("\\", "").split("\n") if m else []
    for i, line in enumerate(lines):
        if line.startswith("**") and mentions(opt, line):
            end = i + 1
            while end < len(lines) and not lines[end].startswith(("**", "#")):
                end += 1
            return "\n".join(lines[i:end])
    return ""


def readme_row(path, opt):
    """The README table row whose first cell names opt ("" when none)."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("|") and line.count("|") > 2 and \
                    mentions(opt, line.split("|")[1]):
                return line
    return ""


def help_options(proctrace):
    text = help_text(proctrace)
    body, _, examples = text.partition("\nExamples:\n")
    # The usage line names no option ("[--]" is not one).
    body = body.split("\n", 1)[1]
    found = []
    for opt in OPTION.findall(body):
        if opt not in found:
            found.append(opt)
    commands = [line.strip().split("  ")[0] for line in examples.splitlines()
                if line.strip()]
    return found, commands


def event_kinds(proctrace):
    text = subprocess.run([proctrace, "--columns"], stdout=subprocess.PIPE,
                          check=True, universal_newlines=True).stdout
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 5 and cells[1] == "`event`":
            return cells[5].split()
    return []


def mentions(opt, text):
    """opt as a whole word of text (after the man source's escapes)."""
    return re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(opt), text)


def man_terms(path, section="OPTIONS"):
    """The definition terms under '# SECTION', unescaped."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^# %s\n(.*?)^# " % section, text, re.S | re.M)
    if not m:
        return None
    return "\n".join(line.replace("\\", "") for line in m.group(1).splitlines()
                     if line.startswith("**"))


def readme_cells(path):
    """The first cell of every table row."""
    with open(path, encoding="utf-8") as f:
        return "\n".join(line.split("|")[1] for line in f
                         if line.startswith("|") and line.count("|") > 2)


def example_commands(path):
    """(line number, command) for each example in a fenced block, with
    backslash continuations joined."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    out, fenced, i = [], False, 0
    while i < len(lines):
        line = lines[i]
        start = i + 1
        if line.startswith("```"):
            fenced = not fenced
        elif fenced and re.match(r"(sudo )?proctrace( |$)", line):
            while line.endswith("\\") and i + 1 < len(lines):
                i += 1
                line = line[:-1] + " " + lines[i].strip()
            out.append((start, line))
        i += 1
    return out


def argv_of(command):
    """proctrace's arguments in a shell line: up to the first pipe,
    redirection, list operator or comment; without sudo."""
    lex = shlex.shlex(command, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    words = []
    for tok in lex:
        if tok and all(c in "();<>|&" for c in tok):
            break
        words.append(tok)
    if words and words[0] == "sudo":
        words = words[1:]
    return words[1:]


def main(argv):
    proctrace, manpage, readme = argv[1:4]
    problems = []
    options, help_examples = help_options(proctrace)
    if not options:
        problems.append("%s --help: no option found" % proctrace)

    terms = man_terms(manpage)
    if terms is None:
        problems.append("%s: no '# OPTIONS' section" % manpage)
    cells = readme_cells(readme)
    for opt in options:
        if terms is not None and not mentions(opt, terms):
            problems.append("option %s (from proctrace --help) has no entry "
                            "in %s under OPTIONS: add a '**%s** ...' term "
                            "and its meaning" % (opt, manpage,
                                                 opt.replace("-", "\\-")))
        if not mentions(opt, cells):
            problems.append("option %s (from proctrace --help) is not in "
                            "the options table of %s: add a row '| `%s ...` "
                            "| meaning |'" % (opt, readme, opt))

    kinds = event_kinds(proctrace)
    if not kinds:
        problems.append("%s --columns: no event kinds found" % proctrace)
    event_terms = man_terms(manpage, "EVENTS") or ""
    for kind in kinds:
        if not mentions(kind, event_terms):
            problems.append("event %s (from proctrace --columns) has no entry "
                            "in %s under EVENTS: add a '**%s**' term and when "
                            "it is made" % (kind, manpage, kind))
        if not mentions(kind, cells):
            problems.append("event %s (from proctrace --columns) is not in "
                            "the events table of %s: add a row '| `%s` | "
                            "when | by_pid |'" % (kind, readme, kind))

    listed = listed_words(proctrace)
    for opt, words in sorted(listed.items()):
        entry, row = man_entry(manpage, opt), readme_row(readme, opt)
        for w in words:
            if not mentions(w, entry):
                problems.append("%s's value %s (from proctrace --help or --list) "
                                "is not named in its entry of %s"
                                % (opt, w, manpage))
            if not mentions(w, row):
                problems.append("%s's value %s (from proctrace --help or --list) "
                                "is not named in its row of %s" % (opt, w, readme))
    n_words = sum(len(w) for w in listed.values())

    examples = [("proctrace --help", n + 1, c)
                for n, c in enumerate(help_examples)]
    for path in (readme, manpage):
        examples += [(path, n, c) for n, c in example_commands(path)]
    for where, line, command in examples:
        args = argv_of(command)
        res = subprocess.run([proctrace, "--dry-run"] + args,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True)
        if res.returncode != 0 or res.stderr:
            first = (res.stderr.strip().split("\n") or [""])[0]
            problems.append("%s:%d: example `%s` no longer parses (exit %d): "
                            "%s" % (where, line, command, res.returncode,
                                    first))

    for p in problems:
        print(p, file=sys.stderr)
    checks = 2 * len(options) + 2 * len(kinds) + 2 * n_words + len(examples)
    print("docs-check: %d options, %d events, %d listed values, %d example "
          "commands: %d passed, %d failed"
          % (len(options), len(kinds), n_words, len(examples),
             checks - len(problems), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
