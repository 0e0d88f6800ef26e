// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The model when events are missing or odd: a fork, an exit or whole
 * kinds lost, a child snapshotted before its parent, a parent cycle, setsid,
 * a bad kind, reaps not recorded; and threads. */
#include <errno.h>
#include "model_fixture.h"
#include "proctrace/decode.h"

/* ---- missing events ---- */

static void test_model_missing_fork(void **state)
{
	struct pt_model *m = model_new(0, false);
	struct fake sh, known, unknown;
	struct sc s = { 0 };
	const struct pt_proc *p;
	struct rows rs;

	fake_init(&sh, 900, 1, SC_US(0) - 1000, "sh");
	sc_snapshot(&s, 0, &sh);
	/* Forked by sh while the fork was lost: first seen at its exec. */
	fake_init(&known, 901, 900, SC_US(200), "sh");
	sc_exec(&s, 300, &known, "make", "/usr/bin/make");
	/* A process whose parent the trace never saw: first seen at exit. */
	fake_init(&unknown, 950, 4242, SC_US(0) - 5000, "daemon");
	sc_exit(&s, 400, &unknown, 0);
	sc_feed(&s, m);

	p = pt_model_find(m, 901, 0);
	assert_non_null(p);
	assert_false(p->flags & PT_PROC_FORK_SEEN);
	assert_int_equal(p->start_ns, SC_US(200)); /* birth from common fields */
	assert_int_equal(p->orig_ppid, 900);
	assert_string_equal(p->comm, "make");
	p = pt_model_find(m, 950, 0);
	assert_int_equal(pt_proc_end(p), PT_END_ZOMBIE);

	walk_rows(m, &rs);
	assert_int_equal(rs.n, 3);
	assert_row(&rs.r[0], 950, 0, 0); /* started first: first root */
	assert_true(rs.r[0].parent_missing);
	assert_row(&rs.r[1], 900, 0, 0);
	assert_true(rs.r[1].parent_missing); /* ppid 1 was not in the trace */
	assert_row(&rs.r[2], 901, 1, 900);
	assert_false(rs.r[2].parent_missing);
	pt_model_free(m);
	sc_free(&s);
}

/* The exit is lost but the reap says when the process became a zombie. */
static void test_model_missing_exit(void **state)
{
	struct pt_model *m = model_new(0, false);
	struct fake sh, c;
	struct sc s = { 0 };
	const struct pt_proc *p;
	struct pt_span_iter it;
	struct pt_span sp;

	fake_init(&sh, 900, 1, SC_US(0) - 1000, "sh");
	sc_snapshot(&s, 0, &sh);
	sc_fork(&s, 100, &sh, &c, 901);
	c.state = PT_STATE_ZOMBIE;
	sc_reap(&s, 900, &c, &sh, 600);
	sc_feed(&s, m);

	p = pt_model_find(m, 901, 0);
	assert_int_equal(pt_proc_end(p), PT_END_REAPED);
	assert_false(p->flags & PT_PROC_EXIT_SEEN);
	assert_int_equal(p->exit_ns, SC_US(600));
	assert_null(pt_proc_fatal_signal(p));
	pt_span_begin(&it, p, SC_US(0), SC_US(1000));
	assert_true(pt_span_next(&it, &sp));
	assert_int_equal(sp.state, PT_STATE_ALIVE);
	assert_int_equal(sp.to, SC_US(600));
	assert_true(pt_span_next(&it, &sp));
	assert_int_equal(sp.state, PT_STATE_ZOMBIE);
	assert_int_equal(sp.from, SC_US(600));
	assert_int_equal(sp.to, SC_US(900));
	assert_false(pt_span_next(&it, &sp));
	pt_model_free(m);
	sc_free(&s);
}

static void test_model_lost_events(void **state)
{
	struct pt_model *m = model_new(0, false);
	struct fake sh, c;
	struct sc s = { 0 };
	struct pt_model_stats st;
	struct rows rs;

	fake_init(&sh, 900, 1, SC_US(0) - 1000, "sh");
	sc_snapshot(&s, 0, &sh);
	sc_lost(&s, PT_FORK, 3);
	sc_lost(&s, PT_EXIT, 2);
	fake_init(&c, 901, 900, SC_US(50), "sh");
	sc_exec(&s, 60, &c, "x", "/bin/x");
	sc_feed(&s, m);

	pt_model_stats(m, &st);
	assert_int_equal(st.events, 4);
	assert_int_equal(st.lost, 5);
	assert_int_equal(st.lost_by_kind[PT_FORK], 3);
	assert_int_equal(st.lost_by_kind[PT_EXIT], 2);
	assert_int_equal(st.procs, 2);
	assert_int_equal(st.first_ts, SC_US(0)); /* PT_LOST has no time */
	walk_rows(m, &rs);
	assert_row(&rs.r[1], 901, 1, 900);
	pt_model_free(m);
	sc_free(&s);
}

/* Snapshots come in pid order, not parent-first: after a pid wrap a child
 * has a lower pid than its parent. */
static void test_model_snapshot_child_first(void **state)
{
	struct pt_model *m = model_new(0, false);
	struct fake parent, child;
	struct sc s = { 0 };
	struct rows rs;

	fake_init(&parent, 30000, 0, SC_US(0) - 9000, "sshd");
	fake_init(&child, 200, 30000, SC_US(0) - 5000, "bash");
	child.state = PT_STATE_STOPPED;
	sc_snapshot(&s, 0, &child);
	sc_snapshot(&s, 1, &parent);
	sc_feed(&s, m);
	walk_rows(m, &rs);
	assert_int_equal(rs.n, 2);
	assert_row(&rs.r[0], 30000, 0, 0);
	assert_row(&rs.r[1], 200, 1, 30000);
	assert_int_equal(pt_proc_end(pt_model_find(m, 200, 0)), PT_END_STOPPED);
	pt_model_free(m);
	sc_free(&s);
}

/* Nonsense parent links (each claims the other) must not loop the walk. */
static void test_model_parent_cycle(void **state)
{
	struct pt_model *m = model_new(0, false);
	struct fake a, b;
	struct sc s = { 0 };
	struct rows rs;

	fake_init(&a, 10, 20, SC_US(0) - 100, "a");
	fake_init(&b, 20, 10, SC_US(0) - 100, "b");
	sc_snapshot(&s, 0, &a);
	sc_snapshot(&s, 1, &b);
	sc_feed(&s, m);
	walk_rows(m, &rs);
	assert_int_equal(rs.n, 2);
	assert_row(&rs.r[0], 10, 0, 0);
	assert_row(&rs.r[1], 20, 1, 10);
	pt_model_free(m);
	sc_free(&s);
}

static void test_model_setsid(void **state)
{
	struct pt_model *m = model_new(0, false);
	struct fake sh, d;
	struct sc s = { 0 };
	const struct pt_proc *p;

	fake_init(&sh, 900, 1, SC_US(0) - 1000, "sh");
	sc_snapshot(&s, 0, &sh);
	sc_fork(&s, 100, &sh, &d, 901);
	sc_setsid(&s, 200, &d);
	sc_feed(&s, m);
	p = pt_model_find(m, 901, 0);
	assert_int_equal(p->first_sid, 900);
	assert_int_equal(p->sid, 901);
	assert_int_equal(p->pgid, 901);
	assert_int_equal(p->marks[1].kind, PT_SETSID);
	assert_int_equal(p->marks[1].group.old_sid, 900);
	assert_int_equal(p->marks[1].group.sid, 901);
	pt_model_free(m);
	sc_free(&s);
}

static void test_model_bad_kind(void **state)
{
	struct pt_model *m = model_new(0, false);
	struct pt_event ev = { .kind = 0 };
	struct pt_model_stats st;

	assert_int_equal(pt_model_feed(m, &ev), -EINVAL);
	ev.kind = PT_KIND_MAX;
	assert_int_equal(pt_model_feed(m, &ev), -EINVAL);
	pt_model_stats(m, &st);
	assert_int_equal(st.events, 0);
	assert_int_equal(st.procs, 0);
	pt_model_free(m);
}

/* ---- threads ---- */

static void test_model_threads(void **state)
{
	struct pt_model *m = model_new(0, true);
	const struct pt_thread *tv[4];
	const struct pt_proc *p;
	struct sc s = { 0 };

	sc_threads(&s);
	sc_feed(&s, m);
	p = pt_model_find(m, 901, 0);
	assert_int_equal(pt_proc_end(p), PT_END_RUNNING);
	assert_int_equal(p->leader_exit_ns, SC_US(400000));
	assert_string_equal(p->comm, "client"); /* threads' comm did not leak */
	assert_int_equal(p->nprogs, 2);
	assert_int_equal(p->progs->next->old_tid, 903);
	assert_int_equal(p->nthreads, 2);
	assert_int_equal(pt_proc_threads(p, tv, 4), 2);
	assert_int_equal(tv[0]->tid, 902);
	assert_int_equal(tv[0]->exit_ns, SC_US(300000));
	assert_string_equal(tv[0]->comm, "worker");
	assert_int_equal(tv[1]->tid, 903);
	assert_true(tv[1]->took_pid);
	assert_int_equal(tv[1]->exit_ns, SC_US(500000));
	pt_model_free(m);

	/* Without --threads the process view is the same, threads unkept. */
	m = model_new(0, false);
	sc_feed(&s, m);
	p = pt_model_find(m, 901, 0);
	assert_int_equal(p->nthreads, 0);
	assert_int_equal(pt_proc_end(p), PT_END_RUNNING);
	assert_string_equal(p->comm, "client");
	assert_int_equal(pt_model_find(m, 903, 0), NULL);
	pt_model_free(m);
	sc_free(&s);
}

/* Reaps not recorded (-e without reap): a process's row ends at its exit,
 * not as a zombie to the end of the trace; one still running is not cut. */
static void test_model_exit_ends_without_reaps(void **state)
{
	struct pt_model_opts o = { .exit_ends = true };
	struct pt_model *m = pt_model_new(&o);
	struct fake sh, child, other;
	const struct pt_proc *p;
	struct sc s = { 0 };

	assert_non_null(m);
	fake_init(&sh, 100, 1, SC_US(0), "sh");
	sc_snapshot(&s, 0, &sh);
	sc_fork(&s, 10, &sh, &child, 101);
	sc_fork(&s, 20, &sh, &other, 102);
	sc_exit(&s, 50, &child, 0);
	sc_feed(&s, m);
	pt_model_set_end(m, SC_US(1000));
	p = pt_model_find(m, 101, 0);
	assert_non_null(p);
	assert_true(p->flags & PT_PROC_EXIT_ENDS);
	assert_int_equal(pt_proc_row_end(p, SC_US(1000)), SC_US(50));
	assert_int_equal(pt_proc_end(p), PT_END_ZOMBIE);
	p = pt_model_find(m, 102, 0);
	assert_non_null(p);
	assert_false(p->flags & PT_PROC_EXIT_ENDS);
	assert_int_equal(pt_proc_row_end(p, SC_US(1000)), SC_US(1000));
	pt_model_free(m);
	/* with reaps recorded, the same exit leaves a zombie to the end */
	m = sc_model(&s, 0, false, 1000);
	p = pt_model_find(m, 101, 0);
	assert_false(p->flags & PT_PROC_EXIT_ENDS);
	assert_int_equal(pt_proc_row_end(p, SC_US(1000)), SC_US(1000));
	pt_model_free(m);
	sc_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_missing_fork),
		cmocka_unit_test(test_model_missing_exit),
		cmocka_unit_test(test_model_lost_events),
		cmocka_unit_test(test_model_snapshot_child_first),
		cmocka_unit_test(test_model_parent_cycle),
		cmocka_unit_test(test_model_setsid),
		cmocka_unit_test(test_model_bad_kind),
		cmocka_unit_test(test_model_threads),
		cmocka_unit_test(test_model_exit_ends_without_reaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
