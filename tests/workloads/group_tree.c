// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * The demo tree (see demo.c) in a process group of its own, held twice so
 * the runner can start tracers of groups that do not exist yet. The runner
 * lets a hold go by writing one byte on stdin, once it has the facts it
 * needs:
 *
 *   parent: leader of a new group; holds (the runner starts a tracer of
 *   |  this group and sends SIGUSR1 from outside it meanwhile)
 *   +- A: holds (the runner starts a tracer of the group A is about to
 *   |  lead), then own group (setpgid(0, 0)), forks G, is stopped and
 *   |  continued by the parent
 *   |  +- G: born in A's group, exits at once, reaped by A
 *   +- B: exits at once and is left a zombie until A has been stopped
 *      and continued (so it is one while the second tracer starts), then
 *      reaped
 */
#include <signal.h>
#include "workload.h"

static struct wl_gate runner = { { STDIN_FILENO, -1 } };
static volatile sig_atomic_t usr1_received;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_received = 1;
}

static void child_a(struct wl_gate *ready, struct wl_gate *go)
{
	pid_t g;

	wl_gate_wait(&runner);
	if (setpgid(0, 0))
		wl_die("setpgid");
	wl_fact("a_pgid=%d", (int)getpgrp());
	g = wl_fork();
	if (g == 0) {
		wl_fact("g_pid=%d", (int)getpid());
		wl_fact("g_pgid=%d", (int)getpgrp());
		_exit(0);
	}
	wl_fact_status("g", wl_wait(g, 0));
	wl_gate_pass(ready);
	wl_gate_wait(go); /* the parent stops and continues A meanwhile */
	_exit(0);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct wl_gate ready, go;
	pid_t a, b;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		wl_die("sigaction");
	if (setpgid(0, 0))
		wl_die("setpgid");
	wl_fact("parent_pid=%d", (int)getpid());
	wl_fact("parent_pgid=%d", (int)getpgrp());
	wl_fact("parent_sid=%d", (int)getsid(0));
	wl_gate_wait(&runner);
	/* The signal was generated before the go was written, so its handler
	 * has run by the time the read returns to us. */
	wl_fact("usr1_received=%d", (int)usr1_received);
	wl_gate_open(&ready);
	wl_gate_open(&go);

	a = wl_fork();
	if (a == 0)
		child_a(&ready, &go);
	wl_fact("a_pid=%d", (int)a);
	b = wl_fork();
	if (b == 0)
		_exit(0);
	wl_keep_zombie(b, 0);
	wl_fact("b_pid=%d", (int)b); /* a zombie now */

	wl_gate_wait(&ready);
	wl_stop(a);
	wl_continue(a);
	wl_fact_status("b", wl_wait(b, 0));

	wl_gate_pass(&go);
	wl_fact_status("a", wl_wait(a, 0));
	return 0;
}
