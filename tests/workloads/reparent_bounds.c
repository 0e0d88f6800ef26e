// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Reparenting far from the dying parent, and of many orphans at once. top
 * is a child subreaper in both modes.
 *
 *   deep N   top -> N - 1 chained processes -> mid -> orphan: mid exits, so
 *            the nearest subreaper is N ancestors above it. The orphan
 *            reports the parent that adopted it (adopter_pid).
 *   wide N   top -> mid -> N children; mid exits, the N orphans go to top.
 *            Each exits 0 when its parent is top by then (adopted=N).
 */
#include <sys/prctl.h>
#include "workload.h"

/* Waits for every child, the chain's and the adopted ones, until none is
 * left; returns how many exited with 0. */
static int reap_all(void)
{
	int status, ok = 0;
	pid_t got;

	for (;;) {
		got = waitpid(-1, &status, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	if (errno != ECHILD)
		wl_die("waitpid");
	return ok;
}

static int mode_deep(int n)
{
	struct wl_gate go, adopted;
	pid_t top = getpid(), me;
	int level;

	wl_fact("top_pid=%d", (int)top);
	wl_gate_open(&go);
	wl_gate_open(&adopted);
	/* Each level forks the next and waits for it: the chain stays alive
	 * until mid has exited, then falls level by level. */
	for (level = 1; level <= n; level++) {
		pid_t next = wl_fork();

		if (next != 0) {
			if (level > 1) {
				wl_wait(next, 0);
				_exit(0);
			}
			break;
		}
	}
	if (level <= n) { /* top */
		wl_gate_wait(&adopted);
		reap_all();
		return 0;
	}
	/* mid, n levels below top */
	me = getpid();
	if (wl_fork() == 0) {
		wl_gate_wait(&go);
		while (getppid() == me)
			wl_sleep_ms(1);
		wl_fact("adopter_pid=%d", (int)getppid());
		wl_gate_pass(&adopted);
		_exit(0);
	}
	wl_fact("mid_pid=%d", (int)me);
	wl_gate_pass(&go);
	_exit(0);
}

static int mode_wide(int n)
{
	struct wl_gate hold;
	pid_t top = getpid(), mid;

	wl_fact("top_pid=%d", (int)top);
	wl_gate_open(&hold);
	mid = wl_fork();
	if (mid == 0) {
		for (int i = 0; i < n; i++)
			if (wl_fork() == 0) {
				wl_gate_wait(&hold);
				_exit(getppid() == top ? 0 : 1);
			}
		_exit(0);
	}
	wl_fact("mid_pid=%d", (int)mid);
	wl_fact_status("mid", wl_wait(mid, 0));
	/* mid's children were handed to top before mid became a zombie. */
	for (int i = 0; i < n; i++)
		wl_gate_pass(&hold);
	wl_fact("adopted=%d", reap_all());
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 0;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		wl_die("PR_SET_CHILD_SUBREAPER");
	if (n > 0 && !strcmp(argv[1], "deep"))
		return mode_deep(n);
	if (n > 0 && !strcmp(argv[1], "wide"))
		return mode_wide(n);
	fprintf(stderr, "usage: reparent_bounds deep|wide N\n");
	return 2;
}
