// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Scheduler states in the model (--sched): each thread's state from the
 * state rows, rolled up into its process's, and the sched row's time per
 * state. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model_int.h"

unsigned pt_state_after(unsigned cur, unsigned mark)
{
	if (mark == PT_STATE_ALIVE && cur >= PT_STATE_RUNNING && cur < PT_STATE_MAX)
		return cur;
	return mark;
}

/* The roll-up of a process's threads is the most active state any of them
 * is in: running if one runs, else runnable if one waits for a CPU, and so
 * on. 0: a thread that is gone (zombie) or not known to the scheduler. */
static int activity(unsigned state)
{
	switch (state) {
	case PT_STATE_RUNNING:
		return 6;
	case PT_STATE_RUNNABLE:
		return 5;
	case PT_STATE_DISK_SLEEP:
		return 4;
	case PT_STATE_SLEEPING:
		return 3;
	case PT_STATE_TRACED:
		return 2;
	case PT_STATE_STOPPED:
		return 1;
	default:
		return 0;
	}
}

static struct sched_thread *sched_thread_get(struct proc_node *n, __u32 tid)
{
	struct sched_thread *t;
	size_t i, cap;

	for (i = 0; i < n->n_sched_threads; i++)
		if (n->sched_threads[i].tid == tid)
			return &n->sched_threads[i];
	if (n->n_sched_threads == n->cap_sched_threads) {
		cap = n->cap_sched_threads ? n->cap_sched_threads * 2 : 1;
		t = realloc(n->sched_threads, cap * sizeof(*t));
		if (!t)
			return NULL;
		n->sched_threads = t;
		n->cap_sched_threads = cap;
	}
	t = &n->sched_threads[n->n_sched_threads++];
	t->tid = tid;
	t->state = PT_STATE_ALIVE;
	return t;
}

int model_sched_change(struct pt_model *m, struct proc_node *n, const struct pt_event *ev)
{
	struct sched_thread *t = sched_thread_get(n, ev->task.tid);
	unsigned best = PT_STATE_ALIVE;
	struct pt_mark mk;
	size_t i;

	if (!t)
		return -ENOMEM;
	t->state = ev->task.state;
	for (i = 0; i < n->n_sched_threads; i++)
		if (activity(n->sched_threads[i].state) > activity(best))
			best = n->sched_threads[i].state;
	/* Every thread gone: the process's exit says the rest. */
	if (best == PT_STATE_ALIVE) {
		n->pub.state = n->sched_state ? n->sched_state : n->pub.state;
		return 0;
	}
	n->pub.state = best;
	if (best == n->sched_state)
		return 0;
	n->sched_state = best;
	memset(&mk, 0, sizeof(mk));
	mk.ts_ns = ev->task.ts_ns;
	mk.kind = PT_SCHED_STATE;
	mk.flags = ev->flags;
	mk.state = (__u8)best;
	return model_mark_insert(m, n, &mk);
}

void model_sched_sum(struct proc_node *n, const struct pt_event *ev)
{
	struct pt_proc *p = &n->pub;

	if (!(ev->flags & (PT_F_GROUP_DEAD | PT_F_SCHED_AT_END)))
		return;
	p->sched = ev->sched_sum;
	p->flags |= PT_PROC_SCHED_SEEN;
	if (ev->flags & PT_F_SCHED_AT_END)
		p->flags |= PT_PROC_SCHED_AT_END;
}

bool pt_proc_sched_times(const struct pt_proc *p, __u64 end_ns, struct pt_sched_times *out)
{
	__u64 row_end = pt_proc_row_end(p, end_ns);
	unsigned i;

	memset(out, 0, sizeof(*out));
	if (!(p->flags & PT_PROC_SCHED_SEEN))
		return false;
	out->lifetime_ns = row_end > p->first_ts ? row_end - p->first_ts : 0;
	for (i = 0; i < PT_NSLOTS; i++)
		out->ns[i] = p->sched.ns[i];
	if (p->exit_ns && row_end > p->exit_ns)
		out->zombie_ns = row_end - p->exit_ns;
	return true;
}
