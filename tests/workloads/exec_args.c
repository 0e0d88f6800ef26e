// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * exec_args PATH ARG0 [ARG...]: a child runs PATH with exactly the argument
 * vector ARG0 ARG..., whatever bytes they hold. The caller chooses the
 * arguments, so it knows exactly which vector the tracer must report.
 */
#include "workload.h"

int main(int argc, char **argv)
{
	pid_t child;

	if (argc < 3) {
		fprintf(stderr, "usage: exec_args PATH ARG0 [ARG...]\n");
		return 2;
	}
	wl_fact("parent_pid=%d", (int)getpid());
	child = wl_fork();
	if (child == 0) {
		execv(argv[1], argv + 2);
		wl_die("execv");
	}
	wl_fact("child_pid=%d", (int)child);
	wl_fact_status("child", wl_wait(child, 0));
	return 0;
}
