// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include "proctrace/filter.h"

bool pt_filter_active(const struct pt_filter *f, __u32 command_pid)
{
	return command_pid || f->n_pids || f->n_pgids || f->n_uids || f->n_comms;
}

bool pt_filter_fields(const struct pt_filter *f, __u32 pgid, __u32 old_pgid, __u32 uid,
		      const char *comm, const char *old_comm)
{
	return pt_rules_fields(f, pgid, old_pgid, uid, comm, old_comm);
}

bool pt_filter_match(const struct pt_filter *f, __u32 command_pid, const struct pt_task *t)
{
	bool follow = command_pid || f->n_pids;

	if (!pt_filter_fields(f, t->pgid, t->pgid, t->uid, t->comm, t->comm))
		return false;
	if (follow && t->pid != command_pid && !pt_rules_in_set(t->pid, f->pids, f->n_pids))
		return false;
	return true;
}
