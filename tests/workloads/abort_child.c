// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * A child that calls abort().
 * With a directory argument the child runs there with the core size limit
 * raised to its hard limit, so a core is normally written (into that
 * directory); without one the limit is 0 and no core is written. Either way
 * the parent reports what its waitpid() saw.
 */
#include <sys/resource.h>
#include "workload.h"

static void set_core_limit(const char *dir)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_CORE, &rl))
		wl_die("getrlimit");
	rl.rlim_cur = dir ? rl.rlim_max : 0;
	if (setrlimit(RLIMIT_CORE, &rl))
		wl_die("setrlimit");
	if (dir && chdir(dir))
		wl_die("chdir");
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : NULL;
	pid_t child;

	wl_fact("parent_pid=%d", (int)getpid());
	child = wl_fork();
	if (child == 0) {
		set_core_limit(dir);
		abort();
	}
	wl_fact("child_pid=%d", (int)child);
	wl_fact_status("child", wl_wait(child, 0));
	return 0;
}
