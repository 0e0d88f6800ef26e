# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Resource usage: a process's reap row carries what the reaping wait4()
returned for it, column by column, exactly (the workload prints wait4's
struct rusage), across exec, threads, SIGKILL, memory, block I/O, sleeps
and a process that itself reaped a child (RUSAGE_BOTH: its own figures plus
the children part, which the children_ columns show). The workload runs under -- COMMAND, so nothing else on the machine
is in the capture."""

from harness import Check, run_traced

COLUMNS = ("cpu_user_us", "cpu_sys_us", "maxrss_kb", "minflt", "majflt",
           "nvcsw", "nivcsw", "inblock", "oublock")
COUNTERS = ("minflt", "majflt", "nvcsw", "nivcsw", "inblock", "oublock")
# the children part of each column (RUSAGE_CHILDREN)
KIDS = {c: "children_" + c for c in COLUMNS}
# the workload's fact for each column
FACT = {"cpu_user_us": "user_us", "cpu_sys_us": "sys_us"}
CHILDREN = ("cpu", "exec", "threads", "killed", "memory", "io", "sleeps")


def wait4_usage(f, name):
    return {c: int(f["%s_%s" % (name, FACT.get(c, c))]) for c in COLUMNS}


def row_usage(row, cols=COLUMNS):
    return {c: int(row[c]) if row[c] != "" else None for c in cols}


def check_reaper(ck, f, reap):
    """The reaper waited for a grandchild: its row's children_ columns are
    what getrusage(RUSAGE_CHILDREN) gave it after that wait (exactly the
    grandchild's wait4, maxrss its peak), and its own part (column less
    children_ column) is at least what RUSAGE_SELF gave it then."""
    kids = row_usage(reap, tuple(KIDS.values()))
    ck.eq("reaper: children_ columns = its getrusage(RUSAGE_CHILDREN)",
          kids, {KIDS[c]: v for c, v in
                 wait4_usage(f, "reaper_children").items()})
    ck.eq("reaper: children_ columns = the grandchild's wait4",
          kids, {KIDS[c]: v for c, v in wait4_usage(f, "grandchild").items()})
    got, self_ = row_usage(reap), wait4_usage(f, "reaper_self")
    ck.true(got["maxrss_kb"] == kids["children_maxrss_kb"] >
            self_["maxrss_kb"], "reaper: maxrss %s is the grandchild's %s "
            "(above its own %s)" % (got["maxrss_kb"],
                                    kids["children_maxrss_kb"],
                                    self_["maxrss_kb"]))
    for c in ("cpu_user_us", "cpu_sys_us") + COUNTERS:
        ck.true(got[c] - kids[KIDS[c]] >= self_[c], "reaper: own %s %d - "
                "%d below its RUSAGE_SELF %d before exiting"
                % (c, got[c], kids[KIDS[c]], self_[c]))
    ck.true(kids["children_inblock"] > 0 and kids["children_oublock"] > 0
            and kids["children_minflt"] >= 12288 and
            kids["children_cpu_user_us"] + kids["children_cpu_sys_us"] >=
            10000, "reaper: the grandchild's I/O, 48 MiB and 10 ms in its "
            "children part: %s" % kids)


def usage_test(opts):
    def test(env):
        cap, f = run_traced(env, "rusage", "rusage_wait4", opts=opts)
        ck = Check()
        ck.eq("workload: the killed child's signal", f["killed_termsig"], "9")
        ck.eq("workload: the threads child's exit code",
              f["threads_exit_code"], "3")
        ck.true(int(f["memory_minflt"]) >= 8192,
                "workload: 32 MiB touched, minflt %s" % f["memory_minflt"])
        ck.true(int(f["io_oublock"]) > 0,
                "workload: io's writes counted, oublock %s" % f["io_oublock"])
        reaper_of = dict.fromkeys(CHILDREN + ("reaper",), f["parent_pid"])
        reaper_of["grandchild"] = f["reaper_pid"]
        for name, by in reaper_of.items():
            pid = f[name + "_pid"]
            reap = ck.one(cap.of(pid, "reap"), "reap row of " + name)
            if not reap:
                continue
            ck.fields(reap, name + " reap", by_pid=by)
            # wait4's RUSAGE_BOTH, own plus children, exactly; the reaper
            # waited for a grandchild, the others for nothing
            got, want = row_usage(reap), wait4_usage(f, name)
            if name == "reaper":
                check_reaper(ck, f, reap)
                # final at the exit: it could reap nothing after
                ck.eq("reaper: the exit row's children_ columns",
                      [row_usage(r, tuple(KIDS.values()))
                       for r in cap.of(pid, "exit")],
                      [row_usage(reap, tuple(KIDS.values()))])
            else:
                ck.eq("%s: children_ columns 0" % name,
                      row_usage(reap, tuple(KIDS.values())),
                      dict.fromkeys(KIDS.values(), 0))
            ck.eq("%s (%s): the reap row's usage is wait4's" % (name, pid),
                  got, want)
        ck.raise_if_failed()
    test.__name__ = "test_usage_reap_is_wait4" + ("_threads" if opts else "")
    return test


TESTS = [usage_test(()), usage_test(("--threads",))]
