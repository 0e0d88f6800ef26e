/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The filters as userspace applies them to events that do not come
 * through the kernel filter (the snapshot, replay): the rules of
 * filter_rules.h, which the kernel side applies too. */
#ifndef PROCTRACE_FILTER_H
#define PROCTRACE_FILTER_H

#include <linux/types.h>
#include <stdbool.h>
#include <stdio.h>
#include "proctrace/config.h"
#include "proctrace/event.h"

/* Any filter set? command_pid (a command run under proctrace) counts as -p. */
bool pt_filter_active(const struct pt_filter *f, __u32 command_pid);
/* The filters other than -p, on an event's fields (same rules as the BPF
 * side). old_pgid: the group a setpgid/setsid left, old_comm: the name a
 * rename left, which match too, as leaving is shown (else pass pgid and
 * comm again). */
bool pt_filter_fields(const struct pt_filter *f, __u32 pgid, __u32 old_pgid, __u32 uid,
		      const char *comm, const char *old_comm);
/* --cgroup on a process's cgroup ids (v2 and v1 memory): true without
 * --cgroup, or when its cgroup's path (cgroup.h's registries) is one given
 * or below one, its memcg's for a v1 memory cgroup given; false for a
 * cgroup whose path is unknown. */
bool pt_filter_cgroup(const struct pt_filter *f, __u64 cgroup_id, __u64 memcg_id);
/* Does a process with these fields pass? */
bool pt_filter_match(const struct pt_filter *f, __u32 command_pid, const struct pt_task *t);

/* A live selection against the processes there are now (/proc): a -p pid
 * or a -g group that does not exist, nor a process of that number (which
 * could make it), is an error (-ESRCH, after one line on
 * err); a --uid or -c no process has, a combination nothing passes, are
 * said on err (processes may still come to match). With a command to be
 * started (command), only -p is checked. */
int pt_filter_precheck(const struct pt_filter *f, bool command, FILE *err);

#endif
