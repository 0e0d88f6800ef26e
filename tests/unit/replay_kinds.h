/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Events of every kind, each way a kind's row can read, and what of each
 * the CSV keeps: the round trips' fixture (test_replay.c). */
#ifndef PROCTRACE_TEST_REPLAY_KINDS_H
#define PROCTRACE_TEST_REPLAY_KINDS_H

#include "replay_fixture.h"

/* ---- what the CSV keeps ---- */

static inline unsigned flags_kept(unsigned kind)
{
	switch (kind) {
	case PT_EXEC:
	case PT_EXEC_FAILED:
		return PT_F_ARGV_TRUNC | PT_F_ARGV_FAULT | PT_F_PATH_TRUNC | PT_F_PATH_FAULT;
	case PT_EXIT:
		return PT_F_GROUP_DEAD;
	case PT_SCHED_SUM:
		return PT_F_GROUP_DEAD | PT_F_SCHED_AT_END;
	case PT_REAP:
		return PT_F_AUTOREAP | PT_F_REAPER_UNKNOWN | PT_F_REAP_AT_FREE;
	case PT_SIGNAL:
		return PT_F_KERNEL_SENDER | PT_F_SIG_GROUP;
	case PT_STOP:
	case PT_CONTINUE:
		return PT_F_KERNEL_SENDER;
	default:
		return 0;
	}
}

/* ev as the CSV keeps it; the rest of what it loses the events of these
 * tests do not have (see replay.h): start times follow the births shown,
 * a thread's creator is in its process, setsid's caller is the task, the
 * session before a setpgid is the one after, exec argv is whole. */
/* CPU time only as adjusted microseconds */
static inline void kept_usage(struct pt_usage *k, const struct pt_usage *u)
{
	__u64 user, sys;

	pt_cputime_adjust(u, &user, &sys);
	k->utime_ns = k->prev_utime_ns = user / 1000 * 1000;
	k->stime_ns = k->prev_stime_ns = sys / 1000 * 1000;
	k->runtime_ns = k->utime_ns + k->stime_ns;
}

static inline struct pt_event *kept_of(const struct pt_event *ev)
{
	struct pt_event *k = malloc(ev->size);

	assert_non_null(k);
	memcpy(k, ev, ev->size);
	k->flags &= flags_kept(ev->kind);
	if (!pt_event_has_actor(ev)) {
		k->flags |= PT_F_NO_ACTOR;
		memset(&k->by, 0, sizeof(k->by));
	}
	switch (ev->kind) {
	case PT_FORK:
	case PT_THREAD:
		/* the parent's or creator's comm is not written */
		memset(k->by.comm, 0, PT_COMM_LEN);
		break;
	case PT_EXIT:
		kept_usage(&k->exit.usage, &ev->exit.usage);
		break;
	case PT_REAP:
		if (ev->reap.usage_at)
			kept_usage(&k->reap.usage, &ev->reap.usage);
		break;
	case PT_USAGE:
		kept_usage(&k->usage, &ev->usage);
		break;
	case PT_SIGNAL:
		if (ev->signal.result > PT_SIG_LOSE_INFO)
			k->signal.result = PT_SIG_LOSE_INFO + 1; /* written as "?" */
		break;
	case PT_STOP:
	case PT_CONTINUE:
		k->signal.result = 0;
		break;
	case PT_LOST:
		memset(&k->task, 0, sizeof(k->task));
		k->task.ts_ns = ev->task.ts_ns;
		break;
	}
	return k;
}

#define SAME(f)                                                                                    \
	do {                                                                                       \
		if (want->f != got->f)                                                             \
			fail_msg("event %zu (%s): " #f " is %lld, want %lld", i,                   \
				 pt_kind_name(want->kind), (long long)got->f, (long long)want->f); \
	} while (0)
#define SAME_BYTES(f, n)                                                                           \
	do {                                                                                       \
		if (memcmp(&want->f, &got->f, n))                                                  \
			fail_msg("event %zu (%s): " #f " differs", i, pt_kind_name(want->kind));   \
	} while (0)

static inline void assert_same_event(size_t i, const struct pt_event *want,
				     const struct pt_event *got)
{
	unsigned k;

	SAME(kind);
	SAME(flags);
	SAME(size);
	SAME(task.ts_ns);
	SAME(task.start_ns);
	SAME(task.cgroup_id);
	SAME(task.pid);
	SAME(task.tid);
	SAME(task.ppid);
	SAME(task.pgid);
	SAME(task.sid);
	SAME(task.uid);
	SAME(task.ns_pid);
	SAME(task.pidns);
	SAME(task.state);
	SAME_BYTES(task.comm, PT_COMM_LEN);
	SAME(by.pid);
	SAME(by.tid);
	SAME_BYTES(by.comm, PT_COMM_LEN);
	switch (want->kind) {
	case PT_EXEC:
		SAME(exec.old_tid);
		SAME(exec.argc);
		SAME(exec.args_size);
		SAME(exec.argv_len);
		SAME(exec.path_len);
		SAME_BYTES(data, want->exec.argv_len + want->exec.path_len);
		break;
	case PT_EXIT:
		SAME(exit.status);
		SAME(exit.usage.utime_ns);
		SAME(exit.usage.stime_ns);
		SAME(exit.usage.runtime_ns);
		SAME(exit.usage.maxrss_kb);
		SAME(exit.usage.minflt);
		SAME(exit.usage.majflt);
		SAME(exit.usage.nvcsw);
		SAME(exit.usage.nivcsw);
		break;
	case PT_REAP:
		SAME(reap.exit_ns);
		SAME(reap.usage_at);
		SAME(reap.usage.utime_ns);
		SAME(reap.usage.stime_ns);
		SAME(reap.usage.runtime_ns);
		SAME(reap.usage.prev_utime_ns);
		SAME(reap.usage.prev_stime_ns);
		SAME(reap.usage.maxrss_kb);
		SAME(reap.usage.minflt);
		SAME(reap.usage.majflt);
		SAME(reap.usage.nvcsw);
		SAME(reap.usage.nivcsw);
		SAME(reap.usage.inblock);
		SAME(reap.usage.oublock);
		break;
	case PT_SIGNAL:
	case PT_STOP:
	case PT_CONTINUE:
		SAME(signal.sig);
		SAME(signal.code);
		SAME(signal.result);
		break;
	case PT_SETPGID:
	case PT_SETSID:
		SAME(setpg.old_pgid);
		SAME(setpg.old_sid);
		break;
	case PT_RENAME:
		SAME_BYTES(rename.old_comm, PT_COMM_LEN);
		break;
	case PT_LOST:
		SAME(lost.count);
		for (k = 0; k < PT_KIND_MAX; k++)
			SAME(lost.by_kind[k]);
		break;
	}
	/* and nothing else: padding and unused bytes are zero on both sides */
	if (memcmp(want, got, want->size))
		fail_msg("event %zu (%s): bytes differ", i, pt_kind_name(want->kind));
}

/* ---- the events of the round trip ---- */

static inline void add_processes(struct events *es)
{
	struct pt_event *ev;

	/* running when tracing began */
	ev = add(es, PT_SNAPSHOT, T0, 1, 0);
	ev->flags = PT_F_NO_ACTOR;
	ev->task.start_ns = 40000000;
	ev->task.ppid = 0;
	set_comm(ev->task.comm, "systemd", 7);
	ev = add(es, PT_SNAPSHOT, T0 + 1, 812, 0);
	ev->flags = PT_F_NO_ACTOR;
	ev->task.start_ns = 900000000001ull;
	ev->task.state = PT_STATE_STOPPED;
	set_comm(ev->task.comm, "caf\xc3\xa9\xc3", 6); /* é, then a cut sequence */

	/* a child with every character CSV and the escapes must carry */
	ev = add(es, PT_FORK, T0 + 1000017, 1234, 0);
	ev->task.start_ns = ev->task.ts_ns;
	set_comm(ev->task.comm, "a,b\"c\r\nd\\\xff\x01\t", 13);
	set_by(ev, 812, 813, "bash");
	/* vfork()'s flags, glibc's fork() ones, a bit without a name */
	ev->clone = (struct pt_clone){ .flags = 0x4100 | 0x1200000 | (1ULL << 40),
				       .via = PT_VIA_VFORK };
	ev = add(es, PT_THREAD, T0 + 2000029, 1234, 0);
	ev->task.start_ns = T0 + 1000017;
	ev->task.tid = 1240;
	set_by(ev, 1234, 1234, "worker");
	ev->clone = (struct pt_clone){ .flags = 0x3d0f00, .via = PT_VIA_CLONE3 };
	ev = add(es, PT_UNSHARE, T0 + 2000030, 1234, 0);
	ev->task.start_ns = T0 + 1000017;
	ev->flags = PT_F_NO_ACTOR;
	ev->clone.flags = 0x04000000 | 0x20000000; /* CLONE_NEWUTS|CLONE_NEWPID */
	ev = add(es, PT_SETNS, T0 + 2000031, 1234, 0);
	ev->task.start_ns = T0 + 1000017;
	ev->flags = PT_F_NO_ACTOR;
	ev->clone.flags = 0x40000000; /* CLONE_NEWNET */
	ev = add(es, PT_FORK, T0 + 2500001, 1300, 0);
	ev->task.start_ns = ev->task.ts_ns;
	ev->flags = PT_F_NO_ACTOR;
	set_comm(ev->task.comm, "0123456789abcdef", 16); /* no NUL */
}

static inline void add_execs(struct events *es)
{
	static char big[10 * 1024 + 16];
	__u64 start = T0 + 1000017;
	struct pt_event *ev;
	size_t n;

	ev = ADD_EXEC(es, T0 + 3000041, 1234,
		      "sh\0-c\0echo \"a,b\"\nexit 3\0\0it's\0tab\there\0\xff\xfe\0"
		      "back\\slash\0\x01\x7f\0caf\xc3\xa9\0$HOME\0'\0\\\0*\0",
		      "/bin/sh", 14);
	ev->task.start_ns = start;
	ev->exec.old_tid = 1240; /* a non-leader thread called exec */

	/* a 10 KB argument, and argv[0] that looks like an assignment */
	n = 0;
	memcpy(big, "A=b\0", 4);
	n += 4;
	memset(big + n, 'x', 10 * 1024);
	n += 10 * 1024;
	big[n++] = '\0';
	ev = add_exec(es, T0 + 4000003, 1234, big, n, "/tmp/we\\ird,\xff\n\"x\"", 17, 2);
	ev->task.start_ns = start;

	/* cut in the middle of an argument: no NUL at the end */
	ev = ADD_EXEC(es, T0 + 5000007, 1234, "cc\0-c\0a.", "/usr/bin/x86_64-linux-gnu-gcc-12",
		      900);
	ev->task.start_ns = start;
	ev->flags |= PT_F_ARGV_TRUNC | PT_F_PATH_TRUNC;
	ev->exec.args_size = 51234;

	/* cut just after a NUL */
	ev = ADD_EXEC(es, T0 + 5000011, 1234, "cc\0-c\0", "/usr/bin/cc", 5);
	ev->task.start_ns = start;
	ev->flags |= PT_F_ARGV_TRUNC;
	ev->exec.args_size = 40000;

	/* unreadable argv; and an empty argument alone */
	ev = ADD_EXEC(es, T0 + 5000013, 1234, "", "/bin/true", 1);
	ev->task.start_ns = start;
	ev->flags |= PT_F_ARGV_FAULT;
	ev->exec.args_size = 5;
	ev = ADD_EXEC(es, T0 + 5000019, 1234, "\0", "/bin/\\x00\0z", 1);
	ev->task.start_ns = start;

	/* failed: before the point of no return, and past it */
	ev = ADD_EXEC(es, T0 + 5000021, 1234, "missing\0one arg\0", "/nonexistent/missing", 2);
	ev->kind = PT_EXEC_FAILED;
	ev->task.start_ns = start;
	ev->exec.error = 2;
	ev = ADD_EXEC(es, T0 + 5000023, 1234, "", "/bin/true", 0);
	ev->kind = PT_EXEC_FAILED;
	ev->task.start_ns = start;
	ev->flags |= PT_F_ARGV_FAULT;
	ev->exec.args_size = 0;
	ev->exec.error = 14;
	ev->exec.no_return = 1;

	/* its parent died: adopted by init */
	ev = add(es, PT_REPARENT, T0 + 5000025, 1234, 0);
	ev->task.start_ns = start;
	ev->task.ppid = 1;
	set_by(ev, 1, 1, "init");
	ev->reparent = (struct pt_reparent){ .old_ppid = 812,
					     .old_parent_tid = 813,
					     .adopter = PT_ADOPT_INIT };
	set_comm(ev->reparent.old_parent_comm, "ba sh", 5);
}

static inline void add_signals(struct events *es)
{
	__u64 start = T0 + 1000017;
	struct pt_event *ev;

	ev = add(es, PT_SIGNAL, T0 + 6000001, 1234, 0);
	ev->task.start_ns = start;
	ev->signal = (struct pt_signal){ .sig = 15, .code = 0 };
	set_by(ev, 812, 813, "ba sh\\\n");
	ev = add(es, PT_SIGNAL, T0 + 6000002, 1234, 0);
	ev->task.start_ns = start;
	ev->flags = PT_F_SIG_GROUP;
	ev->signal = (struct pt_signal){ .sig = 40, .code = -6, .result = PT_SIG_ALREADY_PENDING };
	set_by(ev, 812, 813, "bash");
	/* the kernel's own: it fills by with the current task, which the CSV
	 * does not keep */
	ev = add(es, PT_SIGNAL, T0 + 6000003, 1234, 0);
	ev->task.start_ns = start;
	ev->flags = PT_F_KERNEL_SENDER;
	ev->signal = (struct pt_signal){ .sig = 11, .code = 128, .result = PT_SIG_IGNORED };
	set_by(ev, 1234, 1234, "worker");
	/* names at the edges: SIGRTMAX-3, SIG32, SIG0, SIGRTMIN, SIGRTMAX; a
	 * result with no name; the lowest si_code */
	ev = add(es, PT_SIGNAL, T0 + 6000004, 1234, 0);
	ev->task.start_ns = start;
	ev->signal = (struct pt_signal){ .sig = 61, .code = INT32_MIN, .result = 9 };
	set_by(ev, 1, 1, "systemd");
	ev = add(es, PT_SIGNAL, T0 + 6000005, 1234, 0);
	ev->task.start_ns = start;
	ev->signal =
		(struct pt_signal){ .sig = 32, .code = INT32_MAX, .result = PT_SIG_OVERFLOW_FAIL };
	set_by(ev, 1, 1, "systemd");
	ev = add(es, PT_SIGNAL, T0 + 6000006, 1234, 0);
	ev->task.start_ns = start;
	ev->signal = (struct pt_signal){ .sig = 0, .result = PT_SIG_LOSE_INFO };
	set_by(ev, 1, 1, "systemd");
	ev = add(es, PT_STOP, T0 + 6000007, 1234, 0);
	ev->task.start_ns = start;
	ev->task.state = PT_STATE_STOPPED;
	ev->signal = (struct pt_signal){ .sig = 34 };
	set_by(ev, 812, 813, "bash");
	ev = add(es, PT_STOP, T0 + 6000008, 1234, 0);
	ev->task.start_ns = start;
	ev->task.state = PT_STATE_STOPPED;
	ev->flags = PT_F_KERNEL_SENDER | PT_F_NO_ACTOR;
	ev->signal = (struct pt_signal){ .sig = 21, .code = 128 };
	ev = add(es, PT_CONTINUE, T0 + 6000009, 1234, 0);
	ev->task.start_ns = start;
	ev->signal = (struct pt_signal){ .sig = 64, .code = 0 };
	ev->flags = PT_F_NO_ACTOR;
}

static inline void add_groups_and_names(struct events *es)
{
	__u64 start = T0 + 1000017;
	struct pt_event *ev;

	ev = add(es, PT_SETPGID, T0 + 7000001, 1234, 0);
	ev->task.start_ns = start;
	ev->setpg = (struct pt_setpg){ .old_pgid = 1000, .old_sid = 812 };
	set_by(ev, 812, 813, "bash");
	ev = add(es, PT_SETSID, T0 + 7000002, 1234, 0);
	ev->task.start_ns = start;
	ev->task.sid = 1234;
	ev->setpg = (struct pt_setpg){ .old_pgid = 1234, .old_sid = 812 };
	set_by(ev, 1234, 1234, "worker");
	ev = add(es, PT_RENAME, T0 + 7000003, 1234, 0);
	ev->task.start_ns = start;
	set_comm(ev->task.comm, "kworker/0:1 x\\", 14);
	set_comm(ev->rename.old_comm, "x y\"\n\\\t\r\xff,", 10);
	set_by(ev, 1234, 1240, "worker");
}

/* --sched: a state change, a thread's, a process's and an at-end sum. */
static inline void add_sched(struct events *es)
{
	__u64 start = T0 + 1000017;
	struct pt_event *ev;
	unsigned i;

	ev = add(es, PT_SCHED_STATE, T0 + 7500001, 1234, 0);
	ev->task.start_ns = start;
	ev->task.tid = 1240;
	ev->task.state = PT_STATE_DISK_SLEEP;
	ev->flags = PT_F_NO_ACTOR;
	ev->sched_change = (struct pt_sched_change){ .prev_state = PT_STATE_RUNNING,
						     .cpu = 1,
						     .prev_ns = UINT64_MAX };
	ev = add(es, PT_SCHED_STATE, T0 + 7500002, 1234, 0);
	ev->task.start_ns = start;
	ev->task.state = PT_STATE_TRACED;
	ev->flags = PT_F_NO_ACTOR;
	ev->sched_change = (struct pt_sched_change){ .prev_state = PT_STATE_ALIVE };
	ev = add(es, PT_SCHED_SUM, T0 + 7500003, 1234, 0);
	ev->task.start_ns = start;
	ev->task.tid = 1240;
	ev->flags = PT_F_NO_ACTOR;
	for (i = 0; i < PT_NSLOTS; i++)
		ev->sched_sum.ns[i] = 1000000ull * (i + 1) + i;
	ev->sched_sum.switches = 3;
	ev->sched_sum.waits = 2;
	ev->sched_sum.rq_p50_ns = 1023;
	ev->sched_sum.rq_p99_ns = 1279;
	ev->sched_sum.rq_max_ns = 1200;
	ev = add(es, PT_SCHED_SUM, T0 + 7500004, 1234, 0);
	ev->task.start_ns = start;
	ev->task.state = PT_STATE_ZOMBIE;
	ev->flags = PT_F_GROUP_DEAD | PT_F_NO_ACTOR;
	ev->sched_sum.ns[PT_SLOT_TRACED] = UINT64_MAX;
	ev->sched_sum.rq_max_ns = UINT32_MAX;
	ev = add(es, PT_SCHED_SUM, T0 + 7500005, 1300, 0);
	ev->task.start_ns = T0 + 2500001;
	ev->flags = PT_F_SCHED_AT_END | PT_F_NO_ACTOR;
	ev->sched_sum.ns[PT_SLOT_RUNNING] = 5;
	/* its usage at the end: alive then */
	ev = add(es, PT_USAGE, T0 + 7500006, 1300, 0);
	ev->task.start_ns = T0 + 2500001;
	ev->flags = PT_F_NO_ACTOR;
	ev->usage = (struct pt_usage){ .utime_ns = 3000000,
				       .stime_ns = 1000000,
				       .runtime_ns = 4100000,
				       .maxrss_kb = 2048,
				       .minflt = 70,
				       .nivcsw = 3,
				       .inblock = 8 };
}

static inline void add_ends(struct events *es)
{
	__u64 start = T0 + 1000017;
	struct pt_event *ev;

	ev = add(es, PT_EXIT, T0 + 8000001, 1234, 0);
	ev->task.start_ns = start;
	ev->task.tid = 1240;
	ev->exit = (struct pt_exit){ .status = 0,
				     .usage.utime_ns = 1000,
				     .usage.stime_ns = 0,
				     .usage.runtime_ns = 1999,
				     .usage.maxrss_kb = 1,
				     .usage.nvcsw = 1,
				     .usage.inblock = 16384,
				     .usage.oublock = UINT64_MAX };
	ev = add(es, PT_EXIT, T0 + 8000002, 1234, 0);
	ev->task.start_ns = start;
	ev->task.state = PT_STATE_ZOMBIE;
	ev->flags = PT_F_GROUP_DEAD | PT_F_NO_ACTOR;
	ev->exit = (struct pt_exit){
		.status = 3 << 8,
		.usage.utime_ns = 3000000,
		.usage.stime_ns = 1000000,
		.usage.runtime_ns = 8000777,
		.usage.maxrss_kb = 5120,
		.usage.minflt = 300,
		.usage.majflt = 2,
		.usage.nvcsw = 17,
		.usage.nivcsw = UINT64_MAX,
	};
	ev = add(es, PT_REAP, T0 + 8000003, 1234, 0);
	ev->task.start_ns = start;
	ev->task.state = PT_STATE_REAPED;
	ev->reap.exit_ns = T0 + 8000002;
	/* the final usage, the split a wait4() already reported */
	ev->reap.usage_at = PT_USAGE_RELEASED;
	ev->reap.usage = (struct pt_usage){
		.utime_ns = 3000000,
		.stime_ns = 1000000,
		.runtime_ns = 8400777,
		.prev_utime_ns = 6300582,
		.prev_stime_ns = 2100195,
		.maxrss_kb = 5124,
		.minflt = 301,
		.majflt = 2,
		.nvcsw = 18,
		.nivcsw = 3,
		.inblock = 8,
		.oublock = 16,
	};
	set_by(ev, 812, 813, "bash");

	/* killed, core dumped; released without a wait() */
	ev = add(es, PT_EXIT, T0 + 8000004, 1300, 0);
	ev->task.start_ns = T0 + 2500001;
	ev->task.state = PT_STATE_ZOMBIE;
	ev->flags = PT_F_GROUP_DEAD;
	ev->exit = (struct pt_exit){ .status = 6 | 0x80,
				     .usage.utime_ns = 0,
				     .usage.stime_ns = 5000,
				     .usage.runtime_ns = 123456789 };
	ev = add(es, PT_REAP, T0 + 8000005, 1300, 0);
	ev->task.start_ns = T0 + 2500001;
	ev->task.state = PT_STATE_REAPED;
	ev->flags = PT_F_AUTOREAP;
	ev->reap.exit_ns = T0 + 8000004;
	set_by(ev, 9, 9, "ignored");
	/* released by a wait() that did not name it: seen at its free, by
	 * the real parent, thread unknown */
	ev = add(es, PT_REAP, T0 + 8000006, 1301, 0);
	ev->task.start_ns = T0 + 8000006; /* no birth in the file */
	ev->task.state = PT_STATE_REAPED;
	ev->flags = PT_F_REAP_AT_FREE;
	ev->reap.exit_ns = T0 + 8000001;
	set_by(ev, 1234, 0, "waiter");

	/* the snapshot's stopped bash: a status no wait() gives, then freed
	 * with no wait() seen and no exit time */
	ev = add(es, PT_EXIT, T0 + 9000001, 812, 0);
	ev->task.start_ns = 900000000001ull;
	ev->task.state = PT_STATE_ZOMBIE;
	ev->flags = PT_F_GROUP_DEAD | PT_F_SIG_GROUP;
	ev->exit.status = 0x137f;
	ev = add(es, PT_EXIT, T0 + 9000002, 812, 0);
	ev->task.start_ns = 900000000001ull;
	ev->task.state = PT_STATE_ZOMBIE;
	ev->flags = PT_F_GROUP_DEAD;
	ev->exit.status = 9;
	ev->exit.cause = PT_CAUSE_SIGNAL;
	ev->exit.has_code = 1;
	ev->exit.code = 0;
	set_by(ev, 900, 901, "killer");
	ev = add(es, PT_REAP, T0 + 9000003, 812, 0);
	ev->task.start_ns = 900000000001ull;
	ev->task.state = PT_STATE_REAPED;
	ev->flags = PT_F_REAPER_UNKNOWN | PT_F_NO_ACTOR;
	/* its final usage all the same: no zombie time to come with it */
	ev->reap.usage_at = PT_USAGE_RELEASED;
	ev->reap.usage = (struct pt_usage){ .utime_ns = 2000, .runtime_ns = 2000, .nvcsw = 1 };

	ev = add(es, PT_LOST, T0 + 9000004, 0, 0);
	memset(&ev->task, 0, sizeof(ev->task));
	ev->task.ts_ns = T0 + 9000004;
	ev->flags = PT_F_NO_ACTOR;
	ev->lost.count = 38;
	ev->lost.by_kind[PT_EXEC] = 12;
	ev->lost.by_kind[PT_EXIT] = 25;
	ev->lost.by_kind[PT_LOST] = 1; /* named "lost" like the count */
}

static inline void add_every_kind(struct events *es)
{
	add_processes(es);
	add_execs(es);
	add_signals(es);
	add_groups_and_names(es);
	add_sched(es);
	add_ends(es);
}

#endif
