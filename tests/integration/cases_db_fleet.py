# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""A fleet in ClickHouse (docs/database.md, docs/clickhouse.sql): Debian's
clickhouse-server started on loopback ports with a private data directory,
two captures made as two hosts (proctrace in a UTS namespace of its own,
named host-a and host-b) loaded the way docs/clickhouse.sql says (the JSON
Lines files themselves, FORMAT JSONEachRow), and the counts per host and
kind and the exit statuses asked of ClickHouse equal to what each run's
SQLite database says; and the documented syslog-ng shipper following a
rotated JSON Lines file into it."""

import os
import shlex
import socket
import sqlite3
import subprocess
import tempfile
import time

from harness import SANITIZER, Check, Failure, tail
from cases_db import CLICKHOUSE_SQL

CONFIG_DIR = "/etc/clickhouse-server"
# The exit statuses of processes and their causes (a detail key), as the
# fleet would ask them.
EXITS = ("SELECT exit_code, signal, `detail.cause`, count() FROM "
         "proctrace.events WHERE host = '{host}' AND event = 'exit' AND "
         "`detail.thread_exit` = 0 GROUP BY exit_code, signal, `detail.cause`")
SQLITE_EXITS = ("SELECT exit_code, signal, cause, count(*) FROM events WHERE "
                "event = 'exit' AND thread_exit IS NULL "
                "GROUP BY exit_code, signal, cause")


def by_value(row):
    """A sort key for rows with NULLs."""
    return [(v is None, v or "") for v in row]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """clickhouse-server on 127.0.0.1 with its data and logs under dir."""

    def __init__(self, top):
        self.dir = tempfile.mkdtemp(prefix="clickhouse-", dir=top)
        os.makedirs(os.path.join(self.dir, "data"))
        self.port, self.http_port = free_port(), free_port()
        with open(os.path.join(CONFIG_DIR, "config.xml")) as f:
            conf = f.read()
        for old, new in (("/var/log/clickhouse-server/", self.dir + "/log/"),
                         ("/var/lib/clickhouse/", self.dir + "/data/"),
                         ("<tcp_port>9000<", "<tcp_port>%d<" % self.port),
                         ("<http_port>8123<", "<http_port>%d<" % self.http_port),
                         ("<interserver_http_port>9009<",
                          "<interserver_http_port>%d<" % free_port()),
                         ("<tcp_port_secure>9440</tcp_port_secure>", ""),
                         ("<listen_host>::1</listen_host>", "")):
            if old not in conf:
                raise Failure("%s/config.xml has no %r" % (CONFIG_DIR, old))
            conf = conf.replace(old, new)
        self.config = os.path.join(self.dir, "config.xml")
        with open(self.config, "w") as f:
            f.write(conf)
        with open(os.path.join(CONFIG_DIR, "users.xml")) as src, \
                open(os.path.join(self.dir, "users.xml"), "w") as dst:
            dst.write(src.read())
        self.out = open(os.path.join(self.dir, "server.out"), "w")
        self.proc = subprocess.Popen(
            ["clickhouse-server", "--config-file=" + self.config],
            stdin=subprocess.DEVNULL, stdout=self.out, stderr=self.out)
        deadline = time.monotonic() + 60
        while self.client("SELECT 1", check=False).returncode:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise Failure("clickhouse-server did not start: see %s"
                              % self.dir)
            time.sleep(0.2)

    def client(self, query, data=None, check=True):
        p = subprocess.run(["clickhouse-client", "--port", str(self.port),
                            "--multiquery", "--query", query], input=data,
                           capture_output=True, text=True)
        if check and p.returncode:
            raise Failure("clickhouse-client %r: %s" % (query[:60],
                                                        tail(p.stderr)))
        return p

    def rows(self, query):
        return sorted((tuple(None if v == "\\N" else v for v in line.split("\t"))
                       for line in self.client(query).stdout.splitlines()),
                      key=by_value)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()


def load_command(port):
    """docs/clickhouse.sql's clickhouse-client command, on this port."""
    with open(CLICKHOUSE_SQL) as f:
        lines = [l[2:].strip() for l in f if l.startswith("--  ")]
    text = " ".join(lines).replace("\\ ", " ")
    start = text.index("clickhouse-client")
    words = shlex.split(text[start:].split(" < ", 1)[0])
    return words[:1] + ["--port", str(port)] + words[1:]


def load(server, json_path):
    """A JSON Lines file into ClickHouse, the way the recipe says."""
    with open(json_path) as f:
        p = subprocess.run(load_command(server.port), stdin=f,
                           capture_output=True, text=True)
    if p.returncode:
        raise Failure("loading %s: %s" % (json_path, tail(p.stderr)))


def traced_as(env, host, workload):
    """proctrace -j JSON --db DB -- workload, run on a machine named host
    (a UTS namespace of its own): the two files' paths."""
    base = os.path.join(env.tmp, "fleet-" + host)
    p = subprocess.run(
        ["unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', host,
         env.proctrace, "-q", "-j", base + ".jsonl", "--db", base + ".db",
         "--", env.workload(workload)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    if p.returncode or SANITIZER.search(p.stderr):
        raise Failure("%s: proctrace exited %d: %s" % (host, p.returncode,
                                                       tail(p.stderr)))
    return base + ".jsonl", base + ".db"


def as_text(rows):
    return sorted((tuple(None if v is None else str(v) for v in r)
                   for r in rows), key=by_value)


def test_db_clickhouse_fleet(env):
    ck = Check()
    hosts = {}
    for host, workload in (("host-a", "kill_child"), ("host-b", "exit_code")):
        hosts[host] = traced_as(env, host, workload)
    server = Server(env.tmp)
    try:
        with open(CLICKHOUSE_SQL) as f:
            server.client(f.read())
        for json_path, _ in hosts.values():
            load(server, json_path)
        ck.eq("hosts", [r[0] for r in server.rows(
            "SELECT DISTINCT host FROM proctrace.events")], sorted(hosts))
        for host, (_, db_path) in hosts.items():
            with sqlite3.connect(db_path) as db:
                kinds = db.execute("SELECT event, count(*) FROM events "
                                   "GROUP BY event").fetchall()
                exits = db.execute(SQLITE_EXITS).fetchall()
                trace = db.execute("SELECT host FROM trace").fetchall()
            ck.eq(host + ": the database's host", trace, [(host,)])
            ck.eq(host + ": rows per kind", server.rows(
                "SELECT event, count() FROM proctrace.events WHERE host = "
                "'%s' GROUP BY event" % host), as_text(kinds))
            ck.eq(host + ": exit statuses",
                  server.rows(EXITS.format(host=host)), as_text(exits))
            ck.true(exits and all(e[2] for e in exits),
                    host + ": no exit rows, or one without its cause")
    finally:
        server.stop()
    ck.raise_if_failed()


# Debian 12's syslog-ng with its HTTP destination, unpacked under build/
# (apt-get download: no service installed or started on the machine).
SYSLOG_NG_DEBS = ("syslog-ng-core", "syslog-ng-mod-http", "libivykis0",
                  "libnet1", "libwrap0")
SYSLOG_NG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                         "..", "build", "syslog-ng")
DATABASE_MD = os.path.join(os.path.dirname(CLICKHOUSE_SQL), "database.md")
CONF_MARK = "# /etc/syslog-ng/conf.d/proctrace.conf\n"
DOC_URL = "http://clickhouse.example:8123/"


def syslog_ng():
    """syslog-ng's command and environment, unpacked once."""
    root = os.path.join(SYSLOG_NG, "root")
    if not os.path.exists(os.path.join(root, "usr", "sbin", "syslog-ng")):
        debs = os.path.join(SYSLOG_NG, "debs")
        os.makedirs(debs, exist_ok=True)
        for attempt in range(2):  # the second after apt-get update
            if attempt:
                subprocess.run(["apt-get", "update", "-q"], capture_output=True)
            p = subprocess.run(["apt-get", "download"] + list(SYSLOG_NG_DEBS),
                               cwd=debs, capture_output=True, text=True)
            if not p.returncode:
                break
        if p.returncode:
            raise Failure("apt-get download syslog-ng: " + tail(p.stderr))
        for deb in os.listdir(debs):
            subprocess.run(["dpkg", "-x", os.path.join(debs, deb), root],
                           check=True)
    libs = [os.path.join(root, d) for d in (
        "usr/lib/x86_64-linux-gnu", "usr/lib/syslog-ng", "lib/x86_64-linux-gnu")]
    env = dict(os.environ, LD_LIBRARY_PATH=":".join(libs))
    return [os.path.join(root, "usr", "sbin", "syslog-ng"), "--module-path="
            + os.path.join(root, "usr", "lib", "syslog-ng", "3.38")], env


def shipper_conf(log, port):
    """docs/database.md's syslog-ng configuration, on log and port."""
    with open(DATABASE_MD) as f:
        block = f.read().split(CONF_MARK, 1)[1].split("```", 1)[0]
    if DOC_URL not in block or "/var/log/proctrace/events.jsonl" not in block:
        raise Failure("docs/database.md: the syslog-ng block has no %s" % DOC_URL)
    return "@version: 3.38\n" + block.replace(
        "/var/log/proctrace/events.jsonl", log).replace(
        DOC_URL, "http://127.0.0.1:%d/" % port)


def count(server, host):
    return int(server.client("SELECT count() FROM proctrace.events WHERE "
                             "host = '%s'" % host).stdout)


def test_db_clickhouse_shipper(env):
    """The README's shipper: syslog-ng follows a rotated JSON Lines file
    into ClickHouse; every line of both files arrives, once."""
    ck = Check()
    json_path, db_path = traced_as(env, "host-s", "kill_child")
    with open(json_path) as f:
        lines = f.readlines()
    cmd, sng_env = syslog_ng()
    server = Server(env.tmp)
    top = os.path.join(env.tmp, "syslog-ng")
    os.makedirs(top)
    log = os.path.join(top, "events.jsonl")
    conf = os.path.join(top, "syslog-ng.conf")
    with open(conf, "w") as f:
        f.write(shipper_conf(log, server.http_port))
    half = len(lines) // 2
    with open(log, "w") as f:
        f.writelines(lines[:half])
    out = open(os.path.join(top, "out"), "w")
    sng = None
    try:
        with open(CLICKHOUSE_SQL) as f:
            server.client(f.read())
        sng = subprocess.Popen(cmd + ["-F", "-e", "-f", conf, "--persist-file="
                                      + top + "/persist", "--pidfile=" + top
                                      + "/pid", "--control=" + top + "/ctl"],
                               env=sng_env, stdin=subprocess.DEVNULL,
                               stdout=out, stderr=out)
        # Gate: the first half arrived; then rotated as --rotate does, the
        # rest in the new file.
        deadline = time.monotonic() + 60
        while count(server, "host-s") < half and time.monotonic() < deadline:
            time.sleep(0.2)
        os.rename(log, log + ".1")
        with open(log, "w") as f:
            f.writelines(lines[half:])
        while count(server, "host-s") < len(lines) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # nothing more may come: no line twice
        with sqlite3.connect(db_path) as db:
            kinds = db.execute("SELECT event, count(*) FROM events "
                               "GROUP BY event").fetchall()
        ck.eq("rows per kind shipped", server.rows(
            "SELECT event, count() FROM proctrace.events GROUP BY event"),
            as_text(kinds))
    finally:
        if sng and sng.poll() is None:
            sng.terminate()
            sng.wait(30)
        out.close()
        server.stop()
    ck.raise_if_failed()


TESTS = [test_db_clickhouse_fleet, test_db_clickhouse_shipper]
