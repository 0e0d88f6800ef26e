// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * More facts waiting in the kernel side at once than its maps hold when
 * shrunk (PROCTRACE_FAULT=entries:N, N < CHILDREN): tests/integration/
 * cases_map_bounds.py checks that each one that found no room is counted
 * lost, and that none is reported wrong.
 * zombies: CHILDREN children exit and are all zombies before the first is
 * reaped. fatal: CHILDREN children block SIGTERM; all get one from this
 * process, then each in turn unblocks it, dies of it and is reaped.
 */
#include <signal.h>
#include "workload.h"

#define CHILDREN 8

/* Until pid is a zombie, without reaping it. */
static void wait_zombie(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, pid, &si, WEXITED | WNOWAIT))
		if (errno != EINTR)
			wl_die("waitid");
}

static void zombies(void)
{
	pid_t c[CHILDREN];
	char name[32];
	int st;

	for (int i = 0; i < CHILDREN; i++) {
		c[i] = wl_fork();
		if (c[i] == 0)
			_exit(i + 1);
	}
	for (int i = 0; i < CHILDREN; i++)
		wait_zombie(c[i]);
	for (int i = 0; i < CHILDREN; i++) {
		st = wl_wait(c[i], 0);
		snprintf(name, sizeof(name), "zombie%d", i);
		wl_fact("%s_pid=%d", name, (int)c[i]);
		wl_fact_status(name, st);
	}
}

static void fatal(void)
{
	struct wl_gate ready[CHILDREN], go[CHILDREN];
	pid_t c[CHILDREN];
	char name[32];
	sigset_t term;
	int st;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	for (int i = 0; i < CHILDREN; i++) {
		wl_gate_open(&ready[i]);
		wl_gate_open(&go[i]);
		c[i] = wl_fork();
		if (c[i] == 0) {
			if (sigprocmask(SIG_BLOCK, &term, NULL))
				wl_die("sigprocmask");
			wl_gate_pass(&ready[i]);
			wl_gate_wait(&go[i]);
			sigprocmask(SIG_UNBLOCK, &term, NULL); /* dies here */
			_exit(WL_BROKEN);
		}
		wl_gate_wait(&ready[i]);
	}
	for (int i = 0; i < CHILDREN; i++)
		if (kill(c[i], SIGTERM))
			wl_die("kill");
	for (int i = 0; i < CHILDREN; i++) {
		wl_gate_pass(&go[i]);
		st = wl_wait(c[i], 0);
		snprintf(name, sizeof(name), "fatal%d", i);
		wl_fact("%s_pid=%d", name, (int)c[i]);
		wl_fact_status(name, st);
	}
}

int main(void)
{
	wl_fact("parent_pid=%d", (int)getpid());
	wl_fact("children=%d", CHILDREN);
	zombies();
	fatal();
	return 0;
}
