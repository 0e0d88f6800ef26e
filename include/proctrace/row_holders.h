/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The process a row is for, as a reader of the file rebuilds it: a row has
 * no column for the process's start (task.start_ns) nor for its v1 memory
 * cgroup (task.memcg_id), yet the model keys processes by (pid, start_ns)
 * and takes memcg_id from every event. A reader follows each pid's holders
 * through the rows (a fork row starts one at its time, a snapshot row gives
 * its start); the writers run the same code over the rows they write and
 * add start_ns= and memcg_id= to a row exactly where the reader would
 * otherwise rebuild something else (a process whose fork was lost, a
 * process moved to another memory cgroup). Both sides calling
 * pt_holders_take on the same rows in the same order keeps them in step. */
#ifndef PROCTRACE_ROW_HOLDERS_H
#define PROCTRACE_ROW_HOLDERS_H

#include <linux/types.h>
#include <stdbool.h>
#include "proctrace/event.h"

struct pt_holder_slot;

struct pt_holders {
	struct pt_holder_slot *slots; /* uthash by pid; zeroed: empty */
};

/* What a row says itself, or what its writer knows. */
struct pt_row_proc {
	bool has_start, has_memcg; /* the row has start_ns= / memcg_id= */
	__u64 start_ns, memcg_id;
};

/* Take one row of ev's kind, pid, time and flags (not a lost row).
 * Reader: in, the row's own keys; out, the start and memcg_id to give the
 * event. Writer: in, the event's true start and memcg_id (both has_*
 * set); out, has_start / has_memcg say which keys the row must carry for
 * the reader to rebuild them. Returns 0 or -ENOMEM. */
int pt_holders_take(struct pt_holders *hs, const struct pt_event *ev, bool writer,
		    const struct pt_row_proc *in, struct pt_row_proc *out);

void pt_holders_free(struct pt_holders *hs);

#endif
