/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The model's rows as pt_model_walk gives them, a model of the seed
 * scenario fed in any order, and every view of it as text, for the model's
 * tests (test_model*.c). */
#ifndef PROCTRACE_TEST_MODEL_FIXTURE_H
#define PROCTRACE_TEST_MODEL_FIXTURE_H

#include "scenario.h"
#include "proctrace/views.h"

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

static inline int collect(const struct pt_walk *w, void *ctx)
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

static inline void walk_rows(struct pt_model *m, struct rows *rs)
{
	rs->n = 0;
	assert_int_equal(pt_model_walk(m, collect, rs), 0);
}

static inline void assert_row(const struct row *r, __u32 pid, unsigned depth, __u32 parent)
{
	assert_int_equal(r->pid, pid);
	assert_int_equal(r->depth, depth);
	assert_int_equal(r->parent, parent);
}

static inline struct pt_model *model_new(size_t max_ended, bool threads)
{
	struct pt_model_opts o = { .threads = threads, .max_ended = max_ended };
	struct pt_model *m = pt_model_new(&o);

	assert_non_null(m);
	return m;
}

static inline struct pt_model *seed_model(const size_t *order)
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
static inline char *render_all(struct pt_model *m)
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

#endif
