/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* What the kernel records: event kinds (-e) and signals (--signals), as
 * bit sets. Kinds are named by pt_kind_name(): a new kind is selectable
 * under its event name with nothing more to add. */
#ifndef PROCTRACE_SELECTION_H
#define PROCTRACE_SELECTION_H

#include <linux/types.h>
#include <stddef.h>
#include <stdio.h>

/* Every recordable kind but PT_THREAD (which --threads adds): bit 1 << kind. */
__u32 pt_default_kinds(void);
/* "fork,exec,exit": bit 1 << kind of each; -EINVAL on an unknown or
 * unrecordable name (snapshot, lost) or an empty item. */
int pt_parse_kinds(const char *list, __u32 *kinds);
/* "SIGCHLD,TERM,9" (names as pt_signal_name gives them, without "SIG", or
 * numbers 1 to 64): bit sig - 1 of each; a leading '!' takes every signal
 * but those. -EINVAL on anything else. */
int pt_parse_signals(const char *list, __u64 *signals);
/* The recordable kinds' names, comma-separated, into buf (cut to n). */
void pt_kinds_list(char *buf, size_t n);
/* --list: what -e takes ("events": the recordable kinds) or --signals
 * ("signals": the names of signals 1 to 64, then their other names), one
 * a line on out. -EINVAL for another word. */
int pt_selection_list(const char *what, FILE *out);

#endif
