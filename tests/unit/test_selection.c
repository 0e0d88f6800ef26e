// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* selection.c's --list: every word it prints is one -e or --signals takes,
 * so the completion built on it offers nothing the program refuses. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "proctrace/selection.h"

/* The lines --list what prints (caller frees the buffer); their count. */
static int listed(const char *what, char **buf, char **lines, int max)
{
	size_t len = 0;
	FILE *f = open_memstream(buf, &len);
	int n = 0;

	assert_non_null(f);
	assert_int_equal(pt_selection_list(what, f), 0);
	assert_int_equal(fclose(f), 0);
	for (char *save = NULL, *w = strtok_r(*buf, "\n", &save); w && n < max;
	     w = strtok_r(NULL, "\n", &save))
		lines[n++] = w;
	return n;
}

static void test_selection_list_events(void **state)
{
	char *buf, *lines[64], all[512] = "";
	__u32 kinds, every = 0;
	int n = listed("events", &buf, lines, 64);

	assert_true(n > 10);
	for (int i = 0; i < n; i++) {
		assert_int_equal(pt_parse_kinds(lines[i], &kinds), 0);
		assert_int_equal(kinds & every, 0); /* each kind once */
		every |= kinds;
	}
	/* the same kinds as the usage error's list */
	pt_kinds_list(all, sizeof(all));
	assert_int_equal(pt_parse_kinds(all, &kinds), 0);
	assert_int_equal(kinds, every);
	free(buf);
}

static void test_selection_list_signals(void **state)
{
	char *buf, *lines[128];
	__u64 sigs, every = 0;
	int n = listed("signals", &buf, lines, 128);

	assert_int_equal(n, 64 + 3); /* 1 to 64, then SIGCLD, SIGIOT, SIGPOLL */
	for (int i = 0; i < n; i++) {
		assert_int_equal(pt_parse_signals(lines[i], &sigs), 0);
		if (i < 64)
			assert_int_equal(sigs, 1ull << i);
		every |= sigs;
	}
	assert_int_equal(every, ~0ull);
	free(buf);
}

static void test_selection_list_unknown(void **state)
{
	assert_int_equal(pt_selection_list("colours", stdout), -EINVAL);
	assert_int_equal(pt_selection_list("", stdout), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selection_list_events),
		cmocka_unit_test(test_selection_list_signals),
		cmocka_unit_test(test_selection_list_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
