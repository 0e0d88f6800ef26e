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
#define EXIT_DEAD_ 0x10 /* task->exit_state once its release is decided */
#define PF_EXITING_ 0x4 /* task->flags: the task is in do_exit() */
#define MAX_PID_NS_LEVEL_ 32

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

/* Followed processes (-p, -- COMMAND), keyed by tgid: seeded by the loader,
 * set or cleared at every fork, removed when the process is freed. The value
 * is the process's start time (0: seeded, any), so that the late free of a
 * process cannot remove a newer one that already reuses its pid. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u64);
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
 * reapers inside a namespace, (namespace inode, pid there) -> global pid,
 * for every namespace the zombie is numbered in (a subreaper may live in
 * another one than the parent it had at exit). */
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

/* Processes that ignored SIGCHLD when they exited: tgid -> start time. A
 * zombie handed to one of them is released at once, but may be freed after
 * that parent is released itself, when its disposition is gone. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} ignored_sigchld SEC(".maps");

/* Arguments saved at syscall entry for the exit handler, by tid. */
struct inflight {
	__u64 ptr;     /* waitid: infop; setpgid: target task */
	__u32 options; /* waitid */
	__u32 old_pgid;
	__u32 old_sid;
	__u32 wait_id; /* waitid with no infop: the pid of P_PID */
};
/* LRU: a task killed inside the syscall never reaches its exit handler. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct inflight);
} inflight SEC(".maps");

/* waitid() with no infop and no single pid: the waiting thread's children
 * at entry, by tid; the one that its return finds released (EXIT_DEAD) is
 * the one it reaped. Children of other threads, or forked during the wait,
 * are not here: their release is seen at their free (handle_free). */
#define WAIT_CANDIDATES 64
struct wait_candidates {
	__u32 n;
	__u32 pid[WAIT_CANDIDATES];
};
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct wait_candidates);
} wait_candidates SEC(".maps");

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

static __always_inline void pid_reused(__u32 pid);

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
		pid_reused(pid);
		follow_child(parent, child);
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

/* Threads not yet released that an exit row can sum (see below): as many
 * as the verifier accepts in a bounded loop (no bpf_loop() before 5.17). */
#define MAX_THREADS_WALK 1024
/* Reads of the thread list racing with a thread's release, retried. */
#define STATS_READS 2

static __always_inline void add_released(struct pt_exit *x, struct signal_struct *sig)
{
	x->utime_ns += sig->utime;
	x->stime_ns += sig->stime;
	x->runtime_ns += sig->sum_sched_runtime;
	x->minflt += sig->min_flt;
	x->majflt += sig->maj_flt;
	x->nvcsw += sig->nvcsw;
	x->nivcsw += sig->nivcsw;
}

/* A thread found on a list is not a BTF-typed pointer: read it with helpers. */
static __always_inline void add_thread_any(struct pt_exit *x, struct task_struct *t)
{
	x->utime_ns += BPF_CORE_READ(t, utime);
	x->stime_ns += BPF_CORE_READ(t, stime);
	x->runtime_ns += BPF_CORE_READ(t, se.sum_exec_runtime);
	x->minflt += BPF_CORE_READ(t, min_flt);
	x->majflt += BPF_CORE_READ(t, maj_flt);
	x->nvcsw += BPF_CORE_READ(t, nvcsw);
	x->nivcsw += BPF_CORE_READ(t, nivcsw);
}

static __always_inline __u32 stats_seq(struct signal_struct *sig)
{
	__u32 seq = 1;

	/* The sequence is the first word of seqlock_t on every kernel. */
	bpf_core_read(&seq, sizeof(seq), &sig->stats_lock);
	return seq;
}

/* What thread_group_cputime() and getrusage() sum for a process: the
 * totals of its released threads (in signal_struct) plus every thread still
 * on its thread list, under the seqcount that __exit_signal() holds while
 * it moves a thread from the one to the other. The list holds more than the
 * exiting thread when the leader exited first (a zombie until the group
 * ends) or when other threads are exiting at the same time. */
static __always_inline void group_usage_walk(struct pt_exit *x, struct signal_struct *sig)
{
	unsigned long node_off = bpf_core_field_offset(struct task_struct, thread_node);
	unsigned long head = (unsigned long)&sig->thread_head;
	unsigned long pos;
	__u32 seq;

	for (int attempt = 0; attempt < STATS_READS; attempt++) {
		seq = stats_seq(sig);
		x->utime_ns = x->stime_ns = x->runtime_ns = 0;
		x->minflt = x->majflt = x->nvcsw = x->nivcsw = 0;
		add_released(x, sig);
		pos = (unsigned long)BPF_CORE_READ(sig, thread_head.next);
		for (int i = 0; i < MAX_THREADS_WALK && pos && pos != head; i++) {
			struct task_struct *t = (struct task_struct *)(pos - node_off);

			add_thread_any(x, t);
			pos = (unsigned long)BPF_CORE_READ(t, thread_node.next);
		}
		if (!(seq & 1) && seq == stats_seq(sig))
			break;
	}
}

/* Usage as getrusage() reports it: the thread's own for a thread exit; the
 * whole process's at the exit of its last thread (what wait4() will say,
 * children aside). A process with one thread left is summed directly, so
 * the walk costs nothing to single-threaded processes. */
static __always_inline void fill_usage(struct pt_exit *x, struct task_struct *task,
				       struct signal_struct *sig, bool group)
{
	struct mm_struct *mm = task->mm;
	__u64 rss_pages = 0;

	if (mm)
		rss_pages = mm->hiwater_rss;
	if (group)
		rss_pages = max_u64(rss_pages, sig->maxrss);
	x->maxrss_kb = rss_pages * page_kb;
	if (group && sig->nr_threads != 1) {
		group_usage_walk(x, sig);
		return;
	}
	x->utime_ns = task->utime;
	x->stime_ns = task->stime;
	x->runtime_ns = task->se.sum_exec_runtime;
	x->minflt = task->min_flt;
	x->majflt = task->maj_flt;
	x->nvcsw = task->nvcsw;
	x->nivcsw = task->nivcsw;
	if (group)
		add_released(x, sig);
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
 * may return there. */
static __always_inline void remember_zombie(struct task_struct *task, const struct pt_task *t,
					    __u64 exit_ns, __u64 map_flags)
{
	struct signal_struct *sig = BPF_CORE_READ(task, signal);
	struct pid *tgid_pid = pid_of(sig, PIDTYPE_TGID_);
	unsigned int level = BPF_CORE_READ(tgid_pid, level);
	struct pt_zombie z = {};
	struct ns_key key = {};
	struct upid up = {};

	z.exit_ns = exit_ns;
	z.leader = (__u64)BPF_CORE_READ(task, group_leader);
	z.task = *t;
	if (bpf_map_update_elem(&zombies, &t->pid, &z, map_flags))
		return;
	for (unsigned int i = 1; i < MAX_PID_NS_LEVEL_ && i <= level; i++) {
		bpf_core_read(&up, sizeof(up), &tgid_pid->numbers[i]);
		key.inum = BPF_CORE_READ(up.ns, ns.inum);
		key.nr = up.nr;
		bpf_map_update_elem(&zombie_alias, &key, &t->pid, BPF_ANY);
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
static __always_inline bool autoreaped_at_exit(struct task_struct *task)
{
	struct task_struct *leader = task->group_leader;

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
	return e;
}

/* Released by reaper's wait(), or by the kernel itself (NULL: autoreap). */
static __always_inline void emit_reap(const struct pt_task *t, __u64 exit_ns,
				      struct task_struct *reaper, __u32 ppid)
{
	struct pt_event *e = reap_event(t, exit_ns, ppid);

	if (!e)
		return;
	if (reaper) {
		fill_actor_any(&e->by, reaper);
	} else {
		e->flags |= PT_F_AUTOREAP;
		no_actor(e);
	}
	submit(e);
}

/* An exit either leaves a zombie for a wait() or, when the parent ignores
 * SIGCHLD, is released by the exit itself. */
static __always_inline void exit_to_zombie(struct task_struct *task, const struct pt_task *t)
{
	if (parent_autoreaps(task, SIGCHLD)) {
		__u32 pid = t->pid;
		__u64 start = t->start_ns;

		bpf_map_update_elem(&ignored_sigchld, &pid, &start, BPF_ANY);
	}
	if (autoreaped_at_exit(task))
		emit_reap(t, t->ts_ns, NULL, t->ppid);
	else
		remember_zombie(task, t, t->ts_ns, BPF_ANY);
}

/* A process is named after its leader (what ps and /proc/PID/comm show),
 * also when another thread, maybe renamed, is the last to exit. */
static __always_inline void name_after_leader(struct pt_task *t, struct task_struct *task)
{
	if (task->pid != task->tgid)
		__builtin_memcpy(t->comm, task->group_leader->comm, PT_COMM_LEN);
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
		exit_to_zombie(task, &e->task);
	} else {
		e->exit.status = task->exit_code;
	}
	fill_usage(&e->exit, task, sig, group_dead);
	submit(e);
	return 0;
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
	__u64 *start;

	z->task.ppid = BPF_CORE_READ(parent, tgid);
	if (BPF_CORE_READ(parent, sighand)) {
		autoreap = !zapping(parent) && parent_autoreaps_any(parent, exit_signal);
	} else {
		/* The parent is released already: its disposition at exit. */
		start = bpf_map_lookup_elem(&ignored_sigchld, &z->task.ppid);
		autoreap = exit_signal == SIGCHLD && start &&
			*start == BPF_CORE_READ(parent, group_leader, start_boottime);
	}
	if (autoreap) {
		emit_reap(&z->task, z->exit_ns, NULL, z->task.ppid);
		return true;
	}
	z->reaper.pid = z->task.ppid;
	z->reaper.tid = 0;
	BPF_CORE_READ_STR_INTO(&z->reaper.comm, parent, group_leader, comm);
	return false;
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
SEC("tp_btf/sched_process_free")
int BPF_PROG(handle_free, struct task_struct *task)
{
	__u32 pid = task->tgid;
	struct pt_zombie *z;

	unfollow_freed(task);
	if ((__u32)task->pid != pid)
		return 0;
	z = bpf_map_lookup_elem(&zombies, &pid);
	if (!z)
		return 0;
	if (settle_unnamed(z, task))
		bpf_map_delete_elem(&zombies, &pid);
	else
		z->freed_ns = bpf_ktime_get_boot_ns();
	return 0;
}

/* A new process got the pid of a zombie still in the map: that one was
 * released (its pid is free again) and its free may not have come yet, or
 * its report is waiting in userspace: report it now, as a release seen at
 * this point, so that neither it nor the new process is lost. */
static __always_inline void pid_reused(__u32 pid)
{
	struct pt_zombie *z = bpf_map_lookup_elem(&zombies, &pid);
	struct pt_event *e;

	if (!z)
		return;
	if (z->freed_ns || !settle_unnamed(z, (struct task_struct *)z->leader)) {
		e = reap_event(&z->task, z->exit_ns, z->task.ppid);
		if (e) {
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
	unsigned int level;
	struct pid_namespace *ns = active_ns(reaper, &level);
	__u32 *pid;

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
	/* Released and freed already (the task may be gone): ppid is the
	 * real parent at the free. Else still the parent it had at exit if
	 * the waiter is that one: alive, so nobody adopted the zombie. */
	ppid = z->task.ppid;
	if (!z->freed_ns) {
		leader = (struct task_struct *)z->leader;
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
	emit_reap(&z->task, z->exit_ns, reaper, ppid);
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
 * one it reaps. */
static __always_inline void note_wait_candidates(__u32 tid)
{
	unsigned long sibling_off = bpf_core_field_offset(struct task_struct, sibling);
	struct task_struct *cur = current_task(), *child;
	struct list_head *head = &cur->children, *pos;
	struct wait_candidates c = {};

	pos = BPF_CORE_READ(cur, children.next);
	for (int i = 0; i < WAIT_CANDIDATES && pos && pos != head; i++) {
		child = (void *)pos - sibling_off;
		c.pid[i] = BPF_CORE_READ(child, tgid);
		c.n = i + 1;
		pos = BPF_CORE_READ(child, sibling.next);
	}
	bpf_map_update_elem(&wait_candidates, &tid, &c, BPF_ANY);
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
	bpf_map_update_elem(&inflight, &tid, &f, BPF_ANY);
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
	/* An exit that came first knows more: NOEXIST. */
	if (e.task.state == PT_STATE_ZOMBIE && event_task_wanted(&e.task))
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
