# SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
"""Resource usage: a process's reap row carries what the reaping wait4()
returned for it, column by column, exactly (the workload prints wait4's
struct rusage), across exec, threads, SIGKILL, memory, block I/O and
sleeps. The workload runs under -- COMMAND, so nothing else on the machine
is in the capture."""

from harness import Check, run_traced

COLUMNS = ("cpu_user_us", "cpu_sys_us", "maxrss_kb", "minflt", "majflt",
           "nvcsw", "nivcsw", "inblock", "oublock")
COUNTERS = ("minflt", "majflt", "nvcsw", "nivcsw", "inblock", "oublock")
# the workload's fact for each column
FACT = {"cpu_user_us": "user_us", "cpu_sys_us": "sys_us"}
CHILDREN = ("cpu", "exec", "threads", "killed", "memory", "io", "sleeps")


def wait4_usage(f, name):
    return {c: int(f["%s_%s" % (name, FACT.get(c, c))]) for c in COLUMNS}


def row_usage(row):
    return {c: int(row[c]) if row[c] != "" else None for c in COLUMNS}


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
            got, want = row_usage(reap), wait4_usage(f, name)
            if name == "reaper":
                # wait4's RUSAGE_BOTH adds the grandchild it reaped: the
                # row is the process's own
                gc = wait4_usage(f, "grandchild")
                for c in COUNTERS:
                    want[c] -= gc[c]
                for c in ("cpu_user_us", "cpu_sys_us"):
                    ck.true(0 <= want[c] - got[c] - gc[c] <= 1,
                            "reaper: %s %s + the grandchild's %s = wait4's "
                            "%s (to the µs)" % (c, got[c], gc[c], want[c]))
                    del got[c], want[c]
                ck.true(want["maxrss_kb"] >= got["maxrss_kb"],
                        "reaper: maxrss %s above wait4's %s"
                        % (got["maxrss_kb"], want["maxrss_kb"]))
                del got["maxrss_kb"], want["maxrss_kb"]
            ck.eq("%s (%s): the reap row's usage is wait4's" % (name, pid),
                  got, want)
        ck.raise_if_failed()
    test.__name__ = "test_usage_reap_is_wait4" + ("_threads" if opts else "")
    return test


TESTS = [usage_test(()), usage_test(("--threads",))]
