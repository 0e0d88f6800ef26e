// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Replay's selection (select.h). -p follows as the kernel does: the given
 * processes, their descendants in the snapshot and, from their birth, the
 * children they fork, each until its
 * reap; -g also matches the group a setpgid/setsid left, -c the name a rename
 * left. Lost rows cannot be
 * told apart by process: they are kept (within the window), so no loss is
 * hidden by a filter. */
#include <errno.h>
#include <stdlib.h>
#include "proctrace/event_access.h"
#include "proctrace/filter.h"
/* uthash aborts on allocation failure unless told otherwise; a failed add
 * leaves hh.tbl NULL instead. */
#define HASH_NONFATAL_OOM 1
#include <uthash.h>
#include "select.h"

struct follow {
	__u32 pid;
	UT_hash_handle hh;
};

static bool followed(const struct pt_select *s, __u32 pid)
{
	struct follow *x;

	HASH_FIND(hh, s->followed, &pid, sizeof(pid), x);
	return x != NULL;
}

static int follow(struct pt_select *s, __u32 pid)
{
	struct follow *x;

	if (followed(s, pid))
		return 0;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->pid = pid;
	HASH_ADD(hh, s->followed, pid, sizeof(x->pid), x);
	if (!x->hh.tbl) {
		free(x);
		return -ENOMEM;
	}
	return 0;
}

static void unfollow(struct pt_select *s, __u32 pid)
{
	struct follow *x;

	HASH_FIND(hh, s->followed, &pid, sizeof(pid), x);
	if (x) {
		HASH_DEL(s->followed, x);
		free(x);
	}
}

int pt_select_init(struct pt_select *s, const struct pt_filter *f, const struct pt_when *since,
		   const struct pt_when *until)
{
	int err = 0;

	memset(s, 0, sizeof(*s));
	s->f = f;
	s->since = *since;
	s->until = *until;
	for (unsigned i = 0; f && i < f->n_pids && !err; i++)
		err = follow(s, f->pids[i]);
	return err;
}

/* Before (< 0), in (0) or after (> 0) the window. */
static int window(struct pt_select *s, const struct pt_event *ev, const struct pt_clock *clock)
{
	__u64 ts = ev->task.ts_ns;
	/* 128 bits: a replayed ts_ns may be any 64-bit value. */
	__int128 wall = (__int128)ts + clock->boot_to_real_ns;

	if (!s->have_t0) {
		s->have_t0 = true;
		s->t0 = ts;
	}
	if ((s->since.kind == PT_WHEN_REL && ts < s->t0 + s->since.rel_ns) ||
	    (s->since.kind == PT_WHEN_WALL && wall < s->since.wall_ns))
		return -1;
	if ((s->until.kind == PT_WHEN_REL && ts > s->t0 + s->until.rel_ns) ||
	    (s->until.kind == PT_WHEN_WALL && wall > s->until.wall_ns))
		return 1;
	return 0;
}

static int filter(struct pt_select *s, const struct pt_event *ev)
{
	const struct pt_task *t = &ev->task;
	bool setpg = ev->kind == PT_SETPGID || ev->kind == PT_SETSID;
	__u32 forker;
	int err;

	if (!s->f)
		return 1;
	if (s->f->n_pids && (ev->kind == PT_FORK || ev->kind == PT_SNAPSHOT)) {
		/* The kernel follows a child of a followed forker, and the
		 * descendants a followed process had when tracing began (in
		 * the snapshot, a parent before its children but across a
		 * wrap of pids). */
		forker = pt_event_has_actor(ev) ? ev->by.pid : t->ppid;
		if (followed(s, forker) && (err = follow(s, t->pid)))
			return err;
	}
	if (!pt_filter_fields(s->f, t->pgid, setpg ? ev->setpg.old_pgid : t->pgid, t->uid, t->comm,
			      ev->kind == PT_RENAME ? ev->rename.old_comm : t->comm) ||
	    !pt_filter_cgroup(s->f, t->cgroup_id, t->memcg_id))
		return 0;
	if (s->f->n_pids && !followed(s, t->pid))
		return 0;
	/* Nothing more comes for it: its pid may be another process next. */
	if (s->f->n_pids && ev->kind == PT_REAP)
		unfollow(s, t->pid);
	return 1;
}

int pt_select_event(struct pt_select *s, const struct pt_event *ev, const struct pt_clock *clock)
{
	int w = window(s, ev, clock), keep;

	/* The follow set goes on through the whole file. */
	keep = ev->kind == PT_LOST ? 1 : filter(s, ev);
	return keep < 0 ? keep : keep && w == 0;
}

void pt_select_free(struct pt_select *s)
{
	struct follow *x, *tmp;

	HASH_ITER(hh, s->followed, x, tmp)
	{
		/* uthash's table juggling confuses clang's analyzer */
		// NOLINTNEXTLINE(clang-analyzer-unix.Malloc,clang-analyzer-core.NullDereference)
		HASH_DEL(s->followed, x);
		free(x);
	}
}
