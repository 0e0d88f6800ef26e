// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* task.start_ns, which the CSV does not keep: the process holding a pid at
 * each row, followed through pid reuse. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "replay_int.h"

/* ---- task.start_ns: the process holding the pid at this row ---- */

static struct holder *holder_push(struct pid_slot *s, __u64 start_ns)
{
	memmove(&s->h[1], &s->h[0], (REPLAY_HOLDERS - 1) * sizeof(s->h[0]));
	if (s->n < REPLAY_HOLDERS)
		s->n++;
	s->h[0] = (struct holder){ .start_ns = start_ns };
	return &s->h[0];
}

static struct holder *holder_of(struct pid_slot *s, const struct pt_event *ev)
{
	struct holder *h = s->n ? &s->h[0] : NULL;
	unsigned i;

	switch (ev->kind) {
	case PT_SNAPSHOT:
		if (!h || h->start_ns != ev->task.start_ns)
			h = holder_push(s, ev->task.start_ns);
		h->snapshot_ts = ev->task.ts_ns;
		return h;
	case PT_FORK:
		/* A child born while the start-up scan ran can be in the scan
		 * and have its fork event too, the fork earlier than the scan's
		 * row: one task, whose start the snapshot row gives exactly (a
		 * pid has one holder at a time). */
		if (h && h->snapshot_ts && !h->reaped && h->start_ns <= ev->task.ts_ns &&
		    ev->task.ts_ns <= h->snapshot_ts) {
			h->snapshot_ts = 0;
			return h;
		}
		/* The kernel starts the child just before its fork event. */
		return holder_push(s, ev->task.ts_ns);
	case PT_REAP:
		/* A reap may come after the fork of the pid's next holder: it is
		 * for the holder that exited. */
		for (i = 0; i < s->n; i++)
			if (s->h[i].exited && !s->h[i].reaped)
				return &s->h[i];
		for (i = 0; i < s->n; i++)
			if (!s->h[i].reaped)
				return &s->h[i];
		break;
	default:
		if (h && !h->reaped)
			return h;
	}
	/* Born where the file does not show it: no later than now. */
	return holder_push(s, ev->task.ts_ns);
}

static bool slot_all_reaped(const struct pid_slot *s)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (!s->h[i].reaped)
			return false;
	return true;
}

int replay_start_assign(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	__u32 pid = ev->task.pid;
	struct pid_slot *s;
	struct holder *h;

	HASH_FIND(hh, r->slots, &pid, sizeof(pid), s);
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return replay_report(r, -ENOMEM, "out of memory");
		s->pid = pid;
		HASH_ADD(hh, r->slots, pid, sizeof(s->pid), s);
		if (!s->hh.tbl) {
			free(s);
			return replay_report(r, -ENOMEM, "out of memory");
		}
	}
	h = holder_of(s, ev);
	ev->task.start_ns = h->start_ns;
	if (ev->kind == PT_EXIT && (ev->flags & PT_F_GROUP_DEAD))
		h->exited = true;
	if (ev->kind == PT_REAP)
		h->reaped = true;
	/* Nothing more can come for its processes: memory stays with the
	 * live ones. */
	if (slot_all_reaped(s)) {
		HASH_DEL(r->slots, s);
		free(s);
	}
	return 0;
}
