// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Reading the model: the tree in order, how one process ended, its state
 * over time. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model_int.h"

/* ---- walking the tree ---- */

/* Display order: by birth, a process whose fork was seen born at its fork
 * event. The kernel's start time can order two forks on two CPUs the other
 * way round, and a recording keeps only the fork event's time: ordering by
 * it makes a replay show the tree the live run showed. */
static __u64 shown_birth(const struct pt_proc *p)
{
	return p->flags & PT_PROC_FORK_SEEN ? p->first_ts : p->start_ns;
}

static int node_cmp(const void *a, const void *b)
{
	const struct pt_proc *x = &(*(const struct proc_node *const *)a)->pub;
	const struct pt_proc *y = &(*(const struct proc_node *const *)b)->pub;

	if (shown_birth(x) != shown_birth(y))
		return shown_birth(x) < shown_birth(y) ? -1 : 1;
	if (model_born_before(x, y))
		return -1;
	return model_born_before(y, x);
}

static struct proc_node **nodes_sorted(const struct pt_model *m, size_t *count)
{
	struct proc_node **nodes, *n;
	struct pid_slot *s;
	size_t i = 0;

	nodes = malloc((m->stats.procs ? m->stats.procs : 1) * sizeof(*nodes));
	if (!nodes)
		return NULL;
	for (s = m->slots; s; s = s->hh.next)
		for (n = s->newest; n; n = n->older)
			nodes[i++] = n;
	qsort(nodes, i, sizeof(*nodes), node_cmp);
	*count = i;
	return nodes;
}

/* Children lists, built in (start, pid) order so that siblings come out
 * sorted. Returns the first root. */
static struct proc_node *tree_link(const struct pt_model *m, struct proc_node **nodes, size_t count)
{
	struct proc_node *first_root = NULL, *last_root = NULL, *n, *parent;
	size_t i;

	for (i = 0; i < count; i++)
		nodes[i]->w_first = nodes[i]->w_last = nodes[i]->w_next = NULL;
	for (i = 0; i < count; i++) {
		n = nodes[i];
		parent = model_parent_resolve(m, n->pub.ppid, &n->pub);
		n->w_parent = parent;
		n->w_missing = !parent && n->pub.ppid != 0;
		if (parent) {
			if (parent->w_last)
				parent->w_last->w_next = n;
			else
				parent->w_first = n;
			parent->w_last = n;
		} else {
			if (last_root)
				last_root->w_next = n;
			else
				first_root = n;
			last_root = n;
		}
	}
	return first_root;
}

int pt_model_walk(struct pt_model *m, pt_walk_fn fn, void *ctx)
{
	struct proc_node **nodes, *cur, *orig;
	struct pt_walk w;
	size_t count = 0, row = 0;
	unsigned depth = 0;
	int rc = 0;

	nodes = nodes_sorted(m, &count);
	if (!nodes)
		return -ENOMEM;
	cur = count ? tree_link(m, nodes, count) : NULL;
	while (cur) {
		w = (struct pt_walk){
			.proc = &cur->pub,
			.parent = cur->w_parent ? &cur->w_parent->pub : NULL,
			.reparented = cur->pub.ppid != cur->pub.orig_ppid,
			.parent_missing = cur->w_missing,
			.last = !cur->w_next,
			.has_children = cur->w_first != NULL,
			.depth = depth,
			.row = row,
		};
		row++;
		if (w.reparented) {
			orig = model_parent_resolve(m, cur->pub.orig_ppid, &cur->pub);
			w.orig_parent = orig ? &orig->pub : NULL;
		}
		rc = fn(&w, ctx);
		if (rc)
			break;
		if (cur->w_first) {
			cur = cur->w_first;
			depth++;
			continue;
		}
		while (cur && !cur->w_next) {
			cur = cur->w_parent;
			depth--;
		}
		if (cur)
			cur = cur->w_next;
	}
	free(nodes);
	return rc;
}

/* ---- one process ---- */

enum pt_end pt_proc_end(const struct pt_proc *p)
{
	if (p->flags & PT_PROC_REAP_SEEN)
		return PT_END_REAPED;
	if (p->flags & PT_PROC_ENDED_UNSEEN)
		return PT_END_UNSEEN;
	if ((p->flags & PT_PROC_EXIT_SEEN) || p->state == PT_STATE_ZOMBIE)
		return PT_END_ZOMBIE;
	if (p->state == PT_STATE_STOPPED)
		return PT_END_STOPPED;
	return PT_END_RUNNING;
}

__u64 pt_proc_row_end(const struct pt_proc *p, __u64 end_ns)
{
	if (p->flags & PT_PROC_REAP_SEEN)
		return p->reap_ns;
	/* Gone, found by a rescan: never drawn alive after the last time it
	 * was known to be. */
	if ((p->flags & PT_PROC_ENDED_UNSEEN) && (p->flags & PT_PROC_END_INFERRED))
		return p->unseen_from_ns;
	if (p->flags & PT_PROC_ENDED_UNSEEN)
		return p->last_ts;
	if (p->flags & PT_PROC_EXIT_ENDS)
		return p->exit_ns;
	return end_ns > p->last_ts ? end_ns : p->last_ts;
}

const struct pt_mark *pt_proc_fatal_signal(const struct pt_proc *p)
{
	struct pt_status st;
	size_t i, exit_at = p->nmarks;

	if (!(p->flags & PT_PROC_EXIT_SEEN))
		return NULL;
	st = pt_decode_status(p->exit.status);
	if (!st.signaled)
		return NULL;
	for (i = 0; i < p->nmarks; i++)
		if (p->marks[i].kind == PT_EXIT)
			exit_at = i;
	for (i = exit_at; i-- > 0;) {
		const struct pt_mark *mk = &p->marks[i];

		if (mk->kind == PT_SIGNAL && mk->signal.sig == st.sig &&
		    mk->signal.result != PT_SIG_IGNORED)
			return mk;
	}
	/* Sent more often than the marks keep: the last one folded. */
	for (i = 0; i < p->nfolds; i++) {
		const struct pt_mark *mk = &p->folds[i].last;

		if (mk->kind == PT_SIGNAL && mk->signal.sig == st.sig &&
		    mk->signal.result != PT_SIG_IGNORED && mk->ts_ns <= p->exit_ns)
			return mk;
	}
	return NULL;
}

/* ---- state over time ---- */

void pt_span_begin(struct pt_span_iter *it, const struct pt_proc *p, __u64 t0, __u64 t1)
{
	memset(it, 0, sizeof(*it));
	it->p = p;
	it->t0 = t0;
	it->t1 = t1 > t0 ? t1 : t0;
	it->row_end = pt_proc_row_end(p, it->t1);
	it->at = p->start_ns;
	/* Born alive; a snapshot says what it was when tracing began (not a
	 * rescan's, which found it later: alive until then). */
	it->state = PT_STATE_ALIVE;
	if (p->nmarks && p->marks[0].kind == PT_SNAPSHOT && !(p->flags & PT_PROC_INFERRED) &&
	    p->marks[0].state != PT_STATE_REAPED)
		it->state = p->marks[0].state;
}

static __u64 clamp_ns(__u64 v, __u64 lo, __u64 hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* A row that is shorter than a nanosecond after clipping still shows. */
static bool span_degenerate(struct pt_span_iter *it, struct pt_span *out)
{
	const struct pt_proc *p = it->p;

	if (it->yielded || p->start_ns > it->t1 || it->row_end < it->t0 ||
	    it->row_end < p->start_ns)
		return false;
	it->yielded = true;
	out->from = out->to = clamp_ns(p->start_ns, it->t0, it->t1);
	out->state = it->state;
	return true;
}

bool pt_span_next(struct pt_span_iter *it, struct pt_span *out)
{
	const struct pt_proc *p = it->p;
	__u64 to, from;
	size_t j;

	while (!it->done) {
		/* Marks at or before the start of this span only set its state. */
		while (it->i < p->nmarks && p->marks[it->i].ts_ns <= it->at) {
			if (p->marks[it->i].state == PT_STATE_REAPED)
				break;
			it->state = pt_state_after(it->state, p->marks[it->i].state);
			it->i++;
		}
		if (it->at >= it->row_end || it->at >= it->t1 ||
		    (it->i < p->nmarks && p->marks[it->i].ts_ns <= it->at)) {
			it->done = true;
			break;
		}
		for (j = it->i;
		     j < p->nmarks && pt_state_after(it->state, p->marks[j].state) == it->state;
		     j++)
			;
		to = j < p->nmarks ? p->marks[j].ts_ns : it->row_end;
		if (to > it->row_end)
			to = it->row_end;
		from = it->at;
		out->state = it->state;
		it->at = to;
		it->i = j;
		from = clamp_ns(from, it->t0, it->t1);
		to = clamp_ns(to, it->t0, it->t1);
		if (from < to) {
			out->from = from;
			out->to = to;
			it->yielded = true;
			return true;
		}
	}
	return span_degenerate(it, out);
}

bool pt_fold_in_window(const struct pt_fold *f, __u64 t0, __u64 t1, __u64 *from, __u64 *to)
{
	if (f->last.kind == PT_SIGNAL && f->last.signal.result == PT_SIG_IGNORED)
		return false;
	if (f->last.ts_ns < t0 || f->first_ns > t1)
		return false;
	*from = f->first_ns < t0 ? t0 : f->first_ns;
	*to = f->last.ts_ns > t1 ? t1 : f->last.ts_ns;
	return true;
}
