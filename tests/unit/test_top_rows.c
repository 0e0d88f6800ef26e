// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --top's rows (top_rows.c): the tree without the reaped (their children
 * take their place), collapsed subtrees, the flat orders, CPU so far, and
 * the exits of the last seconds, latest first. */
#include "scenario.h"
#include "proctrace/top.h"

#define NOW_US 1000

/* sh(100) -> a(200) -> b(300); sh -> c(400) -> e(600), c exits 3 and is
 * reaped; sh -> d(500), exits, a zombie. */
static struct pt_model *family(void)
{
	struct fake sh, a, b, c, d, e;
	struct sc s = { 0 };
	struct pt_model *m;

	fake_init(&sh, 100, 1, SC_US(0) - 5000000000ull, "sh");
	sc_snapshot(&s, 0, &sh);
	sc_fork(&s, 100, &sh, &a, 200);
	sc_fork(&s, 200, &a, &b, 300);
	sc_fork(&s, 300, &sh, &c, 400);
	sc_fork(&s, 350, &c, &e, 600);
	sc_exit(&s, 400, &c, 3 << 8);
	sc_reap(&s, 500, &c, &sh, 400);
	sc_fork(&s, 550, &sh, &d, 500);
	sc_exit(&s, 600, &d, 0);
	m = sc_model(&s, 0, false, 0);
	sc_free(&s);
	return m;
}

/* a (pid 200) has used 9 ms; the others are not known. */
static bool fake_cpu(void *ctx, const struct pt_proc *p, __u64 *ns)
{
	(void)ctx;
	if (p->pid != 200)
		return false;
	*ns = 9000000;
	return true;
}

static void expect(const struct pt_top_rows *r, const __u32 *pids, const unsigned *depths, size_t n)
{
	assert_int_equal(r->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(r->rows[i].p->pid, pids[i]);
		assert_int_equal(r->rows[i].depth, depths[i]);
	}
}

static void test_top_tree(void **state)
{
	struct pt_model *m = family();
	struct pt_top_rows r = { 0 };
	const __u32 pids[] = { 100, 200, 300, 600, 500 };
	const unsigned depths[] = { 0, 1, 2, 1, 1 };

	(void)state;
	assert_int_equal(
		pt_top_rows_build(m, SC_US(NOW_US), PT_TOP_SORT_TREE, NULL, fake_cpu, NULL, &r), 0);
	/* c (400) was reaped: e takes its place under sh */
	expect(&r, pids, depths, 5);
	assert_int_equal(r.procs, 5);
	assert_true(r.rows[0].has_children);
	assert_false(r.rows[2].has_children);
	/* age: from its start; a zombie's, to its exit */
	assert_int_equal(r.rows[1].age_ns, SC_US(NOW_US) - SC_US(98));
	assert_int_equal(r.rows[4].age_ns, 52000);
	/* CPU: the callback's while alive, the exit's figures after */
	assert_true(r.rows[1].cpu_known);
	assert_int_equal(r.rows[1].cpu_ns, 9000000);
	assert_false(r.rows[0].cpu_known);
	assert_true(r.rows[4].cpu_known);
	assert_int_equal(r.rows[4].cpu_ns, 4000000);
	assert_int_equal(r.rows[4].last_kind, PT_EXIT);
	/* ends: d's exit (600 us) after c's reap (500 us) */
	assert_int_equal(r.nexits, 2);
	assert_int_equal(r.exits[0]->pid, 500);
	assert_int_equal(r.exits[1]->pid, 400);
	/* beyond the window, no exit is listed */
	assert_int_equal(pt_top_rows_build(m, SC_US(600) + PT_TOP_EXITS_NS + 1, PT_TOP_SORT_TREE,
					   NULL, NULL, NULL, &r),
			 0);
	assert_int_equal(r.nexits, 0);
	pt_top_rows_free(&r);
	pt_model_free(m);
}

static void test_top_fold(void **state)
{
	struct pt_model *m = family();
	struct pt_top_rows r = { 0 };
	struct pt_top_fold f = { 0 };
	const __u32 pids[] = { 100, 200, 600, 500 };
	const unsigned depths[] = { 0, 1, 1, 1 };
	const __u32 all[] = { 100 };
	const unsigned zero[] = { 0 };

	(void)state;
	assert_int_equal(pt_top_fold_toggle(&f, pt_model_find(m, 200, 0)), 0);
	assert_int_equal(pt_top_rows_build(m, SC_US(NOW_US), PT_TOP_SORT_TREE, &f, NULL, NULL, &r),
			 0);
	expect(&r, pids, depths, 4);
	assert_true(r.rows[1].collapsed);
	/* the root collapsed too: it alone */
	assert_int_equal(pt_top_fold_toggle(&f, pt_model_find(m, 100, 0)), 0);
	assert_int_equal(pt_top_rows_build(m, SC_US(NOW_US), PT_TOP_SORT_TREE, &f, NULL, NULL, &r),
			 0);
	expect(&r, all, zero, 1);
	assert_int_equal(r.procs, 5);
	/* toggled back: the whole tree */
	assert_int_equal(pt_top_fold_toggle(&f, pt_model_find(m, 100, 0)), 0);
	assert_int_equal(pt_top_fold_toggle(&f, pt_model_find(m, 200, 0)), 0);
	assert_int_equal(f.n, 0);
	assert_int_equal(pt_top_rows_build(m, SC_US(NOW_US), PT_TOP_SORT_TREE, &f, NULL, NULL, &r),
			 0);
	assert_int_equal(r.n, 5);
	pt_top_fold_free(&f);
	pt_top_rows_free(&r);
	pt_model_free(m);
}

static void test_top_sorts(void **state)
{
	struct pt_model *m = family();
	struct pt_top_rows r = { 0 };
	const __u32 by_pid[] = { 100, 200, 300, 500, 600 };
	const __u32 by_cpu[] = { 200, 500, 100, 300, 600 };
	const __u32 by_age[] = { 100, 200, 300, 600, 500 };
	const unsigned flat[] = { 0, 0, 0, 0, 0 };

	(void)state;
	assert_int_equal(
		pt_top_rows_build(m, SC_US(NOW_US), PT_TOP_SORT_PID, NULL, fake_cpu, NULL, &r), 0);
	expect(&r, by_pid, flat, 5);
	assert_false(r.rows[0].has_children);
	assert_int_equal(
		pt_top_rows_build(m, SC_US(NOW_US), PT_TOP_SORT_CPU, NULL, fake_cpu, NULL, &r), 0);
	expect(&r, by_cpu, flat, 5);
	assert_int_equal(
		pt_top_rows_build(m, SC_US(NOW_US), PT_TOP_SORT_AGE, NULL, fake_cpu, NULL, &r), 0);
	expect(&r, by_age, flat, 5);
	pt_top_rows_free(&r);
	pt_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_tree),
		cmocka_unit_test(test_top_fold),
		cmocka_unit_test(test_top_sorts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
