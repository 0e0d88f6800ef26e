// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A child renames itself with prctl(PR_SET_NAME) and then exits. */
#include <sys/prctl.h>
#include "workload.h"

#define NEW_NAME "renamed-xyz"

static void fact_comm(const char *key)
{
	char comm[32] = "";

	if (prctl(PR_GET_NAME, comm, 0, 0, 0))
		wl_die("PR_GET_NAME");
	wl_fact("%s=%s", key, comm);
}

int main(void)
{
	pid_t child;

	wl_fact("parent_pid=%d", (int)getpid());
	child = wl_fork();
	if (child == 0) {
		fact_comm("old_comm");
		if (prctl(PR_SET_NAME, NEW_NAME, 0, 0, 0))
			wl_die("PR_SET_NAME");
		fact_comm("new_comm");
		_exit(0);
	}
	wl_fact("child_pid=%d", (int)child);
	wl_fact_status("child", wl_wait(child, 0));
	return 0;
}
