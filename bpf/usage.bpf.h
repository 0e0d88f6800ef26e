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
static __always_inline __u32 process_status(struct task_struct *leader, struct signal_struct *sig)
{
	if (sig->flags & SIGNAL_GROUP_EXIT)
		return sig->group_exit_code;
	return leader->exit_code;
}

/* Threads not yet released that an exit row can sum (see below): as many
 * as the verifier accepts in a bounded loop (no bpf_loop() before 5.17). */
#define MAX_THREADS_WALK 1024
/* Reads of the thread list racing with a thread's release, retried. */
#define STATS_READS 2

/* Read with helpers: sig may be a number (the global walk below). */
static __always_inline void add_released(struct pt_usage *x, struct signal_struct *sig)
{
	x->utime_ns += BPF_CORE_READ(sig, utime);
	x->stime_ns += BPF_CORE_READ(sig, stime);
	x->runtime_ns += BPF_CORE_READ(sig, sum_sched_runtime);
	x->minflt += BPF_CORE_READ(sig, min_flt);
	x->majflt += BPF_CORE_READ(sig, maj_flt);
	x->nvcsw += BPF_CORE_READ(sig, nvcsw);
	x->nivcsw += BPF_CORE_READ(sig, nivcsw);
	x->inblock += BPF_CORE_READ(sig, inblock);
	x->oublock += BPF_CORE_READ(sig, oublock);
}

/* The children part (RUSAGE_CHILDREN): what the process's reaping waits
 * added to its signal_struct (wait_task_zombie()), as getrusage() reads it.
 * Read with helpers: sig may be a number. */
static __always_inline void add_children(struct pt_usage *x, struct signal_struct *sig)
{
	x->cutime_ns = BPF_CORE_READ(sig, cutime);
	x->cstime_ns = BPF_CORE_READ(sig, cstime);
	x->cmaxrss_kb = BPF_CORE_READ(sig, cmaxrss) * page_kb;
	x->cminflt = BPF_CORE_READ(sig, cmin_flt);
	x->cmajflt = BPF_CORE_READ(sig, cmaj_flt);
	x->cnvcsw = BPF_CORE_READ(sig, cnvcsw);
	x->cnivcsw = BPF_CORE_READ(sig, cnivcsw);
	x->cinblock = BPF_CORE_READ(sig, cinblock);
	x->coublock = BPF_CORE_READ(sig, coublock);
}

/* A thread found on a list is not a BTF-typed pointer: read it with helpers. */
static __always_inline void add_thread_any(struct pt_usage *x, struct task_struct *t)
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
/* Where group_usage_sum() leaves its sum: a global function's arguments
 * and result are plain numbers. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt_usage);
} usage_sum SEC(".maps");

/* One thread's counters added to usage_sum: a global function, so the
 * verifier reads its body once, not at each of the walk's 2 x 1024 turns
 * (the start's cost: handle_exit's verification). */
__noinline int usage_add_thread(unsigned long t_addr)
{
	__u32 zero = 0;
	struct pt_usage *x = bpf_map_lookup_elem(&usage_sum, &zero);

	if (x && t_addr)
		add_thread_any(x, (struct task_struct *)t_addr);
	return 0;
}

/* A global function, verified once on its own: inlined into the exit
 * program, the walk's 2 x 1024 iterations times the states of its caller
 * took 6.1's verifier past its million instructions. sig_addr is the
 * signal_struct's address; the summed counters go to usage_sum. Returns
 * 1 when more threads than the bound were listed (the sum misses theirs)
 * or when every read raced with a release (STATS_READS). */
__noinline int group_usage_sum(unsigned long sig_addr)
{
	struct signal_struct *sig = (struct signal_struct *)sig_addr;
	struct thread_walk w = {};
	struct task_struct *t;
	struct pt_usage *x;
	__u32 zero = 0, seq;

	x = bpf_map_lookup_elem(&usage_sum, &zero);
	if (!x || !sig)
		return 0;
	for (int attempt = 0; attempt < STATS_READS; attempt++) {
		seq = stats_seq(sig);
		x->utime_ns = x->stime_ns = x->runtime_ns = 0;
		x->minflt = x->majflt = x->nvcsw = x->nivcsw = 0;
		x->inblock = x->oublock = 0;
		add_released(x, sig);
		for_each_thread_bounded(w, sig, t, MAX_THREADS_WALK)
			usage_add_thread((unsigned long)t);
		if (!(seq & 1) && seq == stats_seq(sig))
			return thread_walk_more(&w) ? 1 : 0;
	}
	/* Every read raced with a thread's release: the sum may count that
	 * thread twice or not at all. */
	return 1;
}

static __always_inline void group_usage_walk(struct pt_usage *x, struct task_struct *task,
					     __u32 kind)
{
	/* Read with a helper: a number, not the BTF pointer the global
	 * function may not take. */
	unsigned long sig = (unsigned long)BPF_CORE_READ(task, signal);
	__u32 zero = 0;
	struct pt_usage *sum;

	/* More threads than the walk's bound still listed: the sum misses
	 * theirs, and the row's usage counts as lost (docs/bounds.md). */
	if (group_usage_sum(sig))
		count_lost(kind);
	sum = bpf_map_lookup_elem(&usage_sum, &zero);
	if (!sum)
		return;
	x->utime_ns = sum->utime_ns;
	x->stime_ns = sum->stime_ns;
	x->runtime_ns = sum->runtime_ns;
	x->minflt = sum->minflt;
	x->majflt = sum->majflt;
	x->nvcsw = sum->nvcsw;
	x->nivcsw = sum->nivcsw;
	x->inblock = sum->inblock;
	x->oublock = sum->oublock;
}

/* Usage as getrusage() reports it: the thread's own for a thread exit; the
 * whole process's at the exit of its last thread, with its children part (a snapshot: see
 * struct pt_exit). kind: the row's, counted lost when the walk of its
 * threads is cut short. A process with one thread left is summed directly, so
 * the walk costs nothing to single-threaded processes. */
static __always_inline void fill_usage(struct pt_usage *x, struct task_struct *task,
				       struct signal_struct *sig, bool group, __u32 kind)
{
	struct mm_struct *mm = task->mm;
	__u64 rss_pages = 0;

	/* A thread's row is its own; a process's adds its reaped children,
	 * as wait4() does (RUSAGE_BOTH). */
	x->cutime_ns = x->cstime_ns = x->cmaxrss_kb = 0;
	x->cminflt = x->cmajflt = x->cnvcsw = x->cnivcsw = 0;
	x->cinblock = x->coublock = 0;
	if (group)
		add_children(x, sig);
	if (mm)
		rss_pages = mm->hiwater_rss;
	if (group)
		rss_pages = max_u64(rss_pages, sig->maxrss);
	x->maxrss_kb = rss_pages * page_kb;
	/* The split last reported: the process's (thread_group_cputime_
	 * adjusted()) or the thread's (task_cputime_adjusted()). */
	x->prev_utime_ns = x->prev_stime_ns = 0;
	if (group) {
		x->prev_utime_ns = sig->prev_cputime.utime;
		x->prev_stime_ns = sig->prev_cputime.stime;
	} else if (bpf_core_field_exists(task->prev_cputime)) {
		/* absent with CONFIG_VIRT_CPU_ACCOUNTING_NATIVE */
		x->prev_utime_ns = task->prev_cputime.utime;
		x->prev_stime_ns = task->prev_cputime.stime;
	}
	if (group && sig->nr_threads != 1) {
		group_usage_walk(x, task, kind);
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

/* A released process's final usage (PT_USAGE_RELEASED): release_task()
 * has moved every thread's counters into its signal_struct
 * (__exit_signal()), and a reaping wait4() has left there the split it
 * returned (prev_cputime). What getrusage(RUSAGE_SELF) sums, with no
 * thread left to add (nor a memory map: maxrss is signal_struct's), and
 * the children part its RUSAGE_BOTH adds. leader
 * may be a pointer the caller kept (not BTF-typed): read with helpers.
 * False if the task is no longer the one that started at start_ns (freed
 * and its memory reused). */
static __always_inline bool read_released_usage(struct pt_usage *x, struct task_struct *leader,
						__u64 start_ns)
{
	struct signal_struct *sig = BPF_CORE_READ(leader, signal);

	x->utime_ns = BPF_CORE_READ(sig, utime);
	x->stime_ns = BPF_CORE_READ(sig, stime);
	x->runtime_ns = BPF_CORE_READ(sig, sum_sched_runtime);
	x->prev_utime_ns = BPF_CORE_READ(sig, prev_cputime.utime);
	x->prev_stime_ns = BPF_CORE_READ(sig, prev_cputime.stime);
	x->maxrss_kb = BPF_CORE_READ(sig, maxrss) * page_kb;
	x->minflt = BPF_CORE_READ(sig, min_flt);
	x->majflt = BPF_CORE_READ(sig, maj_flt);
	x->nvcsw = BPF_CORE_READ(sig, nvcsw);
	x->nivcsw = BPF_CORE_READ(sig, nivcsw);
	x->inblock = BPF_CORE_READ(sig, inblock);
	x->oublock = BPF_CORE_READ(sig, oublock);
	add_children(x, sig);
	return BPF_CORE_READ(leader, start_boottime) == start_ns &&
		BPF_CORE_READ(leader, signal) == sig;
}

#endif
