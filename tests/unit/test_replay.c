// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* replay.c: events of every kind written by the CSV writer come back equal,
 * field by field, to what the CSV keeps of them, and written again they
 * give the very same bytes; start times follow the pids through reuse; the
 * clock comes back from the rows (malformed input: test_replay_malformed.c). */
#include <errno.h>
#include "replay_kinds.h"

/* ---- round trip ---- */

/* orig written (as JSON Lines or CSV) and read back into back, each event
 * equal to what the file keeps of it: the file's text, the clock read. */
static char *written_and_read(bool json, const struct events *orig, struct events *back,
			      struct pt_clock *clock)
{
	FILE *f = written_file(json, orig->ev, orig->n, &clock_fixed);
	char *text = file_text(f);
	size_t i;

	replay_all(f, back, clock);
	fclose(f);
	assert_int_equal(back->n, orig->n);
	for (i = 0; i < orig->n; i++) {
		struct pt_event *want = kept_of(orig->ev[i]);

		assert_same_event(i, want, back->ev[i]);
		free(want);
	}
	return text;
}

static void test_replay_round_trip(void **state)
{
	struct events orig = { 0 }, back = { 0 };
	struct pt_clock clock;
	char *text, *again;
	unsigned kinds = 0;
	size_t i;

	add_every_kind(&orig);
	for (i = 0; i < orig.n; i++)
		kinds |= 1u << orig.ev[i]->kind;
	assert_int_equal(kinds, ((1u << PT_KIND_MAX) - 1) & ~1u); /* every kind */

	text = written_and_read(false, &orig, &back, &clock);

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

/* JSON Lines carries what the CSV does: every kind reads back as from the
 * CSV, and JSON -> JSON and JSON -> CSV are byte for byte. */
static void test_replay_json_round_trip(void **state)
{
	struct events orig = { 0 }, back = { 0 };
	struct pt_clock clock;
	char *text, *again;
	FILE *f;

	add_every_kind(&orig);
	text = written_and_read(true, &orig, &back, &clock);
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
		{ PT_EXIT, PT_F_GROUP_DEAD | PT_F_SENDER_LOST | PT_F_NO_ACTOR,
		  PT_F_GROUP_DEAD | PT_F_SENDER_LOST | PT_F_NO_ACTOR },
		{ PT_EXIT, PT_F_LAST_THREAD_UNKNOWN, PT_F_LAST_THREAD_UNKNOWN | PT_F_NO_ACTOR },
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
	/* the usage columns 1..9, their children_ parts 0 but minflt's 1
	 * (own minflt 3), then ns_pid, pidns, cgroup_id and no detail */
	static const char *const rows[] = {
		"1,2026-11-25T17:17:57.000000Z,exit,5,5,1,5,1,0,x,,,3,0,zombie,,,1,2,3,4,5,6,7,8,9,"
		"0,0,0,1,0,0,0,0,0,5,1,1,\n",
		"1,2026-11-25T17:17:57.000000Z,exit,5,5,1,5,1,0,x,,SIGABRT,,1,zombie,,,1,2,3,4,5,6,7,"
		"8,9,0,0,0,1,0,0,0,0,0,5,1,1,\n",
		"1,2026-11-25T17:17:57.000000Z,exit,5,5,1,5,1,0,x,,SIGRTMIN+2,,0,zombie,,,1,2,3,4,5,6,"
		"7,8,9,0,0,0,1,0,0,0,0,0,5,1,1,\n",
	};
	static const __u32 want[] = { 3 << 8, 6 | 0x80, 36 };
	const struct pt_event *ev;
	struct pt_replay *r;
	char text[1024], err[256];
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
		assert_int_equal(ev->exit.usage.minflt, 3);
		assert_int_equal(ev->exit.usage.cminflt, 1);
		pt_replay_close(r);
		fclose(f);
	}
}

/* ---- start times: which process holds a pid ---- */

static void test_replay_start_follows_pids(void **state)
{
	struct events orig = { 0 }, back = { 0 };
	struct pt_event *ev;
	char *text, *at;
	size_t i, n;
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
		T0 + 95,       /* 800 in the start-up scan, born during it */
		T0 + 95,       /* its fork, earlier than the scan's row: the same */
		T0 + 95,       /* its exit */
		T0 + 99,       /* a fork of 800 later than the scan: another */
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
	ev = add(&orig, PT_SNAPSHOT, T0 + 100, 800, 0);
	ev->task.start_ns = T0 + 95;
	add(&orig, PT_FORK, T0 + 96, 800, 0);
	ev = add(&orig, PT_EXIT, T0 + 97, 800, 0);
	ev->flags = PT_F_GROUP_DEAD;
	add(&orig, PT_FORK, T0 + 99, 800, 0);
	assert_int_equal(orig.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < orig.n; i++)
		orig.ev[i]->task.start_ns = want[i];

	f = csv_file(orig.ev, orig.n, &clock_fixed);
	/* Every start is one the reader rebuilds: only the snapshots say it. */
	text = file_text(f);
	for (at = text, n = 0; (at = strstr(at, "start_ns=")); at++)
		n++;
	free(text);
	assert_int_equal(n, 2);
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

/* A process whose fork the file lacks (lost), and one moved to another v1
 * memory cgroup: the rows carry what the reader cannot rebuild, so the
 * replayed events have the live ones' start and memcg_id, in both formats. */
static void test_replay_start_and_memcg_kept(void **state)
{
	struct events orig = { 0 }, back = { 0 };
	struct pt_event *ev;
	size_t i;
	FILE *f;

	(void)state;
	ev = add(&orig, PT_FORK, T0 + 2, 910, 0);
	ev->task.start_ns = T0 + 1; /* the kernel's start, before its fork event */
	ev->task.memcg_id = 77;
	ev = add(&orig, PT_SETSID, T0 + 40, 910, 0);
	ev->task.start_ns = T0 + 1;
	ev->task.memcg_id = 78; /* moved */
	ev = add(&orig, PT_SETPGID, T0 + 50, 900, 0);
	ev->task.start_ns = T0 + 5; /* its fork was lost */
	ev->task.memcg_id = 77;
	ev = add(&orig, PT_EXIT, T0 + 60, 900, 0);
	ev->flags = PT_F_GROUP_DEAD;
	ev->exit.age_ns = 55;
	ev->task.start_ns = T0 + 5;
	ev->task.memcg_id = 77;
	ev = add(&orig, PT_REAP, T0 + 70, 900, 0);
	ev->task.start_ns = T0 + 5;
	ev->task.memcg_id = 77;
	for (int json = 0; json <= 1; json++) {
		f = written_file(json, orig.ev, orig.n, &clock_fixed);
		replay_all(f, &back, NULL);
		fclose(f);
		assert_int_equal(back.n, orig.n);
		for (i = 0; i < back.n; i++) {
			if (back.ev[i]->task.start_ns != orig.ev[i]->task.start_ns ||
			    back.ev[i]->task.memcg_id != orig.ev[i]->task.memcg_id)
				fail_msg("%s: event %zu (%s of %u): start_ns %llu memcg_id %llu, "
					 "want %llu %llu",
					 json ? "JSON" : "CSV", i, pt_kind_name(back.ev[i]->kind),
					 back.ev[i]->task.pid,
					 (unsigned long long)back.ev[i]->task.start_ns,
					 (unsigned long long)back.ev[i]->task.memcg_id,
					 (unsigned long long)orig.ev[i]->task.start_ns,
					 (unsigned long long)orig.ev[i]->task.memcg_id);
		}
		events_free(&back);
	}
	events_free(&orig);
}

/* ---- the clock ---- */

static void test_replay_clock(void **state)
{
	static const char epoch_rows[] =
		"1000,@1795628077.123456789,fork,9,9,1,9,1,0,x,,,,,alive,,,,,,,,,,,,,,,,,,,,,9,1,1,\n"
		"2000,@-5.000000100,fork,10,10,1,10,1,0,x,,,,,alive,,,,,,,,,,,,,,,,,,,,,10,1,1,\n";
	struct events orig = { 0 }, back = { 0 };
	struct pt_clock clock;
	struct pt_replay *r;
	const struct pt_event *ev;
	char err[256], text[1024];
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
	 * a row that fits no clock of the rows before is refused, the clock
	 * left as it was */
	snprintf(text, sizeof(text), "%s%s", header, epoch_rows);
	f = fmemopen(text, strlen(text), "r");
	assert_non_null(f);
	r = pt_replay_open(f, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), 1);
	assert_true(pt_replay_clock(r, &clock));
	assert_int_equal(clock.boot_to_real_ns, 1795628077123456789LL - 1000);
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "line 3: time: '@-5.000000100' is not the time of ts_ns 2000"));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_round_trip),
		cmocka_unit_test(test_replay_json_round_trip),
		cmocka_unit_test(test_replay_flags),
		cmocka_unit_test(test_replay_exit_status_from_columns),
		cmocka_unit_test(test_replay_start_follows_pids),
		cmocka_unit_test(test_replay_start_and_memcg_kept),
		cmocka_unit_test(test_replay_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
