// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The kernel as a source: the loader's events go to the pipeline as they
 * come; the snapshot is filtered here (the kernel filters its own events);
 * the loader's loss counters become PT_LOST events after every poll. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/cgroup.h"
#include "proctrace/ancestry.h"
#include "proctrace/filter.h"
#include "proctrace/loader.h"
#include "proctrace/model.h"
#include "proctrace/source.h"
#include "proctrace/startup.h"
#include "rescan.h"

struct pt_live {
	const struct pt_config *cfg;
	__u32 command_pid;
	struct pt_pipeline *p;
	struct pt_loader *loader;
	bool in_snapshot;
	struct pt_event *snap; /* the snapshot, until it is complete */
	size_t n_snap, cap_snap;
	/* The ring's records read before the snapshot's rows are written
	 * (startup.h), copied, in the ring's order. */
	bool holding;
	struct pt_event **held;
	size_t n_held, cap_held;
	__u64 attached_ns;	      /* when every program was attached */
	__u64 lost_seen[PT_KIND_MAX]; /* loss counters already reported */
	struct pt_rescan *rescan;     /* NULL: no rescan after lost events */
	__u32 kinds_off;	      /* kinds of the features off on this kernel */
};

static int keep_snapshot(struct pt_live *l, const struct pt_event *ev)
{
	if (l->n_snap == l->cap_snap) {
		size_t cap = l->cap_snap ? l->cap_snap * 2 : 512;
		struct pt_event *s = realloc(l->snap, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		l->snap = s;
		l->cap_snap = cap;
	}
	l->snap[l->n_snap++] = *ev;
	return 0;
}

static int hold(struct pt_live *l, const struct pt_event *ev)
{
	size_t len = ev->size > sizeof(*ev) ? ev->size : sizeof(*ev);
	struct pt_event *copy;

	if (l->n_held == l->cap_held) {
		size_t cap = l->cap_held ? l->cap_held * 2 : 512;
		struct pt_event **h = realloc(l->held, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		l->held = h;
		l->cap_held = cap;
	}
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, ev, len);
	l->held[l->n_held++] = copy;
	return 0;
}

static void held_forget(struct pt_live *l)
{
	for (size_t i = 0; i < l->n_held; i++)
		free(l->held[i]);
	free(l->held);
	l->held = NULL;
	l->n_held = l->cap_held = 0;
}

static int on_event(void *ctx, const struct pt_event *ev)
{
	struct pt_live *l = ctx;

	if (l->in_snapshot && ev->kind == PT_SNAPSHOT)
		return keep_snapshot(l, ev);
	if (l->holding)
		return hold(l, ev);
	return pt_pipeline_event(l->p, ev);
}

int pt_live_open(struct pt_live **out, const struct pt_config *cfg, __u32 command_pid,
		 struct pt_pipeline *p, char *err, size_t errlen)
{
	struct pt_live *l = calloc(1, sizeof(*l));
	struct pt_loader_opts lo = {
		.threads = cfg->threads,
		.ringbuf_kb = cfg->ringbuf_kb,
		.verbose = cfg->verbose,
		.filter = &cfg->filter,
		.command_pid = command_pid,
		.sched = cfg->sched,
		/* The timeline and --top draw each change even when the outputs do not
		 * write them (see pt_pipeline_event). */
		.sched_events = cfg->sched_events || cfg->timeline || cfg->svg_path || cfg->top,
		.kinds = cfg->kinds,
		.signals = cfg->signals,
		.kinds_named = cfg->kinds_given,
		.signals_named = cfg->signals_given != 0,
	};
	char off[PT_WHY_MAX + 256];
	int ret;

	/* Without a cgroup2 file system, cgroup ids stay unnamed. */
	pt_cgroup_resolve_live(NULL);
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	l->cfg = cfg;
	l->command_pid = command_pid;
	l->p = p;
	/* A repair says who was born and who ended: only where the capture
	 * records births and ends (-e). */
	if (pt_config_repairs(cfg) && !(l->rescan = pt_rescan_new(&cfg->filter))) {
		snprintf(err, errlen, "out of memory");
		free(l);
		return -ENOMEM;
	}
	ret = pt_loader_open(&l->loader, &lo, on_event, l, err, errlen);
	l->attached_ns = pt_boottime_ns();
	if (ret) {
		pt_rescan_free(l->rescan);
		free(l);
		return ret;
	}
	/* Features this kernel cannot do: said once, and the model told
	 * that without reaps a process ends at its exit. */
	for (__u32 said = 0, m = 1; m; said |= m) {
		m = pt_loader_off(l->loader, said, off, sizeof(off));
		if (m)
			fprintf(stderr, "proctrace: %s\n", off);
		l->kinds_off |= pt_features_kinds(m) & cfg->kinds;
	}
	if ((l->kinds_off & (1u << PT_REAP)) && p->model)
		pt_model_set_exit_ends(p->model, true);
	if (l->kinds_off & ((1u << PT_REAP) | (1u << PT_EXIT) | (1u << PT_FORK))) {
		pt_rescan_free(l->rescan);
		l->rescan = NULL;
	}
	*out = l;
	return 0;
}

__u32 pt_live_kinds_off(const struct pt_live *l)
{
	return l->kinds_off;
}

/* The snapshot read (l->snap) with what the filters decide of each: the
 * processes they pick (-p and a COMMAND: those the kernel follows), and
 * the ancestors of those, kept for the tree. NULL when out of memory. */
static struct pt_rescan_task *snapshot_select(struct pt_live *l)
{
	const struct pt_filter *f = &l->cfg->filter;
	bool follow = l->command_pid || f->n_pids;
	size_t n = l->n_snap, i;
	struct pt_rescan_task *st = calloc(n ? n : 1, sizeof(*st));
	struct pt_task *tasks = calloc(n ? n : 1, sizeof(*tasks));
	bool *kept = calloc(n ? n : 1, sizeof(*kept));

	for (i = 0; i < n && st && tasks && kept; i++) {
		const struct pt_task *t = &l->snap[i].task;

		tasks[i] = *t;
		st[i].task = *t;
		st[i].picked = pt_filter_fields(f, t->pgid, t->pgid, t->uid, t->comm, t->comm) &&
			pt_filter_cgroup(f, t->cgroup_id, t->memcg_id) &&
			(!follow || pt_loader_followed(l->loader, t->pid, t->start_ns));
		kept[i] = st[i].picked;
	}
	if (st && tasks && kept) {
		pt_ancestry_select(tasks, n, kept);
		for (i = 0; i < n; i++)
			st[i].kept = kept[i];
	} else {
		free(st);
		st = NULL;
	}
	free(tasks);
	free(kept);
	return st;
}

static void snapshot_forget(struct pt_live *l)
{
	free(l->snap);
	l->snap = NULL;
	l->n_snap = l->cap_snap = 0;
}

/* Snapshot row i: to the outputs if the filters pick it; a filtered run's
 * tree shows the followed processes where they sit, so the rows of their
 * ancestors go to the model too (not to the outputs). */
static int deliver_row(struct pt_live *l, const struct pt_rescan_task *st, size_t i)
{
	/* Who started the command (proctrace), kept in the capture for the
	 * views, live and replayed alike. */
	if (l->command_pid && l->snap[i].task.pid == l->command_pid)
		l->snap[i].flags |= PT_F_COMMAND;
	if (st[i].picked)
		return pt_pipeline_event(l->p, &l->snap[i]);
	if (!st[i].kept)
		return 0;
	return pt_pipeline_context(l->p, &l->snap[i])
		?: (l->rescan ? pt_rescan_context(l->rescan, &st[i].task) : 0);
}

/* The snapshot's rows but those startup.h skips (out of memory for it,
 * every one), then the records held, in the ring's order. */
static int deliver_snapshot(struct pt_live *l)
{
	struct pt_rescan_task *st = snapshot_select(l);
	bool *skip = calloc(l->n_snap ? l->n_snap : 1, sizeof(*skip));
	int err = st ? 0 : -ENOMEM;
	size_t i;

	if (skip && pt_startup_skip(l->snap, l->n_snap, l->held, l->n_held, l->attached_ns, skip))
		memset(skip, 0, l->n_snap * sizeof(*skip));
	for (i = 0; i < l->n_snap && !err; i++)
		if (!skip || !skip[i])
			err = deliver_row(l, st, i);
	for (i = 0; i < l->n_held && !err; i++)
		err = pt_pipeline_event(l->p, l->held[i]);
	free(skip);
	free(st);
	held_forget(l);
	snapshot_forget(l);
	return err;
}

/* -p PID: the descendants it had are followed from before attaching
 * (loader.c, from /proc); those born between that reading and the
 * attaching are in the snapshot, under a followed parent: followed too. */
static int follow_descendants(struct pt_live *l)
{
	struct pt_task *tasks = calloc(l->n_snap ? l->n_snap : 1, sizeof(*tasks));
	bool *in = calloc(l->n_snap ? l->n_snap : 1, sizeof(*in));
	size_t i;
	int err = tasks && in ? 0 : -ENOMEM;

	for (i = 0; i < l->n_snap && !err; i++) {
		tasks[i] = l->snap[i].task;
		in[i] = pt_loader_followed(l->loader, tasks[i].pid, tasks[i].start_ns);
	}
	if (!err)
		pt_ancestry_descendants(tasks, l->n_snap, in);
	for (i = 0; i < l->n_snap && !err; i++)
		if (in[i])
			err = pt_loader_follow(l->loader, tasks[i].pid, tasks[i].start_ns);
	free(tasks);
	free(in);
	return err;
}

int pt_live_snapshot(struct pt_live *l, char *err, size_t errlen)
{
	int ret, ret2;

	l->in_snapshot = true;
	ret = pt_loader_snapshot(l->loader, err, errlen);
	l->in_snapshot = false;
	if (!ret && l->cfg->filter.n_pids) {
		ret = follow_descendants(l);
		if (ret)
			snprintf(err, errlen, "following the descendants of -p: %s",
				 strerror(-ret));
	}
	if (!ret) {
		/* The ring's records reserved before the end of the reading,
		 * read before its rows go out (startup.h). */
		l->holding = true;
		ret = pt_loader_drain_reserved(l->loader);
		l->holding = false;
		if (ret == -ETIME)
			fprintf(stderr,
				"proctrace: at the start, a record still being written "
				"after 2 s: the snapshot goes out before the records "
				"behind it, which may contradict it\n");
		else if (ret)
			snprintf(err, errlen, "reading the ring buffer at the start: %s",
				 strerror(-ret));
		ret = ret == -ETIME ? 0 : ret;
	}
	/* What was read goes out even when the rest could not be. */
	ret2 = deliver_snapshot(l);
	if (ret2 == -ENOMEM && !l->p->out_err)
		snprintf(err, errlen, "reading the process snapshot: %s", strerror(ENOMEM));
	return ret < 0 ? ret : ret2;
}

/* New failed reservations as one PT_LOST event, where they happened. */
static int report_losses(struct pt_live *l)
{
	__u64 total[PT_KIND_MAX];
	struct pt_event ev = { .kind = PT_LOST, .size = sizeof(ev) };
	int k, err;

	err = pt_loader_lost(l->loader, total);
	if (err)
		return err;
	for (k = 0; k < PT_KIND_MAX; k++) {
		__u64 d = total[k] - l->lost_seen[k];

		ev.lost.by_kind[k] = d > UINT32_MAX ? UINT32_MAX : d;
		ev.lost.count += d;
		l->lost_seen[k] = total[k];
	}
	ev.task.ts_ns = pt_boottime_ns();
	if (l->rescan)
		pt_rescan_losses(l->rescan, ev.lost.count, ev.task.ts_ns);
	if (!ev.lost.count)
		return 0;
	ev.flags = PT_F_NO_ACTOR;
	return pt_pipeline_event(l->p, &ev);
}

struct pending {
	struct pt_rescan_task *st;
	size_t n, cap;
	__u64 ts_ns;
};

static int pending_add(void *ctx, const struct pt_task *t)
{
	struct pending *p = ctx;
	struct pt_rescan_task *st;

	/* Exited after the reading ended: its exit row may be still to come. */
	if (t->ts_ns > p->ts_ns)
		return 0;
	if (p->n == p->cap) {
		st = realloc(p->st, (p->cap *= 2) * sizeof(*st));
		if (!st)
			return -ENOMEM;
		p->st = st;
	}
	memset(&p->st[p->n], 0, sizeof(p->st[0]));
	p->st[p->n].task = *t;
	p->st[p->n].task.ts_ns = p->ts_ns;
	p->st[p->n].task.state = PT_STATE_ZOMBIE;
	p->n++;
	return 0;
}

/* The zombies the BPF side holds a reap still to report for, added to the
 * list read as zombies: released already (gone from the task list), their
 * reap row is still to come (a wait() about to return, or the grace after
 * the free), so their end is not to be inferred. Neither picked nor kept:
 * no birth is inferred for them. */
static int add_pending_reaps(struct pt_live *l, struct pt_rescan_task **st, size_t *n, __u64 ts_ns)
{
	struct pending p = { .st = *st, .n = *n, .cap = *n ? *n : 1, .ts_ns = ts_ns };
	int err = pt_loader_pending_reaps(l->loader, pending_add, &p);

	*st = p.st;
	*n = p.n;
	return err;
}

/* The task list read again after lost events, what came meanwhile
 * delivered, and the repair (rescan.h). A list that cannot be read is said
 * once; tracing goes on without rescans. */
static int rescan(struct pt_live *l)
{
	struct pt_rescan_task *st;
	char err[256];
	size_t n;
	__u64 ts;
	int ret;

	pt_rescan_begin(l->rescan, pt_boottime_ns());
	l->in_snapshot = true;
	ret = pt_loader_snapshot(l->loader, err, sizeof(err));
	l->in_snapshot = false;
	ts = pt_boottime_ns();
	if (ret < 0 && ret != -ENOMEM) {
		fprintf(stderr, "proctrace: after lost events: %s; no more rescans\n", err);
		pt_rescan_free(l->rescan);
		l->rescan = NULL;
		snapshot_forget(l);
		return 0;
	}
	/* Events emitted before the end of the reading, before it is
	 * compared: what they say is not to be repaired. */
	ret = ret ?: pt_loader_drain_reserved(l->loader);
	if (ret == -ETIME) {
		/* Judged with events still to come, the repair could contradict
		 * them: the next rescan judges instead. */
		pt_rescan_postpone(l->rescan);
		snapshot_forget(l);
		return 0;
	}
	ret = ret ?: report_losses(l);
	st = ret ? NULL : snapshot_select(l);
	if (!ret && !st)
		ret = -ENOMEM;
	n = l->n_snap;
	if (!ret)
		ret = add_pending_reaps(l, &st, &n, ts);
	if (!ret)
		ret = pt_rescan_repair(l->rescan, l->p, st, n, ts);
	free(st);
	snapshot_forget(l);
	return ret;
}

static int rescan_if_due(struct pt_live *l, bool last)
{
	if (!l->rescan || !pt_rescan_due(l->rescan, last ? UINT64_MAX : pt_boottime_ns()))
		return 0;
	return rescan(l);
}

int pt_live_poll(struct pt_live *l, int timeout_ms)
{
	int n = pt_loader_poll(l->loader, timeout_ms);

	/* A signal only cuts the wait short. */
	if (n < 0 && n != -EINTR)
		return n;
	return report_losses(l) ?: rescan_if_due(l, false);
}

int pt_live_stop(struct pt_live *l)
{
	int n = pt_loader_stop(l->loader);

	/* The last losses repaired, whenever the last rescan was; before the
	 * figures of the processes still there: a process whose birth was
	 * lost is then inferred (a row with its start), not first seen in
	 * its usage row, which says nothing of which holder of its pid it is. */
	n = n ?: report_losses(l) ?: rescan_if_due(l, true);
	return n ?: pt_loader_end_reports(l->loader);
}

int pt_live_followed_alive(struct pt_live *l, __u32 except)
{
	return pt_loader_followed_alive(l->loader, except);
}

int pt_live_probe(void *live)
{
	const struct pt_live *l = live;

	return pt_loader_probe(l->loader);
}

void pt_live_close(struct pt_live *l)
{
	if (!l)
		return;
	pt_loader_close(l->loader);
	pt_rescan_free(l->rescan);
	free(l->snap);
	held_forget(l);
	free(l);
}
