/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Which events of a saved file a replay keeps: the filters (-g, -p, -c,
 * --uid) as the kernel applies them live, and the time window (--since,
 * --until). Private to src/source. */
#ifndef PROCTRACE_SOURCE_SELECT_H
#define PROCTRACE_SOURCE_SELECT_H

#include <stdbool.h>
#include "proctrace/config.h"
#include "proctrace/decode.h"

struct pt_select {
	const struct pt_filter *f; /* NULL: no filter */
	struct pt_when since, until;
	struct follow *followed; /* -p: the processes followed now (uthash) */
	bool have_t0;
	__u64 t0; /* the file's first event, for relative times */
};

/* f, since and until are copied or borrowed for the select's life. */
int pt_select_init(struct pt_select *s, const struct pt_filter *f, const struct pt_when *since,
		   const struct pt_when *until);
/* 1: keep ev; 0: leave it out; -ENOMEM. clock: the file's. Every event of
 * the file goes through here, in order (the follow set depends on it). */
int pt_select_event(struct pt_select *s, const struct pt_event *ev, const struct pt_clock *clock);
void pt_select_free(struct pt_select *s);

#endif
