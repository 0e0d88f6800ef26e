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
#define PT_CLONE_FLAGS_MAX 400

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

/* How a fork row's child was made, in one word: "vforked" (CLONE_VFORK),
 * "cloned" (it shares memory, has its creator's parent or new
 * namespaces), else "forked". */
const char *pt_clone_verb(__u64 flags);

/* " into new pid, net namespaces" (or "... namespace" for one); nothing
 * when flags have no CLONE_NEW* bit. */
void pt_clone_put_new_ns(struct pt_buf *out, __u64 flags);

/* Only the flags that make a difference to the words above. */
#define PT_CLONE_VM 0x00000100ULL
#define PT_CLONE_VFORK 0x00004000ULL
#define PT_CLONE_PARENT 0x00008000ULL
#define PT_CLONE_THREAD 0x00010000ULL
#define PT_CLONE_NEW_ANY 0x7e020080ULL /* every CLONE_NEW* */

#endif
