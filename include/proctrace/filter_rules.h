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

/* -c's NAME: its text at most (brackets make a glob longer than what it
 * matches: a comm has 15 bytes at most). */
#define PT_COMM_GLOB_LEN 64

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
	unsigned n_comms; /* -c NAME: a glob, as given (for messages) */
	char comms[PT_MAX_FILTER][PT_COMM_GLOB_LEN];
	/* Each NAME compiled (src/comm_glob.c) into a matcher of states 0..n,
	 * state j: the first j bytes of NAME's byte-matching items ('?', a
	 * byte, a [...] set) matched, the '*' before them absorbed. */
	__u16 comm_steps[PT_MAX_FILTER][256]; /* bit j: byte c matches item j */
	__u16 comm_loops[PT_MAX_FILTER];      /* bit j: a '*' stays at state j */
	__u16 comm_accept[PT_MAX_FILTER];     /* bit n: all matched */
	unsigned n_cgroups;		      /* --cgroup PATH: it and the cgroups below it */
	__u32 cgroup_levels[PT_MAX_FILTER];   /* its depth, the root's 0 */
	__u64 cgroups[PT_MAX_FILTER];	      /* its cgroup v2 id (kernfs node id) */
	/* Bit i: cgroups[i] is a cgroup of the v1 memory controller's
	 * hierarchy (a path under its mount), compared with the task's
	 * memcg (pt_task.memcg_id) and its ancestors, not its v2 cgroup. */
	__u32 cgroup_memcg;
	__u32 _pad;
};

PT_RULES_INLINE bool pt_rules_in_set(__u32 v, PT_RULES_QUAL __u32 *set, unsigned n)
{
	/* Bounded by the array, for the verifier. */
	for (unsigned i = 0; i < PT_MAX_FILTER; i++)
		if (i < n && set[i] == v)
			return true;
	return false;
}

/* -c's NAME number i against a comm, as fnmatch(3) with no flags would
 * (src/comm_glob.c compiles it): the set of states reached after each byte,
 * a bit each, in one bounded pass of 16 steps without backtracking (the
 * verifier walks every iteration of a BPF loop). */
PT_RULES_INLINE bool pt_rules_comm_match(PT_RULES_QUAL struct pt_filter *f, unsigned i,
					 const char *comm)
{
	__u32 at = 1; /* state 0 */

	if (i >= PT_MAX_FILTER)
		return false;
	for (unsigned k = 0; k < PT_COMM_LEN && comm[k]; k++)
		at = ((at & f->comm_steps[i][(unsigned char)comm[k]]) << 1) |
			(at & f->comm_loops[i]);
	return at & f->comm_accept[i];
}

PT_RULES_INLINE bool pt_rules_comm_in(PT_RULES_QUAL struct pt_filter *f, const char *comm)
{
	for (unsigned i = 0; i < PT_MAX_FILTER; i++)
		if (i < f->n_comms && pt_rules_comm_match(f, i, comm))
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
