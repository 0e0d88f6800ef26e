// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The process each row is for, followed through pid reuse (row_holders.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>
#include "proctrace/row_holders.h"

/* Holders of one pid remembered at once: the live one and those whose reap
 * may still come (a reap can arrive after the pid's next fork). */
#define HOLDERS 4

/* A process that held a pid, as far as the rows have shown it. */
struct holder {
	__u64 start_ns;
	__u64 memcg_id; /* the last its rows conveyed */
	/* a snapshot row's time, while no fork row has claimed it (0: none) */
	__u64 snapshot_ts;
	bool exited, reaped;
};

struct pt_holder_slot {
	__u32 pid;
	unsigned n;
	struct holder h[HOLDERS]; /* newest first */
	UT_hash_handle hh;
};

static struct holder *holder_push(struct pt_holder_slot *s, __u64 start_ns)
{
	memmove(&s->h[1], &s->h[0], (HOLDERS - 1) * sizeof(s->h[0]));
	if (s->n < HOLDERS)
		s->n++;
	s->h[0] = (struct holder){ .start_ns = start_ns };
	return &s->h[0];
}

/* The holder a row is for, without a start of its own; *fresh: pushed for
 * this row. A snapshot row's start (start) is its own. */
static struct holder *holder_of(struct pt_holder_slot *s, const struct pt_event *ev, __u64 start,
				bool *fresh)
{
	struct holder *h = s->n ? &s->h[0] : NULL;
	unsigned i;

	*fresh = false;
	switch (ev->kind) {
	case PT_SNAPSHOT:
		if (!h || h->start_ns != start) {
			h = holder_push(s, start);
			*fresh = true;
		}
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
		*fresh = true;
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
	/* Born where the rows do not show it: no later than now. */
	*fresh = true;
	return holder_push(s, ev->task.ts_ns);
}

/* The row names its start: the holder with it (one pushed for this row
 * takes it; else an earlier one, or a new one). */
static struct holder *holder_started(struct pt_holder_slot *s, struct holder *h, bool fresh,
				     __u64 start)
{
	unsigned i;

	if (h->start_ns == start)
		return h;
	if (fresh) {
		h->start_ns = start;
		return h;
	}
	for (i = 0; i < s->n; i++)
		if (s->h[i].start_ns == start)
			return &s->h[i];
	return holder_push(s, start);
}

static bool slot_all_reaped(const struct pt_holder_slot *s)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (!s->h[i].reaped)
			return false;
	return true;
}

int pt_holders_take(struct pt_holders *hs, const struct pt_event *ev, bool writer,
		    const struct pt_row_proc *in, struct pt_row_proc *out)
{
	__u32 pid = ev->task.pid;
	struct pt_holder_slot *s;
	struct holder *h;
	bool fresh;

	HASH_FIND(hh, hs->slots, &pid, sizeof(pid), s);
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		s->pid = pid;
		HASH_ADD(hh, hs->slots, pid, sizeof(s->pid), s);
		if (!s->hh.tbl) {
			free(s);
			return -ENOMEM;
		}
	}
	h = holder_of(s, ev, in->start_ns, &fresh);
	*out = (struct pt_row_proc){ 0 };
	if (in->has_start && h->start_ns != in->start_ns) {
		h = holder_started(s, h, fresh, in->start_ns);
		out->has_start = true;
	}
	if (in->has_memcg && h->memcg_id != in->memcg_id) {
		h->memcg_id = in->memcg_id;
		out->has_memcg = true;
	}
	if (!writer)
		out->has_start = out->has_memcg = true;
	out->start_ns = h->start_ns;
	out->memcg_id = h->memcg_id;
	if (ev->kind == PT_EXIT && (ev->flags & PT_F_GROUP_DEAD))
		h->exited = true;
	if (ev->kind == PT_REAP)
		h->reaped = true;
	/* Nothing more can come for its processes: memory stays with the
	 * live ones. */
	if (slot_all_reaped(s)) {
		HASH_DEL(hs->slots, s);
		free(s);
	}
	return 0;
}

void pt_holders_free(struct pt_holders *hs)
{
	struct pt_holder_slot *head, *s, *next;

	/* The table goes first, at once; its entries stay linked by hh.next. */
	head = hs->slots;
	HASH_CLEAR(hh, hs->slots);
	for (s = head; s; s = next) {
		next = s->hh.next;
		free(s);
	}
}
