/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Where events come from: the machine and the boot they were traced on.
 * ts_ns counts from the boot and pids repeat across machines, so rows
 * from many captures merged (a fleet's) need both to be told apart. JSON
 * Lines writes them on every row (the keys of pt_json_keys, schema.h); the
 * CSV leaves them out and the database keeps them once, in its trace
 * table. */
#ifndef PROCTRACE_ORIGIN_H
#define PROCTRACE_ORIGIN_H

/* Each one a NUL-terminated string; "" when unknown (a replayed CSV, a
 * JSON Lines file from before these keys): the key is then left out. */
struct pt_origin {
	char host[65];	  /* uname's nodename (at most 64 bytes, Linux's limit) */
	char boot_id[40]; /* /proc/sys/kernel/random/boot_id: a UUID, 36 chars */
};

/* This machine, now. What cannot be read is left "". */
void pt_origin_here(struct pt_origin *o);

#endif
