// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A process's history: marks made from events, kept in time order, and
 * folded into counts past PT_MARKS_MAX (see model.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/event_access.h"
#include "model_int.h"

/* The state after an event: from its kind where that is certain, else what
 * the kernel said (a process cannot be reaped by a signal). */
__u8 model_event_state(const struct pt_event *ev)
{
	switch (ev->kind) {
	case PT_EXIT:
		if (ev->flags & PT_F_GROUP_DEAD)
			return PT_STATE_ZOMBIE;
		break;
	case PT_REAP:
		return PT_STATE_REAPED;
	case PT_STOP:
		return PT_STATE_STOPPED;
	case PT_FORK:
	case PT_EXEC:
	case PT_CONTINUE:
		return PT_STATE_ALIVE;
	case PT_SCHED_STATE: /* the thread's: sched.c makes the process's */
		return ev->task.state < PT_STATE_MAX ? ev->task.state : PT_STATE_ALIVE;
	}
	return ev->task.state <= PT_STATE_ZOMBIE ? ev->task.state : PT_STATE_ALIVE;
}

/* Order of marks with the same timestamp: the order of a lifetime. */
static int kind_rank(unsigned kind)
{
	static const signed char rank[PT_KIND_MAX] = {
		[PT_SNAPSHOT] = 0, [PT_FORK] = 1,    [PT_THREAD] = 2,	   [PT_EXEC] = 3,
		[PT_RENAME] = 4,   [PT_SETPGID] = 5, [PT_SETSID] = 6,	   [PT_UNSHARE] = 6,
		[PT_SETNS] = 6,	   [PT_SIGNAL] = 7,  [PT_STOP] = 8,	   [PT_CONTINUE] = 9,
		[PT_EXIT] = 10,	   [PT_REAP] = 11,   [PT_SCHED_STATE] = 9, [PT_EXEC_FAILED] = 3,
		[PT_REPARENT] = 9,
	};

	return kind < PT_KIND_MAX ? rank[kind] : 12;
}

static bool mark_after(const struct pt_mark *a, const struct pt_mark *b)
{
	if (a->ts_ns != b->ts_ns)
		return a->ts_ns > b->ts_ns;
	return kind_rank(a->kind) > kind_rank(b->kind);
}

static int marks_grow(struct proc_node *n)
{
	/* marks_cap is never 0 (node_create), which the analyzer cannot see
	 * from this file. */
	size_t cap = n->marks_cap ? n->marks_cap * 2 : INLINE_MARKS;
	struct pt_mark *marks;

	if (n->marks == n->inline_marks) {
		marks = malloc(cap * sizeof(*marks));
		if (marks)
			memcpy(marks, n->inline_marks, sizeof(n->inline_marks));
	} else {
		marks = realloc(n->marks, cap * sizeof(*marks));
	}
	if (!marks)
		return -ENOMEM;
	n->marks = marks;
	n->marks_cap = cap;
	n->pub.marks = marks;
	return 0;
}

/* The lifecycle is what the tree, the spans and the outputs are made of:
 * never folded. */
static bool foldable(const struct pt_mark *mk)
{
	switch (mk->kind) {
	case PT_SNAPSHOT:
	case PT_FORK:
	case PT_EXEC:
	case PT_EXIT:
	case PT_REAP:
		return false;
	}
	return true;
}

static bool fold_same(const struct pt_fold *f, const struct pt_mark *mk)
{
	bool sig = mk->kind == PT_SIGNAL || mk->kind == PT_STOP || mk->kind == PT_CONTINUE;

	return f->last.kind == mk->kind &&
		(!sig ||
		 (f->last.signal.sig == mk->signal.sig &&
		  (f->last.signal.result == PT_SIG_IGNORED) ==
			  (mk->signal.result == PT_SIG_IGNORED)));
}

/* Into the fold of its kind and signal; a new one while there is room,
 * else the one of its kind, else the last. */
static int fold_add(struct proc_node *n, const struct pt_mark *mk)
{
	struct pt_fold *f = NULL;
	size_t i;

	if (!n->folds) {
		n->folds = calloc(PT_FOLDS_MAX, sizeof(*n->folds));
		if (!n->folds)
			return -ENOMEM;
		n->pub.folds = n->folds;
	}
	for (i = 0; i < n->pub.nfolds && !f; i++)
		if (fold_same(&n->folds[i], mk))
			f = &n->folds[i];
	if (!f && n->pub.nfolds < PT_FOLDS_MAX) {
		f = &n->folds[n->pub.nfolds++];
		f->first_ns = mk->ts_ns;
		f->last = *mk;
	}
	for (i = 0; i < n->pub.nfolds && !f; i++)
		if (n->folds[i].last.kind == mk->kind)
			f = &n->folds[i];
	if (!f)
		f = &n->folds[PT_FOLDS_MAX - 1];
	f->count++;
	if (mk->ts_ns < f->first_ns)
		f->first_ns = mk->ts_ns;
	if (mk->ts_ns >= f->last.ts_ns)
		f->last = *mk;
	return 0;
}

int model_mark_insert(struct pt_model *m, struct proc_node *n, const struct pt_mark *mk)
{
	size_t i = n->pub.nmarks;
	bool ends = mk->kind == PT_EXIT || mk->kind == PT_REAP;

	if (m->opts.lean)
		return 0;
	if (i >= PT_MARKS_MAX && foldable(mk))
		return fold_add(n, mk);
	if (m->opts.max_ended && i >= BOUNDED_MAX_MARKS && !ends) {
		n->pub.flags |= PT_PROC_TRIMMED;
		return 0;
	}
	if (i == n->marks_cap && marks_grow(n))
		return -ENOMEM;
	while (i > 0 && mark_after(&n->marks[i - 1], mk))
		i--;
	memmove(&n->marks[i + 1], &n->marks[i], (n->pub.nmarks - i) * sizeof(*mk));
	n->marks[i] = *mk;
	n->pub.nmarks++;
	n->pub.marks = n->marks;
	return 0;
}

void model_mark_remove(struct proc_node *n, size_t i)
{
	memmove(&n->marks[i], &n->marks[i + 1], (n->pub.nmarks - i - 1) * sizeof(n->marks[0]));
	n->pub.nmarks--;
}

static void mark_from_event(struct pt_mark *mk, const struct pt_event *ev)
{
	memset(mk, 0, sizeof(*mk));
	mk->ts_ns = ev->task.ts_ns;
	mk->kind = ev->kind;
	mk->flags = ev->flags;
	mk->state = model_event_state(ev);
	if (pt_event_has_actor(ev)) {
		mk->has_by = 1;
		mk->by = ev->by.pid;
		memcpy(mk->by_comm, pt_actor_comm(ev), PT_COMM_LEN);
	}
	switch (ev->kind) {
	case PT_SIGNAL:
	case PT_STOP:
	case PT_CONTINUE:
		mk->signal.sig = ev->signal.sig;
		mk->signal.code = ev->signal.code;
		mk->signal.result = ev->signal.result;
		break;
	case PT_SETPGID:
	case PT_SETSID:
		mk->group.pgid = ev->task.pgid;
		mk->group.sid = ev->task.sid;
		mk->group.old_pgid = ev->setpg.old_pgid;
		mk->group.old_sid = ev->setpg.old_sid;
		break;
	case PT_RENAME:
		memcpy(mk->old_comm, ev->rename.old_comm, PT_COMM_LEN);
		break;
	case PT_EXIT:
		mk->status = ev->exit.status;
		break;
	case PT_FORK:
	case PT_UNSHARE:
	case PT_SETNS:
		mk->clone_flags = ev->clone.flags;
		break;
	}
}

int model_mark_add_event(struct pt_model *m, struct proc_node *n, const struct pt_event *ev,
			 const struct pt_prog *prog)
{
	struct pt_mark mk;

	mark_from_event(&mk, ev);
	if (ev->kind == PT_EXEC)
		mk.prog = prog;
	return model_mark_insert(m, n, &mk);
}
