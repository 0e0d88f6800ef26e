/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The kernel source of events: loads and attaches the BPF programs, reads
 * the snapshot of running processes, polls the ring buffer, reads the loss
 * counters. The only module that knows the BPF skeleton. */
#ifndef PROCTRACE_LOADER_H
#define PROCTRACE_LOADER_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "proctrace/config.h"
#include "proctrace/event.h"
#include "proctrace/programs.h"

/* Room for what refused a feature: "PROG refused: the verifier's line". */
#define PT_WHY_MAX 512

/* Called for every event; a non-zero return stops the current poll and is
 * returned by it. The event is read-only and only valid during the call. */
typedef int (*pt_event_fn)(void *ctx, const struct pt_event *ev);

struct pt_loader_opts {
	bool threads;			/* thread creation and per-thread exits */
	unsigned ringbuf_kb;		/* ring buffer size, power of two */
	int verbose;			/* > 0: libbpf's own log on stderr */
	const struct pt_filter *filter; /* in-kernel filters; NULL: none */
	__u32 command_pid;		/* followed too (a command run under proctrace); 0: none */
	bool sched;			/* scheduler states (needs task storage, 5.11) */
	bool sched_events;		/* ... and every state change as a record */
	__u32 kinds;			/* kinds to record, bit 1 << kind (config.h); 0: all */
	__u64 signals;			/* signals that make signal events, bit sig - 1; 0: all */
	/* The kinds and signals were named (-e, --signals): their features
	 * must work; else the kernel may switch them off. */
	bool kinds_named, signals_named;
};

struct pt_loader;

/* Load and attach. A feature this kernel cannot do (programs.h: a program
 * refused by the verifier or that cannot attach) is switched off and the
 * rest loaded, unless it is the core or was named (opts); then, as on any
 * failure, returns -errno and writes one line naming the cause (no
 * trailing newline) into err: see load_error.h. */
int pt_loader_open(struct pt_loader **out, const struct pt_loader_opts *opts, pt_event_fn fn,
		   void *ctx, char *err, size_t errlen);
/* The features switched off at open, one refusal at a time: of those not
 * in said, the ones one refusal turned off (bit 1 << feature; 0: none
 * left), and the line that says so into line. */
__u32 pt_loader_off(const struct pt_loader *l, __u32 said, char *line, size_t len);

enum pt_feature_verdict {
	PT_FEATURE_UNKNOWN,
	PT_FEATURE_WORKS,
	PT_FEATURE_OFF
};
struct pt_feature_state {
	enum pt_feature_verdict state;
	char why[PT_WHY_MAX]; /* PT_FEATURE_OFF: what refused it */
};
/* Whether each feature works on this kernel, by the load tracing does
 * (every feature asked for, none but the core required), never attached.
 * Without the privilege to load, every one is PT_FEATURE_UNKNOWN. */
int pt_loader_probe_features(struct pt_feature_state out[PT_FEAT_MAX], int verbose);
/* Emit a PT_SNAPSHOT event for every process alive now. Again after lost
 * events (a rescan): the iterator attached at the first call is kept. */
int pt_loader_snapshot(struct pt_loader *l, char *err, size_t errlen);
/* Deliver every record reserved in the ring before this call, waiting for
 * those still being written (a program preempted between reservation and
 * commit holds back the records behind it): after it, every event the
 * kernel emitted before the call has been handed out or counted lost.
 * 0, a callback's non-zero result, -ETIME if a record stayed uncommitted
 * for 2 s, or -errno. */
int pt_loader_drain_reserved(struct pt_loader *l);
/* For each zombie the BPF side holds a reap still to report for (released
 * or not, see bpf/reap.bpf.h: a wait() to return, or the grace after its
 * free), the process as it was at its exit (task.ts_ns: the exit's time).
 * fn's non-zero result stops the walk and is returned. */
int pt_loader_pending_reaps(struct pt_loader *l, int (*fn)(void *ctx, const struct pt_task *t),
			    void *ctx);
/* Whether process (pid, start_ns) is in the follow set (-p, a COMMAND). */
bool pt_loader_followed(struct pt_loader *l, __u32 pid, __u64 start_ns);
/* Follow process (pid, start_ns) from now on, unless pid is followed
 * already. -errno if the map refuses it (full: -E2BIG). */
int pt_loader_follow(struct pt_loader *l, __u32 pid, __u64 start_ns);
/* Wait up to timeout_ms (not at all when the last call left records
 * waiting), then deliver what is waiting, at most a few thousand records.
 * Returns 0, a callback's non-zero result, or -errno. */
int pt_loader_poll(struct pt_loader *l, int timeout_ms);
/* Detach every program (no new events), then deliver what is left in the
 * ring. 0, a callback's non-zero result, or -errno. */
int pt_loader_stop(struct pt_loader *l);
/* Once stopped (and the last rescan made): the reaps userspace reports
 * (freed zombies no wait() claimed, PT_F_REAP_AT_FREE; zombies released
 * since that no PT_USAGE below finds, a PT_REAP with PT_F_RESCAN); with
 * sched, a PT_SCHED_SUM (PT_F_SCHED_AT_END) for every followed process
 * still running; last, when usage is recorded, a PT_USAGE for every
 * followed process still alive or a zombie. So every process whose exit
 * was delivered ends with a reap or a PT_USAGE. 0, a callback's non-zero
 * result, or -errno. */
int pt_loader_end_reports(struct pt_loader *l);
/* Ring buffer reservations that failed since start, and runs of a program
 * the kernel skipped (its recursion_misses), by event kind.
 * Allocates nothing: it runs after every poll. */
int pt_loader_lost(struct pt_loader *l, __u64 by_kind[PT_KIND_MAX]);
/* How many followed processes (other than except) still exist, zombies
 * included, and zombies whose reap is still to be reported (a zombie gone
 * with no free seen is reported after a grace: it does not keep a caller
 * waiting for ever). */
int pt_loader_followed_alive(struct pt_loader *l, __u32 except);
/* Whether the loop's bpf() calls on the maps work with the current
 * capabilities: 0, or -EPERM/-EACCES when the kernel refuses them. */
int pt_loader_probe(struct pt_loader *l);
void pt_loader_close(struct pt_loader *l);
/* Call fn with the section name of every BPF program of the embedded
 * object ("tp_btf/sched_process_fork", "tracepoint/syscalls/sys_exit_wait4",
 * "iter/task"...), without loading it: no privilege needed. 0 or -errno. */
int pt_loader_programs(void (*fn)(void *ctx, const char *section), void *ctx);

#endif
