// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The model's memory under churn: bounded by max_ended, the live
 * processes kept; with no bound, every process kept. */
#include <errno.h>
#include "model_fixture.h"
#include "proctrace/decode.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_bounded_memory),
		cmocka_unit_test(test_model_retain_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
