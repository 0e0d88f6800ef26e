// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Repair after lost events: what the model must be told so that it agrees
 * with a fresh list of the kernel's processes (pt_model_reconcile), and
 * how the model takes those events (model_repair_apply). The first only
 * reads the model; the events go through the pipeline like any other, so
 * the outputs record the repair and a replay rebuilds it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model_int.h"

/* ---- what to repair ---- */

struct repair_build {
	struct pt_repair *out;
	size_t cap;
};

static struct pt_event *repair_add(struct repair_build *b, bool context)
{
	struct pt_repair *r = b->out;
	size_t cap;
	void *p;

	if (r->n == b->cap) {
		cap = b->cap ? b->cap * 2 : 16;
		p = realloc(r->ev, cap * sizeof(*r->ev));
		if (!p)
			return NULL;
		r->ev = p;
		p = realloc(r->context, cap * sizeof(*r->context));
		if (!p)
			return NULL;
		r->context = p;
		b->cap = cap;
	}
	r->context[r->n] = context;
	memset(&r->ev[r->n], 0, sizeof(r->ev[0]));
	r->ev[r->n].size = sizeof(r->ev[0]);
	return &r->ev[r->n++];
}

void pt_repair_free(struct pt_repair *r)
{
	free(r->ev);
	free(r->context);
	memset(r, 0, sizeof(*r));
}

static int task_cmp(const void *a, const void *b)
{
	const struct pt_rescan_task *x = a, *y = b;

	if (x->task.pid != y->task.pid)
		return x->task.pid < y->task.pid ? -1 : 1;
	if (x->task.start_ns != y->task.start_ns)
		return x->task.start_ns < y->task.start_ns ? -1 : 1;
	return 0;
}

/* The list's entry for (pid, start_ns), in a sorted copy of the list. */
static const struct pt_rescan_task *task_find(const struct pt_rescan_task *sorted, size_t n,
					      __u32 pid, __u64 start_ns)
{
	struct pt_rescan_task key = { .task = { .pid = pid, .start_ns = start_ns } };

	return bsearch(&key, sorted, n, sizeof(*sorted), task_cmp);
}

/* Ended or known to end: nothing left to repair. */
static bool proc_closed(const struct pt_proc *p)
{
	return p->flags & (PT_PROC_REAP_SEEN | PT_PROC_ENDED_UNSEEN | PT_PROC_EXIT_ENDS);
}

static bool proc_zombie(const struct pt_proc *p)
{
	return (p->flags & PT_PROC_EXIT_SEEN) || p->state == PT_STATE_ZOMBIE;
}

/* The process as the model last knew it, for a row about it. */
static void task_from_proc(struct pt_task *t, const struct pt_proc *p)
{
	t->start_ns = p->start_ns;
	t->cgroup_id = p->cgroup_id;
	t->memcg_id = p->memcg_id;
	t->pid = p->pid;
	t->tid = p->pid;
	t->ppid = p->ppid;
	t->pgid = p->pgid;
	t->sid = p->sid;
	t->uid = p->uid;
	t->ns_pid = p->ns_pid;
	t->pidns = p->pidns;
	memcpy(t->comm, p->comm, PT_COMM_LEN);
}

struct reconcile {
	struct repair_build b;
	const struct pt_rescan_task *sorted;
	size_t ntasks;
	__u64 since_ns, iter_start_ns, ts_ns;
	enum pt_repair_whom (*whose)(void *ctx, const struct pt_proc *p);
	void *ctx;
	__u32 ended;
};

/* One process the model holds: gone, a zombie it did not know of, or as
 * the model says. */
static int reconcile_proc(struct reconcile *r, const struct pt_proc *p)
{
	enum pt_repair_whom whom = PT_REPAIR_OUTPUT;
	const struct pt_rescan_task *t;
	struct pt_event *ev;

	if (proc_closed(p) || p->start_ns >= r->iter_start_ns || p->last_ts > r->ts_ns)
		return 0;
	t = task_find(r->sorted, r->ntasks, p->pid, p->start_ns);
	if (t && (t->task.state != PT_STATE_ZOMBIE || proc_zombie(p)))
		return 0;
	if (r->whose)
		whom = r->whose(r->ctx, p);
	if (whom == PT_REPAIR_SKIP)
		return 0;
	ev = repair_add(&r->b, whom == PT_REPAIR_CONTEXT);
	if (!ev)
		return -ENOMEM;
	ev->flags = PT_F_RESCAN | PT_F_NO_ACTOR;
	/* Alive at its last event, and at since_ns: no event was lost
	 * before, so an end then would have been seen. */
	ev->reap.unseen_from_ns = p->last_ts > r->since_ns ? p->last_ts : r->since_ns;
	if (t) {
		/* A zombie now: its exit was lost, its reap is still to come. */
		ev->kind = PT_EXIT;
		ev->flags |= PT_F_GROUP_DEAD;
		ev->task = t->task;
	} else {
		ev->kind = PT_REAP;
		task_from_proc(&ev->task, p);
		ev->task.ts_ns = r->ts_ns;
		ev->task.state = PT_STATE_REAPED;
	}
	/* A process counts once: a zombie whose exit an earlier rescan
	 * inferred was counted then, when its end was first found. */
	r->ended += whom == PT_REPAIR_OUTPUT && !(p->flags & PT_PROC_END_INFERRED);
	return 0;
}

static int reconcile_ends(const struct pt_model *m, struct reconcile *r)
{
	const struct pid_slot *s;
	const struct proc_node *n;
	const struct pt_proc *p;
	int err;

	for (s = m->slots; s; s = s->hh.next) {
		for (n = s->newest; n; n = entry_older(n)) {
			p = model_entry_proc(m, n, SLOT_AUX);
			if (!p)
				return -ENOMEM;
			if ((err = reconcile_proc(r, p)))
				return err;
		}
	}
	return 0;
}

/* Tasks the filters want (or their ancestors) that the model does not hold. */
static int reconcile_births(const struct pt_model *m, struct reconcile *r,
			    const struct pt_rescan_task *tasks, __u32 *born)
{
	struct pt_event *ev;
	size_t i;

	for (i = 0; i < r->ntasks; i++) {
		const struct pt_rescan_task *t = &tasks[i];

		if ((!t->picked && !t->kept) ||
		    model_entry_find(m, t->task.pid, t->task.start_ns, NULL))
			continue;
		ev = repair_add(&r->b, !t->picked);
		if (!ev)
			return -ENOMEM;
		ev->kind = PT_SNAPSHOT;
		ev->flags = PT_F_RESCAN | PT_F_NO_ACTOR;
		ev->task = t->task;
		/* The outputs' births: an ancestor is only the tree's. */
		*born += t->picked;
	}
	return 0;
}

int pt_model_reconcile(const struct pt_model *m, const struct pt_rescan_task *tasks, size_t ntasks,
		       __u64 since_ns, __u64 iter_start_ns, __u64 ts_ns,
		       enum pt_repair_whom (*whose)(void *ctx, const struct pt_proc *p), void *ctx,
		       struct pt_repair *out)
{
	struct pt_rescan_task *sorted = malloc((ntasks ? ntasks : 1) * sizeof(*sorted));
	struct reconcile r = {
		.b = { .out = out },
		.sorted = sorted,
		.ntasks = ntasks,
		.since_ns = since_ns,
		.iter_start_ns = iter_start_ns,
		.ts_ns = ts_ns,
		.whose = whose,
		.ctx = ctx,
	};
	struct pt_event *sum;
	__u32 born = 0, picked = 0;
	size_t i;
	int err;

	memset(out, 0, sizeof(*out));
	if (!sorted)
		return -ENOMEM;
	memcpy(sorted, tasks, ntasks * sizeof(*sorted));
	qsort(sorted, ntasks, sizeof(*sorted), task_cmp);
	/* The summary first, filled in at the end. */
	err = repair_add(&r.b, false) ? 0 : -ENOMEM;
	err = err ?: reconcile_ends(m, &r);
	err = err ?: reconcile_births(m, &r, tasks, &born);
	free(sorted);
	if (err || out->n == 1) {
		pt_repair_free(out);
		return err;
	}
	for (i = 0; i < ntasks; i++)
		picked += tasks[i].picked;
	sum = &out->ev[0];
	sum->kind = PT_LOST;
	sum->flags = PT_F_RESCAN | PT_F_NO_ACTOR;
	sum->task.ts_ns = ts_ns;
	sum->rescan.since_ns = since_ns;
	sum->rescan.tasks = picked;
	sum->rescan.ended = r.ended;
	sum->rescan.born = born;
	/* Only the tree's repairs: the summary is the model's only too. */
	out->context[0] = true;
	for (i = 1; i < out->n; i++)
		out->context[0] = out->context[0] && out->context[i];
	return (int)out->n;
}

/* ---- taking the repair ---- */

/* An exit or reap that a rescan inferred (PT_F_RESCAN): what the model
 * saw itself wins, so one that came already changes nothing. */
int model_repair_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev)
{
	struct pt_proc *p = &n->pub;
	struct pt_mark mk;

	if (p->flags & PT_PROC_REAP_SEEN)
		return 0;
	if (ev->kind == PT_EXIT && (p->flags & PT_PROC_EXIT_SEEN))
		return 0;
	p->flags |= PT_PROC_END_INFERRED;
	p->unseen_from_ns = ev->reap.unseen_from_ns;
	p->unseen_to_ns = ev->task.ts_ns;
	if (ev->kind == PT_REAP) {
		if (!(p->flags & PT_PROC_ENDED_UNSEEN) || ev->task.ts_ns < p->ended_by_ns)
			p->ended_by_ns = ev->task.ts_ns;
		p->flags |= PT_PROC_ENDED_UNSEEN;
		model_queue_update(m, n);
		return 0;
	}
	/* A zombie since some time in the interval: drawn as one from its
	 * start, never alive after the last time it was known to be. */
	p->exit_ns = p->unseen_from_ns;
	memset(&mk, 0, sizeof(mk));
	mk.ts_ns = p->unseen_from_ns;
	mk.kind = PT_EXIT;
	mk.flags = ev->flags;
	mk.state = PT_STATE_ZOMBIE;
	mk.synthetic = 1;
	return model_mark_insert(m, n, &mk);
}

void model_repair_account(struct pt_model *m, const struct pt_event *ev)
{
	m->stats.rescans++;
	m->stats.ended_unseen += ev->rescan.ended;
	m->stats.born_unseen += ev->rescan.born;
}
