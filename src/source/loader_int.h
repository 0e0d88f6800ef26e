/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The loader's state, shared by its files: loader.c (open, attach, close),
 * load.c (the load, and the features a kernel cannot do switched off),
 * loader_read.c (the snapshot, the ring, the maps), loader_zombies.c (the
 * zombies map). Only they know the skeleton. */
#ifndef PROCTRACE_LOADER_INT_H
#define PROCTRACE_LOADER_INT_H

#include <errno.h>
#include <stdio.h>
#include <stdarg.h>
#include <bpf/libbpf.h>
#include "proctrace/load_error.h"
#include "proctrace/loader.h"
#include "proctrace/programs.h"
/* The BPF side calls struct pt_filter proctrace_filter (the kernel has a
 * pt_filter of its own): the skeleton's rodata holds the very same struct. */
#define proctrace_filter pt_filter
#include "proctrace.skel.h"

/* Records handed out per read of the ring: under a storm that never lets
 * the ring empty, the reader still comes back between batches to check for
 * Ctrl-C, the duration and its outputs. */
#define BATCH_EVENTS 4096
/* What ring_event returns to end a batch: never a callback's own error. */
#define BATCH_FULL (-EINPROGRESS)

/* A zombie found gone with no free seen, since ns (loader_zombies.c). */
struct pt_gone {
	__u32 pid;
	__u64 start_ns, ns;
};

struct pt_loader {
	struct proctrace_bpf *skel;
	struct ring_buffer *rb;
	pt_event_fn fn;
	void *ctx;
	int ncpus;
	unsigned batch;	      /* records handed out in this batch */
	bool more;	      /* the last batch was cut short: more is waiting */
	__u64 *per_cpu;	      /* ncpus values of one per-CPU map entry */
	__u64 walked_ns;      /* last walk of the zombies map (reap_unclaimed) */
	struct pt_gone *gone; /* found gone at the last walk, unfreed (owned) */
	size_t n_gone;
	bool sched; /* the sched programs are loaded */
	/* The snapshot's iterator, attached at the first snapshot while
	 * privileged and kept, so a rescan after lost events needs no
	 * privilege but the descriptor. */
	struct bpf_link *snap_link;
	/* The ring's consumer and producer positions (its first two pages,
	 * mapped read-only): how far the reading is behind the reservations
	 * (pt_loader_drain_reserved). NULL: not mapped. */
	const volatile __u64 *consumer_pos, *producer_pos;
	size_t pos_len;
	/* Every record reserved before this time has been read (or lost):
	 * what userspace reports itself of a time (a freed zombie's reap) may
	 * go out once that time is passed, after the rows before it. */
	__u64 caught_up_ns;
	__u32 kinds;			   /* recorded kinds, bit 1 << kind */
	__u32 wanted;			   /* the kinds asked for, before features went off */
	__u32 off;			   /* features off on this kernel, bit 1 << feature */
	char why[PT_FEAT_MAX][PT_WHY_MAX]; /* for each feature off: what refused it */
	char release[65];		   /* uname -r */
	const char *fault;		   /* PROCTRACE_FAULT (docs/loading.md); NULL: none */
};

/* libbpf's log level asked for (-v): 0 none, 1 warnings, 2 all. */
extern int pt_loader_verbosity;

/* One line into err. */
static inline __attribute__((format(printf, 3, 4))) void set_err(char *err, size_t errlen,
								 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* map_room.c: the capacities of the maps set at load (before it), and the
 * maps PROCTRACE_FAULT=full:MAP,... fills (after it, the followed set
 * seeded). 0 or -errno. */
int pt_map_room_configure(struct pt_loader *l);
int pt_map_room_fill(struct pt_loader *l);
/* Removes the zombie_alias entries whose zombie left `zombies`. */
int pt_map_room_sweep_aliases(struct pt_loader *l);
/* loader.c: the object's options, for the kinds and features on. */
int pt_loader_configure(struct pt_loader *l, const struct pt_loader_opts *opts);
/* load.c: libbpf's print callback (reads refusals while loading). */
int pt_loader_libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap);
/* load.c: whether the process may load BPF programs. */
bool pt_loader_privileged(void);
/* load.c: the features named by the user (cannot go off). */
__u32 pt_loader_required(const struct pt_loader_opts *opts);
/* load.c: open and load the object, features the kernel refuses off
 * (unless in required), each refusal retried without. 0 or -errno with
 * err set. */
int pt_loader_load(struct pt_loader *l, const struct pt_loader_opts *opts, __u32 required,
		   char *err, size_t errlen);
/* load.c: features in mask off, why they are (printf's fmt). */
void pt_loader_set_why(struct pt_loader *l, __u32 mask, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* load.c: the names of kinds, joined by ", ". */
void pt_loader_kind_names(__u32 kinds, char *buf, size_t len);
/* loader_read.c: the ring buffer's callback. */
int pt_loader_ring_event(void *ctx, void *data, size_t size);
/* loader_read.c: map the ring's positions (consumer_pos, producer_pos).
 * 0 or -errno. */
int pt_loader_map_positions(struct pt_loader *l);

/* loader_zombies.c: fn for every entry of a BPF map keyed by a __u32, its
 * value read into value; fn's non-zero result stops the walk and is
 * returned. */
int pt_loader_map_each(int fd, void *value, int (*fn)(void *ctx, __u32 key, void *value),
		       void *ctx);
/* loader_zombies.c: at most every half grace, the zombies whose reap the
 * kernel side could not report (freed unclaimed; gone with no free seen),
 * reported once their grace has passed. 0, a callback's result, -errno. */
int pt_loader_reap_unclaimed(struct pt_loader *l);

/* The end of tracing (pt_loader_stop), once every program is detached:
 * the zombies map's entries not freed, and whether the usage_final
 * iterator found each (a zombie when tracing ended). */
struct pt_end_zombie {
	__u32 key;
	bool at_end;
	struct pt_zombie z;
};

struct pt_end_zombies {
	struct pt_end_zombie *v;
	size_t n, cap;
};

/* loader_zombies.c: report the freed ones, collect the others in e. */
int pt_loader_end_zombies(struct pt_loader *l, struct pt_end_zombies *e);
/* loader_zombies.c: t was a zombie or alive when tracing ended. */
void pt_loader_end_zombie_seen(struct pt_end_zombies *e, const struct pt_task *t);
/* loader_zombies.c: a reap inferred for each one neither seen at the end
 * nor existing now (released in between); empties e. */
int pt_loader_end_reaps(struct pt_loader *l, struct pt_end_zombies *e);

#endif
