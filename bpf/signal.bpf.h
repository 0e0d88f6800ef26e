/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Signals, stops and continues: the signal_generate and signal_deliver
 * programs, and the stops map that answers each stop with one continue.
 * Who sent a signal is sender.bpf.h's business.
 * Included once, by proctrace.bpf.c (one BPF object).
 */
#ifndef PROCTRACE_SIGNAL_BPF_H
#define PROCTRACE_SIGNAL_BPF_H

static __always_inline bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* info as a plain number (raw_arg): SEND_SIG_NOINFO (0) and SEND_SIG_PRIV
 * (1) are not pointers. */
static __always_inline int siginfo_code(unsigned long info)
{
	if (info == 0)
		return SI_USER;
	if (!raw_ptr_ok(info))
		return SI_KERNEL;
	return BPF_CORE_READ((struct kernel_siginfo *)info, si_code);
}

/* The handler of a k_sigaction given as a number (raw_arg). */
static __always_inline unsigned long sig_handler(unsigned long ka)
{
	if (!raw_ptr_ok(ka))
		return SIG_DFL;
	return (unsigned long)BPF_CORE_READ((struct k_sigaction *)ka, sa.sa_handler);
}

static __always_inline void emit_signal(__u32 kind, int sig, int code, int result,
					const struct task_view *target, bool group,
					const struct pt_actor *by, __u16 flags)
{
	struct pt_event *e = reserve(kind);

	if (!e)
		return;
	fill_task_view(&e->task, target);
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

/* The entry of process tgid in `stops`, made if it has none; a full map
 * makes none: the continue that would answer the stop is counted lost. */
static __always_inline struct stop_state *stop_state_of(__u32 tgid)
{
	struct stop_state *s = bpf_map_lookup_elem(&stops, &tgid);
	struct stop_state fresh = {};

	if (s)
		return s;
	map_keep(&stops, &tgid, &fresh, BPF_NOEXIST, PT_CONTINUE);
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
	/* Full: the stop will not name its sender, counted lost. */
	if (s == &fresh)
		map_keep(&stops, &tgid, &fresh, BPF_NOEXIST, PT_STOP);
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
	bool continued, stop_sent, fatal;
	unsigned long raw_info;
	struct task_view tv;
	struct pt_actor by;
	__u16 flags;
	int code;

	/* Its pointers once, before the branches below multiply the paths
	 * the verifier follows (struct task_view). */
	task_view_of(&tv, task);
	raw_info = raw_arg(ctx, 1);
	code = siginfo_code(raw_info);
	continued = stops_on() && sig == SIGCONT && continues(task) && kind_on(PT_CONTINUE);
	stop_sent = kind_on(PT_STOP) && is_stop_signal(sig) && result == PT_SIG_DELIVERED;
	/* A signal that will end the process: its exit's cause. */
	fatal = kind_on(PT_EXIT) && result == PT_SIG_DELIVERED && default_fatal(sig);
	/* Nothing to say about this one: not even its sender is read. */
	if (!(signal_on(sig) || stop_sent || continued || fatal) || !task_wanted(task))
		return 0;
	flags = signal_sender(&by, sig, code, raw_info, task, raw_arg(ctx, 2));
	if (signal_on(sig))
		emit_signal(PT_SIGNAL, sig, code, result, &tv, group, &by, flags);
	if (fatal)
		note_fatal_signal(sig, code, raw_info, &tv, result, &by, flags);
	if (stop_sent)
		keep_stop_sender(task->tgid, sig, &by, flags);
	if (continued)
		emit_signal(PT_CONTINUE, sig, code, result, &tv, group, &by, flags);
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
	unsigned long handler = sig_handler(raw_arg(ctx, 2));
	int i = (sig - SIGSTOP) & 3;
	struct stop_state *s;
	struct pt_event *e;
	unsigned int flags;

	if (kind_on(PT_EXIT))
		fatal_signal_taken(task, sig, handler);
	if (!stops_on() || !is_stop_signal(sig) || handler != SIG_DFL)
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
	e->signal.code = siginfo_code(raw_arg(ctx, 1));
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

#endif
