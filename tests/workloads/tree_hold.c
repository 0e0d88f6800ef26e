// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * A command with a tree below it that only a signal ends, for --top's q:
 *
 *   main: reaps the orphan maker, says ready=1 once all are told, pauses
 *   +- child: pauses
 *   |  +- grandchild: pauses
 *   +- own group: a process group of its own (setpgid(0, 0)), pauses
 *   +- orphan maker: forks the orphan and exits at once
 *      +- orphan: adopted by init (or a subreaper), pauses
 *
 * Facts (NAME_pid=PID, then ready=1) go to the file argv[1]: under --top
 * stdout is the view's pane.
 */
#include <fcntl.h>
#include "workload.h"

static void hold(void)
{
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	struct wl_gate told;
	int fd;
	pid_t child, own, maker;

	if (argc != 2) {
		fprintf(stderr, "usage: tree_hold FACTS-FILE\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		wl_die(argv[1]);
	wl_fact("main_pid=%d", (int)getpid());
	wl_gate_open(&told);
	child = wl_fork();
	if (child == 0) {
		pid_t grandchild = wl_fork();

		if (grandchild == 0)
			hold();
		wl_fact("grandchild_pid=%d", (int)grandchild);
		wl_gate_pass(&told);
		hold();
	}
	wl_fact("child_pid=%d", (int)child);
	own = wl_fork();
	if (own == 0) {
		if (setpgid(0, 0))
			wl_die("setpgid");
		hold();
	}
	/* Both sides, so that it is done before ready is said. */
	if (setpgid(own, own) && errno != EACCES)
		wl_die("setpgid own");
	wl_fact("own_group_pid=%d", (int)own);
	maker = wl_fork();
	if (maker == 0) {
		pid_t orphan = wl_fork();

		if (orphan == 0)
			hold();
		wl_fact("orphan_pid=%d", (int)orphan);
		_exit(0);
	}
	wl_fact_status("maker", wl_wait(maker, 0));
	wl_gate_wait(&told);
	wl_fact("ready=1");
	hold();
}
