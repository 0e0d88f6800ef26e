// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The replay reader on long files: rows that cross its read buffer, plain
 * rows (read in one copy) among quoted ones (read byte by byte), the clock
 * pass, and JSON keys matched in place or decoded. Each written again must
 * give the very same bytes. */
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

/* 1000 s after boot is 2026-11-25T17:34:37Z, and 321 ns more. */
static const struct pt_clock clock_fixed = {
	.boot_to_real_ns = (1795628077LL - 1000) * 1000000000LL + 321,
};

/* Enough rows for many 64 KiB buffers of the reader. */
#define NEVENTS 6000

/* Arguments that the CSV quotes (comma, quote, newline) and the shell
 * words escape (space, control byte, invalid UTF-8). */
static const char hostile_argv[] = "sh\0-c\0a,b \"q\"\nnext\0\xff\x01 end";

/* Event i of a storm: each pid forks, execs, exits, signals its parent and
 * is reaped; every 7th exec has hostile arguments. */
static struct pt_event *storm_event(unsigned i, struct pt_event *ev)
{
	unsigned step = i % 5;
	__u32 pid = 3000 + i / 5;
	const char *argv = i % 7 ? "true\0--x" : hostile_argv;
	size_t argv_len = i % 7 ? 9 : sizeof(hostile_argv);

	memset(ev, 0, sizeof(*ev) + 256);
	ev->size = sizeof(*ev);
	ev->task = (struct pt_task){
		.ts_ns = 1000000000000ull + (__u64)i * 777,
		.pid = pid,
		.tid = pid,
		.ppid = 812,
		.pgid = 812,
		.sid = 812,
		.uid = 1000,
		.ns_pid = pid,
		.pidns = 4026531836u,
		.cgroup_id = 4242,
		.state = PT_STATE_ALIVE,
		.comm = "worker",
	};
	ev->by = (struct pt_actor){ .pid = 812, .tid = 812, .comm = "bash" };
	switch (step) {
	case 0:
		ev->kind = PT_FORK;
		break;
	case 1:
		ev->kind = PT_EXEC;
		ev->flags = PT_F_NO_ACTOR;
		ev->exec = (struct pt_exec){ .old_tid = pid, .argc = i % 7 ? 2 : 4 };
		ev->exec.args_size = ev->exec.argv_len = (__u32)argv_len;
		ev->exec.path_len = 9;
		memcpy(ev->data, argv, argv_len);
		memcpy(ev->data + argv_len, "/bin/true", 9);
		ev->size += (__u32)argv_len + 9;
		break;
	case 2:
		ev->kind = PT_EXIT;
		ev->flags = PT_F_GROUP_DEAD | PT_F_NO_ACTOR;
		ev->task.state = PT_STATE_ZOMBIE;
		ev->exit = (struct pt_exit){ .status = i % 3 ? 0 : 9, .usage.maxrss_kb = i };
		break;
	case 3:
		ev->kind = PT_SIGNAL;
		ev->task.pid = ev->task.tid = ev->task.ns_pid = 812;
		ev->task.ppid = 1;
		ev->by = (struct pt_actor){ .pid = pid, .tid = pid, .comm = "worker" };
		ev->signal = (struct pt_signal){ .sig = 17, .code = 1, .result = PT_SIG_IGNORED };
		break;
	default:
		ev->kind = PT_REAP;
		ev->task.state = PT_STATE_REAPED;
		ev->reap.exit_ns = ev->task.ts_ns - 1000;
		break;
	}
	return ev;
}

struct writer {
	struct pt_csv *csv;
	struct pt_jsonl *json;
};

static void writer_open(struct writer *w, FILE *f, bool json, const struct pt_clock *clock)
{
	memset(w, 0, sizeof(*w));
	if (json)
		w->json = pt_jsonl_open(f, clock);
	else
		w->csv = pt_csv_open(f, clock);
	assert_true(w->json || w->csv);
}

static void writer_put(struct writer *w, const struct pt_event *ev)
{
	assert_int_equal(w->json ? pt_jsonl_write(w->json, ev) : pt_csv_write(w->csv, ev), 0);
}

static void writer_close(struct writer *w)
{
	assert_int_equal(w->json ? pt_jsonl_close(w->json) : pt_csv_close(w->csv), 0);
}

static FILE *storm_file(bool json)
{
	char slot[sizeof(struct pt_event) + 256];
	struct writer w;
	FILE *f = tmpfile();
	unsigned i;

	assert_non_null(f);
	writer_open(&w, f, json, &clock_fixed);
	for (i = 0; i < NEVENTS; i++)
		writer_put(&w, storm_event(i, (struct pt_event *)slot));
	writer_close(&w);
	rewind(f);
	return f;
}

/* The whole file, read without moving its offset. */
static char *file_text(FILE *f)
{
	struct stat st;
	char *text;

	assert_int_equal(fstat(fileno(f), &st), 0);
	text = calloc(1, (size_t)st.st_size + 1);
	assert_non_null(text);
	assert_int_equal(pread(fileno(f), text, (size_t)st.st_size, 0), st.st_size);
	return text;
}

/* f's clock from the clock pass; then f read again from its start. */
static struct pt_replay *scan_then_reopen(FILE *f, struct pt_clock *clock)
{
	struct pt_replay *r;
	char err[256];
	__u32 kinds;

	r = pt_replay_open(f, err, sizeof(err));
	assert_non_null(r);
	assert_true(pt_replay_scan_clock(r, clock, &kinds));
	pt_replay_close(r);
	rewind(f);
	r = pt_replay_open(f, err, sizeof(err));
	assert_non_null(r);
	return r;
}

/* Every event of in written to a new file in the other or the same format,
 * with the clock the reader recovered; that file, rewound. */
static FILE *rewrite(FILE *in, bool json, struct pt_clock *clock)
{
	const struct pt_event *ev;
	struct pt_replay *r;
	struct writer w;
	char err[256] = "";
	FILE *out = tmpfile();
	int ret, n = 0;

	assert_non_null(out);
	r = scan_then_reopen(in, clock);
	writer_open(&w, out, json, clock);
	while ((ret = pt_replay_next(r, &ev, err, sizeof(err))) > 0) {
		writer_put(&w, ev);
		n++;
	}
	if (ret < 0)
		fail_msg("replay: %s", err);
	assert_int_equal(n, NEVENTS);
	writer_close(&w);
	pt_replay_close(r);
	rewind(out);
	return out;
}

static void assert_same_file(FILE *a, FILE *b)
{
	char *ta = file_text(a), *tb = file_text(b);

	assert_true(strlen(ta) > 4 * 65536);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
}

/* CSV -> CSV, JSON -> JSON, CSV -> JSON -> CSV: the same bytes. */
static void test_replay_stream_round_trips(void **state)
{
	FILE *csv = storm_file(false), *json = storm_file(true), *a, *b;
	struct pt_clock clock;

	a = rewrite(csv, false, &clock);
	assert_same_file(csv, a);
	fclose(a);
	a = rewrite(json, true, &clock);
	assert_same_file(json, a);
	fclose(a);
	rewind(csv);
	a = rewrite(csv, true, &clock);
	assert_same_file(json, a);
	b = rewrite(a, false, &clock);
	assert_same_file(csv, b);
	fclose(a);
	fclose(b);
	fclose(csv);
	fclose(json);
}

/* The clock pass gives the clock that reading every event gives. */
static void test_replay_stream_clock_pass(void **state)
{
	const struct pt_event *ev;
	struct pt_clock scanned, read;
	struct pt_replay *r;
	char err[256];
	int json;
	FILE *f;

	for (json = 0; json <= 1; json++) {
		f = storm_file(json);
		r = scan_then_reopen(f, &scanned);
		while (pt_replay_next(r, &ev, err, sizeof(err)) > 0)
			;
		assert_true(pt_replay_clock(r, &read));
		assert_int_equal(scanned.boot_to_real_ns, read.boot_to_real_ns);
		/* pinned to the nanosecond range every row's microsecond allows */
		assert_true(scanned.boot_to_real_ns - clock_fixed.boot_to_real_ns < 1000);
		assert_true(clock_fixed.boot_to_real_ns - scanned.boot_to_real_ns < 1000);
		pt_replay_close(r);
		fclose(f);
	}
}

/* The clock pass's clock of text (its head path or, for a line not in the
 * writer's form, the whole parse) is the clock that reading it gives. */
static void assert_scan_clock_of(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct pt_clock scanned, read;
	const struct pt_event *ev;
	struct pt_replay *r;
	char err[256];

	assert_non_null(f);
	r = scan_then_reopen(f, &scanned);
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), 1);
	assert_true(pt_replay_clock(r, &read));
	assert_int_equal(scanned.boot_to_real_ns, read.boot_to_real_ns);
	pt_replay_close(r);
	fclose(f);
}

static int replay_one(const char *text, char *err, size_t errlen, struct pt_event *out)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	const struct pt_event *ev;
	struct pt_replay *r;
	int ret;

	assert_non_null(f);
	r = pt_replay_open(f, err, errlen);
	assert_non_null(r);
	ret = pt_replay_next(r, &ev, err, errlen);
	if (ret > 0 && out)
		memcpy(out, ev, sizeof(*ev));
	pt_replay_close(r);
	fclose(f);
	return ret;
}

/* A key written with escapes is the same key (decoded, not matched in
 * place); a status beyond 64 bits is refused as too large. */
static void test_replay_stream_json_keys(void **state)
{
	static const char plain[] =
		"{\"ts_ns\":5,\"time\":\"2026-01-01T00:00:00.000000Z\",\"event\":\"fork\","
		"\"pid\":7,\"tid\":7,\"ppid\":1,\"pgid\":1,\"sid\":1,\"uid\":0,\"comm\":\"x\","
		"\"state\":\"alive\",\"ns_pid\":7,\"pidns\":1,\"cgroup_id\":1}\n";
	static const char escaped[] =
		"{\"\\u0074s_ns\":5,\"time\":\"2026-01-01T00:00:00.000000Z\",\"event\":\"fork\","
		"\"pid\":7,\"t\\u0069d\":7,\"ppid\":1,\"pgid\":1,\"sid\":1,\"uid\":0,\"comm\":\"x\","
		"\"state\":\"alive\",\"ns_pid\":7,\"pidns\":1,\"cgroup_id\":1}\n";
	static const char huge_status[] =
		"{\"ts_ns\":5,\"time\":\"2026-01-01T00:00:00.000000Z\",\"event\":\"exit\","
		"\"pid\":7,\"tid\":7,\"ppid\":1,\"pgid\":1,\"sid\":1,\"uid\":0,\"comm\":\"x\","
		"\"exit_code\":0,\"core_dumped\":0,\"state\":\"zombie\",\"cpu_user_us\":0,"
		"\"cpu_sys_us\":0,\"maxrss_kb\":0,\"minflt\":0,\"majflt\":0,\"nvcsw\":0,"
		"\"nivcsw\":0,\"ns_pid\":7,\"pidns\":1,\"cgroup_id\":1,"
		"\"detail\":{\"status\":123456789012345678901234567890}}\n";
	struct pt_event a, b;
	char err[256] = "";

	assert_int_equal(replay_one(plain, err, sizeof(err), &a), 1);
	assert_int_equal(replay_one(escaped, err, sizeof(err), &b), 1);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(b.task.ts_ns, 5);
	assert_int_equal(b.task.tid, 7);
	assert_scan_clock_of(plain);
	assert_scan_clock_of(escaped);
	assert_int_equal(replay_one(huge_status, err, sizeof(err), NULL), -EINVAL);
	assert_string_equal(err,
			    "line 1: detail: status=0xffffffffffffffff is not 0x and hex "
			    "digits");
}

/* A ts_ns beyond INT64_MAX (any 64-bit value reads back) with the time the
 * file gives it: written again as it was, its time computed without
 * overflow. */
static void test_replay_stream_huge_ts(void **state)
{
	static const char row[] =
		"10000000000000000000,2027-01-15T08:00:00.000000Z,fork,2,2,1,1,1,0,"
		"x,1,,,,alive,,,,,,,,,,,,,,,,,,,,,2,3,1,parent_tid=1\n";
	const struct pt_event *ev;
	struct pt_clock clock;
	struct pt_replay *r;
	struct pt_csv *w;
	char err[256], *text, *back;
	FILE *in, *out;

	w = pt_csv_open(out = tmpfile(), &clock_fixed);
	assert_non_null(w);
	assert_int_equal(pt_csv_close(w), 0);
	fputs(row, out);
	fflush(out);
	text = file_text(out);
	fclose(out);
	in = fmemopen(text, strlen(text), "r");
	assert_non_null(in);
	r = scan_then_reopen(in, &clock);
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), 1);
	assert_int_equal(ev->task.ts_ns, 10000000000000000000ull);
	w = pt_csv_open(out = tmpfile(), &clock);
	assert_non_null(w);
	assert_int_equal(pt_csv_write(w, ev), 0);
	assert_int_equal(pt_csv_close(w), 0);
	back = file_text(out);
	assert_string_equal(back, text);
	free(back);
	fclose(out);
	pt_replay_close(r);
	fclose(in);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_stream_round_trips),
		cmocka_unit_test(test_replay_stream_clock_pass),
		cmocka_unit_test(test_replay_stream_json_keys),
		cmocka_unit_test(test_replay_stream_huge_ts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
