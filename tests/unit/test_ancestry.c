// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* ancestry.c: the snapshot processes a filtered tree keeps, and those
 * that descend from a -p PID. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "proctrace/ancestry.h"

static struct pt_task task(__u32 pid, __u32 ppid)
{
	return (struct pt_task){ .pid = pid, .ppid = ppid };
}

static void test_ancestry_chain_to_init(void **state)
{
	/* 1 -> 50 -> 60 -> 70 (picked); 80 is unrelated; 90 a child of 70 */
	struct pt_task snap[] = {
		task(70, 60), task(1, 0), task(80, 1), task(60, 50), task(50, 1), task(90, 70),
	};
	bool keep[6] = { true };

	pt_ancestry_select(snap, 6, keep);
	assert_true(keep[0]);  /* 70 itself */
	assert_true(keep[1]);  /* 1 */
	assert_false(keep[2]); /* 80: not an ancestor */
	assert_true(keep[3]);  /* 60 */
	assert_true(keep[4]);  /* 50 */
	assert_false(keep[5]); /* 90: a descendant, not picked */
}

static void test_ancestry_nothing_picked(void **state)
{
	struct pt_task snap[] = { task(2, 1), task(1, 0) };
	bool keep[2] = { false, false };

	pt_ancestry_select(snap, 2, keep);
	assert_false(keep[0]);
	assert_false(keep[1]);
}

static void test_ancestry_parent_loop_ends(void **state)
{
	/* a loop that pid reuse during the snapshot could produce */
	struct pt_task snap[] = { task(10, 20), task(20, 30), task(30, 20) };
	bool keep[3] = { true, false, false };

	pt_ancestry_select(snap, 3, keep);
	assert_true(keep[1]);
	assert_true(keep[2]);
}

static void test_ancestry_missing_parent(void **state)
{
	struct pt_task snap[] = { task(10, 999), task(11, 1) };
	bool keep[2] = { true, false };

	pt_ancestry_select(snap, 2, keep);
	assert_true(keep[0]);
	assert_false(keep[1]);
}

/* -p 50: its descendants at any depth, whatever the order of the rows
 * (a child before its parent, as after a wrap of pids); not its parent,
 * siblings or their children; a ppid loop not reaching it ends. */
static void test_ancestry_descendants(void **state)
{
	struct pt_task snap[] = {
		task(90, 70), task(1, 0),   task(80, 1), task(60, 50), task(50, 1),
		task(70, 60), task(81, 80), task(5, 6),	 task(6, 5),
	};
	bool in[9] = { [4] = true };

	pt_ancestry_descendants(snap, 9, in);
	assert_true(in[0]);  /* 90: 70's */
	assert_false(in[1]); /* 1: its parent */
	assert_false(in[2]); /* 80: a sibling */
	assert_true(in[3]);  /* 60 */
	assert_true(in[4]);  /* 50 itself */
	assert_true(in[5]);  /* 70 */
	assert_false(in[6]); /* 81: the sibling's child */
	assert_false(in[7]); /* a loop */
	assert_false(in[8]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ancestry_chain_to_init),
		cmocka_unit_test(test_ancestry_nothing_picked),
		cmocka_unit_test(test_ancestry_parent_loop_ends),
		cmocka_unit_test(test_ancestry_missing_parent),
		cmocka_unit_test(test_ancestry_descendants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
