/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Which processes of the start-up snapshot a filtered run's tree needs: the
 * ones the filters picked, and the chain of their ancestors, so the tree
 * shows where a followed process sits; and which descend from a -p PID. */
#ifndef PROCTRACE_ANCESTRY_H
#define PROCTRACE_ANCESTRY_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "proctrace/event.h"

/* keep[i] starts as "picked by the filters"; on return it is also set for
 * every ancestor of a picked process found in snap[0..n). */
void pt_ancestry_select(const struct pt_task *snap, size_t n, bool *keep);

/* in[i] starts as "followed"; on return it is also set for every process
 * of snap[0..n) whose chain of parents (ppid) reaches a followed one: the
 * descendants that existed already when they were read. Out of memory,
 * in is left as it was. */
void pt_ancestry_descendants(const struct pt_task *snap, size_t n, bool *in);

#endif
