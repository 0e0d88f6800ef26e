# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Reparenting at any distance and width (workload reparent_bounds): the
adopter found however far up the child subreaper is, a row for every
orphan, and where a walk of the kernel side reaches its bound, the rows it
could not make counted as lost reparent events, never a wrong adopter."""

from harness import Check, parse_detail, run_traced

# Past the walks' bounds (docs/bounds.md): ancestors and children.
DEEP_PAST_BOUND = 1100
WIDE_PAST_BOUND = 1100


def children_of(cap, pid):
    """pids forked by process pid (its fork rows name it as parent)."""
    return {r["pid"] for r in cap.rows if r["event"] == "fork" and r["ppid"] == pid}


def check_rows(ck, rows, top, mid):
    for r in rows:
        ck.fields(r, "reparent of %s" % r["pid"], ppid=top, by_pid=top)
        ck.details(r, "reparent of %s" % r["pid"], old_ppid=mid, adopter="subreaper")


# A chain is made one process after the other, each waiting for a CPU: on
# a loaded machine that takes minutes.
CHAIN_TIMEOUT = 900


def run(env, mode, n):
    return run_traced(env, "reparent-%s-%d" % (mode, n), "reparent_bounds", [mode, str(n)],
                      timeout=CHAIN_TIMEOUT)


def test_reparent_deep_subreaper(env):
    """The subreaper 24 ancestors above the dying parent adopts."""
    cap, f = run(env, "deep", 24)
    ck = Check()
    ck.eq("adopter seen by the orphan", f["adopter_pid"], f["top_pid"])
    orphans = children_of(cap, f["mid_pid"])
    ck.eq("children of mid", len(orphans), 1)
    rows = [r for r in cap.rows if r["event"] == "reparent" and r["pid"] in orphans]
    ck.eq("reparent rows of the orphan", len(rows), 1)
    check_rows(ck, rows, f["top_pid"], f["mid_pid"])
    ck.eq("lost reparent events", cap.lost_of("reparent"), 0)
    ck.raise_if_failed()


def test_reparent_wide(env):
    """300 orphans at once: a row each."""
    n = 300
    cap, f = run(env, "wide", n)
    ck = Check()
    ck.eq("orphans that saw top adopt them", f["adopted"], str(n))
    orphans = children_of(cap, f["mid_pid"])
    ck.eq("children of mid", len(orphans), n)
    rows = [r for r in cap.rows if r["event"] == "reparent" and r["pid"] in orphans]
    ck.eq("orphans with a reparent row", {r["pid"] for r in rows}, orphans)
    ck.eq("reparent rows", len(rows), n)
    check_rows(ck, rows, f["top_pid"], f["mid_pid"])
    ck.eq("lost reparent events", cap.lost_of("reparent"), 0)
    ck.raise_if_failed()


def test_reparent_past_bounds(env):
    """Past the walks' bounds: the orphans without a row are counted lost,
    and no row names a wrong adopter."""
    ck = Check()
    cap, f = run(env, "wide", WIDE_PAST_BOUND)
    ck.eq("orphans that saw top adopt them", f["adopted"], str(WIDE_PAST_BOUND))
    orphans = children_of(cap, f["mid_pid"])
    rows = [r for r in cap.rows if r["event"] == "reparent" and r["pid"] in orphans]
    check_rows(ck, rows, f["top_pid"], f["mid_pid"])
    ck.eq("wide: rows and lost rows", len(rows) + cap.lost_of("reparent"), WIDE_PAST_BOUND)
    ck.true(cap.lost_of("reparent") > 0, "wide: no loss counted past the bound")
    total, by_kind, lost = cap.summary()
    ck.true(lost >= cap.lost_of("reparent"), "wide: summary's lost %d" % lost)

    cap, f = run(env, "deep", DEEP_PAST_BOUND)
    ck.eq("deep: adopter seen by the orphan", f["adopter_pid"], f["top_pid"])
    orphans = children_of(cap, f["mid_pid"])
    rows = [r for r in cap.rows if r["event"] == "reparent" and r["pid"] in orphans]
    check_rows(ck, rows, f["top_pid"], f["mid_pid"])
    ck.eq("deep: rows and lost rows", len(rows) + cap.lost_of("reparent"), 1)
    ck.raise_if_failed()


TESTS = [test_reparent_deep_subreaper, test_reparent_wide, test_reparent_past_bounds]
