/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The filters (-g, --uid, -c; -p aside) and their rules on an event's
 * fields: one definition for the kernel side (bpf/task.bpf.h, on its
 * load-time constants) and for userspace (src/source/filter.c: the snapshot
 * and replay), so that the two cannot drift apart. --cgroup's rule needs the
 * task's cgroup ancestry, which only the kernel side has: it is in
 * bpf/filter.bpf.h, and userspace compares paths (src/source/filter.c).
 *
 * No includes, like event.h: __u32 and bool come from the includer. The
 * filter is read through PT_RULES_QUAL: const here, const volatile on the
 * BPF side, where it is read-only data fixed at load time (the verifier
 * then drops the code of every filter that is off).
 */
#ifndef PROCTRACE_FILTER_RULES_H
#define PROCTRACE_FILTER_RULES_H

#ifndef PT_RULES_QUAL
#define PT_RULES_QUAL const
#endif
#ifndef PT_RULES_INLINE
#define PT_RULES_INLINE static inline
#endif

/* What to follow: kinds combine as AND, values of one kind as OR. */
struct pt_filter {
	unsigned n_pgids; /* -g PGID */
	__u32 pgids[PT_MAX_FILTER];
	unsigned n_pids; /* -p PID: it and its new descendants (the kernel
			  * side keeps them in a map, not here) */
	__u32 pids[PT_MAX_FILTER];
	unsigned n_uids; /* --uid UID */
	__u32 uids[PT_MAX_FILTER];
	unsigned n_comms; /* -c NAME */
	char comms[PT_MAX_FILTER][PT_COMM_LEN];
	unsigned n_cgroups;		    /* --cgroup PATH: it and the cgroups below it */
	__u32 cgroup_levels[PT_MAX_FILTER]; /* its depth, the root's 0 */
	__u64 cgroups[PT_MAX_FILTER];	    /* its cgroup v2 id (kernfs node id) */
};

PT_RULES_INLINE bool pt_rules_in_set(__u32 v, PT_RULES_QUAL __u32 *set, unsigned n)
{
	/* Bounded by the array, for the verifier. */
	for (unsigned i = 0; i < PT_MAX_FILTER; i++)
		if (i < n && set[i] == v)
			return true;
	return false;
}

/* -c's NAME against a comm, in one bounded pass: NAME itself, with '?'
 * for any one byte, and a '*' at its end for any rest (a prefix: the
 * parser allows '*' nowhere else). One pass, not a backtracking glob: the
 * verifier walks every iteration of a BPF loop. */
PT_RULES_INLINE bool pt_rules_comm_equal(const char *comm, PT_RULES_QUAL char *want)
{
	for (unsigned i = 0; i < PT_COMM_LEN; i++) {
		if (want[i] == '*')
			return true;
		if (want[i] == '?' ? !comm[i] : comm[i] != want[i])
			return false;
		if (!comm[i])
			return true;
	}
	return true;
}

PT_RULES_INLINE bool pt_rules_comm_in(PT_RULES_QUAL struct pt_filter *f, const char *comm)
{
	for (unsigned i = 0; i < PT_MAX_FILTER; i++)
		if (i < f->n_comms && pt_rules_comm_equal(comm, f->comms[i]))
			return true;
	return false;
}

/* Whether an event with these fields passes -g, --uid and -c. old_pgid is
 * the group a setpgid/setsid left, old_comm the name a rename left: they
 * match too, as leaving is shown (else pass pgid and comm again). */
PT_RULES_INLINE bool pt_rules_fields(PT_RULES_QUAL struct pt_filter *f, __u32 pgid, __u32 old_pgid,
				     __u32 uid, const char *comm, const char *old_comm)
{
	if (f->n_pgids && !pt_rules_in_set(pgid, f->pgids, f->n_pgids) &&
	    !pt_rules_in_set(old_pgid, f->pgids, f->n_pgids))
		return false;
	if (f->n_uids && !pt_rules_in_set(uid, f->uids, f->n_uids))
		return false;
	if (f->n_comms && !pt_rules_comm_in(f, comm) && !pt_rules_comm_in(f, old_comm))
		return false;
	return true;
}

#endif
