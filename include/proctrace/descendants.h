/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The processes that descend from some pids now, from /proc. */
#ifndef PROCTRACE_DESCENDANTS_H
#define PROCTRACE_DESCENDANTS_H

#include <linux/types.h>

/* Calls fn(ctx, pid) for each process whose chain of parents (ppid in
 * /proc/PID/stat) reaches one of roots[0..n_roots), the roots left out;
 * stops at fn's first non-zero return and returns it. -errno if /proc
 * cannot be read or memory runs out (fn not called then). */
int pt_descendants_each(const __u32 *roots, unsigned n_roots, int (*fn)(void *ctx, __u32 pid),
			void *ctx);

#endif
