/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Inside the process model (include/proctrace/model.h): the nodes behind
 * each pt_proc and what the model's files call across. model.c: storage
 * (nodes, pid slots, bounded memory); feed.c: events into histories;
 * query.c: walking the tree, one process, state over time. */
#ifndef PROCTRACE_MODEL_INT_H
#define PROCTRACE_MODEL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* uthash aborts on allocation failure unless told otherwise; a failed add
 * leaves the element's hh.tbl NULL, which is what callers check. */
#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "proctrace/decode.h"
#include "proctrace/model.h"

/* Room for fork, exec, exit and reap without another allocation: most
 * processes of a busy system have no more. */
#define INLINE_MARKS 4
/* Bounded model: a process that lives long can still be signalled or
 * stopped without end, or exec in a loop; its history is capped too. */
#define BOUNDED_MAX_MARKS 1024
#define BOUNDED_MAX_PROGS 64
/* Nodes are carved from blocks of this size (see node_alloc). */
#define SLAB_BYTES (2u << 20)

struct thread_node {
	struct pt_thread pub;
	UT_hash_handle hh;		/* in proc_node.threads, by tid */
	struct thread_node *next_ended; /* bounded: ended threads, oldest first */
};

struct proc_node {
	struct pt_proc pub;
	struct proc_node *older; /* same pid, started earlier */
	__u64 comm_ts;		 /* event that gave pub.comm */

	/* Dropping (bounded model only). */
	struct proc_node *ref_parent; /* the node counted as its parent */
	size_t nchild;		      /* nodes whose ref_parent this is */
	struct proc_node *drop_prev, *drop_next;
	bool queued;   /* in the droppable queue */
	__u64 drop_ts; /* the model's latest time when it became droppable */

	struct pt_fold *folds; /* owned: PT_FOLDS_MAX once the first is made */
	struct pt_mark *marks; /* inline_marks until it grows */
	size_t marks_cap;
	struct pt_prog *progs;	     /* owned, sorted by time */
	struct thread_node *threads; /* uthash by tid */
	struct thread_node *ended_first, *ended_last;
	size_t nended;

	struct sched_thread *sched_threads; /* owned */
	size_t n_sched_threads, cap_sched_threads;
	__u32 sched_state; /* their roll-up, as last marked; 0: none yet */

	__u32 w_idx; /* scratch of pt_model_walk: its place in the order */

	struct pt_mark inline_marks[INLINE_MARKS];
};

/* --sched-events: the scheduler state of each of its threads, whose
 * roll-up is the process's (see sched.c). */
struct sched_thread {
	__u32 tid;
	__u32 state; /* enum pt_state */
};

/* What the pid chains, the tree's parents and the walk's order need of a
 * process, whether it is a node or a compact record (compact.c). */
struct proc_key {
	__u64 start_ns, first_ts, exit_ns, reap_ns, ended_by_ns;
	__u32 pid, ppid, orig_ppid, flags;
};

/* An ended process, compact (compact.c): its key, and the rest of its
 * node (struct pt_proc, marks, folds, programs) as an image coded as the
 * bytes that differ from a template's (a recent process's image): ended
 * processes of one command differ in their ids and times only. Programs'
 * argv and paths are interned, shared by every record that ran them. */
struct rec_tmpl;
struct proc_rec {
	struct proc_node *older; /* the pid's chain (an entry) */
	const struct rec_tmpl *tmpl;
	struct proc_key key; /* flags and ended_by_ns may change (pid reuse) */
	__u32 w_idx;	     /* scratch of pt_model_walk */
	__u32 img_len;	     /* bytes of its image */
	__u32 len;	     /* bytes of code */
	unsigned char code[];
};

/* A pid chain holds entries: a node, or a record tagged by its low bit. */
static inline bool entry_is_rec(const struct proc_node *e)
{
	return (uintptr_t)e & 1;
}

static inline struct proc_rec *entry_rec(const struct proc_node *e)
{
	return (struct proc_rec *)((uintptr_t)e & ~(uintptr_t)1);
}

static inline struct proc_node *rec_entry(const struct proc_rec *r)
{
	return (struct proc_node *)((uintptr_t)r | 1);
}

static inline struct proc_node *entry_older(const struct proc_node *e)
{
	return entry_is_rec(e) ? entry_rec(e)->older : e->older;
}

static inline struct proc_node **entry_older_link(struct proc_node *e)
{
	return entry_is_rec(e) ? &entry_rec(e)->older : &e->older;
}

static inline __u64 entry_start(const struct proc_node *e)
{
	return entry_is_rec(e) ? entry_rec(e)->key.start_ns : e->pub.start_ns;
}

void entry_key(const struct proc_node *e, struct proc_key *k);

struct pid_slot {
	__u32 pid;
	struct proc_node *newest; /* entries, chained through their older */
	UT_hash_handle hh;
};

struct slab {
	struct slab *next;
};

struct pt_model {
	struct pt_model_opts opts;
	struct pid_slot *slots; /* uthash by pid */
	struct slab *slabs;	/* owned: where nodes are carved from */
	char *slab_next;	/* free space of the newest slab */
	size_t slab_left;
	struct proc_node *free_nodes; /* dropped nodes to reuse, through older */
	/* Ended processes no longer needed for the tree, oldest first. */
	struct proc_node *drop_first, *drop_last;
	size_t ndrop;
	struct pt_model_stats stats;
	__u64 last_ts;
	__u64 set_end;
	struct model_compact *compact; /* opts.compact: compact.c's */
};

/* Whether the model counts children and queues ended processes: to drop
 * (max_ended) or cull (pt_model_cull) them. */
static inline bool model_tracks_ends(const struct pt_model *m)
{
	return m->opts.max_ended || m->opts.cull;
}

static inline struct proc_node *node_of(const struct pt_proc *p)
{
	return (struct proc_node *)((char *)p - offsetof(struct proc_node, pub));
}

/* ---- model.c: storage ---- */

/* The entry (pid, start_ns), or NULL; *link, when not NULL, gets the
 * pointer to it in its chain. */
struct proc_node *model_entry_find(const struct pt_model *m, __u32 pid, __u64 start_ns,
				   struct proc_node ***link);
/* The node (pid, start_ns), a record made a node again; NULL when not
 * held or out of memory (*oom says which). */
struct proc_node *model_node_find(struct pt_model *m, __u32 pid, __u64 start_ns, bool *oom);
bool model_born_before(__u64 a_start, __u32 a_pid, __u64 b_start, __u32 b_pid);
/* The entry that was pid when the process (child_start, child_pid) was
 * born, or NULL. */
struct proc_node *model_parent_resolve(const struct pt_model *m, __u32 pid, __u64 child_start,
				       __u32 child_pid);
void model_queue_update(struct pt_model *m, struct proc_node *n);
void model_ref_parent_link(struct pt_model *m, struct proc_node *n);
void model_limit_enforce(struct pt_model *m);
/* A zeroed node from the model's slabs; NULL when out of memory. */
struct proc_node *model_node_alloc(struct pt_model *m);
/* n's own memory (threads, marks, programs...) and n, back to the slabs. */
void model_node_free(struct pt_model *m, struct proc_node *n);
struct proc_node *model_node_create(struct pt_model *m, const struct pt_task *t);

/* ---- compact.c: compact records of ended processes ---- */

/* Allocates m->compact; -ENOMEM. */
int model_compact_init(struct pt_model *m);
void model_compact_free(struct pt_model *m);
/* Whether n may become a record: ended, nothing more to follow (threads,
 * scheduler states), not an ancestor kept for the folds of the views. */
bool model_compactable(const struct pt_model *m, const struct proc_node *n);
/* n, at *link in its chain, into a record (n is freed). Out of memory, n
 * stays a node. */
void model_compact(struct pt_model *m, struct proc_node **link);
/* The record at *link made a node again (for an event that came late):
 * NULL when out of memory (the record stays). */
struct proc_node *model_inflate(struct pt_model *m, struct proc_node **link);
/* An entry's process as struct pt_proc: a node's own, or a record's
 * expanded into scratch slot (valid until the slot is used again or the
 * model changes). NULL when out of memory. */
const struct pt_proc *model_entry_proc(const struct pt_model *m, const struct proc_node *e,
				       size_t slot);
/* The slot model_entry_proc leaves for single uses (orig_parent, repair). */
#define SLOT_AUX 0
/* The readers' (pt_model_peek, pt_model_ref_proc), apart from a walk's. */
#define SLOT_READ 1
/* The slot of walk depth d. */
#define SLOT_DEPTH(d) ((size_t)(d) + 2)

/* ---- sched.c: scheduler states ---- */

/* A thread's state change (PT_SCHED_STATE): a mark when its process's
 * state changes. 0 or -ENOMEM. */
int model_sched_change(struct pt_model *m, struct proc_node *n, const struct pt_event *ev);
/* A sched row (PT_SCHED_SUM): the process's, kept; a thread's, ignored. */
void model_sched_sum(struct proc_node *n, const struct pt_event *ev);
/* ---- marks.c: histories ---- */

/* The state after an event (enum pt_state). */
__u8 model_event_state(const struct pt_event *ev);
/* Into n's history in time order, or folded past PT_MARKS_MAX. 0 or
 * -ENOMEM. */
int model_mark_insert(struct pt_model *m, struct proc_node *n, const struct pt_mark *mk);
/* ev's mark (prog: an exec's program, else NULL) into n's history. */
int model_mark_add_event(struct pt_model *m, struct proc_node *n, const struct pt_event *ev,
			 const struct pt_prog *prog);
void model_mark_remove(struct proc_node *n, size_t i);

/* A program (prog->next NULL) with its argv and path copied in one
 * allocation (path NUL-terminated); NULL when out of memory. */
struct pt_prog *model_prog_new(const struct pt_prog *fields, const __u8 *argv, size_t argv_len,
			       const char *path, size_t path_len);

/* ---- threads.c ---- */

/* A thread's event (--threads; not the leader's). 0 or -ENOMEM. */
int model_thread_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev);

/* ---- repair.c: after lost events ---- */

/* An exit or reap with PT_F_RESCAN: an end not observed. 0 or -ENOMEM. */
int model_repair_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev);
/* A rescan's summary (PT_LOST with PT_F_RESCAN) into the stats. */
void model_repair_account(struct pt_model *m, const struct pt_event *ev);

#endif
