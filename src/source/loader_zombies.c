// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The BPF `zombies` map read from userspace (see bpf/reap.bpf.h): one walk
 * for every reader. Entries whose reap the kernel side could not report
 * are settled here, matched by the task (pid and start time), never by the
 * pid alone:
 * - freed, no wait() claimed it: reported after a grace, released at its
 *   free (PT_F_REAP_AT_FREE);
 * - gone (its pid no longer the task that started then) with no free seen
 *   (the kernel's recursion guard skipped the free's program, or it was
 *   detached at the end): its reap was not observed; reported after the
 *   same grace as a reap inferred from the task list (PT_F_RESCAN, with
 *   when it was last known a zombie);
 * - at the end, every entry left: a zombie then (its PT_USAGE row, read by
 *   the usage_final iterator, says so), or gone by then (an inferred reap).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "proctrace/decode.h"
#include "proctrace/procfs.h"
#include "loader_int.h"

/* How long a released zombie waits for its reaper's wait() to return
 * before userspace reports it: far beyond the RCU delay that separates the
 * release in wait() from the free. */
#define UNCLAIMED_GRACE_NS 500000000ull

int pt_loader_map_each(int fd, void *value, int (*fn)(void *ctx, __u32 key, void *value), void *ctx)
{
	__u32 key, next, *prev = NULL;
	int ret;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		/* Deleted since the key was read: the walk goes on from it. */
		if (bpf_map_lookup_elem(fd, &key, value))
			continue;
		if ((ret = fn(ctx, key, value)))
			return ret;
	}
	return 0;
}

struct zombie_walk {
	struct pt_loader *l;
	int (*fn)(struct pt_loader *l, __u32 key, const struct pt_zombie *z, void *ctx);
	void *ctx;
};

static int zombie_one(void *ctx, __u32 key, void *value)
{
	const struct zombie_walk *w = ctx;

	return w->fn(w->l, key, value, w->ctx);
}

/* fn for every entry of the zombies map; its non-zero result stops the
 * walk and is returned. */
static int zombies_each(struct pt_loader *l,
			int (*fn)(struct pt_loader *l, __u32 key, const struct pt_zombie *z,
				  void *ctx),
			void *ctx)
{
	struct zombie_walk w = { l, fn, ctx };
	struct pt_zombie z;

	return pt_loader_map_each(bpf_map__fd(l->skel->maps.zombies), &z, zombie_one, &w);
}

/* Take the entry of z's task out of the map: true if it was still there.
 * Where the kernel has it (hash maps, Linux >= 5.14), the lookup and the
 * delete are one step, and an entry a new process with the same pid put
 * there meanwhile goes back. */
static bool take(struct pt_loader *l, __u32 key, const struct pt_zombie *z)
{
	int fd = bpf_map__fd(l->skel->maps.zombies);
	struct pt_zombie got;

	if (!bpf_map_lookup_and_delete_elem(fd, &key, &got)) {
		if (got.task.start_ns == z->task.start_ns)
			return true;
		bpf_map_update_elem(fd, &key, &got, BPF_NOEXIST);
		return false;
	}
	if (errno == ENOENT)
		return false;
	return bpf_map_delete_elem(fd, &key) == 0;
}

static int report_unclaimed(struct pt_loader *l, const struct pt_zombie *z)
{
	int fd = bpf_map__fd(l->skel->maps.released_usage);
	struct pt_released_usage ru;
	struct pt_event ev = {
		.kind = PT_REAP,
		.flags = PT_F_REAP_AT_FREE,
		.size = sizeof(ev),
		.task = z->task,
		.by = z->reaper,
	};

	if (!z->reaper.pid)
		ev.flags = PT_F_REAPER_UNKNOWN | PT_F_NO_ACTOR;
	ev.task.ts_ns = z->freed_ns;
	ev.task.state = PT_STATE_REAPED;
	ev.reap.exit_ns = z->exit_ns;
	/* Its final usage, kept at the free */
	if (!bpf_map_lookup_elem(fd, &z->task.pid, &ru) && ru.start_ns == z->task.start_ns) {
		ev.reap.usage_at = PT_USAGE_RELEASED;
		ev.reap.usage = ru.usage;
		bpf_map_delete_elem(fd, &z->task.pid);
	}
	return l->fn(l->ctx, &ev);
}

/* A reap not observed: the task was found gone at gone_ns; it was last
 * known a zombie at its exit (or, a zombie when tracing began, at the
 * snapshot). Its final usage went with it. */
static int report_inferred(struct pt_loader *l, const struct pt_zombie *z, __u64 gone_ns)
{
	struct pt_event ev = {
		.kind = PT_REAP,
		.flags = PT_F_RESCAN | PT_F_NO_ACTOR,
		.size = sizeof(ev),
		.task = z->task,
	};

	ev.task.ts_ns = gone_ns;
	ev.task.state = PT_STATE_REAPED;
	ev.reap.exit_ns = z->exit_ns;
	ev.reap.unseen_from_ns = z->exit_ns ? z->exit_ns : z->task.ts_ns;
	return l->fn(l->ctx, &ev);
}

/* Whether the zombie's task still exists: kill() tells a free pid at once;
 * a pid in use may be another process's. */
static bool task_exists(const struct pt_zombie *z)
{
	if (kill((pid_t)z->task.pid, 0) && errno == ESRCH)
		return false;
	return pt_procfs_same_start(z->task.pid, z->task.start_ns);
}

/* The periodic walk: now, and the entries found gone (unfreed) at the last
 * one and when; those still gone at this one are kept in next. */
struct unclaimed_walk {
	__u64 now;
	struct pt_gone *next;
	size_t n_next, cap_next;
};

static int gone_cmp(const void *a, const void *b)
{
	const struct pt_gone *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

/* l->gone is sorted (gone_cmp): under a storm that keeps the reading
 * behind, many may wait there. */
static __u64 gone_since(const struct pt_loader *l, const struct pt_zombie *z, __u64 now)
{
	struct pt_gone key = { z->task.pid, z->task.start_ns, 0 }, *g = NULL;

	if (l->n_gone)
		g = bsearch(&key, l->gone, l->n_gone, sizeof(key), gone_cmp);
	return g ? g->ns : now;
}

static int keep_gone(struct unclaimed_walk *w, const struct pt_zombie *z, __u64 since)
{
	struct pt_gone *g;

	if (w->n_next == w->cap_next) {
		w->cap_next = w->cap_next ? 2 * w->cap_next : 8;
		g = realloc(w->next, w->cap_next * sizeof(*g));
		if (!g)
			return -ENOMEM;
		w->next = g;
	}
	w->next[w->n_next++] = (struct pt_gone){ z->task.pid, z->task.start_ns, since };
	return 0;
}

/* An entry's report is due once the grace has passed and the records
 * reserved before its time (its exit's, its fork's, the wait's) are read. */
static bool due(const struct pt_loader *l, __u64 since, __u64 now)
{
	return now - since >= UNCLAIMED_GRACE_NS && since <= l->caught_up_ns;
}

static int unclaimed_one(struct pt_loader *l, __u32 key, const struct pt_zombie *z, void *ctx)
{
	struct unclaimed_walk *w = ctx;
	__u64 known = z->exit_ns ? z->exit_ns : z->task.ts_ns, since;

	if (z->freed_ns) {
		/* Its wait() may still return; or its exit, fork or the
		 * wait's own rows may still be behind a record being written.
		 * Taken first: if the late wait() comes now, it finds
		 * nothing, and the process is reported once. */
		if (!due(l, z->freed_ns, w->now) || !take(l, key, z))
			return 0;
		return report_unclaimed(l, z);
	}
	/* A zombie of less than the grace is not looked up in /proc. */
	if (w->now - known < UNCLAIMED_GRACE_NS || task_exists(z))
		return 0;
	since = gone_since(l, z, w->now);
	if (!due(l, since, w->now))
		return keep_gone(w, z, since);
	if (!take(l, key, z))
		return 0;
	return report_inferred(l, z, since);
}

int pt_loader_reap_unclaimed(struct pt_loader *l)
{
	struct unclaimed_walk w = { .now = pt_boottime_ns() };
	int ret;

	/* The walk visits the whole map: often enough for the grace period
	 * to hold to within half of it, not at every poll. */
	if (w.now - l->walked_ns < UNCLAIMED_GRACE_NS / 2)
		return 0;
	l->walked_ns = w.now;
	ret = zombies_each(l, unclaimed_one, &w);
	if (ret) {
		free(w.next);
		return ret;
	}
	if (w.n_next)
		qsort(w.next, w.n_next, sizeof(*w.next), gone_cmp);
	free(l->gone);
	l->gone = w.next;
	l->n_gone = w.n_next;
	return pt_map_room_sweep_aliases(l);
}

/* ---- at the end: every program detached ---- */

static int end_one(struct pt_loader *l, __u32 key, const struct pt_zombie *z, void *ctx)
{
	struct pt_end_zombies *e = ctx;
	struct pt_end_zombie *grown;

	/* Freed: released during tracing, its report due now. */
	if (z->freed_ns)
		return take(l, key, z) ? report_unclaimed(l, z) : 0;
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 16;
		grown = realloc(e->v, e->cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		e->v = grown;
	}
	e->v[e->n++] = (struct pt_end_zombie){ .key = key, .z = *z };
	return 0;
}

static int end_cmp(const void *a, const void *b)
{
	const struct pt_end_zombie *x = a, *y = b;

	if (x->z.task.pid != y->z.task.pid)
		return x->z.task.pid < y->z.task.pid ? -1 : 1;
	return x->z.task.start_ns < y->z.task.start_ns ? -1
						       : x->z.task.start_ns > y->z.task.start_ns;
}

int pt_loader_end_zombies(struct pt_loader *l, struct pt_end_zombies *e)
{
	int ret = zombies_each(l, end_one, e);

	/* Sorted by the task, for the iterator's rows to find theirs. */
	if (!ret && e->n)
		qsort(e->v, e->n, sizeof(*e->v), end_cmp);
	return ret;
}

void pt_loader_end_zombie_seen(struct pt_end_zombies *e, const struct pt_task *t)
{
	struct pt_end_zombie key = { .z.task.pid = t->pid, .z.task.start_ns = t->start_ns }, *v;

	if (!e->n)
		return;
	v = bsearch(&key, e->v, e->n, sizeof(key), end_cmp);
	if (v)
		v->at_end = true;
}

int pt_loader_end_reaps(struct pt_loader *l, struct pt_end_zombies *e)
{
	__u64 now = pt_boottime_ns();
	int ret = 0;

	for (size_t i = 0; i < e->n && !ret; i++) {
		const struct pt_end_zombie *v = &e->v[i];

		/* A zombie when tracing ended (its usage row), or still one
		 * now: its reap, if any, is after the end. */
		if (v->at_end || task_exists(&v->z) || !take(l, v->key, &v->z))
			continue;
		ret = report_inferred(l, &v->z, now);
	}
	free(e->v);
	e->v = NULL;
	e->n = e->cap = 0;
	return ret ?: pt_map_room_sweep_aliases(l);
}

/* ---- readers ---- */

struct pending_walk {
	int (*fn)(void *ctx, const struct pt_task *t);
	void *ctx;
};

static int pending_one(struct pt_loader *l, __u32 key, const struct pt_zombie *z, void *ctx)
{
	const struct pending_walk *w = ctx;
	struct pt_task t = z->task;

	(void)l;
	(void)key;
	t.ts_ns = z->exit_ns;
	return w->fn(w->ctx, &t);
}

int pt_loader_pending_reaps(struct pt_loader *l, int (*fn)(void *ctx, const struct pt_task *t),
			    void *ctx)
{
	struct pending_walk w = { fn, ctx };

	return zombies_each(l, pending_one, &w);
}

struct count_walk {
	__u32 except;
	int n;
};

/* Every entry: a zombie, or one whose report is still to come (a wait()
 * that did not name it released it before its free said who did; a task
 * gone with no free seen is reported after the grace). */
static int count_zombie(struct pt_loader *l, __u32 key, const struct pt_zombie *z, void *ctx)
{
	struct count_walk *c = ctx;

	(void)l;
	(void)z;
	c->n += key != c->except;
	return 0;
}

/* A followed pid whose reap went unseen is gone all the same. */
static int count_followed(void *ctx, __u32 key, void *value)
{
	struct count_walk *c = ctx;

	(void)value;
	c->n += key != c->except && (kill((pid_t)key, 0) == 0 || errno == EPERM);
	return 0;
}

int pt_loader_followed_alive(struct pt_loader *l, __u32 except)
{
	struct count_walk c = { .except = except };
	__u64 start;

	/* With a pid filter, the zombies map holds followed processes only. */
	pt_loader_map_each(bpf_map__fd(l->skel->maps.followed), &start, count_followed, &c);
	zombies_each(l, count_zombie, &c);
	return c.n;
}
