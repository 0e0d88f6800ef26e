// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A child renames itself with prctl(PR_SET_NAME) and then exits. A second
 * one ("again") renames itself to NEW_NAME twice, to a name of 20 bytes
 * and to another one the kernel cuts to the same 15, to a name with a
 * newline, and to "c": only four of these change its name. */
#include <sys/prctl.h>
#include "workload.h"

#define NEW_NAME "renamed-xyz"

static void set_name(const char *name)
{
	if (prctl(PR_SET_NAME, name, 0, 0, 0))
		wl_die("PR_SET_NAME");
}

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
	child = wl_fork();
	if (child == 0) {
		set_name(NEW_NAME);
		set_name(NEW_NAME);
		set_name(NEW_NAME "-and-more");
		set_name(NEW_NAME "-and-less");
		set_name("a\nb");
		set_name("c");
		_exit(0);
	}
	wl_fact("again_pid=%d", (int)child);
	wl_fact_status("again", wl_wait(child, 0));
	return 0;
}
