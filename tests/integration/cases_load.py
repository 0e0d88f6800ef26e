# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Load held, the short version of `make stress`: with the live stream and
the CSV both written, every event is in both, and every loss is counted
the same in the stream's lost lines, the CSV's lost rows and the summary.

Losses are made certain, not left to the machine's speed: the reader is
stopped (SIGSTOP) while a burst fills a 4 KiB ring buffer, then a second
burst runs with the reader going."""

import os
import signal

from harness import EVENT_KINDS, Check, Failure, parse_detail, run_workload

FIRST_BURST = 300
SECOND_BURST = 2000


def stream_counts(path):
    """Lines per event kind in the live stream, and its losses per kind
    ("lost": the total), as its lost lines say them:
    'lost N events (fork 3, exit 2)'."""
    kinds, lost = {}, {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for line in lines[1:]:  # the header
        words = line.split()
        if len(words) < 2 or words[1] not in EVENT_KINDS:
            raise Failure("stream line not an event: %r" % line[:120])
        kinds[words[1]] = kinds.get(words[1], 0) + 1
        if words[1] != "lost" or " rescan after lost events: " in line:
            continue  # a rescan's repair counts no loss (cases_repair)
        detail = line.split(" lost ", 2)[-1].strip()
        head, _, split = detail.partition(" (")
        lost["lost"] = lost.get("lost", 0) + int(head.split()[0])
        for part in split.rstrip(")").split(", "):
            if part:
                kind, n = part.split()
                lost[kind] = lost.get(kind, 0) + int(n)
    return kinds, lost


def test_load_losses_agree(env):
    tracer = env.tracer("load", ["--ringbuf-kb", "4"])
    tracer.args.remove("-q")
    stream_path = tracer.csv_path + ".stream"
    with open(stream_path, "w") as out:
        tracer.start(stdout=out)
    pid = tracer.proc.pid
    try:
        os.kill(pid, signal.SIGSTOP)
        os.waitpid(pid, os.WUNTRACED)
        try:
            run_workload(env.workload("burst"), [str(FIRST_BURST)])
        finally:
            os.kill(pid, signal.SIGCONT)
        run_workload(env.workload("burst"), [str(SECOND_BURST)])
    except BaseException:
        tracer.kill()
        raise
    cap = tracer.stop()  # also: summary == CSV rows per kind and losses
    ck = Check()
    kinds, stream_lost = stream_counts(stream_path)
    csv_kinds = cap.kinds()
    # The stream shows the start-up snapshot with -v only, a rescan's
    # births (inferred=1) always.
    inferred = sum(1 for r in cap.rows if r["event"] == "snapshot"
                   and "inferred" in parse_detail(r["detail"]))
    csv_kinds.pop("snapshot", None)
    if inferred:
        csv_kinds["snapshot"] = inferred
    ck.eq("stream lines per kind vs CSV rows", kinds, csv_kinds)
    csv_lost = {}
    for r in cap.rows:
        if r["event"] == "lost" and "rescan" not in r["detail"]:
            for k, v in parse_detail(r["detail"]).items():
                csv_lost[k] = csv_lost.get(k, 0) + int(v)
    ck.true(csv_lost.get("lost", 0) > 0, "no loss with the reader stopped "
            "during a burst of %d into a 4 KiB ring" % FIRST_BURST)
    ck.eq("losses per kind: stream vs CSV", stream_lost, csv_lost)
    ck.eq("lost total: summary vs CSV", cap.summary()[2],
          csv_lost.get("lost", 0))
    ck.raise_if_failed()


TESTS = [test_load_losses_agree]
