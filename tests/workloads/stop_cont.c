// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The parent stops its child with SIGSTOP, then continues it with SIGCONT;
 * each step is confirmed by waitpid() before the next. The child then exits
 * when told.
 *
 * Usage: stop_cont [HOLD_MS]. With HOLD_MS, the child is left stopped that
 * many milliseconds before SIGCONT (fact child_stopped_ms), so that the
 * stop is a state that lasts, not just a moment between two signals;
 * without, it is continued at once (fact child_stopped=1).
 */
#include <signal.h>
#include "workload.h"

int main(int argc, char **argv)
{
	int hold_ms = argc > 1 ? atoi(argv[1]) : 0;
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
	if (hold_ms > 0) {
		wl_sleep_ms(hold_ms);
		wl_fact("child_stopped_ms=%d", hold_ms);
	} else {
		wl_fact("child_stopped=1");
	}
	wl_continue(child);
	wl_fact("child_continued=1");
	wl_gate_pass(&go);
	wl_fact_status("child", wl_wait(child, 0));
	return 0;
}
