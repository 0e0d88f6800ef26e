/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Who sent a signal, from what the kernel recorded for it (its siginfo).
 *
 * signal_generate runs in the context of whichever task made the kernel
 * send the signal. That task is the sender of what a process sends by a
 * syscall (kill, tgkill, sigqueue, pidfd_send_signal: si_code <= 0, the
 * kernel fills si_pid with it), and of what the kernel sends on a task's
 * behalf with SEND_SIG_NOINFO (SIGPIPE, pdeathsig: SI_USER, si_pid =
 * current). Signals the kernel makes itself (si_code > 0: faults,
 * SI_KERNEL, SIGIO's POLL_*; and SI_TIMER, SI_ASYNCIO) have no sending
 * process, with two exceptions:
 * - the notifications a parent or tracer gets about a child (SIGCHLD, or
 *   the child's exit_signal, with a CLD_* code): their sender is the child
 *   that si_pid names, numbered in the receiver's pid namespace. The kernel
 *   sends many of them from another task's context: an exiting parent
 *   handing its zombies to a reaper (forget_original_parent), a tracer's
 *   wait or exit giving a zombie back to its real parent, the last thread
 *   of a group stop, a continued thread reporting CLD_CONTINUED;
 * - a process may queue a signal to itself with any si_code
 *   (rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_send_signal with a
 *   siginfo): it stays the sender, which only the syscall it is in tells.
 *
 * Included by proctrace.bpf.c after its task readers (fill_actor_any,
 * active_ns, current_task).
 */
#ifndef PROCTRACE_SENDER_BPF_H
#define PROCTRACE_SENDER_BPF_H

#define CLD_EXITED 1
#define CLD_CONTINUED 6
#define SI_ASYNCIO (-4)
#define PIDTYPE_PID_ 0
/* xarray internals (include/linux/xarray.h): an internal entry has the low
 * bits 10; above 4096 it is a node. 32-bit pid numbers need at most 6
 * levels of 64 slots (8 with the 16-slot nodes of CONFIG_BASE_SMALL). */
#define XA_INTERNAL(e) (((e)&3) == 2)
#define XA_IS_NODE(e) (XA_INTERNAL(e) && (e) > 4096)
#define XA_MAX_DEPTH 8

/* Threads inside one of the three syscalls that let a process choose the
 * si_code of a signal it sends (to itself, for a positive one): 1 by tid
 * (pid_byte), set at syscall entry, cleared at its exit (or the thread's
 * end). An array with room for every tid (the loader sizes it to
 * pid_max): a hash map that could be full would leave the signal taken for
 * the kernel's. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pid_bytes);
} queueing SEC(".maps");

static __always_inline void queueing_set(__u32 tid, __u8 on)
{
	__u8 *b = pid_byte(&queueing, tid);

	if (b) {
		if (*b != on)
			*b = on;
	} else if (on) {
		/* A tid past pid_max at the start: its signal may be taken
		 * for the kernel's. */
		count_lost(PT_SIGNAL);
	}
}

static __always_inline __u32 current_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

SEC("tracepoint/syscalls/sys_enter_rt_sigqueueinfo")
int handle_sigqueue_enter(struct trace_event_raw_sys_enter *ctx)
{
	queueing_set(current_tid(), 1);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_rt_sigqueueinfo")
int handle_sigqueue_exit(struct trace_event_raw_sys_exit *ctx)
{
	queueing_set(current_tid(), 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_rt_tgsigqueueinfo")
int handle_tgsigqueue_enter(struct trace_event_raw_sys_enter *ctx)
{
	queueing_set(current_tid(), 1);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_rt_tgsigqueueinfo")
int handle_tgsigqueue_exit(struct trace_event_raw_sys_exit *ctx)
{
	queueing_set(current_tid(), 0);
	return 0;
}

/* pidfd_send_signal(pidfd, sig, info, flags): without info the kernel
 * makes an SI_USER siginfo itself. */
SEC("tracepoint/syscalls/sys_enter_pidfd_send_signal")
int handle_pidfd_signal_enter(struct trace_event_raw_sys_enter *ctx)
{
	if (ctx->args[2])
		queueing_set(current_tid(), 1);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_pidfd_send_signal")
int handle_pidfd_signal_exit(struct trace_event_raw_sys_exit *ctx)
{
	queueing_set(current_tid(), 0);
	return 0;
}

static __always_inline bool queued_by_current(void)
{
	__u8 *b = pid_byte(&queueing, current_tid());

	return b && *b;
}

/* The task that number nr names in pid namespace ns, as find_pid_ns() and
 * pid_task() find it: down the namespace's idr (an xarray of struct pid),
 * then the pid's first PIDTYPE_PID task. NULL if there is none. Rare paths
 * only: a few reads per level. */
static __always_inline struct task_struct *task_by_vnr(struct pid_namespace *ns, __u32 nr)
{
	const unsigned long chunk = bpf_core_field_size(struct xa_node, slots) / sizeof(void *);
	unsigned long entry = (unsigned long)BPF_CORE_READ(ns, idr.idr_rt.xa_head);
	unsigned long index = nr - BPF_CORE_READ(ns, idr.idr_base);
	struct hlist_node *first;
	struct xa_node *node;
	unsigned long off;
	bool descended = false;
	int i;

	for (i = 0; i < XA_MAX_DEPTH && XA_IS_NODE(entry); i++) {
		node = (struct xa_node *)(entry - 2);
		off = index >> BPF_CORE_READ(node, shift);
		/* the root node covers chunk << shift numbers */
		if (!descended && off >= chunk)
			return NULL;
		descended = true;
		off &= chunk - 1;
		entry = 0;
		bpf_core_read(&entry, sizeof(entry), &node->slots[off]);
	}
	/* Not down to a leaf (too deep, or a root that is one entry only for
	 * index 0), empty, or a retry/zero entry of a tree being changed. */
	if (!descended || !entry || XA_INTERNAL(entry))
		return NULL;
	first = BPF_CORE_READ((struct pid *)entry, tasks[PIDTYPE_PID_].first);
	if (!first)
		return NULL;
	return container_of_any(first, struct task_struct, pid_links);
}

/* The number of pid p in namespace ns at the given level, 0 if none. */
static __always_inline __u32 nr_in_ns(struct pid *p, struct pid_namespace *ns, unsigned int level)
{
	struct upid up = {};

	if (!p || BPF_CORE_READ(p, level) < level)
		return 0;
	bpf_core_read(&up, sizeof(up), &p->numbers[level]);
	return up.ns == ns ? up.nr : 0;
}

/* The task si_pid names for receiver target (a thread of the parent or
 * tracer). Mostly the notifying child is current, or current's process
 * (the last thread of a process reports it by its leader's number): that
 * is checked first, without a lookup. */
static __always_inline struct task_struct *notifier(struct task_struct *target, __u32 nr)
{
	struct task_struct *cur = current_task();
	struct pid_namespace *ns;
	unsigned int level;
	__u64 id;

	if (!nr)
		return NULL;
	if (BPF_CORE_READ(target, thread_pid, level) == 0) {
		id = bpf_get_current_pid_tgid();
		if (nr == (__u32)id)
			return cur;
		if (nr == id >> 32)
			return BPF_CORE_READ(cur, group_leader);
		return task_by_vnr(BPF_CORE_READ(target, thread_pid, numbers[0].ns), nr);
	}
	ns = active_ns(target, &level);
	if (nr == nr_in_ns(BPF_CORE_READ(cur, thread_pid), ns, level))
		return cur;
	if (nr == nr_in_ns(pid_of(BPF_CORE_READ(cur, signal), PIDTYPE_TGID_), ns, level))
		return BPF_CORE_READ(cur, group_leader);
	return task_by_vnr(ns, nr);
}

/* For a kernel-made signal with a CLD_* code, the child it is about; NULL
 * if it is no child notification. With SIGCHLD the kernel itself reads the
 * siginfo as a child's (siginfo_layout()). Any other signal is one only as
 * a child's exit_signal, to its parent or tracer: other kernel signals use
 * the same code numbers (F_SETSIG's POLL_IN is 1). */
/* A global function, verified once on its own: inline, its lookups' branches
 * multiplied the states of handle_signal_generate (the start's largest
 * verification). Task and siginfo as numbers (read with helpers); returns
 * the child's address, 0 for none. */
__noinline unsigned long notified_child(int sig, int code, unsigned long info,
					unsigned long target_addr)
{
	struct task_struct *target = (struct task_struct *)target_addr;
	struct task_struct *child;
	pid_t parent;

	if (!target || code < CLD_EXITED || code > CLD_CONTINUED || !raw_ptr_ok(info))
		return 0;
	child = notifier(target,
			 BPF_CORE_READ((struct kernel_siginfo *)info, _sifields._sigchld._pid));
	if (!child || sig == SIGCHLD)
		return (unsigned long)child;
	if (BPF_CORE_READ(child, exit_signal) != sig)
		return 0;
	parent = BPF_CORE_READ(target, tgid);
	if (BPF_CORE_READ(child, real_parent, tgid) != parent &&
	    BPF_CORE_READ(child, parent, tgid) != parent)
		return 0;
	return (unsigned long)child;
}

/* si_codes that only the kernel gives, unless a process queued them. */
static __always_inline bool kernel_code(int code)
{
	return code > 0 || code == SI_TIMER || code == SI_ASYNCIO;
}

/* Fills by with the sender of signal sig (si_code code, siginfo info as a
 * number: raw_arg) to target, and returns the flags that say what it is: 0
 * for a process, or PT_F_KERNEL_SENDER with by zeroed. */
static __always_inline __u16 signal_sender(struct pt_actor *by, int sig, int code,
					   unsigned long info, struct task_struct *target,
					   unsigned long target_addr)
{
	struct task_struct *cur = current_task();
	struct task_struct *child;

	if (!kernel_code(code)) {
		fill_actor_current(by);
		return 0;
	}
	/* A positive si_code can only be queued to the caller's own process. */
	if ((code < 0 || (__u32)(bpf_get_current_pid_tgid() >> 32) == (__u32)target->tgid) &&
	    queued_by_current()) {
		fill_actor_current(by);
		return 0;
	}
	child = (struct task_struct *)notified_child(sig, code, info, target_addr);
	if (child == cur) {
		fill_actor_current(by);
		return 0;
	}
	if (child) {
		fill_actor_any(by, child);
		return 0;
	}
	__builtin_memset(by, 0, sizeof(*by));
	return PT_F_KERNEL_SENDER;
}

#endif /* PROCTRACE_SENDER_BPF_H */
