/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef PROCTRACE_PROCFS_H
#define PROCTRACE_PROCFS_H
/* /proc/PID/stat read once for its fields (proc(5)). */
#include <stddef.h>
#include <linux/types.h>

/* Reads /proc/PID/stat into buf (size bytes, NUL-terminated, cut at
 * size - 1) and returns where the fields after the comm begin (" S ppid
 * pgrp ..."): the comm may hold ')' and blanks, so its end is the last
 * ')'. NULL: no such process (or /proc unreadable), or no ')' read. */
const char *pt_procfs_stat(__u32 pid, char *buf, size_t size);

#endif /* PROCTRACE_PROCFS_H */
