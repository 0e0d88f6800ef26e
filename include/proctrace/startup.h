/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The start-up snapshot among the first records of the ring buffer.
 *
 * The task list is read after the programs are attached, one task after
 * another (each snapshot row's ts_ns is when its task was read), while
 * other processes go on: a process forked, exec'd or ended between the
 * attaching and its own reading has records in the ring buffer older than
 * its snapshot row. Written first, that row would be contradicted by the
 * rows read after it (a fork after the process was already there, a time
 * that goes back for one process). So the records reserved before the end
 * of the reading are read first and held (live.c), and this file decides
 * the order in which the rows go out: no I/O, unit-tested. */
#ifndef PROCTRACE_STARTUP_H
#define PROCTRACE_STARTUP_H

#include <linux/types.h>
#include <stddef.h>
#include "proctrace/event.h"

/* One row to write: held record i (ring order), or snapshot row i. */
struct pt_startup_row {
	__u32 held; /* 1: held[i], 0: snap[i] */
	__u32 _pad;
	size_t i;
};

/* The order of the snapshot rows snap[0..n) (the task list's order) and the
 * records held[0..m) (the ring's order), into rows (room for n + m), their
 * number in *nrows. A process is matched by pid and start_ns (a pid is
 * reused within seconds):
 * - one started after attached_ns (when every program was attached), or
 *   whose fork is held, was born once tracing had begun: its fork row says
 *   so (read later, or counted lost and then inferred by a rescan), and it
 *   gets no snapshot row;
 * - one with held records stamped before its reading gets its snapshot row
 *   right after the last of them;
 * - every other snapshot row goes first, in the task list's order.
 * The held records keep the ring's order. 0, or -ENOMEM (rows untouched). */
int pt_startup_order(const struct pt_event *snap, size_t n, struct pt_event *const *held, size_t m,
		     __u64 attached_ns, struct pt_startup_row *rows, size_t *nrows);

#endif
