// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <errno.h>
#include <stdlib.h>
#include "proctrace/startup.h"

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

int pt_startup_skip(const struct pt_event *snap, size_t n, struct pt_event *const *held, size_t m,
		    __u64 attached_ns, bool *skip)
{
	struct by_task *idx = malloc((n ? n : 1) * sizeof(*idx));
	size_t i, k;

	if (!idx)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		idx[i] = (struct by_task){ .pid = snap[i].task.pid,
					   .start_ns = snap[i].task.start_ns,
					   .index = i };
		skip[i] = snap[i].task.start_ns > attached_ns;
	}
	qsort(idx, n, sizeof(*idx), cmp_task);
	for (k = 0; k < m; k++) {
		struct by_task key = { .pid = held[k]->task.pid,
				       .start_ns = held[k]->task.start_ns };
		const struct by_task *hit;

		if (held[k]->kind != PT_FORK)
			continue;
		hit = bsearch(&key, idx, n, sizeof(*idx), cmp_task);
		if (hit)
			skip[hit->index] = true;
	}
	free(idx);
	return 0;
}
