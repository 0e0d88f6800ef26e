// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Reparenting to a child subreaper: top -> mid -> orphan. mid exits first
 * (reaped by top), which hands orphan to top; only then is orphan told to
 * exit, and top reaps it.
 */
#include <sys/prctl.h>
#include "workload.h"

int main(void)
{
	struct wl_gate go;
	pid_t mid, reaped;

	wl_fact("top_pid=%d", (int)getpid());
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		wl_die("PR_SET_CHILD_SUBREAPER");
	wl_gate_open(&go);
	mid = wl_fork();
	if (mid == 0) {
		pid_t orphan = wl_fork();

		if (orphan == 0) {
			wl_gate_wait(&go);
			wl_fact("orphan_ppid_at_exit=%d", (int)getppid());
			_exit(0);
		}
		wl_fact("orphan_pid=%d", (int)orphan);
		_exit(0);
	}
	wl_fact("mid_pid=%d", (int)mid);
	wl_fact_status("mid", wl_wait(mid, 0));
	wl_gate_pass(&go);
	reaped = waitpid(-1, NULL, 0);
	if (reaped < 0)
		wl_die("waitpid orphan");
	wl_fact("top_reaped_pid=%d", (int)reaped);
	return 0;
}
