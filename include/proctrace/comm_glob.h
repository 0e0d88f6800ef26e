/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* -c NAME: a glob as fnmatch(3) takes it with no flags ('*', '?', [...]
 * with ranges, '!' or '^', [:classes:]; '\' quoting the next byte),
 * compiled for the one-pass matcher of filter_rules.h that the kernel and
 * userspace both run. */
#ifndef PROCTRACE_COMM_GLOB_H
#define PROCTRACE_COMM_GLOB_H

#include <stddef.h>
#include "proctrace/config.h"

/* Compiles glob into f's pattern number f->n_comms and counts it. Errors:
 * -E2BIG (glob longer than PT_COMM_GLOB_LEN - 1 bytes, or matching more
 * bytes than a comm has: it could match nothing), -EINVAL (empty, a '[' that no ']' closes,
 * a '\' at the end: fnmatch's answer there is not one a user expects),
 * -ENOSPC (PT_MAX_FILTER patterns already); err then
 * says why in a few words, f is unchanged. */
int pt_comm_glob_add(struct pt_filter *f, const char *glob, char *err, size_t errlen);

#endif
