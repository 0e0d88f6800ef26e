/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Zombies and their reaps: remembered at exit, reported when the kernel
 * releases them (a wait of the real parent, autoreap, or seen at the free),
 * with the wait syscalls' programs and the free.
 * Included once, by proctrace.bpf.c (one BPF object).
 */
#ifndef PROCTRACE_REAP_BPF_H
#define PROCTRACE_REAP_BPF_H

/* Processes that ignored SIGCHLD when they exited: 1 by tgid (pid_byte).
 * A zombie handed to one of them is released at once, but may be freed
 * after that parent is released itself, when its disposition is gone: its
 * free reads the mark. Set at the exit, cleared at the fork of the next
 * process of that pid (which the pid allocator hands out again only after
 * a whole turn of pid_max), so that the mark outlives the parent's own
 * free, whenever the zombie's comes. Sized by the loader to pid_max (1
 * entry without reaps): never full. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pid_bytes);
} ignored_sigchld SEC(".maps");

/* A pid above pid_max as it was at the start (raised since) has no byte:
 * a zombie freed after such a parent could read as its wait's, counted as
 * a lost reap. */
static __always_inline void ignored_sigchld_mark(__u32 tgid)
{
	__u8 *b = pid_byte(&ignored_sigchld, tgid);

	if (b)
		*b = 1;
	else
		count_lost(PT_REAP);
}

/* Whether the last process of pid tgid ignored SIGCHLD at its exit. */
static __always_inline bool ignored_sigchld_at_exit(__u32 tgid)
{
	__u8 *b = pid_byte(&ignored_sigchld, tgid);

	return b && *b;
}

/* A new process of pid tgid: the mark of the last one goes. */
static __always_inline void ignored_sigchld_clear(__u32 tgid)
{
	__u8 *b = pid_byte(&ignored_sigchld, tgid);

	if (b && *b)
		*b = 0;
}

static __always_inline struct pid_namespace *active_ns(struct task_struct *task,
						       unsigned int *level)
{
	struct pid *p = BPF_CORE_READ(task, thread_pid);
	struct upid up = {};

	*level = BPF_CORE_READ(p, level);
	bpf_core_read(&up, sizeof(up), &p->numbers[*level]);
	return up.ns;
}

/* Remember a zombie so the wait() that releases it can be turned into a
 * reap event (exit_ns 0: exit not seen); for a zombie numbered in pid
 * namespaces below the initial one, also under each number that wait()
 * may return there. t may be in a ring buffer record: map keys and values
 * are copied to the stack first (before 6.2 no helper takes ring buffer
 * memory as a key or value: "R2 type=alloc_mem expected=fp, ..."). */
static __always_inline void remember_zombie(const struct task_view *v, const struct pt_task *t,
					    __u64 exit_ns, __u64 map_flags)
{
	/* A BTF pointer's view (tp_btf, the iterator): direct loads. */
	struct pid *tgid_pid = v->sig->pids[PIDTYPE_TGID_];
	unsigned int level = tgid_pid->level;
	struct pt_zombie z = {};
	struct ns_key key = {};
	struct upid up = {};
	__u32 pid = t->pid;

	z.exit_ns = exit_ns;
	z.leader = (__u64)v->leader;
	z.task = *t;
	if (map_keep(&zombies, &pid, &z, map_flags, PT_REAP) || level == 0)
		return;
	tgid_pid = (struct pid *)(unsigned long)tgid_pid; /* variable index below */
	for (unsigned int i = 1; i < MAX_PID_NS_LEVEL_ && i <= level; i++) {
		bpf_core_read(&up, sizeof(up), &tgid_pid->numbers[i]);
		key.inum = BPF_CORE_READ(up.ns, ns.inum);
		key.nr = up.nr;
		map_keep(&zombie_alias, &key, &pid, BPF_ANY, PT_REAP);
	}
}

/* do_notify_parent()'s rule: a child reporting with SIGCHLD to a parent
 * that ignores SIGCHLD or set SA_NOCLDWAIT is released at once (autoreap).
 * The parent as a BTF pointer (tp_btf): direct loads. */
static __always_inline bool parent_autoreaps(struct task_struct *parent, int exit_signal)
{
	struct sigaction *sa = &parent->sighand->action[SIGCHLD - 1].sa;

	return exit_signal == SIGCHLD &&
		((unsigned long)sa->sa_handler == SIG_IGN || (sa->sa_flags & SA_NOCLDWAIT));
}

/* The same for a parent pointer read from a map or another task. */
static __always_inline bool parent_autoreaps_any(struct task_struct *parent, int exit_signal)
{
	struct sighand_struct *sh = BPF_CORE_READ(parent, sighand);
	struct k_sigaction act = {};

	if (exit_signal != SIGCHLD)
		return false;
	bpf_core_read(&act, sizeof(act), &sh->action[SIGCHLD - 1]);
	return (unsigned long)act.sa.sa_handler == SIG_IGN || (act.sa.sa_flags & SA_NOCLDWAIT);
}

/* This tracepoint comes just before exit_notify(), where the kernel decides
 * whether the process is released at once (or, when other threads outlive
 * an exited leader, release_task() of the last one): read that decision's
 * inputs now. A traced process is never released there: its tracer is told
 * first. */
static __always_inline bool autoreaped_at_exit(struct task_struct *leader)
{
	return !leader->ptrace && parent_autoreaps(leader->real_parent, leader->exit_signal);
}

/* The reap of t (as it was at its exit), a child of ppid when released;
 * the caller names the reaper. It stays in the follow set until its free
 * (unfollow_freed): here its pid may already belong to a followed child. */
static __always_inline struct pt_event *reap_event(const struct pt_task *t, __u64 exit_ns,
						   __u32 ppid)
{
	struct pt_event *e;

	e = reserve(PT_REAP);
	if (!e)
		return NULL;
	e->task = *t;
	e->task.ts_ns = bpf_ktime_get_boot_ns();
	e->task.state = PT_STATE_REAPED;
	e->task.ppid = ppid;
	e->reap.exit_ns = exit_ns;
	e->reap.unseen_from_ns = 0;
	e->reap.usage_at = PT_USAGE_NONE;
	e->reap._pad = 0;
	return e;
}

/* The reap's usage: read from the released task (its final figures), or
 * kept at its free (released NULL; nothing for a process released at its
 * exit, whose last figures are its exit row's). */
static __always_inline void reap_usage(struct pt_event *e, struct task_struct *released)
{
	struct pt_released_usage *r;
	__u32 pid = e->task.pid;

	if (released) {
		if (read_released_usage(&e->reap.usage, released, e->task.start_ns))
			e->reap.usage_at = PT_USAGE_RELEASED;
		return;
	}
	r = bpf_map_lookup_elem(&released_usage, &pid);
	if (!r || r->start_ns != e->task.start_ns)
		return;
	e->reap.usage = r->usage;
	e->reap.usage_at = PT_USAGE_RELEASED;
	bpf_map_delete_elem(&released_usage, &pid);
}

/* Released by reaper's wait(), or by the kernel itself (NULL: autoreap);
 * released: the task, still readable (see reap_usage). */
static __always_inline void emit_reap(const struct pt_task *t, __u64 exit_ns,
				      struct task_struct *reaper, __u32 ppid,
				      struct task_struct *released)
{
	struct pt_event *e = reap_event(t, exit_ns, ppid);

	if (!e)
		return;
	reap_usage(e, released);
	if (reaper == current_task()) {
		fill_actor_current(&e->by);
	} else if (reaper) {
		fill_actor_any(&e->by, reaper);
	} else {
		e->flags |= PT_F_AUTOREAP;
		no_actor(e);
	}
	submit(e);
}

/* An exit either leaves a zombie for a wait() or, when the parent ignores
 * SIGCHLD, is released by the exit itself. */
static __always_inline void exit_to_zombie(const struct task_view *v, const struct pt_task *t)
{
	if (parent_autoreaps(v->task, SIGCHLD))
		ignored_sigchld_mark(t->pid);
	if (autoreaped_at_exit(v->leader))
		emit_reap(t, t->ts_ns, NULL, t->ppid, NULL);
	else
		remember_zombie(v, t, t->ts_ns, BPF_ANY);
}

/* A process is named after its leader (what ps and /proc/PID/comm show),
 * also when another thread, maybe renamed, is the last to exit. */
static __always_inline void name_after_leader(struct pt_task *t, struct task_struct *task,
					      struct task_struct *leader)
{
	if (task->pid != task->tgid)
		__builtin_memcpy(t->comm, leader->comm, PT_COMM_LEN);
}

/* A pid namespace's init in do_exit(): zap_pid_ns_processes() set its
 * SIGCHLD to SIG_IGN, and its kernel_wait4() releases the zombies it had. */
static __always_inline bool zapping(struct task_struct *parent)
{
	__u32 nr = 0, inum = 0;

	if (!(BPF_CORE_READ(parent, flags) & PF_EXITING_) || BPF_CORE_READ(parent, tgid) == 1)
		return false;
	pid_nr_own_ns(pid_of(BPF_CORE_READ(parent, signal), PIDTYPE_TGID_), &nr, &inum);
	return nr == 1;
}

/* A zombie released by no wait() whose return named it (see handle_free):
 * the kernel's autoreap, reported here (true), or its real parent's wait,
 * named in z for the report to come (false). */
static __always_inline bool settle_unnamed(struct pt_zombie *z, struct task_struct *leader)
{
	struct task_struct *parent = BPF_CORE_READ(leader, real_parent);
	int exit_signal = BPF_CORE_READ(leader, exit_signal);
	bool autoreap;

	z->task.ppid = BPF_CORE_READ(parent, tgid);
	if (BPF_CORE_READ(parent, sighand))
		autoreap = !zapping(parent) && parent_autoreaps_any(parent, exit_signal);
	else /* The parent is released already: its disposition at exit. */
		autoreap = exit_signal == SIGCHLD && ignored_sigchld_at_exit(z->task.ppid);
	if (autoreap) {
		emit_reap(&z->task, z->exit_ns, NULL, z->task.ppid, leader);
		return true;
	}
	z->reaper.pid = z->task.ppid;
	z->reaper.tid = 0;
	BPF_CORE_READ_STR_INTO(&z->reaper.comm, parent, group_leader, comm);
	return false;
}

/* The free of a process's leader comes after every exit of its threads
 * (the kernel releases the leader last): a claim of its end, on kernels
 * that claim (exit_ends_group, proctrace.bpf.c), is no longer needed. */
static __always_inline void forget_group_claim(__u32 tgid, __u64 start_ns)
{
	struct group_dead_key k = {};

	if (bpf_core_field_exists(struct trace_event_raw_sched_process_exit, group_dead))
		return;
	k.tgid = tgid;
	k.start_ns = start_ns;
	bpf_map_delete_elem(&group_dead_claims, &k);
}

/* The free comes an RCU grace period after the release. A zombie still in
 * the map here was released by no wait() whose return named it: either the
 * kernel released it when it was handed to a parent that ignores SIGCHLD
 * (on reparenting, or when its tracer detaches: autoreap), or a
 * wait() of its real parent released it, the only other way
 * (wait_task_zombie() releases for the real parent's thread group alone),
 * one whose return does not name it: waitid() with no infop, io_uring's
 * waitid, kernel_wait4() of a dying pid namespace's init (which set
 * SIGCHLD to SIG_IGN first: see zapping()), or a task whose wait is not
 * traced. A naming wait's return may also come after this free: the entry
 * is only marked, and userspace reports it after a grace period unless a
 * wait() claims it. */
/* PROCTRACE_FAULT=skip-free:N (tests, docs/loading.md): the first N frees
 * of processes with a zombie entry are skipped whole and counted lost, as
 * the kernel's recursion guard skips this program and counts the miss. */
const volatile __u32 fault_skip_frees = 0;
__u32 frees_skipped = 0;

static __always_inline bool fault_skips_free(__u32 pid)
{
	if (!fault_skip_frees || frees_skipped >= fault_skip_frees ||
	    !bpf_map_lookup_elem(&zombies, &pid))
		return false;
	/* No fetch: atomics that return a value need 5.12. */
	__sync_fetch_and_add(&frees_skipped, 1);
	count_lost(PT_REAP);
	return true;
}

SEC("tp_btf/sched_process_free")
int BPF_PROG(handle_free, struct task_struct *task)
{
	struct pt_released_usage ru = {};
	__u32 pid = task->tgid;
	struct pt_zombie *z;

	if ((__u32)task->pid == pid && fault_skips_free(pid))
		return 0;
	unfollow_freed(task);
	if ((__u32)task->pid != pid)
		return 0;
	forget_group_claim(pid, task->start_boottime);
	if (!reaps_on())
		return 0;
	z = bpf_map_lookup_elem(&zombies, &pid);
	/* The entry is this task's only if it started when this one did: a
	 * pid is reused within seconds, and the free of a released process
	 * may come after a new zombie took its pid. */
	if (!z || z->task.start_ns != task->start_boottime)
		return 0;
	if (settle_unnamed(z, task)) {
		bpf_map_delete_elem(&zombies, &pid);
		return 0;
	}
	/* Its final usage, for the reap to come: the task is gone then. */
	if (read_released_usage(&ru.usage, task, z->task.start_ns)) {
		ru.start_ns = z->task.start_ns;
		map_keep(&released_usage, &pid, &ru, BPF_ANY, PT_REAP);
	}
	z->freed_ns = bpf_ktime_get_boot_ns();
	return 0;
}

/* The zombie's task while it may still be read: NULL once its free was
 * seen, or when the memory no longer holds it (its start time differs: a
 * free the kernel's recursion guard skipped, the task since freed and its
 * memory reused). */
static __always_inline struct task_struct *zombie_leader(struct pt_zombie *z)
{
	struct task_struct *leader = (struct task_struct *)z->leader;

	if (z->freed_ns || BPF_CORE_READ(leader, start_boottime) != z->task.start_ns)
		return NULL;
	return leader;
}

/* A new process got the pid of a zombie still in the map: that one was
 * released (its pid is free again) and its free may not have come yet, or
 * its report is waiting in userspace: report it now, as a release seen at
 * this point, so that neither it nor the new process is lost. */
static __always_inline void pid_reused(__u32 pid)
{
	struct pt_zombie *z = bpf_map_lookup_elem(&zombies, &pid);
	struct task_struct *leader;
	struct pt_event *e;

	if (!z)
		return;
	leader = zombie_leader(z);
	if (!leader || !settle_unnamed(z, leader)) {
		e = reap_event(&z->task, z->exit_ns, z->task.ppid);
		if (e) {
			reap_usage(e, leader);
			e->by = z->reaper;
			e->flags |= PT_F_REAP_AT_FREE;
			submit(e);
		}
	}
	bpf_map_delete_elem(&zombies, &pid);
}

/* A pid returned by wait() in the reaper's namespace, as a global pid;
 * key is the alias to forget once it is reaped (inum 0: none). */
static __always_inline __u32 global_pid(struct task_struct *reaper, __u32 nr, struct ns_key *key)
{
	struct pid_namespace *ns;
	unsigned int level;
	__u32 *pid;

	/* Most waiters live in the initial namespace: known by direct loads
	 * where the kernel has a BTF current task. */
	if (have_current_btf() && bpf_get_current_task_btf()->thread_pid->level == 0)
		return nr;
	ns = active_ns(reaper, &level);
	if (level == 0)
		return nr;
	key->inum = BPF_CORE_READ(ns, ns.inum);
	key->nr = nr;
	pid = bpf_map_lookup_elem(&zombie_alias, key);
	return pid ? *pid : 0;
}

/* The current task's wait() returned global pid: a reap if that wait
 * released it (true). A tracer that is not the real parent collects the
 * exit status without releasing: the kernel hands the zombie back to the
 * real parent (exit_state back to EXIT_ZOMBIE) or, if that parent ignores
 * SIGCHLD, releases it (EXIT_DEAD: an autoreap, reported here). Only the
 * real parent's thread group releases by wait(); checking it also covers
 * the real parent releasing in between the tracer's wait and its return
 * (the parent's own return reports it). */
static __always_inline bool reaped_by_current(__u32 pid)
{
	struct task_struct *reaper = current_task();
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct task_struct *leader, *parent;
	struct pt_zombie *z;
	__u32 ppid;

	z = bpf_map_lookup_elem(&zombies, &pid);
	if (!z)
		return false;
	/* Released and freed already, or its memory reused (zombie_leader NULL): ppid is the
	 * real parent at the free. Else still the parent it had at exit if
	 * the waiter is that one: alive, so nobody adopted the zombie. */
	ppid = z->task.ppid;
	leader = zombie_leader(z);
	if (leader) {
		if (BPF_CORE_READ(leader, exit_state) != EXIT_DEAD_)
			return false;
		if (ppid != tgid) {
			parent = BPF_CORE_READ(leader, real_parent);
			ppid = BPF_CORE_READ(parent, tgid);
			/* A tracer's wait that handed it to a parent ignoring
			 * SIGCHLD: released there by the kernel's rule. */
			if (ppid != tgid &&
			    parent_autoreaps_any(parent, BPF_CORE_READ(leader, exit_signal)))
				reaper = NULL;
		}
	}
	if (reaper && ppid != tgid)
		return false;
	emit_reap(&z->task, z->exit_ns, reaper, ppid, leader);
	bpf_map_delete_elem(&zombies, &pid);
	return true;
}

/* The same for a pid as wait() returns it, in the waiter's namespace. */
static __always_inline void reaped_by_current_vpid(__u32 vpid)
{
	struct ns_key key = {};
	__u32 pid = global_pid(current_task(), vpid, &key);

	if (pid && reaped_by_current(pid) && key.inum)
		bpf_map_delete_elem(&zombie_alias, &key);
}

SEC("tracepoint/syscalls/sys_exit_wait4")
int handle_wait4_exit(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret > 0)
		reaped_by_current_vpid(ctx->ret);
	return 0;
}

#define P_PID_ 1
#define WEXITED_ 0x00000004
#define WNOWAIT_ 0x01000000

/* The calling thread's children, for a waitid() that will not name the
 * one it reaps. At the bound (WAIT_CANDIDATES), the children left out are
 * still reported: their release is seen at their free (handle_free). */
static __always_inline void note_wait_candidates(__u32 tid)
{
	struct task_struct *cur = current_task(), *child;
	struct list_head *head = &cur->children, *pos;
	struct wait_candidates c = {};

	pos = BPF_CORE_READ(cur, children.next);
	for (int i = 0; i < WAIT_CANDIDATES && pos && pos != head; i++) {
		child = container_of_any(pos, struct task_struct, sibling);
		c.pid[i] = BPF_CORE_READ(child, tgid);
		c.n = i + 1;
		pos = BPF_CORE_READ(child, sibling.next);
	}
	map_keep(&wait_candidates, &tid, &c, BPF_ANY, PT_REAP);
}

/* waitid() names the released process in its infop, or (no infop) in its
 * own arguments with P_PID; else it is one of the caller's children. */
SEC("tracepoint/syscalls/sys_enter_waitid")
int handle_waitid_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight f = {};

	f.ptr = ctx->args[2];
	f.options = ctx->args[3];
	if (!(f.options & WEXITED_) || (f.options & WNOWAIT_))
		return 0;
	if (!f.ptr) {
		if (ctx->args[0] == P_PID_ && (int)ctx->args[1] > 0)
			f.wait_id = ctx->args[1];
		else
			note_wait_candidates(tid);
	}
	map_keep(&inflight, &tid, &f, BPF_ANY, PT_REAP);
	return 0;
}

/* At most one child is reaped per call: the first found released. */
static __always_inline void reaped_among_candidates(__u32 tid)
{
	struct wait_candidates *c = bpf_map_lookup_elem(&wait_candidates, &tid);

	if (!c)
		return;
	for (__u32 i = 0; i < WAIT_CANDIDATES; i++)
		if (i >= c->n || reaped_by_current(c->pid[i]))
			break;
}

SEC("tracepoint/syscalls/sys_exit_waitid")
int handle_waitid_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight *f = bpf_map_lookup_elem(&inflight, &tid);
	struct {
		int si_signo, si_errno, si_code, _pad;
		int si_pid;
	} info = {};

	if (!f)
		return 0;
	if (ctx->ret == 0) {
		if (!f->ptr && !f->wait_id)
			reaped_among_candidates(tid);
		else if (!f->ptr)
			reaped_by_current_vpid(f->wait_id);
		else if (!bpf_probe_read_user(&info, sizeof(info), (const void *)f->ptr) &&
			 info.si_pid > 0)
			reaped_by_current_vpid(info.si_pid);
	}
	if (!f->ptr && !f->wait_id)
		bpf_map_delete_elem(&wait_candidates, &tid);
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

#endif
