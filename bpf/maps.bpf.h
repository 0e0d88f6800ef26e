/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Kernel constants, load-time tunables and filters, and every map of the
 * object: the one place their layout and lifetime are described.
 * Included once, by proctrace.bpf.c (one BPF object).
 */
#ifndef PROCTRACE_MAPS_BPF_H
#define PROCTRACE_MAPS_BPF_H

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

/* What to record (-e, --signals): bit 1 << kind, bit sig - 1. Programs of
 * kinds not asked for are not loaded at all (the loader turns their
 * autoload off); in programs that serve several kinds, the verifier drops
 * the code of the kinds left out, since these are fixed at load time. */
const volatile __u32 want_kinds = ~0u;
const volatile __u64 want_signals = ~0ull;

/* Filters (all off by default). Kinds combine as AND, values of one kind
 * as OR; see wanted(). Values are fixed at load time, so the verifier
 * removes the code of every filter that is off. */
const volatile bool follow_pids = false;     /* only processes in `followed` */
const volatile struct pt_filter filter = {}; /* -g, --uid, -c: filter_rules.h */

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

/* The event an iterator (the snapshot and its rescans, the usage at the
 * end) builds for its seq_file: on the stack it would leave too little of
 * the 512 bytes the verifier allows a call chain, which --cgroup's
 * subprograms share (5.10 and 6.1 count even the ones never called). The
 * iterators run one at a time, from proctrace's one thread. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pt_event);
} iter_event SEC(".maps");

/* Processes that exited and wait to be reaped, by global pid: the reap
 * event is made from this when the reaper's wait() returns, since the task
 * itself can no longer be looked up then. Not LRU: an entry leaves at its
 * reap (or its free, or userspace's report of it); a zombie that finds the
 * map full is counted as a lost reap (map_keep). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct pt_zombie);
} zombies SEC(".maps");

/* The final usage of zombies freed before a wait() named them (see
 * handle_free), by pid, for their reap rows. Not LRU: an entry leaves at
 * that reap (or userspace's report of it); one that finds the map full is
 * counted as a lost reap (map_keep), its reap row without usage. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct pt_released_usage);
} released_usage SEC(".maps");

/* wait() returns the pid as the reaper's pid namespace numbers it: for
 * reapers inside a namespace, (namespace inode, pid there) -> global pid,
 * for every namespace the zombie is numbered in (a subreaper may live in
 * another one than the parent it had at exit). Not LRU: a wait() in that
 * namespace that names the zombie removes its alias there; the others
 * (the zombie's numbers in the namespaces above, or all of them when no
 * naming wait released it) are removed by userspace once the zombie has
 * left `zombies` (sweep_aliases, loader_read.c), within half a second:
 * the task no longer has those numbers at its free (its struct pid is
 * detached at the release), so no BPF program could name them then. An
 * alias that finds the map full is counted as a lost reap (map_keep): the
 * wait() in that namespace is not matched, and the reap is reported at
 * the free (reap_at=free), naming the real parent, the only one that
 * releases by wait() (docs/bounds.md). */
struct ns_key {
	__u32 inum;
	__u32 nr;
};
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct ns_key);
	__type(value, __u32);
} zombie_alias SEC(".maps");

/* Processes whose last exit was claimed, on kernels whose tracepoint has
 * no group_dead (see exit_ends_group, proctrace.bpf.c): 1, or 2 when the
 * claim was unsure. Not LRU: the entry is removed at the free of the
 * process's leader (handle_free), which comes after every exit of the
 * group (the leader is released last); so the map holds the processes
 * that ended and are not freed yet (zombies among them). A claim that
 * finds the map full is refused: that exit does not claim the process's
 * end, which then has no exit row, counted as a lost `exit` (never two
 * process exits). Allocated by entry: kernels with group_dead never use
 * it, and the others rarely. */
struct group_dead_key {
	__u32 tgid;
	__u32 _pad;
	__u64 start_ns; /* the process's: a reused pid is another */
};
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 16384);
	__type(key, struct group_dead_key);
	__type(value, __u8);
} group_dead_claims SEC(".maps");

/* Arguments saved at syscall entry for the exit handler, by tid. */
struct inflight {
	__u64 ptr;     /* waitid: infop; setpgid: target task */
	__u32 options; /* waitid */
	__u32 old_pgid;
	__u32 old_sid;
	__u32 wait_id; /* waitid with no infop: the pid of P_PID */
};
/* From the syscall's entry to its exit. Not LRU, as every map keyed by
 * thread (inflight, wait_candidates, exec_entries, ns_before, queueing):
 * an entry leaves at the syscall's exit, or at the thread's end for one
 * that never returns (forget_thread, proctrace.bpf.c), so the map holds
 * the threads inside these calls now; an entry that finds it full is
 * counted lost under the kind of the row it was kept for (map_keep). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
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
	__uint(type, BPF_MAP_TYPE_HASH);
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
 * signals), and so does the process's exit (a process that died stopped),
 * so entries are those of live processes stopped or with stop signals
 * pending. Not LRU: an entry that finds the map full is counted lost, a
 * `stop` (its sender) or a `continue` (the stop it would answer). */
struct stop_state {
	struct pt_actor by[4]; /* SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU */
	__u16 flags[4];	       /* PT_F_KERNEL_SENDER or 0 */
	__u8 sent;	       /* bit i: by[i] holds a pending signal's sender */
	__u8 stopped;
	__u8 _pad[6];
};
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct stop_state);
} stops SEC(".maps");

#endif
