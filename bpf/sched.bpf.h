/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * --sched: where a followed thread's time goes (running, runnable,
 * sleeping, disk-sleep, stopped, traced), from the scheduler's tracepoints.
 *
 * A thread is followed here when it has an entry in the task-local storage
 * `sched_tasks`: made at its birth (sched_wakeup_new) or at the start of
 * tracing (the snapshot iterator, sched_snapshot_task) when the filters want it, and
 * decided again at its exec. Every other program only looks its entry up:
 * a context switch of a thread that is not followed costs two storage
 * lookups that find nothing (task->bpf_storage is NULL) and returns.
 * Everything is summed in the entry; the ring buffer gets a record at a
 * state change only with --sched-events (sched_events), and one summary at
 * the thread's exit (the process's, summed over its threads, at the exit
 * of the last one). Processes still running at the end are summed by the
 * sched_final iterator into `sched_procs`, which the loader reads.
 *
 * Task storage exists since Linux 5.11: these programs and maps are loaded
 * only with --sched (the loader turns them off otherwise), so the rest
 * still loads on 5.8.
 * Included once, by proctrace.bpf.c (one BPF object).
 */
#ifndef PROCTRACE_SCHED_BPF_H
#define PROCTRACE_SCHED_BPF_H

#include "proctrace/sched.h"

/* Task state bits (include/linux/sched.h): macros, so not in BTF; the
 * same values since 2.6 (the order of ps's state letters). Since 5.19
 * TASK_TRACED is __TASK_TRACED alone, before it had TASK_WAKEKILL too:
 * only the bits are tested. */
#define TASK_INTERRUPTIBLE_ 0x0001
#define TASK_UNINTERRUPTIBLE_ 0x0002
#define TASK_STOPPED_ 0x0004
#define TASK_TRACED_ 0x0008
#define TASK_DEAD_ 0x0080
#define TASK_NOLOAD_ 0x0400 /* with UNINTERRUPTIBLE: TASK_IDLE, ps `I`, not `D` */

/* Set by the loader: --sched (these programs are loaded), and state
 * changes as records (--sched-events or a view that draws them). */
const volatile bool sched_on = false;
const volatile bool sched_events = false;
/* sched_switch passes prev_state as its last argument (5.18 and later);
 * else it is read from the task, as the tracepoint itself did then. */
const volatile bool switch_has_prev_state = true;

struct sched_task {
	__u64 since_ns; /* when the current state began */
	__u64 run_ns;	/* the thread's se.sum_exec_runtime then */
	__u32 slot;	/* enum pt_sched_slot: the current state; SLOT_ENDED_ */
	__u32 row_due;	/* followed from an exec whose row (handle_exec) is still to come */
	__u64 exit_ns;	/* its exit row's time (sched_exit_time) */
	struct pt_sched_counts c;
};

/* The thread has exited and its count is summed; its entry stays until
 * its exit row has taken the time (sched_exit_time), or until the task is
 * freed (task storage goes with its task), and no program counts on it. */
#define SLOT_ENDED_ (PT_NSLOTS + 1)

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sched_task);
} sched_tasks SEC(".maps");

/* A process whose threads ended (or were summed at the end) before its
 * last one: tgid -> its threads so far. Read by the loader at the end. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pt_sched_proc);
} sched_procs SEC(".maps");

/* The two ends of a followed thread's count are those of its rows: its
 * fork row's time and its exit row's, so that its states and its zombie
 * time add up to its lifetime to the nanosecond, however long the kernel
 * took in between (a parent preempted between the fork and the wake-up).
 *
 * The birth: handle_fork (sched_process_fork) always comes before
 * sched_wakeup_new (wake_up_new_task(), after copy_process()). The fork
 * row leaves its time here, the wake-up takes it (and removes it, whether
 * it follows the thread or not), so an entry lives for microseconds. By
 * tid and the thread's start time (a reused tid is another). Not LRU: a
 * time that finds the map full is counted as a lost `sched` (map_keep),
 * and that thread's states begin at the scheduler's time, not its row's.
 * An entry stays only when the kernel skipped sched_wakeup_new (its
 * recursion guard, counted as a lost event).
 *
 * The exec of a thread followed from there (-c): sched_exec and
 * handle_exec pair their times the same way (SCHED_STAMP_EXEC).
 *
 * The exit: handle_exit and sched_exit run on one tracepoint, in the order
 * they were attached; the first leaves its time in the thread's task
 * storage (exit_ns), which goes with the task. */
enum {
	SCHED_STAMP_BIRTH,
	SCHED_STAMP_EXEC
};
struct sched_stamp_key {
	__u32 tid;
	__u32 kind; /* SCHED_STAMP_BIRTH, or _EXEC (sched_exec_pair) */
	__u64 start_ns;
};
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct sched_stamp_key);
	__type(value, __u64);
} sched_stamps SEC(".maps");

/* The fork row's time, for sched_wakeup_new. Inline, behind sched_on in
 * the core's programs: without --sched the verifier drops it with the
 * reference to the map, not created then. */
static __always_inline void sched_birth_leave(__u32 tid, __u64 start_ns, __u64 ts)
{
	struct sched_stamp_key k = {};

	k.tid = tid;
	k.kind = SCHED_STAMP_BIRTH;
	k.start_ns = start_ns;
	map_keep(&sched_stamps, &k, &ts, BPF_ANY, PT_SCHED_SUM);
}

/* The time left under kind if there is one (removed), else now: *found
 * says which. */
static __always_inline __u64 sched_stamp_take(__u32 tid, __u64 start_ns, __u32 kind, __u64 now,
					      bool *found)
{
	struct sched_stamp_key k = {};
	__u64 *ts;

	k.tid = tid;
	k.kind = kind;
	k.start_ns = start_ns;
	ts = bpf_map_lookup_elem(&sched_stamps, &k);
	*found = ts != NULL;
	if (!ts)
		return now;
	now = *ts;
	bpf_map_delete_elem(&sched_stamps, &k);
	return now;
}

/* The fork row's time if it left one (removed), else now. */
static __always_inline __u64 sched_birth_take(__u32 tid, __u64 start_ns, __u64 now)
{
	bool found;

	return sched_stamp_take(tid, start_ns, SCHED_STAMP_BIRTH, now, &found);
}

/* The exec's time for sched_exec and handle_exec, in whichever order they
 * run: the other one's if it came first (removed), else now, left for it
 * (*left set; a time that finds the map full is counted lost). */
static __always_inline __u64 sched_exec_pair(__u32 tid, __u64 start_ns, __u64 now, bool *left)
{
	struct sched_stamp_key k = {};
	bool found;

	now = sched_stamp_take(tid, start_ns, SCHED_STAMP_EXEC, now, &found);
	*left = !found;
	if (!found) {
		k.tid = tid;
		k.kind = SCHED_STAMP_EXEC;
		k.start_ns = start_ns;
		map_keep(&sched_stamps, &k, &now, BPF_ANY, PT_SCHED_SUM);
	}
	return now;
}

/* The time the thread's count ends at, for the exit's two programs: the
 * other one's if it came first (its entry then goes, when this one is the
 * exit row's), else now (left for it). */
static __always_inline __u64 sched_exit_time(struct task_struct *task, __u64 now, bool row)
{
	struct sched_task *s = bpf_task_storage_get(&sched_tasks, task, 0, 0);

	if (!s)
		return now;
	if (s->exit_ns) {
		now = s->exit_ns;
		if (row)
			bpf_task_storage_delete(&sched_tasks, task);
		return now;
	}
	s->exit_ns = now;
	return now;
}

/* Before 5.14 the state was `long state`. */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline unsigned int task_state_bits(struct task_struct *t)
{
	struct task_struct___pre514 *old = (void *)t;

	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return (unsigned int)BPF_CORE_READ(old, state);
}

/* Whether the task is on a CPU now: task->on_cpu, an int before 7.x and a
 * u8 since. A direct load of the int would be relocated to a one-byte
 * field, which libbpf refuses for a signed type (the program then fails
 * to load: "failed to resolve CO-RE relocation"): read with the field's
 * own size, whatever it is. */
static __always_inline bool task_on_cpu(struct task_struct *t)
{
	return BPF_CORE_READ_BITFIELD_PROBED(t, on_cpu) != 0;
}

/* The state a task that is not on a CPU is in, from its state bits; a
 * traced stop is `traced` (ps `t`), a job-control stop `stopped` (`T`). */
static __always_inline __u32 slot_of_bits(unsigned int bits)
{
	if (bits == 0)
		return PT_SLOT_RUNNABLE;
	if (bits & TASK_TRACED_)
		return PT_SLOT_TRACED;
	if (bits & TASK_STOPPED_)
		return PT_SLOT_STOPPED;
	if ((bits & TASK_UNINTERRUPTIBLE_) && !(bits & TASK_NOLOAD_))
		return PT_SLOT_DISK_SLEEP;
	return PT_SLOT_SLEEPING;
}

static __always_inline void emit_change(struct task_struct *task, __u32 prev, __u32 state,
					__u64 prev_ns)
{
	struct pt_event *e = reserve(PT_SCHED_STATE);

	if (!e)
		return;
	fill_task(&e->task, task);
	no_actor(e);
	e->task.state = state;
	e->sched_change.prev_state = prev < PT_NSLOTS ? pt_slot_state(prev) : PT_STATE_ALIVE;
	e->sched_change.cpu = bpf_get_smp_processor_id();
	e->sched_change.prev_ns = prev_ns;
	submit(e);
}

/* The time in the state left is counted; a wait on the run queue that
 * ends in running is one run-queue latency. */
static __always_inline void sched_enter(struct sched_task *s, struct task_struct *task, __u32 slot,
					__u64 now)
{
	__u32 prev = s->slot;
	__u32 lat, b;
	__u64 d;

	if (prev == slot)
		return;
	d = pt_sched_elapsed(&s->since_ns, now);
	/* Callers' own checks of the slot must not replace this one. */
	barrier_var(prev);
	if (prev < PT_NSLOTS)
		s->c.ns[prev] += d;
	if (prev == PT_SLOT_RUNNABLE && slot == PT_SLOT_RUNNING) {
		lat = pt_rq_saturate(d);
		b = pt_rq_bucket(d);
		/* The verifier cannot follow pt_rq_bucket's bound. */
		barrier_var(b);
		if (b < PT_RQ_BUCKETS)
			s->c.hist.count[b]++;
		s->c.waits++;
		if (lat > s->c.rq_max_ns)
			s->c.rq_max_ns = lat;
	}
	s->slot = slot;
	s->run_ns = task->se.sum_exec_runtime;
	if (sched_events)
		emit_change(task, prev, pt_slot_state(slot), d);
}

static __always_inline struct sched_task *sched_of(struct task_struct *task)
{
	struct sched_task *s = bpf_task_storage_get(&sched_tasks, task, 0, 0);

	return s && s->slot != SLOT_ENDED_ ? s : NULL;
}

/* The task is on its CPU (switched out now, or exiting) but held in
 * another state: its switch-in was missed. The time since that state
 * began is split by the kernel's count of what it ran meanwhile (fresh
 * here: the scheduler has just updated it, or the task is current), the
 * running part counted as running from when it must have started. */
static __always_inline void sched_repair(struct sched_task *s, struct task_struct *task, __u64 now)
{
	__u64 held = now > s->since_ns ? now - s->since_ns : 0;
	__u64 sum = task->se.sum_exec_runtime;
	__u64 ran = pt_sched_repair(held, sum > s->run_ns ? sum - s->run_ns : 0);

	if (s->slot == PT_SLOT_RUNNING || s->slot >= PT_NSLOTS)
		return;
	s->c.repaired++;
	sched_enter(s, task, PT_SLOT_RUNNING, now - ran);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct sched_task *s = sched_of(prev);
	unsigned int bits;
	__u64 now = 0;

	if (s) {
		now = bpf_ktime_get_boot_ns();
		bits = switch_has_prev_state ? (unsigned int)ctx[3] : task_state_bits(prev);
		s->c.switches++;
		sched_repair(s, prev, now);
		/* The last switch of a dead task: its exit has summed it. */
		if (!(bits & TASK_DEAD_))
			sched_enter(s, prev, preempt ? PT_SLOT_RUNNABLE : slot_of_bits(bits), now);
	}
	s = sched_of(next);
	if (s)
		sched_enter(s, next, PT_SLOT_RUNNING, now ?: bpf_ktime_get_boot_ns());
	return 0;
}

/* A sleeping, stopped or traced thread woken; a wakeup of one that never
 * got off its CPU (woken before it slept) changes nothing. */
SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	struct sched_task *s = sched_of(p);

	if (s && s->slot != PT_SLOT_RUNNING && s->slot != PT_SLOT_RUNNABLE)
		sched_enter(s, p, PT_SLOT_RUNNABLE, bpf_ktime_get_boot_ns());
	return 0;
}

static __always_inline struct sched_task *sched_follow(struct task_struct *task, __u32 slot,
						       __u64 now)
{
	struct sched_task *s;

	s = bpf_task_storage_get(&sched_tasks, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s) {
		/* Its scheduler states are lost: count them as one. */
		count_lost(PT_SCHED_SUM);
		return NULL;
	}
	s->slot = PT_NSLOTS; /* none yet: the first state is a change from alive */
	s->since_ns = now;
	sched_enter(s, task, slot, s->since_ns);
	return s;
}

/* A new thread or process (after its fork's follow decision): runnable. */
SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	__u64 born = sched_birth_take(p->pid, p->start_boottime, bpf_ktime_get_boot_ns());

	if (task_wanted(p))
		sched_follow(p, PT_SLOT_RUNNABLE, born);
	return 0;
}

/* An exec changes the name the filters see (-c): followed from here on, or
 * no more. A thread followed from here is counted from its exec row's time
 * (its first row: the fork's was not wanted), paired through sched_stamps
 * with handle_exec (sched_exec_row) in whichever order they run. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(sched_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	struct sched_task *s = sched_of(task);
	bool left;
	__u64 now;

	if (!s && task_wanted(task)) {
		now = sched_exec_pair(task->pid, task->start_boottime, bpf_ktime_get_boot_ns(),
				      &left);
		s = sched_follow(task, PT_SLOT_RUNNING, now);
		if (s)
			s->row_due = left;
	} else if (s && !task_wanted(task)) {
		bpf_task_storage_delete(&sched_tasks, task);
	}
	return 0;
}

/* The time of the exec row of a wanted task: sched_exec's when it follows
 * the task from this exec (it came first and says so in row_due, or comes
 * next and finds no entry), else now. */
static __always_inline __u64 sched_exec_row(struct task_struct *task, __u64 now)
{
	struct sched_task *s = sched_of(task);
	bool left;

	if (s && !s->row_due)
		return now;
	if (s)
		s->row_due = 0;
	return sched_exec_pair(task->pid, task->start_boottime, now, &left);
}

static __always_inline void counts_fold(struct pt_sched_counts *dst,
					const struct pt_sched_counts *src)
{
	for (int i = 0; i < PT_NSLOTS; i++)
		dst->ns[i] += src->ns[i];
	dst->switches += src->switches;
	dst->waits += src->waits;
	if (src->rq_max_ns > dst->rq_max_ns)
		dst->rq_max_ns = src->rq_max_ns;
	for (int b = 0; b < PT_RQ_BUCKETS; b++)
		dst->hist.count[b] += src->hist.count[b];
}

/* The thread's current state counted up to now. */
static __always_inline void sched_close(struct sched_task *s, __u64 now)
{
	__u64 d = pt_sched_elapsed(&s->since_ns, now);

	if (s->slot < PT_NSLOTS)
		s->c.ns[s->slot] += d;
}

/* Adds the thread to its process's entry in sched_procs, made if needed. */
static __always_inline struct pt_sched_proc *proc_fold(struct task_struct *task,
						       const struct pt_sched_counts *c)
{
	__u32 tgid = task->tgid;
	struct pt_sched_proc *p = bpf_map_lookup_elem(&sched_procs, &tgid);
	static const struct pt_sched_proc fresh;

	if (!p) {
		bpf_map_update_elem(&sched_procs, &tgid, &fresh, BPF_NOEXIST);
		p = bpf_map_lookup_elem(&sched_procs, &tgid);
		if (!p) {
			count_lost(PT_SCHED_SUM);
			return NULL;
		}
		fill_task(&p->task, task);
		name_after_leader(&p->task, task, task->group_leader);
		p->task.tid = p->task.pid;
	}
	counts_fold(&p->c, c);
	return p;
}

static __always_inline void emit_sum(struct task_struct *task, const struct pt_sched_counts *c,
				     __u16 flags)
{
	struct pt_event *e = reserve(PT_SCHED_SUM);

	if (!e)
		return;
	fill_task(&e->task, task);
	no_actor(e);
	e->flags |= flags;
	if (flags & PT_F_GROUP_DEAD)
		name_after_leader(&e->task, task, task->group_leader);
	pt_sched_sum_fill(&e->sched_sum, c);
	submit(e);
}

/* A thread's exit ends its count (the exit row says the rest); the last
 * thread's carries its process's. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_exit, struct task_struct *task)
{
	struct sched_task *s = sched_of(task);
	bool group_dead = task->signal->live.counter == 0;
	__u32 tgid = task->tgid;
	struct pt_sched_proc *p;
	bool first;
	__u64 now;

	if (!s)
		return 0;
	first = !s->exit_ns;
	now = sched_exit_time(task, bpf_ktime_get_boot_ns(), false);
	sched_repair(s, task, now);
	/* The thread is gone: the views roll up the threads left. */
	if (sched_events)
		emit_change(task, s->slot, PT_STATE_ZOMBIE, now - s->since_ns);
	sched_close(s, now);
	if (!group_dead) {
		proc_fold(task, &s->c);
		if (trace_threads)
			emit_sum(task, &s->c, 0);
	} else {
		p = bpf_map_lookup_elem(&sched_procs, &tgid);
		if (p) {
			counts_fold(&p->c, &s->c);
			emit_sum(task, &p->c, PT_F_GROUP_DEAD);
			bpf_map_delete_elem(&sched_procs, &tgid);
		} else {
			emit_sum(task, &s->c, PT_F_GROUP_DEAD);
		}
	}
	/* Summed: no program counts on it any more. Its exit row took its
	 * time already (the entry goes), or may still come for it. */
	if (first)
		s->slot = SLOT_ENDED_;
	else
		bpf_task_storage_delete(&sched_tasks, task);
	return 0;
}

/* A thread alive when tracing starts, in the state it is in now: called
 * by the snapshot iterator for every task before its snapshot row, with
 * the row's time, so that its time is counted from that row on to the
 * nanosecond (two clock reads differ by the program's run between them:
 * microseconds here, milliseconds in a guest whose virtual CPU its host
 * holds up). Without --sched the verifier drops the call (sched_on is
 * constant), and with it the references to maps that were not created. */
static __always_inline void sched_snapshot_task(struct task_struct *task, __u64 now)
{
	if (!sched_on || task->exit_state || !task_wanted(task) || sched_of(task))
		return;
	sched_follow(task,
		     task_on_cpu(task) ? PT_SLOT_RUNNING : slot_of_bits(task_state_bits(task)),
		     now);
}

/* At the end of tracing (all else detached): every thread still followed
 * into its process's entry, measured to now, for the loader to report. */
SEC("iter/task")
int sched_final(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct sched_task *s;

	if (!task)
		return 0;
	s = sched_of(task);
	if (!s)
		return 0;
	sched_close(s, bpf_ktime_get_boot_ns());
	proc_fold(task, &s->c);
	bpf_task_storage_delete(&sched_tasks, task);
	return 0;
}

#endif
