// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* schema.c: the one table every format and `--columns` print from. Its
 * text goes into Markdown table cells, one line each, so it may hold
 * neither '|' nor a newline; names are unique. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "proctrace/schema.h"

static void assert_cell(const char *s)
{
	assert_non_null(s);
	assert_null(strchr(s, '|'));
	assert_null(strchr(s, '\n'));
}

static void assert_defs(const struct pt_field_def *defs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_cell(defs[i].name);
		assert_cell(defs[i].unit);
		assert_cell(defs[i].events);
		assert_cell(defs[i].meaning);
		assert_true(defs[i].meaning[0]);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(defs[i].name, defs[j].name);
	}
}

static void test_schema_cells_fit_a_table(void **state)
{
	assert_defs(pt_columns, PT_NCOLS);
	assert_defs(pt_detail_keys, PT_NDKEYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_cells_fit_a_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
