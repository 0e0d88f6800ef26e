// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <string.h>
#include "proctrace/filter.h"

static bool in_set(__u32 v, const __u32 *set, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (set[i] == v)
			return true;
	return false;
}

static bool comm_in(const char *comm, const struct pt_filter *f)
{
	for (unsigned i = 0; i < f->n_comms; i++)
		if (strncmp(comm, f->comms[i], PT_COMM_LEN) == 0)
			return true;
	return false;
}

bool pt_filter_active(const struct pt_filter *f, __u32 command_pid)
{
	return command_pid || f->n_pids || f->n_pgids || f->n_uids || f->n_comms;
}

bool pt_filter_fields(const struct pt_filter *f, __u32 pgid, __u32 old_pgid, __u32 uid,
		      const char *comm, const char *old_comm)
{
	if (f->n_pgids && !in_set(pgid, f->pgids, f->n_pgids) &&
	    !in_set(old_pgid, f->pgids, f->n_pgids))
		return false;
	if (f->n_uids && !in_set(uid, f->uids, f->n_uids))
		return false;
	if (f->n_comms && !comm_in(comm, f) && !comm_in(old_comm, f))
		return false;
	return true;
}

bool pt_filter_match(const struct pt_filter *f, __u32 command_pid, const struct pt_task *t)
{
	bool follow = command_pid || f->n_pids;

	if (!pt_filter_fields(f, t->pgid, t->pgid, t->uid, t->comm, t->comm))
		return false;
	if (follow && t->pid != command_pid && !in_set(t->pid, f->pids, f->n_pids))
		return false;
	return true;
}
