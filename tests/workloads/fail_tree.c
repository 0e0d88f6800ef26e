// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * fail_tree [MARK]: processes that end well and badly, for --failed and
 * --argv. The main process forks, one after the other, each waited:
 *   ok      exits 0
 *   middle  forks killed (which dies of SIGTERM), waits it, exits 0
 *   code    exits 7
 * and with MARK, two children that exec this program again as
 *   fail_tree --run x MARK      (x)
 *   fail_tree --run z other     (z)
 * each of which forks a child that exits 0, waits it, and exits 3.
 * Facts: main_pid, ok_pid, middle_pid, killed_pid, code_pid, x_pid,
 * x_child_pid, z_pid, z_child_pid.
 */
#include <signal.h>
#include "workload.h"

static pid_t run(void (*body)(void))
{
	pid_t pid = wl_fork();

	if (pid == 0)
		body();
	wl_wait(pid, 0);
	return pid;
}

static void ok(void)
{
	_exit(0);
}

static void killed(void)
{
	raise(SIGTERM);
	_exit(WL_BROKEN);
}

static void middle(void)
{
	wl_fact("killed_pid=%d", (int)run(killed));
	_exit(0);
}

static void code(void)
{
	_exit(7);
}

/* --run KEY TEXT: a child that exits 0, then exit 3. */
static int rerun(const char *key)
{
	wl_fact("%s_child_pid=%d", key, (int)run(ok));
	return 3;
}

static pid_t exec_self(const char *key, const char *text)
{
	pid_t pid = wl_fork();

	if (pid == 0) {
		execl("/proc/self/exe", "fail_tree", "--run", key, text, (char *)NULL);
		wl_die("execl");
	}
	wl_fact("%s_pid=%d", key, (int)pid);
	wl_wait(pid, 0);
	return pid;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--run"))
		return rerun(argv[2]);
	wl_fact("main_pid=%d", (int)getpid());
	wl_fact("ok_pid=%d", (int)run(ok));
	wl_fact("middle_pid=%d", (int)run(middle));
	wl_fact("code_pid=%d", (int)run(code));
	if (argc == 2) {
		exec_self("x", argv[1]);
		exec_self("z", "other");
	}
	return 0;
}
