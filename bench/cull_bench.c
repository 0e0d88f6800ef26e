// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cull_bench: the memory of a whole-machine live view over a long storm,
 * in simulated time, without BPF or a terminal.
 *
 *	cull_bench MINUTES PROCS_PER_S [LONG_PER_S LONG_LIFE_S]
 *
 * Feeds a model that culls (pt_model_opts.cull, as the pipeline makes for
 * a whole-machine --tree or -T) the storm of storm_events.h, its times
 * stretched so that PROCS_PER_S processes are born per simulated second,
 * and culls and trims the heap as the pipeline does (every CULL_EVERY
 * events, PT_CULL_LINGER_NS; malloc_trim after TRIM_AFTER culled). Beside
 * the storm, LONG_PER_S processes a second (default 0) are born that each
 * live LONG_LIFE_S seconds and exec a command of their own: the rest of a
 * machine. Prints, per simulated minute, what the model holds (processes,
 * culled so far), what the heap has in use and holds, and the RSS: the
 * model's memory should level off once the processes alive and lingering
 * do.
 */
#include <errno.h>
#include <linux/types.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/model.h"

#include "storm_events.h"

/* As src/pipeline.c does. */
#define CULL_EVERY 4096
#define TRIM_AFTER 16384

/* Events made at a time: few, so that the heap is the model's. */
#define BATCH 4096

/* Long-lived processes take pids below the storm's, in turn. */
#define LONG_FIRST_PID 100
#define LONG_PIDS (STORM_PID - LONG_FIRST_PID)

struct long_proc {
	__u64 start, end; /* simulated ns; 0: slot free */
};

static long rss_kb(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * 4;
}

static void long_event(struct pt_event *ev, enum pt_kind kind, __u64 ts, __u32 pid, __u64 start,
		       unsigned serial)
{
	char argv[32];
	int n;

	memset(ev, 0, SLOT_BYTES);
	ev->kind = kind;
	ev->size = sizeof(*ev);
	task_set(&ev->task, ts, pid, start, STORM_PID, "job", PT_STATE_ALIVE);
	switch (kind) {
	case PT_FORK:
		actor_set(&ev->by, STORM_PID, "ptstorm");
		break;
	case PT_EXEC:
		/* A command line of its own: nothing shared with the others. */
		n = snprintf(argv, sizeof(argv), "job%c%u", 0, serial);
		ev->flags = PT_F_NO_ACTOR;
		ev->exec.old_tid = pid;
		ev->exec.argc = 2;
		ev->exec.args_size = (__u32)n + 1;
		ev->exec.argv_len = (__u32)n + 1;
		ev->exec.path_len = sizeof(exec_path) - 1;
		memcpy(ev->data, argv, (size_t)n + 1);
		memcpy(ev->data + n + 1, exec_path, sizeof(exec_path) - 1);
		ev->size = sizeof(*ev) + (__u32)n + 1 + sizeof(exec_path) - 1;
		break;
	case PT_EXIT:
		ev->flags = PT_F_GROUP_DEAD | PT_F_NO_ACTOR;
		ev->task.state = PT_STATE_ZOMBIE;
		break;
	case PT_REAP:
		ev->task.state = PT_STATE_REAPED;
		actor_set(&ev->by, STORM_PID, "ptstorm");
		ev->reap.exit_ns = ts;
		break;
	default:
		break;
	}
}

struct run {
	struct pt_model *m;
	size_t since_cull, culled_untrimmed;
	int err;
};

static void feed(struct run *r, const struct pt_event *ev)
{
	if (r->err)
		return;
	r->err = pt_model_feed(r->m, ev);
	if (++r->since_cull < CULL_EVERY)
		return;
	r->since_cull = 0;
	r->culled_untrimmed += pt_model_cull(r->m, ev->task.ts_ns, PT_CULL_LINGER_NS);
	if (r->culled_untrimmed >= TRIM_AFTER) {
		r->culled_untrimmed = 0;
		malloc_trim(0);
	}
}

/* The long-lived processes' events due before now. */
static void long_due(struct run *r, struct long_proc *lp, __u64 now, __u64 every, __u64 life,
		     __u64 *next_birth, unsigned *serial, char *slot)
{
	struct pt_event *ev = (struct pt_event *)slot;
	unsigned i;

	for (i = 0; i < LONG_PIDS; i++) {
		if (!lp[i].end || lp[i].end > now)
			continue;
		long_event(ev, PT_EXIT, lp[i].end, LONG_FIRST_PID + i, lp[i].start, 0);
		feed(r, ev);
		long_event(ev, PT_REAP, lp[i].end + 1000, LONG_FIRST_PID + i, lp[i].start, 0);
		feed(r, ev);
		lp[i].end = 0;
	}
	while (every && *next_birth <= now) {
		i = *serial % LONG_PIDS;
		if (!lp[i].end) {
			lp[i].start = *next_birth;
			lp[i].end = *next_birth + life;
			long_event(ev, PT_FORK, lp[i].start, LONG_FIRST_PID + i, lp[i].start,
				   *serial);
			feed(r, ev);
			long_event(ev, PT_EXEC, lp[i].start + 1000, LONG_FIRST_PID + i, lp[i].start,
				   *serial);
			feed(r, ev);
		}
		(*serial)++;
		*next_birth += every;
	}
}

int main(int argc, char **argv)
{
	struct pt_model_opts opts = { .cull = true };
	struct synth s = { .ts = 1000000, .next_pid = FIRST_CHILD_PID };
	struct long_proc *lp = calloc(LONG_PIDS, sizeof(*lp));
	char *buf = calloc(BATCH, SLOT_BYTES), slot[SLOT_BYTES];
	struct run r = { 0 };
	struct pt_model_stats st;
	struct mallinfo2 mi;
	double minutes, per_s, long_per_s = 0, long_life_s = 0;
	__u64 scale, every = 0, life, next_birth, next_print, end_ns;
	unsigned serial = 0, minute = 0;
	size_t n, i;

	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: cull_bench MINUTES PROCS_PER_S [LONG_PER_S LONG_LIFE_S]\n");
		return 2;
	}
	minutes = atof(argv[1]);
	per_s = atof(argv[2]);
	if (argc == 5) {
		long_per_s = atof(argv[3]);
		long_life_s = atof(argv[4]);
	}
	if (minutes <= 0 || per_s <= 0 || long_per_s < 0 || long_life_s < 0 || !lp || !buf)
		return 2;
	/* The storm's events are 1 µs apart: stretched to per_s processes
	 * (EVENTS_PER_CHILD events each) a second. */
	scale = (__u64)(1e9 / (per_s * EVENTS_PER_CHILD * 1000));
	if (!scale)
		scale = 1;
	if (long_per_s > 0)
		every = (__u64)(1e9 / long_per_s);
	life = (__u64)(long_life_s * 1e9);
	r.m = pt_model_new(&opts);
	if (!r.m)
		return 1;
	s.pid_max = read_pid_max();
	n = synth_start(&s, (struct pt_event *)buf, BATCH);
	next_birth = s.ts * scale;
	next_print = s.ts * scale + 60000000000ull;
	end_ns = s.ts * scale + (__u64)(minutes * 60e9);
	printf("minute  procs_born  held  culled  heap_in_use_kb  heap_kb  rss_kb\n");
	for (;;) {
		for (i = 0; i < n && !r.err; i++) {
			struct pt_event *ev = synth_slot(buf, i);
			__u64 now = ev->task.ts_ns * scale;

			long_due(&r, lp, now, every, life, &next_birth, &serial, slot);
			if (now >= next_print) {
				pt_model_stats(r.m, &st);
				mi = mallinfo2();
				printf("%6u  %10ld  %4zu  %6zu  %14zu  %7zu  %6ld\n", ++minute,
				       s.children, st.procs, st.procs_culled,
				       (mi.uordblks + mi.hblkhd) / 1024,
				       (mi.arena + mi.hblkhd) / 1024, rss_kb());
				fflush(stdout);
				next_print += 60000000000ull;
			}
			if (now >= end_ns)
				goto done;
			ev->task.ts_ns = now;
			ev->task.start_ns *= scale;
			if (ev->kind == PT_REAP)
				ev->reap.exit_ns *= scale;
			feed(&r, ev);
		}
		if (r.err) {
			fprintf(stderr, "cull_bench: pt_model_feed: %s\n", strerror(-r.err));
			return 1;
		}
		n = synth_fill(&s, buf, BATCH);
	}
done:
	pt_model_free(r.m);
	free(buf);
	free(lp);
	return 0;
}
