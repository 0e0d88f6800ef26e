/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * The event ABI: the only contract between bpf/proctrace.bpf.c and userspace.
 *
 * No includes on purpose: the BPF side gets __u32 & co from vmlinux.h, the
 * userspace side from <linux/types.h> before including this file.
 * Every struct is fixed-width and explicitly padded; sizes are asserted below
 * so that a change on one side cannot silently skew the other.
 */
#ifndef PROCTRACE_EVENT_H
#define PROCTRACE_EVENT_H

#define PT_COMM_LEN 16
/* exec payload limits: argv is captured up to PT_ARGV_MAX bytes (the rest is
 * marked truncated), the executed path up to PT_PATH_MAX bytes. */
#define PT_ARGV_MAX 32768
#define PT_PATH_MAX 4096
/* Values per filter kind (-g, -p, --uid, -c) the kernel side can hold. */
#define PT_MAX_FILTER 8

enum pt_kind {
	PT_SNAPSHOT = 1, /* process already running when tracing began */
	PT_FORK,	 /* new process; task = child, by = parent; payload clone */
	PT_THREAD,	 /* new thread; task = new thread, by = creating thread;
			  * payload clone */
	PT_EXEC,	 /* task ran a new program; payload exec + data[] */
	PT_EXIT,	 /* a thread exited; PT_F_GROUP_DEAD when the process did */
	PT_REAP,	 /* zombie released; by = reaper (none: PT_F_AUTOREAP) */
	PT_SIGNAL,	 /* signal generated (tp signal_generate); task = receiver,
			  * by = sender, from the siginfo: see bpf/sender.bpf.h */
	PT_STOP,	 /* stop signal taken (tp signal_deliver); by = sender */
	PT_CONTINUE,	 /* stopped task continued by SIGCONT (once per stop); by = sender */
	PT_SETPGID,	 /* task moved to another process group; by = caller */
	PT_SETSID,	 /* task started a new session; by = caller (itself) */
	PT_RENAME,	 /* task changed its comm; payload rename */
	PT_LOST,	 /* userspace-made: ring buffer reservations that failed */
	PT_UNSHARE,	 /* task left namespaces by unshare(2); payload clone */
	PT_SETNS,	 /* task joined namespaces by setns(2); payload clone */
	PT_SCHED_STATE,	 /* --sched-events: a followed thread changed scheduler
			  * state (task.state, enum pt_state); payload sched_change */
	PT_SCHED_SUM,	 /* --sched: time per scheduler state, at a thread's exit
			  * (PT_F_GROUP_DEAD: the whole process) or at the end of
			  * tracing (PT_F_SCHED_AT_END); payload sched_sum */
	PT_REPARENT,	 /* the parent died: task = a child it had (ppid = the new
			  * parent), by = the new parent; payload reparent */
	PT_EXEC_FAILED,	 /* execve/execveat returned an error; payload exec
			  * (error set) + data[] as for PT_EXEC */
	PT_USAGE,	 /* at the end of tracing, a followed process still alive
			  * or a zombie: its resource usage then; payload usage */
	PT_KIND_MAX,
};

/* Lifecycle state of the process after the event (pt_task.state). The
 * scheduler's states refine alive (--sched: PT_SCHED_STATE rows and the
 * model's timeline); stopped (job control, ps `T`) and zombie keep theirs. */
enum pt_state {
	PT_STATE_ALIVE = 0,
	PT_STATE_STOPPED,
	PT_STATE_ZOMBIE,
	PT_STATE_REAPED,
	PT_STATE_RUNNING,    /* on a CPU (ps R, and current) */
	PT_STATE_RUNNABLE,   /* on a run queue, waiting for a CPU (ps R) */
	PT_STATE_SLEEPING,   /* interruptible sleep (ps S) */
	PT_STATE_DISK_SLEEP, /* uninterruptible sleep (ps D) */
	PT_STATE_TRACED,     /* stopped by a tracer: ptrace stop (ps t) */
	PT_STATE_MAX,
};

/* pt_event.flags */
enum pt_flag {
	PT_F_GROUP_DEAD = 1 << 0,     /* exit: last thread of the process */
	PT_F_AUTOREAP = 1 << 1,	      /* reap: released without a wait() */
	PT_F_ARGV_TRUNC = 1 << 2,     /* exec: argv longer than captured */
	PT_F_ARGV_FAULT = 1 << 3,     /* exec: argv could not be read */
	PT_F_PATH_TRUNC = 1 << 4,     /* exec: path longer than captured */
	PT_F_KERNEL_SENDER = 1 << 5,  /* signal/stop/continue: sent by the kernel */
	PT_F_SIG_GROUP = 1 << 6,      /* signal: sent to the whole thread group */
	PT_F_NO_ACTOR = 1 << 7,	      /* by.* is not meaningful */
	PT_F_REAPER_UNKNOWN = 1 << 8, /* reap: released, but by no wait() seen;
				       * ts is when the kernel freed it */
	/* reap: released by a wait() whose return did not name it (waitid
	 * with no infop, io_uring, kernel_wait4, untraced); by = the real
	 * parent (by.tid 0: thread unknown); ts = when the kernel freed it
	 * (tp_btf/sched_process_free, an RCU grace period after the release)
	 * or, if sooner, when a new process took its pid. */
	PT_F_REAP_AT_FREE = 1 << 9,
	/* sched_sum: still running when tracing ended; the process's threads
	 * alive then and those that exited before, measured to that end */
	PT_F_SCHED_AT_END = 1 << 10,
	/* Made by userspace from a rescan of the task list after lost events
	 * (never by the kernel): snapshot: a process born while events were
	 * lost (its fork not seen); exit (it is a zombie now) or reap (it is
	 * gone): an end that was not observed, which happened after
	 * reap.unseen_from_ns and by ts_ns (payload reap for both); lost: the
	 * rescan's summary (payload rescan, not lost). */
	PT_F_RESCAN = 1 << 11,
	/* exec_failed: the path could not be read (filename empty): neither
	 * from the caller's memory nor, on kernels before 6.10 (no
	 * sched_prepare_exec), from the kernel's copy */
	PT_F_PATH_FAULT = 1 << 12,
	/* exit: which of the threads exiting at the same moment was the
	 * process's last is unknown: the kernel's exit tracepoint has no
	 * group_dead (5.10 to 6.12 lack it), and another thread was on its way out
	 * when the last one left (both their exit rows say so; one of them is
	 * the process's exit, PT_F_GROUP_DEAD, the other a thread's) */
	PT_F_LAST_THREAD_UNKNOWN = 1 << 13,
	/* snapshot: the command proctrace started (-- COMMAND), held before
	 * its exec until tracing began; set by userspace (the live source),
	 * kept by a capture (the command=1 key), so a replay shows it too */
	PT_F_COMMAND = 1 << 14,
	/* exit: a fatal signal ended the process, and its sender was not kept
	 * for want of room in the kernel side's map (a bound reached, counted
	 * as a lost exit): cause signal, by.* unknown */
	PT_F_SENDER_LOST = 1 << 15,
};

/* Common fields: who the event is about, as it is after the event.
 * Every event carries them so it describes its process on its own. */
struct pt_task {
	__u64 ts_ns;	 /* bpf_ktime_get_boot_ns(): CLOCK_BOOTTIME */
	__u64 start_ns;	 /* process start, CLOCK_BOOTTIME; (pid, start_ns) is unique */
	__u64 cgroup_id; /* cgroup v2 id: the kernfs node id of
			  * task->cgroups->dfl_cgrp */
	/* Its cgroup of the v1 memory controller (a hybrid's
	 * /sys/fs/cgroup/memory): the kernfs node id of
	 * task->cgroups->subsys[memory_cgrp_id]->cgroup, an id of that v1
	 * hierarchy (not comparable with cgroup_id's). 0 when the memory
	 * controller is not on a v1 hierarchy (bound to v2, or no memcg). */
	__u64 memcg_id;
	__u32 pid; /* thread group id, in the initial pid namespace */
	__u32 tid;
	__u32 ppid; /* real parent's tgid */
	__u32 pgid;
	__u32 sid;
	__u32 uid;    /* real uid */
	__u32 ns_pid; /* pid as the process sees itself (getpid()) */
	__u32 pidns;  /* inode number of that pid namespace */
	__u32 state;  /* enum pt_state */
	__u32 _pad;
	char comm[PT_COMM_LEN];
};

/* Who caused the event (parent, sender, reaper, caller). */
struct pt_actor {
	__u32 pid;
	__u32 tid;
	char comm[PT_COMM_LEN];
};

struct pt_exec {
	__u32 old_tid;	 /* tid that called exec; != pid when a non-leader did */
	__u32 argc;	 /* argument count the kernel saw (exec_failed: read) */
	__u32 args_size; /* total bytes of the argument block (arg_end - arg_start;
			  * exec_failed: of the arguments read) */
	__u32 argv_len;	 /* bytes captured into data[], NUL-separated */
	__u32 path_len;	 /* bytes of the path that follow argv in data[], no NUL */
	__u16 error;	 /* exec_failed: the errno the syscall returned; exec: 0 */
	/* exec_failed: 1 when it failed past the point of no return (the old
	 * program was gone: the memory map had been replaced, and the kernel
	 * kills the process with SIGSEGV); argv is then unknown. */
	__u8 no_return;
	__u8 _pad;
};

/* Why a process ended (pt_exit.cause, process exits only). */
enum pt_cause {
	PT_CAUSE_NONE = 0, /* not said: a thread exit */
	PT_CAUSE_EXIT,	   /* it called exit/exit_group itself */
	PT_CAUSE_SIGNAL,   /* a signal sent by a process (by = sender, if seen) */
	PT_CAUSE_FAULT,	   /* the kernel's SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGTRAP for its own fault */
	PT_CAUSE_OOM,	   /* the OOM killer chose it (tp oom:mark_victim) */
	PT_CAUSE_EXIT_GROUP,  /* another thread's exit_group: by = that thread */
	PT_CAUSE_SECCOMP,     /* SIGSYS from a seccomp filter (si_code SYS_SECCOMP) */
	PT_CAUSE_PDEATHSIG,   /* PR_SET_PDEATHSIG, sent as its parent died: by = the parent */
	PT_CAUSE_NS_TEARDOWN, /* SIGKILL as its pid namespace's init exited: by = that init */
	PT_CAUSE_KERNEL,      /* another signal the kernel made (SIGXCPU, SIGPIPE, SIGALRM...) */
	PT_CAUSE_MAX,
};

/* Resource usage, as getrusage(2) and wait4(2) count it (struct rusage).
 * Sources: task_struct for a thread; for a process, signal_struct (the
 * totals of its released threads) plus the threads still on its list. */
struct pt_usage {
	/* CPU time: the kernel's tick-sampled split (utime, stime), the
	 * precise total (runtime: se.sum_exec_runtime, or signal_struct's
	 * sum_sched_runtime) and the split the kernel last reported
	 * (prev_cputime, which cputime_adjust() keeps so that the figures
	 * it reports never go back). Userspace computes the split as
	 * cputime_adjust() does: what getrusage(2) and wait4(2) report. */
	__u64 utime_ns;
	__u64 stime_ns;
	__u64 runtime_ns;
	__u64 prev_utime_ns;
	__u64 prev_stime_ns;
	__u64 maxrss_kb;
	__u64 minflt;
	__u64 majflt;
	__u64 nvcsw;
	__u64 nivcsw;
	/* Block input and output operations (512-byte units, as getrusage(2)'s
	 * ru_inblock/ru_oublock): task->ioac.read_bytes and write_bytes >> 9,
	 * per thread, plus signal_struct's inblock/oublock of released
	 * threads. 0 on kernels without task I/O accounting. */
	__u64 inblock;
	__u64 oublock;
	/* The children part (getrusage(2)'s RUSAGE_CHILDREN): what the
	 * process's reaping waits have added to its signal_struct for the
	 * children it reaped and theirs (wait_task_zombie()): cutime and
	 * cstime (ns, the split already adjusted as each wait returned it),
	 * cmaxrss (the largest child's peak, pages read as KiB), cmin_flt,
	 * cmaj_flt, cnvcsw, cnivcsw, cinblock, coublock. wait4(2) returns
	 * RUSAGE_BOTH: the fields above plus these (maxrss: the larger of
	 * the two), which is what the export's usage columns are (see
	 * pt_usage_columns()). 0 for a thread's own figures. */
	__u64 cutime_ns;
	__u64 cstime_ns;
	__u64 cmaxrss_kb;
	__u64 cminflt;
	__u64 cmajflt;
	__u64 cnvcsw;
	__u64 cnivcsw;
	__u64 cinblock;
	__u64 coublock;
};

struct pt_exit {
	__u32 status;  /* wait status: exit code << 8 | core 0x80 | signal */
	__u8 cause;    /* enum pt_cause; by = the actor it names, when known */
	__u8 has_code; /* code is the fatal signal's si_code, as generated */
	__s16 code;    /* si_code (all the kernel's fit in 16 bits) */
	/* At the exit tracepoint (a snapshot: the exit path after it, the
	 * teardown of the memory map and the last switch, still counts; the
	 * final figures are the reap's): the whole process on
	 * PT_F_GROUP_DEAD, its children part included (final once its last
	 * thread exits: it can reap no more), else the thread's own
	 * (children part 0). */
	struct pt_usage usage;
	/* How long the process lived, ns: task.ts_ns - task.start_ns (the
	 * group leader's start_boottime, so also for processes older than the
	 * trace); with PT_F_GROUP_DEAD, else 0. */
	__u64 age_ns;
};

/* How the task of a fork/thread row was made (tp_btf/sched_process_fork,
 * bpf/clone.bpf.h), or which namespaces an unshare/setns row changed. */
struct pt_clone {
	/* The kernel's CLONE_* bits (uapi <linux/sched.h>) that describe the
	 * child as created, each read from a fact the kernel holds at the
	 * fork: shared mm/fs/files/sighand/signal, real_parent,
	 * set/clear_child_tid, and namespaces (nsproxy members, the active
	 * pid namespace, the cred's user namespace) and the cgroup that
	 * differ from the creator's. The flags that leave no such fact
	 * (CLONE_VFORK, CLONE_PTRACE, CLONE_SETTLS, CLONE_PARENT_SETTID,
	 * CLONE_PIDFD, CLONE_UNTRACED, CLONE_SYSVSEM, CLONE_IO,
	 * CLONE_CLEAR_SIGHAND) come from the system call's flags argument,
	 * when `via` is known (else they are never set). unshare/setns: the
	 * CLONE_NEW* bits of the namespaces that changed (CLONE_NEWPID,
	 * CLONE_NEWTIME: the ones its future children get). */
	__u64 flags;
	__u32 via; /* enum pt_via: the system call that made it */
	__u32 _pad;
};

/* The system call that created the task, from the creator's syscall
 * number at the fork (bpf_task_pt_regs(), kernels >= 5.15). */
enum pt_via {
	PT_VIA_UNKNOWN = 0, /* a kernel thread's, io_uring's, or not readable */
	PT_VIA_FORK,
	PT_VIA_VFORK,
	PT_VIA_CLONE,
	PT_VIA_CLONE3,
};

/* Where a reap row's usage comes from (pt_reap.usage_at). */
enum pt_usage_at {
	PT_USAGE_NONE = 0, /* not known: the kernel released it at its exit
			    * (autoreap: the exit row's is the last read), or
			    * the reap was not observed */
	/* The process's final figures, read once the kernel had released it
	 * (signal_struct after release_task()): with the children part,
	 * what the reaping wait4() returned (RUSAGE_BOTH). */
	PT_USAGE_RELEASED,
};

struct pt_reap {
	__u64 exit_ns; /* when it became a zombie (0: unknown) */
	/* 0, but with PT_F_RESCAN (userspace-made): the end was not
	 * observed; the process was last known alive (a zombie, for a reap
	 * whose exit was seen) at this time, CLOCK_BOOTTIME. Also the payload
	 * of an exit with PT_F_RESCAN. */
	__u64 unseen_from_ns;
	__u32 usage_at; /* enum pt_usage_at */
	__u32 _pad;
	struct pt_usage usage;
};

struct pt_signal { /* signal, stop, continue */
	__s32 sig;
	__s32 code;   /* si_code */
	__u32 result; /* signal: kernel's TRACE_SIGNAL_* result */
	__u32 _pad;
};

struct pt_setpg { /* setpgid, setsid */
	__u32 old_pgid;
	__u32 old_sid;
};

struct pt_rename {
	char old_comm[PT_COMM_LEN];
};

/* PT_SCHED_STATE: the thread's state before; task.state is the new one.
 * Source: tp_btf/sched_switch (prev_state of the task switched out; the
 * task switched in is running), sched_wakeup and sched_wakeup_new (runnable). */
struct pt_sched_change {
	__u32 prev_state; /* enum pt_state */
	__u32 cpu;	  /* the CPU the tracepoint ran on (the switch's, the waker's) */
	__u64 prev_ns;	  /* how long it was in prev_state, ns (0: since before tracing) */
};

/* Scheduler states counted in pt_sched_sum.ns[], by index. */
enum pt_sched_slot {
	PT_SLOT_RUNNING,
	PT_SLOT_RUNNABLE,
	PT_SLOT_SLEEPING,
	PT_SLOT_DISK_SLEEP,
	PT_SLOT_STOPPED,
	PT_SLOT_TRACED,
	PT_NSLOTS,
};

/* PT_SCHED_SUM: where a thread's (PT_F_GROUP_DEAD, PT_F_SCHED_AT_END: its
 * process's, summed over its threads) time went while it was followed,
 * from the scheduler's tracepoints (see bpf/sched.bpf.h). Zombie time is
 * not here: it is the reap row's zombie_ns. Run-queue latency is the wait
 * from becoming runnable (a wakeup, or a preemption) to running, kept in a
 * histogram of four buckets per power of two (include/proctrace/sched.h):
 * p50 and p99 are the upper bound of their bucket, at most 25% above the
 * true value (1 us for waits under 1 us); max is exact. Latencies
 * saturate at 4.29 s (UINT32_MAX ns). */
struct pt_sched_sum {
	__u64 ns[PT_NSLOTS]; /* time in each state, ns */
	__u32 switches;	     /* context switches: times switched out */
	__u32 waits;	     /* run-queue waits measured */
	__u32 rq_p50_ns;
	__u32 rq_p99_ns;
	__u32 rq_max_ns;
	/* switch-outs of a thread held in another state than running: its
	 * switch-in was missed (no tracepoint fired), and the time since
	 * that state began was split by the kernel's own count of its
	 * runtime (se.sum_exec_runtime) */
	__u32 repaired;
};

/* Who adopts a child whose parent thread died (the kernel's find_new_reaper()). */
enum pt_adopter {
	PT_ADOPT_THREAD = 1, /* another live thread of the parent's process */
	PT_ADOPT_SUBREAPER,  /* the nearest ancestor that is a child subreaper */
	PT_ADOPT_INIT,	     /* the init of the parent's pid namespace */
};

struct pt_reparent {
	__u32 old_ppid;	      /* the process of the parent that died */
	__u32 old_parent_tid; /* the thread that died (the child's parent thread) */
	__u32 adopter;	      /* enum pt_adopter */
	__u32 _pad;
	char old_parent_comm[PT_COMM_LEN];
};

struct pt_lost {		    /* userspace-made, never from the kernel */
	__u64 count;		    /* lost since the previous PT_LOST */
	__u32 by_kind[PT_KIND_MAX]; /* the same, split by the lost event's kind */
	__u32 _pad;		    /* to 8 bytes: PT_KIND_MAX is odd */
};

/* PT_LOST with PT_F_RESCAN: what a rescan of the task list after lost
 * events repaired (userspace-made, src/source/rescan.c). count overlays
 * pt_lost.count: no new loss is counted by it. */
struct pt_rescan_sum {
	__u64 count;	/* 0 */
	__u64 since_ns; /* the last time the picture was known complete (0: never) */
	__u32 tasks;	/* processes the rescan found (those the filters pick) */
	/* Of the rows that follow for the outputs (not the ancestors the
	 * tree alone holds): */
	__u32 ended; /* processes whose end was not observed: gone, or zombies */
	__u32 born;  /* processes born unseen, added */
	__u32 _pad;
};

struct pt_event {
	__u16 kind;  /* enum pt_kind */
	__u16 flags; /* enum pt_flag */
	__u32 size;  /* bytes of the record, header and data[] included */
	struct pt_task task;
	struct pt_actor by;
	union {
		struct pt_exec exec;
		struct pt_clone clone;
		struct pt_exit exit;
		struct pt_reap reap;
		struct pt_signal signal;
		struct pt_setpg setpg;
		struct pt_rename rename;
		struct pt_reparent reparent;
		struct pt_lost lost;
		struct pt_rescan_sum rescan;
		struct pt_sched_change sched_change;
		struct pt_sched_sum sched_sum;
		/* PT_USAGE: the process's figures when tracing ended, as
		 * wait4() (RUSAGE_BOTH) would have counted them then (see
		 * bpf/usage_end.bpf.h); a zombie's are final */
		struct pt_usage usage;
	};
	/* exec, exec_failed: argv (argv_len bytes) then the path (path_len bytes) */
	__u8 data[];
};

/* Value of the BPF `zombies` map, read by the loader for zombies that were
 * released with no wait() return naming them (PT_F_REAP_AT_FREE). */
struct pt_zombie {
	__u64 exit_ns;	/* when it exited (0: it was a zombie at start) */
	__u64 freed_ns; /* when the kernel freed it, if no wait() claimed it */
	/* Kernel address of its task_struct (the group leader), valid until
	 * freed_ns is set: its exit_state tells a release (EXIT_DEAD) from a
	 * tracer's collection. */
	__u64 leader;
	/* Set with freed_ns: the real parent, which released it (pid 0:
	 * unknown); its thread is not known (tid 0). */
	struct pt_actor reaper;
	struct pt_task task; /* at exit; ppid: the real parent at the free */
};

/* Value of the BPF `released_usage` map, by pid: the final usage of a
 * zombie in `zombies` when the kernel freed it (set with its freed_ns),
 * for the reap still to be reported. */
struct pt_released_usage {
	__u64 start_ns; /* the process's, as pt_task's: the pid's owner */
	struct pt_usage usage;
};

/* Result of signal generation, mirroring the kernel's enum trace_signal_result. */
enum pt_sig_result {
	PT_SIG_DELIVERED = 0,
	PT_SIG_IGNORED,
	PT_SIG_ALREADY_PENDING,
	PT_SIG_OVERFLOW_FAIL,
	PT_SIG_LOSE_INFO,
};

_Static_assert(sizeof(struct pt_task) == 88, "pt_task ABI");
_Static_assert(sizeof(struct pt_actor) == 24, "pt_actor ABI");
_Static_assert(sizeof(struct pt_usage) == 96 + 72, "pt_usage ABI");
_Static_assert(sizeof(struct pt_exit) == 112 + 72, "pt_exit ABI");
_Static_assert(sizeof(struct pt_exec) == 24, "pt_exec ABI");
_Static_assert(sizeof(struct pt_reparent) == 32, "pt_reparent ABI");
_Static_assert(sizeof(struct pt_clone) == 16, "pt_clone ABI");
_Static_assert(sizeof(struct pt_lost) == 8 + 4 * PT_KIND_MAX + 4, "pt_lost ABI");
_Static_assert(sizeof(struct pt_reap) == 120 + 72, "pt_reap ABI");
_Static_assert(sizeof(struct pt_rescan_sum) == 32, "pt_rescan_sum ABI");
_Static_assert(sizeof(struct pt_sched_change) == 16, "pt_sched_change ABI");
_Static_assert(sizeof(struct pt_sched_sum) == 72, "pt_sched_sum ABI");
_Static_assert(sizeof(struct pt_event) == 8 + 88 + 24 + 192, "pt_event ABI");
_Static_assert(sizeof(struct pt_zombie) == 24 + 24 + 88, "pt_zombie ABI");
_Static_assert(sizeof(struct pt_released_usage) == 8 + 168, "pt_released_usage ABI");

#endif /* PROCTRACE_EVENT_H */
