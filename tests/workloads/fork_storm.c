// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* fork_storm N [WORKERS]: WORKERS processes (2 by default) each create
 * their share of N children one after the other, as fast as the machine
 * allows (vfork, _exit, wait), for a large volume of events. */
#include "workload.h"

static void worker(long count)
{
	for (long i = 0; i < count; i++)
		wl_storm_child();
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	int workers = argc > 2 ? atoi(argv[2]) : 2;

	if (n <= 0 || workers <= 0 || workers > 64) {
		fprintf(stderr, "usage: fork_storm N [WORKERS]\n");
		return 2;
	}
	wl_fact("storm_pid=%d", (int)getpid());
	for (int w = 0; w < workers; w++) {
		pid_t pid = wl_fork();

		if (pid == 0) {
			worker(n / workers + (w < n % workers));
			_exit(0);
		}
	}
	for (int w = 0; w < workers; w++) {
		if (wl_wait(-1, 0) != 0) {
			errno = ECHILD;
			wl_die("a worker failed");
		}
	}
	wl_fact("children=%ld", n);
	wl_fact("workers=%d", workers);
	return 0;
}
