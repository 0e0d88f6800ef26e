// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The model's bounds: marks folded past PT_MARKS_MAX (by kind and signal,
 * lifecycle kept, the fatal signal still found), and culling ended
 * processes for a live view (pt_model_cull): who leaves, who stays, what
 * is counted. The timeline and the SVG drawing folds as a density. */
#include "scenario.h"
#include "proctrace/views.h"

/* One event at a time, fields from a fake process (sc_* keep only
 * SC_MAX events; these tests feed many more). */
static void feed(struct pt_model *m, unsigned kind, __u64 ts, const struct fake *p,
		 const struct fake *by, int sig)
{
	struct pt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.size = sizeof(ev);
	ev.task.ts_ns = ts;
	ev.task.start_ns = p->start;
	ev.task.pid = ev.task.tid = p->pid;
	ev.task.ppid = p->ppid;
	ev.task.pgid = p->pgid;
	ev.task.sid = p->sid;
	memcpy(ev.task.comm, p->comm, PT_COMM_LEN);
	ev.flags = PT_F_NO_ACTOR;
	if (by) {
		ev.flags = 0;
		ev.by.pid = ev.by.tid = by->pid;
		memcpy(ev.by.comm, by->comm, PT_COMM_LEN);
	}
	if (kind == PT_EXIT) {
		ev.flags |= PT_F_GROUP_DEAD;
		ev.exit.status = (unsigned)sig; /* a wait status */
	}
	if (kind == PT_SIGNAL)
		ev.signal.sig = sig;
	assert_int_equal(pt_model_feed(m, &ev), 0);
}

static struct pt_model *model_with(bool cull)
{
	struct pt_model_opts o = { .cull = cull };
	struct pt_model *m = pt_model_new(&o);

	assert_non_null(m);
	return m;
}

static __u64 ms(unsigned n)
{
	return SC_US(0) + (__u64)n * 1000000;
}

/* A tracer sent SIGCHLD a hundred thousand times: PT_MARKS_MAX marks and
 * one fold holding the rest, with the first and last times. */
static void test_bounds_fold_one_kind(void **state)
{
	struct pt_model *m = model_with(false);
	struct fake tracer, child;
	const struct pt_proc *p;
	unsigned i, n = 100000;

	fake_init(&tracer, 10, 1, ms(0), "strace");
	fake_init(&child, 11, 10, ms(0), "gcc");
	feed(m, PT_SNAPSHOT, ms(0), &tracer, NULL, 0);
	for (i = 0; i < n; i++)
		feed(m, PT_SIGNAL, ms(1) + i, &tracer, &child, 17);
	p = pt_model_find(m, 10, 0);
	assert_int_equal(p->nmarks, PT_MARKS_MAX);
	assert_int_equal(p->nfolds, 1);
	/* the snapshot is a mark: PT_MARKS_MAX - 1 signals kept */
	assert_int_equal(p->folds[0].count, n - (PT_MARKS_MAX - 1));
	assert_int_equal(p->folds[0].first_ns, ms(1) + PT_MARKS_MAX - 1);
	assert_int_equal(p->folds[0].last.ts_ns, ms(1) + n - 1);
	assert_int_equal(p->folds[0].last.kind, PT_SIGNAL);
	assert_int_equal(p->folds[0].last.signal.sig, 17);
	assert_int_equal(p->folds[0].last.by, 11);
	assert_false(p->flags & PT_PROC_TRIMMED);
	pt_model_free(m);
}

/* Past the cap the lifecycle is still kept whole; signals of other kinds
 * get folds of their own, at most PT_FOLDS_MAX, and none is lost; the
 * fatal signal is found among the folded ones. */
static void test_bounds_fold_kinds_and_lifecycle(void **state)
{
	struct pt_model *m = model_with(false);
	struct fake parent, p0;
	const struct pt_proc *p;
	const struct pt_mark *fatal;
	__u64 total = 0, t = ms(1);
	unsigned i, sig;
	size_t k;

	fake_init(&parent, 10, 1, ms(0), "sh");
	feed(m, PT_SNAPSHOT, ms(0), &parent, NULL, 0);
	fake_init(&p0, 20, 10, ms(1), "victim");
	feed(m, PT_FORK, t++, &p0, &parent, 0);
	for (i = 0; i < 200; i++)
		feed(m, PT_SIGNAL, t++, &p0, &parent, 10);
	for (sig = 1; sig <= 12; sig++)
		feed(m, PT_SIGNAL, t++, &p0, &parent, (int)sig);
	feed(m, PT_SIGNAL, t++, &p0, &parent, 9); /* the fatal one */
	feed(m, PT_EXIT, t++, &p0, NULL, 9);
	feed(m, PT_REAP, t++, &p0, &parent, 0);

	p = pt_model_find(m, 20, 0);
	assert_int_equal(p->nmarks, PT_MARKS_MAX + 2); /* + exit and reap */
	assert_int_equal(p->marks[0].kind, PT_FORK);
	assert_int_equal(p->marks[p->nmarks - 2].kind, PT_EXIT);
	assert_int_equal(p->marks[p->nmarks - 1].kind, PT_REAP);
	assert_int_equal(p->nfolds, PT_FOLDS_MAX);
	for (k = 0; k < p->nfolds; k++)
		total += p->folds[k].count;
	/* 200 + 12 + 1 signals, PT_MARKS_MAX - 1 of them kept */
	assert_int_equal(total, 213 - (PT_MARKS_MAX - 1));
	assert_int_equal(pt_proc_end(p), PT_END_REAPED);
	fatal = pt_proc_fatal_signal(p);
	assert_non_null(fatal);
	assert_int_equal(fatal->signal.sig, 9);
	assert_int_equal(fatal->ts_ns, t - 3);
	pt_model_free(m);
}

/* A parent and three children ending at different times. */
struct family {
	struct fake boss, early, late, grand, alive;
};

static void family_feed(struct pt_model *m, struct family *f)
{
	fake_init(&f->boss, 2, 1, ms(0), "boss");
	feed(m, PT_SNAPSHOT, ms(0), &f->boss, NULL, 0);
	fake_init(&f->early, 100, 2, ms(1), "early");
	feed(m, PT_FORK, ms(1), &f->early, &f->boss, 0);
	fake_init(&f->late, 101, 2, ms(2), "late");
	feed(m, PT_FORK, ms(2), &f->late, &f->boss, 0);
	fake_init(&f->grand, 102, 101, ms(3), "grand");
	feed(m, PT_FORK, ms(3), &f->grand, &f->late, 0);
	fake_init(&f->alive, 103, 2, ms(4), "alive");
	feed(m, PT_FORK, ms(4), &f->alive, &f->boss, 0);
	feed(m, PT_EXIT, ms(5), &f->early, NULL, 0);
	feed(m, PT_REAP, ms(6), &f->early, &f->boss, 0);
	/* late ends before its child: kept while grand is */
	feed(m, PT_EXIT, ms(7), &f->late, NULL, 0);
	feed(m, PT_REAP, ms(8), &f->late, &f->boss, 0);
	feed(m, PT_EXIT, ms(20), &f->grand, NULL, 0);
	feed(m, PT_REAP, ms(21), &f->grand, &f->boss, 0);
}

static int count_rows(const struct pt_walk *w, void *ctx)
{
	(void)w;
	++*(size_t *)ctx;
	return 0;
}

static void test_bounds_cull(void **state)
{
	struct pt_model *m = model_with(true);
	struct pt_model_stats st;
	struct family f;
	size_t rows = 0;

	family_feed(m, &f);
	/* 10 ms after: early ended 4 ms before that, late has a child held */
	assert_int_equal(pt_model_cull(m, ms(10), 3000000), 1);
	assert_null(pt_model_find(m, 100, 0));
	assert_non_null(pt_model_find(m, 101, 0));
	/* nothing more is old enough */
	assert_int_equal(pt_model_cull(m, ms(22), 3000000), 0);
	assert_non_null(pt_model_find(m, 102, 0));
	/* grand goes, then late with it, in the same call */
	assert_int_equal(pt_model_cull(m, ms(30), 3000000), 2);
	assert_null(pt_model_find(m, 101, 0));
	assert_null(pt_model_find(m, 102, 0));
	assert_non_null(pt_model_find(m, 2, 0));
	assert_non_null(pt_model_find(m, 103, 0));
	pt_model_stats(m, &st);
	assert_int_equal(st.procs, 2);
	assert_int_equal(st.procs_seen, 5);
	assert_int_equal(st.procs_culled, 3);
	assert_int_equal(st.procs_dropped, 0);
	assert_int_equal(pt_model_walk(m, count_rows, &rows), 0);
	assert_int_equal(rows, 2);
	pt_model_free(m);
}

/* Without opts.cull nothing leaves: an end-of-trace view shows all. */
static void test_bounds_cull_off(void **state)
{
	struct pt_model *m = model_with(false);
	struct pt_model_stats st;
	struct family f;

	family_feed(m, &f);
	assert_int_equal(pt_model_cull(m, ms(1000), 0), 0);
	pt_model_stats(m, &st);
	assert_int_equal(st.procs, 5);
	assert_int_equal(st.procs_culled, 0);
	pt_model_free(m);
}

/* Many ended processes, culled as they age: the model holds only what
 * ended within the delay, whatever the number that passed. */
static void test_bounds_cull_flat(void **state)
{
	struct pt_model *m = model_with(true);
	struct pt_model_stats st;
	struct fake boss, c;
	unsigned i;

	fake_init(&boss, 2, 1, ms(0), "boss");
	feed(m, PT_SNAPSHOT, ms(0), &boss, NULL, 0);
	for (i = 0; i < 20000; i++) {
		fake_init(&c, 1000 + i % 30000, 2, ms(1) + i * 3000ULL, "job");
		feed(m, PT_FORK, c.start, &c, &boss, 0);
		feed(m, PT_EXIT, c.start + 1000, &c, NULL, 0);
		feed(m, PT_REAP, c.start + 2000, &c, &boss, 0);
		pt_model_cull(m, c.start + 2000, 300000); /* 100 processes' worth */
		pt_model_stats(m, &st);
		assert_true(st.procs <= 1 + 101);
	}
	pt_model_stats(m, &st);
	assert_int_equal(st.procs_seen, 20001);
	assert_int_equal(st.procs + st.procs_culled, st.procs_seen);
	pt_model_free(m);
}

/* The views: a folded process is drawn as a density and the folds are
 * counted and listed. */
static struct pt_model *folded_model(unsigned n)
{
	struct pt_model *m = model_with(false);
	struct fake tracer, child;
	unsigned i;

	fake_init(&tracer, 10, 1, ms(0), "strace");
	fake_init(&child, 11, 10, ms(0), "gcc");
	feed(m, PT_SNAPSHOT, ms(0), &tracer, NULL, 0);
	for (i = 0; i < n; i++)
		feed(m, PT_SIGNAL, ms(1) + (__u64)i * 10000, &tracer, &child, 17);
	pt_model_set_end(m, ms(1) + (__u64)n * 10000);
	return m;
}

static char *render(struct pt_model *m, bool svg, bool verbose)
{
	struct pt_view_opts o = { .width = 80, .ascii = true, .verbose = verbose };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	if (svg)
		assert_int_equal(pt_svg_write(f, m, &o), 0);
	else
		assert_int_equal(pt_timeline_write(f, m, &o), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void test_bounds_views_density(void **state)
{
	unsigned n = 10000, folded = n - (PT_MARKS_MAX - 1);
	struct pt_model *m = folded_model(n);
	char want[128], *text;

	text = render(m, false, true);
	snprintf(want, sizeof(want), "marks folded: %u (past %u", folded, (unsigned)PT_MARKS_MAX);
	assert_non_null(strstr(text, want));
	/* the chart row: dense folds over most of it */
	assert_non_null(strstr(text, "::::::::::"));
	snprintf(want, sizeof(want), "%u folded, the last at ", folded);
	assert_non_null(strstr(text, want));
	free(text);

	text = render(m, true, false);
	assert_non_null(strstr(text, "<rect class=\"fold\""));
	snprintf(want, sizeof(want), "<title>%u signal SIGCHLD folded, from ", folded);
	assert_non_null(strstr(text, want));
	free(text);
	pt_model_free(m);

	/* below the cap: no fold, no note */
	m = folded_model(10);
	text = render(m, false, true);
	assert_null(strstr(text, "marks folded"));
	free(text);
	text = render(m, true, false);
	assert_null(strstr(text, "class=\"fold\""));
	free(text);
	pt_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounds_fold_one_kind),
		cmocka_unit_test(test_bounds_fold_kinds_and_lifecycle),
		cmocka_unit_test(test_bounds_cull),
		cmocka_unit_test(test_bounds_cull_off),
		cmocka_unit_test(test_bounds_cull_flat),
		cmocka_unit_test(test_bounds_views_density),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
