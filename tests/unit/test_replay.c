// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* replay.c: events of every kind written by the CSV writer come back equal,
 * field by field, to what the CSV keeps of them, and written again they
 * give the very same bytes; start times follow the pids through reuse;
 * malformed files fail with the line they fail on. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "proctrace/replay.h"
#include "proctrace/writer.h"

static const char header[] =
	"ts_ns,time,event,pid,tid,ppid,pgid,sid,uid,comm,by_pid,signal,"
	"exit_code,core_dumped,state,filename,argv,cpu_user_us,cpu_sys_us,"
	"maxrss_kb,minflt,majflt,nvcsw,nivcsw,inblock,oublock,ns_pid,pidns,cgroup_id,detail\n";

/* Boot was 1000 s before 2026-11-25T17:34:37Z, and 123 ns more: rows whose
 * ts_ns differ below the microsecond pin the clock down. */
static const struct pt_clock clock_fixed = {
	.boot_to_real_ns = (1795628077LL - 1000) * 1000000000LL + 123,
};

#define T0 1000000000000ull /* 1000 s after boot */

/* ---- building events ---- */

struct events {
	struct pt_event *ev[64];
	size_t n;
};

static struct pt_event *add(struct events *es, unsigned kind, __u64 ts, __u32 pid, size_t data_len)
{
	struct pt_event *ev = calloc(1, sizeof(*ev) + data_len);

	assert_non_null(ev);
	assert_true(es->n < sizeof(es->ev) / sizeof(es->ev[0]));
	ev->kind = kind;
	ev->size = sizeof(*ev) + data_len;
	ev->task = (struct pt_task){
		.ts_ns = ts,
		.start_ns = 0,
		.cgroup_id = 4242,
		.pid = pid,
		.tid = pid,
		.ppid = 812,
		.pgid = pid,
		.sid = 812,
		.uid = 1000,
		.ns_pid = 34,
		.pidns = 4026531836u,
		.state = PT_STATE_ALIVE,
		.comm = "worker",
	};
	es->ev[es->n++] = ev;
	return ev;
}

static void set_by(struct pt_event *ev, __u32 pid, __u32 tid, const char *comm)
{
	ev->by.pid = pid;
	ev->by.tid = tid;
	memset(ev->by.comm, 0, PT_COMM_LEN);
	memcpy(ev->by.comm, comm, strnlen(comm, PT_COMM_LEN));
}

static void set_comm(char *comm, const char *s, size_t n)
{
	memset(comm, 0, PT_COMM_LEN);
	memcpy(comm, s, n);
}

/* An exec whose argv block is argv[0..argv_len), as the kernel reads it:
 * args_size is the whole block unless the flags say it was cut. */
static struct pt_event *add_exec(struct events *es, __u64 ts, __u32 pid, const char *argv,
				 size_t argv_len, const char *path, size_t path_len, unsigned argc)
{
	struct pt_event *ev = add(es, PT_EXEC, ts, pid, argv_len + path_len);

	memcpy(ev->data, argv, argv_len);
	memcpy(ev->data + argv_len, path, path_len);
	ev->flags = PT_F_NO_ACTOR;
	ev->exec = (struct pt_exec){
		.old_tid = pid,
		.argc = argc,
		.args_size = (__u32)argv_len,
		.argv_len = (__u32)argv_len,
		.path_len = (__u32)path_len,
	};
	return ev;
}
#define ADD_EXEC(es, ts, pid, argv_lit, path_lit, argc)                                            \
	add_exec(es, ts, pid, argv_lit, sizeof(argv_lit) - 1, path_lit, sizeof(path_lit) - 1, argc)

static void events_free(struct events *es)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		free(es->ev[i]);
	es->n = 0;
}

/* ---- writing and replaying ---- */

static FILE *csv_file(struct pt_event *const *evs, size_t n, const struct pt_clock *clock)
{
	FILE *f = tmpfile();
	struct pt_csv *w;
	size_t i;

	assert_non_null(f);
	w = pt_csv_open(f, clock);
	assert_non_null(w);
	for (i = 0; i < n; i++)
		assert_int_equal(pt_csv_write(w, evs[i]), 0);
	assert_int_equal(pt_csv_close(w), 0);
	rewind(f);
	return f;
}

/* The whole file, read without moving its offset. */
static char *file_text(FILE *f)
{
	struct stat st;
	off_t len;
	char *text;

	assert_int_equal(fstat(fileno(f), &st), 0);
	len = st.st_size;
	text = calloc(1, len + 1);
	assert_non_null(text);
	assert_int_equal(pread(fileno(f), text, len, 0), len);
	return text;
}

static char *csv_text(struct pt_event *const *evs, size_t n, const struct pt_clock *clock)
{
	FILE *f = csv_file(evs, n, clock);
	char *text = file_text(f);

	fclose(f);
	return text;
}

/* Every event of f, copied; the clock recovered from it in *clock. */
static void replay_all(FILE *f, struct events *out, struct pt_clock *clock)
{
	struct pt_replay *r;
	const struct pt_event *ev;
	char err[256] = "";
	int ret;

	r = pt_replay_open(f, err, sizeof(err));
	if (!r)
		fail_msg("open: %s", err);
	while ((ret = pt_replay_next(r, &ev, err, sizeof(err))) > 0) {
		struct pt_event *copy = malloc(ev->size);

		assert_non_null(copy);
		assert_true(ev->size >= sizeof(*ev));
		memcpy(copy, ev, ev->size);
		assert_true(out->n < sizeof(out->ev) / sizeof(out->ev[0]));
		out->ev[out->n++] = copy;
	}
	if (ret < 0)
		fail_msg("replay: %s", err);
	if (clock)
		assert_true(pt_replay_clock(r, clock));
	pt_replay_close(r);
}

/* ---- what the CSV keeps ---- */

static unsigned flags_kept(unsigned kind)
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
static void kept_usage(struct pt_usage *k, const struct pt_usage *u)
{
	__u64 user, sys;

	pt_cputime_adjust(u, &user, &sys);
	k->utime_ns = k->prev_utime_ns = user / 1000 * 1000;
	k->stime_ns = k->prev_stime_ns = sys / 1000 * 1000;
	k->runtime_ns = k->utime_ns + k->stime_ns;
}

static struct pt_event *kept_of(const struct pt_event *ev)
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

static void assert_same_event(size_t i, const struct pt_event *want, const struct pt_event *got)
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

static void add_processes(struct events *es)
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

static void add_execs(struct events *es)
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

static void add_signals(struct events *es)
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

static void add_groups_and_names(struct events *es)
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
static void add_sched(struct events *es)
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

static void add_ends(struct events *es)
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

	ev = add(es, PT_LOST, T0 + 9000004, 0, 0);
	memset(&ev->task, 0, sizeof(ev->task));
	ev->task.ts_ns = T0 + 9000004;
	ev->flags = PT_F_NO_ACTOR;
	ev->lost.count = 38;
	ev->lost.by_kind[PT_EXEC] = 12;
	ev->lost.by_kind[PT_EXIT] = 25;
	ev->lost.by_kind[PT_LOST] = 1; /* named "lost" like the count */
}

static void add_every_kind(struct events *es)
{
	add_processes(es);
	add_execs(es);
	add_signals(es);
	add_groups_and_names(es);
	add_sched(es);
	add_ends(es);
}

/* ---- round trip ---- */

static void test_replay_round_trip(void **state)
{
	struct events orig = { 0 }, back = { 0 };
	struct pt_clock clock;
	char *text, *again;
	unsigned kinds = 0;
	FILE *f;
	size_t i;

	add_every_kind(&orig);
	for (i = 0; i < orig.n; i++)
		kinds |= 1u << orig.ev[i]->kind;
	assert_int_equal(kinds, ((1u << PT_KIND_MAX) - 1) & ~1u); /* every kind */

	f = csv_file(orig.ev, orig.n, &clock_fixed);
	text = file_text(f);
	replay_all(f, &back, &clock);
	fclose(f);
	assert_int_equal(back.n, orig.n);
	for (i = 0; i < orig.n; i++) {
		struct pt_event *want = kept_of(orig.ev[i]);

		assert_same_event(i, want, back.ev[i]);
		free(want);
	}

	/* written again, with the writer's clock and with the recovered one */
	again = csv_text(back.ev, back.n, &clock_fixed);
	assert_string_equal(again, text);
	free(again);
	again = csv_text(back.ev, back.n, &clock);
	assert_string_equal(again, text);
	free(again);
	free(text);
	events_free(&orig);
	events_free(&back);
}

static FILE *json_file(struct pt_event *const *evs, size_t n, const struct pt_clock *clock)
{
	FILE *f = tmpfile();
	struct pt_jsonl *w;
	size_t i;

	assert_non_null(f);
	w = pt_jsonl_open(f, clock);
	assert_non_null(w);
	for (i = 0; i < n; i++)
		assert_int_equal(pt_jsonl_write(w, evs[i]), 0);
	assert_int_equal(pt_jsonl_close(w), 0);
	rewind(f);
	return f;
}

/* JSON Lines carries what the CSV does: every kind reads back as from the
 * CSV, and JSON -> JSON and JSON -> CSV are byte for byte. */
static void test_replay_json_round_trip(void **state)
{
	struct events orig = { 0 }, back = { 0 };
	struct pt_clock clock;
	char *text, *again;
	FILE *f;
	size_t i;

	add_every_kind(&orig);
	f = json_file(orig.ev, orig.n, &clock_fixed);
	text = file_text(f);
	replay_all(f, &back, &clock);
	fclose(f);
	assert_int_equal(back.n, orig.n);
	for (i = 0; i < orig.n; i++) {
		struct pt_event *want = kept_of(orig.ev[i]);

		assert_same_event(i, want, back.ev[i]);
		free(want);
	}
	f = json_file(back.ev, back.n, &clock);
	again = file_text(f);
	fclose(f);
	assert_string_equal(again, text);
	free(again);
	free(text);
	text = csv_text(orig.ev, orig.n, &clock_fixed);
	again = csv_text(back.ev, back.n, &clock);
	assert_string_equal(again, text);
	free(again);
	free(text);
	events_free(&orig);
	events_free(&back);
}

/* What each flag reads back as, one event at a time. */
static void test_replay_flags(void **state)
{
	static const struct {
		unsigned kind, flags, want;
	} cases[] = {
		{ PT_EXIT, PT_F_GROUP_DEAD, PT_F_GROUP_DEAD | PT_F_NO_ACTOR },
		{ PT_EXIT, 0, PT_F_NO_ACTOR },
		{ PT_REAP, PT_F_AUTOREAP, PT_F_AUTOREAP | PT_F_NO_ACTOR },
		{ PT_REAP, PT_F_REAPER_UNKNOWN | PT_F_NO_ACTOR,
		  PT_F_REAPER_UNKNOWN | PT_F_NO_ACTOR },
		{ PT_REAP, PT_F_AUTOREAP | PT_F_REAPER_UNKNOWN,
		  PT_F_AUTOREAP | PT_F_REAPER_UNKNOWN | PT_F_NO_ACTOR },
		{ PT_REAP, 0, 0 },
		{ PT_REAP, PT_F_REAP_AT_FREE, PT_F_REAP_AT_FREE },
		{ PT_SIGNAL, PT_F_KERNEL_SENDER, PT_F_KERNEL_SENDER | PT_F_NO_ACTOR },
		{ PT_SIGNAL, PT_F_SIG_GROUP, PT_F_SIG_GROUP },
		{ PT_SIGNAL, PT_F_NO_ACTOR, PT_F_NO_ACTOR },
		{ PT_STOP, PT_F_SIG_GROUP, 0 }, /* not shown on stop */
		{ PT_CONTINUE, PT_F_KERNEL_SENDER, PT_F_KERNEL_SENDER | PT_F_NO_ACTOR },
		{ PT_FORK, PT_F_NO_ACTOR, PT_F_NO_ACTOR },
		{ PT_FORK, PT_F_GROUP_DEAD, 0 }, /* meaningless there, not kept */
		{ PT_SETPGID, 0, 0 },
		{ PT_RENAME, 0, PT_F_NO_ACTOR },
		{ PT_SNAPSHOT, 0, PT_F_NO_ACTOR },
		{ PT_EXEC, PT_F_ARGV_TRUNC | PT_F_ARGV_FAULT | PT_F_PATH_TRUNC,
		  PT_F_ARGV_TRUNC | PT_F_ARGV_FAULT | PT_F_PATH_TRUNC | PT_F_NO_ACTOR },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct events orig = { 0 }, back = { 0 };
		struct pt_event *ev;
		FILE *f;

		if (cases[i].kind == PT_EXEC)
			ev = ADD_EXEC(&orig, T0, 50, "", "/x", 0);
		else
			ev = add(&orig, cases[i].kind, T0, 50, 0);
		ev->flags = cases[i].flags;
		set_by(ev, 7, 7, "x");
		f = csv_file(orig.ev, 1, &clock_fixed);
		replay_all(f, &back, NULL);
		fclose(f);
		assert_int_equal(back.n, 1);
		if (back.ev[0]->flags != cases[i].want)
			fail_msg("case %zu (%s, 0x%x): flags 0x%x, want 0x%x", i,
				 pt_kind_name(cases[i].kind), cases[i].flags, back.ev[0]->flags,
				 cases[i].want);
		events_free(&orig);
		events_free(&back);
	}
}

/* A file without status=0x... (detail cut off by hand, say): the status
 * comes from the exit_code, signal and core_dumped columns. */
static void test_replay_exit_status_from_columns(void **state)
{
	static const char *const rows[] = {
		"1,2026-11-25T17:17:57.000000Z,exit,5,5,1,5,1,0,x,,,3,0,zombie,,,1,2,3,4,5,6,7,8,9,5,1,1,"
		"\n",
		"1,2026-11-25T17:17:57.000000Z,exit,5,5,1,5,1,0,x,,SIGABRT,,1,zombie,,,1,2,3,4,5,6,7,8,9,5,"
		"1,1,\n",
		"1,2026-11-25T17:17:57.000000Z,exit,5,5,1,5,1,0,x,,SIGRTMIN+2,,0,zombie,,,1,2,3,4,5,6,"
		"7,8,9,5,1,1,\n",
	};
	static const __u32 want[] = { 3 << 8, 6 | 0x80, 36 };
	const struct pt_event *ev;
	struct pt_replay *r;
	char text[512], err[256];
	size_t i;
	FILE *f;

	for (i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "%s%s", header, rows[i]);
		f = fmemopen(text, strlen(text), "r");
		assert_non_null(f);
		r = pt_replay_open(f, err, sizeof(err));
		assert_non_null(r);
		if (pt_replay_next(r, &ev, err, sizeof(err)) != 1)
			fail_msg("row %zu: %s", i, err);
		assert_int_equal(ev->exit.status, want[i]);
		assert_int_equal(ev->flags, PT_F_GROUP_DEAD | PT_F_NO_ACTOR);
		assert_int_equal(ev->exit.usage.utime_ns, 1000);
		assert_int_equal(ev->exit.usage.stime_ns, 2000);
		assert_int_equal(ev->exit.usage.runtime_ns, 3000);
		assert_int_equal(ev->exit.usage.nivcsw, 7);
		pt_replay_close(r);
		fclose(f);
	}
}

/* ---- start times: which process holds a pid ---- */

static void test_replay_start_follows_pids(void **state)
{
	struct events orig = { 0 }, back = { 0 };
	struct pt_event *ev;
	size_t i;
	FILE *f;
	static const __u64 want[] = {
		3000000000ull, /* snapshot: its own start */
		3000000000ull, /* rename of it */
		T0 + 10,       /* fork of 500 */
		T0 + 10,       /* its exit */
		T0 + 30,       /* 500 again, its reap not seen yet */
		T0 + 10,       /* the late reap: the one that exited */
		T0 + 30,       /* the new 500 goes on */
		T0 + 50,       /* 600, birth not in the file */
		T0 + 50,       /* its exit */
		T0 + 50,       /* its reap */
		T0 + 80,       /* 600 again, birth not in the file either */
		T0 + 30,       /* a thread of the new 500 */
	};

	ev = add(&orig, PT_SNAPSHOT, T0, 700, 0);
	ev->task.start_ns = 3000000000ull;
	add(&orig, PT_RENAME, T0 + 1, 700, 0);
	add(&orig, PT_FORK, T0 + 10, 500, 0);
	ev = add(&orig, PT_EXIT, T0 + 20, 500, 0);
	ev->flags = PT_F_GROUP_DEAD;
	add(&orig, PT_FORK, T0 + 30, 500, 0);
	add(&orig, PT_REAP, T0 + 35, 500, 0);
	add(&orig, PT_SETSID, T0 + 40, 500, 0);
	add(&orig, PT_SETPGID, T0 + 50, 600, 0);
	ev = add(&orig, PT_EXIT, T0 + 60, 600, 0);
	ev->flags = PT_F_GROUP_DEAD;
	add(&orig, PT_REAP, T0 + 70, 600, 0);
	add(&orig, PT_SETPGID, T0 + 80, 600, 0);
	ev = add(&orig, PT_THREAD, T0 + 90, 500, 0);
	ev->task.tid = 501;
	set_by(ev, 500, 500, "worker");
	assert_int_equal(orig.n, sizeof(want) / sizeof(want[0]));

	f = csv_file(orig.ev, orig.n, &clock_fixed);
	replay_all(f, &back, NULL);
	fclose(f);
	assert_int_equal(back.n, orig.n);
	for (i = 0; i < back.n; i++)
		if (back.ev[i]->task.start_ns != want[i])
			fail_msg("event %zu (%s of %u): start_ns %llu, want %llu", i,
				 pt_kind_name(back.ev[i]->kind), back.ev[i]->task.pid,
				 (unsigned long long)back.ev[i]->task.start_ns,
				 (unsigned long long)want[i]);
	events_free(&orig);
	events_free(&back);
}

/* ---- the clock ---- */

static void test_replay_clock(void **state)
{
	static const char epoch_rows[] =
		"1000,@1795628077.123456789,fork,9,9,1,9,1,0,x,,,,,alive,,,,,,,,,,,,9,1,1,\n"
		"2000,@-5.000000100,fork,10,10,1,10,1,0,x,,,,,alive,,,,,,,,,,,,10,1,1,\n";
	struct events orig = { 0 }, back = { 0 };
	struct pt_clock clock;
	struct pt_replay *r;
	const struct pt_event *ev;
	char err[256], text[512];
	FILE *f;

	/* header only: no clock yet, and no events */
	f = csv_file(NULL, 0, &clock_fixed);
	r = pt_replay_open(f, err, sizeof(err));
	assert_non_null(r);
	assert_false(pt_replay_clock(r, &clock));
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), 0);
	pt_replay_close(r);
	fclose(f);

	/* one row: within the microsecond its time column names */
	add(&orig, PT_FORK, T0 + 500, 9, 0);
	f = csv_file(orig.ev, 1, &clock_fixed);
	replay_all(f, &back, &clock);
	fclose(f);
	assert_true(clock.boot_to_real_ns > clock_fixed.boot_to_real_ns - 1000);
	assert_true(clock.boot_to_real_ns < clock_fixed.boot_to_real_ns + 1000);
	events_free(&orig);
	events_free(&back);

	/* the writer's form for times gmtime cannot show: exact nanoseconds;
	 * a row that fits no clock of the rows before leaves it as it was */
	snprintf(text, sizeof(text), "%s%s", header, epoch_rows);
	f = fmemopen(text, strlen(text), "r");
	assert_non_null(f);
	r = pt_replay_open(f, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), 1);
	assert_true(pt_replay_clock(r, &clock));
	assert_int_equal(clock.boot_to_real_ns, 1795628077123456789LL - 1000);
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), 1);
	assert_true(pt_replay_clock(r, &clock));
	assert_int_equal(clock.boot_to_real_ns, 1795628077123456789LL - 1000);
	pt_replay_close(r);
	fclose(f);

	snprintf(text, sizeof(text), "%s%s", header, strchr(epoch_rows, '\n') + 1);
	f = fmemopen(text, strlen(text), "r");
	assert_non_null(f);
	r = pt_replay_open(f, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), 1);
	assert_true(pt_replay_clock(r, &clock));
	assert_int_equal(clock.boot_to_real_ns, -4999999900LL - 2000);
	pt_replay_close(r);
	fclose(f);
}

/* ---- malformed input ---- */

/* A good fork row, as the writer makes it with clock_fixed; cols[] of it
 * can be replaced to spoil it. */
static const char *const good_cols[] = {
	"1000000000123",
	"2026-11-25T17:34:37.000000Z",
	"fork",
	"1234",
	"1234",
	"812",
	"1234",
	"812",
	"1000",
	"worker",
	"812",
	"",
	"",
	"",
	"alive",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"34",
	"4026531836",
	"4242",
	"parent_tid=813",
};
#define N_COLS 30

/* The row with column col set to value (col < 0: unchanged). */
static void row_with(struct pt_buf *b, int col, const char *value)
{
	int c;

	for (c = 0; c < N_COLS; c++) {
		if (c)
			pt_buf_putc(b, ',');
		pt_buf_puts(b, c == col ? value : good_cols[c]);
	}
	pt_buf_putc(b, '\n');
}

struct outcome {
	int open_ok;
	int events;    /* read before the first error or the end */
	int ret;       /* what ended them: 0 or the error */
	char err[256]; /* open's or next's error */
};

static void replay_text(const char *text, size_t len, struct outcome *o)
{
	const struct pt_event *ev;
	struct pt_replay *r;
	FILE *f = fmemopen((void *)text, len, "r");

	assert_non_null(f);
	memset(o, 0, sizeof(*o));
	r = pt_replay_open(f, o->err, sizeof(o->err));
	o->open_ok = r != NULL;
	while (r && (o->ret = pt_replay_next(r, &ev, o->err, sizeof(o->err))) > 0)
		o->events++;
	pt_replay_close(r);
	fclose(f);
}

/* header + one row with col replaced: the error of that row. */
static void assert_bad_column(int col, const char *value, const char *want_err)
{
	struct pt_buf b = { 0 };
	struct outcome o;

	pt_buf_puts(&b, header);
	row_with(&b, col, value);
	replay_text(b.data, b.len, &o);
	assert_true(o.open_ok);
	assert_int_equal(o.events, 0);
	assert_int_equal(o.ret, -EINVAL);
	assert_string_equal(o.err, want_err);
	pt_buf_free(&b);
}

/* A setpgid row of a capture made before caller_tid and caller_comm were
 * written: read, its caller named by its comm only when it is the process
 * itself (by_pid = pid), else by its pid alone. */
static void test_replay_setpgid_older_capture(void **state)
{
	static const char *const by[] = { "1234", "812" };
	static const char *const want_comm[] = { "worker", "" };
	const char *cols[N_COLS];
	const struct pt_event *ev;
	struct pt_replay *r;
	struct pt_buf b = { 0 };
	char err[256] = "";
	unsigned i;
	int c;
	FILE *f;

	for (i = 0; i < 2; i++) {
		memcpy(cols, good_cols, sizeof(cols));
		cols[2] = "setpgid";
		cols[10] = by[i];
		cols[N_COLS - 1] = "old_pgid=812";
		pt_buf_reset(&b);
		pt_buf_puts(&b, header);
		for (c = 0; c < N_COLS; c++)
			pt_buf_printf(&b, "%s%s", c ? "," : "", cols[c]);
		pt_buf_putc(&b, '\n');
		f = fmemopen(b.data, b.len, "r");
		assert_non_null(f);
		r = pt_replay_open(f, err, sizeof(err));
		assert_non_null(r);
		if (pt_replay_next(r, &ev, err, sizeof(err)) != 1)
			fail_msg("replay: %s", err);
		assert_true(pt_event_has_actor(ev));
		assert_int_equal(ev->by.pid, atoi(by[i]));
		assert_int_equal(ev->by.tid, 0);
		assert_string_equal(ev->by.comm, want_comm[i]);
		pt_replay_close(r);
		fclose(f);
	}
	pt_buf_free(&b);
}

static void test_replay_good_row_template(void **state)
{
	struct pt_buf b = { 0 };
	struct outcome o;

	pt_buf_puts(&b, header);
	row_with(&b, -1, NULL);
	replay_text(b.data, b.len, &o);
	assert_true(o.open_ok);
	assert_int_equal(o.events, 1);
	assert_int_equal(o.ret, 0);
	pt_buf_free(&b);
}

static void test_replay_bad_header(void **state)
{
	static const char wrong_name[] =
		"ts_ns,time,evnt,pid,tid,ppid,pgid,sid,uid,comm,by_pid,signal,"
		"exit_code,core_dumped,state,filename,argv,cpu_user_us,cpu_sys_us,"
		"maxrss_kb,minflt,majflt,nvcsw,nivcsw,inblock,oublock,ns_pid,pidns,cgroup_id,detail\n";
	static const char too_few[] = "ts_ns,time,event\n1,2,3\n";
	char bom[sizeof(header) + 3];
	struct outcome o;

	replay_text(wrong_name, strlen(wrong_name), &o);
	assert_false(o.open_ok);
	assert_string_equal(o.err,
			    "line 1: not a proctrace CSV header: column 3 is 'evnt', "
			    "want 'event'");
	replay_text(too_few, strlen(too_few), &o);
	assert_false(o.open_ok);
	assert_string_equal(o.err, "line 1: not a proctrace CSV header: 3 columns, want 30");
	/* a spreadsheet's UTF-8 byte order mark in front of the header is
	 * read past; anywhere else it is text of its column */
	snprintf(bom, sizeof(bom), "\xef\xbb\xbf%s", header);
	replay_text(bom, strlen(bom), &o);
	assert_true(o.open_ok);
	assert_int_equal(o.ret, 0);
	snprintf(bom, sizeof(bom), "ts_ns,\xef\xbb\xbf%s", header + strlen("ts_ns,"));
	replay_text(bom, strlen(bom), &o);
	assert_false(o.open_ok);
	assert_string_equal(o.err,
			    "line 1: not a proctrace CSV header: column 2 is "
			    "'\xef\xbb\xbftime', want 'time'");
}

static void test_replay_empty_and_header_only(void **state)
{
	struct outcome o;

	replay_text("", 0, &o);
	assert_false(o.open_ok);
	assert_string_equal(o.err, "line 1: empty file, no header row");

	replay_text(header, strlen(header), &o);
	assert_true(o.open_ok);
	assert_int_equal(o.events, 0);
	assert_int_equal(o.ret, 0);
}

static void test_replay_crlf(void **state)
{
	struct pt_buf b = { 0 }, crlf = { 0 };
	bool quoted = false;
	struct outcome o;
	size_t i;

	/* every row ending in "\r\n", header included; the LF inside quotes
	 * stays a bare LF */
	pt_buf_puts(&b, header);
	row_with(&b, 9, "\"two\nlines\"");
	row_with(&b, -1, NULL);
	for (i = 0; i < b.len; i++) {
		if (b.data[i] == '"')
			quoted = !quoted;
		if (b.data[i] == '\n' && !quoted)
			pt_buf_putc(&crlf, '\r');
		pt_buf_putc(&crlf, b.data[i]);
	}
	assert_int_equal(crlf.len, b.len + 3);
	replay_text(crlf.data, crlf.len, &o);
	assert_true(o.open_ok);
	assert_int_equal(o.events, 2);
	assert_int_equal(o.ret, 0);
	pt_buf_free(&b);
	pt_buf_free(&crlf);
}

static void test_replay_bad_values(void **state)
{
	char long_comm[] = "0123456789abcdefg";

	assert_bad_column(2, "frok", "line 2: event: 'frok' is not an event");
	assert_bad_column(3, "12a", "line 2: pid: '12a' is not a number from 0 to 4294967295");
	assert_bad_column(3, "", "line 2: pid: '' is not a number from 0 to 4294967295");
	assert_bad_column(3, "4294967296",
			  "line 2: pid: '4294967296' is not a number from 0 to 4294967295");
	assert_bad_column(0, "-1",
			  "line 2: ts_ns: '-1' is not a number from 0 to 18446744073709551615");
	assert_bad_column(1, "yesterday", "line 2: time: 'yesterday' is not a UTC time");
	assert_bad_column(14, "dead", "line 2: state: 'dead' is not a state");
	assert_bad_column(9, "a\\qb", "line 2: comm: bad escape in 'a\\\\qb'");
	assert_bad_column(9, "ab\\x4", "line 2: comm: bad escape in 'ab\\\\x4'");
	assert_bad_column(9, long_comm, "line 2: comm: longer than 16 bytes");
	assert_bad_column(9, "a\\x00b", "line 2: comm: NUL byte in 'a\\\\x00b'");
	assert_bad_column(29, "", "line 2: detail: no parent_tid=");
	assert_bad_column(29, "parent_tid=813  x=1", "line 2: detail: '' is not key=value");
	assert_bad_column(29, "parent_tid=-3",
			  "line 2: detail: parent_tid=-3 is not a number from 0 to 4294967295");
	/* a long bad value is cut short in the message, on a character */
	assert_bad_column(
		2,
		"x\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		"line 2: event: 'x\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...' "
		"is not an event");
}

static void test_replay_bad_kind_values(void **state)
{
	struct pt_buf b = { 0 };
	static const struct {
		const char *row, *err;
	} cases[] = {
		{ "1,2026-11-25T17:17:57.000000Z,exec,5,5,1,5,1,0,x,,,,,alive,/bin/x,x,,,,,,,,,,5,1,1,"
		  "args_size=2\n",
		  "line 2: detail: no argc=" },
		{ "1,2026-11-25T17:17:57.000000Z,exec,5,5,1,5,1,0,x,,,,,alive,/bin/x,a$b,,,,,,,,,,5,1,1,"
		  "argc=1 args_size=4\n",
		  "line 2: argv: 'a$b' is not shell words as proctrace writes them" },
		{ "1,2026-11-25T17:17:57.000000Z,exec,5,5,1,5,1,0,x,,,,,alive,/bin/x,'a,,,,,,,,,,5,1,1,"
		  "argc=1 args_size=4\n",
		  "line 2: argv: ''a' is not shell words as proctrace writes them" },
		{ "1,2026-11-25T17:17:57.000000Z,exec,5,5,1,5,1,0,x,,,,,alive,/bin/x,a  b,,,,,,,,,,5,1,"
		  "1,argc=1 args_size=4\n",
		  "line 2: argv: 'a  b' is not shell words as proctrace writes them" },
		{ "1,2026-11-25T17:17:57.000000Z,exec,5,5,1,5,1,0,x,,,,,alive,/bin/x,$'\\q',,,,,,,,,,5,"
		  "1,1,argc=1 args_size=4\n",
		  "line 2: argv: '$'\\\\q'' is not shell words as proctrace writes them" },
		{ "1,2026-11-25T17:17:57.000000Z,exec,5,5,1,5,1,0,x,,,,,alive,/bin/x,ab,,,,,,,,,,5,1,1,"
		  "argc=1 args_size=3 argv_truncated=1 captured=7\n",
		  "line 2: detail: captured=7, but argv has 3 bytes" },
		{ "1,2026-11-25T17:17:57.000000Z,exec,5,5,1,5,1,0,x,,,,,alive,/bin/x,ab,,,,,,,,,,5,1,1,"
		  "argc=1 args_size=3 argv_truncated=yes\n",
		  "line 2: detail: argv_truncated=yes, want argv_truncated=1" },
		{ "1,2026-11-25T17:17:57.000000Z,signal,5,5,1,5,1,0,x,,SIGFOO,,,alive,,,,,,,,,,,,5,1,1,"
		  "result=delivered code=0 sender=kernel\n",
		  "line 2: signal: 'SIGFOO' is not a signal" },
		{ "1,2026-11-25T17:17:57.000000Z,signal,5,5,1,5,1,0,x,,SIG9,,,alive,,,,,,,,,,,,5,1,1,"
		  "result=delivered code=0 sender=kernel\n",
		  "line 2: signal: 'SIG9' is not a signal" },
		{ "1,2026-11-25T17:17:57.000000Z,signal,5,5,1,5,1,0,x,,SIGKILL,,,alive,,,,,,,,,,,,5,1,1,"
		  "result=eaten code=0 sender=kernel\n",
		  "line 2: detail: result=eaten is not a signal result" },
		{ "1,2026-11-25T17:17:57.000000Z,stop,5,5,1,5,1,0,x,,SIGSTOP,,,alive,,,,,,,,,,,,5,1,1,"
		  "code=2147483648 sender=kernel\n",
		  "line 2: detail: code=2147483648 is not a 32-bit number" },
		{ "1,2026-11-25T17:17:57.000000Z,signal,5,5,1,5,1,0,x,9,SIGKILL,,,alive,,,,,,,,,,,,5,1,"
		  "1,result=delivered code=0 sender_tid=9\n",
		  "line 2: detail: no sender_comm=" },
		{ "1,2026-11-25T17:17:57.000000Z,exit,5,5,1,5,1,0,x,,,,,zombie,,,1,2,3,4,5,6,7,8,9,5,1,1,"
		  "status=0x\n",
		  "line 2: detail: status=0x is not 0x and hex digits" },
		{ "1,2026-11-25T17:17:57.000000Z,exit,5,5,1,5,1,0,x,,,,,zombie,,,1,2,3,4,5,6,7,8,9,5,1,1,"
		  "\n",
		  "line 2: exit_code: '' is not a number from 0 to 255" },
		{ "1,2026-11-25T17:17:57.000000Z,exit,5,5,1,5,1,0,x,,,,,zombie,,,1,2,3,4,5,6,7,8,9,5,1,1,"
		  "status=0x12345678 thread_exit=2\n",
		  "line 2: detail: thread_exit=2, want thread_exit=1" },
		{ "1,2026-11-25T17:17:57.000000Z,exit,5,5,1,5,1,0,x,,,,,zombie,,,1,2,3,4,5,6,7,8,9,5,1,1,"
		  "status=0x123456789\n",
		  "line 2: detail: status=0x123456789 is not 0x and hex digits" },
		{ "9,2026-11-25T17:17:57.000000Z,reap,5,5,1,5,1,0,x,,,,,reaped,,,,,,,,,,,,5,1,1,"
		  "reaped=auto zombie_ns=9\n",
		  "line 2: detail: zombie_ns=9 is not less than ts_ns" },
		{ "9,2026-11-25T17:17:57.000000Z,thread,5,6,1,5,1,0,x,7,,,,alive,,,,,,,,,,,,5,1,1,"
		  "creator_tid=8\n",
		  "line 2: detail: creator_tid=8, but by_pid is 7" },
		{ "9,2026-11-25T17:17:57.000000Z,rename,5,6,1,5,1,0,x,,,,,alive,,,,,,,,,,,,5,1,1,"
		  "old_comm=a\\x20b\\x\n",
		  "line 2: old_comm: bad escape in 'a\\\\x20b\\\\x'" },
		{ "9,2026-11-25T17:17:57.000000Z,lost,,,,,,,,,,,,,,,,,,,,,,,,,,,lost=x\n",
		  "line 2: detail: lost=x is not a number from 0 to 18446744073709551615" },
		{ "9,2026-11-25T17:17:57.000000Z,lost,,,,,,,,,,,,,,,,,,,,,,,,,,,exec=3\n",
		  "line 2: detail: no lost=" },
		{ "9,2026-11-25T17:17:57.000000Z,snapshot,5,6,1,5,1,0,x,,,,,alive,,,,,,,,,,,,5,1,1,\n",
		  "line 2: detail: no start_ns=" },
	};
	struct outcome o;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pt_buf_reset(&b);
		pt_buf_puts(&b, header);
		pt_buf_puts(&b, cases[i].row);
		replay_text(b.data, b.len, &o);
		assert_true(o.open_ok);
		if (o.ret != -EINVAL || strcmp(o.err, cases[i].err))
			fail_msg("case %zu: %d '%s', want '%s'", i, o.ret, o.err, cases[i].err);
	}
	pt_buf_free(&b);
}

static void test_replay_bad_records(void **state)
{
	struct pt_buf b = { 0 };
	struct outcome o;

	/* one column short, with a good row after it on line 3 */
	pt_buf_puts(&b, header);
	row_with(&b, -1, NULL);
	b.data[b.len - 1] = '\0';
	*strrchr(b.data, ',') = '\0';
	b.len = strlen(b.data);
	pt_buf_putc(&b, '\n');
	row_with(&b, -1, NULL);
	replay_text(b.data, b.len, &o);
	assert_true(o.open_ok);
	assert_int_equal(o.ret, -EINVAL);
	assert_string_equal(o.err, "line 2: 29 columns, want 30");

	/* a row spanning lines 2-4, then a bad one on line 5 */
	pt_buf_reset(&b);
	pt_buf_puts(&b, header);
	row_with(&b, 9, "\"a\nb\nc\"");
	row_with(&b, 3, "x");
	replay_text(b.data, b.len, &o);
	assert_int_equal(o.events, 1);
	assert_string_equal(o.err, "line 5: pid: 'x' is not a number from 0 to 4294967295");

	/* a quote never closed */
	pt_buf_reset(&b);
	pt_buf_puts(&b, header);
	row_with(&b, -1, NULL);
	row_with(&b, 9, "\"a,b\nc");
	replay_text(b.data, b.len, &o);
	assert_int_equal(o.events, 1);
	assert_int_equal(o.ret, -EINVAL);
	assert_string_equal(o.err, "line 3: quoted field not closed at the end of the file");

	/* the last row cut short */
	pt_buf_reset(&b);
	pt_buf_puts(&b, header);
	row_with(&b, -1, NULL);
	row_with(&b, -1, NULL);
	replay_text(b.data, b.len - 5, &o);
	assert_int_equal(o.events, 1);
	assert_string_equal(o.err, "line 3: no newline at the end of the row (file cut short?)");

	/* quoting RFC 4180 does not allow */
	pt_buf_reset(&b);
	pt_buf_puts(&b, header);
	row_with(&b, 9, "\"a\"b");
	replay_text(b.data, b.len, &o);
	assert_string_equal(o.err, "line 2: text after a closing quote");
	pt_buf_reset(&b);
	pt_buf_puts(&b, header);
	row_with(&b, 9, "a\"b");
	replay_text(b.data, b.len, &o);
	assert_string_equal(o.err, "line 2: quote inside an unquoted field");
	pt_buf_reset(&b);
	pt_buf_puts(&b, header);
	row_with(&b, 9, "a\rb");
	replay_text(b.data, b.len, &o);
	assert_string_equal(o.err, "line 2: CR outside quotes");
	pt_buf_free(&b);
}

/* After a bad row the next call goes on with the row after it. */
static void test_replay_goes_on_after_a_bad_row(void **state)
{
	struct pt_buf b = { 0 };
	const struct pt_event *ev;
	struct pt_replay *r;
	char err[256];
	FILE *f;

	pt_buf_puts(&b, header);
	row_with(&b, 3, "bad");
	row_with(&b, 9, "\"multi\nline\"x"); /* malformed, on lines 3-4 */
	row_with(&b, 3, "77");
	f = fmemopen(b.data, b.len, "r");
	assert_non_null(f);
	r = pt_replay_open(f, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 2: pid: 'bad' is not a number from 0 to 4294967295");
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 3: text after a closing quote");
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), 1);
	assert_int_equal(ev->task.pid, 77);
	assert_int_equal(ev->by.tid, 813);
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), 0);
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), 0);
	pt_replay_close(r);
	fclose(f);
	pt_buf_free(&b);
}

/* A quote left open does not take the whole file into memory. */
static void test_replay_row_too_long(void **state)
{
	size_t len = strlen(header) + 3 * 1024 * 1024;
	char *text = malloc(len);
	struct outcome o;

	assert_non_null(text);
	memcpy(text, header, strlen(header));
	memset(text + strlen(header), 'x', len - strlen(header));
	text[strlen(header)] = '"';
	replay_text(text, len, &o);
	assert_true(o.open_ok);
	assert_int_equal(o.ret, -EINVAL);
	assert_string_equal(o.err, "line 2: row longer than 1048576 bytes");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_round_trip),
		cmocka_unit_test(test_replay_json_round_trip),
		cmocka_unit_test(test_replay_flags),
		cmocka_unit_test(test_replay_exit_status_from_columns),
		cmocka_unit_test(test_replay_start_follows_pids),
		cmocka_unit_test(test_replay_clock),
		cmocka_unit_test(test_replay_good_row_template),
		cmocka_unit_test(test_replay_setpgid_older_capture),
		cmocka_unit_test(test_replay_bad_header),
		cmocka_unit_test(test_replay_empty_and_header_only),
		cmocka_unit_test(test_replay_crlf),
		cmocka_unit_test(test_replay_bad_values),
		cmocka_unit_test(test_replay_bad_kind_values),
		cmocka_unit_test(test_replay_bad_records),
		cmocka_unit_test(test_replay_goes_on_after_a_bad_row),
		cmocka_unit_test(test_replay_row_too_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
