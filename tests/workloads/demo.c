// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * A small process tree with one of each lifecycle step:
 *
 *   parent
 *   +- A: own process group (setpgid(0, 0)), forks G, is stopped and
 *   |  continued by the parent
 *   |  +- G: born in A's group, exits at once, reaped by A
 *   +- B: exits at once, left a zombie while A is stopped and ZOMBIE_MS
 *      more, then reaped
 *
 * --no-setpgid keeps A (and so G) in the parent's group.
 */
#include <signal.h>
#include <stdbool.h>
#include "workload.h"

#define ZOMBIE_MS 300

static void child_a(bool own_group, struct wl_gate *ready, struct wl_gate *go)
{
	pid_t g;

	if (own_group && setpgid(0, 0))
		wl_die("setpgid");
	wl_fact("a_pgid=%d", (int)getpgrp());
	g = wl_fork();
	if (g == 0) {
		wl_fact("g_pid=%d", (int)getpid());
		wl_fact("g_ppid=%d", (int)getppid());
		wl_fact("g_pgid=%d", (int)getpgrp());
		_exit(0);
	}
	wl_fact_status("g", wl_wait(g, 0));
	wl_gate_pass(ready);
	wl_gate_wait(go); /* the parent stops and continues A meanwhile */
	_exit(0);
}

static void stop_and_continue(pid_t pid)
{
	wl_stop(pid);
	wl_fact("a_stopped=1");
	/* Long enough to be seen in a timeline, not only as a mark. */
	wl_sleep_ms(200);
	wl_continue(pid);
	wl_fact("a_continued=1");
}

int main(int argc, char **argv)
{
	bool own_group = !(argc > 1 && strcmp(argv[1], "--no-setpgid") == 0);
	struct wl_gate ready, go;
	pid_t a, b;

	wl_fact("parent_pid=%d", (int)getpid());
	wl_fact("parent_ppid=%d", (int)getppid());
	wl_fact("parent_pgid=%d", (int)getpgrp());
	wl_fact("parent_sid=%d", (int)getsid(0));
	wl_fact("own_group=%d", own_group);
	wl_gate_open(&ready);
	wl_gate_open(&go);

	a = wl_fork();
	if (a == 0)
		child_a(own_group, &ready, &go);
	wl_fact("a_pid=%d", (int)a);
	b = wl_fork();
	if (b == 0)
		_exit(0);
	wl_fact("b_pid=%d", (int)b);

	wl_gate_wait(&ready);
	stop_and_continue(a);

	wl_keep_zombie(b, ZOMBIE_MS);
	wl_fact("b_zombie_ms=%d", ZOMBIE_MS);
	wl_fact_status("b", wl_wait(b, 0));

	wl_gate_pass(&go);
	wl_fact_status("a", wl_wait(a, 0));
	return 0;
}
