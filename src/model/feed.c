// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Feeding the model: each event into its process's fields, its history
 * (marks.c) and its threads (threads.c); see model.c for how out-of-order
 * input is taken. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/event_access.h"
#include "model_int.h"

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
		if (t->memcg_id)
			p->memcg_id = t->memcg_id;
		p->state = pt_state_after(p->state, model_event_state(ev));
	}
	if (fork && p->ppid == p->orig_ppid)
		p->reparent_ns = 0;
	if (t->ppid != p->orig_ppid && (!p->reparent_ns || t->ts_ns < p->reparent_ns))
		p->reparent_ns = t->ts_ns;
	if (relink)
		model_ref_parent_link(m, n);
}

/* ---- what each kind of event does ---- */

static int exec_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev)
{
	struct pt_prog *prog = NULL, **link, fields;
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
	fields = (struct pt_prog){
		.ts_ns = ev->task.ts_ns,
		.old_tid = ev->exec.old_tid,
		.argc = ev->exec.argc,
		.args_size = ev->exec.args_size,
		.flags = ev->flags & (PT_F_ARGV_TRUNC | PT_F_ARGV_FAULT | PT_F_PATH_TRUNC),
	};
	prog = model_prog_new(&fields, argv, argv_len, path, path_len);
	if (!prog)
		return -ENOMEM;
	for (link = &n->progs; *link && (*link)->ts_ns <= prog->ts_ns; link = &(*link)->next)
		;
	prog->next = *link;
	*link = prog;
	n->pub.progs = n->progs;
	n->pub.nprogs++;
mark:
	return model_mark_add_event(m, n, ev, prog);
}

struct pt_prog *model_prog_new(const struct pt_prog *fields, const __u8 *argv, size_t argv_len,
			       const char *path, size_t path_len)
{
	struct pt_prog *prog = malloc(sizeof(*prog) + argv_len + path_len + 1);
	char *at;

	if (!prog)
		return NULL;
	at = (char *)(prog + 1);
	*prog = *fields;
	prog->next = NULL;
	prog->argv_len = argv_len;
	prog->path_len = path_len;
	memcpy(at, argv, argv_len);
	prog->argv = (const __u8 *)at;
	memcpy(at + argv_len, path, path_len);
	at[argv_len + path_len] = '\0';
	prog->path = at + argv_len;
	return prog;
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
		return model_thread_apply(m, n, ev);
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
		model_mark_remove(n, (size_t)synth);
	if (model_thread_apply(m, n, ev))
		return -ENOMEM;
	return model_mark_add_event(m, n, ev, NULL);
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
	if (ev->reap.usage_at == PT_USAGE_RELEASED && (p->flags & PT_PROC_EXIT_SEEN)) {
		p->exit.usage = ev->reap.usage;
		p->flags |= PT_PROC_USAGE_FINAL;
	}
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
	err = model_mark_add_event(m, n, ev, NULL);
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
		return model_mark_add_event(m, n, ev, NULL);
	case PT_THREAD:
		return model_thread_apply(m, n, ev);
	case PT_EXEC:
		if (ev->exec.old_tid != ev->task.pid && model_thread_apply(m, n, ev))
			return -ENOMEM;
		return exec_apply(m, n, ev);
	case PT_EXIT:
		return exit_apply(m, n, ev);
	case PT_REAP:
		return reap_apply(m, n, ev);
	case PT_RENAME:
		if (!is_leader_event(ev))
			return model_thread_apply(m, n, ev);
		return model_mark_add_event(m, n, ev, NULL);
	case PT_SCHED_STATE:
		return model_sched_change(m, n, ev);
	case PT_SCHED_SUM:
		model_sched_sum(n, ev);
		return 0;
	case PT_USAGE: /* a figure, not a point of its history */
		n->pub.end_usage = ev->usage;
		n->pub.flags |= PT_PROC_USAGE_AT_END;
		return 0;
	default: /* fork, signal, stop, continue, setpgid, setsid */
		return model_mark_add_event(m, n, ev, NULL);
	}
}

static void lost_account(struct pt_model *m, const struct pt_event *ev)
{
	unsigned k;

	m->stats.lost += ev->lost.count;
	for (k = 0; k < PT_KIND_MAX; k++)
		m->stats.lost_by_kind[k] += ev->lost.by_kind[k];
}

/* n, and the pid's previous holder that n's birth ended, into records
 * once they have ended. */
static void compact_ended(struct pt_model *m, struct proc_node *n)
{
	struct proc_node **link;

	if (n->older && !entry_is_rec(n->older) && model_compactable(m, n->older))
		model_compact(m, &n->older);
	if (model_compactable(m, n) && model_entry_find(m, n->pub.pid, n->pub.start_ns, &link))
		model_compact(m, link);
}

int pt_model_feed(struct pt_model *m, const struct pt_event *ev)
{
	const struct pt_task *t = &ev->task;
	struct proc_node *n;
	bool fresh = false, oom = false;
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

	n = model_node_find(m, t->pid, t->start_ns, &oom);
	if (oom)
		return -ENOMEM;
	if (!n) {
		n = model_node_create(m, t);
		if (!n)
			return -ENOMEM;
		fresh = true;
	}
	common_apply(m, n, ev, fresh);
	err = kind_apply(m, n, ev);
	model_limit_enforce(m);
	if (m->compact)
		compact_ended(m, n);
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

void pt_model_set_threads(struct pt_model *m, bool threads)
{
	m->opts.threads = threads;
}

void pt_model_stats(const struct pt_model *m, struct pt_model_stats *out)
{
	*out = m->stats;
	out->end_ns = m->set_end > m->last_ts ? m->set_end : m->last_ts;
}
