// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * A child leaves its UTS namespace with unshare(CLONE_NEWUTS), then joins
 * the one it left again with setns() on a descriptor it opened before:
 * one unshare and one setns, both of uts. Facts: child_pid, and how the
 * child ended (0: both calls succeeded).
 */
#include <fcntl.h>
#include <sched.h>
#include "workload.h"

int main(void)
{
	pid_t child;
	int status;

	wl_fact("parent_pid=%d", (int)getpid());
	child = wl_fork();
	if (child == 0) {
		int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			wl_die("/proc/self/ns/uts");
		if (unshare(CLONE_NEWUTS))
			wl_die("unshare(CLONE_NEWUTS)");
		if (setns(fd, CLONE_NEWUTS))
			wl_die("setns(CLONE_NEWUTS)");
		_exit(0);
	}
	wl_fact("child_pid=%d", (int)child);
	status = wl_wait(child, 0);
	wl_fact_status("child", status);
	return 0;
}
