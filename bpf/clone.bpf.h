/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * How a task was made, and what it shares: the clone flags that describe
 * a child as created, read from what the child and its creator point to
 * at tp_btf/sched_process_fork (not from the requested flags, which the
 * kernel may widen: CLONE_NEWUSER, namespaces given to children by an
 * earlier unshare), and the namespaces that unshare(2) and setns(2) change.
 * Included once, by proctrace.bpf.c (one BPF object).
 */
#ifndef PROCTRACE_CLONE_BPF_H
#define PROCTRACE_CLONE_BPF_H

/* The uapi <linux/sched.h> values: vmlinux.h carries no macros. */
#define CLONE_NEWTIME_ 0x00000080ULL
#define CLONE_VM_ 0x00000100ULL
#define CLONE_FS_ 0x00000200ULL
#define CLONE_FILES_ 0x00000400ULL
#define CLONE_SIGHAND_ 0x00000800ULL
#define CLONE_PTRACE_ 0x00002000ULL
#define CLONE_VFORK_ 0x00004000ULL
#define CLONE_PARENT_ 0x00008000ULL
#define CLONE_THREAD_ 0x00010000ULL
#define CLONE_NEWNS_ 0x00020000ULL
#define CLONE_CHILD_CLEARTID_ 0x00200000ULL
#define CLONE_CHILD_SETTID_ 0x01000000ULL
#define CLONE_NEWCGROUP_ 0x02000000ULL
#define CLONE_NEWUTS_ 0x04000000ULL
#define CLONE_NEWIPC_ 0x08000000ULL
#define CLONE_NEWUSER_ 0x10000000ULL
#define CLONE_NEWPID_ 0x20000000ULL
#define CLONE_NEWNET_ 0x40000000ULL
#define CLONE_INTO_CGROUP_ 0x200000000ULL

#define CLONE_PIDFD_ 0x00001000ULL
#define CLONE_SYSVSEM_ 0x00040000ULL
#define CLONE_SETTLS_ 0x00080000ULL
#define CLONE_PARENT_SETTID_ 0x00100000ULL
#define CLONE_UNTRACED_ 0x00800000ULL
#define CLONE_IO_ 0x80000000ULL
#define CLONE_CLEAR_SIGHAND_ 0x100000000ULL
/* Flags that leave no fact in the child to compare at the fork (vfork_done
 * is set only after the tracepoint; a tracer's PTRACE_O_TRACEFORK makes a
 * traced child without CLONE_PTRACE): taken from the system call's own
 * flags argument, when the call is known. */
#define CLONE_REQUEST_ONLY                                                                         \
	(CLONE_VFORK_ | CLONE_PTRACE_ | CLONE_PIDFD_ | CLONE_SYSVSEM_ | CLONE_SETTLS_ |            \
	 CLONE_PARENT_SETTID_ | CLONE_UNTRACED_ | CLONE_IO_ | CLONE_CLEAR_SIGHAND_)

#define PF_KTHREAD_ 0x00200000

/* The namespaces of a task, as the objects it points to: two tasks share
 * a namespace exactly when they point to the same one. pid: the task's
 * own (active) namespace; pid_children/time_children: what its children
 * will get (unshare(CLONE_NEWPID/NEWTIME) changes only those). */
struct ns_set {
	__u64 mnt, uts, ipc, net, cgroup, time, user, pid, pid_children, time_children;
};

/* Before an unshare/setns, by tid, until the syscall's exit (or the
 * thread's end); not LRU, as inflight (maps.bpf.h): full, the row is
 * counted lost. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct ns_set);
} ns_before SEC(".maps");

static __always_inline __u64 active_pid_ns(struct task_struct *task)
{
	struct pid *p = BPF_CORE_READ(task, thread_pid);
	unsigned int level = BPF_CORE_READ(p, level);
	struct upid up = {};

	bpf_core_read(&up, sizeof(up), &p->numbers[level]);
	return (__u64)up.ns;
}

/* Read with helpers: tasks here come from bpf_get_current_task() too. */
static __always_inline void read_ns_set(struct ns_set *s, struct task_struct *task)
{
	struct nsproxy *nsp = BPF_CORE_READ(task, nsproxy);

	s->mnt = (__u64)BPF_CORE_READ(nsp, mnt_ns);
	s->uts = (__u64)BPF_CORE_READ(nsp, uts_ns);
	s->ipc = (__u64)BPF_CORE_READ(nsp, ipc_ns);
	s->net = (__u64)BPF_CORE_READ(nsp, net_ns);
	s->cgroup = (__u64)BPF_CORE_READ(nsp, cgroup_ns);
	s->pid_children = (__u64)BPF_CORE_READ(nsp, pid_ns_for_children);
	s->time = s->time_children = 0;
	if (bpf_core_field_exists(nsp->time_ns)) {
		s->time = (__u64)BPF_CORE_READ(nsp, time_ns);
		s->time_children = (__u64)BPF_CORE_READ(nsp, time_ns_for_children);
	}
	s->user = (__u64)BPF_CORE_READ(task, real_cred, user_ns);
	s->pid = active_pid_ns(task);
}

/* CLONE_NEW* bits of the namespaces that differ between a and b. `own`:
 * compare the namespaces the tasks are in (a child against its creator);
 * else the ones for children too (a task before and after unshare). */
static __always_inline __u64 ns_changed(const struct ns_set *a, const struct ns_set *b, bool own)
{
	__u64 f = 0;

	if (a->mnt != b->mnt)
		f |= CLONE_NEWNS_;
	if (a->uts != b->uts)
		f |= CLONE_NEWUTS_;
	if (a->ipc != b->ipc)
		f |= CLONE_NEWIPC_;
	if (a->net != b->net)
		f |= CLONE_NEWNET_;
	if (a->cgroup != b->cgroup)
		f |= CLONE_NEWCGROUP_;
	if (a->user != b->user)
		f |= CLONE_NEWUSER_;
	if (own ? a->pid != b->pid : a->pid_children != b->pid_children)
		f |= CLONE_NEWPID_;
	if (own ? a->time != b->time : a->time_children != b->time_children)
		f |= CLONE_NEWTIME_;
	return f;
}

/* The creator's system call, from its syscall number (the clone family's
 * native and compat numbers do not collide on these architectures), and
 * the flags it asked for (native calls only: fork and vfork imply theirs,
 * clone passes them first, clone3 in its struct clone_args). */
static __always_inline __u32 clone_request(struct task_struct *parent, __u64 *flags)
{
	*flags = 0;
#if defined(__TARGET_ARCH_x86) || defined(__TARGET_ARCH_arm64)
	struct pt_regs *regs;
	__u64 arg0;
	long nr;

	if (!bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_task_pt_regs) ||
	    parent->flags & PF_KTHREAD_)
		return PT_VIA_UNKNOWN;
	regs = (struct pt_regs *)bpf_task_pt_regs(parent);
#if defined(__TARGET_ARCH_x86)
	/* A BTF pointer: plain loads, no helper calls. */
	nr = regs->orig_ax & ~0x40000000L; /* x32's bit */
	arg0 = regs->di;
	if (nr == 57) /* fork */
		return PT_VIA_FORK;
	if (nr == 58) { /* vfork */
		*flags = CLONE_VFORK_ | CLONE_VM_;
		return PT_VIA_VFORK;
	}
	if (nr == 56) { /* clone */
		*flags = arg0;
		return PT_VIA_CLONE;
	}
	if (nr == 2)
		return PT_VIA_FORK;
	if (nr == 190)
		return PT_VIA_VFORK;
	if (nr == 120)
		return PT_VIA_CLONE;
#else
	nr = regs->syscallno;
	arg0 = regs->orig_x0;
	if (nr == 220) { /* clone */
		*flags = arg0;
		return PT_VIA_CLONE;
	}
	if (nr == 2)
		return PT_VIA_FORK;
	if (nr == 190)
		return PT_VIA_VFORK;
	if (nr == 120)
		return PT_VIA_CLONE;
#endif
	if (nr == 435) { /* clone3: flags is the first member of clone_args */
		if (bpf_probe_read_user(flags, sizeof(*flags), (const void *)arg0))
			*flags = 0;
		return PT_VIA_CLONE3;
	}
#endif
	return PT_VIA_UNKNOWN;
}

/* At tp_btf/sched_process_fork: both tasks are BTF-typed, the child is
 * fully made and has not run yet (its set_child_tid is still set). */
static __always_inline void fill_clone(struct pt_clone *c, struct task_struct *parent,
				       const struct task_view *cv, const struct pt_task *t)
{
	struct task_struct *child = cv->task;
	struct ns_set pns, cns;
	__u64 f = 0, asked;

	if (child->mm && child->mm == parent->mm)
		f |= CLONE_VM_;
	if (child->fs && child->fs == parent->fs)
		f |= CLONE_FS_;
	if (child->files && child->files == parent->files)
		f |= CLONE_FILES_;
	if (child->sighand == parent->sighand)
		f |= CLONE_SIGHAND_;
	/* A thread's real parent is its creator's too: only a process made
	 * with CLONE_PARENT has its creator's parent. f is never tested, so
	 * the verifier need not follow each combination of its bits (each
	 * pointer loaded here costs it a search of the kernel's BTF). */
	if (cv->sig == parent->signal)
		f |= CLONE_THREAD_;
	else if (cv->parent != parent)
		f |= CLONE_PARENT_;
	if (child->set_child_tid)
		f |= CLONE_CHILD_SETTID_;
	if (child->clear_child_tid)
		f |= CLONE_CHILD_CLEARTID_;
	if (t->cgroup_id != parent->cgroups->dfl_cgrp->kn->id)
		f |= CLONE_INTO_CGROUP_;
	/* Most children share their creator's nsproxy and cred's namespace:
	 * compare the members only when the objects differ. */
	if (child->nsproxy != parent->nsproxy || cv->cred->user_ns != parent->real_cred->user_ns ||
	    child->thread_pid->level != parent->thread_pid->level) {
		read_ns_set(&pns, parent);
		read_ns_set(&cns, child);
		f |= ns_changed(&pns, &cns, true);
	}
	c->via = clone_request(parent, &asked);
	c->flags = f | (asked & CLONE_REQUEST_ONLY);
	c->_pad = 0;
}

static __always_inline int ns_enter(__u32 kind)
{
	struct task_struct *cur = current_task();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct ns_set s;

	if (!task_wanted(cur))
		return 0;
	read_ns_set(&s, cur);
	map_keep(&ns_before, &tid, &s, BPF_ANY, kind);
	return 0;
}

static __always_inline int ns_exit(long ret, __u32 kind)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct ns_set *before = bpf_map_lookup_elem(&ns_before, &tid);
	struct task_struct *cur;
	struct pt_event *e;
	struct ns_set now;
	__u64 changed;

	if (!before)
		return 0;
	cur = current_task();
	read_ns_set(&now, cur);
	changed = ns_changed(before, &now, false);
	bpf_map_delete_elem(&ns_before, &tid);
	if (ret != 0 || !changed)
		return 0;
	e = reserve(kind);
	if (!e)
		return 0;
	fill_task_any(&e->task, cur);
	e->flags = PT_F_NO_ACTOR;
	__builtin_memset(&e->by, 0, sizeof(e->by));
	e->clone.flags = changed;
	e->clone.via = PT_VIA_UNKNOWN;
	e->clone._pad = 0;
	submit(e);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_unshare")
int handle_unshare_enter(struct trace_event_raw_sys_enter *ctx)
{
	return ns_enter(PT_UNSHARE);
}

SEC("tracepoint/syscalls/sys_exit_unshare")
int handle_unshare_exit(struct trace_event_raw_sys_exit *ctx)
{
	return ns_exit(ctx->ret, PT_UNSHARE);
}

SEC("tracepoint/syscalls/sys_enter_setns")
int handle_setns_enter(struct trace_event_raw_sys_enter *ctx)
{
	return ns_enter(PT_SETNS);
}

SEC("tracepoint/syscalls/sys_exit_setns")
int handle_setns_exit(struct trace_event_raw_sys_exit *ctx)
{
	return ns_exit(ctx->ret, PT_SETNS);
}

#endif
