/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The resource usage of every followed process still alive or a zombie
 * when tracing ends (PT_USAGE), read by a task iterator run once all else
 * is detached, through its seq_file (never lost to a full ring buffer).
 * Included once, by proctrace.bpf.c (one BPF object), after usage.bpf.h.
 */
#ifndef PROCTRACE_USAGE_END_BPF_H
#define PROCTRACE_USAGE_END_BPF_H

/* The kernel's counters of resident pages (MM_FILEPAGES, MM_ANONPAGES,
 * MM_SHMEMPAGES; MM_SWAPENTS, index 2, is not resident), the same indexes
 * on every kernel. */
#define RSS_FILE 0
#define RSS_ANON 1
#define RSS_SHMEM 3

/* Before 6.2, mm_struct.rss_stat was a struct mm_rss_stat of atomics;
 * since, an array of percpu_counter (vmlinux.h's). */
struct mm_rss_stat___old {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
} __attribute__((preserve_access_index));

static __always_inline __u64 rss_counter(struct mm_struct *mm, int i)
{
	long v = 0;

	if (bpf_core_type_exists(struct mm_rss_stat___old)) {
		struct mm_struct___old *o = (void *)mm;

		v = BPF_CORE_READ(o, rss_stat.count[i].counter);
	} else {
		/* percpu_counter_read_positive(): what get_mm_counter() reads */
		v = BPF_CORE_READ(mm, rss_stat[i].count);
	}
	return v > 0 ? v : 0;
}

/* get_mm_hiwater_rss(): the high-water mark is updated lazily (when the
 * resident set shrinks), so the resident set now may be above it. mm is
 * read with helpers (a number from a BTF load may be NULL). */
static __always_inline __u64 hiwater_rss_now(struct mm_struct *mm)
{
	__u64 rss, hw;

	if (!mm)
		return 0;
	hw = BPF_CORE_READ(mm, hiwater_rss);
	rss = rss_counter(mm, RSS_FILE) + rss_counter(mm, RSS_ANON) + rss_counter(mm, RSS_SHMEM);
	return max_u64(hw, rss);
}

/* One PT_USAGE record for task, a process's leader (a zombie leader
 * stands for its process), with what getrusage() would count for it now:
 * the exit's sum (fill_usage()), with the memory map's resident set now in
 * maxrss as getrusage() takes it. */
static __always_inline void usage_one(struct seq_file *seq, struct task_struct *task)
{
	__u32 zero = 0;
	struct pt_event *e;
	struct task_view v;
	struct mm_struct *mm;
	__u64 rss_pages;

	if (!task_wanted(task))
		return;
	e = bpf_map_lookup_elem(&iter_event, &zero);
	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = PT_USAGE;
	e->size = sizeof(*e);
	e->flags = PT_F_NO_ACTOR;
	task_view_of(&v, task);
	fill_task_view(&e->task, &v);
	fill_usage(&e->usage, task, v.sig, true, PT_USAGE);
	mm = BPF_CORE_READ(task, mm);
	rss_pages = max_u64(hiwater_rss_now(mm), BPF_CORE_READ(task, signal, maxrss));
	e->usage.maxrss_kb = rss_pages * page_kb;
	bpf_seq_write(seq, e, sizeof(*e));
}

/* As for the snapshot (init_done): pid 1 may not be yielded, then it is
 * found as the parent of its first child. */
bool usage_init_done = false;

/* At the end of tracing: every followed process's usage. */
SEC("iter/task")
int usage_final(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct task_struct *parent;

	if (!task || task->pid != task->tgid || !kind_on(PT_USAGE))
		return 0;
	if (task->tgid == 1)
		usage_init_done = true;
	parent = task->real_parent;
	if (!usage_init_done && parent->tgid == 1) {
		usage_init_done = true;
		usage_one(ctx->meta->seq, parent->group_leader);
	}
	usage_one(ctx->meta->seq, task);
	return 0;
}

#endif
