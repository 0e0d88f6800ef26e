// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <stdlib.h>
#include "proctrace/ancestry.h"

struct by_pid {
	__u32 pid;
	size_t index;
};

static int cmp_pid(const void *a, const void *b)
{
	const struct by_pid *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static long find(const struct by_pid *idx, size_t n, __u32 pid)
{
	struct by_pid key = { .pid = pid };
	const struct by_pid *hit = bsearch(&key, idx, n, sizeof(*idx), cmp_pid);

	return hit ? (long)hit->index : -1;
}

void pt_ancestry_select(const struct pt_task *snap, size_t n, bool *keep)
{
	struct by_pid *idx = malloc(n * sizeof(*idx));
	size_t i;
	long j;

	if (!idx)
		return; /* the picked ones only, then */
	for (i = 0; i < n; i++)
		idx[i] = (struct by_pid){ .pid = snap[i].pid, .index = i };
	qsort(idx, n, sizeof(*idx), cmp_pid);
	for (i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		/* Up the chain until a process already kept: each is walked
		 * once, and a ppid loop (pid reuse racing the snapshot) ends
		 * at a kept one too. */
		for (j = find(idx, n, snap[i].ppid); j >= 0 && !keep[j];
		     j = find(idx, n, snap[j].ppid))
			keep[j] = true;
	}
	free(idx);
}

void pt_ancestry_descendants(const struct pt_task *snap, size_t n, bool *in)
{
	struct by_pid *idx = malloc(n * sizeof(*idx));
	/* 0: not known yet, 1: a descendant (or in already), 2: not one */
	unsigned char *known = calloc(n ? n : 1, 1);
	size_t i, steps;
	long j, k;

	if (!idx || !known)
		goto out; /* the ones in already, then */
	for (i = 0; i < n; i++) {
		idx[i] = (struct by_pid){ .pid = snap[i].pid, .index = i };
		known[i] = in[i] ? 1 : 0;
	}
	qsort(idx, n, sizeof(*idx), cmp_pid);
	for (i = 0; i < n; i++) {
		/* Up the chain to the first process known either way (at most n
		 * steps: a ppid loop from pid reuse ends there), then down the
		 * same chain again with the answer. */
		for (j = (long)i, steps = 0; j >= 0 && !known[j] && steps <= n; steps++)
			j = find(idx, n, snap[j].ppid);
		for (k = (long)i; k >= 0 && !known[k]; k = find(idx, n, snap[k].ppid))
			known[k] = j >= 0 && known[j] == 1 ? 1 : 2;
	}
	for (i = 0; i < n; i++)
		in[i] = known[i] == 1;
out:
	free(idx);
	free(known);
}
