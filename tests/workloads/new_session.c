// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A child leaves its parent's session and group with setsid(). */
#include "workload.h"

int main(void)
{
	pid_t child;

	wl_fact("parent_pid=%d", (int)getpid());
	wl_fact("parent_pgid=%d", (int)getpgrp());
	wl_fact("parent_sid=%d", (int)getsid(0));
	child = wl_fork();
	if (child == 0) {
		pid_t sid = setsid();

		if (sid < 0)
			wl_die("setsid");
		wl_fact("child_sid=%d", (int)sid);
		wl_fact("child_pgid=%d", (int)getpgrp());
		_exit(0);
	}
	wl_fact("child_pid=%d", (int)child);
	wl_fact_status("child", wl_wait(child, 0));
	return 0;
}
