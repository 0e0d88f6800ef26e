// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The live stream of events and the stream of their replay are the same
 * bytes: every kind, and every way a kind's line can read (actor or none,
 * flags, causes), written as CSV and as JSON Lines and read back. A line
 * that needs what a capture does not keep fails here. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/sched.h>
#include "proctrace/clone_flags.h"
#include "proctrace/replay.h"
#include "proctrace/writer.h"

/* 1000 s after boot is 2026-11-25T17:34:37Z, and 321 ns more. */
static const struct pt_clock clock_fixed = {
	.boot_to_real_ns = (1795628077LL - 1000) * 1000000000LL + 321,
};

static const struct pt_stream_opts opts = { .snapshots = true };

#define MAX_EVENTS 96
#define SLOT (sizeof(struct pt_event) + 512)

struct events {
	struct pt_event *ev[MAX_EVENTS];
	size_t n;
	__u64 ts; /* each event 1.5 ms after the one before */
};

/* A new event of pid 1234 (its parent bash, 812), its actor bash's thread
 * 813 unless the caller changes it. */
static struct pt_event *add(struct events *s, unsigned kind, unsigned flags)
{
	struct pt_event *ev = calloc(1, SLOT);

	assert_non_null(ev);
	assert_true(s->n < MAX_EVENTS);
	s->ev[s->n++] = ev;
	s->ts += 1500000;
	ev->kind = (__u16)kind;
	ev->flags = (__u16)flags;
	ev->size = sizeof(*ev);
	ev->task = (struct pt_task){
		.ts_ns = 1000000000000ull + s->ts,
		.cgroup_id = 4242,
		.pid = 1234,
		.tid = 1234,
		.ppid = 812,
		.pgid = 1234,
		.sid = 812,
		.uid = 1000,
		.ns_pid = 1234,
		.pidns = 4026531836u,
		.state = PT_STATE_ALIVE,
		.comm = "worker",
	};
	ev->by = (struct pt_actor){ .pid = 812, .tid = 813, .comm = "bash" };
	return ev;
}

static struct pt_event *add_exec(struct events *s, unsigned kind, unsigned flags, const char *argv,
				 size_t argv_len, const char *path)
{
	struct pt_event *ev = add(s, kind, flags | PT_F_NO_ACTOR);
	size_t path_len = strlen(path);

	memcpy(ev->data, argv, argv_len);
	memcpy(ev->data + argv_len, path, path_len);
	ev->size += (__u32)(argv_len + path_len);
	ev->exec = (struct pt_exec){
		.old_tid = 1234,
		.argc = 2,
		.args_size = (__u32)argv_len,
		.argv_len = (__u32)argv_len,
		.path_len = (__u32)path_len,
	};
	return ev;
}
#define ADD_EXEC(s, kind, flags, lit, path) add_exec(s, kind, flags, lit, sizeof(lit) - 1, path)

static struct pt_event *add_exit(struct events *s, unsigned flags, __u32 status, unsigned cause)
{
	struct pt_event *ev = add(s, PT_EXIT, flags);

	ev->task.state = flags & PT_F_GROUP_DEAD ? PT_STATE_ZOMBIE : PT_STATE_ALIVE;
	ev->exit = (struct pt_exit){
		.status = status,
		.cause = (__u8)cause,
		.usage = { .utime_ns = 1234567,
			   .stime_ns = 2500000,
			   .runtime_ns = 3734567,
			   .maxrss_kb = 2048 },
	};
	return ev;
}

static void add_signals(struct events *s)
{
	struct pt_event *ev;

	ev = add(s, PT_SIGNAL, 0);
	ev->signal = (struct pt_signal){ .sig = 15, .code = 0 };
	ev = add(s, PT_SIGNAL, PT_F_KERNEL_SENDER | PT_F_SIG_GROUP);
	ev->signal = (struct pt_signal){ .sig = 17, .code = 1, .result = PT_SIG_IGNORED };
	ev = add(s, PT_SIGNAL, 0);
	ev->signal = (struct pt_signal){ .sig = 10, .code = -6, .result = 2 };
	ev = add(s, PT_STOP, 0);
	ev->task.state = PT_STATE_STOPPED;
	ev->signal = (struct pt_signal){ .sig = 19 };
	ev = add(s, PT_CONTINUE, PT_F_KERNEL_SENDER);
	ev->signal = (struct pt_signal){ .sig = 18 };
}

static void add_exits(struct events *s)
{
	struct pt_event *ev;

	add_exit(s, PT_F_GROUP_DEAD | PT_F_NO_ACTOR, 3 << 8, PT_CAUSE_EXIT);
	add_exit(s, PT_F_GROUP_DEAD, 15, PT_CAUSE_SIGNAL);
	add_exit(s, PT_F_GROUP_DEAD | PT_F_NO_ACTOR, 15, PT_CAUSE_SIGNAL);
	ev = add_exit(s, PT_F_GROUP_DEAD | PT_F_NO_ACTOR, 11 | 0x80, PT_CAUSE_FAULT);
	ev->exit.has_code = 1;
	ev->exit.code = 1;
	add_exit(s, PT_F_GROUP_DEAD | PT_F_NO_ACTOR, 9, PT_CAUSE_OOM);
	ev = add_exit(s, PT_F_GROUP_DEAD, 4 << 8, PT_CAUSE_EXIT_GROUP);
	ev->by = (struct pt_actor){ .pid = 1234, .tid = 1240, .comm = "worker-2" };
	add_exit(s, PT_F_GROUP_DEAD | PT_F_NO_ACTOR, 31, PT_CAUSE_SECCOMP);
	add_exit(s, PT_F_GROUP_DEAD, 10, PT_CAUSE_PDEATHSIG);
	add_exit(s, PT_F_GROUP_DEAD, 9, PT_CAUSE_NS_TEARDOWN);
	add_exit(s, PT_F_GROUP_DEAD | PT_F_NO_ACTOR, 13, PT_CAUSE_KERNEL);
	add_exit(s, PT_F_NO_ACTOR, 0, PT_CAUSE_NONE);
}

static void add_reaps(struct events *s)
{
	struct pt_event *ev;

	ev = add(s, PT_REAP, 0);
	ev->task.state = PT_STATE_REAPED;
	ev->reap.exit_ns = ev->task.ts_ns - 7000000;
	ev = add(s, PT_REAP, PT_F_AUTOREAP | PT_F_NO_ACTOR);
	ev->task.state = PT_STATE_REAPED;
	ev = add(s, PT_REAP, PT_F_REAPER_UNKNOWN | PT_F_NO_ACTOR);
	ev->task.state = PT_STATE_REAPED;
	ev = add(s, PT_REAP, PT_F_REAP_AT_FREE);
	ev->task.state = PT_STATE_REAPED;
	ev->by.tid = 0;
	ev = add(s, PT_REAP, PT_F_NO_ACTOR);
	ev->task.state = PT_STATE_REAPED;
}

/* A lost row, then what a rescan found. */
static void add_losses(struct events *s)
{
	struct pt_event *ev;

	ev = add(s, PT_LOST, PT_F_NO_ACTOR);
	memset(&ev->task, 0, sizeof(ev->task));
	ev->task.ts_ns = 1000000000000ull + s->ts;
	ev->lost.count = 7;
	ev->lost.by_kind[PT_FORK] = 4;
	ev->lost.by_kind[PT_EXIT] = 3;
	ev = add(s, PT_LOST, PT_F_NO_ACTOR | PT_F_RESCAN);
	memset(&ev->task, 0, sizeof(ev->task));
	ev->task.ts_ns = 1000000000000ull + s->ts;
	ev->rescan = (struct pt_rescan_sum){
		.since_ns = ev->task.ts_ns - 9000000, .tasks = 40, .ended = 2, .born = 1
	};
	ev = add(s, PT_SNAPSHOT, PT_F_NO_ACTOR | PT_F_RESCAN);
	ev->task.pid = ev->task.tid = ev->task.ns_pid = 1300;
	ev->task.start_ns = ev->task.ts_ns - 4000000;
	ev = add(s, PT_EXIT, PT_F_NO_ACTOR | PT_F_RESCAN | PT_F_GROUP_DEAD);
	ev->task.pid = ev->task.tid = ev->task.ns_pid = 1301;
	ev->task.state = PT_STATE_ZOMBIE;
	ev->reap.unseen_from_ns = ev->task.ts_ns - 8000000;
	ev = add(s, PT_REAP, PT_F_NO_ACTOR | PT_F_RESCAN);
	ev->task.pid = ev->task.tid = ev->task.ns_pid = 1302;
	ev->task.state = PT_STATE_REAPED;
	ev->reap.unseen_from_ns = ev->task.ts_ns - 8000000;
}

static void add_sched(struct events *s)
{
	struct pt_event *ev;

	ev = add(s, PT_SCHED_STATE, PT_F_NO_ACTOR);
	ev->task.state = PT_STATE_RUNNABLE;
	ev->sched_change = (struct pt_sched_change){ .prev_state = PT_STATE_SLEEPING,
						     .cpu = 1,
						     .prev_ns = 2345678 };
	ev = add(s, PT_SCHED_SUM, PT_F_NO_ACTOR | PT_F_GROUP_DEAD);
	ev->sched_sum = (struct pt_sched_sum){ .ns = { 5000, 12000000, 0, 3000000 },
					       .switches = 12,
					       .waits = 9,
					       .rq_p50_ns = 4096,
					       .rq_p99_ns = 65536,
					       .rq_max_ns = 70000 };
	ev = add(s, PT_SCHED_SUM, PT_F_NO_ACTOR | PT_F_SCHED_AT_END);
	ev->sched_sum.ns[0] = 11000000000ull;
	ev = add(s, PT_SCHED_SUM, PT_F_NO_ACTOR);
	ev->task.tid = 1240;
	ev->sched_sum.ns[1] = 900;
	/* at the end: the split as reported (prev_*), as a replay makes it */
	ev = add(s, PT_USAGE, PT_F_NO_ACTOR);
	ev->task.state = PT_STATE_ZOMBIE;
	ev->usage = (struct pt_usage){ .utime_ns = 7000000,
				       .stime_ns = 2000000,
				       .runtime_ns = 9000000,
				       .prev_utime_ns = 7000000,
				       .prev_stime_ns = 2000000,
				       .maxrss_kb = 5120,
				       .minflt = 300,
				       .nvcsw = 4,
				       .oublock = 2048 };
}

/* Every kind, each of its shapes. */
static void all_kinds(struct events *s)
{
	struct pt_event *ev;

	ev = add(s, PT_SNAPSHOT, PT_F_NO_ACTOR);
	ev->task.start_ns = 999000000000ull;
	ev->task.state = PT_STATE_STOPPED;
	/* The child's comm is a copy of its parent's: bash forks bash. */
	ev = add(s, PT_FORK, 0);
	memcpy(ev->task.comm, "bash", 5);
	ev->clone = (struct pt_clone){ .flags = PT_CLONE_VM | PT_CLONE_VFORK, .via = PT_VIA_VFORK };
	ev = add(s, PT_FORK, 0);
	ev->clone = (struct pt_clone){ .flags = PT_CLONE_VM, .via = PT_VIA_CLONE };
	ev = add(s, PT_FORK, PT_F_NO_ACTOR);
	ev->clone.flags = CLONE_NEWPID | CLONE_NEWNS;
	ev = add(s, PT_THREAD, 0);
	ev->task.tid = 1240;
	ev->by = (struct pt_actor){ .pid = 1234, .tid = 1234, .comm = "worker" };
	ev = add(s, PT_UNSHARE, PT_F_NO_ACTOR);
	ev->clone.flags = CLONE_NEWUTS;
	ev = add(s, PT_SETNS, PT_F_NO_ACTOR);
	ev->clone.flags = CLONE_NEWNET | CLONE_NEWIPC;
	ADD_EXEC(s, PT_EXEC, 0, "ls\0-l\0my dir\0", "/usr/bin/ls");
	ADD_EXEC(s, PT_EXEC, 0, "sh\0-c\0true\0", "/usr/bin/dash");
	ev = ADD_EXEC(s, PT_EXEC, PT_F_ARGV_TRUNC | PT_F_PATH_TRUNC, "cc\0-c\0a.", "/usr/bin/c");
	ev->exec.args_size = 51234;
	ev->exec.old_tid = 1240;
	ADD_EXEC(s, PT_EXEC, PT_F_ARGV_FAULT, "", "/bin/x");
	ev = ADD_EXEC(s, PT_EXEC_FAILED, 0, "make\0-j2\0", "/usr/local/bin/make");
	ev->exec.error = ENOENT;
	ev = ADD_EXEC(s, PT_EXEC_FAILED, 0, "", "/bin/big");
	ev->exec.error = ENOMEM;
	ev->exec.no_return = 1;
	ev->exec.argc = 0;
	add_signals(s);
	/* setpgid by the process itself, by its parent, by nobody known */
	ev = add(s, PT_SETPGID, 0);
	ev->by = (struct pt_actor){ .pid = 1234, .tid = 1234, .comm = "worker" };
	ev->setpg = (struct pt_setpg){ .old_pgid = 812, .old_sid = 812 };
	ev = add(s, PT_SETPGID, 0);
	ev->setpg = (struct pt_setpg){ .old_pgid = 812, .old_sid = 812 };
	ev = add(s, PT_SETPGID, PT_F_NO_ACTOR);
	ev->setpg = (struct pt_setpg){ .old_pgid = 812, .old_sid = 812 };
	ev = add(s, PT_SETSID, 0);
	ev->by = (struct pt_actor){ .pid = 1234, .tid = 1234, .comm = "worker" };
	ev->task.sid = 1234;
	ev->setpg = (struct pt_setpg){ .old_pgid = 812, .old_sid = 812 };
	ev = add(s, PT_RENAME, PT_F_NO_ACTOR);
	memcpy(ev->rename.old_comm, "before", 7);
	ev = add(s, PT_REPARENT, 0);
	ev->task.ppid = 1;
	ev->by = (struct pt_actor){ .pid = 1, .tid = 1, .comm = "init" };
	ev->reparent = (struct pt_reparent){ .old_ppid = 812,
					     .old_parent_tid = 812,
					     .adopter = PT_ADOPT_INIT,
					     .old_parent_comm = "bash" };
	add_sched(s);
	add_exits(s);
	add_reaps(s);
	add_losses(s);
}

static void free_events(struct events *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->ev[i]);
}

/* The live stream of the events. */
static char *live_stream(const struct events *s)
{
	struct pt_stream *w;
	char *text;
	size_t len, i;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	w = pt_stream_open(f, &clock_fixed, &opts);
	assert_non_null(w);
	for (i = 0; i < s->n; i++)
		assert_int_equal(pt_stream_write(w, s->ev[i]), 0);
	assert_int_equal(pt_stream_close(w), 0);
	fclose(f);
	return text;
}

/* The events as a capture (CSV or JSON Lines), rewound. */
static FILE *capture(const struct events *s, bool json)
{
	struct pt_jsonl *j = NULL;
	struct pt_csv *c = NULL;
	FILE *f = tmpfile();
	size_t i;

	assert_non_null(f);
	if (json)
		j = pt_jsonl_open(f, &clock_fixed);
	else
		c = pt_csv_open(f, &clock_fixed);
	assert_true(j || c);
	for (i = 0; i < s->n; i++)
		assert_int_equal(j ? pt_jsonl_write(j, s->ev[i]) : pt_csv_write(c, s->ev[i]), 0);
	assert_int_equal(j ? pt_jsonl_close(j) : pt_csv_close(c), 0);
	rewind(f);
	return f;
}

/* The stream a replay of f gives: the clock from the file's clock pass,
 * then every event, as `proctrace --replay` does. */
static char *replayed_stream(FILE *f, size_t n)
{
	const struct pt_event *ev;
	struct pt_clock clock;
	struct pt_stream *w;
	struct pt_replay *r;
	char err[256] = "", *text;
	size_t len, got = 0;
	__u32 kinds;
	FILE *out;
	int ret;

	r = pt_replay_open(f, err, sizeof(err));
	assert_non_null(r);
	assert_true(pt_replay_scan_clock(r, &clock, &kinds));
	pt_replay_close(r);
	rewind(f);
	r = pt_replay_open(f, err, sizeof(err));
	assert_non_null(r);
	out = open_memstream(&text, &len);
	assert_non_null(out);
	w = pt_stream_open(out, &clock, &opts);
	assert_non_null(w);
	while ((ret = pt_replay_next(r, &ev, err, sizeof(err))) > 0) {
		assert_int_equal(pt_stream_write(w, ev), 0);
		got++;
	}
	if (ret < 0)
		fail_msg("replay: %s", err);
	assert_int_equal(got, n);
	assert_int_equal(pt_stream_close(w), 0);
	pt_replay_close(r);
	fclose(out);
	return text;
}

/* Line by line, so that a failure names the line that differs. */
static void assert_same_lines(const char *want, const char *got, const char *what)
{
	unsigned line = 1;

	while (*want || *got) {
		size_t a = strcspn(want, "\n"), b = strcspn(got, "\n");

		if (a != b || memcmp(want, got, a))
			fail_msg("%s, line %u:\n live:   %.*s\n replay: %.*s", what, line, (int)a,
				 want, (int)b, got);
		want += a + (want[a] == '\n');
		got += b + (got[b] == '\n');
		line++;
	}
}

static void check_format(bool json)
{
	struct events s = { .n = 0 };
	char *live, *again;
	FILE *f;

	all_kinds(&s);
	live = live_stream(&s);
	f = capture(&s, json);
	again = replayed_stream(f, s.n);
	assert_same_lines(live, again, json ? "JSON Lines" : "CSV");
	/* one line per event and the header: nothing left out on either side */
	assert_int_equal(strlen(again) - strlen(live), 0);
	free(live);
	free(again);
	fclose(f);
	free_events(&s);
}

static void test_stream_replayed_csv(void **state)
{
	check_format(false);
}

static void test_stream_replayed_json(void **state)
{
	check_format(true);
}

/* Every kind is in all_kinds(): a kind added later must be added there. */
static void test_stream_replayed_every_kind(void **state)
{
	struct events s = { .n = 0 };
	bool seen[PT_KIND_MAX] = { false };
	unsigned k;
	size_t i;

	all_kinds(&s);
	for (i = 0; i < s.n; i++)
		seen[s.ev[i]->kind] = true;
	for (k = 1; k < PT_KIND_MAX; k++)
		if (!seen[k])
			fail_msg("kind %s has no event in all_kinds()", pt_kind_name(k));
	free_events(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_replayed_every_kind),
		cmocka_unit_test(test_stream_replayed_csv),
		cmocka_unit_test(test_stream_replayed_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
