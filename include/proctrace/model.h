/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The process model: fed every event, one at a time, it owns the process
 * table and answers what the tree, timeline and SVG views show: who is whose
 * child (with reparenting), each process's lifetime, state, group and
 * session over time, the programs it ran, how it ended and what it used.
 * Pure: no I/O, no clocks, no BPF.
 *
 * A process is (pid, start_ns): a pid reused during the trace is two
 * processes. Events may arrive slightly out of time order (two CPUs feeding
 * one ring buffer); the model tolerates that instead of buffering: every
 * fact it keeps is stamped with its event's time and the newest fact wins,
 * histories are kept sorted by time, and parents are resolved when the tree
 * is walked, so feeding the same events in any such order gives the same
 * answer. */
#ifndef PROCTRACE_MODEL_H
#define PROCTRACE_MODEL_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "proctrace/event.h"

struct pt_model_opts {
	bool threads; /* keep threads: PT_THREAD and per-thread exits */
	/* 0: keep every process (what the tree and timeline need). Else keep at
	 * most this many ended processes that the tree no longer needs (no
	 * child kept), dropping the oldest first: memory stays bounded in a
	 * long live run. Per-process histories are capped too. */
	size_t max_ended;
	/* Reaps are not recorded (-e without reap): a process ends at its
	 * exit (PT_PROC_EXIT_ENDS), not as a zombie until the trace ends. */
	bool exit_ends;
	/* No histories (marks, programs): who exists, when it started and
	 * ended, its latest fields. Enough for a repair after lost events
	 * (pt_model_reconcile), not for the views. */
	bool lean;
	/* A live view (--top, a whole-machine --tree): ended processes may
	 * be culled with pt_model_cull. */
	bool cull;
	/* Views drawn when tracing ends, walking the tree in order (tree,
	 * timeline, SVG, summary): an ended process is kept compact (about
	 * a tenth of its node: its fields coded against a recent process's,
	 * its programs' argv and paths shared) and expanded when walked.
	 * Then pt_walk's proc and parent hold only until the walk leaves
	 * their subtree, orig_parent until the next row, and pt_model_find
	 * makes a compact process whole again. Ignored with max_ended, cull
	 * or lean. */
	bool compact;
};

/* pt_proc.flags */
enum pt_proc_flag {
	PT_PROC_SNAPSHOT = 1 << 0,     /* running when tracing began (PT_SNAPSHOT) */
	PT_PROC_FORK_SEEN = 1 << 1,    /* its fork was seen: parent and birth exact */
	PT_PROC_EXIT_SEEN = 1 << 2,    /* its process exit (PT_F_GROUP_DEAD) was seen */
	PT_PROC_REAP_SEEN = 1 << 3,    /* its reap was seen */
	PT_PROC_AUTOREAP = 1 << 4,     /* released without a wait() */
	PT_PROC_ENDED_UNSEEN = 1 << 5, /* its pid was reused: it ended, unseen */
	PT_PROC_TRIMMED = 1 << 6,      /* bounded model: part of its history dropped */
	PT_PROC_SCHED_SEEN = 1 << 7,   /* --sched: pt_proc.sched holds its time per state */
	PT_PROC_SCHED_AT_END = 1 << 8, /* ... measured at the end of tracing, still running */
	PT_PROC_EXIT_ENDS = 1 << 9,    /* exit seen, reaps not recorded: its row ends there */
	/* Found by a rescan of the task list after lost events: born while
	 * events were lost (start_ns and parent are the kernel's). */
	PT_PROC_INFERRED = 1 << 10,
	/* Its end (exit, or the reap of a zombie) was not observed: a rescan
	 * after lost events found it gone (with ENDED_UNSEEN) or a zombie;
	 * it happened between unseen_from_ns and unseen_to_ns. */
	PT_PROC_END_INFERRED = 1 << 11,
	/* Alive or a zombie when tracing ended: end_usage holds its usage
	 * then (its usage row) */
	PT_PROC_USAGE_AT_END = 1 << 12,
	/* exit.usage holds the final figures of its reap row (what the
	 * reaping wait4() returned), not the exit's snapshot */
	PT_PROC_USAGE_FINAL = 1 << 13,
	/* Outside the selection: held only as an ancestor of a selected
	 * process, for the tree (pt_model_mark; the live source's). */
	PT_PROC_CONTEXT = 1 << 14,
	/* The command proctrace started (-- COMMAND; pt_model_mark). */
	PT_PROC_COMMAND = 1 << 15,
};

struct pt_prog;

/* One point of a process's history: the event that made it, in time order. */
struct pt_mark {
	__u64 ts_ns;
	__u16 kind;	/* enum pt_kind */
	__u16 flags;	/* the event's enum pt_flag */
	__u8 state;	/* enum pt_state after it */
	__u8 synthetic; /* not seen: exit time taken from its reap */
	__u8 has_by;	/* by/by_comm name the actor (pt_event_has_actor) */
	__u8 _pad;
	__u32 by; /* actor: parent, sender, caller, reaper */
	char by_comm[PT_COMM_LEN];
	union {
		struct {
			__s32 sig;
			__s32 code;
			__u32 result; /* PT_SIGNAL: enum pt_sig_result */
		} signal;	      /* signal, stop, continue */
		struct {
			__u32 pgid, sid;	 /* after */
			__u32 old_pgid, old_sid; /* before */
		} group;			 /* setpgid, setsid */
		char old_comm[PT_COMM_LEN];	 /* rename */
		const struct pt_prog *prog;	 /* exec (NULL if not kept) */
		__u32 status;			 /* exit: wait status */
		__u64 clone_flags;		 /* fork, unshare, setns: pt_clone.flags */
	};
};

/* Marks are bounded per process: past PT_MARKS_MAX, a mark that is not
 * part of the lifecycle (snapshot, fork, exec, exit, reap: always kept) is
 * folded instead of kept: counted in a pt_fold of its kind and signal, at
 * most PT_FOLDS_MAX folds (then into the one of its kind, else the last).
 * A process signalled millions of times (a tracer's SIGCHLDs) then costs
 * the same as one signalled a hundred times. Folded marks no longer change
 * the states the spans show; p->state stays the latest. */
#define PT_MARKS_MAX 64
#define PT_FOLDS_MAX 8

/* Marks folded into one count (see PT_MARKS_MAX). */
struct pt_fold {
	__u64 count;	     /* marks folded */
	__u64 first_ns;	     /* the earliest folded mark's time */
	struct pt_mark last; /* the latest folded mark, whole: last.ts_ns */
};

/* One program a process ran (PT_EXEC). */
struct pt_prog {
	struct pt_prog *next; /* the next exec, in time order */
	__u64 ts_ns;
	__u32 old_tid; /* thread that called exec */
	__u32 argc;
	__u32 args_size;
	__u32 argv_len;
	__u32 path_len;
	__u16 flags;	  /* PT_F_ARGV_TRUNC, PT_F_ARGV_FAULT, PT_F_PATH_TRUNC */
	const __u8 *argv; /* argv_len bytes, NUL-separated (owned by the model) */
	const char *path; /* path_len bytes, NUL-terminated (owned by the model) */
};

/* One thread of a process other than its leader (--threads). */
struct pt_thread {
	__u32 tid;
	bool took_pid;	/* exec'd from this thread: it became the leader */
	__u64 start_ns; /* PT_THREAD time; 0: created before it was seen */
	__u64 exit_ns;	/* 0: not seen to end */
	char comm[PT_COMM_LEN];
};

/* A process: read-only to the views, owned by the model. "Latest" fields come
 * from the latest event by time, "first" ones from the earliest. */
struct pt_proc {
	__u32 pid;
	__u64 start_ns; /* CLOCK_BOOTTIME; with pid, the identity */
	__u32 flags;	/* enum pt_proc_flag */

	char comm[PT_COMM_LEN]; /* latest */
	__u32 ppid;		/* latest real parent: the adopter if reparented */
	__u32 pgid, sid, uid;	/* latest */
	__u32 ns_pid, pidns;
	__u64 cgroup_id;
	__u64 memcg_id; /* latest nonzero: a replay has it on snapshot, fork, exec rows */
	__u32 state;	/* latest enum pt_state */

	__u32 orig_ppid;	       /* parent at its fork, else at its first event */
	char parent_comm[PT_COMM_LEN]; /* the parent's comm at the fork, or "" */
	__u32 first_pgid, first_sid;   /* group and session when first seen */
	__u64 first_ts, last_ts;       /* its earliest and latest events */
	__u64 reparent_ns;	       /* first event showing ppid != orig_ppid; 0: none */
	__u64 clone_flags;	       /* at its fork (pt_clone.flags); 0: fork not seen */

	__u64 exit_ns;	     /* became a zombie (exit, or the reap's exit_ns) */
	struct pt_exit exit; /* status, cause and resource usage, with EXIT_SEEN
			      * (usage: the reap's final figures once seen) */
	bool exit_has_by;    /* exit_by names the cause's actor */
	struct pt_actor exit_by;
	__u64 reap_ns;
	__u32 reaper; /* pid that reaped it (not with AUTOREAP) */
	char reaper_comm[PT_COMM_LEN];
	__u64 leader_exit_ns; /* its main thread exited before the others */
	__u64 ended_by_ns;    /* ENDED_UNSEEN: the pid was reused at this time */
	__u64 unseen_from_ns; /* END_INFERRED: last known alive (or zombie) */
	__u64 unseen_to_ns;   /* ... and found ended by the rescan at this time */
	/* With PT_PROC_USAGE_AT_END: its resource usage when tracing ended
	 * (a zombie's: final; exit.usage keeps the exit's snapshot) */
	struct pt_usage end_usage;

	const struct pt_mark *marks; /* its history, sorted by time */
	size_t nmarks;
	const struct pt_fold *folds; /* marks folded past PT_MARKS_MAX */
	size_t nfolds;
	const struct pt_prog *progs; /* its execs, sorted by time */
	size_t nprogs;
	size_t nthreads; /* threads kept (see pt_proc_threads) */

	/* --sched, with PT_PROC_SCHED_SEEN: time per scheduler state summed
	 * over its threads, from its sched row (at its exit, or at the end). */
	struct pt_sched_sum sched;
};

struct pt_model;

/* opts NULL: keep everything, no threads. Returns NULL when out of memory. */
struct pt_model *pt_model_new(const struct pt_model_opts *opts);
void pt_model_free(struct pt_model *m);

/* Apply one event. 0, -EINVAL (unknown kind) or -ENOMEM (the model stays
 * consistent; the event is partly or not applied). */
int pt_model_feed(struct pt_model *m, const struct pt_event *ev);

/* When tracing stopped (CLOCK_BOOTTIME): "still running" and zombie times
 * are measured to it. Without it, the last event's time is used. */
void pt_model_set_end(struct pt_model *m, __u64 end_ns);
/* Before the first event: whether a process ends at its exit (reaps not
 * recorded), as pt_model_opts.exit_ends. */
void pt_model_set_exit_ends(struct pt_model *m, bool exit_ends);
/* opts.threads changed before the first event (a replay learns from its
 * file that it was made with --threads). */
void pt_model_set_threads(struct pt_model *m, bool threads);
/* Flags the newest process with pid (PT_PROC_CONTEXT, PT_PROC_COMMAND:
 * what only the source knows of it). No-op when it is not held. */
void pt_model_mark(struct pt_model *m, __u32 pid, __u32 flags);

struct pt_model_stats {
	__u64 events; /* fed, PT_LOST included */
	__u64 lost;   /* events the kernel could not deliver */
	__u64 lost_by_kind[PT_KIND_MAX];
	size_t procs;	      /* processes held now */
	size_t procs_seen;    /* processes ever created */
	size_t procs_dropped; /* ended processes dropped by max_ended */
	size_t procs_culled;  /* ended processes culled (pt_model_cull) */
	size_t procs_compact; /* ended processes held compact (opts.compact) */
	__u64 rescans;	      /* rescans after lost events (PT_LOST with PT_F_RESCAN) */
	__u64 ended_unseen;   /* processes whose end they found unobserved */
	__u64 born_unseen;    /* processes born unseen they added */
	__u64 first_ts;	      /* earliest event (0: none yet) */
	__u64 end_ns;	      /* latest event, or pt_model_set_end if later */
};
void pt_model_stats(const struct pt_model *m, struct pt_model_stats *out);

/* ---- live views: culling ---- */

/* How long an ended process stays in a live view, as htop shows a process
 * that ended for a while before it leaves the list. */
#define PT_CULL_LINGER_NS (5ULL * 1000000000)

/* With pt_model_opts.cull: forget the processes that ended (reaped, ended
 * unseen, or exited when reaps are not recorded) at least linger_ns before
 * now_ns (CLOCK_BOOTTIME, as event times) and have no child held, oldest
 * end first: they leave the tree and every view, and are counted in
 * pt_model_stats.procs_culled (their events went to the outputs as they
 * came). A parent is culled once its last child is. A live view calls it
 * before it draws (now_ns: the latest event's time, or the clock), with
 * PT_CULL_LINGER_NS or its own delay; memory then follows what is alive,
 * not how many processes have passed. Returns how many were culled (0
 * without opts.cull). The model must not be walked meanwhile. */
size_t pt_model_cull(struct pt_model *m, __u64 now_ns, __u64 linger_ns);

/* The process (pid, start_ns), or the newest one with that pid when
 * start_ns is 0. NULL when not held. */
const struct pt_proc *pt_model_find(const struct pt_model *m, __u32 pid, __u64 start_ns);
/* The same, read only: a compact process is expanded into a scratch that
 * holds until the next call of it or pt_model_ref_proc, or until the
 * model is fed, instead of being made whole again (pt_model_find), so reading every process
 * that changed (the database written in place) costs no memory. NULL when
 * not held or out of memory. */
const struct pt_proc *pt_model_peek(const struct pt_model *m, __u32 pid, __u64 start_ns);

/* ---- repair after lost events (repair.c) ---- */

/* One process of a fresh task list (a rescan, PT_SNAPSHOT events' task)
 * and what the live source decided of it: picked by the filters (its rows
 * go to the outputs), or kept as the ancestor of one (context: the model
 * only). Neither: it only proves its pid's holder is alive. */
struct pt_rescan_task {
	struct pt_task task;
	bool picked;
	bool kept;
};

/* The events that make the model agree with tasks, the kernel's whole list
 * of processes read from iter_start_ns to ts_ns (CLOCK_BOOTTIME), given
 * that the model was complete (no event lost) at since_ns: for each
 * process the model holds as alive or a zombie (started before
 * iter_start_ns, no event after ts_ns) that the list has not, a reap with
 * PT_F_RESCAN (it ended, not observed, after max(its last event, since_ns),
 * by ts_ns); for each it holds as alive that the list has as a zombie, an
 * exit with PT_F_RESCAN; for each picked or kept task it does not hold, a
 * snapshot with PT_F_RESCAN (born unseen, with its own start time and
 * parent); first a PT_LOST with PT_F_RESCAN that counts them. Ends come
 * before births (a pid's old holder is closed before its new one). The
 * model is not changed: the caller feeds the events (the pipeline does),
 * so a recording replays to the same model. context[i] says whether
 * event i is for the model only: a kept task's birth, or the end of a
 * process whose() says is context. Returns the number of events (0:
 * nothing to repair, and no events), or -ENOMEM. *out is malloc'ed. */
struct pt_repair {
	struct pt_event *ev; /* n events */
	bool *context;	     /* n flags */
	size_t n;
};
/* Whose a process the model holds is, for the repair of its end. */
enum pt_repair_whom {
	PT_REPAIR_OUTPUT,  /* the outputs' (what the filters follow) */
	PT_REPAIR_CONTEXT, /* the model's only (an ancestor, for the tree) */
	PT_REPAIR_SKIP,	   /* neither any more (it left what is followed):
			    * its end is not the trace's to say */
};
/* whose NULL: every process is the outputs'. */
int pt_model_reconcile(const struct pt_model *m, const struct pt_rescan_task *tasks, size_t ntasks,
		       __u64 since_ns, __u64 iter_start_ns, __u64 ts_ns,
		       enum pt_repair_whom (*whose)(void *ctx, const struct pt_proc *p), void *ctx,
		       struct pt_repair *out);
void pt_repair_free(struct pt_repair *r);

/* ---- walking the tree ---- */

struct pt_walk {
	const struct pt_proc *proc;
	const struct pt_proc *parent;	   /* in the tree: the adopter when
					    * reparented; NULL at the root */
	const struct pt_proc *orig_parent; /* reparented: the parent at birth,
					    * when held; else NULL */
	bool reparented;		   /* ppid != orig_ppid */
	bool parent_missing;		   /* ppid != 0 but not held: at the root */
	bool last;			   /* last of its siblings */
	bool has_children;		   /* the next row is its first child */
	unsigned depth;			   /* 0 at the root */
	size_t row;			   /* 0-based, in tree order */
	const struct pt_proc_ref *ref;	   /* the process, to read again after
					    * the walk (pt_model_ref_proc) */
};
/* Return nonzero to stop the walk (that value is returned). */
typedef int (*pt_walk_fn)(const struct pt_walk *w, void *ctx);

/* Every process once, in tree order (depth first; siblings and roots by
 * start time, then pid). 0, fn's nonzero return, or -ENOMEM. The model must
 * not be fed during the walk. */
int pt_model_walk(struct pt_model *m, pt_walk_fn fn, void *ctx);

/* A process met in a walk (pt_walk.ref), read again once the walk is over,
 * for a writer that goes over the processes more than once (the Perfetto
 * trace): a compact process is expanded, not made whole again, so the
 * model's memory stays what it was. The result holds until the next call
 * of it or pt_model_peek, or until the model is fed; the ref holds until
 * the model is fed. NULL when out of memory. */
const struct pt_proc *pt_model_ref_proc(const struct pt_model *m, const struct pt_proc_ref *ref);

/* ---- one process ---- */

enum pt_end {
	PT_END_RUNNING, /* alive when the trace ended */
	PT_END_STOPPED, /* stopped when the trace ended */
	PT_END_ZOMBIE,	/* exited, not reaped when the trace ended */
	PT_END_REAPED,	/* exited and reaped */
	PT_END_UNSEEN,	/* its pid was reused: it ended, its end not seen */
};
enum pt_end pt_proc_end(const struct pt_proc *p);

/* When its row ends: reaped, or its last event when it ended unseen, its
 * exit when reaps are not recorded (PT_PROC_EXIT_ENDS), else end_ns (the
 * end of the trace). */
__u64 pt_proc_row_end(const struct pt_proc *p, __u64 end_ns);

/* The signal event that killed it: the last signal of the terminating
 * signal sent to it before its exit. NULL if none was seen. */
const struct pt_mark *pt_proc_fatal_signal(const struct pt_proc *p);
/* Whether a view draws fold f within [t0, t1] (ns): ignored signals are
 * left out, as their single marks are; *from and *to get its span clipped
 * to the window. */
bool pt_fold_in_window(const struct pt_fold *f, __u64 t0, __u64 t1, __u64 *from, __u64 *to);

/* Its threads (not the leader), sorted by start then tid, into out[0..max).
 * Returns how many were written (at most p->nthreads). */
size_t pt_proc_threads(const struct pt_proc *p, const struct pt_thread **out, size_t max);

/* The state after a mark in state mark, where the state was cur: a
 * lifecycle event says only "alive", which a known scheduler state
 * (running ... traced) refines, so that state stays. */
unsigned pt_state_after(unsigned cur, unsigned mark);

/* --sched: where its time went, per enum pt_sched_slot, plus zombie and
 * the lifetime they add up to (from its first event to its reap, or to
 * end_ns). False when no sched row was seen for it. */
struct pt_sched_times {
	__u64 lifetime_ns;
	__u64 ns[PT_NSLOTS];
	__u64 zombie_ns;
};
bool pt_proc_sched_times(const struct pt_proc *p, __u64 end_ns, struct pt_sched_times *out);

/* Its state over time as spans, clipped to [t0, t1]: from its birth to its
 * reap (pt_proc_row_end). A row shorter than a nanosecond yields one span
 * with from == to. Usage:
 *	struct pt_span_iter it; struct pt_span s;
 *	pt_span_begin(&it, p, t0, t1);
 *	while (pt_span_next(&it, &s)) ...
 */
struct pt_span {
	__u64 from, to;
	unsigned state; /* enum pt_state, never PT_STATE_REAPED */
};
struct pt_span_iter {
	const struct pt_proc *p;
	size_t i; /* next mark */
	__u64 at; /* start of the next span */
	__u64 row_end;
	__u64 t0, t1;
	unsigned state;
	bool yielded;
	bool done;
};
void pt_span_begin(struct pt_span_iter *it, const struct pt_proc *p, __u64 t0, __u64 t1);
bool pt_span_next(struct pt_span_iter *it, struct pt_span *out);

#endif
