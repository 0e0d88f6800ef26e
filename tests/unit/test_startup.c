// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* pt_startup_order: the start-up snapshot's rows among the records read
 * from the ring buffer before them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* The order as text: "s0" for snapshot row 0, "h1" for held record 1. */
static void order(const struct pt_event *snap, size_t n, struct pt_event *held, size_t m,
		  char *out, size_t len)
{
	struct pt_event *ptrs[8];
	struct pt_startup_row rows[16];
	size_t nrows = 0, i, at = 0;

	assert_true(m <= 8 && n + m <= 16);
	for (i = 0; i < m; i++)
		ptrs[i] = &held[i];
	assert_int_equal(pt_startup_order(snap, n, ptrs, m, ATTACHED, rows, &nrows), 0);
	out[0] = '\0';
	for (i = 0; i < nrows; i++)
		at += snprintf(out + at, len - at, "%s%c%zu", i ? " " : "", rows[i].held ? 'h' : 's',
			       rows[i].i);
}

/* A process whose fork is held has no snapshot row; the rest keep their
 * order, the snapshot's first. */
static void test_fork_held(void **state)
{
	struct pt_event snap[] = { ev(PT_SNAPSHOT, 1, 10, 2000), ev(PT_SNAPSHOT, 50, 900, 2001),
				   ev(PT_SNAPSHOT, 60, 500, 2002) };
	struct pt_event held[] = { ev(PT_FORK, 50, 900, 1500), ev(PT_EXIT, 50, 900, 1600) };
	char got[128];

	(void)state;
	order(snap, 3, held, 2, got, sizeof(got));
	assert_string_equal(got, "s0 s2 h0 h1");
}

/* Records stamped before a process's reading: its row after the last of
 * them; one stamped after does not move it. */
static void test_after_earlier_records(void **state)
{
	struct pt_event snap[] = { ev(PT_SNAPSHOT, 7, 100, 2000), ev(PT_SNAPSHOT, 8, 200, 2100) };
	struct pt_event held[] = { ev(PT_EXEC, 7, 100, 1200), ev(PT_SIGNAL, 8, 200, 2500),
				   ev(PT_EXIT, 7, 100, 1900), ev(PT_REAP, 9, 300, 1950) };
	char got[128];

	(void)state;
	order(snap, 2, held, 4, got, sizeof(got));
	assert_string_equal(got, "s1 h0 h1 h2 s0 h3");
}

/* Matched by pid and start: the fork of a new holder of the pid, or a
 * record of another process, leaves the row alone. */
static void test_pid_reused(void **state)
{
	struct pt_event snap[] = { ev(PT_SNAPSHOT, 7, 100, 2000) };
	struct pt_event held[] = { ev(PT_FORK, 7, 950, 990), ev(PT_EXEC, 7, 950, 995) };
	char got[128];

	(void)state;
	order(snap, 1, held, 2, got, sizeof(got));
	assert_string_equal(got, "s0 h0 h1");
}

/* Started once every program was attached: its fork row is still to come
 * (or counted lost), not a snapshot row, even with nothing held. */
static void test_started_after_attaching(void **state)
{
	struct pt_event snap[] = { ev(PT_SNAPSHOT, 7, ATTACHED + 1, 2000),
				   ev(PT_SNAPSHOT, 8, ATTACHED, 2001) };
	char got[128];

	(void)state;
	order(snap, 2, NULL, 0, got, sizeof(got));
	assert_string_equal(got, "s1");
}

/* A fork held after a record that moved the row: no row all the same. */
static void test_fork_wins(void **state)
{
	struct pt_event snap[] = { ev(PT_SNAPSHOT, 7, 100, 2000) };
	struct pt_event held[] = { ev(PT_SIGNAL, 7, 100, 1500), ev(PT_FORK, 7, 100, 1400) };
	char got[128];

	(void)state;
	order(snap, 1, held, 2, got, sizeof(got));
	assert_string_equal(got, "h0 h1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_held),
		cmocka_unit_test(test_after_earlier_records),
		cmocka_unit_test(test_pid_reused),
		cmocka_unit_test(test_started_after_attaching),
		cmocka_unit_test(test_fork_wins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
