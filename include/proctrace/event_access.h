/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Userspace accessors of struct pt_event (event.h, which stays free of
 * includes for the BPF side): what every stage (sources, model, writers,
 * views) reads the same way. Pure functions, no I/O. */
#ifndef PROCTRACE_EVENT_ACCESS_H
#define PROCTRACE_EVENT_ACCESS_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "proctrace/event.h"

/* The exec payload in data[], clamped to the record's size so that a bad
 * length can never make a reader run past the record. */
const __u8 *pt_exec_argv(const struct pt_event *ev, size_t *len);
const char *pt_exec_path(const struct pt_event *ev, size_t *len);

/* Whether ev->by names the event's actor: the parent (fork), creating thread
 * (thread), reaper (reap, unless automatic), sender (signal, stop, continue,
 * unless the kernel), caller (setpgid, setsid), new parent (reparent), the
 * cause's actor (exit: the fatal signal's sender, the exit_group() thread);
 * never with PT_F_NO_ACTOR. */
bool pt_event_has_actor(const struct pt_event *ev);

/* The actor's command name as a capture keeps it, for every reader that
 * shows it (stream, model), so that a replay shows what the live run did.
 * A fork's child is made with a copy of its parent thread's comm
 * (dup_task_struct), so the row's comm is the parent's name at the fork and
 * by.comm (read at the tracepoint, a moment later) is not kept; every other
 * kind's actor comm is a detail key of its own (reaper_comm, sender_comm,
 * adopter_comm, caller_comm). Only meaningful when pt_event_has_actor(). */
const char *pt_actor_comm(const struct pt_event *ev);

/* How long a reaped task was a zombie; false when the kernel did not know
 * when it exited (reap.exit_ns == 0). */
bool pt_reap_zombie_ns(const struct pt_event *ev, __u64 *ns);

#endif
