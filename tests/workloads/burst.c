// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* burst N: fork N children that exit at once, then reap them all. */
#include "workload.h"

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0;
	int i;

	if (n <= 0) {
		fprintf(stderr, "usage: burst N\n");
		return 2;
	}
	wl_fact("parent_pid=%d", (int)getpid());
	for (i = 0; i < n; i++)
		if (wl_fork() == 0)
			_exit(0);
	for (i = 0; i < n; i++)
		wl_wait(-1, 0);
	wl_fact("children=%d", n);
	return 0;
}
