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
 *
 * Every walk is bounded (the verifier needs it; no bpf_loop() before
 * 5.17) far above what real trees reach. A bound reached is never a guess:
 * the rows it would have made are counted as lost reparent events (the
 * `lost` row and the summary, see docs/bounds.md); such an orphan's next
 * event carries its new parent.
 * Its own program on sched_process_exit, attached after handle_exit (the
 * exit row, then its children's), so that the exit's verification and
 * this walk's are counted apart.
 * Included once, by proctrace.bpf.c, after task.bpf.h and reap.bpf.h.
 */
#ifndef PROCTRACE_REPARENT_BPF_H
#define PROCTRACE_REPARENT_BPF_H

/* Bounds of the walks (docs/bounds.md). Children: a row each, then only
 * counted (those past REPARENT_MAX_CHILDREN are lost rows). */
#define REPARENT_MAX_CHILDREN 1024
#define REPARENT_COUNT_CHILDREN 2048
#define REPARENT_MAX_THREADS 1024
#define REPARENT_MAX_ANCESTORS 1024
/* Child subreapers passed because all their threads were exiting. */
#define REPARENT_MAX_DEAD_SUBREAPERS 4

/*
 * The walks are global functions: the verifier checks each once, on its
 * own, instead of at every call, and the branches of one loop are not
 * added to another's (a program may have at most 8192 branches pending,
 * which a few unrolled walks of these lengths exceed). Their arguments
 * and results are plain numbers (task addresses, read with
 * BPF_CORE_READ), which every kernel since 5.6 takes for global functions.
 * A task-returning walk gives the address, 0 for none, or WALK_BOUND when
 * its bound was reached (nothing known).
 */
#define WALK_BOUND 1UL

/* find_alive_thread(): the first thread of p's process not in do_exit(). */
__noinline unsigned long reparent_alive_thread(unsigned long p)
{
	struct signal_struct *sig = BPF_CORE_READ((struct task_struct *)p, signal);
	unsigned long head = (unsigned long)&sig->thread_head;
	unsigned long pos = (unsigned long)BPF_CORE_READ(sig, thread_head.next);
	struct task_struct *t;

	for (int i = 0; i < REPARENT_MAX_THREADS && pos && pos != head; i++) {
		t = container_of_any(pos, struct task_struct, thread_node);
		if (!(BPF_CORE_READ(t, flags) & PF_EXITING_))
			return (unsigned long)t;
		pos = (unsigned long)BPF_CORE_READ(t, thread_node.next);
	}
	return pos && pos != head ? WALK_BOUND : 0;
}

/* From task r up the real parents, the first child subreaper in the pid
 * namespace at level; none when the walk leaves it or reaches init_task
 * (pid 0), as find_new_reaper() stops. */
__noinline unsigned long reparent_next_subreaper(unsigned long r, unsigned int level)
{
	struct task_struct *t = (struct task_struct *)r;
	struct signal_struct *sig;

	for (int i = 0; i < REPARENT_MAX_ANCESTORS; i++) {
		if (!t || BPF_CORE_READ(t, thread_pid, level) != level ||
		    BPF_CORE_READ(t, pid) == 0)
			return 0;
		sig = BPF_CORE_READ(t, signal);
		/* A bit field before 7.x, a bool since: one read for both. */
		if (BPF_CORE_READ_BITFIELD_PROBED(sig, is_child_subreaper))
			return (unsigned long)t;
		t = BPF_CORE_READ(t, real_parent);
	}
	return WALK_BOUND;
}

/* Linux >= 5.17: each walk through bpf_loop(), whose callback the
 * verifier reads once, where a bounded loop is read at each of its 1,024
 * turns (the start's largest verification). A second program
 * (handle_reparent_loop), as older verifiers refuse even the callback's
 * address in a program; the loader loads one of the two (docs/loading.md).
 * The same walks, the same bounds, the same results as the functions above. */
struct reparent_find {
	unsigned long pos, head, found;
	unsigned int level;
	bool done;
};

static long alive_thread_turn(__u64 i, void *ctx)
{
	struct reparent_find *f = ctx;
	struct task_struct *t;

	if (!f->pos || f->pos == f->head) {
		f->done = true;
		return 1;
	}
	t = container_of_any(f->pos, struct task_struct, thread_node);
	if (!(BPF_CORE_READ(t, flags) & PF_EXITING_)) {
		f->found = (unsigned long)t;
		f->done = true;
		return 1;
	}
	f->pos = (unsigned long)BPF_CORE_READ(t, thread_node.next);
	return 0;
}

static __always_inline unsigned long alive_thread_loop(unsigned long p)
{
	struct signal_struct *sig = BPF_CORE_READ((struct task_struct *)p, signal);
	struct reparent_find f = {};

	f.head = (unsigned long)&sig->thread_head;
	f.pos = (unsigned long)BPF_CORE_READ(sig, thread_head.next);
	bpf_loop(REPARENT_MAX_THREADS, alive_thread_turn, &f, 0);
	return f.done ? f.found : WALK_BOUND;
}

static long next_subreaper_turn(__u64 i, void *ctx)
{
	struct reparent_find *f = ctx;
	struct task_struct *t = (struct task_struct *)f->pos;
	struct signal_struct *sig;

	if (!t || BPF_CORE_READ(t, thread_pid, level) != f->level || BPF_CORE_READ(t, pid) == 0) {
		f->done = true;
		return 1;
	}
	sig = BPF_CORE_READ(t, signal);
	if (BPF_CORE_READ_BITFIELD_PROBED(sig, is_child_subreaper)) {
		f->found = f->pos;
		f->done = true;
		return 1;
	}
	f->pos = (unsigned long)BPF_CORE_READ(t, real_parent);
	return 0;
}

static __always_inline unsigned long next_subreaper_loop(unsigned long r, unsigned int level)
{
	struct reparent_find f = {};

	f.pos = r;
	f.level = level;
	bpf_loop(REPARENT_MAX_ANCESTORS, next_subreaper_turn, &f, 0);
	return f.done ? f.found : WALK_BOUND;
}

/* The walks of one program: bounded loops or bpf_loop() (loop, a
 * constant: the other walks are not in the program). */
static __always_inline unsigned long alive_thread(unsigned long p, bool loop)
{
	return loop ? alive_thread_loop(p) : reparent_alive_thread(p);
}

static __always_inline unsigned long next_subreaper(unsigned long r, unsigned int level, bool loop)
{
	return loop ? next_subreaper_loop(r, level) : reparent_next_subreaper(r, level);
}

/* The nearest child-subreaper ancestor of father in its pid namespace
 * with a live thread (that thread), 0 or WALK_BOUND. */
static __always_inline unsigned long subreaper_of(struct task_struct *father, bool loop)
{
	struct signal_struct *sig = BPF_CORE_READ(father, signal);
	unsigned int level = BPF_CORE_READ(father, thread_pid, level);
	unsigned long r = (unsigned long)BPF_CORE_READ(father, real_parent), t;

	if (!BPF_CORE_READ_BITFIELD_PROBED(sig, has_child_subreaper))
		return 0;
	for (int i = 0; i < REPARENT_MAX_DEAD_SUBREAPERS; i++) {
		r = next_subreaper(r, level, loop);
		if (r <= WALK_BOUND)
			return r;
		t = alive_thread(r, loop);
		if (t)
			return t;
		r = (unsigned long)BPF_CORE_READ((struct task_struct *)r, real_parent);
	}
	return WALK_BOUND;
}

/* The thread that will adopt the children of father (a task address,
 * raw_arg) when it exits: 0 when nobody will (the dying process is its
 * namespace's init), WALK_BOUND when not known; how it was chosen. */
static __always_inline unsigned long new_parent(unsigned long father, __u32 *how, bool loop)
{
	struct task_struct *f = (struct task_struct *)father, *init;
	unsigned long t = alive_thread(father, loop);
	unsigned int level;

	*how = PT_ADOPT_THREAD;
	if (t)
		return t;
	init = BPF_CORE_READ(active_ns(f, &level), child_reaper);
	if (!init || BPF_CORE_READ(init, tgid) == BPF_CORE_READ(f, tgid))
		return 0;
	*how = PT_ADOPT_SUBREAPER;
	t = subreaper_of(f, loop);
	if (t)
		return t;
	*how = PT_ADOPT_INIT;
	return (unsigned long)init;
}

/* The row of one orphan, if it is one to report: living or zombie (a
 * child already being released, EXIT_DEAD, is nobody's to adopt), and
 * wanted. Returns 1 when it is one (made or lost), else 0. */
__noinline int reparent_row(unsigned long child_addr, unsigned long father_addr,
			    unsigned long adopter_addr, __u32 how, bool emit)
{
	struct task_struct *child = (struct task_struct *)child_addr;
	struct task_struct *father = (struct task_struct *)father_addr;
	struct task_struct *adopter = (struct task_struct *)adopter_addr;
	struct pt_event *e;

	if (BPF_CORE_READ(child, exit_state) == EXIT_DEAD_ || !task_wanted(child))
		return 0;
	if (!emit)
		return 1;
	e = reserve(PT_REPARENT);
	if (!e)
		return 0; /* counted by reserve() */
	fill_task_any(&e->task, child);
	e->task.ppid = BPF_CORE_READ(adopter, tgid);
	fill_actor_any(&e->by, adopter);
	e->reparent.old_ppid = BPF_CORE_READ(father, tgid);
	e->reparent.old_parent_tid = BPF_CORE_READ(father, pid);
	e->reparent.adopter = how;
	e->reparent._pad = 0;
	BPF_CORE_READ_STR_INTO(&e->reparent.old_parent_comm, father, group_leader, comm);
	submit(e);
	return 0;
}

/* The rows of father's children from list position pos on (emit), or
 * only their count (!emit: the adopter is not known). Returns the number
 * of orphans no row was made for: past the bounds, or all when counting
 * (past the count's own bound, one more stands for the rest). */
__noinline __u64 reparent_walk(unsigned long pos, unsigned long head, unsigned long father,
			       unsigned long adopter, __u32 how)
{
	bool emit = adopter > WALK_BOUND;
	struct task_struct *child;
	__u64 n = 0;
	int i;

	for (i = 0; i < REPARENT_MAX_CHILDREN && pos && pos != head; i++) {
		child = container_of_any(pos, struct task_struct, sibling);
		n += reparent_row((unsigned long)child, father, adopter, how, emit);
		pos = (unsigned long)BPF_CORE_READ(child, sibling.next);
	}
	for (i = 0; i < REPARENT_COUNT_CHILDREN && pos && pos != head; i++) {
		child = container_of_any(pos, struct task_struct, sibling);
		n += reparent_row((unsigned long)child, father, adopter, how, false);
		pos = (unsigned long)BPF_CORE_READ(child, sibling.next);
	}
	return n + (pos && pos != head);
}

/* reparent_walk() through bpf_loop(): the first REPARENT_MAX_CHILDREN
 * turns make rows (emit), the next REPARENT_COUNT_CHILDREN only count. */
struct reparent_rows {
	unsigned long pos, head, father, adopter;
	__u64 n;
	__u32 how;
	bool emit;
};

static long reparent_turn(__u64 i, void *ctx)
{
	struct reparent_rows *w = ctx;
	struct task_struct *child;

	if (!w->pos || w->pos == w->head)
		return 1;
	child = container_of_any(w->pos, struct task_struct, sibling);
	w->n += reparent_row((unsigned long)child, w->father, w->adopter, w->how,
			     w->emit && i < REPARENT_MAX_CHILDREN);
	w->pos = (unsigned long)BPF_CORE_READ(child, sibling.next);
	return 0;
}

static __always_inline __u64 reparent_walk_loop(unsigned long pos, unsigned long head,
						unsigned long father, unsigned long adopter,
						__u32 how)
{
	struct reparent_rows w = {};

	w.pos = pos;
	w.head = head;
	w.father = father;
	w.adopter = adopter;
	w.how = how;
	w.emit = adopter > WALK_BOUND;
	bpf_loop(REPARENT_MAX_CHILDREN + REPARENT_COUNT_CHILDREN, reparent_turn, &w, 0);
	return w.n + (w.pos && w.pos != w.head);
}

/* One row per child of the dying thread, with the adopter the kernel is
 * about to choose; where a bound leaves it unknown, no row may guess it:
 * the orphans are counted as lost rows instead. The task is read as a
 * number (raw_arg): the walks take numbers, and a BTF pointer is none. */
static __always_inline int reparent_children(unsigned long long *ctx, struct task_struct *task,
					     bool loop)
{
	unsigned long father, head, adopter, first;
	__u64 lost_rows;
	__u32 how;

	/* Most tasks die childless: one direct load decides. */
	if (task->children.next == &task->children)
		return 0;
	father = raw_arg(ctx, 0);
	head = father + bpf_core_field_offset(struct task_struct, children);
	adopter = new_parent(father, &how, loop);
	if (!adopter)
		return 0;
	first = (unsigned long)BPF_CORE_READ(task, children.next);
	lost_rows = loop ? reparent_walk_loop(first, head, father, adopter, how)
			 : reparent_walk(first, head, father, adopter, how);
	if (lost_rows)
		count_lost_n(PT_REPARENT, lost_rows);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_reparent, struct task_struct *task)
{
	return reparent_children(ctx, task, false);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_reparent_loop, struct task_struct *task)
{
	return reparent_children(ctx, task, true);
}

#endif /* PROCTRACE_REPARENT_BPF_H */
