/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Names of the clone flags and creating system calls of struct pt_clone
 * (event.h), in the kernel's spelling, written and read back the same way
 * by every format. Pure: no I/O, no global state. */
#ifndef PROCTRACE_CLONE_FLAGS_H
#define PROCTRACE_CLONE_FLAGS_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "proctrace/buf.h"

/* Longest "CLONE_VM|CLONE_FS|..." that pt_clone_flags_format() can make,
 * with its NUL. */
#define PT_CLONE_FLAGS_MAX 320

/* The flags that have names, joined by '|' in one fixed order (sharing,
 * then namespaces) into buf (n >= PT_CLONE_FLAGS_MAX). Bits without a name
 * are written as one hex number at the end (0x...). Returns the length;
 * "" for no flags. */
size_t pt_clone_flags_format(__u64 flags, char *buf, size_t n);

/* The reverse of pt_clone_flags_format() for s[0..len): 0, or -EINVAL for
 * an unknown name or a malformed list. */
int pt_clone_flags_parse(const char *s, size_t len, __u64 *flags);

/* "fork", "vfork", "clone", "clone3"; NULL for PT_VIA_UNKNOWN or out of
 * range. */
const char *pt_via_name(unsigned via);

/* 0 and *via, or -EINVAL for an unknown name. */
int pt_via_parse(const char *s, __u32 *via);

/* The namespaces among flags' CLONE_NEW* bits in words, as "pid, net,
 * mount" (the order of pt_clone_flags_format()). Returns how many. */
unsigned pt_clone_ns_words(struct pt_buf *out, __u64 flags);

#endif
