// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --top's rows from the model (top.h): the processes alive or zombies, in
 * tree order with the collapsed subtrees left out, or flat in another
 * order, and the exits of the last seconds. Pure: the CPU time of a live
 * process comes from the caller; an ended one's is its usage, or its
 * running time from the scheduler (--sched) when larger. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/decode.h"
#include "proctrace/top.h"

const char *const pt_top_sort_names[PT_TOP_NSORTS] = {
	[PT_TOP_SORT_TREE] = "tree",
	[PT_TOP_SORT_CPU] = "cpu",
	[PT_TOP_SORT_AGE] = "age",
	[PT_TOP_SORT_PID] = "pid",
};

/* ---- collapsed subtrees ---- */

static size_t fold_find(const struct pt_top_fold *f, const struct pt_proc *p)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->p[i].pid == p->pid && f->p[i].start_ns == p->start_ns)
			break;
	return i;
}

bool pt_top_fold_has(const struct pt_top_fold *f, const struct pt_proc *p)
{
	return f && fold_find(f, p) < f->n;
}

int pt_top_fold_toggle(struct pt_top_fold *f, const struct pt_proc *p)
{
	size_t i = fold_find(f, p);

	if (i < f->n) {
		f->p[i] = f->p[--f->n];
		return 0;
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		void *np = realloc(f->p, cap * sizeof(*f->p));

		if (!np)
			return -ENOMEM;
		f->p = np;
		f->cap = cap;
	}
	f->p[f->n].pid = p->pid;
	f->p[f->n].start_ns = p->start_ns;
	f->n++;
	return 0;
}

void pt_top_fold_free(struct pt_top_fold *f)
{
	free(f->p);
	memset(f, 0, sizeof(*f));
}

/* ---- the rows ---- */

struct build {
	struct pt_top_rows *out;
	__u64 now_ns;
	bool tree;
	const struct pt_top_fold *fold;
	pt_top_cpu_fn cpu;
	void *cpu_ctx;
	/* per tree depth: the depth shown for the children of the process
	 * at that depth (a process not shown passes its own on) */
	unsigned *child_depth;
	size_t depth_cap;
	unsigned hide_below; /* a collapsed process's depth; UINT_MAX: none */
};

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap ? 2 * *cap : 64;
	while (ncap <= n)
		ncap *= 2;
	nv = realloc(*v, ncap * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

static bool shown(const struct pt_proc *p)
{
	enum pt_end e = pt_proc_end(p);

	return e == PT_END_RUNNING || e == PT_END_STOPPED || e == PT_END_ZOMBIE;
}

static void fill_row(struct build *b, struct pt_top_row *r, const struct pt_walk *w, unsigned depth)
{
	const struct pt_proc *p = w->proc;
	__u64 user, sys;

	memset(r, 0, sizeof(*r));
	r->p = p;
	r->parent = w->parent;
	r->depth = depth;
	r->has_children = b->tree && w->has_children;
	r->collapsed = b->tree && w->has_children && pt_top_fold_has(b->fold, p);
	r->age_ns = b->now_ns > p->start_ns ? b->now_ns - p->start_ns : 0;
	if (p->flags & PT_PROC_EXIT_SEEN) {
		/* Its final figures: the exit's, or the reap's once seen. */
		pt_cputime_adjust(&p->exit.usage, &user, &sys);
		r->cpu_ns = user + sys;
		r->cpu_known = true;
		/* --sched: the scheduler's running time, exact where the
		 * usage counts whole clock ticks. */
		if ((p->flags & PT_PROC_SCHED_SEEN) && p->sched.ns[PT_SLOT_RUNNING] > r->cpu_ns)
			r->cpu_ns = p->sched.ns[PT_SLOT_RUNNING];
		if (p->exit_ns > p->start_ns)
			r->age_ns = p->exit_ns - p->start_ns;
	} else if (b->cpu) {
		r->cpu_known = b->cpu(b->cpu_ctx, p, &r->cpu_ns);
	}
	r->last_ns = p->last_ts;
	if (p->nmarks)
		r->last_kind = p->marks[p->nmarks - 1].kind;
}

/* When it exited, or left the tree: a zombie's reap is news too. */
static __u64 ended_ns(const struct pt_proc *p)
{
	return p->reap_ns > p->exit_ns ? p->reap_ns : p->exit_ns;
}

static int visit(const struct pt_walk *w, void *ctx)
{
	struct build *b = ctx;
	struct pt_top_rows *out = b->out;
	unsigned depth = 0;
	bool show;

	if ((w->proc->flags & PT_PROC_EXIT_SEEN) &&
	    ended_ns(w->proc) + PT_TOP_EXITS_NS >= b->now_ns) {
		if (grow((void **)&out->exits, &out->exits_cap, out->nexits, sizeof(*out->exits)))
			return -ENOMEM;
		out->exits[out->nexits++] = w->proc;
	}
	show = shown(w->proc);
	/* Their ancestors are drawn for where they are, not counted with
	 * what is followed. */
	if (w->proc->flags & PT_PROC_CONTEXT)
		out->ancestors += show;
	else
		out->procs += show;
	if (!b->tree) {
		if (!show)
			return 0;
		if (grow((void **)&out->rows, &out->cap, out->n, sizeof(*out->rows)))
			return -ENOMEM;
		fill_row(b, &out->rows[out->n++], w, 0);
		return 0;
	}
	if (b->hide_below != UINT_MAX) {
		if (w->depth > b->hide_below)
			return 0;
		b->hide_below = UINT_MAX;
	}
	if (grow((void **)&b->child_depth, &b->depth_cap, w->depth, sizeof(*b->child_depth)))
		return -ENOMEM;
	if (w->depth)
		depth = b->child_depth[w->depth - 1];
	b->child_depth[w->depth] = depth + show;
	if (!show)
		return 0;
	if (grow((void **)&out->rows, &out->cap, out->n, sizeof(*out->rows)))
		return -ENOMEM;
	fill_row(b, &out->rows[out->n], w, depth);
	if (out->rows[out->n].collapsed)
		b->hide_below = w->depth;
	out->n++;
	return 0;
}

static int by_cpu(const void *a, const void *b)
{
	const struct pt_top_row *x = a, *y = b;

	if (x->cpu_ns != y->cpu_ns)
		return x->cpu_ns > y->cpu_ns ? -1 : 1;
	return x->p->pid < y->p->pid ? -1 : x->p->pid > y->p->pid;
}

static int by_age(const void *a, const void *b)
{
	const struct pt_top_row *x = a, *y = b;

	if (x->p->start_ns != y->p->start_ns)
		return x->p->start_ns < y->p->start_ns ? -1 : 1;
	return x->p->pid < y->p->pid ? -1 : x->p->pid > y->p->pid;
}

static int by_pid(const void *a, const void *b)
{
	const struct pt_top_row *x = a, *y = b;

	if (x->p->pid != y->p->pid)
		return x->p->pid < y->p->pid ? -1 : 1;
	return x->p->start_ns < y->p->start_ns ? -1 : x->p->start_ns > y->p->start_ns;
}

/* The latest end first. */
static int by_exit(const void *a, const void *b)
{
	const struct pt_proc *x = *(const struct pt_proc *const *)a;
	const struct pt_proc *y = *(const struct pt_proc *const *)b;

	if (ended_ns(x) != ended_ns(y))
		return ended_ns(x) > ended_ns(y) ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

int pt_top_rows_build(struct pt_model *m, __u64 now_ns, enum pt_top_sort sort,
		      const struct pt_top_fold *fold, pt_top_cpu_fn cpu, void *cpu_ctx,
		      struct pt_top_rows *out)
{
	static int (*const cmp[PT_TOP_NSORTS])(const void *, const void *) = {
		[PT_TOP_SORT_CPU] = by_cpu,
		[PT_TOP_SORT_AGE] = by_age,
		[PT_TOP_SORT_PID] = by_pid,
	};
	struct build b = {
		.out = out,
		.now_ns = now_ns,
		.tree = sort == PT_TOP_SORT_TREE,
		.fold = fold,
		.cpu = cpu,
		.cpu_ctx = cpu_ctx,
		.hide_below = UINT_MAX,
	};
	int err;

	out->n = 0;
	out->nexits = 0;
	out->procs = 0;
	out->ancestors = 0;
	err = pt_model_walk(m, visit, &b);
	free(b.child_depth);
	if (err)
		return err;
	if ((unsigned)sort < PT_TOP_NSORTS && cmp[sort] && out->n)
		qsort(out->rows, out->n, sizeof(*out->rows), cmp[sort]);
	if (out->nexits)
		qsort(out->exits, out->nexits, sizeof(*out->exits), by_exit);
	return 0;
}

void pt_top_rows_free(struct pt_top_rows *r)
{
	free(r->rows);
	free(r->exits);
	memset(r, 0, sizeof(*r));
}
