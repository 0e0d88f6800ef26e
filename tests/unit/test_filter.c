// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* filter.c and the rules it shares with the kernel side (filter_rules.h):
 * -g, --uid and -c combine with AND, values of one option with OR; a group
 * or name left matches as the one joined; -p and a COMMAND follow pids. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "proctrace/comm_glob.h"
#include "proctrace/filter.h"

static struct pt_task task(__u32 pid, __u32 pgid, __u32 uid, const char *comm)
{
	struct pt_task t = { .pid = pid, .tid = pid, .pgid = pgid, .uid = uid };

	strncpy(t.comm, comm, sizeof(t.comm));
	return t;
}

/* A process with these fields, not followed by pid: does it pass? */
static bool passes(const struct pt_filter *f, __u32 pgid, __u32 uid, const char *comm)
{
	struct pt_task t = task(5, pgid, uid, comm);

	return pt_filter_match(f, 0, &t);
}

static void add_glob(struct pt_filter *f, const char *glob)
{
	char err[96];

	assert_int_equal(pt_comm_glob_add(f, glob, err, sizeof(err)), 0);
}

static void test_filter_none(void **state)
{
	struct pt_filter f = { 0 };
	struct pt_task t = task(10, 10, 1000, "sh");

	assert_false(pt_filter_active(&f, 0));
	assert_true(pt_filter_active(&f, 42)); /* a COMMAND counts as -p */
	assert_true(pt_filter_match(&f, 0, &t));
	assert_true(pt_filter_fields(&f, 1, 1, 0, "", ""));
}

static void test_filter_pgid(void **state)
{
	struct pt_filter f = { .n_pgids = 2, .pgids = { 7, 9 } };
	struct pt_task in = task(10, 9, 0, "a"), out = task(11, 8, 0, "a");

	assert_true(pt_filter_active(&f, 0));
	assert_true(pt_filter_match(&f, 0, &in));
	assert_false(pt_filter_match(&f, 0, &out));
	/* setpgid: the group left matches as the one joined */
	assert_true(pt_filter_fields(&f, 8, 7, 0, "a", "a"));
	assert_true(pt_filter_fields(&f, 7, 8, 0, "a", "a"));
	assert_false(pt_filter_fields(&f, 8, 6, 0, "a", "a"));
	/* values past n are not in the set */
	f.n_pgids = 1;
	assert_false(pt_filter_match(&f, 0, &in));
}

static void test_filter_uid(void **state)
{
	struct pt_filter f = { .n_uids = 1, .uids = { 0 } };
	struct pt_task root = task(1, 1, 0, "init"), user = task(2, 2, 1000, "init");

	assert_true(pt_filter_active(&f, 0));
	assert_true(pt_filter_match(&f, 0, &root)); /* uid 0 is a value like any */
	assert_false(pt_filter_match(&f, 0, &user));
}

static void test_filter_comm(void **state)
{
	struct pt_filter f = { 0 };
	struct pt_task t;

	add_glob(&f, "make");
	add_glob(&f, "abcdefghijklmno"); /* 15 bytes: the longest */
	assert_true(passes(&f, 5, 0, "make"));
	assert_false(passes(&f, 5, 0, "mak"));
	assert_false(passes(&f, 5, 0, "makefile"));
	assert_true(passes(&f, 5, 0, "abcdefghijklmno"));
	/* rename: the name left matches as the one taken */
	assert_true(pt_filter_fields(&f, 1, 1, 0, "cc1", "make"));
	assert_true(pt_filter_fields(&f, 1, 1, 0, "make", "cc1"));
	assert_false(pt_filter_fields(&f, 1, 1, 0, "cc1", "as"));
	/* a name that fills all 16 bytes, unterminated, compares on 16 */
	t = task(5, 5, 0, "");
	memcpy(t.comm, "abcdefghijklmnop", PT_COMM_LEN);
	assert_false(pt_filter_match(&f, 0, &t));
}

/* -c NAME* is a prefix, ? any one byte; both decided in one pass. */
static void test_filter_comm_pattern(void **state)
{
	struct pt_filter f = { 0 };

	(void)state;
	add_glob(&f, "kworker*");
	add_glob(&f, "sh?");
	assert_true(passes(&f, 5, 0, "kworker"));
	assert_true(passes(&f, 5, 0, "kworker/0:1H"));
	assert_false(passes(&f, 5, 0, "kworke"));
	assert_false(passes(&f, 5, 0, "xkworker"));
	assert_true(passes(&f, 5, 0, "sha"));
	assert_false(passes(&f, 5, 0, "sh"));
	assert_false(passes(&f, 5, 0, "shab"));
	f.n_comms = 0;
	add_glob(&f, "*");
	assert_true(passes(&f, 5, 0, ""));
	assert_true(passes(&f, 5, 0, "abcdefghijklmno"));
}

static void test_filter_and(void **state)
{
	struct pt_filter f = { .n_pgids = 1, .pgids = { 9 }, .n_uids = 1, .uids = { 1000 } };

	add_glob(&f, "sh");
	assert_true(passes(&f, 9, 1000, "sh"));
	assert_false(passes(&f, 8, 1000, "sh"));
	assert_false(passes(&f, 9, 0, "sh"));
	assert_false(passes(&f, 9, 1000, "bash"));
}

static void test_filter_pids(void **state)
{
	struct pt_filter f = { .n_pids = 2, .pids = { 100, 200 } };
	struct pt_task a = task(100, 1, 0, "a"), b = task(200, 1, 0, "b"), c = task(300, 1, 0, "c");

	assert_true(pt_filter_active(&f, 0));
	assert_true(pt_filter_match(&f, 0, &a));
	assert_true(pt_filter_match(&f, 0, &b));
	assert_false(pt_filter_match(&f, 0, &c));
	/* the command is followed besides -p */
	assert_true(pt_filter_match(&f, 300, &c));
	f.n_pids = 0;
	assert_true(pt_filter_match(&f, 300, &c));
	assert_false(pt_filter_match(&f, 300, &a));
	/* -p and -g combine with AND */
	f.n_pids = 1;
	f.n_pgids = 1;
	f.pgids[0] = 2;
	assert_false(pt_filter_match(&f, 0, &a));
	a.pgid = 2;
	assert_true(pt_filter_match(&f, 0, &a));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_none),	    cmocka_unit_test(test_filter_pgid),
		cmocka_unit_test(test_filter_uid),	    cmocka_unit_test(test_filter_comm),
		cmocka_unit_test(test_filter_comm_pattern), cmocka_unit_test(test_filter_and),
		cmocka_unit_test(test_filter_pids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
