// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The threads of a process other than its leader (--threads): created,
 * renamed and ended by their events; a bounded model forgets the oldest
 * ended ones. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model_int.h"

static struct thread_node *thread_get(struct proc_node *n, __u32 tid)
{
	struct thread_node *t;

	HASH_FIND(hh, n->threads, &tid, sizeof(tid), t);
	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->pub.tid = tid;
	HASH_ADD(hh, n->threads, pub.tid, sizeof(tid), t);
	if (!t->hh.tbl) {
		free(t);
		return NULL;
	}
	n->pub.nthreads++;
	return t;
}

static void thread_forget_oldest_ended(struct proc_node *n)
{
	struct thread_node *t = n->ended_first;

	n->ended_first = t->next_ended;
	if (!n->ended_first)
		n->ended_last = NULL;
	n->nended--;
	HASH_DEL(n->threads, t);
	free(t);
	n->pub.nthreads--;
	n->pub.flags |= PT_PROC_TRIMMED;
}

static void thread_end(struct pt_model *m, struct proc_node *n, struct thread_node *t, __u64 ts)
{
	bool first_end = !t->pub.exit_ns;

	if (first_end || ts < t->pub.exit_ns)
		t->pub.exit_ns = ts;
	if (!first_end || !m->opts.max_ended)
		return;
	t->next_ended = NULL;
	if (n->ended_last)
		n->ended_last->next_ended = t;
	else
		n->ended_first = t;
	n->ended_last = t;
	if (++n->nended > m->opts.max_ended)
		thread_forget_oldest_ended(n);
}

int model_thread_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev)
{
	__u32 tid = ev->kind == PT_EXEC ? ev->exec.old_tid : ev->task.tid;
	struct thread_node *t;

	if (!m->opts.threads || tid == ev->task.pid || tid == 0)
		return 0;
	t = thread_get(n, tid);
	if (!t)
		return -ENOMEM;
	switch (ev->kind) {
	case PT_THREAD:
		t->pub.start_ns = ev->task.ts_ns;
		memcpy(t->pub.comm, ev->task.comm, PT_COMM_LEN);
		break;
	case PT_RENAME:
		memcpy(t->pub.comm, ev->task.comm, PT_COMM_LEN);
		break;
	case PT_EXEC:
		/* The calling thread takes over the pid; as a thread it is gone. */
		t->pub.took_pid = true;
		thread_end(m, n, t, ev->task.ts_ns);
		break;
	case PT_EXIT:
		if (!t->pub.comm[0])
			memcpy(t->pub.comm, ev->task.comm, PT_COMM_LEN);
		thread_end(m, n, t, ev->task.ts_ns);
		break;
	}
	return 0;
}

static int thread_cmp(const void *a, const void *b)
{
	const struct pt_thread *x = *(const struct pt_thread *const *)a;
	const struct pt_thread *y = *(const struct pt_thread *const *)b;

	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

size_t pt_proc_threads(const struct pt_proc *p, const struct pt_thread **out, size_t max)
{
	const struct proc_node *n = node_of(p);
	const struct thread_node *t;
	size_t i = 0;

	for (t = n->threads; t && i < max; t = t->hh.next)
		out[i++] = &t->pub;
	qsort(out, i, sizeof(*out), thread_cmp);
	return i;
}
