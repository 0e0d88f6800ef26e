// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The export schema's one table (see schema.h). Meanings stay one line
 * without '|': they are printed into Markdown tables. */
#include "proctrace/schema.h"

#define ALL "all"
#define TASK "all but lost"
#define ACTOR "fork thread exit reap signal stop continue setpgid setsid reparent"
#define SIG "signal stop continue"
#define EXEC "exec exec_failed"
#define USAGE "exit reap usage"
#define CGROUPS "snapshot fork exec" /* the rows that say where a process is */

/* A row by its type and unit, which rows of one kind share. */
/* clang-format off */
#define ROW(name, type, unit, events, meaning) { name, type, unit, events, meaning }
/* clang-format on */
#define INT(name, events, meaning) ROW(name, PT_TYPE_INT, "", events, meaning)
#define NS(name, events, meaning) ROW(name, PT_TYPE_INT, "ns", events, meaning)
#define FLAG(name, events, meaning) ROW(name, PT_TYPE_FLAG, "", events, meaning)
#define TEXT(name, events, meaning) ROW(name, PT_TYPE_TEXT, "", events, meaning)
/* The command name of the process a _tid key names. */
#define COMM_OF(name, events) TEXT(name, events, "its command name")

const struct pt_field_def pt_columns[PT_NCOLS] = {
	[PT_COL_TS_NS] =
		NS("ts_ns", ALL, "kernel timestamp, nanoseconds since boot (CLOCK_BOOTTIME)"),
	[PT_COL_TIME] = TEXT("time", ALL, "the same instant in UTC, ISO 8601 with microseconds"),
	[PT_COL_EVENT] =
		TEXT("event", ALL,
		     "snapshot fork thread exec exit reap signal stop continue setpgid "
		     "setsid rename lost unshare setns state sched reparent exec_failed usage"),
	[PT_COL_PID] = INT("pid", TASK,
			   "the process the event is about (the child for fork and reparent, the "
			   "receiver for signals, the zombie for reap), initial pid namespace"),
	[PT_COL_TID] = INT("tid", TASK, "its thread"),
	[PT_COL_PPID] = INT("ppid", TASK, "its real parent's pid"),
	[PT_COL_PGID] = INT("pgid", TASK, "its process group"),
	[PT_COL_SID] = INT("sid", TASK, "its session"),
	[PT_COL_UID] = INT("uid", TASK, "its real uid"),
	[PT_COL_COMM] = TEXT("comm", TASK, "its command name, after the event"),
	[PT_COL_BY_PID] = INT("by_pid", ACTOR,
			      "who caused it: parent, creating thread (tid), reaper, sender, "
			      "caller, new parent, the cause of an exit; absent when none (kernel "
			      "sender, automatic reap)"),
	[PT_COL_SIGNAL] =
		TEXT("signal", SIG " exit", "signal name; on exit, the terminating signal"),
	[PT_COL_EXIT_CODE] = INT("exit_code", "exit", "0-255, when the process exited normally"),
	[PT_COL_CORE_DUMPED] = INT("core_dumped", "exit", "1 or 0"),
	[PT_COL_STATE] = TEXT("state", TASK,
			      "the process after the event: alive, stopped, zombie or reaped; on "
			      "state rows the thread's new scheduler state: running, runnable, "
			      "sleeping, disk-sleep, stopped or traced"),
	[PT_COL_FILENAME] = TEXT("filename", EXEC, "the path executed"),
	[PT_COL_ARGV] = ROW("argv", PT_TYPE_ARGV, "", EXEC,
			    "the argument vector (CSV: shell-quoted words; JSON: an array)"),
	[PT_COL_CPU_USER_US] =
		ROW("cpu_user_us", PT_TYPE_INT, "µs", USAGE,
		    "user CPU time: on a reap row the process's final figure, what "
		    "the reaping wait4() returned (every usage column alike: the "
		    "process's own plus the children_ part, the children it reaped "
		    "and theirs); on a usage row (at_end=1) the kernel's figure when "
		    "tracing ended, for a process still alive or a zombie then; on "
		    "an exit row (at_exit=1) a snapshot at the exit tracepoint (the "
		    "process's, or the thread's own), before the exit's own teardown"),
	[PT_COL_CPU_SYS_US] = ROW("cpu_sys_us", PT_TYPE_INT, "µs", USAGE, "system CPU time"),
	[PT_COL_MAXRSS_KB] = ROW("maxrss_kb", PT_TYPE_INT, "KiB", USAGE, "peak resident set"),
	[PT_COL_MINFLT] = INT("minflt", USAGE, "minor page faults"),
	[PT_COL_MAJFLT] = INT("majflt", USAGE, "major page faults"),
	[PT_COL_NVCSW] = INT("nvcsw", USAGE, "voluntary context switches"),
	[PT_COL_NIVCSW] = INT("nivcsw", USAGE, "involuntary context switches"),
	[PT_COL_INBLOCK] =
		INT("inblock", USAGE,
		    "block input operations (ru_inblock: 512-byte units read from storage)"),
	[PT_COL_OUBLOCK] = INT("oublock", USAGE,
			       "block output operations (ru_oublock: 512-byte units written)"),
	[PT_COL_CHILDREN_CPU_USER_US] =
		ROW("children_cpu_user_us", PT_TYPE_INT, "µs", USAGE,
		    "the children part of cpu_user_us (RUSAGE_CHILDREN: what "
		    "the process's waits reaped; the process's own is "
		    "cpu_user_us - children_cpu_user_us; every children_ column "
		    "alike, 0 on a thread's exit row)"),
	[PT_COL_CHILDREN_CPU_SYS_US] = ROW("children_cpu_sys_us", PT_TYPE_INT, "µs", USAGE,
					   "the children part of cpu_sys_us"),
	[PT_COL_CHILDREN_MAXRSS_KB] =
		ROW("children_maxrss_kb", PT_TYPE_INT, "KiB", USAGE,
		    "the largest reaped child's peak resident set (maxrss_kb is "
		    "the larger of it and the process's own)"),
	[PT_COL_CHILDREN_MINFLT] = INT("children_minflt", USAGE, "the children part of minflt"),
	[PT_COL_CHILDREN_MAJFLT] = INT("children_majflt", USAGE, "the children part of majflt"),
	[PT_COL_CHILDREN_NVCSW] = INT("children_nvcsw", USAGE, "the children part of nvcsw"),
	[PT_COL_CHILDREN_NIVCSW] = INT("children_nivcsw", USAGE, "the children part of nivcsw"),
	[PT_COL_CHILDREN_INBLOCK] = INT("children_inblock", USAGE, "the children part of inblock"),
	[PT_COL_CHILDREN_OUBLOCK] = INT("children_oublock", USAGE, "the children part of oublock"),
	[PT_COL_NS_PID] =
		INT("ns_pid", TASK, "the pid as the process sees itself (getpid() in a container)"),
	[PT_COL_PIDNS] = INT("pidns", TASK, "inode of its pid namespace"),
	[PT_COL_CGROUP_ID] = INT("cgroup_id", TASK, "its cgroup v2 id"),
	[PT_COL_DETAIL] = ROW("detail", PT_TYPE_DETAIL, "", ALL,
			      "what only some events have: the keys below"),
};

const struct pt_field_def pt_detail_keys[PT_NDKEYS] = {
	[PT_DK_START_NS] = NS("start_ns", TASK,
			      "process start, CLOCK_BOOTTIME (the kernel's start_boottime): "
			      "on every snapshot row, and on any other row whose process a "
			      "reader could not tell from the rows before it (a fork row: the "
			      "kernel starts the child before its fork event; a process whose "
			      "fork was lost: its first row)"),
	[PT_DK_INFERRED] = FLAG("inferred", "snapshot",
				"found by a rescan of the task list after lost events: born while "
				"events were lost, its fork not seen"),
	[PT_DK_COMMAND] =
		FLAG("command", "snapshot",
		     "the command proctrace started (-- COMMAND), held until tracing began"),
	[PT_DK_PARENT_TID] = INT("parent_tid", "fork", "the parent's thread that forked"),
	[PT_DK_CREATOR_TID] = INT("creator_tid", "thread", "the thread that created it"),
	[PT_DK_CLONE] =
		TEXT("clone", "fork thread unshare setns",
		     "the CLONE_* flag names, one word (fork, thread: what it shares with its "
		     "creator and which namespaces are new; unshare, setns: the "
		     "namespaces changed)"),
	[PT_DK_VIA] = TEXT("via", "fork thread",
			   "the system call that made it: fork, vfork, clone or clone3"),
	[PT_DK_ARGC] = INT("argc", EXEC,
			   "argument count the kernel saw (a failed exec cut with "
			   "argv_truncated=1: the arguments read)"),
	[PT_DK_ARGS_SIZE] = ROW("args_size", PT_TYPE_INT, "bytes", EXEC,
				"size of the whole argument block (a failed exec cut with "
				"argv_truncated=1: the bytes read)"),
	[PT_DK_ARGV_TRUNCATED] = FLAG("argv_truncated", EXEC, "argv longer than captured"),
	[PT_DK_CAPTURED] = ROW("captured", PT_TYPE_INT, "bytes", EXEC,
			       "bytes of argv captured, when truncated"),
	[PT_DK_ARGV_UNREADABLE] = FLAG("argv_unreadable", EXEC, "argv could not be read"),
	[PT_DK_PATH_TRUNCATED] = FLAG("path_truncated", EXEC, "path longer than captured"),
	[PT_DK_PATH_UNREADABLE] =
		FLAG("path_unreadable", "exec_failed",
		     "the path could not be read (filename empty): the caller's memory "
		     "did not have it and the kernel's copy is read only from Linux 6.10"),
	[PT_DK_OLD_TID] = INT("old_tid", EXEC, "the thread that called exec, when not the leader"),
	[PT_DK_ERROR] = TEXT("error", "exec_failed",
			     "the error execve returned: ENOENT, EACCES, ENOEXEC, E2BIG..."),
	[PT_DK_NO_RETURN] = FLAG("no_return", "exec_failed",
				 "failed past the point of no return: the old program was gone "
				 "(argv unknown), the kernel kills the process"),
	[PT_DK_THREAD_EXIT] =
		FLAG("thread_exit", "exit sched", "a thread exited, not the whole process"),
	[PT_DK_LAST_THREAD_UNKNOWN] =
		FLAG("last_thread_unknown", "exit",
		     "which of two threads exiting at once ended the process is "
		     "unknown: the kernel's exit tracepoint has no group_dead "
		     "(5.10 to 6.12); both exit rows say so"),
	[PT_DK_SENDER_LOST] =
		FLAG("sender_lost", "exit",
		     "a fatal signal ended the process (cause signal) and its sender "
		     "was not kept: the kernel side's map had no room, counted in lost"),
	[PT_DK_STATUS] =
		ROW("status", PT_TYPE_HEX, "", "exit", "the wait status (CSV: 0x and hex digits)"),
	[PT_DK_CAUSE] = TEXT("cause", "exit",
			     "why the process ended: exit, signal, fault, oom-kill, exit_group, "
			     "seccomp, pdeathsig, ns-teardown, kernel"),
	[PT_DK_AGE_NS] = NS("age_ns", "exit",
			    "how long the process lived: from its start (the kernel's "
			    "start_boottime, also before the trace) to its exit"),
	[PT_DK_AT_EXIT] = FLAG("at_exit", "exit",
			       "the usage columns are a snapshot at the exit tracepoint (the "
			       "process's, or the thread's), before the rest of the exit runs: "
			       "the final figures are the reap row's"),
	[PT_DK_REAPED] =
		TEXT("reaped", "reap", "auto: released without a wait (parent ignores SIGCHLD)"),
	[PT_DK_REAPER] = TEXT("reaper", "reap",
			      "unknown: released, by no process known (older versions: by no "
			      "wait() seen)"),
	[PT_DK_REAP_AT] = TEXT("reap_at", "reap",
			       "free: released by a wait() whose return did not name it, seen at "
			       "the kernel's free"),
	[PT_DK_ZOMBIE_NS] = NS("zombie_ns", "reap", "how long it was a zombie"),
	[PT_DK_REAPER_TID] = INT("reaper_tid", "reap",
				 "the thread whose wait() released it (absent with reap_at=free "
				 "when only its process is known)"),
	[PT_DK_REAPER_COMM] = COMM_OF("reaper_comm", "reap"),
	[PT_DK_UNSEEN_FROM_NS] = NS("unseen_from_ns", "exit reap",
				    "not observed (events lost): a rescan found it a zombie (exit) "
				    "or gone (reap) at ts_ns; it happened after this time, when it "
				    "was last known alive (CLOCK_BOOTTIME)"),
	[PT_DK_RESULT] = TEXT("result", "signal",
			      "delivered, ignored, already_pending, overflow_fail, lose_info"),
	[PT_DK_CODE] = INT("code", SIG " exit",
			   "si_code (exit: of the fatal signal, when its generation was seen)"),
	[PT_DK_CODE_NAME] =
		TEXT("code_name", "exit", "the si_code's name: SEGV_MAPERR, SI_USER, SI_KERNEL..."),
	[PT_DK_SENDER_TID] = INT("sender_tid", SIG " exit",
				 "the sending thread (exit: the fatal signal's, or the thread that "
				 "called exit_group)"),
	[PT_DK_SENDER_COMM] = COMM_OF("sender_comm", SIG " exit"),
	[PT_DK_GROUP] = FLAG("group", "signal", "sent to the whole thread group"),
	[PT_DK_SENDER] = TEXT("sender", SIG, "kernel: made by the kernel itself"),
	[PT_DK_OLD_SID] = INT("old_sid", "setsid", "the session before"),
	[PT_DK_OLD_PGID] = INT("old_pgid", "setpgid setsid", "the process group before"),
	[PT_DK_CALLER_TID] =
		INT("caller_tid", "setpgid",
		    "the thread that called setpgid() (the process itself or its parent)"),
	[PT_DK_CALLER_COMM] = COMM_OF("caller_comm", "setpgid"),
	[PT_DK_OLD_COMM] = TEXT("old_comm", "rename", "the command name before"),
	[PT_DK_CPU] = INT("cpu", "state", "the CPU the change was seen on (a wakeup: the waker's)"),
	[PT_DK_PREV_STATE] = TEXT("prev_state", "state",
				  "the thread's state before (alive: none yet, just followed)"),
	[PT_DK_PREV_NS] = NS("prev_ns", "state", "how long it was in it"),
	[PT_DK_RUNNING_NS] =
		NS("running_ns", "sched", "time on a CPU, summed over the process's threads"),
	[PT_DK_RUNNABLE_NS] = NS("runnable_ns", "sched", "time waiting on a run queue"),
	[PT_DK_SLEEPING_NS] = NS("sleeping_ns", "sched", "time in interruptible sleep (S)"),
	[PT_DK_DISK_SLEEP_NS] = NS("disk_sleep_ns", "sched", "time in uninterruptible sleep (D)"),
	[PT_DK_STOPPED_NS] = NS("stopped_ns", "sched", "time stopped by job control (T)"),
	[PT_DK_TRACED_NS] = NS("traced_ns", "sched", "time stopped by a tracer (t)"),
	[PT_DK_SWITCHES] =
		INT("switches", "sched", "context switches: times a thread left its CPU"),
	[PT_DK_RQ_WAITS] =
		INT("rq_waits", "sched", "run-queue waits (runnable to running) measured"),
	[PT_DK_RQ_P50_NS] = NS("rq_p50_ns", "sched",
			       "median run-queue wait: the upper bound of its histogram bucket "
			       "(four per power of two), at most 25% or 1 us above the true value"),
	[PT_DK_RQ_P99_NS] = NS("rq_p99_ns", "sched", "99th percentile run-queue wait, likewise"),
	[PT_DK_RQ_MAX_NS] =
		NS("rq_max_ns", "sched", "longest run-queue wait, exact (saturates at 4.29 s)"),
	[PT_DK_REPAIRED] =
		INT("repaired", "sched",
		    "switch-ins missed (no tracepoint fired), found when the thread left "
		    "its CPU: the time since was split by the kernel's count of its "
		    "runtime; absent when none"),
	[PT_DK_AT_END] = FLAG("at_end", "sched usage",
			      "still running (usage: or a zombie) when tracing ended: measured "
			      "to then"),
	[PT_DK_OLD_PPID] = INT("old_ppid", "reparent", "the parent that died"),
	[PT_DK_OLD_PARENT_TID] = INT("old_parent_tid", "reparent",
				     "its thread that died (the one that forked the child)"),
	[PT_DK_OLD_PARENT_COMM] = TEXT("old_parent_comm", "reparent", "its command name"),
	[PT_DK_ADOPTER] = TEXT("adopter", "reparent",
			       "how the kernel chose the new parent: thread (another thread of "
			       "the parent), subreaper, init (of the pid namespace)"),
	[PT_DK_ADOPTER_TID] = INT("adopter_tid", "reparent", "the new parent's thread"),
	[PT_DK_ADOPTER_COMM] = COMM_OF("adopter_comm", "reparent"),
	[PT_DK_CGROUP] = TEXT("cgroup", CGROUPS,
			      "its cgroup v2 path (cgroup_id's, as /proc/PID/cgroup writes it; on "
			      "a v1 hybrid the unified one's, not a v1 controller's), when known: "
			      "absent for a cgroup removed before the row was written (how many is "
			      "said on stderr)"),
	[PT_DK_CGROUP_NAME] = TEXT("cgroup_name", CGROUPS,
				   "the container (12 hex of its id), the Kubernetes pod (pod and "
				   "its uid, then /container) or the systemd unit the cgroup path "
				   "names, when it names one; else the one its v1 memory cgroup's "
				   "path (memcg) names"),
	[PT_DK_MEMCG_ID] = INT("memcg_id", TASK,
			       "its cgroup of the v1 memory controller (a hybrid's "
			       "/sys/fs/cgroup/memory): that hierarchy's id, not comparable with "
			       "cgroup_id; absent when memory is on the v2 hierarchy; on snapshot, "
			       "fork and exec rows, and on any other row where it is not the "
			       "last one its process's rows gave (fork lost, process moved)"),
	[PT_DK_MEMCG] = TEXT("memcg", TASK,
			     "that v1 memory cgroup's path (relative to its mount, as "
			     "/proc/PID/cgroup writes it), when known"),
	[PT_DK_LOST] = INT("lost", "lost", "events lost since the previous lost row"),
	[PT_DK_RESCAN] = INT("rescan", "lost",
			     "a rescan of the task list after lost events: the processes it found "
			     "(those the filters pick); its repair follows as rows"),
	[PT_DK_ENDED_UNSEEN] =
		INT("ended_unseen", "lost",
		    "of the processes believed alive, those it found gone or zombies "
		    "(exit or reap rows with unseen_from_ns)"),
	[PT_DK_BORN_UNSEEN] = INT("born_unseen", "lost",
				  "processes born unseen it added (snapshot rows with inferred=1)"),
	[PT_DK_SINCE_NS] =
		NS("since_ns", "lost",
		   "with rescan: the last time no event had been lost, CLOCK_BOOTTIME (0: "
		   "losses from the start)"),
	[PT_DK_KIND] =
		INT("KIND", "lost", "of those, lost events of that kind (fork=, exec=, ...)"),
};

const struct pt_field_def pt_json_keys[PT_NJKEYS] = {
	[PT_JK_HOST] = TEXT("host", ALL,
			    "JSON Lines only: the machine traced (its nodename); pids repeat "
			    "across machines"),
	[PT_JK_BOOT_ID] = TEXT("boot_id", ALL,
			       "JSON Lines only: its boot (/proc/sys/kernel/random/boot_id); ts_ns "
			       "starts again at each boot"),
};

const char *pt_type_name(enum pt_type t)
{
	static const char *const names[] = {
		[PT_TYPE_INT] = "integer", [PT_TYPE_HEX] = "integer", [PT_TYPE_FLAG] = "flag",
		[PT_TYPE_TEXT] = "text",   [PT_TYPE_ARGV] = "argv",   [PT_TYPE_DETAIL] = "detail",
	};

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static void print_table(FILE *f, const char *what, const struct pt_field_def *defs, size_t n)
{
	size_t i;

	fprintf(f, "| %s | type | unit | events | meaning |\n|---|---|---|---|---|\n", what);
	for (i = 0; i < n; i++)
		fprintf(f, "| `%s` | %s | %s | %s | %s |\n", defs[i].name,
			pt_type_name(defs[i].type), defs[i].unit, defs[i].events, defs[i].meaning);
}

int pt_schema_print(FILE *f)
{
	print_table(f, "column", pt_columns, PT_NCOLS);
	fputc('\n', f);
	print_table(f, "detail key", pt_detail_keys, PT_NDKEYS);
	fputc('\n', f);
	print_table(f, "JSON Lines key", pt_json_keys, PT_NJKEYS);
	return ferror(f) ? -1 : 0;
}
