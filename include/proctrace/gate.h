/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The filters decided in userspace, on the event stream, live and in a
 * replay alike (the kernel side is left as it is):
 *
 * --argv TEXT: an exec whose arguments, joined by spaces, contain TEXT,
 * and from then on that process and the processes it starts. Matching
 * substrings of argv in the kernel would make the verifier walk every
 * byte of every argument of every TEXT: too costly a program.
 *
 * --failed: only the processes that exit non-zero or by a signal, with
 * their ancestry (the followed ancestors, so the tree shows where they
 * sit). Whether a process failed is known only at its end: its rows are
 * held in memory until then, and written at its exit when it failed (so
 * they come out late, at that time, their own times unchanged), or
 * dropped when it exited 0. Its ancestors' held rows go out with it and
 * their later rows pass. So rows older than some already written come out
 * when failures' lives overlap: in time order, every row would wait for the
 * oldest undecided process, perhaps to the end of tracing. A process whose end is not seen (still alive
 * when tracing stops, exit not recorded) is not shown. Held rows are
 * bounded (PT_GATE_HELD_MAX bytes): at the bound, the rows held longest
 * are dropped and counted as lost (a PT_LOST row), never silently.
 *
 * Both run after the kernel's filters: different options AND, one option
 * repeated OR, as the other filters.
 */
#ifndef PROCTRACE_GATE_H
#define PROCTRACE_GATE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "proctrace/event.h"

/* Bytes of held rows (each a whole event, its argv included) --failed
 * keeps at most, over all processes. */
#define PT_GATE_HELD_MAX (64u << 20)

struct pt_gate_opts {
	bool failed;			  /* --failed */
	unsigned n_texts;		  /* --argv TEXT, repeated: OR */
	const char *texts[PT_MAX_FILTER]; /* borrowed (the command line's) */
};

/* Where the rows that pass go; its error stops the run. */
typedef int (*pt_gate_emit_fn)(void *ctx, const struct pt_event *ev);

struct pt_gate;

/* Any of these filters set? */
bool pt_gate_wanted(const struct pt_gate_opts *o);
/* NULL on ENOMEM. max_held: bytes of held rows (PT_GATE_HELD_MAX). */
struct pt_gate *pt_gate_new(const struct pt_gate_opts *o, size_t max_held, pt_gate_emit_fn emit,
			    void *ctx);
/* Every event, in order: passed on to emit now, later, or never. 0, the
 * emit's error, or -ENOMEM. */
int pt_gate_event(struct pt_gate *g, const struct pt_event *ev);
/* --failed: the processes held now, their end not seen yet. */
size_t pt_gate_undecided(const struct pt_gate *g);
/* Drops what is still held (processes whose end was not seen). */
void pt_gate_free(struct pt_gate *g);

/* An exec (or failed exec) whose argv, its arguments joined by spaces,
 * contains text. False for other kinds. */
bool pt_gate_argv_has(const struct pt_event *ev, const char *text);
/* A process's exit (PT_F_GROUP_DEAD, seen, not a rescan's) with a
 * non-zero wait status: an exit code other than 0, or a signal. */
bool pt_gate_failed_exit(const struct pt_event *ev);

#endif
