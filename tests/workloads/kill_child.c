// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The parent kills its child with SIGKILL once the child is waiting. */
#include <signal.h>
#include "workload.h"

int main(void)
{
	struct wl_gate ready;
	pid_t child;

	wl_fact("parent_pid=%d", (int)getpid());
	wl_gate_open(&ready);
	child = wl_fork();
	if (child == 0) {
		wl_gate_pass(&ready);
		for (;;)
			pause();
	}
	wl_fact("child_pid=%d", (int)child);
	wl_gate_wait(&ready);
	if (kill(child, SIGKILL))
		wl_die("kill");
	wl_fact_status("child", wl_wait(child, 0));
	return 0;
}
