/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Reading a task into an event (common fields, actors) and the ring
 * buffer reservation.
 * Included once, by proctrace.bpf.c (one BPF object).
 */
#ifndef PROCTRACE_TASK_BPF_H
#define PROCTRACE_TASK_BPF_H

/* n events of this kind that were not made (a full ring buffer, or a
 * bound of a walk reached): reported with the ring buffer's losses. */
static __always_inline void count_lost_n(__u32 kind, __u64 n)
{
	__u64 *c = bpf_map_lookup_elem(&lost, &kind);

	if (c)
		*c += n;
}

static __always_inline void count_lost(__u32 kind)
{
	count_lost_n(kind, 1);
}

#define EEXIST_ 17

/* Stores key -> value in a plain hash map (not LRU, which would drop an
 * older entry without a word); a full map refuses the entry, and the fact
 * it was kept for, of this kind, is counted lost (docs/bounds.md). An entry
 * already there is replaced even in a full map. With BPF_NOEXIST an entry
 * that another program made first holds the fact: -EEXIST, not counted.
 * That is judged by looking the key up after any refusal, not by the error
 * alone: 5.10 was seen refusing a second NOEXIST claim with another error
 * than -EEXIST (the kernel test threads_on, a thread and its process's
 * last thread claiming its end), and a full map is -E2BIG on recent
 * kernels but 5.10 and 6.1 were seen refusing with another error. */
static __always_inline long map_keep(void *map, const void *key, const void *value, __u64 flags,
				     __u32 kind)
{
	long ret = bpf_map_update_elem(map, key, value, flags);

	if (!ret || ret == -EEXIST_)
		return ret;
	if (flags == BPF_NOEXIST && bpf_map_lookup_elem(map, key))
		return -EEXIST_;
	count_lost(kind);
	return ret;
}

/* A byte per pid (or tid), 8 to an entry of an array map that the loader
 * sizes to pid_max (pid_bytes, map_room.c): room for every pid there can
 * be, so it is never full. Each byte is written alone (byte stores): the
 * events of neighbouring pids on other CPUs never undo each other's. A pid
 * past the size (pid_max raised after the start): NULL. */
struct pid_bytes {
	__u8 b[8];
};

static __always_inline __u8 *pid_byte(void *map, __u32 pid)
{
	__u32 k = pid / 8;
	struct pid_bytes *w = bpf_map_lookup_elem(map, &k);

	return w ? &w->b[pid & 7] : NULL;
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

/*
 * Pointer arguments of tp_btf programs that may be NULL, a sentinel or an
 * error value (signal_generate's info is SEND_SIG_NOINFO, 0, or
 * SEND_SIG_PRIV, 1): read as plain numbers, never as typed arguments.
 * Kernels differ in what they make of such an argument: a trusted pointer
 * taken for non-NULL (a test against 0 is removed as settled), a pointer
 * that may be NULL (no arithmetic before a test), or, since the tracepoints
 * listed as possibly holding an error, a scalar (no direct load). A number
 * read through the context and then read with bpf_probe_read_kernel()
 * (BPF_CORE_READ) is accepted by all of them.
 */
static __always_inline unsigned long raw_arg(unsigned long long *ctx, int i)
{
	unsigned long v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &ctx[i]);
	return v;
}

/* Whether v, read by raw_arg(), points to memory: not NULL, none of the
 * small sentinels of the signal code, not an ERR_PTR() (the last 4095
 * values). */
static __always_inline bool raw_ptr_ok(unsigned long v)
{
	return v > 4095 && v < (unsigned long)-4095;
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

/*
 * The pointers of a task that fill_task() follows, loaded once. Loading a
 * pointer member through a trusted pointer (a tp_btf argument, and what
 * some members of it lead to) costs verifiers from 6.4 on a few searches
 * of the whole kernel BTF by name (for NAME__safe_trusted and
 * NAME__safe_rcu: about 1 ms each load on the 6.18 of docs/loading.md),
 * and that at every path it verifies through the load. A program whose
 * paths multiply (signal_generate) takes its view where it begins, before
 * its branches; the members are then read from these pointers, which cost
 * no search. barrier_var() keeps each load where the view is taken.
 */
struct task_view {
	struct task_struct *task, *leader, *parent;
	struct signal_struct *sig;
	struct kernfs_node *cgroup;
	const struct cred *cred;
};

static __always_inline void task_view_of(struct task_view *v, struct task_struct *task)
{
	v->task = task;
	v->sig = task->signal;
	v->leader = task->group_leader;
	v->parent = task->real_parent;
	v->cgroup = task->cgroups->dfl_cgrp->kn;
	v->cred = task->real_cred;
	barrier_var(v->sig);
	barrier_var(v->leader);
	barrier_var(v->parent);
	barrier_var(v->cgroup);
	barrier_var(v->cred);
}

/* The task's cgroup of the v1 memory controller (pt_task.memcg_id): the
 * css of memory_cgrp_id in its css_set, and that css's cgroup. NULL on a
 * kernel built without memcg (no such enum value), and when the memory
 * controller is bound to the v2 hierarchy (cgrp_dfl_root's hierarchy_id
 * is 0): then cgroup_id says it all. CO-RE reads: the index is this
 * kernel's value of the enum, and a css_set's subsys[] is as long as its
 * CGROUP_SUBSYS_COUNT. */
static __always_inline struct cgroup *task_memcg_v1(struct task_struct *task)
{
	struct cgroup_subsys_state *css = NULL;
	struct css_set *cset;
	struct cgroup *cg;
	__u64 idx;

	if (!bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
		return NULL;
	idx = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	if (idx >= (__u64)bpf_core_enum_value(enum cgroup_subsys_id, CGROUP_SUBSYS_COUNT))
		return NULL;
	cset = BPF_CORE_READ(task, cgroups);
	bpf_core_read(&css, sizeof(css), &cset->subsys[idx]);
	cg = BPF_CORE_READ(css, cgroup);
	if (!cg || !BPF_CORE_READ(cg, root, hierarchy_id))
		return NULL;
	return cg;
}

static __always_inline __u64 task_memcg_v1_id(struct task_struct *task)
{
	struct cgroup *cg = task_memcg_v1(task);

	return cg ? BPF_CORE_READ(cg, kn, id) : 0;
}

static __always_inline void fill_task_view(struct pt_task *t, const struct task_view *v)
{
	struct task_struct *task = v->task;
	struct signal_struct *sig = v->sig;

	t->ts_ns = bpf_ktime_get_boot_ns();
	t->start_ns = v->leader->start_boottime;
	t->cgroup_id = v->cgroup->id;
	t->memcg_id = task_memcg_v1_id(task);
	t->pid = task->tgid;
	t->tid = task->pid;
	t->ppid = v->parent->tgid;
	t->pgid = sig->pids[PIDTYPE_PGID_]->numbers[0].nr;
	t->sid = sig->pids[PIDTYPE_SID_]->numbers[0].nr;
	t->uid = v->cred->uid.val;
	t->ns_pid = 0;
	t->pidns = 0;
	pid_nr_own_ns_btf(sig->pids[PIDTYPE_TGID_], &t->ns_pid, &t->pidns);
	t->state = state_of(sig->live.counter, sig->flags);
	t->_pad = 0;
	__builtin_memcpy(t->comm, task->comm, PT_COMM_LEN);
}

static __always_inline void fill_task(struct pt_task *t, struct task_struct *task)
{
	struct task_view v;

	task_view_of(&v, task);
	fill_task_view(t, &v);
}

static __always_inline void fill_task_any(struct pt_task *t, struct task_struct *task)
{
	struct signal_struct *sig = BPF_CORE_READ(task, signal);

	t->ts_ns = bpf_ktime_get_boot_ns();
	t->start_ns = BPF_CORE_READ(task, group_leader, start_boottime);
	t->cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	t->memcg_id = task_memcg_v1_id(task);
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

/* container_of() for an address held as a number, read from the kernel
 * with bpf_probe_read_kernel() (BPF_CORE_READ): the result is read the
 * same way. Never on a BTF pointer (a tp_btf argument, a direct load):
 * subtracting a CO-RE offset from one is arithmetic with a negated
 * register, which verifiers before 6.17 refuse ("math between ptr_
 * pointer and register with unbounded min value"). */
#define container_of_any(addr, type, member)                                                       \
	((type *)((unsigned long)(addr)-bpf_core_field_offset(type, member)))

/* A bounded walk of a thread list: where it is (head, pos: addresses as
 * numbers) and how many threads it passed. */
struct thread_walk {
	unsigned long head, pos;
	long n;
};

/* Threads left: the walk ended at its bound, not at the list's end. */
static __always_inline bool thread_walk_more(const struct thread_walk *w)
{
	return w->pos && w->pos != w->head;
}

/* for_each_thread() over sig's thread list, at most max threads (a bound
 * the verifier needs): t is each thread in turn; after it,
 * thread_walk_more(&w) says whether the bound cut it short. Every walk of
 * a thread list goes through it. */
#define for_each_thread_bounded(w, sig, t, max)                                                    \
	for ((w).head = (unsigned long)&(sig)->thread_head,                                        \
	    (w).pos = (unsigned long)BPF_CORE_READ(sig, thread_head.next), (w).n = 0;              \
	     (w).n < (max) && thread_walk_more(&(w)) &&                                            \
	     ((t) = container_of_any((w).pos, struct task_struct, thread_node), 1);                \
	     (w).n++, (w).pos = (unsigned long)BPF_CORE_READ(t, thread_node.next))

#endif
