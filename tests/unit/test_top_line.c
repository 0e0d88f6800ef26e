// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --top's lines for a width (top_line.c): at 30 to 80 columns the command's
 * name stays whole on every row, the other columns left out first (last
 * event, age, CPU, state), the tree's indentation narrowed before the name
 * is cut; the heading counts what is followed, not its ancestors. */
#include "scenario.h"
#include "proctrace/top.h"

#define NOW_US 1000
/* The longest name a comm holds. */
#define LONG_NAME "narrow_view_cmd"

/* Ancestors outside the selection: init(1) -> tmux(50) -> sh(60); then
 * what is followed: LONG_NAME(100) -> a chain of five (201-205), the last
 * of which runs LONG_NAME again (depth 8 in the tree). */
static struct pt_model *deep(void)
{
	struct fake init, tmux, sh, cmd, chain[6];
	struct sc s = { 0 };
	struct pt_model *m;
	size_t i;

	fake_init(&init, 1, 0, SC_US(0) - 9000000000ull, "init");
	fake_init(&tmux, 50, 1, SC_US(0) - 8000000000ull, "tmux: server");
	fake_init(&sh, 60, 50, SC_US(0) - 7000000000ull, "sh");
	fake_init(&cmd, 100, 60, SC_US(0) - 6000000000ull, LONG_NAME);
	sc_snapshot(&s, 0, &init);
	sc_snapshot(&s, 0, &tmux);
	sc_snapshot(&s, 0, &sh);
	sc_snapshot(&s, 0, &cmd);
	sc_fork(&s, 100, &cmd, &chain[0], 201);
	for (i = 1; i < 5; i++)
		sc_fork(&s, 100 + 10 * i, &chain[i - 1], &chain[i], 201 + (__u32)i);
	sc_exec(&s, 200, &chain[4], LONG_NAME, "/bin/" LONG_NAME);
	m = sc_model(&s, 0, false, 0);
	sc_free(&s);
	pt_model_mark(m, 1, PT_PROC_CONTEXT);
	pt_model_mark(m, 50, PT_PROC_CONTEXT);
	pt_model_mark(m, 60, PT_PROC_CONTEXT);
	return m;
}

static bool has_word(const char *line, const char *word)
{
	return strstr(line, word) != NULL;
}

static void test_top_line_widths(void **state)
{
	static const struct {
		unsigned width;
		bool state, cpu, age, last; /* the columns shown */
	} want[] = {
		{ 30, false, false, false, false }, { 40, true, false, false, false },
		{ 50, true, true, false, false },   { 60, true, true, true, false },
		{ 80, true, true, true, true },
	};
	struct pt_model *m = deep();
	struct pt_top_rows r = { 0 };
	struct pt_top_layout l;
	struct pt_buf b = { 0 }, tmp = { 0 };
	size_t i, k;

	(void)state;
	assert_int_equal(
		pt_top_rows_build(m, SC_US(NOW_US), PT_TOP_SORT_TREE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.n, 9);
	assert_int_equal(r.rows[8].depth, 8);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		pt_top_layout_fit(&l, want[i].width);
		pt_buf_reset(&b);
		pt_top_put_header(&b, &l);
		if (b.len > want[i].width || !has_word(b.data, "COMMAND") ||
		    !has_word(b.data, "PID") || has_word(b.data, "STATE") != want[i].state ||
		    has_word(b.data, "CPU") != want[i].cpu ||
		    has_word(b.data, "AGE") != want[i].age ||
		    has_word(b.data, "LAST EVENT") != want[i].last)
			fail_msg("header at %u columns: '%s'", want[i].width, b.data);
		for (k = 0; k < r.n; k++) {
			char pid[16];

			pt_buf_reset(&b);
			pt_top_put_row(&b, &l, &r.rows[k], false, SC_US(NOW_US), &tmp);
			snprintf(pid, sizeof(pid), "%u ", r.rows[k].p->pid);
			/* ASCII only: a byte a column */
			if (b.len > want[i].width || !has_word(b.data, r.rows[k].p->comm) ||
			    !has_word(b.data, pid) || has_word(b.data, "alive") != want[i].state)
				fail_msg("row of %u at %u columns: '%s'", r.rows[k].p->pid,
					 want[i].width, b.data);
		}
	}
	/* Narrower than a whole name: the name cut, marked so, the pid kept. */
	pt_top_layout_fit(&l, 20);
	pt_buf_reset(&b);
	pt_top_put_row(&b, &l, &r.rows[8], false, SC_US(NOW_US), &tmp);
	assert_string_equal(b.data, "    205   narrow_...");
	pt_buf_free(&b);
	pt_buf_free(&tmp);
	pt_top_rows_free(&r);
	pt_model_free(m);
}

/* The heading counts the followed processes; the ancestors drawn above
 * them for context are said apart. Too narrow for the whole heading, the
 * counts come first. */
static void test_top_line_title(void **state)
{
	struct pt_model *m = deep();
	struct pt_top_rows r = { 0 };
	struct pt_top_layout l;
	struct pt_top_title t = { .events = 12, .sort = "tree", .selected = 100 };
	struct pt_buf b = { 0 }, tmp = { 0 };

	(void)state;
	assert_int_equal(
		pt_top_rows_build(m, SC_US(NOW_US), PT_TOP_SORT_TREE, NULL, NULL, NULL, &r), 0);
	assert_int_equal(r.procs, 6);
	assert_int_equal(r.ancestors, 3);
	t.procs = r.procs;
	t.ancestors = r.ancestors;
	pt_top_layout_fit(&l, 120);
	pt_top_put_title(&b, &l, &t, &tmp);
	assert_string_equal(b.data,
			    "proctrace --top  6 processes (+3 ancestors)  12 events, 0 lost"
			    "  sort: tree  selected 100");
	pt_top_layout_fit(&l, 80);
	pt_buf_reset(&b);
	pt_top_put_title(&b, &l, &t, &tmp);
	assert_string_equal(b.data,
			    "6 processes (+3 ancestors)  12 events, 0 lost"
			    "  sort: tree  selected 100");
	pt_buf_free(&b);
	pt_buf_free(&tmp);
	pt_top_rows_free(&r);
	pt_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_line_widths),
		cmocka_unit_test(test_top_line_title),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
