/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Wait status and resource usage of a process at its exit, as wait4()
 * and getrusage() count them.
 * Included once, by proctrace.bpf.c (one BPF object).
 */
#ifndef PROCTRACE_USAGE_BPF_H
#define PROCTRACE_USAGE_BPF_H

static __always_inline __u64 max_u64(__u64 a, __u64 b)
{
	return a > b ? a : b;
}

/* Wait status as wait() will report it for the process. */
static __always_inline __u32 process_status(struct task_struct *task, struct signal_struct *sig)
{
	if (sig->flags & SIGNAL_GROUP_EXIT)
		return sig->group_exit_code;
	return task->group_leader->exit_code;
}

/* Threads not yet released that an exit row can sum (see below): as many
 * as the verifier accepts in a bounded loop (no bpf_loop() before 5.17). */
#define MAX_THREADS_WALK 1024
/* Reads of the thread list racing with a thread's release, retried. */
#define STATS_READS 2

static __always_inline void add_released(struct pt_exit *x, struct signal_struct *sig)
{
	x->utime_ns += sig->utime;
	x->stime_ns += sig->stime;
	x->runtime_ns += sig->sum_sched_runtime;
	x->minflt += sig->min_flt;
	x->majflt += sig->maj_flt;
	x->nvcsw += sig->nvcsw;
	x->nivcsw += sig->nivcsw;
	x->inblock += sig->inblock;
	x->oublock += sig->oublock;
}

/* A thread found on a list is not a BTF-typed pointer: read it with helpers. */
static __always_inline void add_thread_any(struct pt_exit *x, struct task_struct *t)
{
	x->utime_ns += BPF_CORE_READ(t, utime);
	x->stime_ns += BPF_CORE_READ(t, stime);
	x->runtime_ns += BPF_CORE_READ(t, se.sum_exec_runtime);
	x->minflt += BPF_CORE_READ(t, min_flt);
	x->majflt += BPF_CORE_READ(t, maj_flt);
	x->nvcsw += BPF_CORE_READ(t, nvcsw);
	x->nivcsw += BPF_CORE_READ(t, nivcsw);
	if (bpf_core_field_exists(t->ioac)) {
		x->inblock += BPF_CORE_READ(t, ioac.read_bytes) >> 9;
		x->oublock += BPF_CORE_READ(t, ioac.write_bytes) >> 9;
	}
}

static __always_inline __u32 stats_seq(struct signal_struct *sig)
{
	__u32 seq = 1;

	/* The sequence is the first word of seqlock_t on every kernel. */
	bpf_core_read(&seq, sizeof(seq), &sig->stats_lock);
	return seq;
}

/* What thread_group_cputime() and getrusage() sum for a process: the
 * totals of its released threads (in signal_struct) plus every thread still
 * on its thread list, under the seqcount that __exit_signal() holds while
 * it moves a thread from the one to the other. The list holds more than the
 * exiting thread when the leader exited first (a zombie until the group
 * ends) or when other threads are exiting at the same time. */
static __always_inline void group_usage_walk(struct pt_exit *x, struct signal_struct *sig)
{
	struct thread_walk w;
	struct task_struct *t;
	__u32 seq;

	for (int attempt = 0; attempt < STATS_READS; attempt++) {
		seq = stats_seq(sig);
		x->utime_ns = x->stime_ns = x->runtime_ns = 0;
		x->minflt = x->majflt = x->nvcsw = x->nivcsw = 0;
		x->inblock = x->oublock = 0;
		add_released(x, sig);
		for_each_thread_bounded(w, sig, t, MAX_THREADS_WALK) add_thread_any(x, t);
		if (!(seq & 1) && seq == stats_seq(sig))
			break;
	}
	/* More threads than the walk's bound still listed: the sum misses
	 * theirs, and the exit's usage counts as lost (docs/bounds.md). */
	if (thread_walk_more(&w))
		count_lost(PT_EXIT);
}

/* Usage as getrusage() reports it: the thread's own for a thread exit; the
 * whole process's at the exit of its last thread (what wait4() will say,
 * children aside). A process with one thread left is summed directly, so
 * the walk costs nothing to single-threaded processes. */
static __always_inline void fill_usage(struct pt_exit *x, struct task_struct *task,
				       struct signal_struct *sig, bool group)
{
	struct mm_struct *mm = task->mm;
	__u64 rss_pages = 0;

	if (mm)
		rss_pages = mm->hiwater_rss;
	if (group)
		rss_pages = max_u64(rss_pages, sig->maxrss);
	x->maxrss_kb = rss_pages * page_kb;
	if (group && sig->nr_threads != 1) {
		group_usage_walk(x, sig);
		return;
	}
	x->utime_ns = task->utime;
	x->stime_ns = task->stime;
	x->runtime_ns = task->se.sum_exec_runtime;
	x->minflt = task->min_flt;
	x->majflt = task->maj_flt;
	x->nvcsw = task->nvcsw;
	x->nivcsw = task->nivcsw;
	/* task_io_get_inblock()/oublock(): 512-byte blocks, per thread. */
	x->inblock = x->oublock = 0;
	if (bpf_core_field_exists(task->ioac)) {
		x->inblock = task->ioac.read_bytes >> 9;
		x->oublock = task->ioac.write_bytes >> 9;
	}
	if (group)
		add_released(x, sig);
}

#endif
