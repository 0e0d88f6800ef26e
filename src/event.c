// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Reading an event's fields safely: the exec payload clamped to the record,
 * whether it names an actor, a reap's zombie time. Used by every stage. */
#include <stddef.h>
#include "proctrace/event_access.h"

/* ---- exec payload ---- */

static size_t exec_data_len(const struct pt_event *ev)
{
	size_t head = offsetof(struct pt_event, data);

	return ev->size > head ? ev->size - head : 0;
}

const __u8 *pt_exec_argv(const struct pt_event *ev, size_t *len)
{
	size_t avail = exec_data_len(ev);

	*len = ev->exec.argv_len < avail ? ev->exec.argv_len : avail;
	return ev->data;
}

const char *pt_exec_path(const struct pt_event *ev, size_t *len)
{
	size_t avail = exec_data_len(ev), argv_len;

	pt_exec_argv(ev, &argv_len);
	avail -= argv_len;
	*len = ev->exec.path_len < avail ? ev->exec.path_len : avail;
	return (const char *)ev->data + argv_len;
}

/* ---- actors and durations ---- */

bool pt_event_has_actor(const struct pt_event *ev)
{
	if (ev->flags & PT_F_NO_ACTOR)
		return false;
	switch (ev->kind) {
	case PT_FORK:
	case PT_THREAD:
	case PT_SETPGID:
	case PT_SETSID:
	case PT_REPARENT:
		return true;
	case PT_EXIT: /* the causes that name an actor */
		switch (ev->exit.cause) {
		case PT_CAUSE_SIGNAL:
		case PT_CAUSE_EXIT_GROUP:
		case PT_CAUSE_PDEATHSIG:
		case PT_CAUSE_NS_TEARDOWN:
			return true;
		default:
			return false;
		}
	case PT_REAP:
		return !(ev->flags & PT_F_AUTOREAP);
	case PT_SIGNAL:
	case PT_STOP:
	case PT_CONTINUE:
		return !(ev->flags & PT_F_KERNEL_SENDER);
	default:
		return false;
	}
}

const char *pt_actor_comm(const struct pt_event *ev)
{
	return ev->kind == PT_FORK ? ev->task.comm : ev->by.comm;
}

bool pt_reap_zombie_ns(const struct pt_event *ev, __u64 *ns)
{
	if (ev->reap.exit_ns == 0)
		return false;
	/* Both come from the same clock, but never print a negative span. */
	*ns = ev->task.ts_ns > ev->reap.exit_ns ? ev->task.ts_ns - ev->reap.exit_ns : 0;
	return true;
}
