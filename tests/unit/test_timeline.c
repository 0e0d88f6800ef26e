// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The timeline view: golden output of the seed scenario, the shape of the
 * chart (one row per process, every row as wide as the chart), short
 * processes that must still show, and the axis. */
#include "scenario.h"
#include "proctrace/views.h"

static void test_timeline_golden_verbose(void **state)
{
	struct pt_view_opts o = { .width = 80, .verbose = true };
	struct pt_model *m = sc_seed_model();
	char *text = sc_view_text(pt_timeline_write, m, &o);

	golden_check("timeline.txt", text);
	free(text);
	pt_model_free(m);
}

static void test_timeline_golden_ascii(void **state)
{
	struct pt_view_opts o = { .width = 60, .ascii = true };
	struct pt_model *m = sc_seed_model();
	char *text = sc_view_text(pt_timeline_write, m, &o);

	golden_check("timeline-ascii.txt", text);
	free(text);
	pt_model_free(m);
}

/* Chart rows of ASCII output: lines with a '|' border at both ends. */
static size_t chart_rows(const char *text, size_t *width, char *cells_of_row, size_t want_row,
			 size_t cells_len)
{
	const char *line = text, *bar, *end;
	size_t rows = 0, w;

	*width = 0;
	while (*line) {
		end = strchr(line, '\n');
		assert_non_null(end);
		bar = memchr(line, '|', (size_t)(end - line));
		if (bar && end[-1] == '|' && end - 1 > bar) {
			w = (size_t)(end - 1 - bar - 1);
			if (*width)
				assert_int_equal(w, *width);
			*width = w;
			if (rows == want_row && cells_of_row) {
				assert_true(w < cells_len);
				memcpy(cells_of_row, bar + 1, w);
				cells_of_row[w] = '\0';
			}
			rows++;
		}
		line = end + 1;
	}
	return rows;
}

static void test_timeline_shape(void **state)
{
	struct pt_view_opts o = { .width = 100, .ascii = true };
	struct pt_model *m = sc_seed_model();
	struct pt_model_stats st;
	char *text = sc_view_text(pt_timeline_write, m, &o), cells[128];
	size_t width;

	pt_model_stats(m, &st);
	/* one row per process, rows in tree order: row 4 is sh */
	assert_int_equal(chart_rows(text, &width, cells, 4, sizeof(cells)), st.procs);
	assert_int_equal(width, 100 - 25 - 4);
	assert_non_null(strchr(cells, '-')); /* stopped */
	assert_non_null(strchr(cells, '!')); /* SIGKILL */
	assert_non_null(strchr(cells, 'z')); /* zombie before the reap */
	assert_non_null(strchr(cells, '*')); /* its exec */
	/* alive, stopped, alive again, in that order */
	assert_true(strchr(cells, '=') < strchr(cells, '-'));
	assert_true(strrchr(cells, '-') < strrchr(cells, '='));
	free(text);
	pt_model_free(m);
}

/* No width limit: the chart keeps the default width and the labels are
 * whole, however deep and long; with a limit the chart gives way first. */
static void test_timeline_no_limit_labels_whole(void **state)
{
	struct pt_view_opts o = { .width = 0, .ascii = true };
	struct fake p[8];
	struct sc s = { 0 };
	struct pt_model *m;
	char *text, cells[128];
	size_t width;
	unsigned i;

	fake_init(&p[0], 900, 0, SC_US(0) - 1000, "a-long-name-her");
	sc_snapshot(&s, 0, &p[0]);
	for (i = 1; i < 8; i++)
		sc_fork(&s, 1000 * i, &p[i - 1], &p[i], 900 + i);
	m = sc_model(&s, 0, false, 10000);
	text = sc_view_text(pt_timeline_write, m, &o);
	assert_int_equal(chart_rows(text, &width, cells, 7, sizeof(cells)), 8);
	assert_int_equal(width, PT_VIEW_DEFAULT_WIDTH - 25 - 4);
	/* depth 7: seven spaces, pid, comm of 15 characters, all there */
	assert_non_null(strstr(text, "\n       907 a-long-name-her |"));
	free(text);
	/* With a limit the chart narrows first (to 10 columns): at 40 and
	 * more the label is whole; at 30 the indentation gives way, then the
	 * name is cut. No row is wider than the limit. */
	for (i = 0; i < 5; i++) {
		static const unsigned widths[] = { 30, 40, 50, 60, 80 };
		const char *line, *nl, *bar;

		o.width = widths[i];
		text = sc_view_text(pt_timeline_write, m, &o);
		for (line = text; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			bar = memchr(line, '|', (size_t)(nl - line));
			if (bar && (unsigned)(nl - line) > o.width)
				fail_msg("a row wider than %u: %s", o.width, line);
		}
		if (o.width >= 40)
			assert_non_null(strstr(text, "\n       907 a-long-name-her |"));
		else
			assert_non_null(strstr(text, "\n907 a-long-na... |"));
		free(text);
	}
	pt_model_free(m);
	sc_free(&s);
}

/* A process of a few microseconds in a trace of seconds: still a cell. */
static void test_timeline_short_process_shows(void **state)
{
	struct pt_view_opts o = { .width = 60, .ascii = true };
	struct fake sh, c;
	struct sc s = { 0 };
	struct pt_model *m;
	char *text, cells[64];
	size_t width, at;

	fake_init(&sh, 900, 0, SC_US(0) - 1000, "sh");
	sc_snapshot(&s, 0, &sh);
	sc_fork(&s, 3000000, &sh, &c, 901);
	sc_exit(&s, 3000003, &c, 0);
	sc_reap(&s, 3000004, &c, NULL, 3000003);
	m = sc_model(&s, 0, false, 5000000);
	text = sc_view_text(pt_timeline_write, m, &o);
	assert_int_equal(chart_rows(text, &width, cells, 1, sizeof(cells)), 2);
	at = strspn(cells, " ");
	assert_int_equal(at, 3 * width / 5); /* born at 3 s of 5 */
	assert_int_equal(cells[at], '=');
	assert_int_equal(strspn(cells + at + 1, " "), width - at - 1);
	free(text);
	pt_model_free(m);
	sc_free(&s);
}

/* In each slice, the state the process spent most of it in. */
static void test_timeline_dominant_state(void **state)
{
	struct pt_view_opts o = { .width = 4 + 12 + 10, .ascii = true };
	struct fake sh, c;
	struct sc s = { 0 };
	struct pt_model *m;
	char *text, cells[32];
	size_t width;

	/* 10 columns of 100 ms; stopped from 130 ms to 170 ms (40% of the
	 * second column), then from 200 to 290 ms (90% of the third). */
	fake_init(&sh, 900, 0, SC_US(0) - 1000, "sh");
	sc_snapshot(&s, 0, &sh);
	fake_init(&c, 901, 900, SC_US(0) - 500, "c");
	sc_sig(&s, PT_STOP, 130000, &c, &sh, 19, 0);
	sc_sig(&s, PT_CONTINUE, 170000, &c, &sh, 18, 0);
	sc_sig(&s, PT_STOP, 200000, &c, &sh, 19, 0);
	sc_sig(&s, PT_CONTINUE, 290000, &c, &sh, 18, 0);
	m = sc_model(&s, 0, false, 1000000);
	text = sc_view_text(pt_timeline_write, m, &o);
	assert_int_equal(chart_rows(text, &width, cells, 1, sizeof(cells)), 2);
	assert_int_equal(width, 10);
	assert_string_equal(cells, "==-=======");
	free(text);
	pt_model_free(m);
	sc_free(&s);
}

static void test_timeline_axis(void **state)
{
	struct pt_buf b = { 0 };

	assert_int_equal(pt_view_tick_step(1200000000, 7), 200000000);
	assert_int_equal(pt_view_tick_step(1200000000, 3), 500000000);
	assert_int_equal(pt_view_tick_step(10, 10), 2);
	assert_int_equal(pt_view_tick_step(3600000000000ULL, 6), 1000000000000ULL);
	pt_view_put_tick(&b, 0, 500000000);
	assert_string_equal(b.data, "0s");
	pt_buf_reset(&b);
	pt_view_put_tick(&b, 1500000000, 500000000);
	assert_string_equal(b.data, "1.5s");
	pt_buf_reset(&b);
	pt_view_put_tick(&b, 2000000000, 500000000);
	assert_string_equal(b.data, "2s");
	pt_buf_reset(&b);
	pt_view_put_tick(&b, 250000000, 50000000);
	assert_string_equal(b.data, "0.25s");
	pt_buf_reset(&b);
	pt_view_put_tick(&b, 30000, 10000);
	assert_string_equal(b.data, "0.00003s");
	pt_buf_free(&b);
}

static void test_timeline_empty(void **state)
{
	struct pt_view_opts o = { .ascii = true };
	struct pt_model *m = pt_model_new(NULL);
	char *text = sc_view_text(pt_timeline_write, m, &o);
	size_t width;

	assert_int_equal(chart_rows(text, &width, NULL, 0, 0), 0);
	free(text);
	pt_model_free(m);
}

/* The axis is drawn again under a chart of more than 30 rows: rows drawn,
 * a fold of 40 ancestors being one. */
static void test_timeline_axis_again_counts_rows(void **state)
{
	struct pt_view_opts o = { .width = 80, .ascii = true };
	struct pt_model *m = sc_ancestors_model(40);
	char *text = sc_view_text(pt_timeline_write, m, &o);
	const char *at;
	size_t axes = 0;

	for (at = strstr(text, "PID COMMAND"); at; at = strstr(at + 1, "PID COMMAND"))
		axes++;
	assert_non_null(strstr(text, "\n... 40 ancestors: init > ... > sh\n"));
	assert_int_equal(axes, 1);
	free(text);
	pt_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeline_golden_verbose),
		cmocka_unit_test(test_timeline_golden_ascii),
		cmocka_unit_test(test_timeline_shape),
		cmocka_unit_test(test_timeline_no_limit_labels_whole),
		cmocka_unit_test(test_timeline_short_process_shows),
		cmocka_unit_test(test_timeline_dominant_state),
		cmocka_unit_test(test_timeline_axis),
		cmocka_unit_test(test_timeline_empty),
		cmocka_unit_test(test_timeline_axis_again_counts_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
