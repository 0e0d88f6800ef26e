/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * What is recorded: the kinds and signals asked for (-e, --signals), the
 * filters (their rules are include/proctrace/filter_rules.h, shared with
 * userspace) and the follow set of -p and a COMMAND.
 * Included once, by proctrace.bpf.c (one BPF object), after task.bpf.h.
 */
#ifndef PROCTRACE_FILTER_BPF_H
#define PROCTRACE_FILTER_BPF_H

static __always_inline bool kind_on(__u32 kind)
{
	return want_kinds & (1u << kind);
}

/* Zombies are remembered, and released, only for reaps. */
static __always_inline bool reaps_on(void)
{
	return kind_on(PT_REAP);
}

/* The stops map follows the kernel's stops for stop and continue events. */
static __always_inline bool stops_on(void)
{
	return kind_on(PT_STOP) || kind_on(PT_CONTINUE);
}

static __always_inline bool signal_on(int sig)
{
	return kind_on(PT_SIGNAL) && sig >= 1 && sig <= 64 && (want_signals >> (sig - 1)) & 1;
}

static __always_inline bool filtering(void)
{
	return follow_pids || filter.n_pgids || filter.n_uids || filter.n_comms || filter.n_cgroups;
}

/* Before 6.1 (5.10's layout), a cgroup kept its ancestors' ids, not
 * pointers to them. */
struct cgroup___ids {
	__u64 ancestor_ids[0];
} __attribute__((preserve_access_index));

/* The id of cg's ancestor at level (cg itself at its own level), in each
 * layout. cg comes from a CO-RE read, not a BTF pointer: the index may be
 * variable. Each layout's read is a subprogram of its own: inlined, the
 * compiler hoists the field's offset out of the loop, and the relocation
 * of the layout this kernel lacks (poisoned by libbpf) would be reached. */
static __noinline __u64 ancestor_id_ptrs(struct cgroup *cg, __u32 level)
{
	struct cgroup *anc = NULL;

	bpf_core_read(&anc, sizeof(anc), &cg->ancestors[level]);
	return anc ? BPF_CORE_READ(anc, kn, id) : 0;
}

static __noinline __u64 ancestor_id_ids(struct cgroup *cg, __u32 level)
{
	struct cgroup___ids *old = (void *)cg;
	__u64 id = 0;

	bpf_core_read(&id, sizeof(id), &old->ancestor_ids[level]);
	return id;
}

static __always_inline __u64 cgroup_ancestor_id(struct cgroup *cg, __u32 level)
{
	if (bpf_core_field_exists(cg->ancestors))
		return ancestor_id_ptrs(cg, level);
	if (bpf_core_field_exists(((struct cgroup___ids *)cg)->ancestor_ids))
		return ancestor_id_ids(cg, level);
	return 0;
}

/* --cgroup: is task in one of the cgroups given, or below one? The cgroup
 * at the given level among its cgroup's ancestors (its v2 cgroup's, or
 * for a v1 memory cgroup given, its memcg's) has the given id. */
static __always_inline bool task_cgroup_wanted(struct task_struct *task)
{
	struct cgroup *cg, *memcg = NULL;
	int level, memcg_level = -1;

	if (!filter.n_cgroups)
		return true;
	cg = BPF_CORE_READ(task, cgroups, dfl_cgrp);
	level = BPF_CORE_READ(cg, level);
	if (filter.cgroup_memcg && (memcg = task_memcg_v1(task)))
		memcg_level = BPF_CORE_READ(memcg, level);
	for (unsigned i = 0; i < PT_MAX_FILTER; i++) {
		__u32 want = filter.cgroup_levels[i];

		if (i >= filter.n_cgroups)
			break;
		if ((filter.cgroup_memcg >> i) & 1) {
			if (memcg && (int)want <= memcg_level &&
			    cgroup_ancestor_id(memcg, want) == filter.cgroups[i])
				return true;
		} else if (want <= (__u32)level &&
			   cgroup_ancestor_id(cg, want) == filter.cgroups[i]) {
			return true;
		}
	}
	return false;
}

/* The rules of filter_rules.h, and -p's follow set, for task: old_pgid is
 * a group it left (else 0), old_comm a name it left (else empty). Reads
 * only what the active filters need, before anything is reserved, so that
 * unrelated processes cost a few loads. */
static __always_inline bool task_fields_wanted(struct task_struct *task, __u32 old_pgid,
					       const char *old_comm)
{
	char comm[PT_COMM_LEN] = {};
	__u32 uid = 0, pgid = 0, tgid;

	if (!filtering())
		return true;
	if (filter.n_pgids)
		pgid = task_pgid(task);
	if (filter.n_uids)
		uid = BPF_CORE_READ(task, real_cred, uid.val);
	if (filter.n_comms)
		BPF_CORE_READ_STR_INTO(&comm, task, comm);
	if (!pt_rules_fields(&filter, pgid, old_pgid ? old_pgid : pgid, uid, comm,
			     old_comm[0] ? old_comm : comm))
		return false;
	if (!task_cgroup_wanted(task))
		return false;
	tgid = BPF_CORE_READ(task, tgid);
	return !follow_pids || bpf_map_lookup_elem(&followed, &tgid);
}

static __always_inline bool task_wanted(struct task_struct *task)
{
	char none[1] = {};

	return task_fields_wanted(task, 0, none);
}

/* Wanted in its group now or in old_pgid, the one it left. */
static __always_inline bool task_wanted_in(struct task_struct *task, __u32 old_pgid)
{
	char none[1] = {};

	return task_fields_wanted(task, old_pgid, none);
}

/* t may be in a ring buffer record: the key is copied to the stack (see
 * remember_zombie). --cgroup is not decided here (it needs the task):
 * callers that have one ask task_cgroup_wanted() too. */
static __always_inline bool event_task_wanted(const struct pt_task *t)
{
	__u32 pid = t->pid;

	return !filtering() ||
		(pt_rules_fields(&filter, t->pgid, t->pgid, t->uid, t->comm, t->comm) &&
		 (!follow_pids || bpf_map_lookup_elem(&followed, &pid)));
}

/* A new process is followed if and only if the process that forked it is:
 * an entry left under its pid by an earlier process (whose end was not
 * seen yet) must not make a stranger followed. */
static __always_inline void follow_child(struct task_struct *parent, struct task_struct *child)
{
	__u32 ppid = parent->tgid, pid = child->tgid;
	__u64 start = child->start_boottime;

	if (!follow_pids)
		return;
	if (!bpf_map_lookup_elem(&followed, &ppid)) {
		bpf_map_delete_elem(&followed, &pid);
		return;
	}
	/* A child that cannot be followed loses all its events: count them. */
	if (bpf_map_update_elem(&followed, &pid, &start, BPF_ANY))
		count_lost(PT_FORK);
}

/* A followed process is forgotten when the kernel frees it, however it
 * ended and whoever released it; only if the entry is still its own (the
 * free comes an RCU grace period after the pid became reusable). The
 * process ends with its leader; a leader replaced by an exec in another
 * thread is no longer its own leader (it may still carry the pid before
 * 5.12). */
static __always_inline void unfollow_freed(struct task_struct *task)
{
	__u32 pid = task->tgid;
	__u64 *start;

	if (!follow_pids || task->group_leader != task)
		return;
	start = bpf_map_lookup_elem(&followed, &pid);
	if (start && (*start == 0 || *start == task->start_boottime))
		bpf_map_delete_elem(&followed, &pid);
}

#endif
