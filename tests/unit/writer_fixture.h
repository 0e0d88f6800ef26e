/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One event of each shape for the file writers' tests (CSV, JSON Lines):
 * the same process, clock and actor, so their expected rows line up. */
#ifndef PROCTRACE_TEST_WRITER_FIXTURE_H
#define PROCTRACE_TEST_WRITER_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "proctrace/writer.h"

/* The event happens 1000.123456789 s after boot, which was 1000 s before
 * 2026-11-25T17:34:37Z. */
static const struct pt_clock clock_fixed = {
	.boot_to_real_ns = (1795628077LL - 1000) * 1000000000LL,
};
#define TS_NS_VALUE 1000123456789ull

static inline struct pt_event *new_event(unsigned kind, size_t data_len)
{
	struct pt_event *ev = calloc(1, sizeof(*ev) + data_len);

	assert_non_null(ev);
	ev->kind = kind;
	ev->size = sizeof(*ev) + data_len;
	ev->task = (struct pt_task){
		.ts_ns = TS_NS_VALUE,
		/* its first row's time: what a reader of a file rebuilds when no
		 * start_ns= says otherwise (row_holders.h) */
		.start_ns = TS_NS_VALUE,
		.cgroup_id = 4242,
		.pid = 1234,
		.tid = 1234,
		.ppid = 812,
		.pgid = 1234,
		.sid = 812,
		.uid = 1000,
		.ns_pid = 34,
		.pidns = 4026531836u,
		.state = PT_STATE_ALIVE,
		.comm = "worker",
	};
	ev->by = (struct pt_actor){ .pid = 812, .tid = 813, .comm = "bash" };
	return ev;
}

/* An exec of argv (argv_len bytes, NULs between the words) from path. */
static inline struct pt_event *new_exec(const char *argv, size_t argv_len, const char *path)
{
	size_t path_len = strlen(path);
	struct pt_event *ev = new_event(PT_EXEC, argv_len + path_len);

	memcpy(ev->data, argv, argv_len);
	memcpy(ev->data + argv_len, path, path_len);
	ev->exec = (struct pt_exec){
		.old_tid = 1234,
		.argc = 2,
		.args_size = (__u32)argv_len,
		.argv_len = (__u32)argv_len,
		.path_len = (__u32)path_len,
	};
	return ev;
}
#define NEW_EXEC(argv_lit, path) new_exec(argv_lit, sizeof(argv_lit) - 1, path)

#endif
