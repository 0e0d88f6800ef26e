// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Feeding the model: each event into its process's fields and history (see
 * model.c for how out-of-order input is taken). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/event_access.h"
#include "model_int.h"

/* ---- history ---- */

/* The state after an event: from its kind where that is certain, else what
 * the kernel said (a process cannot be reaped by a signal). */
static __u8 event_state(const struct pt_event *ev)
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

static void mark_remove(struct proc_node *n, size_t i)
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
	mk->state = event_state(ev);
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

static int mark_add_event(struct pt_model *m, struct proc_node *n, const struct pt_event *ev,
			  const struct pt_prog *prog)
{
	struct pt_mark mk;

	mark_from_event(&mk, ev);
	if (ev->kind == PT_EXEC)
		mk.prog = prog;
	return model_mark_insert(m, n, &mk);
}

/* ---- the fields every event carries ---- */

static bool is_leader_event(const struct pt_event *ev)
{
	return ev->task.tid == ev->task.pid || ev->task.tid == 0;
}

static void common_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev,
			 bool fresh)
{
	const struct pt_task *t = &ev->task;
	struct pt_proc *p = &n->pub;
	bool fork = ev->kind == PT_FORK;
	bool leader = is_leader_event(ev);
	bool relink = fresh;

	/* The fork is the child's first event whenever it arrives: it only
	 * fills in the parent and the values at birth, never newer ones. */
	if (fresh || t->ts_ns < p->first_ts)
		p->first_ts = t->ts_ns;
	if (fork || (!(p->flags & PT_PROC_FORK_SEEN) && p->first_ts == t->ts_ns)) {
		p->orig_ppid = t->ppid;
		p->first_pgid = t->pgid;
		p->first_sid = t->sid;
	}
	if (fork) {
		/* Seen after all: not inferred. */
		p->flags = (p->flags | PT_PROC_FORK_SEEN) & ~PT_PROC_INFERRED;
		p->clone_flags = ev->clone.flags;
		if (pt_event_has_actor(ev) && ev->by.pid == t->ppid)
			memcpy(p->parent_comm, pt_actor_comm(ev), PT_COMM_LEN);
		relink = relink || !n->ref_parent;
	}
	/* A thread's events carry the thread's comm, not the process's. */
	if (fresh || (leader && !fork && t->ts_ns >= n->comm_ts)) {
		memcpy(p->comm, t->comm, PT_COMM_LEN);
		n->comm_ts = leader && !fork ? t->ts_ns : 0;
	}
	if (fresh || (!fork && t->ts_ns >= p->last_ts)) {
		relink = relink || p->ppid != t->ppid;
		p->last_ts = t->ts_ns;
		p->ppid = t->ppid;
		p->pgid = t->pgid;
		p->sid = t->sid;
		p->uid = t->uid;
		p->ns_pid = t->ns_pid;
		p->pidns = t->pidns;
		p->cgroup_id = t->cgroup_id;
		p->state = pt_state_after(p->state, event_state(ev));
	}
	if (fork && p->ppid == p->orig_ppid)
		p->reparent_ns = 0;
	if (t->ppid != p->orig_ppid && (!p->reparent_ns || t->ts_ns < p->reparent_ns))
		p->reparent_ns = t->ts_ns;
	if (relink)
		model_ref_parent_link(m, n);
}

/* ---- threads ---- */

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

static int thread_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev)
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

/* ---- what each kind of event does ---- */

static int exec_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev)
{
	struct pt_prog *prog = NULL, **link;
	const __u8 *argv;
	const char *path;
	size_t argv_len, path_len;

	if (m->opts.lean)
		return 0;
	if (m->opts.max_ended && n->pub.nprogs >= BOUNDED_MAX_PROGS) {
		n->pub.flags |= PT_PROC_TRIMMED;
		goto mark;
	}
	argv = pt_exec_argv(ev, &argv_len);
	path = pt_exec_path(ev, &path_len);
	prog = malloc(sizeof(*prog) + argv_len + path_len + 1);
	if (!prog)
		return -ENOMEM;
	memset(prog, 0, sizeof(*prog));
	prog->ts_ns = ev->task.ts_ns;
	prog->old_tid = ev->exec.old_tid;
	prog->argc = ev->exec.argc;
	prog->args_size = ev->exec.args_size;
	prog->argv_len = argv_len;
	prog->path_len = path_len;
	prog->flags = ev->flags & (PT_F_ARGV_TRUNC | PT_F_ARGV_FAULT | PT_F_PATH_TRUNC);
	prog->argv = (const __u8 *)(prog + 1);
	memcpy(prog + 1, argv, argv_len);
	prog->path = (const char *)(prog + 1) + argv_len;
	memcpy((char *)(prog + 1) + argv_len, path, path_len);
	((char *)(prog + 1))[argv_len + path_len] = '\0';

	for (link = &n->progs; *link && (*link)->ts_ns <= prog->ts_ns; link = &(*link)->next)
		;
	prog->next = *link;
	*link = prog;
	n->pub.progs = n->progs;
	n->pub.nprogs++;
mark:
	return mark_add_event(m, n, ev, prog);
}

static ssize_t synthetic_exit_find(const struct proc_node *n)
{
	size_t i;

	for (i = 0; i < n->pub.nmarks; i++)
		if (n->marks[i].kind == PT_EXIT && n->marks[i].synthetic)
			return (ssize_t)i;
	return -1;
}

static int exit_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev)
{
	struct pt_proc *p = &n->pub;
	ssize_t synth;

	if (!(ev->flags & PT_F_GROUP_DEAD)) {
		/* A thread ended; the process goes on (its main thread may be
		 * the one that ended: the process is not dead for that). */
		if (ev->task.tid == ev->task.pid &&
		    (!p->leader_exit_ns || ev->task.ts_ns < p->leader_exit_ns))
			p->leader_exit_ns = ev->task.ts_ns;
		return thread_apply(m, n, ev);
	}
	p->flags |= PT_PROC_EXIT_SEEN | (m->opts.exit_ends ? PT_PROC_EXIT_ENDS : 0);
	/* Seen after all; a reap inferred stays so. */
	if (!(p->flags & PT_PROC_ENDED_UNSEEN))
		p->flags &= ~PT_PROC_END_INFERRED;
	p->exit = ev->exit;
	p->exit_has_by = pt_event_has_actor(ev);
	p->exit_by = ev->by;
	p->exit_ns = ev->task.ts_ns;
	synth = synthetic_exit_find(n);
	if (synth >= 0)
		mark_remove(n, (size_t)synth);
	if (thread_apply(m, n, ev))
		return -ENOMEM;
	return mark_add_event(m, n, ev, NULL);
}

static int reap_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev)
{
	struct pt_proc *p = &n->pub;
	struct pt_mark mk;
	int err;

	/* Seen after all, even if a new holder of its pid came first. */
	p->flags = (p->flags | PT_PROC_REAP_SEEN) & ~(PT_PROC_ENDED_UNSEEN | PT_PROC_END_INFERRED);
	p->reap_ns = ev->task.ts_ns;
	if (ev->flags & PT_F_AUTOREAP) {
		p->flags |= PT_PROC_AUTOREAP;
	} else if (pt_event_has_actor(ev)) {
		p->reaper = ev->by.pid;
		memcpy(p->reaper_comm, ev->by.comm, PT_COMM_LEN);
	}
	/* The final usage replaces the exit's snapshot (for the views). */
	if (ev->reap.usage_at == PT_USAGE_RELEASED && (p->flags & PT_PROC_EXIT_SEEN))
		p->exit.usage = ev->reap.usage;
	/* Its exit was lost: the reap still says when it became a zombie. */
	if (!(p->flags & PT_PROC_EXIT_SEEN) && ev->reap.exit_ns && synthetic_exit_find(n) < 0) {
		p->exit_ns = ev->reap.exit_ns;
		memset(&mk, 0, sizeof(mk));
		mk.ts_ns = ev->reap.exit_ns;
		mk.kind = PT_EXIT;
		mk.flags = PT_F_GROUP_DEAD;
		mk.state = PT_STATE_ZOMBIE;
		mk.synthetic = 1;
		err = model_mark_insert(m, n, &mk);
		if (err)
			return err;
	}
	err = mark_add_event(m, n, ev, NULL);
	model_queue_update(m, n);
	return err;
}

static int kind_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev)
{
	if ((ev->flags & PT_F_RESCAN) && (ev->kind == PT_EXIT || ev->kind == PT_REAP))
		return model_repair_apply(m, n, ev);
	switch (ev->kind) {
	case PT_SNAPSHOT:
		/* Found by a rescan after lost events: born unseen. */
		n->pub.flags |= ev->flags & PT_F_RESCAN ? PT_PROC_INFERRED : PT_PROC_SNAPSHOT;
		return mark_add_event(m, n, ev, NULL);
	case PT_THREAD:
		return thread_apply(m, n, ev);
	case PT_EXEC:
		if (ev->exec.old_tid != ev->task.pid && thread_apply(m, n, ev))
			return -ENOMEM;
		return exec_apply(m, n, ev);
	case PT_EXIT:
		return exit_apply(m, n, ev);
	case PT_REAP:
		return reap_apply(m, n, ev);
	case PT_RENAME:
		if (!is_leader_event(ev))
			return thread_apply(m, n, ev);
		return mark_add_event(m, n, ev, NULL);
	case PT_SCHED_STATE:
		return model_sched_change(m, n, ev);
	case PT_SCHED_SUM:
		model_sched_sum(n, ev);
		return 0;
	default: /* fork, signal, stop, continue, setpgid, setsid */
		return mark_add_event(m, n, ev, NULL);
	}
}

static void lost_account(struct pt_model *m, const struct pt_event *ev)
{
	unsigned k;

	m->stats.lost += ev->lost.count;
	for (k = 0; k < PT_KIND_MAX; k++)
		m->stats.lost_by_kind[k] += ev->lost.by_kind[k];
}

int pt_model_feed(struct pt_model *m, const struct pt_event *ev)
{
	const struct pt_task *t = &ev->task;
	struct proc_node *n;
	bool fresh = false;
	int err;

	if (ev->kind == 0 || ev->kind >= PT_KIND_MAX)
		return -EINVAL;
	m->stats.events++;
	if (ev->kind == PT_LOST) {
		if (ev->flags & PT_F_RESCAN)
			model_repair_account(m, ev);
		else
			lost_account(m, ev);
		return 0;
	}
	if (t->ts_ns && (!m->stats.first_ts || t->ts_ns < m->stats.first_ts))
		m->stats.first_ts = t->ts_ns;
	if (t->ts_ns > m->last_ts)
		m->last_ts = t->ts_ns;

	n = model_node_find(m, t->pid, t->start_ns);
	if (!n) {
		n = model_node_create(m, t);
		if (!n)
			return -ENOMEM;
		fresh = true;
	}
	common_apply(m, n, ev, fresh);
	err = kind_apply(m, n, ev);
	model_limit_enforce(m);
	return err;
}

void pt_model_set_end(struct pt_model *m, __u64 end_ns)
{
	m->set_end = end_ns;
}

void pt_model_set_exit_ends(struct pt_model *m, bool exit_ends)
{
	m->opts.exit_ends = exit_ends;
}

void pt_model_stats(const struct pt_model *m, struct pt_model_stats *out)
{
	*out = m->stats;
	out->end_ns = m->set_end > m->last_ts ? m->set_end : m->last_ts;
}
