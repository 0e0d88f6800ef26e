// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A child left a zombie for at least ZOMBIE_MS before its parent reaps it. */
#include "workload.h"

#define ZOMBIE_MS 300

int main(void)
{
	pid_t child;

	wl_fact("parent_pid=%d", (int)getpid());
	child = wl_fork();
	if (child == 0)
		_exit(0);
	wl_fact("child_pid=%d", (int)child);
	wl_keep_zombie(child, ZOMBIE_MS);
	wl_fact("zombie_ms=%d", ZOMBIE_MS);
	wl_fact_status("child", wl_wait(child, 0));
	return 0;
}
