// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * sedlike_gen: a capture shaped like a build traced under strace, written
 * by proctrace's own CSV writer.
 *
 *	sedlike_gen PROCS EVENTS FILE
 *
 * A configure + make + make check run under strace -f: strace (the
 * tracer) runs make, which runs a shell per step, which runs a compiler or
 * a tool; PROCS processes in all, each forked, exec'd, exited and reaped.
 * Every ptrace stop of a tracee sends the tracer a SIGCHLD, so nearly all
 * of the EVENTS rows are SIGCHLDs to that one process, from the tracees
 * (PROCS 16000 and EVENTS 7400000 give the shape of GNU sed's: 15,961
 * processes, 7.4 M events, 7.35 M of them SIGCHLDs). Pids run through
 * the machine's range and are reused; the clock is fixed, so the file is
 * the same on every run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/writer.h"
#include "storm_events.h"

#define TRACER_PID 900
#define MAKE_PID 901
#define STEP_NS 8000 /* between two events: 7.4 M events in about a minute */
#define EV_BYTES 1024

struct gen {
	struct pt_csv *csv;
	struct pt_event *ev; /* one event and its exec payload, EV_BYTES */
	__u64 ts;
	long rows;
	int err;
};

static void emit(struct gen *g)
{
	if (!g->err)
		g->err = pt_csv_write(g->csv, g->ev);
	g->rows++;
	g->ts += STEP_NS;
}

static void task_event(struct gen *g, unsigned kind, __u32 pid, __u64 start, __u32 ppid,
		       const char *comm, __u32 state)
{
	memset(g->ev, 0, EV_BYTES);
	g->ev->kind = kind;
	g->ev->size = sizeof(*g->ev);
	g->ev->flags = PT_F_NO_ACTOR;
	task_set(&g->ev->task, g->ts, pid, start, ppid, comm, state);
}

/* SIGCHLD to the tracer from a tracee: its ptrace stop, or its exit. */
static void sigchld(struct gen *g, __u32 from, const char *comm, int code)
{
	task_event(g, PT_SIGNAL, TRACER_PID, 1, 1, "strace", PT_STATE_ALIVE);
	g->ev->flags = 0;
	actor_set(&g->ev->by, from, comm);
	g->ev->signal.sig = SIGCHLD_;
	g->ev->signal.code = code;
	g->ev->signal.result = PT_SIG_DELIVERED;
	emit(g);
}

static void child_life(struct gen *g, __u32 pid, __u32 ppid, const char *pcomm, long stops)
{
	static const char argv[] = "gcc\0-c\0-O2\0sed/execute.c";
	static const char path[] = "/usr/bin/gcc";
	__u64 start = g->ts;
	long i;

	task_event(g, PT_FORK, pid, start, ppid, pcomm, PT_STATE_ALIVE);
	g->ev->flags = 0;
	actor_set(&g->ev->by, ppid, pcomm);
	emit(g);
	task_event(g, PT_EXEC, pid, start, ppid, "gcc", PT_STATE_ALIVE);
	g->ev->exec.old_tid = pid;
	g->ev->exec.argc = 4;
	g->ev->exec.argv_len = sizeof(argv);
	g->ev->exec.args_size = sizeof(argv);
	g->ev->exec.path_len = sizeof(path) - 1;
	memcpy(g->ev->data, argv, sizeof(argv));
	memcpy(g->ev->data + sizeof(argv), path, sizeof(path) - 1);
	g->ev->size = sizeof(*g->ev) + sizeof(argv) + sizeof(path) - 1;
	emit(g);
	for (i = 0; i < stops; i++)
		sigchld(g, pid, "gcc", 4 /* CLD_TRAPPED */);
	task_event(g, PT_EXIT, pid, start, ppid, "gcc", PT_STATE_ZOMBIE);
	g->ev->flags = PT_F_GROUP_DEAD | PT_F_NO_ACTOR;
	g->ev->exit.usage.runtime_ns = 20000000;
	g->ev->exit.usage.maxrss_kb = 30000;
	emit(g);
	sigchld(g, pid, "gcc", CLD_EXITED_);
	task_event(g, PT_REAP, pid, start, ppid, "gcc", PT_STATE_REAPED);
	g->ev->flags = 0;
	actor_set(&g->ev->by, ppid, pcomm);
	emit(g);
}

int main(int argc, char **argv)
{
	/* 2026-01-01T00:00:00Z at boot: a plain, fixed time column. */
	struct pt_clock clock = { .boot_to_real_ns = 1767225600000000000LL };
	struct gen g = { .ts = 1000000 };
	long procs, events, stops, extra, i;
	__u32 pid_max, pid = FIRST_CHILD_PID;
	FILE *f;

	if (argc != 4 || atol(argv[1]) < 2 || atol(argv[2]) < 8 * atol(argv[1])) {
		fprintf(stderr, "usage: sedlike_gen PROCS EVENTS FILE (EVENTS >= 8 PROCS)\n");
		return 2;
	}
	procs = atol(argv[1]) - 1; /* make is one of them */
	events = atol(argv[2]);
	/* Each child: fork, exec, exit, SIGCHLD, reap, plus its stops. */
	stops = (events - 3 - 5 * procs) / procs;
	extra = (events - 3 - 5 * procs) % procs;
	pid_max = read_pid_max();
	f = fopen(argv[3], "w");
	g.ev = calloc(1, EV_BYTES);
	g.csv = f && g.ev ? pt_csv_open(f, &clock) : NULL;
	if (!g.csv) {
		perror("sedlike_gen");
		return 1;
	}
	task_event(&g, PT_SNAPSHOT, TRACER_PID, 1, 1, "strace", PT_STATE_ALIVE);
	emit(&g);
	task_event(&g, PT_SNAPSHOT, MAKE_PID, 2, TRACER_PID, "make", PT_STATE_ALIVE);
	emit(&g);
	for (i = 0; i < procs && !g.err; i++) {
		child_life(&g, pid, MAKE_PID, "make", stops + (i < extra));
		pid = pid + 1 >= pid_max ? FIRST_CHILD_PID : pid + 1;
		/* never make's or the tracer's pid */
		if (pid == TRACER_PID || pid == MAKE_PID)
			pid = FIRST_CHILD_PID;
	}
	task_event(&g, PT_SIGNAL, TRACER_PID, 1, 1, "strace", PT_STATE_ALIVE);
	g.ev->signal.sig = SIGCHLD_;
	g.ev->flags = PT_F_KERNEL_SENDER | PT_F_NO_ACTOR;
	emit(&g);
	if (!g.err)
		g.err = pt_csv_close(g.csv);
	if (!g.err && fclose(f))
		g.err = -errno;
	free(g.ev);
	if (g.err) {
		fprintf(stderr, "sedlike_gen: %s: %s\n", argv[3], strerror(-g.err));
		return 1;
	}
	fprintf(stderr, "sedlike_gen: %ld rows, %ld processes\n", g.rows, procs + 1);
	return 0;
}
