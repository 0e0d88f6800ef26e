// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * busy N PROG: N children at once, each doing one of every kind of event
 * the tracer knows: own process group, a new name, a signal to itself,
 * exec of PROG; then the parent reaps them all. Every pid is a fact, so
 * the runner can check that none of them shows up where it must not.
 */
#include <signal.h>
#include <sys/prctl.h>
#include "workload.h"

static void child(const char *prog)
{
	if (setpgid(0, 0))
		wl_die("setpgid");
	if (prctl(PR_SET_NAME, "busy-child", 0, 0, 0))
		wl_die("PR_SET_NAME");
	if (raise(SIGURG)) /* ignored by default: a signal row, nothing else */
		wl_die("raise");
	execl(prog, prog, (char *)NULL);
	wl_die("execl");
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0;
	int i, status;

	if (n <= 0) {
		fprintf(stderr, "usage: busy N PROG\n");
		return 2;
	}
	wl_fact("parent_pid=%d", (int)getpid());
	for (i = 0; i < n; i++) {
		pid_t pid = wl_fork();

		if (pid == 0)
			child(argv[2]);
		wl_fact("child_%d=%d", i, (int)pid);
	}
	for (i = 0; i < n; i++) {
		status = wl_wait(-1, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			errno = ECHILD;
			wl_die("a child failed");
		}
	}
	wl_fact("children=%d", n);
	return 0;
}
