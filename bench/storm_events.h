/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * A storm of events in memory, like the one bench/storm.c makes and
 * proctrace records: a storm process, two workers, and children that each
 * fork, exec (with argv and path), exit, send their worker SIGCHLD and are
 * reaped, the two workers' children interleaved. Pids cycle through the
 * machine's pid range, so they are reused as on a real machine. Events are
 * made in chunks of fixed-size slots, ahead of any clock, so that the
 * drivers time only what they measure.
 */
#ifndef BENCH_STORM_EVENTS_H
#define BENCH_STORM_EVENTS_H

#include <linux/types.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "proctrace/event.h"

#define STORM_PID 1000
#define WORKERS 2
#define FIRST_CHILD_PID 2000
#define EVENTS_PER_CHILD 5
#define CHUNK_EVENTS 65536
#define SIGCHLD_ 17
#define CLD_EXITED_ 1

static const char exec_argv[] = "ptnop\0--bench\0storm";
static const char exec_path[] = "/work/build/bench/ptnop";
/* An event with its exec payload, rounded up to the event's alignment:
 * from the event's size, so a grown event never runs into the next slot. */
#define SLOT_BYTES                                                                                 \
	((sizeof(struct pt_event) + sizeof(exec_argv) + sizeof(exec_path) + 7) & ~(size_t)7)
_Static_assert(SLOT_BYTES % _Alignof(struct pt_event) == 0, "a slot holds an aligned event");

struct synth {
	__u64 ts;         /* next event time */
	__u32 pid_max;
	__u32 next_pid;
	__u32 child[WORKERS];  /* current child of each worker */
	__u64 child_start[WORKERS];
	__u64 worker_start[WORKERS];
	unsigned step;    /* which event of the current pair of children */
	long children;
};

static inline double monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void task_set(struct pt_task *t, __u64 ts, __u32 pid, __u64 start,
			    __u32 ppid, const char *comm, __u32 state)
{
	t->ts_ns = ts;
	t->start_ns = start;
	t->cgroup_id = 1;
	t->pid = t->tid = t->ns_pid = pid;
	t->ppid = ppid;
	t->pgid = t->sid = STORM_PID;
	t->pidns = 4026531836u;
	t->state = state;
	strncpy(t->comm, comm, sizeof(t->comm) - 1);
}

static inline void actor_set(struct pt_actor *a, __u32 pid, const char *comm)
{
	a->pid = a->tid = pid;
	strncpy(a->comm, comm, sizeof(a->comm) - 1);
}

static inline __u32 worker_pid(unsigned w)
{
	return STORM_PID + 1 + w;
}

static inline __u32 next_child_pid(struct synth *s)
{
	__u32 pid = s->next_pid;

	s->next_pid = pid + 1 >= s->pid_max ? FIRST_CHILD_PID : pid + 1;
	return pid;
}

/* The events of the storm's start: the storm seen at the snapshot, then
 * its two workers forked. */
static inline size_t synth_start(struct synth *s, struct pt_event *ev, size_t room)
{
	size_t n = 0;
	unsigned w;

	memset(ev, 0, SLOT_BYTES);
	ev->kind = PT_SNAPSHOT;
	ev->flags = PT_F_NO_ACTOR;
	ev->size = sizeof(*ev);
	task_set(&ev->task, s->ts++, STORM_PID, 1, 1, "ptstorm", PT_STATE_ALIVE);
	n++;
	for (w = 0; w < WORKERS && n < room; w++, n++) {
		ev = (struct pt_event *)((char *)ev + SLOT_BYTES);
		memset(ev, 0, SLOT_BYTES);
		ev->kind = PT_FORK;
		ev->size = sizeof(*ev);
		s->worker_start[w] = s->ts;
		task_set(&ev->task, s->ts, worker_pid(w), s->ts, STORM_PID, "ptstorm",
			 PT_STATE_ALIVE);
		s->ts += 1000;
		actor_set(&ev->by, STORM_PID, "ptstorm");
	}
	return n;
}

/* One event of child w's life: 0 fork, 1 exec, 2 exit, 3 SIGCHLD to its
 * worker, 4 reap. */
static inline void synth_child_event(struct synth *s, unsigned w, unsigned which,
				     struct pt_event *ev)
{
	__u32 pid = s->child[w], parent = worker_pid(w);
	__u64 start = s->child_start[w];

	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	switch (which) {
	case 0:
		ev->kind = PT_FORK;
		task_set(&ev->task, s->ts, pid, start, parent, "ptstorm", PT_STATE_ALIVE);
		actor_set(&ev->by, parent, "ptstorm");
		break;
	case 1:
		ev->kind = PT_EXEC;
		ev->flags = PT_F_NO_ACTOR;
		task_set(&ev->task, s->ts, pid, start, parent, "ptnop", PT_STATE_ALIVE);
		ev->exec.old_tid = pid;
		ev->exec.argc = 3;
		ev->exec.args_size = sizeof(exec_argv);
		ev->exec.argv_len = sizeof(exec_argv);
		ev->exec.path_len = sizeof(exec_path) - 1;
		memcpy(ev->data, exec_argv, sizeof(exec_argv));
		memcpy(ev->data + sizeof(exec_argv), exec_path, sizeof(exec_path) - 1);
		ev->size = sizeof(*ev) + sizeof(exec_argv) + sizeof(exec_path) - 1;
		break;
	case 2:
		ev->kind = PT_EXIT;
		ev->flags = PT_F_GROUP_DEAD | PT_F_NO_ACTOR;
		task_set(&ev->task, s->ts, pid, start, parent, "ptnop", PT_STATE_ZOMBIE);
		ev->exit.usage.runtime_ns = 150000;
		ev->exit.usage.maxrss_kb = 1024;
		ev->exit.usage.minflt = 30;
		break;
	case 3:
		ev->kind = PT_SIGNAL;
		task_set(&ev->task, s->ts, parent, s->worker_start[w], STORM_PID, "ptstorm",
			 PT_STATE_ALIVE);
		actor_set(&ev->by, pid, "ptnop");
		ev->signal.sig = SIGCHLD_;
		ev->signal.code = CLD_EXITED_;
		ev->signal.result = PT_SIG_IGNORED;
		break;
	case 4:
		ev->kind = PT_REAP;
		task_set(&ev->task, s->ts, pid, start, parent, "ptnop", PT_STATE_REAPED);
		actor_set(&ev->by, parent, "ptstorm");
		ev->reap.exit_ns = s->ts - 2000;
		break;
	}
	s->ts += 1000;
}

/* Fill up to room slots with the next events of the storm: the two
 * workers' children advance together, one event each in turn. */
static inline size_t synth_fill(struct synth *s, char *buf, size_t room)
{
	size_t n = 0;
	unsigned w;

	while (n < room) {
		unsigned which = s->step / WORKERS;

		w = s->step % WORKERS;
		if (which == 0) {
			s->child[w] = next_child_pid(s);
			s->child_start[w] = s->ts;
			s->children++;
		}
		synth_child_event(s, w, which, (struct pt_event *)(buf + n * SLOT_BYTES));
		n++;
		s->step = (s->step + 1) % (WORKERS * EVENTS_PER_CHILD);
	}
	return n;
}

static inline __u32 read_pid_max(void)
{
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
	unsigned v = 32768;

	if (f) {
		if (fscanf(f, "%u", &v) != 1)
			v = 32768;
		fclose(f);
	}
	return v > FIRST_CHILD_PID + 1000 ? v : 32768;
}

static inline struct pt_event *synth_slot(char *buf, size_t i)
{
	return (struct pt_event *)(buf + i * SLOT_BYTES);
}

#endif
