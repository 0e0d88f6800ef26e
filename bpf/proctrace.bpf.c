// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * proctrace kernel side: process lifecycle events into one ring buffer.
 *
 * Every handler reads what it needs from the kernel at the event (never
 * later from /proc), fills the common fields so the event describes its
 * process on its own, and leaves all formatting to userspace.
 *
 * CO-RE: one object for every kernel >= 5.8 with BTF. Only tp_btf programs,
 * syscall tracepoints and a task iterator are used (no kprobes/fentry).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "proctrace/event.h"
/* The filter rules of userspace, on read-only data fixed at load time. */
#define PT_RULES_QUAL const volatile
#define PT_RULES_INLINE static __always_inline
/* The kernel has a struct pt_filter of its own (vmlinux.h): ours takes
 * another name on this side. */
#define pt_filter proctrace_filter
#include "proctrace/filter_rules.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#include "maps.bpf.h"
#include "task.bpf.h"
#include "usage.bpf.h"
#include "reap.bpf.h"

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	bool thread = child->pid != child->tgid;
	struct pt_event *e;
	__u32 pid;

	if (thread && !trace_threads)
		return 0;
	if (!thread) {
		pid = child->tgid;
		if (reaps_on())
			pid_reused(pid);
		follow_child(parent, child);
	}
	if (!kind_on(thread ? PT_THREAD : PT_FORK) || !task_wanted(child))
		return 0;
	e = reserve(thread ? PT_THREAD : PT_FORK);
	if (!e)
		return 0;
	fill_task(&e->task, child);
	fill_actor(&e->by, parent);
	submit(e);
	return 0;
}

static __always_inline __u32 read_argv(struct pt_event *ev, struct task_struct *task)
{
	struct mm_struct *mm = task->mm;
	__u64 start = mm->arg_start;
	__u64 size = mm->arg_end - start;
	__u32 len = size;

	ev->exec.args_size = size;
	if (size > PT_ARGV_MAX) {
		len = PT_ARGV_MAX;
		ev->flags |= PT_F_ARGV_TRUNC;
	}
	if (len == 0)
		return 0;
	barrier_var(len);
	if (len > PT_ARGV_MAX)
		return 0;
	if (bpf_probe_read_user(ev->data, len, (const void *)start)) {
		ev->flags |= PT_F_ARGV_FAULT;
		return 0;
	}
	return len;
}

/* A full buffer says only that the path has at least PT_PATH_MAX - 1 bytes:
 * a path of exactly that length (the longest execve accepts) is complete,
 * and its terminating NUL is the next byte. */
static __always_inline bool path_longer_than_captured(const char *path)
{
	char next = 1;

	bpf_probe_read_kernel(&next, 1, path + PT_PATH_MAX - 1);
	return next != 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct exec_scratch *s = bpf_map_lookup_elem(&scratch, &cpu);
	struct pt_event *ev = (struct pt_event *)s;
	__u32 argv_len, path_len = 0, size;
	long n;

	if (!kind_on(PT_EXEC) || !s || !task_wanted(task))
		return 0;
	ev->kind = PT_EXEC;
	ev->flags = 0;
	fill_task(&ev->task, task);
	no_actor(ev);
	ev->exec.old_tid = old_pid;
	ev->exec.argc = bprm->argc;
	ev->exec._pad = 0;

	argv_len = read_argv(ev, task);
	barrier_var(argv_len);
	if (argv_len > PT_ARGV_MAX)
		return 0;
	n = bpf_probe_read_kernel_str(ev->data + argv_len, PT_PATH_MAX, bprm->filename);
	if (n > 0) {
		path_len = n - 1;
		if (n == PT_PATH_MAX && path_longer_than_captured(bprm->filename))
			ev->flags |= PT_F_PATH_TRUNC;
	}
	ev->exec.argv_len = argv_len;
	ev->exec.path_len = path_len;

	size = sizeof(*ev) + argv_len + path_len;
	barrier_var(size);
	if (size > sizeof(*s))
		return 0;
	ev->size = size;
	if (bpf_ringbuf_output(&events, s, size, wakeup_flag()))
		count_lost(PT_EXEC);
	return 0;
}

/* The second argument (group_dead) only exists on newer kernels: the
 * thread group is dead when its live count has dropped to zero, which is
 * true before this tracepoint on every kernel. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *task)
{
	struct signal_struct *sig = task->signal;
	bool group_dead = sig->live.counter == 0;
	struct pt_event *e;

	if ((!group_dead && !trace_threads) || !task_wanted(task))
		return 0;
	e = kind_on(PT_EXIT) ? reserve(PT_EXIT) : NULL;
	if (!e) {
		/* The exit is lost (and counted) or not asked for, its reap
		 * need not be. */
		if (group_dead && reaps_on()) {
			struct pt_task t;

			fill_task(&t, task);
			name_after_leader(&t, task);
			exit_to_zombie(task, &t);
		}
		return 0;
	}
	fill_task(&e->task, task);
	no_actor(e);
	e->exit._pad = 0;
	if (group_dead) {
		e->flags |= PT_F_GROUP_DEAD;
		e->exit.status = process_status(task, sig);
		name_after_leader(&e->task, task);
		/* An autoreap's record is reserved after this one: read after it. */
		if (reaps_on())
			exit_to_zombie(task, &e->task);
	} else {
		e->exit.status = task->exit_code;
	}
	fill_usage(&e->exit, task, sig, group_dead);
	submit(e);
	return 0;
}

static __always_inline bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static __always_inline int siginfo_code(struct kernel_siginfo *info)
{
	/* SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) are not pointers. */
	if ((unsigned long)info == 0)
		return SI_USER;
	if ((unsigned long)info == 1)
		return SI_KERNEL;
	return BPF_CORE_READ(info, si_code);
}

#include "sender.bpf.h"

static __always_inline void emit_signal(__u32 kind, int sig, int code, int result,
					struct task_struct *target, bool group,
					const struct pt_actor *by, __u16 flags)
{
	struct pt_event *e = reserve(kind);

	if (!e)
		return;
	fill_task(&e->task, target);
	e->by = *by;
	e->flags |= flags;
	e->signal.sig = sig;
	e->signal.code = code;
	e->signal.result = result;
	e->signal._pad = 0;
	if (group)
		e->flags |= PT_F_SIG_GROUP;
	submit(e);
}

/* The entry of process tgid in `stops`, made if it has none. */
static __always_inline struct stop_state *stop_state_of(__u32 tgid)
{
	struct stop_state *s = bpf_map_lookup_elem(&stops, &tgid);
	struct stop_state fresh = {};

	if (s)
		return s;
	bpf_map_update_elem(&stops, &tgid, &fresh, BPF_NOEXIST);
	return bpf_map_lookup_elem(&stops, &tgid);
}

/* Who sent the pending stop signal sig, for its stop. */
static __always_inline void keep_stop_sender(__u32 tgid, int sig, const struct pt_actor *by,
					     __u16 flags)
{
	struct stop_state *s = bpf_map_lookup_elem(&stops, &tgid);
	struct stop_state fresh = {};
	int i = (sig - SIGSTOP) & 3;

	if (!s)
		s = &fresh;
	s->by[i] = *by;
	s->flags[i] = flags;
	s->sent |= 1 << i;
	if (s == &fresh)
		bpf_map_update_elem(&stops, &tgid, &fresh, BPF_NOEXIST);
}

/* Whether this SIGCONT continues the process. prepare_signal() has just run
 * for it: if the process was stopped, or in the middle of a group stop, it
 * is now running again and marked SIGNAL_STOP_CONTINUED with a CLD_* flag
 * for its parent. Those flags stay until the process runs, so a SIGCONT
 * right after another finds them too: the stop is answered once. Whatever
 * the handler or the mask, and whether the task is wanted or not, so that
 * `stops` follows the kernel. */
static __always_inline bool continues(struct task_struct *task)
{
	unsigned int flags = task->signal->flags;
	__u32 tgid = task->tgid;
	struct stop_state *s;

	if (!(flags & SIGNAL_STOP_CONTINUED) || !(flags & SIGNAL_CLD_MASK))
		return false;
	s = bpf_map_lookup_elem(&stops, &tgid);
	if (!s || !s->stopped)
		return false;
	bpf_map_delete_elem(&stops, &tgid);
	return true;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(handle_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	int code = siginfo_code(info);
	bool continued = stops_on() && sig == SIGCONT && continues(task);
	bool stop_sent = kind_on(PT_STOP) && is_stop_signal(sig) && result == PT_SIG_DELIVERED;
	struct pt_actor by;
	__u16 flags;

	continued = continued && kind_on(PT_CONTINUE);
	/* Nothing to say about this one: not even its sender is read. */
	if (!(signal_on(sig) || stop_sent || continued) || !task_wanted(task))
		return 0;
	flags = signal_sender(&by, sig, code, info, task);
	if (signal_on(sig))
		emit_signal(PT_SIGNAL, sig, code, result, task, group, &by, flags);
	if (stop_sent)
		keep_stop_sender(task->tgid, sig, &by, flags);
	if (continued)
		emit_signal(PT_CONTINUE, sig, code, result, task, group, &by, flags);
	return 0;
}

/* A stop signal with the default action stops the process when it is
 * dequeued, in the target's own context; the sender was kept at generation.
 * Not so for an init (pid 1 of a namespace), which takes only SIGSTOP, nor
 * for a process already stopped (possible under ptrace): that is no new
 * stop. */
SEC("tp_btf/signal_deliver")
int BPF_PROG(handle_signal_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	struct task_struct *task = current_task();
	int i = (sig - SIGSTOP) & 3;
	struct stop_state *s;
	struct pt_event *e;
	unsigned int flags;

	if (!is_stop_signal(sig) || (unsigned long)BPF_CORE_READ(ka, sa.sa_handler) != SIG_DFL)
		return 0;
	flags = BPF_CORE_READ(task, signal, flags);
	if ((flags & SIGNAL_STOP_STOPPED) || ((flags & SIGNAL_UNKILLABLE) && sig != SIGSTOP))
		return 0;
	s = stop_state_of(BPF_CORE_READ(task, tgid));
	if (s)
		s->stopped = 1;
	if (!kind_on(PT_STOP) || !task_wanted(task))
		return 0;
	e = reserve(PT_STOP);
	if (!e)
		return 0;
	fill_task_current(&e->task);
	e->task.state = PT_STATE_STOPPED;
	e->signal.sig = sig;
	e->signal.code = siginfo_code(info);
	e->signal.result = PT_SIG_DELIVERED;
	e->signal._pad = 0;
	if (s && (s->sent & (1 << i))) {
		e->by = s->by[i];
		e->flags |= s->flags[i];
		s->sent &= ~(1 << i);
	} else {
		/* generated before tracing began (or filtered out then) */
		no_actor(e);
		if (kernel_code(e->signal.code))
			e->flags |= PT_F_KERNEL_SENDER;
	}
	submit(e);
	return 0;
}

/* find_task_by_vpid() as setpgid(pid, ...) does it, in the caller's pid
 * namespace; pid 0 is the caller's process. Any process may be named: the
 * kernel then checks it is the caller or a child of the caller's process
 * (forked by any of its threads), and a refused call makes no event. */
static __always_inline struct task_struct *setpgid_target(struct task_struct *cur, __u32 vpid)
{
	unsigned int level;
	struct pid_namespace *ns = active_ns(cur, &level);

	if (vpid == 0)
		return BPF_CORE_READ(cur, group_leader);
	return task_by_vnr(ns, vpid);
}

SEC("tracepoint/syscalls/sys_enter_setpgid")
int handle_setpgid_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_struct *target = setpgid_target(current_task(), ctx->args[0]);
	struct inflight f = {};

	if (!target)
		return 0;
	f.ptr = (__u64)target;
	f.old_pgid = task_pgid(target);
	f.old_sid = task_sid(target);
	bpf_map_update_elem(&inflight, &tid, &f, BPF_ANY);
	return 0;
}

/* A process leaving a followed group yields that event, then is no longer
 * followed: match on the group left as well as the one joined. */
static __always_inline void emit_setpg(__u32 kind, struct task_struct *target, struct inflight *f)
{
	struct pt_event *e;

	if (!task_wanted_in(target, f->old_pgid))
		return;
	e = reserve(kind);
	if (!e)
		return;
	fill_task_any(&e->task, target);
	fill_actor_current(&e->by);
	e->setpg.old_pgid = f->old_pgid;
	e->setpg.old_sid = f->old_sid;
	submit(e);
}

SEC("tracepoint/syscalls/sys_exit_setpgid")
int handle_setpgid_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight *f = bpf_map_lookup_elem(&inflight, &tid);
	struct task_struct *target;

	if (!f)
		return 0;
	target = (struct task_struct *)f->ptr;
	/* A successful setpgid to the group it is already in changes nothing
	 * (shells call it from both parent and child): no event. */
	if (ctx->ret == 0 && task_pgid(target) != f->old_pgid)
		emit_setpg(PT_SETPGID, target, f);
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_setsid")
int handle_setsid_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_struct *cur = current_task();
	struct inflight f = {};

	f.old_pgid = task_pgid(cur);
	f.old_sid = task_sid(cur);
	bpf_map_update_elem(&inflight, &tid, &f, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_setsid")
int handle_setsid_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight *f = bpf_map_lookup_elem(&inflight, &tid);

	if (!f)
		return 0;
	if (ctx->ret > 0)
		emit_setpg(PT_SETSID, current_task(), f);
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

/* exec renames the task to the new program: that is the exec event's
 * business, so renames during exec are skipped. */
static __always_inline bool in_exec(struct task_struct *task)
{
	if (!bpf_core_field_exists(task->in_execve))
		return false;
	return BPF_CORE_READ_BITFIELD_PROBED(task, in_execve);
}

/* A rename is wanted under either name (like a setpgid under either group),
 * decided before anything is reserved. */
static __always_inline bool rename_wanted(struct task_struct *task, const char *new_comm)
{
	char comm[PT_COMM_LEN] = {};

	if (!filtering())
		return true;
	if (filter.n_comms)
		bpf_probe_read_kernel_str(comm, sizeof(comm), new_comm);
	return task_fields_wanted(task, filter.n_pgids ? task_pgid(task) : 0, comm);
}

SEC("tp_btf/task_rename")
int BPF_PROG(handle_rename, struct task_struct *task, const char *comm)
{
	struct pt_event *e;

	if (in_exec(task) || !rename_wanted(task, comm))
		return 0;
	e = reserve(PT_RENAME);
	if (!e)
		return 0;
	fill_task(&e->task, task);
	__builtin_memcpy(e->rename.old_comm, e->task.comm, sizeof(e->task.comm));
	bpf_probe_read_kernel_str(e->task.comm, sizeof(e->task.comm), comm);
	fill_actor_current(&e->by);
	submit(e);
	return 0;
}

/* Snapshot of the processes already running, read through the iterator's
 * seq_file (not the ring buffer, so it can never be lost). Zombies found
 * here are remembered so their reap is still reported. */
static __always_inline void snapshot_one(struct seq_file *seq, struct task_struct *task)
{
	struct pt_event e = {};

	e.kind = PT_SNAPSHOT;
	e.size = sizeof(e);
	fill_task(&e.task, task);
	e.flags = PT_F_NO_ACTOR;
	/* Stopped, or stopping, before tracing began: its continue is due. */
	if (stops_on() &&
	    (e.task.state == PT_STATE_STOPPED || task->signal->group_stop_count > 0)) {
		struct stop_state *s = stop_state_of(e.task.pid);

		if (s)
			s->stopped = 1;
	}
	/* An exit that came first knows more: NOEXIST. */
	if (reaps_on() && e.task.state == PT_STATE_ZOMBIE && event_task_wanted(&e.task))
		remember_zombie(task, &e.task, 0, BPF_NOEXIST);
	bpf_seq_write(seq, &e, sizeof(e));
}

/* The task iterator may not yield pid 1 (seen on 6.18): it is then found
 * through the first task that one of its threads forked. */
static bool init_done;

SEC("iter/task")
int snapshot_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct task_struct *parent;

	if (!task || task->pid != task->tgid)
		return 0;
	if (task->tgid == 1)
		init_done = true;
	parent = task->real_parent;
	if (!init_done && parent->tgid == 1) {
		init_done = true;
		snapshot_one(ctx->meta->seq, parent->group_leader);
	}
	snapshot_one(ctx->meta->seq, task);
	return 0;
}
