// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The process model fed hand-made event sequences: the tree, lifetimes,
 * states over time, pid reuse, out-of-order delivery (missing and lost
 * events, threads: test_model_missing.c; memory: test_model_memory.c). */
#include <errno.h>
#include "model_fixture.h"
#include "proctrace/decode.h"
#include "proctrace/views.h"

/* ---- the seed scenario ---- */

static void test_model_seed_tree(void **state)
{
	struct pt_model *m = seed_model(NULL);
	struct pt_model_stats st;
	struct rows rs;

	walk_rows(m, &rs);
	assert_int_equal(rs.n, 8);
	assert_row(&rs.r[0], 1, 0, 0);
	assert_false(rs.r[0].parent_missing); /* ppid 0: a real root */
	assert_row(&rs.r[1], 900, 1, 1);
	assert_row(&rs.r[2], 1000, 2, 900);
	assert_row(&rs.r[3], 1001, 3, 1000);
	assert_row(&rs.r[4], 1002, 3, 1000);
	assert_row(&rs.r[5], 1004, 3, 1000); /* true, the first 1004 */
	assert_row(&rs.r[6], 1004, 2, 900);  /* echo, the pid reused */
	assert_true(rs.r[5].start < rs.r[6].start);
	/* sleep: orphaned when sh died, adopted by systemd */
	assert_row(&rs.r[7], 1003, 1, 1);
	assert_true(rs.r[7].reparented);
	assert_int_equal(rs.r[7].orig_parent, 1002);

	pt_model_stats(m, &st);
	assert_int_equal(st.procs, 8);
	assert_int_equal(st.first_ts, SC_US(0));
	assert_int_equal(st.end_ns, SC_US(SEED_END_US));
	pt_model_free(m);
}

static void test_model_seed_lifetimes(void **state)
{
	struct pt_model *m = seed_model(NULL);
	const struct pt_proc *init = pt_model_find(m, 1, 0);
	const struct pt_proc *make = pt_model_find(m, 1000, 0);
	const struct pt_proc *cc = pt_model_find(m, 1001, 0);
	const struct pt_proc *sh = pt_model_find(m, 1002, 0);
	const struct pt_proc *sleep_ = pt_model_find(m, 1003, 0);
	const struct pt_mark *kill;
	struct pt_status status;

	assert_non_null(init);
	assert_true(init->flags & PT_PROC_SNAPSHOT);
	assert_int_equal(pt_proc_end(init), PT_END_RUNNING);

	/* make: exited, never reaped: a zombie since 0.9 s */
	assert_int_equal(pt_proc_end(make), PT_END_ZOMBIE);
	assert_int_equal(make->exit_ns, SC_US(900000));
	assert_string_equal(make->comm, "make");
	assert_int_equal(make->nprogs, 1);
	assert_memory_equal(make->progs->argv, "make\0-j2", 9);
	assert_string_equal(make->progs->path, "/usr/bin/make");
	assert_string_equal(make->parent_comm, "bash");

	assert_int_equal(pt_proc_end(cc), PT_END_REAPED);
	assert_int_equal(cc->reaper, 1000);
	assert_int_equal(cc->reap_ns, SC_US(100004));

	/* sh: its own group, killed by bash's SIGKILL */
	assert_int_equal(sh->first_pgid, 900);
	assert_int_equal(sh->pgid, 1002);
	assert_int_equal(sh->sid, 900);
	status = pt_decode_status(sh->exit.status);
	assert_true(status.signaled);
	assert_int_equal(status.sig, 9);
	kill = pt_proc_fatal_signal(sh);
	assert_non_null(kill);
	assert_int_equal(kill->by, 900);
	assert_int_equal(kill->ts_ns, SC_US(500000));

	assert_int_equal(sleep_->orig_ppid, 1002);
	assert_int_equal(sleep_->ppid, 1);
	assert_int_equal(sleep_->reparent_ns, SC_US(800000));
	assert_int_equal(sleep_->reaper, 1);
	pt_model_free(m);
}

/* sh: alive, stopped by bash, continued, killed, zombie until reaped. */
static void test_model_stop_continue_spans(void **state)
{
	struct pt_model *m = seed_model(NULL);
	const struct pt_proc *sh = pt_model_find(m, 1002, 0);
	const struct {
		__u64 from, to;
		unsigned state;
	} want[] = {
		{ SC_US(30000) - 2000, SC_US(200000), PT_STATE_ALIVE },
		{ SC_US(200000), SC_US(400000), PT_STATE_STOPPED },
		{ SC_US(400000), SC_US(500100), PT_STATE_ALIVE },
		{ SC_US(500100), SC_US(520000), PT_STATE_ZOMBIE },
	};
	struct pt_span_iter it;
	struct pt_span s;
	size_t i = 0;

	pt_span_begin(&it, sh, SC_US(0), SC_US(SEED_END_US));
	while (pt_span_next(&it, &s)) {
		assert_true(i < 4);
		assert_int_equal(s.from, want[i].from);
		assert_int_equal(s.to, want[i].to);
		assert_int_equal(s.state, want[i].state);
		i++;
	}
	assert_int_equal(i, 4);

	/* Clipped to a window inside the stop. */
	pt_span_begin(&it, sh, SC_US(250000), SC_US(300000));
	assert_true(pt_span_next(&it, &s));
	assert_int_equal(s.from, SC_US(250000));
	assert_int_equal(s.to, SC_US(300000));
	assert_int_equal(s.state, PT_STATE_STOPPED);
	assert_false(pt_span_next(&it, &s));
	pt_model_free(m);
}

/* ---- order ---- */

/* Deterministic permutations a ring buffer shared by CPUs can produce:
 * an event may overtake others stamped at most window_us earlier. */
static void shuffle_within(const struct sc *s, size_t *idx, __u64 window_us, unsigned seed)
{
	size_t i, j, t;

	for (i = 0; i < s->n; i++)
		idx[i] = i;
	srand(seed);
	for (i = 1; i < s->n; i++) {
		j = i;
		while (j > 0 && rand() % 2 &&
		       s->ev[idx[j - 1]]->task.ts_ns + window_us * 1000 >
			       s->ev[idx[j]]->task.ts_ns) {
			t = idx[j - 1];
			idx[j - 1] = idx[j];
			idx[j] = t;
			j--;
		}
	}
}

static size_t count_moved(const size_t *idx, size_t n)
{
	size_t i, moved = 0;

	for (i = 0; i < n; i++)
		moved += idx[i] != i;
	return moved;
}

static void test_model_out_of_order_same_answer(void **state)
{
	struct sc s = { 0 };
	size_t idx[SC_MAX];
	struct pt_model *m;
	char *want, *got;
	unsigned seed;
	size_t moved = 0;

	sc_seed(&s);
	m = seed_model(NULL);
	want = render_all(m);
	pt_model_free(m);
	for (seed = 1; seed <= 40; seed++) {
		shuffle_within(&s, idx, 10, seed);
		moved += count_moved(idx, s.n);
		m = seed_model(idx);
		got = render_all(m);
		assert_string_equal(got, want);
		free(got);
		pt_model_free(m);
	}
	assert_true(moved > 0); /* the permutations did reorder something */
	free(want);
	sc_free(&s);
}

/* The case that breaks naive tracers: the child's exec is read before the
 * fork that created it. The fork then only fills in the parent. */
static void test_model_child_before_fork(void **state)
{
	struct pt_model *m = model_new(0, false);
	struct fake bash, child;
	struct sc s = { 0 };
	const struct pt_proc *p;
	struct rows rs;

	fake_init(&bash, 900, 1, SC_US(0) - 1000, "bash");
	sc_snapshot(&s, 0, &bash);
	sc_fork(&s, 100, &bash, &child, 901);
	sc_exec(&s, 103, &child, "ls\n-l", "/bin/ls");
	assert_int_equal(pt_model_feed(m, s.ev[0]), 0);
	assert_int_equal(pt_model_feed(m, s.ev[2]), 0); /* exec first */
	p = pt_model_find(m, 901, 0);
	assert_non_null(p);
	assert_false(p->flags & PT_PROC_FORK_SEEN);
	assert_int_equal(pt_model_feed(m, s.ev[1]), 0); /* then the fork */
	assert_ptr_equal(pt_model_find(m, 901, 0), p);
	assert_true(p->flags & PT_PROC_FORK_SEEN);
	assert_string_equal(p->comm, "ls"); /* the older fork did not undo it */
	assert_int_equal(p->state, PT_STATE_ALIVE);
	assert_int_equal(p->first_ts, SC_US(100));
	assert_int_equal(p->last_ts, SC_US(103));
	assert_int_equal(p->nmarks, 2);
	assert_int_equal(p->marks[0].kind, PT_FORK);
	assert_int_equal(p->marks[1].kind, PT_EXEC);
	walk_rows(m, &rs);
	assert_int_equal(rs.n, 2);
	assert_row(&rs.r[1], 901, 1, 900);
	pt_model_free(m);
	sc_free(&s);
}

/* Even a fork stamped after the child's first event (clocks of two CPUs
 * a hair apart) is taken as the child's birth, not as its latest news. */
static void test_model_fork_stamped_late(void **state)
{
	struct pt_model *m = model_new(0, false);
	struct fake bash, child;
	struct sc s = { 0 };
	const struct pt_proc *p;

	fake_init(&bash, 900, 1, SC_US(0) - 1000, "bash");
	sc_snapshot(&s, 0, &bash);
	sc_fork(&s, 101, &bash, &child, 901);
	sc_exec(&s, 100, &child, "ls", "/bin/ls");
	sc_feed_order(&s, m, (size_t[]){ 0, 2, 1 });
	p = pt_model_find(m, 901, 0);
	assert_string_equal(p->comm, "ls");
	assert_int_equal(p->last_ts, SC_US(100));
	assert_true(p->flags & PT_PROC_FORK_SEEN);
	assert_int_equal(p->orig_ppid, 900);
	pt_model_free(m);
	sc_free(&s);
}

/* The reap read before the exit: the exit time first comes from the reap,
 * then the exit itself replaces it. */
static void test_model_reap_before_exit(void **state)
{
	struct pt_model *m = model_new(0, false);
	struct fake sh, child;
	struct sc s = { 0 };
	const struct pt_proc *p;

	fake_init(&sh, 900, 1, SC_US(0) - 1000, "sh");
	sc_snapshot(&s, 0, &sh);
	sc_fork(&s, 100, &sh, &child, 901);
	sc_exit(&s, 500, &child, 3 << 8);
	sc_reap(&s, 502, &child, &sh, 500);
	sc_feed_order(&s, m, (size_t[]){ 0, 1, 3, 2 });
	p = pt_model_find(m, 901, 0);
	assert_int_equal(pt_proc_end(p), PT_END_REAPED);
	assert_true(p->flags & PT_PROC_EXIT_SEEN);
	assert_int_equal(p->exit_ns, SC_US(500));
	assert_int_equal(pt_decode_status(p->exit.status).code, 3);
	assert_int_equal(p->nmarks, 3); /* fork, exit, reap: no leftover */
	assert_int_equal(p->marks[1].kind, PT_EXIT);
	assert_false(p->marks[1].synthetic);
	assert_int_equal(p->state, PT_STATE_REAPED);
	pt_model_free(m);
	sc_free(&s);
}

/* ---- identity ---- */

static void test_model_pid_reuse(void **state)
{
	struct pt_model *m = seed_model(NULL);
	const struct pt_proc *old, *new_;

	new_ = pt_model_find(m, 1004, 0);
	assert_non_null(new_);
	assert_string_equal(new_->comm, "echo");
	assert_int_equal(new_->start_ns, SC_US(700000) - 2000);
	old = pt_model_find(m, 1004, SC_US(50000) - 2000);
	assert_non_null(old);
	assert_ptr_not_equal(old, new_);
	assert_string_equal(old->comm, "true");
	assert_int_equal(pt_proc_end(old), PT_END_REAPED);
	assert_false(old->flags & PT_PROC_ENDED_UNSEEN);
	assert_int_equal(pt_proc_end(new_), PT_END_RUNNING);
	assert_null(pt_model_find(m, 1004, 12345));
	pt_model_free(m);
}

/* Exit and reap both lost, then the pid comes back: the first holder must
 * have ended before, and the new one is not taken for it. */
static void test_model_pid_reuse_end_unseen(void **state)
{
	struct pt_model *m = model_new(0, false);
	struct fake sh, a, b, grandchild;
	struct sc s = { 0 };
	const struct pt_proc *pa;
	struct rows rs;

	fake_init(&sh, 900, 1, SC_US(0) - 1000, "sh");
	sc_snapshot(&s, 0, &sh);
	sc_fork(&s, 100, &sh, &a, 901);
	sc_exec(&s, 110, &a, "first", "/bin/first");
	/* a's exit and reap are lost */
	sc_fork(&s, 5000, &sh, &b, 901);
	sc_exec(&s, 5010, &b, "second", "/bin/second");
	sc_fork(&s, 6000, &b, &grandchild, 902);
	sc_feed(&s, m);
	pt_model_set_end(m, SC_US(9000));

	pa = pt_model_find(m, 901, SC_US(100) - 2000);
	assert_non_null(pa);
	assert_true(pa->flags & PT_PROC_ENDED_UNSEEN);
	assert_int_equal(pa->ended_by_ns, SC_US(5000) - 2000);
	assert_int_equal(pt_proc_end(pa), PT_END_UNSEEN);
	assert_int_equal(pt_proc_row_end(pa, SC_US(9000)), SC_US(110));
	assert_int_equal(pt_proc_end(pt_model_find(m, 901, 0)), PT_END_RUNNING);

	/* The grandchild hangs under the second 901, not the first. */
	walk_rows(m, &rs);
	assert_int_equal(rs.n, 4);
	assert_row(&rs.r[1], 901, 1, 900);
	assert_int_equal(rs.r[1].start, SC_US(100) - 2000);
	assert_row(&rs.r[2], 901, 1, 900);
	assert_row(&rs.r[3], 902, 2, 901);
	pt_model_free(m);
	sc_free(&s);
}

/* The pid is taken again microseconds after the reap, and the ring buffer
 * delivers the new fork first: the first holder still ends as reaped. */
static void test_model_pid_reuse_reap_late(void **state)
{
	struct fake sh, a, b;
	struct sc s = { 0 };
	struct pt_model *in_order, *swapped;
	const struct pt_proc *p, *q;

	fake_init(&sh, 900, 1, SC_US(0) - 1000, "sh");
	sc_snapshot(&s, 0, &sh);
	sc_fork(&s, 100, &sh, &a, 901);
	sc_exit(&s, 200, &a, 0);
	sc_reap(&s, 300, &a, &sh, 200);
	sc_fork(&s, 305, &sh, &b, 901);
	in_order = sc_model(&s, 0, false, 0);
	swapped = model_new(0, false);
	sc_feed_order(&s, swapped, (size_t[]){ 0, 1, 2, 4, 3 });
	p = pt_model_find(in_order, 901, a.start);
	q = pt_model_find(swapped, 901, a.start);
	assert_int_equal(pt_proc_end(q), PT_END_REAPED);
	assert_int_equal(q->flags, p->flags);
	assert_int_equal(q->reaper, 900);
	pt_model_free(in_order);
	pt_model_free(swapped);
	sc_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_seed_tree),
		cmocka_unit_test(test_model_seed_lifetimes),
		cmocka_unit_test(test_model_stop_continue_spans),
		cmocka_unit_test(test_model_out_of_order_same_answer),
		cmocka_unit_test(test_model_child_before_fork),
		cmocka_unit_test(test_model_fork_stamped_late),
		cmocka_unit_test(test_model_reap_before_exit),
		cmocka_unit_test(test_model_pid_reuse),
		cmocka_unit_test(test_model_pid_reuse_end_unseen),
		cmocka_unit_test(test_model_pid_reuse_reap_late),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
