# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""A fleet in ClickHouse (docs/database.md, docs/clickhouse.sql): Debian's
clickhouse-server started on loopback ports with a private data directory,
two captures made as two hosts (proctrace in a UTS namespace of its own,
named host-a and host-b) loaded the way docs/clickhouse.sql says (the JSON
Lines files themselves, FORMAT JSONEachRow), and the counts per host and
kind and the exit statuses asked of ClickHouse equal to what each run's
SQLite database says."""

import os
import shlex
import socket
import sqlite3
import subprocess
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
        self.dir = os.path.join(top, "clickhouse")
        os.makedirs(os.path.join(self.dir, "data"))
        self.port = free_port()
        with open(os.path.join(CONFIG_DIR, "config.xml")) as f:
            conf = f.read()
        for old, new in (("/var/log/clickhouse-server/", self.dir + "/log/"),
                         ("/var/lib/clickhouse/", self.dir + "/data/"),
                         ("<tcp_port>9000<", "<tcp_port>%d<" % self.port),
                         ("<http_port>8123<", "<http_port>%d<" % free_port()),
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


TESTS = [test_db_clickhouse_fleet]
