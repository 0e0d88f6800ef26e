// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* pt_startup_skip: which rows of the start-up snapshot the records read
 * from the ring buffer before them, or their start, leave out. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "proctrace/startup.h"

#define ATTACHED 1000u /* every program attached */

static struct pt_event ev(unsigned kind, __u32 pid, __u64 start, __u64 ts)
{
	struct pt_event e;

	memset(&e, 0, sizeof(e));
	e.kind = kind;
	e.size = sizeof(e);
	e.task.pid = pid;
	e.task.tid = pid;
	e.task.start_ns = start;
	e.task.ts_ns = ts;
	return e;
}

/* The skipped rows' indexes as a bit mask. */
static unsigned skipped(const struct pt_event *snap, size_t n, struct pt_event *held, size_t m)
{
	struct pt_event *ptrs[8];
	bool skip[8];
	unsigned mask = 0;
	size_t i;

	assert_true(n <= 8 && m <= 8);
	for (i = 0; i < m; i++)
		ptrs[i] = &held[i];
	assert_int_equal(pt_startup_skip(snap, n, ptrs, m, ATTACHED, skip), 0);
	for (i = 0; i < n; i++)
		mask |= (unsigned)skip[i] << i;
	return mask;
}

/* A process whose fork is held has no snapshot row; other records of a
 * process (an exec, an exit, before its reading or not) leave it. */
static void test_fork_held(void **state)
{
	struct pt_event snap[] = { ev(PT_SNAPSHOT, 1, 10, 2000), ev(PT_SNAPSHOT, 50, 900, 2001),
				   ev(PT_SNAPSHOT, 60, 500, 2002) };
	struct pt_event held[] = { ev(PT_EXEC, 60, 500, 1500), ev(PT_FORK, 50, 900, 1500),
				   ev(PT_EXIT, 1, 10, 1600) };

	(void)state;
	assert_int_equal(skipped(snap, 3, held, 3), 1u << 1);
}

/* Matched by pid and start: the fork of a new holder of the pid leaves
 * the row of the one read. */
static void test_pid_reused(void **state)
{
	struct pt_event snap[] = { ev(PT_SNAPSHOT, 7, 100, 2000) };
	struct pt_event held[] = { ev(PT_FORK, 7, 950, 990), ev(PT_FORK, 8, 100, 995) };

	(void)state;
	assert_int_equal(skipped(snap, 1, held, 2), 0);
}

/* Started once every program was attached: its fork row is still to come
 * (or counted lost), not a snapshot row, even with nothing held. */
static void test_started_after_attaching(void **state)
{
	struct pt_event snap[] = { ev(PT_SNAPSHOT, 7, ATTACHED + 1, 2000),
				   ev(PT_SNAPSHOT, 8, ATTACHED, 2001) };

	(void)state;
	assert_int_equal(skipped(snap, 2, NULL, 0), 1u << 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_held),
		cmocka_unit_test(test_pid_reused),
		cmocka_unit_test(test_started_after_attaching),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
