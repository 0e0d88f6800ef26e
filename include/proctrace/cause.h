/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Why a process ended, who adopted a child, why an exec failed: the names
 * of those numbers (pt_cause, si_code, pt_adopter, errno) and the words the
 * stream and the tree say them in. Pure functions, no I/O. */
#ifndef PROCTRACE_CAUSE_H
#define PROCTRACE_CAUSE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "proctrace/buf.h"
#include "proctrace/event.h"

/* "exit", "signal", "fault", "oom-kill", ...; NULL for PT_CAUSE_NONE or
 * an unknown number. */
const char *pt_cause_name(unsigned cause);
/* The cause named name, or PT_CAUSE_NONE. */
unsigned pt_cause_from_name(const char *name);

/* The name of si_code code of signal sig ("SEGV_MAPERR", "SI_USER",
 * "SI_KERNEL"), or NULL when it has none. */
const char *pt_si_code_name(int sig, int code);

/* "thread", "subreaper", "init"; "?" when unknown. */
const char *pt_adopter_name(unsigned adopter);
/* The adopter named name, or 0. */
unsigned pt_adopter_from_name(const char *name);

/* "ENOENT"; "E<n>" for a number without a name. buf >= 16 bytes. */
const char *pt_errno_name(int err, char *buf, size_t n);
/* The errno named name (or E<n>), 0 when none. */
int pt_errno_from_name(const char *name);

/* How a process end is put into words: its exit (status, cause, code) and
 * the actor the cause names (has_by), written by put_actor. */
struct pt_end_words {
	const struct pt_exit *exit;
	bool has_by;
	const struct pt_actor *by;
	void (*put_actor)(struct pt_buf *b, const struct pt_actor *a);
};
/* "exit 3", "killed by SIGTERM from bash(812)", "segfault (SIGSEGV,
 * SEGV_MAPERR)", "killed by the OOM killer", "ended by thread 4242's
 * exit_group(4)"... A status without a cause (a thread, an older capture)
 * as "exit N" or "killed by SIG". */
void pt_end_words(struct pt_buf *b, const struct pt_end_words *w);

#endif
