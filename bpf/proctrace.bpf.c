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
 *
 * One compilation unit, one skeleton; the headers split it by concern:
 * maps.bpf.h (constants, tunables, maps), task.bpf.h (the common fields,
 * reservation), filter.bpf.h (what is recorded: kinds, signals, filters,
 * follow set), usage.bpf.h (status and rusage at exit), reap.bpf.h
 * (zombies, waits, free), signal.bpf.h with sender.bpf.h (signals, stops,
 * continues, senders), groups.bpf.h (setpgid, setsid). This file keeps the
 * lifecycle: fork, exec, exit, rename and the snapshot.
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
#include "filter.bpf.h"
#include "usage.bpf.h"
#include "usage_end.bpf.h"
#include "reap.bpf.h"
#include "sender.bpf.h"
#include "cause.bpf.h"
#include "exec_failed.bpf.h"
#include "clone.bpf.h"
#include "sched.bpf.h"

/* What the maps by thread keep of tid's system call in progress (from
 * the syscall's entry to its exit; `queueing` is an array): gone with the thread, which never
 * returns from a call it dies in (exit(), a fatal signal taken inside the
 * kernel), or with its old tid once an exec from another thread made it
 * the leader. So those maps hold only the threads inside such calls now:
 * a full one is a real bound, counted (map_keep), never an entry left
 * behind. Only the maps of the kinds recorded: the verifier drops the
 * others. */
static __always_inline void forget_thread(__u32 tid)
{
	if (kind_on(PT_REAP) || kind_on(PT_SETPGID) || kind_on(PT_SETSID))
		bpf_map_delete_elem(&inflight, &tid);
	if (kind_on(PT_REAP))
		bpf_map_delete_elem(&wait_candidates, &tid);
	if (kind_on(PT_EXEC_FAILED))
		bpf_map_delete_elem(&exec_entries, &tid);
	if (kind_on(PT_UNSHARE) || kind_on(PT_SETNS))
		bpf_map_delete_elem(&ns_before, &tid);
	if (kind_on(PT_SIGNAL) || stops_on())
		queueing_set(tid, 0);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	bool thread = child->pid != child->tgid;
	struct task_view cv;
	struct pt_event *e;
	__u32 pid;

	if (thread && !trace_threads)
		return 0;
	if (!thread) {
		pid = child->tgid;
		if (reaps_on()) {
			pid_reused(pid);
			ignored_sigchld_clear(pid);
		}
		/* A mark an earlier process of this pid left (its exit unseen). */
		if (kind_on(PT_EXIT))
			fatal_unkept_take(pid);
		follow_child(parent, child);
	}
	if (!kind_on(thread ? PT_THREAD : PT_FORK) || !task_wanted(child))
		return 0;
	e = reserve(thread ? PT_THREAD : PT_FORK);
	if (!e)
		return 0;
	task_view_of(&cv, child);
	fill_task_view(&e->task, &cv);
	if (sched_on) /* its scheduler states begin at this row */
		sched_birth_leave(child->pid, child->start_boottime, e->task.ts_ns);
	fill_actor(&e->by, parent);
	fill_clone(&e->clone, parent, &cv, &e->task);
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
	__u32 argv_len, path_len = 0;
	long n;

	/* The thread that exec'd from another than the leader has taken the
	 * leader's tid: its old one is gone. */
	if ((__u32)old_pid != (__u32)task->pid)
		forget_thread(old_pid);
	if (!kind_on(PT_EXEC) || !s || !task_wanted(task))
		return 0;
	ev->kind = PT_EXEC;
	ev->flags = 0;
	fill_task(&ev->task, task);
	if (sched_on) /* the scheduler states of a task followed from here begin at this row */
		ev->task.ts_ns = sched_exec_row(task, ev->task.ts_ns);
	no_actor(ev);
	ev->exec.old_tid = old_pid;
	ev->exec.argc = bprm->argc;
	ev->exec.error = 0;
	ev->exec.no_return = 0;
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
	output_exec_record(s, argv_len, path_len);
	return 0;
}

/* Whether a thread of the process at sig_addr other than self_tid is
 * between its decrement of the live count and this tracepoint: not a
 * zombie yet and still holding its files (exit_files(), right after the
 * tracepoint, drops them). One that passed the tracepoint after the count
 * reached zero would have claimed first. More threads than the walk sees:
 * said so (1). A global function, verified once apart. */
__noinline int group_exit_in_flight(unsigned long sig_addr, __u32 self_tid)
{
	struct signal_struct *sig = (struct signal_struct *)sig_addr;
	struct thread_walk w = {};
	struct task_struct *t;

	if (!sig)
		return 0;
	for_each_thread_bounded(w, sig, t, GROUP_EXIT_MAX_THREADS)
	{
		if ((__u32)BPF_CORE_READ(t, pid) != self_tid && !BPF_CORE_READ(t, exit_state) &&
		    BPF_CORE_READ(t, files))
			return 1;
	}
	return thread_walk_more(&w);
}

/* The claim, a global function (verified once, on its own: inline, its
 * branches doubled the states of handle_exit past the verifier's limit on
 * 6.1). 1: this exit claimed the process's end; 2: it did, but another
 * thread was on its way out at the same moment, which may have been the
 * kernel's last; 0: another exit had claimed it, or the map had no room
 * for the claim (counted lost: docs/bounds.md); -1: one had, unsure. */
__noinline int group_dead_claim(__u32 tgid, __u64 start_ns, unsigned long sig_addr, __u32 self_tid)
{
	struct group_dead_key k = {};
	__u8 v = 1, *held;
	long ret;

	k.tgid = tgid;
	k.start_ns = start_ns;
	if (group_exit_in_flight(sig_addr, self_tid))
		v = 2;
	ret = map_keep(&group_dead_claims, &k, &v, BPF_NOEXIST, PT_EXIT);
	if (ret == 0)
		return v;
	/* No room (counted): not claimed. At most one exit is the
	 * process's end; a false second one is never made. */
	if (ret != -EEXIST_)
		return 0;
	held = bpf_map_lookup_elem(&group_dead_claims, &k);
	return held && *held == 2 ? -1 : 0;
}

/* Whether this exit ends the thread group: the kernel's own answer, the
 * tracepoint's second argument, where it has one (the kernels whose event
 * record carries group_dead). Older ones: the live count has dropped to
 * zero, true before this tracepoint, but also for a thread whose exit_group
 * sibling decremented last while it was on its way here: two threads may
 * then both look last. One process has one last exit: the first of them to
 * get here claims it (BPF_NOEXIST), the other is a thread's exit; when the
 * first saw the other on its way out, which of the two decremented last is
 * unknown, and both rows say so (*unsure). A process that never had
 * another thread (one listed, none released: nothing summed into sig)
 * needs no claim. */
static __always_inline bool exit_ends_group(unsigned long long *ctx, const struct task_view *v,
					    bool *unsure)
{
	struct task_struct *task = v->task;
	struct signal_struct *sig = v->sig;
	int claim;

	*unsure = false;
	if (bpf_core_field_exists(struct trace_event_raw_sched_process_exit, group_dead))
		return (bool)ctx[1];
	if (sig->live.counter != 0)
		return false;
	if (sig->nr_threads == 1 && sig->sum_sched_runtime == 0)
		return true;
	claim = group_dead_claim(task->tgid, v->leader->start_boottime,
				 (unsigned long)BPF_CORE_READ(task, signal), task->pid);
	*unsure = claim == 2 || claim == -1;
	return claim > 0;
}

static __always_inline void report_exit(unsigned long long *ctx, struct task_struct *task)
{
	struct task_view tv;
	struct signal_struct *sig;
	struct pt_event *e;
	bool group_dead, unsure;

	/* Its pointers once: the paths below are many (struct task_view). */
	task_view_of(&tv, task);
	sig = tv.sig;
	group_dead = exit_ends_group(ctx, &tv, &unsure);
	if (kind_on(PT_EXIT))
		note_group_exit(&tv, group_dead);
	/* A process that died stopped, or with a stop signal pending. */
	if (group_dead && stops_on()) {
		__u32 tgid = task->tgid;

		bpf_map_delete_elem(&stops, &tgid);
	}
	if ((!group_dead && !trace_threads) || !task_wanted(task))
		return;
	e = kind_on(PT_EXIT) ? reserve(PT_EXIT) : NULL;
	if (!e) {
		/* The exit is lost (and counted) or not asked for, its reap
		 * need not be. */
		if (group_dead && reaps_on()) {
			struct pt_task t;

			fill_task_view(&t, &tv);
			name_after_leader(&t, task, tv.leader);
			exit_to_zombie(&tv, &t);
		}
		return;
	}
	fill_task_view(&e->task, &tv);
	if (sched_on) /* its scheduler states end at this row */
		e->task.ts_ns = sched_exit_time(task, e->task.ts_ns, true);
	no_actor(e);
	e->exit.cause = PT_CAUSE_NONE;
	e->exit.has_code = 0;
	e->exit.code = 0;
	if (unsure)
		e->flags |= PT_F_LAST_THREAD_UNKNOWN;
	e->exit.age_ns = 0;
	if (group_dead) {
		/* The leader's start (fill_task): its age, even begun before tracing. */
		e->exit.age_ns = e->task.ts_ns - e->task.start_ns;
		e->flags |= PT_F_GROUP_DEAD;
		e->exit.status = process_status(tv.leader, sig);
		exit_cause(e, &tv);
		name_after_leader(&e->task, task, tv.leader);
		/* An autoreap's record is reserved after this one: read after it. */
		if (reaps_on())
			exit_to_zombie(&tv, &e->task);
	} else {
		e->exit.status = task->exit_code;
	}
	fill_usage(&e->exit.usage, task, sig, group_dead, PT_EXIT);
	submit(e);
}

/* The exit; the reparenting of the children that exit_notify() does next
 * is handle_reparent's (reparent.bpf.h), attached after this one. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *task)
{
	forget_thread(task->pid);
	report_exit(ctx, task);
	return 0;
}

#include "reparent.bpf.h"
#include "signal.bpf.h"
#include "groups.bpf.h"

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
	if (!filtering())
		return true;
	return task_fields_wanted(task, filter.n_pgids ? task_pgid(task) : 0, new_comm);
}

/* The two names as C strings (what comes after a NUL does not count). */
static __always_inline bool same_comm(const char *a, const char *b)
{
	for (int i = 0; i < PT_COMM_LEN; i++) {
		if (a[i] != b[i])
			return false;
		if (!a[i])
			break;
	}
	return true;
}

SEC("tp_btf/task_rename")
int BPF_PROG(handle_rename, struct task_struct *task, const char *comm)
{
	char old_comm[PT_COMM_LEN], new_comm[PT_COMM_LEN] = {};
	struct pt_event *e;

	if (in_exec(task))
		return 0;
	/* The name as the kernel keeps it: 15 bytes and a NUL. */
	bpf_probe_read_kernel_str(new_comm, sizeof(new_comm), comm);
	__builtin_memcpy(old_comm, task->comm, sizeof(old_comm));
	/* Set to the name it has: nothing changed, no row. */
	if (same_comm(old_comm, new_comm) || !rename_wanted(task, new_comm))
		return 0;
	e = reserve(PT_RENAME);
	if (!e)
		return 0;
	fill_task(&e->task, task);
	__builtin_memcpy(e->rename.old_comm, old_comm, sizeof(old_comm));
	__builtin_memcpy(e->task.comm, new_comm, sizeof(new_comm));
	fill_actor_current(&e->by);
	submit(e);
	return 0;
}

/* Snapshot of the processes already running, read through the iterator's
 * seq_file (not the ring buffer, so it can never be lost), at time now.
 * Zombies found here are remembered so their reap is still reported. */
static __always_inline void snapshot_one(struct seq_file *seq, struct task_struct *task, __u64 now)
{
	struct pt_event *e;
	struct task_view v;
	__u32 zero = 0;

	e = bpf_map_lookup_elem(&iter_event, &zero); /* not on the stack: maps.bpf.h */
	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = PT_SNAPSHOT;
	e->size = sizeof(*e);
	task_view_of(&v, task);
	fill_task_view(&e->task, &v);
	e->task.ts_ns = now;
	e->flags = PT_F_NO_ACTOR;
	/* Stopped, or stopping, before tracing began: its continue is due. */
	if (stops_on() && (e->task.state == PT_STATE_STOPPED || v.sig->group_stop_count > 0)) {
		struct stop_state *s = stop_state_of(e->task.pid);

		if (s)
			s->stopped = 1;
	}
	/* An exit that came first knows more: NOEXIST. */
	if (reaps_on() && e->task.state == PT_STATE_ZOMBIE && event_task_wanted(&e->task) &&
	    task_cgroup_wanted(task))
		remember_zombie(&v, &e->task, 0, BPF_NOEXIST);
	bpf_seq_write(seq, e, sizeof(*e));
}

/* The task iterator may not yield pid 1 (seen on 6.18): it is then found
 * through the first task that one of its threads forked. Global, so that
 * the loader clears it before each run (a rescan after lost events). */
bool init_done = false;

SEC("iter/task")
int snapshot_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	/* One time for the row and for the start of --sched's count. */
	__u64 now = bpf_ktime_get_boot_ns();
	struct task_struct *parent;

	if (task)
		sched_snapshot_task(task, now); /* --sched: every thread */
	if (!task || task->pid != task->tgid)
		return 0;
	if (task->tgid == 1)
		init_done = true;
	parent = task->real_parent;
	if (!init_done && parent->tgid == 1) {
		init_done = true;
		snapshot_one(ctx->meta->seq, parent->group_leader, now);
	}
	snapshot_one(ctx->meta->seq, task, now);
	return 0;
}
