// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The parent stops its child with SIGSTOP and leaves it stopped for
 * STOP_MS before SIGCONT, so that the stop is a state that lasts, not just
 * a moment between two signals; the child then exits when told.
 */
#include <signal.h>
#include "workload.h"

#define STOP_MS 300

int main(void)
{
	struct wl_gate go;
	pid_t child;

	wl_fact("parent_pid=%d", (int)getpid());
	wl_gate_open(&go);
	child = wl_fork();
	if (child == 0) {
		wl_gate_wait(&go);
		_exit(0);
	}
	wl_fact("child_pid=%d", (int)child);
	wl_stop(child);
	wl_sleep_ms(STOP_MS);
	wl_fact("child_stopped_ms=%d", STOP_MS);
	wl_continue(child);
	wl_fact("child_continued=1");
	wl_gate_pass(&go);
	wl_fact_status("child", wl_wait(child, 0));
	return 0;
}
