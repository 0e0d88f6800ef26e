#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""The Debian package that `make deb` built: its Depends cover every
library the binary loads, it installs with dpkg on this machine, the
installed binary reports its version and features and traces (one second of
the machine, and a command), the man page and the completion are where man
and bash look, dpkg -r leaves none of its files behind, and lintian finds
nothing to say of it (no error, no warning).

usage: test_deb.py DEB (as root). One line per check; exit 1 on a failure.
"""

import csv
import gzip
import os
import re
import subprocess
import sys
import tempfile

BIN = "/usr/bin/proctrace"
MAN = "/usr/share/man/man8/proctrace.8.gz"
COMPLETION = "/usr/share/bash-completion/completions/proctrace"
FEATURES = ("BTF", "ring buffer map", "BTF tracepoints (tp_btf)",
            "task iterator", "syscall tracepoints")


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok   %s" % name, flush=True)
        else:
            self.failed += 1
            print("FAIL %s%s" % (name, ": " + detail if detail else ""),
                  flush=True)
        return ok


def run(*argv, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


def package_state():
    """dpkg's two-letter state of proctrace ('' when dpkg knows none)."""
    res = run("dpkg-query", "-W", "-f=${db:Status-Abbrev}", "proctrace")
    return res.stdout.strip() if res.returncode == 0 else ""


def library_packages(binary):
    """The package of each shared library the binary needs (NEEDED)."""
    dyn = run("readelf", "-d", binary).stdout
    out = {}
    for soname in re.findall(r"\(NEEDED\).*\[(.+)\]", dyn):
        m = re.search(r"\s%s \(.*\) => (\S+)" % re.escape(soname),
                      run("ldconfig", "-p").stdout)
        path = os.path.realpath(m.group(1)) if m else soname
        owner = run("dpkg", "-S", path).stdout.split(":")[0]
        if not owner:  # merged /usr: dpkg may know the /lib name
            owner = run("dpkg", "-S", path.replace("/usr/lib/", "/lib/", 1)
                        ).stdout.split(":")[0]
        out[soname] = owner
    return out


def check_package_file(c, deb):
    fields = run("dpkg-deb", "-f", deb, "Package", "Version", "Depends").stdout
    depends = re.search(r"^Depends: (.*)$", fields, re.M)
    depends = depends.group(1) if depends else ""
    c.check("Depends is filled by dpkg-shlibdeps",
            depends and "${" not in depends, depends)
    listing = run("dpkg-deb", "-c", deb).stdout
    for path in (BIN, MAN, COMPLETION):
        c.check("the package holds %s" % path, " ." + path in listing)
    version = re.search(r"^Version: (.*)$", fields, re.M)
    return version.group(1) if version else "?", depends


def check_depends(c, depends):
    named = {d.strip().split()[0] for d in depends.split(",") if d.strip()}
    for soname, pkg in sorted(library_packages(BIN).items()):
        c.check("Depends names %s's package (%s)" % (soname, pkg or "?"),
                pkg and pkg in named, "Depends: %s" % depends)


def check_version(c, version):
    res = run(BIN, "--version")
    lines = res.stdout.splitlines()
    c.check("--version exits 0", res.returncode == 0, res.stderr.strip())
    c.check("--version names this version",
            lines[:1] == ["proctrace " + version], repr(lines[:1]))
    c.check("--version names the libbpf", any(re.match(r"libbpf: \d+\.\d+ ", l)
                                             for l in lines), res.stdout)
    release = os.uname().release
    c.check("--version names the kernel release",
            any(l.startswith("kernel: ") and release in l for l in lines),
            res.stdout)
    for feature in FEATURES:
        c.check("--version finds %s" % feature,
                any(l.startswith(feature + ": yes") for l in lines),
                res.stdout)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def check_traces(c, tmp):
    path = os.path.join(tmp, "second.csv")
    res = run(BIN, "-d", "1", "-q", "-o", path)
    c.check("a 1-second trace exits 0", res.returncode == 0,
            res.stderr.strip())
    rows = read_csv(path) if os.path.exists(path) else []
    snap = {r["pid"] for r in rows if r["event"] == "snapshot"}
    c.check("it saw pid 1 and this test running",
            {"1", str(os.getpid())} <= snap,
            "%d rows, %d snapshot" % (len(rows), len(snap)))

    path = os.path.join(tmp, "command.csv")
    res = run(BIN, "-q", "-o", path, "--", "/bin/sh", "-c", "exit 7")
    c.check("a traced command's status is proctrace's", res.returncode == 7,
            "exit %d: %s" % (res.returncode, res.stderr.strip()))
    rows = read_csv(path) if os.path.exists(path) else []
    execs = [r for r in rows
             if r["event"] == "exec" and r["filename"] == "/bin/sh"]
    exits = [r for r in rows if r["event"] == "exit"
             and execs and r["pid"] == execs[0]["pid"]]
    c.check("the command's exec and exit 7 were traced",
            len(execs) == 1 and [r["exit_code"] for r in exits] == ["7"],
            "%d rows: %r" % (len(rows),
                             [(r["event"], r["pid"]) for r in rows]))


def check_docs(c):
    try:
        with gzip.open(MAN, "rt", encoding="utf-8") as f:
            page = f.read()
    except OSError as e:
        page = ""
        c.check("the man page reads", False, str(e))
    c.check("the man page is proctrace(8)", '.TH "PROCTRACE" "8"' in page)
    if os.path.exists("/usr/bin/man"):
        res = run("man", "-w", "proctrace")
        c.check("man finds it", res.stdout.strip() == MAN,
                res.stdout + res.stderr)
    script = ('source %s; COMP_WORDS=(proctrace --js); COMP_CWORD=1; '
              '_proctrace; echo "${COMPREPLY[*]}"' % COMPLETION)
    res = run("bash", "-c", script, env=dict(os.environ, PATH="/usr/bin:/bin"))
    c.check("the installed completion completes --js to --json",
            res.stdout.strip() == "--json", res.stdout + res.stderr)


def check_lintian(c, deb):
    """lintian on the .deb: not one error or warning (informational tags
    aside)."""
    res = run("lintian", "--no-tag-display-limit", deb)
    tags = [l for l in res.stdout.splitlines() if l[:2] in ("E:", "W:")]
    c.check("lintian: no error or warning", res.returncode in (0, 1) and not tags,
            "; ".join(tags) or res.stderr.strip())


def main(argv):
    deb = argv[1]
    if os.geteuid() != 0:
        print("deb-test: installing a package needs root: sudo make test",
              file=sys.stderr)
        return 1
    if package_state() not in ("", "un", "rc", "pn"):
        print("deb-test: a proctrace package is installed on this machine "
              "(%s); the test installs and removes its own: remove it first "
              "(dpkg -r proctrace)" % package_state(), file=sys.stderr)
        return 1
    c = Checks()
    version, depends = check_package_file(c, deb)
    check_lintian(c, deb)
    res = run("dpkg", "-i", deb)
    if not c.check("dpkg -i installs it", res.returncode == 0,
                   res.stderr.strip()):
        return 1
    files = []
    try:
        files = [p for p in run("dpkg", "-L", "proctrace").stdout.splitlines()
                 if os.path.isfile(p)]
        check_depends(c, depends)
        check_version(c, version)
        with tempfile.TemporaryDirectory(prefix="proctrace-deb.") as tmp:
            check_traces(c, tmp)
        check_docs(c)
    finally:
        res = run("dpkg", "-r", "proctrace")
    c.check("dpkg -r removes it", res.returncode == 0 and
            package_state() in ("", "un", "rc"), res.stderr.strip())
    left = [p for p in files if os.path.lexists(p)]
    c.check("none of its %d files is left" % len(files), files and not left,
            " ".join(left))
    print("deb: %d passed, %d failed" % (c.passed, c.failed))
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
