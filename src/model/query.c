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
static __u64 key_birth(const struct proc_key *k)
{
	return k->flags & PT_PROC_FORK_SEEN ? k->first_ts : k->start_ns;
}

static int entry_cmp(const void *a, const void *b)
{
	struct proc_key x, y;

	entry_key(*(struct proc_node *const *)a, &x);
	entry_key(*(struct proc_node *const *)b, &y);
	if (key_birth(&x) != key_birth(&y))
		return key_birth(&x) < key_birth(&y) ? -1 : 1;
	if (model_born_before(x.start_ns, x.pid, y.start_ns, y.pid))
		return -1;
	return model_born_before(y.start_ns, y.pid, x.start_ns, x.pid);
}

static struct proc_node **entries_sorted(const struct pt_model *m, size_t *count)
{
	struct proc_node **ents, *n;
	struct pid_slot *s;
	size_t i = 0;

	ents = malloc((m->stats.procs ? m->stats.procs : 1) * sizeof(*ents));
	if (!ents)
		return NULL;
	for (s = m->slots; s; s = s->hh.next)
		for (n = s->newest; n; n = entry_older(n))
			ents[i++] = n;
	qsort(ents, i, sizeof(*ents), entry_cmp);
	*count = i;
	return ents;
}

/* The walk's links, by place in the order (NONE: no such). */
#define NONE UINT32_MAX
struct wlink {
	__u32 parent, first, last, next;
	bool missing; /* ppid not 0 but not held */
};

static void entry_idx_set(struct proc_node *e, __u32 i)
{
	if (entry_is_rec(e))
		entry_rec(e)->w_idx = i;
	else
		e->w_idx = i;
}

static __u32 entry_idx(const struct proc_node *e)
{
	return entry_is_rec(e) ? entry_rec(e)->w_idx : e->w_idx;
}

/* Children lists, built in (start, pid) order so that siblings come out
 * sorted. Returns the first root. */
static __u32 tree_link(const struct pt_model *m, struct proc_node **ents, struct wlink *l,
		       size_t count)
{
	__u32 first_root = NONE, last_root = NONE, i, pi;
	struct proc_node *parent;
	struct proc_key k;

	for (i = 0; i < count; i++) {
		entry_idx_set(ents[i], i);
		l[i] = (struct wlink){ NONE, NONE, NONE, NONE, false };
	}
	for (i = 0; i < count; i++) {
		entry_key(ents[i], &k);
		parent = model_parent_resolve(m, k.ppid, k.start_ns, k.pid);
		l[i].missing = !parent && k.ppid != 0;
		if (parent) {
			pi = entry_idx(parent);
			l[i].parent = pi;
			if (l[pi].last != NONE)
				l[l[pi].last].next = i;
			else
				l[pi].first = i;
			l[pi].last = i;
		} else {
			if (last_root != NONE)
				l[last_root].next = i;
			else
				first_root = i;
			last_root = i;
		}
	}
	return first_root;
}

/* Per depth, the process walked there: a row's parent is the one above. */
static int path_set(const struct pt_proc ***path, size_t *cap, unsigned depth,
		    const struct pt_proc *p)
{
	const struct pt_proc **grown;
	size_t n;

	if (depth >= *cap) {
		n = *cap ? *cap * 2 : 64;
		while (n <= depth)
			n *= 2;
		grown = realloc(*path, n * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		*path = grown;
		*cap = n;
	}
	(*path)[depth] = p;
	return 0;
}

int pt_model_walk(struct pt_model *m, pt_walk_fn fn, void *ctx)
{
	struct proc_node **ents, *orig;
	const struct pt_proc *p, **path = NULL;
	struct wlink *l;
	struct pt_walk w;
	size_t count = 0, row = 0, path_cap = 0;
	unsigned depth = 0;
	__u32 cur;
	int rc = 0;

	ents = entries_sorted(m, &count);
	l = malloc((count ? count : 1) * sizeof(*l));
	if (!ents || !l) {
		free(ents);
		free(l);
		return -ENOMEM;
	}
	cur = count ? tree_link(m, ents, l, count) : NONE;
	while (cur != NONE) {
		/* A record is expanded into its depth's slot: the rows under
		 * it still see it as their parent. */
		p = model_entry_proc(m, ents[cur], SLOT_DEPTH(depth));
		if (!p || path_set(&path, &path_cap, depth, p)) {
			rc = -ENOMEM;
			break;
		}
		w = (struct pt_walk){
			.proc = p,
			.parent = l[cur].parent != NONE ? path[depth - 1] : NULL,
			.reparented = p->ppid != p->orig_ppid,
			.parent_missing = l[cur].missing,
			.last = l[cur].next == NONE,
			.has_children = l[cur].first != NONE,
			.depth = depth,
			.row = row,
			.ref = (const struct pt_proc_ref *)ents[cur],
		};
		row++;
		if (w.reparented) {
			orig = model_parent_resolve(m, p->orig_ppid, p->start_ns, p->pid);
			w.orig_parent = orig ? model_entry_proc(m, orig, SLOT_AUX) : NULL;
			if (orig && !w.orig_parent) {
				rc = -ENOMEM;
				break;
			}
		}
		rc = fn(&w, ctx);
		if (rc)
			break;
		if (l[cur].first != NONE) {
			cur = l[cur].first;
			depth++;
			continue;
		}
		while (cur != NONE && l[cur].next == NONE) {
			cur = l[cur].parent;
			depth--;
		}
		if (cur != NONE)
			cur = l[cur].next;
	}
	free(path);
	free(l);
	free(ents);
	return rc;
}

const struct pt_proc *pt_model_ref_proc(const struct pt_model *m, const struct pt_proc_ref *ref)
{
	/* The entry itself, a node or a tagged record (model_int.h). */
	return model_entry_proc(m, (const struct proc_node *)ref, SLOT_READ);
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
