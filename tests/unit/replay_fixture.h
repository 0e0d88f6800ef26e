/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Events built by hand, written by the CSV or JSON Lines writer and read
 * back by the replay reader, for the replay's tests (test_replay*.c). */
#ifndef PROCTRACE_TEST_REPLAY_FIXTURE_H
#define PROCTRACE_TEST_REPLAY_FIXTURE_H

#include <stdarg.h>
#include <stdbool.h>
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
	"maxrss_kb,minflt,majflt,nvcsw,nivcsw,inblock,oublock,"
	"children_cpu_user_us,children_cpu_sys_us,children_maxrss_kb,children_minflt,children_majflt,children_nvcsw,children_nivcsw,children_inblock,children_oublock,"
	"ns_pid,pidns,cgroup_id,detail\n";

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

static inline struct pt_event *add(struct events *es, unsigned kind, __u64 ts, __u32 pid,
				   size_t data_len)
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

static inline void set_by(struct pt_event *ev, __u32 pid, __u32 tid, const char *comm)
{
	size_t n = strlen(comm);

	ev->by.pid = pid;
	ev->by.tid = tid;
	memset(ev->by.comm, 0, PT_COMM_LEN);
	memcpy(ev->by.comm, comm, n < PT_COMM_LEN ? n : PT_COMM_LEN);
}

static inline void set_comm(char *comm, const char *s, size_t n)
{
	memset(comm, 0, PT_COMM_LEN);
	memcpy(comm, s, n);
}

/* An exec whose argv block is argv[0..argv_len), as the kernel reads it:
 * args_size is the whole block unless the flags say it was cut. */
static inline struct pt_event *add_exec(struct events *es, __u64 ts, __u32 pid, const char *argv,
					size_t argv_len, const char *path, size_t path_len,
					unsigned argc)
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

static inline void events_free(struct events *es)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		free(es->ev[i]);
	es->n = 0;
}

/* ---- writing and replaying ---- */

/* A file written by the CSV writer (json false) or the JSON Lines writer,
 * rewound. */
static inline inline FILE *written_file(bool json, struct pt_event *const *evs, size_t n,
					const struct pt_clock *clock)
{
	struct pt_jsonl *jw = NULL;
	struct pt_csv *cw = NULL;
	FILE *f = tmpfile();
	size_t i;

	assert_non_null(f);
	if (json)
		assert_non_null(jw = pt_jsonl_open(f, clock));
	else
		assert_non_null(cw = pt_csv_open(f, clock));
	for (i = 0; i < n; i++)
		assert_int_equal(json ? pt_jsonl_write(jw, evs[i]) : pt_csv_write(cw, evs[i]), 0);
	assert_int_equal(json ? pt_jsonl_close(jw) : pt_csv_close(cw), 0);
	rewind(f);
	return f;
}
#define csv_file(evs, n, clock) written_file(false, evs, n, clock)
#define json_file(evs, n, clock) written_file(true, evs, n, clock)

/* The whole file, read without moving its offset. */
static inline char *file_text(FILE *f)
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

static inline char *csv_text(struct pt_event *const *evs, size_t n, const struct pt_clock *clock)
{
	FILE *f = csv_file(evs, n, clock);
	char *text = file_text(f);

	fclose(f);
	return text;
}

/* Every event of f, copied; the clock recovered from it in *clock. */
static inline void replay_all(FILE *f, struct events *out, struct pt_clock *clock)
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

#endif
