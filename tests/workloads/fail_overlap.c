// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * fail_overlap: two failures whose lives overlap, for the order of
 * --failed's rows. The main process forks `slow` (which waits on a pipe),
 * then `fast`, which exits 1 at once; once fast is reaped, slow is let go
 * and exits 2. slow's fork comes before fast's, its end after.
 * Facts: main_pid, slow_pid, fast_pid.
 */
#include "workload.h"

int main(void)
{
	int gate[2];
	pid_t slow, fast;
	char byte;

	if (pipe(gate))
		wl_die("pipe");
	wl_fact("main_pid=%d", (int)getpid());
	slow = wl_fork();
	if (slow == 0) {
		close(gate[1]);
		if (read(gate[0], &byte, 1) != 1)
			_exit(WL_BROKEN);
		_exit(2);
	}
	close(gate[0]);
	wl_fact("slow_pid=%d", (int)slow);
	fast = wl_fork();
	if (fast == 0)
		_exit(1);
	wl_fact("fast_pid=%d", (int)fast);
	wl_wait(fast, 0);
	if (write(gate[1], "g", 1) != 1)
		wl_die("write");
	wl_wait(slow, 0);
	return 0;
}
