// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * scatter PROG: a tree whose members leave it every way a process can.
 * The root holds until the runner writes one byte on stdin (so the runner
 * knows its pid before anything happens), then:
 *
 *   root: a child subreaper, so orphans come back to it and their reaper
 *   |  is known
 *   +- mid: forks orphan and d1, reaps d1, exits
 *      +- orphan: once mid is gone (it is then the root's child), runs
 *      |  PROG with argv PROG orphan
 *      +- d1: setsid(), forks daemon, exits (a daemon's double fork)
 *         +- daemon: in d1's new session, the root's child once d1 is
 *            gone; when told, runs PROG with argv PROG daemon
 *
 * The root reaps mid, lets orphan and daemon go on, and reaps them too.
 */
#include <sys/prctl.h>
#include "workload.h"

static struct wl_gate runner = { { STDIN_FILENO, -1 } };

static void run_prog(const char *prog, const char *role, struct wl_gate *go)
{
	wl_gate_wait(go);
	wl_fact("%s_ppid_at_exec=%d", role, (int)getppid());
	wl_fact("%s_sid_at_exec=%d", role, (int)getsid(0));
	execl(prog, prog, role, (char *)NULL);
	wl_die("execl");
}

static void d1(const char *prog, struct wl_gate *go)
{
	pid_t daemon;

	if (setsid() < 0)
		wl_die("setsid");
	wl_fact("d1_sid=%d", (int)getsid(0));
	daemon = wl_fork();
	if (daemon == 0)
		run_prog(prog, "daemon", go);
	wl_fact("daemon_pid=%d", (int)daemon);
	_exit(0);
}

static void mid(const char *prog, struct wl_gate *go)
{
	pid_t orphan, d;

	orphan = wl_fork();
	if (orphan == 0)
		run_prog(prog, "orphan", go);
	wl_fact("orphan_pid=%d", (int)orphan);
	d = wl_fork();
	if (d == 0)
		d1(prog, go);
	wl_fact("d1_pid=%d", (int)d);
	wl_fact_status("d1", wl_wait(d, 0));
	_exit(0);
}

int main(int argc, char **argv)
{
	struct wl_gate go;
	pid_t m, reaped;
	int i, status;

	if (argc != 2) {
		fprintf(stderr, "usage: scatter PROG\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		wl_die("PR_SET_CHILD_SUBREAPER");
	wl_fact("root_pid=%d", (int)getpid());
	wl_fact("root_sid=%d", (int)getsid(0));
	wl_gate_wait(&runner);
	wl_gate_open(&go);
	m = wl_fork();
	if (m == 0)
		mid(argv[1], &go);
	wl_fact("mid_pid=%d", (int)m);
	wl_fact_status("mid", wl_wait(m, 0));
	/* mid and d1 are gone: orphan and daemon are ours now. */
	wl_gate_pass(&go);
	wl_gate_pass(&go);
	for (i = 1; i <= 2; i++) {
		reaped = waitpid(-1, &status, 0);
		if (reaped < 0)
			wl_die("waitpid");
		wl_fact("reaped_%d=%d", i, (int)reaped);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			errno = ECHILD;
			wl_die("PROG failed");
		}
	}
	if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
		wl_die("a child left over");
	return 0;
}
