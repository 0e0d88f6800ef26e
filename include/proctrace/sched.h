/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Scheduler states (--sched), shared by both sides like event.h: the run-queue latency histogram (its buckets and the
 * percentiles read from it) and the mapping between enum pt_sched_slot and
 * enum pt_state. The BPF side fills the histogram per thread and sums it
 * per process; either side reads percentiles from it with the same code.
 */
#ifndef PROCTRACE_SCHED_H
#define PROCTRACE_SCHED_H

/* The BPF side has its types from vmlinux.h. */
#ifndef __bpf__
#include <linux/types.h>
#endif
#include "proctrace/event.h"

/* Bucket 0 holds waits under 1,024 ns; then each power of two from 2^10 ns
 * up to 2^32 ns is cut into four equal buckets (the two bits after the
 * leading one), so a bucket's upper bound is at most 25% above any wait in
 * it. A wait of 4.29 s or more counts in the last one. */
#define PT_RQ_MIN_SHIFT 10
#define PT_RQ_MAX_SHIFT 32
#define PT_RQ_BUCKETS (1 + (PT_RQ_MAX_SHIFT - PT_RQ_MIN_SHIFT) * 4)
#define PT_RQ_CAP 0xffffffffull

struct pt_rq_hist {
	__u32 count[PT_RQ_BUCKETS];
};

static inline __u32 pt_rq_saturate(__u64 ns)
{
	return ns > PT_RQ_CAP ? (__u32)PT_RQ_CAP : (__u32)ns;
}

/* floor(log2(v)) for v > 0, without a count-leading-zeros instruction
 * (BPF has none). */
static inline unsigned pt_log2(__u64 v)
{
	unsigned o = 0;

	if (v >> 32) {
		v >>= 32;
		o += 32;
	}
	if (v >> 16) {
		v >>= 16;
		o += 16;
	}
	if (v >> 8) {
		v >>= 8;
		o += 8;
	}
	if (v >> 4) {
		v >>= 4;
		o += 4;
	}
	if (v >> 2) {
		v >>= 2;
		o += 2;
	}
	if (v >> 1)
		o += 1;
	return o;
}

static inline unsigned pt_rq_bucket(__u64 ns)
{
	unsigned o;

	if (ns < (1ull << PT_RQ_MIN_SHIFT))
		return 0;
	if (ns > PT_RQ_CAP)
		ns = PT_RQ_CAP;
	o = pt_log2(ns);
	return 1 + (o - PT_RQ_MIN_SHIFT) * 4 + (unsigned)((ns >> (o - 2)) & 3);
}

/* The largest wait bucket b holds, in ns (saturated to PT_RQ_CAP). */
static inline __u64 pt_rq_upper(unsigned b)
{
	unsigned o = PT_RQ_MIN_SHIFT + (b - 1) / 4, sub = (b - 1) % 4;
	__u64 up;

	if (b == 0)
		return (1ull << PT_RQ_MIN_SHIFT) - 1;
	up = ((__u64)(5 + sub) << (o - 2)) - 1;
	return up > PT_RQ_CAP ? PT_RQ_CAP : up;
}

/* The pct-th percentile (1-100) of n waits: the upper bound of the bucket
 * that holds the wait of rank ceil(n * pct / 100), no more than max (which
 * is exact). 0 when there are none. */
static inline __u32 pt_rq_percentile(const struct pt_rq_hist *h, __u32 n, __u32 pct, __u32 max)
{
	__u64 rank = ((__u64)n * pct + 99) / 100, seen = 0;
	unsigned b;

	if (n == 0)
		return 0;
	for (b = 0; b < PT_RQ_BUCKETS; b++) {
		seen += h->count[b];
		if (seen >= rank)
			return pt_rq_upper(b) < max ? (__u32)pt_rq_upper(b) : max;
	}
	return max;
}

/* What a thread and a process count in the kernel (bpf/sched.bpf.h); one
 * shape, so that threads fold into their process with one loop. */
struct pt_sched_counts {
	__u64 ns[PT_NSLOTS]; /* time in each state, ns */
	__u32 switches;	     /* times switched out */
	__u32 waits;	     /* run-queue waits measured */
	__u32 rq_max_ns;     /* the longest, saturated */
	__u32 repaired;	     /* switch-ins missed, repaired (pt_sched_repair) */
	struct pt_rq_hist hist;
};

/* The time a thread spent in its current state, which began at *since_ns,
 * until now; the next state begins at now. Its states are consecutive, so
 * their sum is the time from the first state's start to the last event:
 * an event stamped earlier than the state's start (the clock read on
 * another CPU, or before a program was held up) counts 0 and leaves the
 * start where it is, never moved back over time already counted, so no
 * instant is ever counted twice. ns. */
static inline __u64 pt_sched_elapsed(__u64 *since_ns, __u64 now)
{
	__u64 d = now > *since_ns ? now - *since_ns : 0;

	*since_ns += d;
	return d;
}

/* A thread switched out while held in another state than running (its
 * switch-in was not seen: no tracepoint fired for it) ran for part of the
 * held_ns since that state began: ran_ns by the kernel's own count
 * (se.sum_exec_runtime's growth), at most held_ns. The rest stays in the
 * held state. Returns the running part. */
static inline __u64 pt_sched_repair(__u64 held_ns, __u64 ran_ns)
{
	return ran_ns < held_ns ? ran_ns : held_ns;
}

/* Value of the BPF `sched_procs` map (tgid -> its threads summed so far),
 * read by the loader at the end of tracing for the processes still there. */
struct pt_sched_proc {
	struct pt_task task; /* the process, as the first thread summed saw it */
	struct pt_sched_counts c;
};

/* The summary of a record from the counts. */
static inline void pt_sched_sum_fill(struct pt_sched_sum *m, const struct pt_sched_counts *c)
{
	for (int i = 0; i < PT_NSLOTS; i++)
		m->ns[i] = c->ns[i];
	m->switches = c->switches;
	m->waits = c->waits;
	m->rq_max_ns = c->rq_max_ns;
	m->rq_p50_ns = pt_rq_percentile(&c->hist, c->waits, 50, c->rq_max_ns);
	m->rq_p99_ns = pt_rq_percentile(&c->hist, c->waits, 99, c->rq_max_ns);
	m->repaired = c->repaired;
}

/* enum pt_sched_slot <-> enum pt_state */
static inline __u32 pt_slot_state(unsigned slot)
{
	switch (slot) {
	case PT_SLOT_RUNNING:
		return PT_STATE_RUNNING;
	case PT_SLOT_RUNNABLE:
		return PT_STATE_RUNNABLE;
	case PT_SLOT_SLEEPING:
		return PT_STATE_SLEEPING;
	case PT_SLOT_DISK_SLEEP:
		return PT_STATE_DISK_SLEEP;
	case PT_SLOT_STOPPED:
		return PT_STATE_STOPPED;
	default:
		return PT_STATE_TRACED;
	}
}

#endif /* PROCTRACE_SCHED_H */
