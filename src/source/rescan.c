// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* When to read the task list again after lost events, and its repair into
 * the pipeline (see rescan.h). */
#include <errno.h>
#include <stdlib.h>
#include "proctrace/filter.h"
#include "rescan.h"

struct proc_id {
	__u32 pid;
	__u64 start_ns;
};

struct pt_rescan {
	const struct pt_filter *filter; /* borrowed */
	bool pending;			/* losses since the last rescan began */
	bool ever;			/* a rescan has begun */
	__u64 last_ns;			/* when the last one began */
	__u64 good_ns;			/* the model was complete then: no loss before */
	__u64 since_ns;			/* good_ns when the current one began */
	__u64 iter_ns;			/* when the current one began reading */
	struct proc_id *context;	/* sorted by (pid, start_ns) */
	size_t n_context, cap_context;
};

struct pt_rescan *pt_rescan_new(const struct pt_filter *filter)
{
	struct pt_rescan *r = calloc(1, sizeof(*r));

	if (r)
		r->filter = filter;
	return r;
}

void pt_rescan_free(struct pt_rescan *r)
{
	if (!r)
		return;
	free(r->context);
	free(r);
}

void pt_rescan_losses(struct pt_rescan *r, __u64 lost, __u64 now_ns)
{
	if (lost)
		r->pending = true;
	else if (!r->pending)
		r->good_ns = now_ns;
}

void pt_rescan_postpone(struct pt_rescan *r)
{
	r->pending = true;
}

bool pt_rescan_due(const struct pt_rescan *r, __u64 now_ns)
{
	return r->pending && (!r->ever || now_ns - r->last_ns >= PT_RESCAN_MIN_NS);
}

void pt_rescan_begin(struct pt_rescan *r, __u64 now_ns)
{
	r->pending = false;
	r->ever = true;
	r->last_ns = now_ns;
	r->since_ns = r->good_ns;
	r->iter_ns = now_ns;
}

static int id_cmp(const void *a, const void *b)
{
	const struct proc_id *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

int pt_rescan_context(struct pt_rescan *r, const struct pt_task *t)
{
	struct proc_id *c;
	size_t cap;

	if (r->n_context == r->cap_context) {
		cap = r->cap_context ? r->cap_context * 2 : 64;
		c = realloc(r->context, cap * sizeof(*c));
		if (!c)
			return -ENOMEM;
		r->context = c;
		r->cap_context = cap;
	}
	r->context[r->n_context++] = (struct proc_id){ t->pid, t->start_ns };
	/* Few, and added at start-up and at rescans only. */
	qsort(r->context, r->n_context, sizeof(*r->context), id_cmp);
	return 0;
}

/* An ancestor held for the tree is context; a process that no longer has
 * the group, uid or name the filters want left what is followed (its end
 * came to no output: not a loss). -p follows a process wherever it goes. */
static enum pt_repair_whom whose(void *ctx, const struct pt_proc *p)
{
	const struct pt_rescan *r = ctx;
	struct proc_id key = { p->pid, p->start_ns };

	if (r->n_context && bsearch(&key, r->context, r->n_context, sizeof(key), id_cmp))
		return PT_REPAIR_CONTEXT;
	if (r->filter &&
	    (!pt_filter_fields(r->filter, p->pgid, p->pgid, p->uid, p->comm, p->comm) ||
	     !pt_filter_cgroup(r->filter, p->cgroup_id, p->memcg_id)))
		return PT_REPAIR_SKIP;
	return PT_REPAIR_OUTPUT;
}

int pt_rescan_repair(struct pt_rescan *r, struct pt_pipeline *p, const struct pt_rescan_task *tasks,
		     size_t n, __u64 ts_ns)
{
	struct pt_repair rep;
	size_t i;
	int err;

	if (!p->model)
		return 0;
	err = pt_model_reconcile(p->model, tasks, n, r->since_ns, r->iter_ns, ts_ns, whose, r,
				 &rep);
	if (err <= 0)
		return err;
	err = 0;
	for (i = 0; i < rep.n && !err; i++) {
		if (!rep.context[i]) {
			err = pt_pipeline_event(p, &rep.ev[i]);
			continue;
		}
		err = pt_pipeline_context(p, &rep.ev[i]);
		if (!err && rep.ev[i].kind == PT_SNAPSHOT)
			err = pt_rescan_context(r, &rep.ev[i].task);
	}
	pt_repair_free(&rep);
	/* Complete as of the start of the reading: every process it did not
	 * close was alive then. */
	if (r->good_ns < r->iter_ns)
		r->good_ns = r->iter_ns;
	return err;
}
