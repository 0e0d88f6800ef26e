/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
#ifndef PROCTRACE_PROCFS_H
#define PROCTRACE_PROCFS_H
/* /proc/PID/stat read once for its fields (proc(5)). */
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Reads /proc/PID/stat into buf (size bytes, NUL-terminated, cut at
 * size - 1) and returns where the fields after the comm begin (" S ppid
 * pgrp ..."): the comm may hold ')' and blanks, so its end is the last
 * ')'. NULL: no such process (or /proc unreadable), or no ')' read. */
const char *pt_procfs_stat(__u32 pid, char *buf, size_t size);
/* Whether pid is still the process that started at start_ns
 * (CLOCK_BOOTTIME ns, task_struct.start_boottime): the kernel writes that
 * start in /proc/PID/stat's starttime in clock ticks (nsec_to_clock_t,
 * which rounds down), so two processes of one pid started within a tick
 * are not told apart. False when pid does not exist (or /proc is
 * unreadable). */
bool pt_procfs_same_start(__u32 pid, __u64 start_ns);

#endif /* PROCTRACE_PROCFS_H */
