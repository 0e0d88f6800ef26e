/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Why a process ended (pt_exit.cause), from what the kernel recorded:
 *
 * - a fatal signal: its siginfo as generated (signal_generate), kept per
 *   process and signal number until the process takes it (signal_deliver:
 *   a handler or SIG_IGN by then means it did not kill) or dies by it; the
 *   exit's wait status names the signal that killed it. The siginfo tells
 *   who made it: a process (si_code <= 0, or queued to itself), the
 *   kernel for the process's own fault (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 *   SIGTRAP with the fault's si_code), seccomp (SIGSYS with SYS_SECCOMP),
 *   the parent's death (the pdeath_signal, sent with SEND_SIG_NOINFO by
 *   the exiting parent from forget_original_parent()), the teardown of a
 *   pid namespace (SIGKILL with SEND_SIG_PRIV from its exiting init in
 *   zap_pid_ns_processes()), or the kernel otherwise;
 * - the OOM killer: tp oom:mark_victim, which the kernel fires right after
 *   it sent the victim's SIGKILL (__oom_kill_process());
 * - exit_group() of one thread while others live: they are ended by it.
 *   Told at the threads' exits, without a syscall tracepoint (whose tax
 *   every system call of the machine would pay): do_group_exit() marks
 *   the group SIGNAL_GROUP_EXIT with group_exit_code (no signal in its low
 *   bits: exit_group's own code) and wakes the others, which die through
 *   get_signal() and are marked PF_SIGNALED on the way; the caller is the
 *   thread that is not.
 *
 * Included once, by proctrace.bpf.c, after sender.bpf.h and reap.bpf.h.
 */
#ifndef PROCTRACE_CAUSE_BPF_H
#define PROCTRACE_CAUSE_BPF_H

#define SIGILL 4
#define SIGTRAP 5
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGSEGV 11
#define SIGSYS 31
#define SYS_SECCOMP 1
/* Signals whose default action is to ignore, stop or continue: every
 * other one (1-64) ends the process when it is not handled. */
#define SIG_NONFATAL_MASK                                                                          \
	((1u << SIGCHLD) | (1u << SIGCONT) | (1u << SIGSTOP) | (1u << SIGTSTP) | (1u << SIGTTIN) | \
	 (1u << SIGTTOU) | (1u << 23 /* SIGURG */) | (1u << 28 /* SIGWINCH */))
#define SIG_FAULT_MASK                                                                             \
	((1u << SIGILL) | (1u << SIGTRAP) | (1u << SIGBUS) | (1u << SIGFPE) | (1u << SIGSEGV))

/* One fatal signal pending for a process: what made it. */
struct fatal_slot {
	__u8 sig; /* 0: free */
	__u8 cause;
	__s16 code;
	__u16 flags; /* PT_F_NO_ACTOR when by is unknown */
	__u16 _pad;
	struct pt_actor by;
};
#define FATAL_SLOTS 4
struct fatal_state {
	__u64 start_ns; /* the process's; a reused pid is another */
	struct fatal_slot slot[FATAL_SLOTS];
};
/* By tgid, until the process's exit (whatever its end: a process that
 * blocks a fatal signal may exit without taking it). Not LRU: a process
 * whose first fatal signal finds the map full has its exit's cause counted
 * lost (map_keep); an entry a process did not remove (its exit was not
 * wanted, or missed) is replaced by the next process with its pid. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct fatal_state);
} fatal SEC(".maps");

/* Processes a fatal signal of which found no room in `fatal` (the map
 * full, or more pending than FATAL_SLOTS): 1 by tgid (pid_byte). Their
 * exit, if such a signal ends them with no sender kept, says so
 * (PT_F_SENDER_LOST), the loss counted too. Taken at the process's exit,
 * and cleared at the fork of the next process of its pid (an exit that
 * was not seen). Sized by the loader (1 entry without exits). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pid_bytes);
} fatal_unkept SEC(".maps");

static __always_inline void fatal_unkept_mark(__u32 tgid)
{
	__u8 *b = pid_byte(&fatal_unkept, tgid);

	if (b)
		*b = 1;
}

/* Whether tgid was marked; the mark goes. */
static __always_inline bool fatal_unkept_take(__u32 tgid)
{
	__u8 *b = pid_byte(&fatal_unkept, tgid);

	if (!b || !*b)
		return false;
	*b = 0;
	return true;
}

/* exit_group() called while other threads of the process lived: by tgid. */
struct group_exit {
	__u64 start_ns;
	__u32 code;	   /* group_exit_code: exit_group's argument, as a wait status */
	__u8 caller_seen;  /* by is the thread that called exit_group() */
	__u8 others_ended; /* a thread was ended by it */
	__u16 _pad;
	struct pt_actor by;
};
/* Until the process's exit; not LRU, as fatal above. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct group_exit);
} group_exits SEC(".maps");

static __always_inline bool default_fatal(int sig)
{
	if (sig <= 0 || sig > 64)
		return false;
	return sig >= 32 || !(SIG_NONFATAL_MASK & (1u << sig));
}

/* What made signal sig (si_code code, siginfo info) to target; by and
 * flags are the signal row's sender, adjusted for the causes that name
 * another actor. */
static __always_inline __u8 signal_cause(int sig, int code, unsigned long info,
					 struct task_struct *target, struct pt_actor *by,
					 __u16 *flags)
{
	struct task_struct *cur = current_task();
	bool exiting = BPF_CORE_READ(cur, flags) & PF_EXITING_;

	/* SEND_SIG_NOINFO: on a task's behalf (SIGPIPE, SIGXFSZ), or the
	 * parent-death signal that forget_original_parent() sends from the
	 * dying parent. */
	if (info == 0) {
		if (exiting && BPF_CORE_READ(target, pdeath_signal) == sig &&
		    BPF_CORE_READ(cur, tgid) != BPF_CORE_READ(target, tgid))
			return PT_CAUSE_PDEATHSIG;
		*flags = PT_F_NO_ACTOR;
		return PT_CAUSE_KERNEL;
	}
	/* SEND_SIG_PRIV: the kernel's own (the OOM killer's SIGKILL too,
	 * named at mark_victim). */
	if (info == 1) {
		if (sig == SIGKILL && zapping(cur)) {
			fill_actor_any(by, cur);
			*flags = 0;
			return PT_CAUSE_NS_TEARDOWN;
		}
		*flags = PT_F_NO_ACTOR;
		return PT_CAUSE_KERNEL;
	}
	if (!(*flags & PT_F_KERNEL_SENDER))
		return PT_CAUSE_SIGNAL;
	*flags = PT_F_NO_ACTOR;
	if (sig == SIGSYS && code == SYS_SECCOMP)
		return PT_CAUSE_SECCOMP;
	if (sig < 32 && (SIG_FAULT_MASK & (1u << sig)) && code > 0 && code < SI_KERNEL)
		return PT_CAUSE_FAULT;
	return PT_CAUSE_KERNEL;
}

/* The entry of process tgid in a map by tgid whose values begin with the
 * process's start time (a reused pid is another process), made from fresh
 * (flags: BPF_ANY replaces an old process's entry; BPF_NOEXIST where two
 * threads may make it at once, the first made being the one both write
 * into). NULL if the map had no room (counted lost as an exit: map_keep)
 * or holds another process's. */
static __always_inline void *process_entry_keep(void *map, __u32 tgid, __u64 start,
						const void *fresh, __u64 flags)
{
	__u64 *held;

	map_keep(map, &tgid, fresh, flags, PT_EXIT);
	held = bpf_map_lookup_elem(map, &tgid);
	return held && *held == start ? held : NULL;
}
_Static_assert(__builtin_offsetof(struct fatal_state, start_ns) == 0, "start first");
_Static_assert(__builtin_offsetof(struct group_exit, start_ns) == 0, "start first");

static __always_inline struct fatal_state *fatal_state_of(__u32 tgid, __u64 start, bool create)
{
	struct fatal_state *s = bpf_map_lookup_elem(&fatal, &tgid);
	struct fatal_state fresh = {};

	if (s && s->start_ns == start)
		return s;
	if (!create)
		return NULL;
	fresh.start_ns = start;
	s = process_entry_keep(&fatal, tgid, start, &fresh, BPF_ANY);
	if (!s)
		fatal_unkept_mark(tgid);
	return s;
}

static __always_inline struct fatal_slot *fatal_slot_of(struct fatal_state *s, int sig)
{
	for (int i = 0; i < FATAL_SLOTS; i++)
		if (s->slot[i].sig == sig)
			return &s->slot[i];
	return NULL;
}

/* At generation (signal_generate, after the kernel queued it): a signal
 * that will end the process when taken, unless a handler is set by then.
 * Of several of one number pending, the first is the one taken. */
static __always_inline void note_fatal_signal(int sig, int code, unsigned long info,
					      const struct task_view *tv, int result,
					      const struct pt_actor *sender, __u16 sender_flags)
{
	struct task_struct *target = tv->task;
	struct fatal_state *s;
	struct fatal_slot *slot;
	struct sighand_struct *sh;
	unsigned long handler = SIG_DFL;
	__u16 flags = sender_flags;
	struct pt_actor by = *sender;
	__u8 cause;

	if (result != PT_SIG_DELIVERED || !default_fatal(sig))
		return;
	/* A variable index: read through a plain pointer (read by a helper:
	 * a load would cost the verifier a search of BTF on each path, as in
	 * struct task_view). */
	sh = BPF_CORE_READ(target, sighand);
	bpf_core_read(&handler, sizeof(handler), &sh->action[(sig - 1) & 63].sa.sa_handler);
	if (sig != SIGKILL && handler != SIG_DFL)
		return;
	cause = signal_cause(sig, code, info, target, &by, &flags);
	s = fatal_state_of(target->tgid, tv->leader->start_boottime, true);
	if (!s || fatal_slot_of(s, sig))
		return;
	slot = fatal_slot_of(s, 0);
	if (!slot) {
		/* More fatal signals pending than slots: the one replaced may
		 * be the one that ends the process, its exit's cause unknown
		 * (docs/bounds.md). */
		count_lost(PT_EXIT);
		fatal_unkept_mark(target->tgid);
		slot = &s->slot[sig & (FATAL_SLOTS - 1)];
	}
	slot->sig = sig;
	slot->cause = cause;
	slot->code = code;
	slot->flags = flags & PT_F_NO_ACTOR;
	if (flags & PT_F_NO_ACTOR)
		__builtin_memset(&slot->by, 0, sizeof(slot->by));
	else
		slot->by = by;
}

/* At delivery (signal_deliver, in the receiver): a signal taken by a
 * handler, or ignored by now, did not kill; forget it. */
static __always_inline void fatal_signal_taken(struct task_struct *task, int sig,
					       unsigned long handler)
{
	__u32 tgid;
	struct fatal_state *s;
	struct fatal_slot *slot;

	/* The handler first: most deliveries need no lookup. */
	if (sig == SIGKILL || handler == SIG_DFL)
		return;
	tgid = BPF_CORE_READ(task, tgid);
	s = bpf_map_lookup_elem(&fatal, &tgid);
	if (!s)
		return;
	slot = fatal_slot_of(s, sig);
	if (slot)
		slot->sig = 0;
}

SEC("tracepoint/oom/mark_victim")
int handle_oom_victim(struct trace_event_raw_mark_victim *ctx)
{
	struct task_struct *cur = current_task();
	struct pid *p = BPF_CORE_READ(cur, thread_pid);
	struct pid_namespace *init_ns = BPF_CORE_READ(p, numbers[0].ns);
	struct task_struct *victim = task_by_vnr(init_ns, BPF_CORE_READ(ctx, pid));
	struct fatal_state *s;
	struct fatal_slot *slot;
	__u64 start;
	__u32 tgid;

	if (!victim)
		return 0;
	tgid = BPF_CORE_READ(victim, tgid);
	start = BPF_CORE_READ(victim, group_leader, start_boottime);
	s = fatal_state_of(tgid, start, true);
	if (!s)
		return 0;
	slot = fatal_slot_of(s, SIGKILL);
	if (!slot)
		slot = fatal_slot_of(s, 0);
	if (!slot) {
		count_lost(PT_EXIT);
		fatal_unkept_mark(tgid);
		slot = &s->slot[SIGKILL & (FATAL_SLOTS - 1)];
	}
	slot->sig = SIGKILL;
	slot->cause = PT_CAUSE_OOM;
	slot->code = SI_KERNEL;
	slot->flags = PT_F_NO_ACTOR;
	__builtin_memset(&slot->by, 0, sizeof(slot->by));
	return 0;
}

#define PF_SIGNALED_ 0x00000400 /* task->flags: killed by a signal (get_signal()) */

#define GROUP_EXIT_MAX_THREADS 64

/* A thread of the process at sig_addr (its signal_struct, as a number)
 * other than the one of tid self_tid: with killed, one that exit_group()
 * killed (PF_SIGNALED) and that is not released yet; else its caller, on
 * its way out (not killed, not yet a zombie: a thread that ended before,
 * like a leader after pthread_exit(), is one). Its address, 0 for none. A
 * global function, verified once apart: inlined three times into the exit
 * program, its walk took 6.1's verifier past a million instructions. */
__noinline unsigned long group_exit_thread_find(unsigned long sig_addr, __u32 self_tid, int killed)
{
	struct signal_struct *sig = (struct signal_struct *)sig_addr;
	struct thread_walk w = {};
	struct task_struct *t;

	if (!sig)
		return 0;
	/* One walk for each question: a test of killed in the walk made the
	 * verifier follow each answer of it through every turn (70,000
	 * instructions for 64 turns). */
	if (killed) {
		for_each_thread_bounded(w, sig, t, GROUP_EXIT_MAX_THREADS)
		{
			if ((__u32)BPF_CORE_READ(t, pid) != self_tid &&
			    (BPF_CORE_READ(t, flags) & PF_SIGNALED_))
				return (unsigned long)t;
		}
	} else {
		for_each_thread_bounded(w, sig, t, GROUP_EXIT_MAX_THREADS)
		{
			if ((__u32)BPF_CORE_READ(t, pid) != self_tid &&
			    !(BPF_CORE_READ(t, flags) & PF_SIGNALED_) &&
			    !BPF_CORE_READ(t, exit_state))
				return (unsigned long)t;
		}
	}
	/* Not found among the first threads: the exit's cause may be
	 * another than the kernel's; counted lost (docs/bounds.md). */
	if (thread_walk_more(&w))
		count_lost(PT_EXIT);
	return 0;
}

/* The same for self's process; the thread is not a BTF-typed pointer. */
static __always_inline struct task_struct *group_exit_thread(struct task_struct *self, bool killed)
{
	unsigned long sig = (unsigned long)BPF_CORE_READ(self, signal);

	return (struct task_struct *)group_exit_thread_find(sig, BPF_CORE_READ(self, pid), killed);
}

/* At the exit of every thread of a process that exit_group() ends: the
 * caller is remembered, and that it ended others. The caller may well be
 * the last to die; the others it ended are then either seen before it or
 * still on the thread list (until their release, after this tracepoint). */
static __always_inline void note_group_exit(const struct task_view *v, bool group_dead)
{
	struct task_struct *task = v->task;
	struct signal_struct *sig = v->sig;
	bool caller = !(task->flags & PF_SIGNALED_);
	__u32 tgid = task->tgid;
	__u64 start = v->leader->start_boottime;
	struct group_exit fresh = {}, *g;

	if (!(sig->flags & SIGNAL_GROUP_EXIT) || (sig->group_exit_code & 0x7f) ||
	    !task_wanted(task))
		return;
	g = bpf_map_lookup_elem(&group_exits, &tgid);
	if (!g || g->start_ns != start) {
		/* The caller last, none killed by it: it ended only itself
		 * (cause exit). */
		if (caller && group_dead && !group_exit_thread(task, true))
			return;
		fresh.start_ns = start;
		fresh.code = sig->group_exit_code;
		/* Two threads of the process may get here at once. */
		g = process_entry_keep(&group_exits, tgid, start, &fresh,
				       g ? BPF_ANY : BPF_NOEXIST);
		if (!g)
			return;
	}
	if (!caller) {
		g->others_ended = 1;
		/* The last one out before the caller's own tracepoint: the
		 * caller is still on the list. */
		if (group_dead && !g->caller_seen) {
			struct task_struct *t = group_exit_thread(task, false);

			if (t) {
				g->caller_seen = 1;
				fill_actor_any(&g->by, t);
			}
		}
	} else if (!g->caller_seen) {
		g->caller_seen = 1;
		if (group_dead && group_exit_thread(task, true))
			g->others_ended = 1;
		fill_actor_any(&g->by, task);
	}
}

/* The cause of the process exit e (its status set), with its actor. */
static __always_inline void exit_cause(struct pt_event *e, const struct task_view *v)
{
	struct task_struct *task = v->task;
	__u32 tgid = task->tgid, status = e->exit.status;
	__u64 start = v->leader->start_boottime;
	struct fatal_state *s;
	struct fatal_slot *slot;
	struct group_exit *g;
	bool unkept = fatal_unkept_take(tgid);

	/* One lookup per exit: the map of the kind of end it had. */
	if (status & 0x7f) {
		e->exit.cause = PT_CAUSE_SIGNAL;
		s = fatal_state_of(tgid, start, false);
		slot = s ? fatal_slot_of(s, status & 0x7f) : NULL;
		/* Its sender was not kept for want of room: said, not left out. */
		if (unkept && !slot)
			e->flags |= PT_F_SENDER_LOST;
		if (slot) {
			e->exit.cause = slot->cause;
			e->exit.code = slot->code;
			e->exit.has_code = 1;
			if (!(slot->flags & PT_F_NO_ACTOR)) {
				e->by = slot->by;
				e->flags &= ~PT_F_NO_ACTOR;
			}
		}
		if (s)
			bpf_map_delete_elem(&fatal, &tgid);
		return;
	}
	e->exit.cause = PT_CAUSE_EXIT;
	/* A fatal signal it blocked and never took: its entry goes too. */
	bpf_map_delete_elem(&fatal, &tgid);
	g = bpf_map_lookup_elem(&group_exits, &tgid);
	if (!g)
		return;
	if (g->start_ns == start && g->code == status && g->caller_seen && g->others_ended) {
		e->exit.cause = PT_CAUSE_EXIT_GROUP;
		e->by = g->by;
		e->flags &= ~PT_F_NO_ACTOR;
	}
	bpf_map_delete_elem(&group_exits, &tgid);
}

#endif /* PROCTRACE_CAUSE_BPF_H */
