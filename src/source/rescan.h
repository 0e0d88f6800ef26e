/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Repair after lost events, for the live source: when the loss counters
 * rise, the task list is read again (the snapshot's iterator) and the
 * pipeline's model is made to agree with it (pt_model_reconcile), through
 * rows every output records. This file decides when (rescan.c, no I/O:
 * unit-tested); live.c reads the list.
 *
 * When: at the first poll round that finds new losses, then at most once
 * every PT_RESCAN_MIN_NS while they go on, and once more after the last
 * (a loss during a rescan asks for the next one). So a storm of losses
 * costs a few task-list reads a second, not one per lost event. */
#ifndef PROCTRACE_RESCAN_H
#define PROCTRACE_RESCAN_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "proctrace/model.h"
#include "proctrace/pipeline.h"

#define PT_RESCAN_MIN_NS 250000000ull

struct pt_rescan;

/* filter: the run's (borrowed). */
struct pt_rescan *pt_rescan_new(const struct pt_filter *filter);
void pt_rescan_free(struct pt_rescan *r);
/* After each read of the loss counters at now_ns: lost = events lost since
 * the previous read. */
void pt_rescan_losses(struct pt_rescan *r, __u64 lost, __u64 now_ns);
/* A rescan is due at now_ns: losses since the last one began, and
 * PT_RESCAN_MIN_NS since then. */
bool pt_rescan_due(const struct pt_rescan *r, __u64 now_ns);
/* The task list is read from now_ns on: losses counted from here on ask for
 * another rescan. */
void pt_rescan_begin(struct pt_rescan *r, __u64 now_ns);
/* The rescan begun could not be judged (events still being written):
 * the next one is due as if it had not begun. */
void pt_rescan_postpone(struct pt_rescan *r);
/* A process the model holds for context only (an ancestor of a followed
 * one, not followed itself): its rows, the repair's too, stay out of the
 * outputs. 0 or -ENOMEM. */
int pt_rescan_context(struct pt_rescan *r, const struct pt_task *t);
/* The list read since pt_rescan_begin, until ts_ns: the repair's events to
 * p (its model: nothing to do without one), the context ones to the model
 * only. 0 or the first error. */
int pt_rescan_repair(struct pt_rescan *r, struct pt_pipeline *p, const struct pt_rescan_task *tasks,
		     size_t n, __u64 ts_ns);

#endif
