/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Reading a task into an event (common fields, actors), the ring buffer
 * reservation, the in-kernel filters and the follow set.
 * Included once, by proctrace.bpf.c (one BPF object).
 */
#ifndef PROCTRACE_TASK_BPF_H
#define PROCTRACE_TASK_BPF_H

static __always_inline bool kind_on(__u32 kind)
{
	return want_kinds & (1u << kind);
}

/* Zombies are remembered, and released, only for reaps. */
static __always_inline bool reaps_on(void)
{
	return kind_on(PT_REAP);
}

/* The stops map follows the kernel's stops for stop and continue events. */
static __always_inline bool stops_on(void)
{
	return kind_on(PT_STOP) || kind_on(PT_CONTINUE);
}

static __always_inline bool signal_on(int sig)
{
	return kind_on(PT_SIGNAL) && sig >= 1 && sig <= 64 && (want_signals >> (sig - 1)) & 1;
}

static __always_inline void count_lost(__u32 kind)
{
	__u64 *n = bpf_map_lookup_elem(&lost, &kind);

	if (n)
		(*n)++;
}

static __always_inline __u64 wakeup_flag(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP
									     : BPF_RB_NO_WAKEUP;
}

static __always_inline struct pt_event *reserve(__u32 kind)
{
	struct pt_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count_lost(kind);
		return NULL;
	}
	e->kind = kind;
	e->flags = 0;
	e->size = sizeof(*e);
	return e;
}

static __always_inline void submit(struct pt_event *e)
{
	bpf_ringbuf_submit(e, wakeup_flag());
}

static __always_inline struct pid *pid_of(struct signal_struct *sig, int type)
{
	struct pid *p = NULL;

	bpf_core_read(&p, sizeof(p), &sig->pids[type]);
	return p;
}

static __always_inline __u32 pid_nr_global(struct pid *p)
{
	return p ? BPF_CORE_READ(p, numbers[0].nr) : 0;
}

static __always_inline __u32 task_pgid(struct task_struct *task)
{
	return pid_nr_global(pid_of(BPF_CORE_READ(task, signal), PIDTYPE_PGID_));
}

static __always_inline __u32 task_sid(struct task_struct *task)
{
	return pid_nr_global(pid_of(BPF_CORE_READ(task, signal), PIDTYPE_SID_));
}

/* The pid number of p in its deepest namespace, and that namespace. */
static __always_inline void pid_nr_own_ns(struct pid *p, __u32 *nr, __u32 *inum)
{
	struct upid up = {};
	unsigned int level;

	if (!p)
		return;
	level = BPF_CORE_READ(p, level);
	bpf_core_read(&up, sizeof(up), &p->numbers[level]);
	*nr = up.nr;
	*inum = BPF_CORE_READ(up.ns, ns.inum);
}

static __always_inline __u32 state_of(int live, unsigned int flags)
{
	if (live == 0)
		return PT_STATE_ZOMBIE;
	if (flags & SIGNAL_STOP_STOPPED)
		return PT_STATE_STOPPED;
	return PT_STATE_ALIVE;
}

/*
 * Two ways to read a task. Where the task comes from a BTF-typed argument
 * (tp_btf, the iterator), fields are loaded directly: one instruction each,
 * several times cheaper than a helper call, and these are the hot paths.
 * Where it comes from bpf_get_current_task() or a map (syscall
 * tracepoints), only bpf_probe_read_kernel() may read it: the *_any
 * variants, used on rare events only.
 */
/* pid_nr_own_ns() for a BTF pointer: a process of the initial namespace
 * (level 0, nearly all) is read by direct loads, two helper calls fewer on
 * every event; a deeper level is a variable index, read by the helper. */
static __always_inline void pid_nr_own_ns_btf(struct pid *p, __u32 *nr, __u32 *inum)
{
	if (p->level == 0) {
		*nr = p->numbers[0].nr;
		*inum = p->numbers[0].ns->ns.inum;
		return;
	}
	pid_nr_own_ns((struct pid *)(unsigned long)p, nr, inum);
}

static __always_inline void fill_task(struct pt_task *t, struct task_struct *task)
{
	struct signal_struct *sig = task->signal;

	t->ts_ns = bpf_ktime_get_boot_ns();
	t->start_ns = task->group_leader->start_boottime;
	t->cgroup_id = task->cgroups->dfl_cgrp->kn->id;
	t->pid = task->tgid;
	t->tid = task->pid;
	t->ppid = task->real_parent->tgid;
	t->pgid = sig->pids[PIDTYPE_PGID_]->numbers[0].nr;
	t->sid = sig->pids[PIDTYPE_SID_]->numbers[0].nr;
	t->uid = task->real_cred->uid.val;
	t->ns_pid = 0;
	t->pidns = 0;
	pid_nr_own_ns_btf(sig->pids[PIDTYPE_TGID_], &t->ns_pid, &t->pidns);
	t->state = state_of(sig->live.counter, sig->flags);
	t->_pad = 0;
	__builtin_memcpy(t->comm, task->comm, PT_COMM_LEN);
}

static __always_inline void fill_task_any(struct pt_task *t, struct task_struct *task)
{
	struct signal_struct *sig = BPF_CORE_READ(task, signal);

	t->ts_ns = bpf_ktime_get_boot_ns();
	t->start_ns = BPF_CORE_READ(task, group_leader, start_boottime);
	t->cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	t->pid = BPF_CORE_READ(task, tgid);
	t->tid = BPF_CORE_READ(task, pid);
	t->ppid = BPF_CORE_READ(task, real_parent, tgid);
	t->pgid = pid_nr_global(pid_of(sig, PIDTYPE_PGID_));
	t->sid = pid_nr_global(pid_of(sig, PIDTYPE_SID_));
	t->uid = BPF_CORE_READ(task, real_cred, uid.val);
	t->ns_pid = 0;
	t->pidns = 0;
	pid_nr_own_ns(pid_of(sig, PIDTYPE_TGID_), &t->ns_pid, &t->pidns);
	t->state = state_of(BPF_CORE_READ(sig, live.counter), BPF_CORE_READ(sig, flags));
	t->_pad = 0;
	BPF_CORE_READ_STR_INTO(&t->comm, task, comm);
}

static __always_inline void fill_actor(struct pt_actor *a, struct task_struct *task)
{
	a->pid = task->tgid;
	a->tid = task->pid;
	__builtin_memcpy(a->comm, task->comm, PT_COMM_LEN);
}

static __always_inline void fill_actor_any(struct pt_actor *a, struct task_struct *task)
{
	a->pid = BPF_CORE_READ(task, tgid);
	a->tid = BPF_CORE_READ(task, pid);
	BPF_CORE_READ_STR_INTO(&a->comm, task, comm);
}

/* The current task as the actor: two helpers that exist on every kernel,
 * instead of three reads through a task pointer. */
static __always_inline void fill_actor_current(struct pt_actor *a)
{
	__u64 id = bpf_get_current_pid_tgid();

	a->pid = id >> 32;
	a->tid = (__u32)id;
	bpf_get_current_comm(a->comm, sizeof(a->comm));
}

static __always_inline void no_actor(struct pt_event *e)
{
	e->flags |= PT_F_NO_ACTOR;
	__builtin_memset(&e->by, 0, sizeof(e->by));
}

static __always_inline struct task_struct *current_task(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

/* Whether bpf_get_current_task_btf() (5.11) exists: then the current task
 * is read by direct loads like a tp_btf argument. Decided at load time; on
 * an older kernel the verifier never sees the call (dead branch). */
static __always_inline bool have_current_btf(void)
{
	return bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf);
}

/* fill_task() of the current task, by direct loads where the kernel can. */
static __always_inline void fill_task_current(struct pt_task *t)
{
	if (have_current_btf())
		fill_task(t, bpf_get_current_task_btf());
	else
		fill_task_any(t, current_task());
}

static __always_inline bool filtering(void)
{
	return follow_pids || filter.n_pgids || filter.n_uids || filter.n_comms;
}

/* The rules of filter_rules.h, and -p's follow set, for task: old_pgid is
 * a group it left (else 0), old_comm a name it left (else empty). Reads
 * only what the active filters need, before anything is reserved, so that
 * unrelated processes cost a few loads. */
static __always_inline bool task_fields_wanted(struct task_struct *task, __u32 old_pgid,
					       const char *old_comm)
{
	char comm[PT_COMM_LEN] = {};
	__u32 uid = 0, pgid = 0, tgid;

	if (!filtering())
		return true;
	if (filter.n_pgids)
		pgid = task_pgid(task);
	if (filter.n_uids)
		uid = BPF_CORE_READ(task, real_cred, uid.val);
	if (filter.n_comms)
		BPF_CORE_READ_STR_INTO(&comm, task, comm);
	if (!pt_rules_fields(&filter, pgid, old_pgid ? old_pgid : pgid, uid, comm,
			     old_comm[0] ? old_comm : comm))
		return false;
	tgid = BPF_CORE_READ(task, tgid);
	return !follow_pids || bpf_map_lookup_elem(&followed, &tgid);
}

static __always_inline bool task_wanted(struct task_struct *task)
{
	char none[1] = {};

	return task_fields_wanted(task, 0, none);
}

/* Wanted in its group now or in old_pgid, the one it left. */
static __always_inline bool task_wanted_in(struct task_struct *task, __u32 old_pgid)
{
	char none[1] = {};

	return task_fields_wanted(task, old_pgid, none);
}

static __always_inline bool event_task_wanted(const struct pt_task *t)
{
	return !filtering() ||
		(pt_rules_fields(&filter, t->pgid, t->pgid, t->uid, t->comm, t->comm) &&
		 (!follow_pids || bpf_map_lookup_elem(&followed, &t->pid)));
}

/* A new process is followed if and only if the process that forked it is:
 * an entry left under its pid by an earlier process (whose end was not
 * seen yet) must not make a stranger followed. */
static __always_inline void follow_child(struct task_struct *parent, struct task_struct *child)
{
	__u32 ppid = parent->tgid, pid = child->tgid;
	__u64 start = child->start_boottime;

	if (!follow_pids)
		return;
	if (!bpf_map_lookup_elem(&followed, &ppid)) {
		bpf_map_delete_elem(&followed, &pid);
		return;
	}
	/* A child that cannot be followed loses all its events: count them. */
	if (bpf_map_update_elem(&followed, &pid, &start, BPF_ANY))
		count_lost(PT_FORK);
}

/* A followed process is forgotten when the kernel frees it, however it
 * ended and whoever released it; only if the entry is still its own (the
 * free comes an RCU grace period after the pid became reusable). The
 * process ends with its leader; a leader replaced by an exec in another
 * thread is no longer its own leader (it may still carry the pid before
 * 5.12). */
static __always_inline void unfollow_freed(struct task_struct *task)
{
	__u32 pid = task->tgid;
	__u64 *start;

	if (!follow_pids || task->group_leader != task)
		return;
	start = bpf_map_lookup_elem(&followed, &pid);
	if (start && (*start == 0 || *start == task->start_boottime))
		bpf_map_delete_elem(&followed, &pid);
}

#endif
