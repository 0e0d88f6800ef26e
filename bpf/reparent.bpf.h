/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Reparenting at the parent's death. tp sched_process_exit runs in
 * do_exit() before exit_notify(), where forget_original_parent() hands the
 * dying thread's children to a new parent: the rows are made here, at the
 * parent's death, with the parent the kernel is about to choose, by its
 * own rule (find_child_reaper() and find_new_reaper()):
 * 1. the first thread of the parent's process that is not exiting
 *    (PF_EXITING is set at the start of do_exit(), before this point);
 * 2. else, when the process has a child-subreaper ancestor, the nearest
 *    one in the same pid namespace that has a thread not exiting;
 * 3. else the init of its pid namespace (child_reaper) — unless the dying
 *    process is that init: zap_pid_ns_processes() then kills the children
 *    (cause ns-teardown), nobody adopts them.
 * A thread of either that starts to exit in the microseconds between this
 * point and the kernel's choice makes the choice differ; the child's next
 * events carry its real parent all the same.
 * Included once, by proctrace.bpf.c, after task.bpf.h and reap.bpf.h.
 */
#ifndef PROCTRACE_REPARENT_BPF_H
#define PROCTRACE_REPARENT_BPF_H

/* Bounds of the walks, as the verifier needs them. */
#define REPARENT_MAX_CHILDREN 256
#define REPARENT_MAX_THREADS 64
#define REPARENT_MAX_ANCESTORS 16

/* find_alive_thread(): the first thread of p's process not in do_exit(). */
static __always_inline struct task_struct *alive_thread(struct task_struct *p)
{
	struct signal_struct *sig = BPF_CORE_READ(p, signal);
	struct task_struct *t;

	for_each_thread_bounded(sig, t, REPARENT_MAX_THREADS) if (!(BPF_CORE_READ(t, flags) &
								    PF_EXITING_)) return t;
	return NULL;
}

static __always_inline bool is_child_subreaper(struct task_struct *t)
{
	struct signal_struct *sig = BPF_CORE_READ(t, signal);

	return BPF_CORE_READ_BITFIELD_PROBED(sig, is_child_subreaper);
}

/* The nearest child-subreaper ancestor of father in its pid namespace
 * with a live thread, or NULL. */
static __always_inline struct task_struct *subreaper_of(struct task_struct *father)
{
	struct signal_struct *sig = BPF_CORE_READ(father, signal);
	unsigned int level = BPF_CORE_READ(father, thread_pid, level);
	struct task_struct *r = BPF_CORE_READ(father, real_parent), *t;

	if (!BPF_CORE_READ_BITFIELD_PROBED(sig, has_child_subreaper))
		return NULL;
	for (int i = 0; i < REPARENT_MAX_ANCESTORS; i++) {
		if (BPF_CORE_READ(r, thread_pid, level) != level || BPF_CORE_READ(r, pid) == 0)
			return NULL;
		if (is_child_subreaper(r)) {
			t = alive_thread(r);
			if (t)
				return t;
		}
		r = BPF_CORE_READ(r, real_parent);
	}
	return NULL;
}

/* The thread that will adopt father's children, and how it was chosen;
 * NULL when none will (the dying process is its namespace's init). */
static __always_inline struct task_struct *new_parent(struct task_struct *father, __u32 *how)
{
	struct task_struct *t = alive_thread(father), *init;
	unsigned int level;

	*how = PT_ADOPT_THREAD;
	if (t)
		return t;
	init = BPF_CORE_READ(active_ns(father, &level), child_reaper);
	if (!init || BPF_CORE_READ(init, tgid) == BPF_CORE_READ(father, tgid))
		return NULL;
	*how = PT_ADOPT_SUBREAPER;
	t = subreaper_of(father);
	if (t)
		return t;
	*how = PT_ADOPT_INIT;
	return init;
}

static __always_inline void emit_reparent(struct task_struct *child, struct task_struct *father,
					  struct task_struct *adopter, __u32 how)
{
	struct pt_event *e;

	if (!task_wanted(child))
		return;
	e = reserve(PT_REPARENT);
	if (!e)
		return;
	fill_task_any(&e->task, child);
	e->task.ppid = BPF_CORE_READ(adopter, tgid);
	fill_actor_any(&e->by, adopter);
	e->reparent.old_ppid = father->tgid;
	e->reparent.old_parent_tid = father->pid;
	e->reparent.adopter = how;
	e->reparent._pad = 0;
	__builtin_memcpy(e->reparent.old_parent_comm, father->group_leader->comm, PT_COMM_LEN);
	submit(e);
}

/* One row per child of the dying thread father, living or zombie (a
 * child already being released, EXIT_DEAD, is nobody's to adopt). */
static __always_inline void reparent_children(struct task_struct *father)
{
	unsigned long sibling_off = bpf_core_field_offset(struct task_struct, sibling);
	struct list_head *head = &father->children;
	struct task_struct *adopter, *child;
	struct list_head *pos = father->children.next;
	__u32 how;

	if (pos == head)
		return;
	adopter = new_parent(father, &how);
	if (!adopter)
		return;
	for (int i = 0; i < REPARENT_MAX_CHILDREN && pos && pos != head; i++) {
		child = (void *)pos - sibling_off;
		if (BPF_CORE_READ(child, exit_state) != EXIT_DEAD_)
			emit_reparent(child, father, adopter, how);
		pos = BPF_CORE_READ(child, sibling.next);
	}
}

#endif /* PROCTRACE_REPARENT_BPF_H */
