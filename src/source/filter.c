// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <string.h>
#include "proctrace/cgroup.h"
#include "proctrace/filter.h"

bool pt_filter_active(const struct pt_filter *f, __u32 command_pid)
{
	return command_pid || f->n_pids || f->n_pgids || f->n_uids || f->n_comms || f->n_cgroups;
}

bool pt_filter_fields(const struct pt_filter *f, __u32 pgid, __u32 old_pgid, __u32 uid,
		      const char *comm, const char *old_comm)
{
	return pt_rules_fields(f, pgid, old_pgid, uid, comm, old_comm);
}

bool pt_filter_match(const struct pt_filter *f, __u32 command_pid, const struct pt_task *t)
{
	bool follow = command_pid || f->n_pids;

	if (!pt_filter_fields(f, t->pgid, t->pgid, t->uid, t->comm, t->comm) ||
	    !pt_filter_cgroup(f, t->cgroup_id, t->memcg_id))
		return false;
	if (follow && t->pid != command_pid && !pt_rules_in_set(t->pid, f->pids, f->n_pids))
		return false;
	return true;
}

/* The kernel compares ancestors' ids; here the paths: the same question,
 * for a cgroup that the registry knows (a v1 memory cgroup given is
 * compared with the process's memcg path). */
bool pt_filter_cgroup(const struct pt_filter *f, __u64 cgroup_id, __u64 memcg_id)
{
	const char *path, *memcg_path;

	if (!f->n_cgroups)
		return true;
	path = pt_cgroup_path(cgroup_id);
	memcg_path = f->cgroup_memcg ? pt_memcg_path(memcg_id) : NULL;
	for (unsigned i = 0; i < f->n_cgroups; i++) {
		bool v1 = (f->cgroup_memcg >> i) & 1;
		const char *want =
			v1 ? pt_memcg_path(f->cgroups[i]) : pt_cgroup_path(f->cgroups[i]);
		const char *have = v1 ? memcg_path : path;
		size_t n = want ? strlen(want) : 0;

		if (!want || !have)
			continue;
		if (!strcmp(want, "/") || (!strncmp(have, want, n) && (!have[n] || have[n] == '/')))
			return true;
	}
	return false;
}
