/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The start-up snapshot against the first records of the ring buffer.
 *
 * The task list is read after the programs are attached, one task after
 * another (each snapshot row's ts_ns is when its task was read), while
 * other processes go on: a process forked between the attaching and its
 * reading has both a fork record in the ring buffer, older than its
 * snapshot row, and a place in the list. Its snapshot row, written first,
 * would say it was there before tracing began, and its fork row, read
 * after, the contrary. So the records reserved before the end of the
 * reading are read first and held (live.c), and this file decides which
 * snapshot rows go out: no I/O, unit-tested. */
#ifndef PROCTRACE_STARTUP_H
#define PROCTRACE_STARTUP_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "proctrace/event.h"

/* skip[i] for each snapshot row snap[0..n): whether the process was born
 * once tracing had begun, so that its fork row, not a snapshot row, tells
 * of it: its fork is among the held records held[0..m) (matched by pid and
 * start_ns: a pid is reused within seconds), or it started after
 * attached_ns, when every program was attached (its fork tracepoint, which
 * fires after the task joins the list, may fire after its reading: its
 * fork row comes later, or is counted lost and then inferred by a rescan).
 * 0, or -ENOMEM (skip untouched). */
int pt_startup_skip(const struct pt_event *snap, size_t n, struct pt_event *const *held, size_t m,
		    __u64 attached_ns, bool *skip);

#endif
