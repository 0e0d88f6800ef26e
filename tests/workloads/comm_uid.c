// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * comm_uid NAME1 NAME2: a child that changes name and user, with a
 * grandchild on each side of the change:
 *
 *   parent (root)
 *   +- child: renamed NAME1, forks g1 (exits at once, reaped), then becomes
 *      uid/gid 65534, renamed NAME2, forks g2 (exits at once, reaped), exits
 */
#include <grp.h>
#include <sys/prctl.h>
#include "workload.h"

#define NOBODY 65534

static void rename_self(const char *name)
{
	if (prctl(PR_SET_NAME, name, 0, 0, 0))
		wl_die("PR_SET_NAME");
}

static void fork_and_reap(const char *who)
{
	pid_t g = wl_fork();

	if (g == 0)
		_exit(0);
	wl_fact("%s_pid=%d", who, (int)g);
	wl_fact_status(who, wl_wait(g, 0));
}

static void child(const char *name1, const char *name2)
{
	rename_self(name1);
	fork_and_reap("g1");
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		wl_die("becoming nobody");
	wl_fact("child_uid=%d", (int)getuid());
	rename_self(name2);
	fork_and_reap("g2");
	_exit(0);
}

int main(int argc, char **argv)
{
	pid_t c;

	if (argc != 3) {
		fprintf(stderr, "usage: comm_uid NAME1 NAME2\n");
		return 2;
	}
	if (getuid() != 0) {
		errno = EPERM;
		wl_die("must start as root");
	}
	wl_fact("parent_pid=%d", (int)getpid());
	c = wl_fork();
	if (c == 0)
		child(argv[1], argv[2]);
	wl_fact("child_pid=%d", (int)c);
	wl_fact_status("child", wl_wait(c, 0));
	return 0;
}
