// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Compact records of ended processes (pt_model_opts.compact): the same
 * events fed to a model that keeps every node and to one that keeps ended
 * processes compact give the same views, byte for byte, and the same
 * processes to pt_model_find; an event that comes for a compact process
 * makes it whole again, reading it (pt_model_peek) does not. */
#include "scenario.h"
#include "proctrace/views.h"
#include "proctrace/writer.h"

static struct pt_model *model_of(const struct sc *s, const size_t *order, bool compact,
				 bool threads)
{
	struct pt_model_opts o = { .compact = compact, .threads = threads };
	struct pt_model *m = pt_model_new(&o);

	assert_non_null(m);
	sc_feed_order(s, m, order);
	pt_model_set_end(m, SC_US(SEED_END_US));
	return m;
}

/* Every view drawn from the model: tree, timeline with every transition,
 * SVG, summary, and the Perfetto trace (which reads each process again
 * after its walk). */
static char *views_of(struct pt_model *m)
{
	struct pt_view_opts o = { .width = 100, .verbose = true, .threads = true };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(pt_tree_write(f, m, &o), 0);
	assert_int_equal(pt_timeline_write(f, m, &o), 0);
	assert_int_equal(pt_svg_write(f, m, &o), 0);
	assert_int_equal(pt_summary_write(f, m, &o), 0);
	assert_int_equal(pt_perfetto_write(f, m, &(struct pt_perfetto_opts){ .threads = true }), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static size_t compact_count(const struct pt_model *m)
{
	struct pt_model_stats st;

	pt_model_stats(m, &st);
	return st.procs_compact;
}

static void assert_same_views(const struct sc *s, const size_t *order, bool threads,
			      size_t min_compact)
{
	struct pt_model *full = model_of(s, order, false, threads);
	struct pt_model *small = model_of(s, order, true, threads);
	char *want = views_of(full), *got = views_of(small);

	assert_true(compact_count(small) >= min_compact);
	assert_int_equal(compact_count(full), 0);
	assert_string_equal(got, want);
	free(want);
	free(got);
	pt_model_free(full);
	pt_model_free(small);
}

/* The seed: reaped processes (cc, true, sh, sleep) become records, one of
 * them an orphan's parent at birth (sleep's orig_parent), one a pid
 * reused (1004). */
static void test_compact_seed_same_views(void **state)
{
	struct sc s = { 0 };

	sc_seed(&s);
	assert_same_views(&s, NULL, false, 4);
	sc_free(&s);
}

/* Delivered out of order (each pair of neighbours swapped): events come
 * for processes already compact, which become nodes again. */
static void test_compact_out_of_order_same_views(void **state)
{
	struct sc s = { 0 };
	size_t idx[SC_MAX], i, start;

	sc_seed(&s);
	for (start = 0; start < 2; start++) {
		for (i = 0; i < s.n; i++)
			idx[i] = i;
		for (i = start; i + 1 < s.n; i += 2) {
			idx[i] = i + 1;
			idx[i + 1] = i;
		}
		assert_same_views(&s, idx, false, 1);
	}
	sc_free(&s);
}

/* A signal after the reap: the record is made a node for it, then a
 * record again; its history keeps the signal. */
static void test_compact_late_event(void **state)
{
	struct fake bash, child;
	struct sc s = { 0 };
	struct pt_model *m;
	const struct pt_proc *p;

	fake_init(&bash, 900, 1, SC_US(0) - 1000, "bash");
	sc_snapshot(&s, 0, &bash);
	sc_fork(&s, 100, &bash, &child, 1000);
	sc_exec(&s, 105, &child, "true\n--x", "/usr/bin/true");
	sc_exit(&s, 200, &child, 0);
	sc_reap(&s, 210, &child, &bash, 200);
	sc_sig(&s, PT_SIGNAL, 150, &child, &bash, 15, PT_SIG_IGNORED);
	assert_same_views(&s, NULL, false, 1);

	m = model_of(&s, NULL, true, false);
	assert_int_equal(compact_count(m), 1);
	/* Read: expanded, still compact in the model. */
	p = pt_model_peek(m, 1000, 0);
	assert_non_null(p);
	assert_int_equal(compact_count(m), 1);
	assert_int_equal(p->start_ns, child.start);
	assert_int_equal(p->nmarks, 5);
	assert_string_equal(p->progs->path, "/usr/bin/true");
	assert_ptr_equal(p->marks[1].prog, p->progs);
	assert_null(pt_model_peek(m, 1000, child.start + 1));
	p = pt_model_find(m, 1000, child.start);
	assert_non_null(p);
	/* Made a node for the caller: whole, with its program and marks. */
	assert_int_equal(compact_count(m), 0);
	assert_int_equal(p->nmarks, 5);
	assert_int_equal(p->marks[2].kind, PT_SIGNAL);
	assert_int_equal(p->nprogs, 1);
	assert_string_equal(p->progs->path, "/usr/bin/true");
	assert_ptr_equal(p->marks[1].prog, p->progs);
	assert_int_equal(p->progs->argc, 2);
	pt_model_free(m);
	sc_free(&s);
}

/* Many processes that ran the same command, one signalled past
 * PT_MARKS_MAX (its marks folded): all records, the same views. */
static void test_compact_many_and_folds(void **state)
{
	struct fake bash, child[40];
	struct sc s = { 0 };
	__u64 t = 100;
	size_t i, k;

	fake_init(&bash, 900, 1, SC_US(0) - 1000, "bash");
	sc_snapshot(&s, 0, &bash);
	for (i = 0; i < 40; i++, t += 1000) {
		sc_fork(&s, t, &bash, &child[i], 2000 + i);
		sc_exec(&s, t + 5, &child[i], "cc\n-c\nx.c", "/usr/bin/cc");
		if (i == 0)
			for (k = 0; k < 70 && s.n < SC_MAX - 100; k++)
				sc_sig(&s, PT_SIGNAL, t + 10 + k, &child[i], &bash, 17,
				       PT_SIG_IGNORED);
		sc_exit(&s, t + 500, &child[i], i % 3 ? 0 : 256);
		sc_reap(&s, t + 510, &child[i], &bash, t + 500);
	}
	assert_same_views(&s, NULL, false, 40);
	sc_free(&s);
}

/* Threads keep a process a node (their list is not in a record). */
static void test_compact_threads_same_views(void **state)
{
	struct sc s = { 0 };

	sc_threads(&s);
	assert_same_views(&s, NULL, true, 0);
	sc_free(&s);
}

/* A model that drops or culls keeps nodes: compact is ignored. */
static void test_compact_ignored_when_bounded(void **state)
{
	struct pt_model_opts o = { .compact = true, .max_ended = 16 };
	struct pt_model *m = pt_model_new(&o);
	struct sc s = { 0 };

	assert_non_null(m);
	sc_seed(&s);
	sc_feed(&s, m);
	assert_int_equal(compact_count(m), 0);
	pt_model_free(m);
	sc_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact_seed_same_views),
		cmocka_unit_test(test_compact_out_of_order_same_views),
		cmocka_unit_test(test_compact_late_event),
		cmocka_unit_test(test_compact_many_and_folds),
		cmocka_unit_test(test_compact_threads_same_views),
		cmocka_unit_test(test_compact_ignored_when_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
