// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* comm_glob.c and filter_rules.h's matcher against fnmatch(3) itself: on
 * every glob and name of a small alphabet that has each special byte, the
 * one-pass matcher (the kernel's) decides as fnmatch does. */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "proctrace/comm_glob.h"

static bool glob_matches(const char *glob, const char *comm)
{
	struct pt_filter f = { 0 };
	char err[96];

	assert_int_equal(pt_comm_glob_add(&f, glob, err, sizeof(err)), 0);
	return pt_rules_comm_match(&f, 0, comm);
}

static void test_comm_glob_examples(void **state)
{
	(void)state;
	assert_true(glob_matches("kworker/*", "kworker/0:1H"));
	assert_false(glob_matches("kworker/*", "kworker"));
	assert_true(glob_matches("*sh", "bash"));
	assert_true(glob_matches("*sh", "sh"));
	assert_false(glob_matches("*sh", "shx"));
	assert_true(glob_matches("a*b*c", "axxbyybc"));
	assert_false(glob_matches("a*b*c", "axxbyyb"));
	assert_true(glob_matches("python3.1[0-2]", "python3.11"));
	assert_false(glob_matches("python3.1[0-2]", "python3.13"));
	assert_true(glob_matches("[!a-c]x", "dx"));
	assert_false(glob_matches("[^a-c]x", "bx"));
	assert_true(glob_matches("cc[[:digit:]]", "cc1"));
	assert_false(glob_matches("cc[[:digit:]]", "cca"));
	assert_true(glob_matches("[]]", "]"));
	assert_true(glob_matches("a\\*", "a*"));
	assert_false(glob_matches("a\\*", "ab"));
	assert_true(glob_matches("\\[", "["));
	assert_true(glob_matches("*", ""));
	assert_true(glob_matches("???????????????", "abcdefghijklmno"));
	assert_false(glob_matches("??????????????", "abcdefghijklmno"));
}

static void test_comm_glob_errors(void **state)
{
	struct pt_filter f = { 0 };
	char err[96];
	unsigned i;

	(void)state;
	assert_int_equal(pt_comm_glob_add(&f, "", err, sizeof(err)), -EINVAL);
	assert_int_equal(pt_comm_glob_add(&f, "a[b", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "without its ']'"));
	assert_int_equal(pt_comm_glob_add(&f, "[]", err, sizeof(err)), -EINVAL);
	assert_int_equal(pt_comm_glob_add(&f, "a\\", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "quoting nothing"));
	assert_int_equal(pt_comm_glob_add(&f, "????????????????", err, sizeof(err)), -E2BIG);
	assert_non_null(strstr(err, "more than 15 bytes"));
	assert_int_equal(f.n_comms, 0);
	for (i = 0; i < PT_MAX_FILTER; i++)
		assert_int_equal(pt_comm_glob_add(&f, "a", err, sizeof(err)), 0);
	assert_int_equal(pt_comm_glob_add(&f, "a", err, sizeof(err)), -ENOSPC);
}

/* Every glob of up to 3 items over the alphabet below against every name
 * of up to 4 bytes over the names' alphabet: the same answer as fnmatch. */
static const char *const items[] = { "a",    "b",    "-",   "*", "?", "[a-b]",	     "[!a]",
				     "[]a]", "[^-]", "\\*", "[", "]", "[[:alpha:]]", "\\" };
#define N_ITEMS (sizeof(items) / sizeof(items[0]))
static const char names_abc[] = "ab-*[]\\";

static unsigned check_names(const char *glob, const struct pt_filter *f, char *name, size_t len)
{
	unsigned bad = 0;

	if (len > 0) {
		bool want = fnmatch(glob, name, 0) == 0;

		if (pt_rules_comm_match(f, 0, name) != want) {
			print_error("glob '%s' name '%s': fnmatch %d\n", glob, name, want);
			bad++;
		}
	}
	if (len == 4)
		return bad;
	for (const char *c = names_abc; *c; c++) {
		name[len] = *c;
		name[len + 1] = 0;
		bad += check_names(glob, f, name, len + 1);
	}
	name[len] = 0;
	return bad;
}

static unsigned check_globs(char *glob, size_t depth)
{
	struct pt_filter f = { 0 };
	char err[96], name[8] = { 0 };
	size_t len = strlen(glob);
	unsigned bad = 0;

	/* Refused globs (an open '[', a '\' at the end) are left out, and
	 * so is what would start with them. */
	if (depth > 0 && pt_comm_glob_add(&f, glob, err, sizeof(err)))
		return 0;
	if (depth > 0)
		bad += check_names(glob, &f, name, 0);
	if (depth == 3)
		return bad;
	for (size_t i = 0; i < N_ITEMS; i++) {
		strcpy(glob + len, items[i]);
		bad += check_globs(glob, depth + 1);
		glob[len] = 0;
	}
	return bad;
}

static void test_comm_glob_as_fnmatch(void **state)
{
	char glob[64] = { 0 };

	(void)state;
	assert_int_equal(check_globs(glob, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_comm_glob_examples),
		cmocka_unit_test(test_comm_glob_errors),
		cmocka_unit_test(test_comm_glob_as_fnmatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
