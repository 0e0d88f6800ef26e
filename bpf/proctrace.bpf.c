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

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Kernel constants that BTF does not carry (macros); stable for decades. */
#define SIGNAL_STOP_STOPPED 0x00000001
#define SIGNAL_STOP_CONTINUED 0x00000002
#define SIGNAL_GROUP_EXIT 0x00000004
#define SIGNAL_CLD_MASK 0x00000030 /* CLD_STOPPED | CLD_CONTINUED */
#define SIGNAL_UNKILLABLE 0x00000040
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIG_DFL 0
#define SIG_IGN 1
#define SA_NOCLDWAIT 2
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_TIMER (-2)
#define PIDTYPE_TGID_ 1
#define PIDTYPE_PGID_ 2
#define PIDTYPE_SID_ 3
#define MAX_CHILDREN_SCAN 128

/* Tunables, set by the loader before load. */
const volatile bool trace_threads = false;
const volatile __u32 page_kb = 4;
/* Wake the reader only once this much is waiting: batches, not per event. */
const volatile __u64 wakeup_bytes = 1 << 20;

/* Filters (all off by default). Kinds combine as AND, values of one kind
 * as OR; see wanted(). Values are fixed at load time, so the verifier
 * removes the code of every filter that is off. */
const volatile bool follow_pids = false; /* only processes in `followed` */
const volatile __u32 n_pgids = 0;
const volatile __u32 want_pgid[PT_MAX_FILTER] = {};
const volatile __u32 n_uids = 0;
const volatile __u32 want_uid[PT_MAX_FILTER] = {};
const volatile __u32 n_comms = 0;
const volatile char want_comm[PT_MAX_FILTER][PT_COMM_LEN] = {};

/* Followed processes (-p, -- COMMAND): seeded by the loader, grown by
 * fork, shrunk by reap. Keyed by tgid. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} followed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20); /* resized by the loader */
} events SEC(".maps");

/* Failed ring buffer reservations, per CPU and per event kind. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PT_KIND_MAX);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/* Exec events are variable-sized: built here, then copied out with their
 * real length. Indexed by CPU; a plain array because per-CPU values are
 * limited to 32 KiB. Resized to the number of CPUs by the loader. */
struct exec_scratch {
	__u8 raw[sizeof(struct pt_event) + PT_ARGV_MAX + PT_PATH_MAX];
};
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_scratch);
} scratch SEC(".maps");

/* Processes that exited and wait to be reaped, by global pid: the reap
 * event is made from this when the reaper's wait() returns, since the task
 * itself can no longer be looked up then. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct pt_zombie);
} zombies SEC(".maps");

/* wait() returns the pid as the reaper's pid namespace numbers it: for
 * reapers inside a namespace, (namespace inode, pid there) -> global pid. */
struct ns_key {
	__u32 inum;
	__u32 nr;
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct ns_key);
	__type(value, __u32);
} zombie_alias SEC(".maps");

/* Arguments saved at syscall entry for the exit handler, by tid. */
struct inflight {
	__u64 ptr;     /* waitid: infop; setpgid: target task */
	__u32 options; /* waitid */
	__u32 old_pgid;
	__u32 old_sid;
	__u32 _pad;
};
/* LRU: a task killed inside the syscall never reaches its exit handler. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct inflight);
} inflight SEC(".maps");

/* The stop signals of a process, by tgid: who sent each pending one (kept
 * from generation to delivery), and whether it is stopped and not yet
 * continued (a stop is answered by one continue). Both signal tracepoints
 * run under the process's siglock, so the value is changed in place.
 * `stopped` is set whatever the filters, so that it is the kernel's state.
 * The continue removes the entry (SIGCONT also discards the pending stop
 * signals), so entries are those of stopped processes and pending stop
 * signals; one left by a process that died stopped is harmless (only a
 * real stop makes a later SIGCONT continue a process), the LRU drops it. */
struct stop_state {
	struct pt_actor by[4]; /* SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU */
	__u16 flags[4];	       /* PT_F_KERNEL_SENDER or 0 */
	__u8 sent;	       /* bit i: by[i] holds a pending signal's sender */
	__u8 stopped;
	__u8 _pad[6];
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct stop_state);
} stops SEC(".maps");

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
static __always_inline void fill_task(struct pt_task *t, struct task_struct *task)
{
	struct signal_struct *sig = task->signal;
	struct pid *tgid_pid;

	t->ts_ns = bpf_ktime_get_boot_ns();
	t->start_ns = task->group_leader->start_boottime;
	t->cgroup_id = task->cgroups->dfl_cgrp->kn->id;
	t->pid = task->tgid;
	t->tid = task->pid;
	t->ppid = task->real_parent->tgid;
	t->pgid = sig->pids[PIDTYPE_PGID_]->numbers[0].nr;
	t->sid = sig->pids[PIDTYPE_SID_]->numbers[0].nr;
	t->uid = task->real_cred->uid.val;
	/* The level is a variable index: read through a plain pointer. */
	tgid_pid = sig->pids[PIDTYPE_TGID_];
	t->ns_pid = 0;
	t->pidns = 0;
	pid_nr_own_ns((struct pid *)(unsigned long)tgid_pid, &t->ns_pid, &t->pidns);
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

static __always_inline void no_actor(struct pt_event *e)
{
	e->flags |= PT_F_NO_ACTOR;
	__builtin_memset(&e->by, 0, sizeof(e->by));
}

static __always_inline struct task_struct *current_task(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

static __always_inline bool filtering(void)
{
	return follow_pids || n_pgids || n_uids || n_comms;
}

static __always_inline bool in_set(__u32 v, const volatile __u32 *set, __u32 n)
{
	for (__u32 i = 0; i < PT_MAX_FILTER; i++)
		if (i < n && set[i] == v)
			return true;
	return false;
}

static __always_inline bool comm_equal(const char *comm, const volatile char *want)
{
	for (int i = 0; i < PT_COMM_LEN; i++) {
		if (comm[i] != want[i])
			return false;
		if (!comm[i])
			return true;
	}
	return true;
}

static __always_inline bool comm_wanted(const char *comm)
{
	for (__u32 i = 0; i < PT_MAX_FILTER; i++)
		if (i < n_comms && comm_equal(comm, want_comm[i]))
			return true;
	return false;
}

/* The filters, on the fields an event is about. pgid is passed apart so
 * that setpgid/setsid can match on the group left as well as the one joined. */
static __always_inline bool fields_wanted(__u32 tgid, __u32 pgid, __u32 uid, const char *comm)
{
	if (n_pgids && !in_set(pgid, want_pgid, n_pgids))
		return false;
	if (n_uids && !in_set(uid, want_uid, n_uids))
		return false;
	if (n_comms && !comm_wanted(comm))
		return false;
	if (follow_pids && !bpf_map_lookup_elem(&followed, &tgid))
		return false;
	return true;
}

/* Decides before anything is reserved, reading only what the active
 * filters need, so unrelated processes cost a few loads. */
static __always_inline bool task_wanted_in(struct task_struct *task, __u32 pgid)
{
	char comm[PT_COMM_LEN] = {};
	__u32 uid = 0;

	if (!filtering())
		return true;
	if (n_uids)
		uid = BPF_CORE_READ(task, real_cred, uid.val);
	if (n_comms)
		BPF_CORE_READ_STR_INTO(&comm, task, comm);
	return fields_wanted(BPF_CORE_READ(task, tgid), pgid, uid, comm);
}

static __always_inline bool task_wanted(struct task_struct *task)
{
	if (!filtering())
		return true;
	return task_wanted_in(task, n_pgids ? task_pgid(task) : 0);
}

static __always_inline bool event_task_wanted(const struct pt_task *t)
{
	return !filtering() || fields_wanted(t->pid, t->pgid, t->uid, t->comm);
}

/* Descendants of a followed process are followed from their birth. */
static __always_inline void follow_child(struct task_struct *parent, __u32 pid)
{
	__u32 ppid = BPF_CORE_READ(parent, tgid);
	__u8 one = 1;

	/* A child that cannot be followed loses all its events: count them. */
	if (follow_pids && bpf_map_lookup_elem(&followed, &ppid) &&
	    bpf_map_update_elem(&followed, &pid, &one, BPF_ANY))
		count_lost(PT_FORK);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	bool thread = child->pid != child->tgid;
	struct pt_event *e;
	__u32 pid;

	if (thread && !trace_threads)
		return 0;
	if (!thread) {
		/* A new process may reuse the pid of one whose reap was never
		 * seen: forget that one so a later wait() is not misread. */
		pid = child->tgid;
		bpf_map_delete_elem(&zombies, &pid);
		follow_child(parent, pid);
	}
	if (!task_wanted(child))
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

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct exec_scratch *s = bpf_map_lookup_elem(&scratch, &cpu);
	struct pt_event *ev = (struct pt_event *)s;
	__u32 argv_len, path_len = 0, size;
	long n;

	if (!s || !task_wanted(task))
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
		if (n == PT_PATH_MAX)
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

static __always_inline __u64 max_u64(__u64 a, __u64 b)
{
	return a > b ? a : b;
}

/* Wait status as wait() will report it for the process. */
static __always_inline __u32 process_status(struct task_struct *task, struct signal_struct *sig)
{
	if (sig->flags & SIGNAL_GROUP_EXIT)
		return sig->group_exit_code;
	return task->group_leader->exit_code;
}

/* The thread's own usage, plus the totals of the threads already gone
 * (kept in signal_struct) when it is the last: what getrusage(RUSAGE_SELF)
 * would say for the whole process at this instant. */
static __always_inline void fill_usage(struct pt_exit *x, struct task_struct *task,
				       struct signal_struct *sig, bool group)
{
	struct mm_struct *mm = task->mm;
	__u64 rss_pages = 0;

	x->utime_ns = task->utime;
	x->stime_ns = task->stime;
	x->runtime_ns = task->se.sum_exec_runtime;
	x->minflt = task->min_flt;
	x->majflt = task->maj_flt;
	x->nvcsw = task->nvcsw;
	x->nivcsw = task->nivcsw;
	if (mm)
		rss_pages = mm->hiwater_rss;
	if (group) {
		x->utime_ns += sig->utime;
		x->stime_ns += sig->stime;
		x->runtime_ns += sig->sum_sched_runtime;
		x->minflt += sig->min_flt;
		x->majflt += sig->maj_flt;
		x->nvcsw += sig->nvcsw;
		x->nivcsw += sig->nivcsw;
		rss_pages = max_u64(rss_pages, sig->maxrss);
	}
	x->maxrss_kb = rss_pages * page_kb;
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

/* Remember a new zombie so its reaper's wait() can be turned into a reap
 * event; for a parent inside a pid namespace also under the number that
 * wait() will return there. */
static __always_inline void remember_zombie(struct task_struct *task, const struct pt_task *t)
{
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);
	struct signal_struct *sig = BPF_CORE_READ(task, signal);
	struct pid *tgid_pid = pid_of(sig, PIDTYPE_TGID_);
	struct pt_zombie z = {};
	struct ns_key key = {};
	unsigned int level;
	struct pid_namespace *ns = active_ns(parent, &level);
	struct upid up = {};

	z.exit_ns = t->ts_ns;
	z.freed_ns = 0;
	z.task = *t;
	bpf_map_update_elem(&zombies, &t->pid, &z, BPF_ANY);
	if (level == 0 || level > BPF_CORE_READ(tgid_pid, level))
		return;
	bpf_core_read(&up, sizeof(up), &tgid_pid->numbers[level]);
	key.inum = BPF_CORE_READ(ns, ns.inum);
	key.nr = up.nr;
	bpf_map_update_elem(&zombie_alias, &key, &t->pid, BPF_ANY);
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
	e = reserve(PT_EXIT);
	if (!e) {
		/* The exit is lost (and counted), its reap need not be. */
		if (group_dead) {
			struct pt_task t;

			fill_task(&t, task);
			remember_zombie(task, &t);
		}
		return 0;
	}
	fill_task(&e->task, task);
	no_actor(e);
	e->exit._pad = 0;
	if (group_dead) {
		e->flags |= PT_F_GROUP_DEAD;
		e->exit.status = process_status(task, sig);
		remember_zombie(task, &e->task);
	} else {
		e->exit.status = task->exit_code;
	}
	fill_usage(&e->exit, task, sig, group_dead);
	submit(e);
	return 0;
}

static __always_inline bool parent_ignores_children(struct task_struct *task)
{
	struct sighand_struct *sh = BPF_CORE_READ(task, real_parent, sighand);
	struct k_sigaction act = {};

	if (BPF_CORE_READ(task, exit_signal) != SIGCHLD)
		return false;
	bpf_core_read(&act, sizeof(act), &sh->action[SIGCHLD - 1]);
	return (unsigned long)act.sa.sa_handler == SIG_IGN || (act.sa.sa_flags & SA_NOCLDWAIT);
}

static __always_inline void emit_reap(__u32 pid, struct pt_zombie *z, struct task_struct *reaper)
{
	struct pt_event *e;

	if (follow_pids)
		bpf_map_delete_elem(&followed, &pid);
	e = reserve(PT_REAP);
	if (!e)
		return;
	e->task = z->task;
	e->task.ts_ns = bpf_ktime_get_boot_ns();
	e->task.state = PT_STATE_REAPED;
	e->reap.exit_ns = z->exit_ns;
	if (reaper) {
		fill_actor_any(&e->by, reaper);
		e->task.ppid = e->by.pid;
	} else {
		e->flags |= PT_F_AUTOREAP;
		no_actor(e);
	}
	submit(e);
}

/* A zombie whose parent ignores SIGCHLD is released without any wait():
 * its last trace is here, when the process is freed. Other zombies are
 * reported by the wait() that reaps them (handle_wait4_exit...), which
 * usually comes before this RCU-delayed free but may come after; and some
 * reapers release zombies without a wait syscall at all. So the entry is
 * only marked here; userspace reports marked entries that no wait() claims
 * within a grace period, with the reaper unknown. */
SEC("tp_btf/sched_process_free")
int BPF_PROG(handle_free, struct task_struct *task)
{
	__u32 pid = task->tgid;
	struct pt_zombie *z;

	if ((__u32)task->pid != pid)
		return 0;
	z = bpf_map_lookup_elem(&zombies, &pid);
	if (!z)
		return 0;
	if (parent_ignores_children(task)) {
		emit_reap(pid, z, NULL);
		bpf_map_delete_elem(&zombies, &pid);
	} else {
		z->freed_ns = bpf_ktime_get_boot_ns();
	}
	return 0;
}

/* A pid returned by wait() in the reaper's namespace, as a global pid. */
static __always_inline __u32 global_pid(struct task_struct *reaper, __u32 nr)
{
	unsigned int level;
	struct pid_namespace *ns = active_ns(reaper, &level);
	struct ns_key key = {};
	__u32 *pid;

	if (level == 0)
		return nr;
	key.inum = BPF_CORE_READ(ns, ns.inum);
	key.nr = nr;
	pid = bpf_map_lookup_elem(&zombie_alias, &key);
	if (!pid)
		return 0;
	nr = *pid;
	bpf_map_delete_elem(&zombie_alias, &key);
	return nr;
}

static __always_inline void reaped_by_current(__u32 vpid)
{
	struct task_struct *reaper = current_task();
	__u32 pid = global_pid(reaper, vpid);
	struct pt_zombie *z;

	if (!pid)
		return;
	/* Only zombies are in the map, and wait4() cannot peek (no WNOWAIT):
	 * a pid found here was released by this wait. */
	z = bpf_map_lookup_elem(&zombies, &pid);
	if (!z)
		return;
	emit_reap(pid, z, reaper);
	bpf_map_delete_elem(&zombies, &pid);
}

SEC("tracepoint/syscalls/sys_exit_wait4")
int handle_wait4_exit(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret > 0)
		reaped_by_current(ctx->ret);
	return 0;
}

#define WEXITED_ 0x00000004
#define WNOWAIT_ 0x01000000

SEC("tracepoint/syscalls/sys_enter_waitid")
int handle_waitid_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight f = {};

	f.ptr = ctx->args[2];
	f.options = ctx->args[3];
	if (!f.ptr || !(f.options & WEXITED_) || (f.options & WNOWAIT_))
		return 0;
	bpf_map_update_elem(&inflight, &tid, &f, BPF_ANY);
	return 0;
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
	if (ctx->ret == 0 && !bpf_probe_read_user(&info, sizeof(info), (const void *)f->ptr) &&
	    info.si_pid > 0)
		reaped_by_current(info.si_pid);
	bpf_map_delete_elem(&inflight, &tid);
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
	bool continued = sig == SIGCONT && continues(task);
	struct pt_actor by;
	__u16 flags;

	if (!task_wanted(task))
		return 0;
	flags = signal_sender(&by, sig, code, info, task);
	emit_signal(PT_SIGNAL, sig, code, result, task, group, &by, flags);

	if (is_stop_signal(sig) && result == PT_SIG_DELIVERED)
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
	if (!task_wanted(task))
		return 0;
	e = reserve(PT_STOP);
	if (!e)
		return 0;
	fill_task_any(&e->task, task);
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

/* The pid number of task in the pid namespace at the given level. */
static __always_inline __u32 vpid_at(struct task_struct *task, unsigned int level)
{
	struct pid *p = pid_of(BPF_CORE_READ(task, signal), PIDTYPE_TGID_);
	struct upid up = {};

	if (!p || BPF_CORE_READ(p, level) < level)
		return 0;
	bpf_core_read(&up, sizeof(up), &p->numbers[level]);
	return up.nr;
}

/* setpgid(pid, ...) may name the caller or one of its children, by the
 * number the caller's namespace gives it. */
static __always_inline struct task_struct *setpgid_target(struct task_struct *cur, __u32 vpid)
{
	unsigned long sibling_off = bpf_core_field_offset(struct task_struct, sibling);
	struct list_head *head = &cur->children;
	struct list_head *pos;
	unsigned int level;
	struct task_struct *child;
	int i;

	active_ns(cur, &level);
	if (vpid == 0 || vpid == vpid_at(cur, level))
		return cur;
	pos = BPF_CORE_READ(cur, children.next);
	for (i = 0; i < MAX_CHILDREN_SCAN && pos && pos != head; i++) {
		child = (void *)pos - sibling_off;
		if (vpid_at(child, level) == vpid)
			return child;
		pos = BPF_CORE_READ(child, sibling.next);
	}
	return NULL;
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

	if (!task_wanted_in(target, f->old_pgid) && !task_wanted(target))
		return;
	e = reserve(kind);
	if (!e)
		return;
	fill_task_any(&e->task, target);
	fill_actor_any(&e->by, current_task());
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
	__u32 uid = 0;

	if (!filtering() || task_wanted(task))
		return true;
	if (n_uids)
		uid = BPF_CORE_READ(task, real_cred, uid.val);
	bpf_probe_read_kernel_str(comm, sizeof(comm), new_comm);
	return fields_wanted(task->tgid, n_pgids ? task_pgid(task) : 0, uid, comm);
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
	fill_actor_any(&e->by, current_task());
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
	if (e.task.state == PT_STATE_STOPPED || task->signal->group_stop_count > 0) {
		struct stop_state *s = stop_state_of(e.task.pid);

		if (s)
			s->stopped = 1;
	}
	if (e.task.state == PT_STATE_ZOMBIE && event_task_wanted(&e.task)) {
		struct pt_zombie z = { .exit_ns = 0, .freed_ns = 0, .task = e.task };

		bpf_map_update_elem(&zombies, &e.task.pid, &z, BPF_NOEXIST);
	}
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
