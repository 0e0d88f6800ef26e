// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A child that writes through a null pointer: the kernel itself sends the
 * SIGSEGV (si_code SEGV_MAPERR). No core: the limit is set to 0 first. */
#include <signal.h>
#include <sys/resource.h>
#include "workload.h"

int main(void)
{
	struct rlimit no_core = { 0, 0 };
	pid_t child;

	wl_fact("parent_pid=%d", (int)getpid());
	wl_fact("segv_maperr=%d", SEGV_MAPERR);
	child = wl_fork();
	if (child == 0) {
		if (setrlimit(RLIMIT_CORE, &no_core))
			wl_die("setrlimit");
		*(volatile int *)NULL = 1;
		_exit(0);
	}
	wl_fact("child_pid=%d", (int)child);
	wl_fact_status("child", wl_wait(child, 0));
	return 0;
}
