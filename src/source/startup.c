// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <errno.h>
#include <stdlib.h>
#include "proctrace/startup.h"

/* Where a snapshot row goes: first, nowhere, or after held record k >= 0. */
#define PLACE_FIRST (-1L)
#define PLACE_NONE  (-2L)

struct by_task {
	__u32 pid;
	__u64 start_ns;
	size_t index;
};

static int cmp_task(const void *a, const void *b)
{
	const struct by_task *x = a, *y = b;

	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->start_ns > y->start_ns) - (x->start_ns < y->start_ns);
}

struct deferred {
	long after;
	size_t index;
};

static int cmp_deferred(const void *a, const void *b)
{
	const struct deferred *x = a, *y = b;

	if (x->after != y->after)
		return (x->after > y->after) - (x->after < y->after);
	return (x->index > y->index) - (x->index < y->index);
}

/* place[i] for each snapshot row, from what the held records say. */
static void place_rows(const struct pt_event *snap, size_t n, struct pt_event *const *held,
		       size_t m, __u64 attached_ns, const struct by_task *idx, long *place)
{
	size_t i, k;

	/* Started once the fork program was attached: its fork tracepoint,
	 * which comes after the task joins the list, may fire after this
	 * reading, its record after the held ones. */
	for (i = 0; i < n; i++)
		place[i] = snap[i].task.start_ns > attached_ns ? PLACE_NONE : PLACE_FIRST;
	for (k = 0; k < m; k++) {
		const struct pt_task *t = &held[k]->task;
		struct by_task key = { .pid = t->pid, .start_ns = t->start_ns };
		const struct by_task *hit = bsearch(&key, idx, n, sizeof(*idx), cmp_task);

		if (!hit || held[k]->kind == PT_LOST)
			continue;
		i = hit->index;
		if (held[k]->kind == PT_FORK)
			place[i] = PLACE_NONE;
		else if (place[i] != PLACE_NONE && t->ts_ns < snap[i].task.ts_ns)
			place[i] = (long)k;
	}
}

int pt_startup_order(const struct pt_event *snap, size_t n, struct pt_event *const *held, size_t m,
		     __u64 attached_ns, struct pt_startup_row *rows, size_t *nrows)
{
	struct by_task *idx = malloc((n ? n : 1) * sizeof(*idx));
	struct deferred *later = malloc((n ? n : 1) * sizeof(*later));
	long *place = malloc((n ? n : 1) * sizeof(*place));
	size_t i, k, nlater = 0, d = 0, out = 0;

	if (!idx || !later || !place) {
		free(idx);
		free(later);
		free(place);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		idx[i] = (struct by_task){ .pid = snap[i].task.pid,
					   .start_ns = snap[i].task.start_ns,
					   .index = i };
	qsort(idx, n, sizeof(*idx), cmp_task);
	place_rows(snap, n, held, m, attached_ns, idx, place);
	for (i = 0; i < n; i++) {
		if (place[i] == PLACE_FIRST)
			rows[out++] = (struct pt_startup_row){ .held = 0, .i = i };
		else if (place[i] >= 0)
			later[nlater++] = (struct deferred){ .after = place[i], .index = i };
	}
	qsort(later, nlater, sizeof(*later), cmp_deferred);
	for (k = 0; k < m; k++) {
		rows[out++] = (struct pt_startup_row){ .held = 1, .i = k };
		for (; d < nlater && later[d].after == (long)k; d++)
			rows[out++] = (struct pt_startup_row){ .held = 0, .i = later[d].index };
	}
	*nrows = out;
	free(idx);
	free(later);
	free(place);
	return 0;
}
