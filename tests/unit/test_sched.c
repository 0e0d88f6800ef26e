// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --sched: the run-queue histogram's buckets and percentiles (the code the
 * BPF side runs too), the model's roll-up of threads into their process's
 * state, its sched times, the timeline's glyphs and the summary table. */
#include "scenario.h"
#include "proctrace/sched.h"
#include "proctrace/views.h"

static void test_sched_buckets(void **state)
{
	unsigned b;

	assert_int_equal(pt_rq_bucket(0), 0);
	assert_int_equal(pt_rq_bucket(1023), 0);
	assert_int_equal(pt_rq_bucket(1024), 1);
	assert_int_equal(pt_rq_bucket(1279), 1);
	assert_int_equal(pt_rq_bucket(1280), 2);
	assert_int_equal(pt_rq_bucket(2047), 4);
	assert_int_equal(pt_rq_bucket(2048), 5);
	assert_int_equal(pt_rq_bucket(PT_RQ_CAP), PT_RQ_BUCKETS - 1);
	assert_int_equal(pt_rq_bucket(~0ull), PT_RQ_BUCKETS - 1);
	/* Every bucket's bound is in it, the next value in the next one,
	 * and no bucket's upper bound is more than 25% above its lower one. */
	for (b = 0; b + 1 < PT_RQ_BUCKETS; b++) {
		assert_int_equal(pt_rq_bucket(pt_rq_upper(b)), b);
		assert_int_equal(pt_rq_bucket(pt_rq_upper(b) + 1), b + 1);
		if (b)
			assert_true(pt_rq_upper(b) <= (pt_rq_upper(b - 1) + 1) * 1.25);
	}
	assert_int_equal(pt_rq_upper(PT_RQ_BUCKETS - 1), PT_RQ_CAP);
}

static void test_sched_percentiles(void **state)
{
	struct pt_rq_hist h = { 0 };
	unsigned i;

	assert_int_equal(pt_rq_percentile(&h, 0, 50, 0), 0);
	/* 98 waits of 5 us, 2 of 3 ms: p50 in 5 us's bucket, p99 in 3 ms's,
	 * never above the exact max. */
	for (i = 0; i < 98; i++)
		h.count[pt_rq_bucket(5000)]++;
	h.count[pt_rq_bucket(3000000)] += 2;
	assert_int_equal(pt_rq_percentile(&h, 100, 50, 3000000), pt_rq_upper(pt_rq_bucket(5000)));
	assert_true(pt_rq_percentile(&h, 100, 50, 3000000) >= 5000);
	assert_true(pt_rq_percentile(&h, 100, 50, 3000000) <= 5000 * 1.25);
	assert_int_equal(pt_rq_percentile(&h, 100, 99, 3000000), 3000000);
	assert_int_equal(pt_rq_percentile(&h, 100, 98, 3000000), pt_rq_upper(pt_rq_bucket(5000)));
}

static struct pt_event *sched_state(struct sc *s, __u64 us, const struct fake *p, __u32 tid,
				    unsigned st)
{
	struct pt_event *ev = sc_add(s, PT_SCHED_STATE, us, p, 0);

	ev->task.tid = tid;
	ev->task.state = st;
	return ev;
}

/* A two-thread process: running while either thread runs, then
 * runnable, disk-sleep, and what its last thread does. */
static void two_threads(struct sc *s)
{
	struct fake sh, p;
	struct pt_event *ev;

	fake_init(&sh, 100, 1, SC_US(0), "sh");
	sc_snapshot(s, 0, &sh);
	sc_fork(s, 1000, &sh, &p, 200);
	sched_state(s, 1001, &p, 200, PT_STATE_RUNNABLE);
	sched_state(s, 2000, &p, 200, PT_STATE_RUNNING);
	sched_state(s, 3000, &p, 201, PT_STATE_RUNNABLE);
	sched_state(s, 4000, &p, 200, PT_STATE_SLEEPING); /* 201 still runnable */
	sched_state(s, 5000, &p, 201, PT_STATE_DISK_SLEEP);
	sched_state(s, 6000, &p, 201, PT_STATE_ZOMBIE);		    /* thread gone */
	sc_sig(s, PT_SIGNAL, 6500, &p, NULL, 10, PT_SIG_DELIVERED); /* says alive only */
	sched_state(s, 7000, &p, 200, PT_STATE_RUNNING);
	ev = sc_add(s, PT_SCHED_SUM, 8000, &p, 0);
	ev->flags |= PT_F_GROUP_DEAD;
	ev->sched_sum.ns[PT_SLOT_RUNNING] = 3000000;
	ev->sched_sum.ns[PT_SLOT_RUNNABLE] = 2000000;
	ev->sched_sum.ns[PT_SLOT_SLEEPING] = 3000000;
	ev->sched_sum.ns[PT_SLOT_DISK_SLEEP] = 1000000;
	ev->sched_sum.switches = 4;
	ev->sched_sum.repaired = 2;
	sc_exit(s, 8000, &p, 0);
	sc_reap(s, 9000, &p, &sh, 8000);
}

static struct pt_model *two_threads_model(void)
{
	struct sc s = { 0 };
	struct pt_model *m;

	two_threads(&s);
	m = sc_model(&s, 0, false, 10000);
	sc_free(&s);
	return m;
}

static void test_sched_rollup(void **state)
{
	static const struct {
		__u64 from_us, to_us;
		unsigned state;
	} want[] = {
		{ 1001, 2000, PT_STATE_RUNNABLE }, { 2000, 4000, PT_STATE_RUNNING },
		{ 4000, 5000, PT_STATE_RUNNABLE }, { 5000, 6000, PT_STATE_DISK_SLEEP },
		{ 6000, 7000, PT_STATE_SLEEPING }, { 7000, 8000, PT_STATE_RUNNING },
		{ 8000, 9000, PT_STATE_ZOMBIE },
	};
	struct pt_model *m = two_threads_model();
	const struct pt_proc *p = pt_model_find(m, 200, 0);
	struct pt_span_iter it;
	struct pt_span sp;
	size_t i = 0;

	assert_non_null(p);
	pt_span_begin(&it, p, SC_US(0), SC_US(10000));
	assert_true(pt_span_next(&it, &sp)); /* born alive, 1 us before the first change */
	assert_int_equal(sp.state, PT_STATE_ALIVE);
	while (pt_span_next(&it, &sp)) {
		assert_true(i < sizeof(want) / sizeof(want[0]));
		assert_int_equal(sp.from, SC_US(want[i].from_us));
		assert_int_equal(sp.to, SC_US(want[i].to_us));
		assert_int_equal(sp.state, want[i].state);
		i++;
	}
	assert_int_equal(i, sizeof(want) / sizeof(want[0]));
	assert_int_equal(pt_state_after(PT_STATE_SLEEPING, PT_STATE_ALIVE), PT_STATE_SLEEPING);
	assert_int_equal(pt_state_after(PT_STATE_STOPPED, PT_STATE_ALIVE), PT_STATE_ALIVE);
	assert_int_equal(pt_state_after(PT_STATE_RUNNING, PT_STATE_ZOMBIE), PT_STATE_ZOMBIE);
	pt_model_free(m);
}

static void test_sched_times(void **state)
{
	struct pt_model *m = two_threads_model();
	const struct pt_proc *p = pt_model_find(m, 200, 0);
	struct pt_sched_times t;

	assert_true(pt_proc_sched_times(p, SC_US(10000), &t));
	assert_int_equal(t.lifetime_ns, 8000000);
	assert_int_equal(t.ns[PT_SLOT_RUNNING], 3000000);
	assert_int_equal(t.ns[PT_SLOT_DISK_SLEEP], 1000000);
	assert_int_equal(t.zombie_ns, 1000000);
	assert_false(pt_proc_sched_times(pt_model_find(m, 100, 0), SC_US(10000), &t));
	pt_model_free(m);
}

/* A missed switch-in: the time held in another state is split by what
 * the kernel counted as run meanwhile, never more than that time. */
static void test_sched_repair(void **state)
{
	struct pt_sched_counts c = { .repaired = 3, .switches = 9 };
	struct pt_sched_sum m;

	assert_int_equal(pt_sched_repair(5000000, 1200000), 1200000);
	assert_int_equal(pt_sched_repair(5000000, 5000000), 5000000);
	/* the clocks differ: a runtime above the wall time is all of it */
	assert_int_equal(pt_sched_repair(5000000, 5000400), 5000000);
	assert_int_equal(pt_sched_repair(0, 10), 0);
	pt_sched_sum_fill(&m, &c);
	assert_int_equal(m.repaired, 3);
	assert_int_equal(m.switches, 9);
}

/* A thread's states as the BPF side counts them (sched_enter, sched_close):
 * each event at times[i] enters slots[i]; the last time closes the count.
 * The sum of what pt_sched_elapsed gives. */
static __u64 states_sum(const __u64 *times, const unsigned *slots, size_t n, __u64 *per_slot)
{
	__u64 since = times[0], sum = 0, d;
	unsigned cur = slots[0];
	size_t i;

	for (i = 1; i < n; i++) {
		d = pt_sched_elapsed(&since, times[i]);
		per_slot[cur] += d;
		sum += d;
		cur = slots[i];
	}
	return sum;
}

/* States never overlap: running from 0, switched out asleep at 13 ms, its
 * wake-up stamped 10 ms on another CPU (two clocks read apart), switched
 * in at 20 ms, gone at 100 ms. Moving the state's start back to the early
 * stamp counted 10 to 13 ms twice (sleeping, then runnable): the states
 * summed to 103 ms over a 100 ms life. */
static void test_sched_elapsed_no_overlap(void **state)
{
	const __u64 ms = 1000000;
	const __u64 times[] = { 0, 13 * ms, 10 * ms, 20 * ms, 100 * ms };
	const unsigned slots[] = { PT_SLOT_RUNNING, PT_SLOT_SLEEPING, PT_SLOT_RUNNABLE,
				   PT_SLOT_RUNNING, PT_SLOT_RUNNING };
	__u64 per[PT_NSLOTS] = { 0 };
	__u64 since = 5 * ms;

	(void)state;
	assert_int_equal(states_sum(times, slots, 5, per), 100 * ms);
	assert_int_equal(per[PT_SLOT_RUNNING], 13 * ms + 80 * ms);
	assert_int_equal(per[PT_SLOT_SLEEPING], 0);
	assert_int_equal(per[PT_SLOT_RUNNABLE], 7 * ms);
	/* an earlier stamp counts nothing and leaves the start; a later one
	 * moves it */
	assert_int_equal(pt_sched_elapsed(&since, 4 * ms), 0);
	assert_int_equal(since, 5 * ms);
	assert_int_equal(pt_sched_elapsed(&since, 9 * ms), 4 * ms);
	assert_int_equal(since, 9 * ms);
}

static void test_sched_views(void **state)
{
	struct pt_view_opts o = { .width = 120, .ascii = true };
	struct pt_model *m = two_threads_model();
	char *text = sc_view_text(pt_timeline_write, m, &o);
	const char *row = strstr(text, "200 sh");

	assert_non_null(row);
	/* every state of the row has its glyph, and the legend names them */
	assert_non_null(strchr(row, '#'));
	assert_non_null(strchr(row, '+'));
	assert_non_null(strchr(row, 'D'));
	assert_non_null(strchr(row, '.'));
	assert_non_null(strstr(text, "# running  + runnable  . sleeping  D disk-sleep  t traced"));
	free(text);
	o.width = 0; /* not a terminal: every column */
	text = sc_view_text(pt_summary_write, m, &o);
	assert_null(strstr(text, "left out"));
	row = strstr(text, "\n200 ");
	assert_non_null(row);
	assert_non_null(strstr(row,
			       "       8.0       3.0  38       2.0  25       3.0  38       "
			       "1.0  12       0.0   0       0.0   0       1.0  12         4"));
	assert_null(strstr(text, "\n100 ")); /* no sched row: not in the table */
	assert_non_null(strstr(text, "repaired from the kernel's runtime count: 2\n"));
	free(text);
	pt_model_free(m);
}

/* The widest line of text, in columns (UTF-8 code points). */
static size_t widest(const char *text)
{
	size_t most = 0;

	while (*text) {
		size_t n = strcspn(text, "\n"), cols = pt_view_cols(text, n);

		most = cols > most ? cols : most;
		text += n + (text[n] == '\n');
	}
	return most;
}

/* With a width (a terminal, COLUMNS), the summary fits it: the least
 * telling columns left out and named, then the command cut, the footnote
 * wrapped; without one, every column (as ps when piped). */
static void test_sched_summary_width(void **state)
{
	static const unsigned widths[] = { 40, 52, 80, 100, 120, 200 };
	struct pt_view_opts o = { .ascii = false };
	struct pt_model *m = two_threads_model();
	char *text = sc_view_text(pt_summary_write, m, &o);

	assert_int_equal(widest(text), 169);
	assert_non_null(strstr(text, "   STOPPED   %    TRACED   %"));
	free(text);
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		o.width = widths[i];
		text = sc_view_text(pt_summary_write, m, &o);
		if (widest(text) > widths[i])
			fail_msg("width %u: a line of %zu columns in\n%s", widths[i], widest(text),
				 text);
		/* the row of pid 200 keeps its lifetime and on-CPU time */
		assert_non_null(strstr(text, "\n200     sh"));
		assert_non_null(strstr(text, "       8.0       3.0  38"));
		if (widths[i] < 169) {
			assert_null(strstr(text, "TRACED   %"));
			assert_non_null(strstr(text, "left out for the width"));
		} else {
			assert_null(strstr(text, "left out"));
		}
		free(text);
	}
	/* 40 columns: the command's column cut, its header too */
	o.width = 40;
	text = sc_view_text(pt_summary_write, m, &o);
	assert_non_null(strstr(text, "PID     COMM\u2026  LIFETIME   RUNNING   %\n"));
	free(text);
	pt_model_free(m);
}

/* A name of a comm's 15 characters stays whole at 30 to 80 columns: the
 * other columns are left out first (at 30 all but PID and COMMAND). */
static void test_sched_summary_name_last(void **state)
{
	static const unsigned widths[] = { 30, 40, 50, 60, 80 };
	struct pt_view_opts o = { .ascii = false };
	struct sc s = { 0 };
	struct pt_model *m;
	char *text;
	size_t i;

	two_threads(&s);
	for (i = 0; i < s.n; i++)
		if (s.ev[i]->task.pid == 200)
			memcpy(s.ev[i]->task.comm, "narrow_view_cmd", 16);
	m = sc_model(&s, 0, false, 10000);
	sc_free(&s);
	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		o.width = widths[i];
		text = sc_view_text(pt_summary_write, m, &o);
		if (widest(text) > widths[i] || !strstr(text, "\n200     narrow_view_cmd "))
			fail_msg("width %u:\n%s", widths[i], text);
		/* in the header, the lifetime from 40 columns on, RUNNING from 60 */
		*strchr(text, '\n') = '\0';
		assert_true((strstr(text, "LIFETIME") != NULL) == (widths[i] >= 40));
		assert_true((strstr(text, "RUNNING") != NULL) == (widths[i] >= 60));
		free(text);
	}
	pt_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sched_buckets),
		cmocka_unit_test(test_sched_percentiles),
		cmocka_unit_test(test_sched_rollup),
		cmocka_unit_test(test_sched_times),
		cmocka_unit_test(test_sched_views),
		cmocka_unit_test(test_sched_summary_width),
		cmocka_unit_test(test_sched_repair),
		cmocka_unit_test(test_sched_summary_name_last),
		cmocka_unit_test(test_sched_elapsed_no_overlap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
