// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The process model fed hand-made event sequences: the tree, lifetimes,
 * states over time, pid reuse, out-of-order delivery, missing and lost
 * events, threads, and bounded memory. */
#include <errno.h>
#include "scenario.h"
#include "proctrace/decode.h"
#include "proctrace/views.h"

/* ---- helpers ---- */

struct row {
	__u32 pid, parent, orig_parent;
	__u64 start;
	unsigned depth;
	bool reparented, parent_missing;
};

struct rows {
	struct row r[SC_MAX];
	size_t n;
};

static int collect(const struct pt_walk *w, void *ctx)
{
	struct rows *rs = ctx;
	struct row *r = &rs->r[rs->n];

	assert_true(rs->n < SC_MAX);
	assert_int_equal(w->row, rs->n);
	rs->n++;
	r->pid = w->proc->pid;
	r->start = w->proc->start_ns;
	r->depth = w->depth;
	r->parent = w->parent ? w->parent->pid : 0;
	r->orig_parent = w->orig_parent ? w->orig_parent->pid : 0;
	r->reparented = w->reparented;
	r->parent_missing = w->parent_missing;
	return 0;
}

static void walk_rows(struct pt_model *m, struct rows *rs)
{
	rs->n = 0;
	assert_int_equal(pt_model_walk(m, collect, rs), 0);
}

static void assert_row(const struct row *r, __u32 pid, unsigned depth, __u32 parent)
{
	assert_int_equal(r->pid, pid);
	assert_int_equal(r->depth, depth);
	assert_int_equal(r->parent, parent);
}

static struct pt_model *model_new(size_t max_ended, bool threads)
{
	struct pt_model_opts o = { .threads = threads, .max_ended = max_ended };
	struct pt_model *m = pt_model_new(&o);

	assert_non_null(m);
	return m;
}

static struct pt_model *seed_model(const size_t *order)
{
	struct pt_model *m = model_new(0, false);
	struct sc s = { 0 };

	sc_seed(&s);
	sc_feed_order(&s, m, order);
	pt_model_set_end(m, SC_US(SEED_END_US));
	sc_free(&s);
	return m;
}

/* Every view of the model as text: what "the same answer" means. */
static char *render_all(struct pt_model *m)
{
	struct pt_view_opts o = { .width = 100, .verbose = true };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(pt_tree_write(f, m, &o), 0);
	assert_int_equal(pt_timeline_write(f, m, &o), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

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

/* ---- bounded memory ---- */

struct churn {
	struct pt_event ev;
	__u8 data[64];
};

static void churn_feed(struct pt_model *m, struct churn *c, unsigned kind, __u64 ts,
		       const struct fake *p, const struct fake *by)
{
	memset(&c->ev, 0, sizeof(c->ev));
	c->ev.kind = kind;
	c->ev.size = sizeof(c->ev);
	c->ev.task.ts_ns = ts;
	c->ev.task.start_ns = p->start;
	c->ev.task.pid = c->ev.task.tid = p->pid;
	c->ev.task.ppid = p->ppid;
	c->ev.task.pgid = p->pgid;
	c->ev.task.sid = p->sid;
	memcpy(c->ev.task.comm, p->comm, PT_COMM_LEN);
	c->ev.flags = PT_F_NO_ACTOR;
	if (by) {
		c->ev.flags = 0;
		c->ev.by.pid = by->pid;
		memcpy(c->ev.by.comm, by->comm, PT_COMM_LEN);
	}
	switch (kind) {
	case PT_EXEC:
		memcpy(c->data, "true", 5);
		c->ev.exec.argv_len = 5;
		c->ev.exec.old_tid = p->pid;
		c->ev.size += 5;
		break;
	case PT_EXIT:
		c->ev.flags |= PT_F_GROUP_DEAD;
		break;
	case PT_SIGNAL:
		c->ev.signal.sig = 17;
		break;
	}
	assert_int_equal(pt_model_feed(m, &c->ev), 0);
}

struct live_check {
	__u32 boss; /* the long-lived parent */
	size_t rows, under_boss, live_under_boss;
	bool mid_seen, grandchild_under_mid, grandchild_under_boss;
};

static int live_visit(const struct pt_walk *w, void *ctx)
{
	struct live_check *lc = ctx;
	const struct pt_proc *p = w->proc;

	lc->rows++;
	if (p->pid == 7)
		lc->mid_seen = true;
	if (p->pid == 8 && w->parent && w->parent->pid == 7)
		lc->grandchild_under_mid = true;
	if (p->pid == 8 && w->parent && w->parent->pid == lc->boss && w->reparented &&
	    w->depth == 1)
		lc->grandchild_under_boss = true;
	if (w->parent && w->parent->pid == lc->boss && w->depth == 1) {
		lc->under_boss++;
		if (pt_proc_end(p) == PT_END_RUNNING)
			lc->live_under_boss++;
	}
	return 0;
}

#define CHURN 100000
#define LIMIT 1000
#define LIVE 10

static void test_model_bounded_memory(void **state)
{
	struct pt_model *m = model_new(LIMIT, false);
	struct fake boss, live[LIVE], mid, grand, c;
	struct pt_model_stats st;
	struct live_check lc = { .boss = 2 };
	struct churn ch;
	__u64 ts = SC_US(0);
	unsigned i;

	fake_init(&boss, 2, 0, SC_US(0) - 1000, "boss");
	churn_feed(m, &ch, PT_SNAPSHOT, ts, &boss, NULL);
	for (i = 0; i < LIVE; i++) {
		fake_init(&live[i], 100 + i, 2, ts += 1000, "worker");
		churn_feed(m, &ch, PT_FORK, ts, &live[i], &boss);
	}
	/* mid forks a long-lived grandchild, then ends: it is needed for the
	 * tree as long as the grandchild still points at it. */
	fake_init(&mid, 7, 2, ts += 1000, "mid");
	churn_feed(m, &ch, PT_FORK, ts, &mid, &boss);
	fake_init(&grand, 8, 7, ts += 1000, "grand");
	churn_feed(m, &ch, PT_FORK, ts, &grand, &mid);
	churn_feed(m, &ch, PT_EXIT, ts += 1000, &mid, NULL);
	churn_feed(m, &ch, PT_REAP, ts += 1000, &mid, &boss);

	for (i = 0; i < CHURN; i++) {
		/* pids cycle, so they are reused many times over */
		fake_init(&c, 1000 + i % 30000, 2, ts += 1000, "job");
		churn_feed(m, &ch, PT_FORK, ts, &c, &boss);
		churn_feed(m, &ch, PT_EXEC, ts += 1000, &c, NULL);
		churn_feed(m, &ch, PT_EXIT, ts += 1000, &c, NULL);
		churn_feed(m, &ch, PT_SIGNAL, ts += 1000, &boss, &c);
		churn_feed(m, &ch, PT_REAP, ts += 1000, &c, &boss);
		pt_model_stats(m, &st);
		/* the droppable ones, plus boss, workers, mid, grand, job */
		assert_true(st.procs <= LIMIT + LIVE + 4);
	}
	pt_model_stats(m, &st);
	assert_int_equal(st.procs_seen, 1 + LIVE + 2 + CHURN);
	assert_int_equal(st.procs_seen - st.procs_dropped, st.procs);
	assert_true(st.procs_dropped >= CHURN - LIMIT);
	/* the boss's history is bounded too: its SIGCHLDs folded into one */
	assert_int_equal(pt_model_find(m, 2, 0)->nmarks, PT_MARKS_MAX);
	assert_int_equal(pt_model_find(m, 2, 0)->nfolds, 1);
	assert_int_equal(pt_model_find(m, 2, 0)->folds[0].count,
			 CHURN - (PT_MARKS_MAX - 1)); /* all but its snapshot */

	assert_int_equal(pt_model_walk(m, live_visit, &lc), 0);
	assert_int_equal(lc.rows, st.procs);
	assert_int_equal(lc.live_under_boss, LIVE);
	assert_true(lc.mid_seen);
	assert_true(lc.grandchild_under_mid);

	/* The grandchild is seen adopted by the boss (a subreaper): mid is no
	 * longer needed and goes with the next churn. */
	grand.ppid = 2;
	churn_feed(m, &ch, PT_SIGNAL, ts += 1000, &grand, &boss);
	for (i = 0; i < LIMIT + 1; i++) {
		fake_init(&c, 1000 + i % 30000, 2, ts += 1000, "job");
		churn_feed(m, &ch, PT_FORK, ts, &c, &boss);
		churn_feed(m, &ch, PT_EXIT, ts += 1000, &c, NULL);
		churn_feed(m, &ch, PT_REAP, ts += 1000, &c, &boss);
	}
	memset(&lc, 0, sizeof(lc));
	lc.boss = 2;
	assert_int_equal(pt_model_walk(m, live_visit, &lc), 0);
	assert_false(lc.mid_seen);
	assert_true(lc.grandchild_under_boss);
	assert_int_equal(lc.live_under_boss, LIVE + 1);
	pt_model_free(m);
}

/* Everything kept: the same churn keeps every process. */
static void test_model_retain_everything(void **state)
{
	struct pt_model *m = model_new(0, false);
	struct fake boss, c;
	struct pt_model_stats st;
	struct churn ch;
	__u64 ts = SC_US(0);
	unsigned i;

	fake_init(&boss, 2, 0, SC_US(0) - 1000, "boss");
	churn_feed(m, &ch, PT_SNAPSHOT, ts, &boss, NULL);
	for (i = 0; i < 5000; i++) {
		fake_init(&c, 1000 + i % 300, 2, ts += 1000, "job");
		churn_feed(m, &ch, PT_FORK, ts, &c, &boss);
		churn_feed(m, &ch, PT_EXIT, ts += 1000, &c, NULL);
		churn_feed(m, &ch, PT_REAP, ts += 1000, &c, &boss);
	}
	pt_model_stats(m, &st);
	assert_int_equal(st.procs, 5001);
	assert_int_equal(st.procs_dropped, 0);
	pt_model_free(m);
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
		cmocka_unit_test(test_model_exit_ends_without_reaps),
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
		cmocka_unit_test(test_model_missing_fork),
		cmocka_unit_test(test_model_missing_exit),
		cmocka_unit_test(test_model_lost_events),
		cmocka_unit_test(test_model_snapshot_child_first),
		cmocka_unit_test(test_model_parent_cycle),
		cmocka_unit_test(test_model_setsid),
		cmocka_unit_test(test_model_bad_kind),
		cmocka_unit_test(test_model_threads),
		cmocka_unit_test(test_model_bounded_memory),
		cmocka_unit_test(test_model_retain_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
