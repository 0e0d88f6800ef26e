// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A child that exits with status 3, reaped by its parent. */
#include "workload.h"

int main(void)
{
	pid_t child;

	wl_fact("parent_pid=%d", (int)getpid());
	child = wl_fork();
	if (child == 0)
		exit(3);
	wl_fact("child_pid=%d", (int)child);
	wl_fact_status("child", wl_wait(child, 0));
	return 0;
}
