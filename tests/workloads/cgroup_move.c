// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * cgroup_move DIR...: processes in the cgroups given (directories of a
 * cgroup2 file system), as a container runtime or systemd starts them.
 * For each DIR (i from 0): a child moves itself into DIR (cgroup.procs),
 * then forks a grandchild that exits 10+i, reaps it, and execs
 * "cgroup_move --exit 20+i" (a new program in its cgroup), which exits
 * with that code. Beside them, a child that stays in the parent's cgroup
 * exits 7. Facts: child_I, grandchild_I (pids), outside (pid).
 */
#include <fcntl.h>
#include "workload.h"

static void join(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	/* "0": the writer itself */
	if (fd < 0 || write(fd, "0", 1) != 1)
		wl_die(path);
	close(fd);
}

static void in_cgroup(const char *self, const char *dir, int i)
{
	char code[16];
	pid_t g;

	join(dir);
	g = wl_fork();
	if (g == 0)
		_exit(10 + i);
	wl_fact("grandchild_%d=%d", i, (int)g);
	wl_wait(g, 0);
	snprintf(code, sizeof(code), "%d", 20 + i);
	execl(self, "cgroup_move", "--exit", code, (char *)NULL);
	wl_die("execl");
}

int main(int argc, char **argv)
{
	pid_t pid;

	if (argc == 3 && !strcmp(argv[1], "--exit"))
		return atoi(argv[2]);
	for (int i = 1; i < argc; i++) {
		pid = wl_fork();
		if (pid == 0)
			in_cgroup(argv[0], argv[i], i - 1);
		wl_fact("child_%d=%d", i - 1, (int)pid);
		wl_wait(pid, 0);
	}
	pid = wl_fork();
	if (pid == 0)
		_exit(7);
	wl_fact("outside=%d", (int)pid);
	wl_wait(pid, 0);
	return 0;
}
