// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Repair after lost events: pt_model_reconcile against hand-made task
 * lists, the events it makes (exact), the model once fed them, what the
 * model itself saw winning over them, and the tree's marks. */
#include <errno.h>
#include "scenario.h"
#include "proctrace/views.h"

/* The model before the rescan: init (1) and bash (100) from the snapshot;
 * bash forks a (101) at 10 us and b (102) at 20 us. Then events are lost. */
struct world {
	struct fake init, bash, a, b;
	struct sc s;
	struct pt_model *m;
};

static void world_build(struct world *w)
{
	memset(w, 0, sizeof(*w));
	fake_init(&w->init, 1, 0, SC_US(0) - 5000000000ull, "init");
	fake_init(&w->bash, 100, 1, SC_US(0) - 1000000000ull, "bash");
	sc_snapshot(&w->s, 0, &w->init);
	sc_snapshot(&w->s, 0, &w->bash);
	sc_fork(&w->s, 10, &w->bash, &w->a, 101);
	sc_fork(&w->s, 20, &w->bash, &w->b, 102);
	w->m = pt_model_new(NULL);
	assert_non_null(w->m);
	for (size_t i = 0; i < w->s.n; i++)
		assert_int_equal(pt_model_feed(w->m, w->s.ev[i]), 0);
}

static void world_free(struct world *w)
{
	pt_model_free(w->m);
	sc_free(&w->s);
}

static struct pt_rescan_task listed(const struct fake *p, __u64 us, unsigned state, bool picked)
{
	struct pt_rescan_task t = { .picked = picked, .kept = picked };

	t.task.ts_ns = SC_US(us);
	t.task.start_ns = p->start;
	t.task.pid = p->pid;
	t.task.tid = p->pid;
	t.task.ppid = p->ppid;
	t.task.pgid = p->pgid;
	t.task.sid = p->sid;
	t.task.ns_pid = p->pid;
	t.task.state = state;
	memcpy(t.task.comm, p->comm, PT_COMM_LEN);
	return t;
}

static void feed_repair(struct pt_model *m, const struct pt_repair *r)
{
	for (size_t i = 0; i < r->n; i++)
		assert_int_equal(pt_model_feed(m, &r->ev[i]), 0);
}

static char *tree_text(struct pt_model *m)
{
	struct pt_view_opts o = { .width = 200, .ascii = true };

	return sc_view_text(pt_tree_write, m, &o);
}

/* a gone, b a zombie, c (103) born unseen: the exact events, then the
 * model that takes them. The model was complete at 15 us; the list was
 * read from 50 to 60 us. */
static void test_repair_gone_zombie_born(void **state)
{
	struct world w;
	struct fake c;
	struct pt_rescan_task list[4];
	struct pt_repair r;
	const struct pt_proc *a, *b, *cp;
	struct pt_model_stats st;
	char *text;

	(void)state;
	world_build(&w);
	fake_init(&c, 103, 100, SC_US(30), "c");
	list[0] = listed(&w.init, 51, PT_STATE_ALIVE, true);
	list[1] = listed(&w.bash, 52, PT_STATE_ALIVE, true);
	list[2] = listed(&w.b, 53, PT_STATE_ZOMBIE, true);
	list[3] = listed(&c, 54, PT_STATE_ALIVE, true);
	assert_int_equal(
		pt_model_reconcile(w.m, list, 4, SC_US(15), SC_US(50), SC_US(60), NULL, NULL, &r),
		4);

	assert_int_equal(r.ev[0].kind, PT_LOST);
	assert_int_equal(r.ev[0].flags, PT_F_RESCAN | PT_F_NO_ACTOR);
	assert_int_equal(r.ev[0].task.ts_ns, SC_US(60));
	assert_int_equal(r.ev[0].rescan.count, 0);
	assert_int_equal(r.ev[0].rescan.since_ns, SC_US(15));
	assert_int_equal(r.ev[0].rescan.tasks, 4);
	assert_int_equal(r.ev[0].rescan.ended, 2);
	assert_int_equal(r.ev[0].rescan.born, 1);
	/* a: gone; alive at 15 us (its last event was at 10) */
	assert_int_equal(r.ev[1].kind, PT_REAP);
	assert_int_equal(r.ev[1].flags, PT_F_RESCAN | PT_F_NO_ACTOR);
	assert_int_equal(r.ev[1].task.pid, 101);
	assert_int_equal(r.ev[1].task.start_ns, w.a.start);
	assert_int_equal(r.ev[1].task.ppid, 100);
	assert_int_equal(r.ev[1].task.state, PT_STATE_REAPED);
	assert_int_equal(r.ev[1].task.ts_ns, SC_US(60));
	assert_int_equal(r.ev[1].reap.exit_ns, 0);
	assert_int_equal(r.ev[1].reap.unseen_from_ns, SC_US(15));
	/* b: a zombie, as the list read it at 53 us; alive at 20 us */
	assert_int_equal(r.ev[2].kind, PT_EXIT);
	assert_int_equal(r.ev[2].flags, PT_F_RESCAN | PT_F_NO_ACTOR | PT_F_GROUP_DEAD);
	assert_int_equal(r.ev[2].task.pid, 102);
	assert_int_equal(r.ev[2].task.state, PT_STATE_ZOMBIE);
	assert_int_equal(r.ev[2].task.ts_ns, SC_US(53));
	assert_int_equal(r.ev[2].reap.unseen_from_ns, SC_US(20));
	/* c: born unseen */
	assert_int_equal(r.ev[3].kind, PT_SNAPSHOT);
	assert_int_equal(r.ev[3].flags, PT_F_RESCAN | PT_F_NO_ACTOR);
	assert_int_equal(r.ev[3].task.pid, 103);
	assert_int_equal(r.ev[3].task.start_ns, SC_US(30));
	assert_int_equal(r.ev[3].task.ppid, 100);
	for (size_t i = 0; i < r.n; i++)
		assert_false(r.context[i]);

	feed_repair(w.m, &r);
	pt_repair_free(&r);
	a = pt_model_find(w.m, 101, 0);
	b = pt_model_find(w.m, 102, 0);
	cp = pt_model_find(w.m, 103, 0);
	assert_int_equal(pt_proc_end(a), PT_END_UNSEEN);
	assert_true(a->flags & PT_PROC_END_INFERRED);
	assert_int_equal(a->unseen_from_ns, SC_US(15));
	assert_int_equal(a->unseen_to_ns, SC_US(60));
	/* never drawn alive after it was last known to be */
	assert_int_equal(pt_proc_row_end(a, SC_US(1000)), SC_US(15));
	assert_int_equal(pt_proc_end(b), PT_END_ZOMBIE);
	assert_true(b->flags & PT_PROC_END_INFERRED);
	assert_false(b->flags & PT_PROC_EXIT_SEEN);
	assert_int_equal(b->exit_ns, SC_US(20));
	assert_int_equal(b->unseen_to_ns, SC_US(53));
	assert_true(cp->flags & PT_PROC_INFERRED);
	assert_false(cp->flags & (PT_PROC_SNAPSHOT | PT_PROC_FORK_SEEN));
	assert_int_equal(cp->start_ns, SC_US(30));
	assert_int_equal(cp->ppid, 100);
	assert_int_equal(pt_proc_end(cp), PT_END_RUNNING);
	pt_model_stats(w.m, &st);
	assert_int_equal(st.rescans, 1);
	assert_int_equal(st.ended_unseen, 2);
	assert_int_equal(st.born_unseen, 1);
	assert_int_equal(st.lost, 0);

	text = tree_text(w.m);
	assert_non_null(strstr(text, "101 bash [ended, not observed between 0.000s and 0.000s]"));
	assert_non_null(strstr(text, "ended, not observed\n"));
	assert_non_null(strstr(text, "102 bash [exited, not observed between"));
	assert_non_null(strstr(text, "exited, not observed: zombie"));
	assert_non_null(strstr(text, "103 c [inferred]"));
	free(text);

	/* Now the model agrees with the list: nothing more to repair. */
	assert_int_equal(
		pt_model_reconcile(w.m, list, 4, SC_US(50), SC_US(70), SC_US(80), NULL, NULL, &r),
		0);
	assert_null(r.ev);
	world_free(&w);
}

/* What the model saw itself wins over what a rescan inferred: the late
 * real reap of b, the late real fork of c. */
static void test_repair_seen_wins(void **state)
{
	struct world w;
	struct fake c;
	struct pt_rescan_task list[5];
	struct pt_repair r;
	struct sc late = { 0 };
	const struct pt_proc *b, *cp;

	(void)state;
	world_build(&w);
	/* c as its fork at 40 us will make it (sc_fork: 2 us before) */
	fake_init(&c, 103, 100, SC_US(40) - 2000, "bash");
	list[0] = listed(&w.init, 51, PT_STATE_ALIVE, true);
	list[1] = listed(&w.bash, 52, PT_STATE_ALIVE, true);
	list[2] = listed(&w.a, 53, PT_STATE_ALIVE, true);
	list[3] = listed(&w.b, 54, PT_STATE_ZOMBIE, true);
	list[4] = listed(&c, 55, PT_STATE_ALIVE, true);
	assert_int_equal(
		pt_model_reconcile(w.m, list, 5, SC_US(15), SC_US(50), SC_US(60), NULL, NULL, &r),
		3);
	feed_repair(w.m, &r);
	pt_repair_free(&r);
	assert_true(pt_model_find(w.m, 103, 0)->flags & PT_PROC_INFERRED);
	sc_reap(&late, 70, &w.b, &w.bash, 0);
	sc_fork(&late, 40, &w.bash, &c, 103);
	for (size_t i = 0; i < late.n; i++)
		assert_int_equal(pt_model_feed(w.m, late.ev[i]), 0);
	b = pt_model_find(w.m, 102, 0);
	assert_int_equal(pt_proc_end(b), PT_END_REAPED);
	assert_false(b->flags & PT_PROC_END_INFERRED);
	/* c's fork came after all: a child seen born, not inferred */
	cp = pt_model_find(w.m, 103, 0);
	assert_true(cp->flags & PT_PROC_FORK_SEEN);
	assert_false(cp->flags & PT_PROC_INFERRED);
	sc_free(&late);
	world_free(&w);
}

/* a (101) is context; gone (105) left what is followed. */
static enum pt_repair_whom whose(void *ctx, const struct pt_proc *p)
{
	(void)ctx;
	if (p->pid == 101)
		return PT_REPAIR_CONTEXT;
	return p->pid == 105 ? PT_REPAIR_SKIP : PT_REPAIR_OUTPUT;
}

/* Filters: a task neither picked nor kept only proves its holder alive; a
 * kept one (an ancestor) and the end of a context process go to the model
 * only; the end of one that left what is followed is not said. What started during the reading, or has an event after it, is not
 * judged; a reused pid's old holder ends before its new one is born. */
static void test_repair_filters_and_edges(void **state)
{
	struct world w;
	struct fake anc, other, late, reuse, left;
	struct pt_rescan_task list[5];
	struct pt_repair r;
	struct sc more = { 0 };

	(void)state;
	world_build(&w);
	/* late (104) forked at 55 us, after the reading began, not listed;
	 * b had an event at 65 us, after the reading ended, not listed. */
	sc_fork(&more, 55, &w.bash, &late, 104);
	/* left (105), forked at 30 us, is gone, but whose() skips it */
	sc_fork(&more, 30, &w.bash, &left, 105);
	sc_sig(&more, PT_SIGNAL, 65, &w.b, &w.bash, 15, PT_SIG_DELIVERED);
	for (size_t i = 0; i < more.n; i++)
		assert_int_equal(pt_model_feed(w.m, more.ev[i]), 0);
	fake_init(&anc, 90, 1, SC_US(5), "sshd");
	fake_init(&other, 91, 1, SC_US(6), "cron");
	reuse = w.a;
	reuse.start = SC_US(40);
	reuse.ppid = 100;
	list[0] = listed(&w.init, 51, PT_STATE_ALIVE, false);
	list[1] = listed(&w.bash, 52, PT_STATE_ALIVE, true);
	list[2] = listed(&anc, 53, PT_STATE_ALIVE, false);
	list[2].kept = true;
	list[3] = listed(&other, 54, PT_STATE_ALIVE, false);
	list[4] = listed(&reuse, 56, PT_STATE_ALIVE, true);
	assert_int_equal(
		pt_model_reconcile(w.m, list, 5, SC_US(15), SC_US(50), SC_US(60), whose, NULL, &r),
		4);
	assert_int_equal(r.ev[0].rescan.tasks, 2);
	assert_int_equal(r.ev[0].rescan.ended, 0); /* a context end only */
	assert_int_equal(r.ev[0].rescan.born, 1);  /* the ancestor is the tree's only */
	assert_false(r.context[0]);
	/* a's old holder, a context process by whose() */
	assert_int_equal(r.ev[1].kind, PT_REAP);
	assert_int_equal(r.ev[1].task.pid, 101);
	assert_int_equal(r.ev[1].task.start_ns, w.a.start);
	assert_true(r.context[1]);
	/* the ancestor, kept: context */
	assert_int_equal(r.ev[2].kind, PT_SNAPSHOT);
	assert_int_equal(r.ev[2].task.pid, 90);
	assert_true(r.context[2]);
	/* pid 101's new holder, picked */
	assert_int_equal(r.ev[3].kind, PT_SNAPSHOT);
	assert_int_equal(r.ev[3].task.pid, 101);
	assert_int_equal(r.ev[3].task.start_ns, SC_US(40));
	assert_false(r.context[3]);
	feed_repair(w.m, &r);
	pt_repair_free(&r);
	assert_int_equal(pt_proc_end(pt_model_find(w.m, 101, w.a.start)), PT_END_UNSEEN);
	assert_int_equal(pt_proc_end(pt_model_find(w.m, 101, SC_US(40))), PT_END_RUNNING);
	assert_int_equal(pt_proc_end(pt_model_find(w.m, 104, 0)), PT_END_RUNNING);
	assert_int_equal(pt_proc_end(pt_model_find(w.m, 102, 0)), PT_END_RUNNING);
	assert_null(pt_model_find(w.m, 91, 0));
	assert_int_equal(pt_proc_end(pt_model_find(w.m, 105, 0)), PT_END_RUNNING);
	sc_free(&more);
	world_free(&w);
}

/* A lean model (a live run without views) repairs the same. */
/* b a zombie at one rescan (its exit inferred, counted ended unseen), gone
 * at the next (its reap inferred): one process ended unseen, counted once. */
static void test_repair_counts_a_process_once(void **state)
{
	struct world w;
	struct pt_rescan_task list[4];
	struct pt_repair r;

	(void)state;
	world_build(&w);
	list[0] = listed(&w.init, 51, PT_STATE_ALIVE, true);
	list[1] = listed(&w.bash, 52, PT_STATE_ALIVE, true);
	list[2] = listed(&w.a, 53, PT_STATE_ALIVE, true);
	list[3] = listed(&w.b, 54, PT_STATE_ZOMBIE, true);
	assert_int_equal(
		pt_model_reconcile(w.m, list, 4, SC_US(25), SC_US(50), SC_US(60), NULL, NULL, &r),
		2);
	assert_int_equal(r.ev[1].kind, PT_EXIT);
	assert_int_equal(r.ev[1].task.pid, 102);
	assert_int_equal(r.ev[0].rescan.ended, 1);
	feed_repair(w.m, &r);
	pt_repair_free(&r);

	/* The next rescan: b is gone, its reap inferred, not counted again. */
	list[2] = listed(&w.a, 103, PT_STATE_ALIVE, true);
	assert_int_equal(
		pt_model_reconcile(w.m, list, 3, SC_US(60), SC_US(100), SC_US(110), NULL, NULL, &r),
		2);
	assert_int_equal(r.ev[1].kind, PT_REAP);
	assert_int_equal(r.ev[1].task.pid, 102);
	assert_int_equal(r.ev[0].rescan.ended, 0);
	pt_repair_free(&r);
	world_free(&w);
}

static void test_repair_lean_model(void **state)
{
	struct pt_model_opts o = { .max_ended = 4, .lean = true };
	struct pt_model *m = pt_model_new(&o);
	struct fake init, a;
	struct sc s = { 0 };
	struct pt_rescan_task list[1];
	struct pt_repair r;

	(void)state;
	assert_non_null(m);
	fake_init(&init, 1, 0, SC_US(0) - 5000, "init");
	sc_snapshot(&s, 0, &init);
	sc_fork(&s, 10, &init, &a, 200);
	for (size_t i = 0; i < s.n; i++)
		assert_int_equal(pt_model_feed(m, s.ev[i]), 0);
	assert_int_equal(pt_model_find(m, 200, 0)->nmarks, 0);
	list[0] = listed(&init, 51, PT_STATE_ALIVE, true);
	assert_int_equal(
		pt_model_reconcile(m, list, 1, SC_US(12), SC_US(50), SC_US(60), NULL, NULL, &r), 2);
	assert_int_equal(r.ev[1].kind, PT_REAP);
	assert_int_equal(r.ev[1].reap.unseen_from_ns, SC_US(12));
	feed_repair(m, &r);
	pt_repair_free(&r);
	assert_int_equal(pt_proc_end(pt_model_find(m, 200, 0)), PT_END_UNSEEN);
	sc_free(&s);
	pt_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repair_gone_zombie_born),
		cmocka_unit_test(test_repair_seen_wins),
		cmocka_unit_test(test_repair_counts_a_process_once),
		cmocka_unit_test(test_repair_filters_and_edges),
		cmocka_unit_test(test_repair_lean_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
