// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Pid reuse around a followed process. U (this program, never followed)
 * forks F, the process the runner follows (-p F), and holds until a byte
 * comes on stdin. F's children then end in each way the kernel has:
 *   nullinfo  reaped by waitid(P_PID, pid, NULL, WEXITED): no siginfo
 *   autoreap  released at its exit (F ignores SIGCHLD meanwhile)
 *   orphan    its parent exits first; F, a subreaper, reaps it (no siginfo)
 *   waited    reaped by wait4()
 * After each is released, U creates a stranger with that very pid
 * (clone3() with set_tid: exact, no waiting for pids to wrap), which runs
 * PROG and is reaped by U: a stranger is not followed. Then F creates
 * "legit", again with the nullinfo child's pid: a child of F is followed.
 * Last, F exits, U reaps it without siginfo, and a stranger takes F's pid.
 * Needs root (set_tid). Usage: pid_reuse PROG
 */
#include <linux/sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include "workload.h"

static const char *prog;
static int to_u[2], to_f[2]; /* F -> U: a pid to reuse; U -> F: done */

/* fork(), with the given pid (0: any). */
static pid_t fork_as(pid_t pid)
{
	struct clone_args args;
	long r;

	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	args.set_tid = (__u64)(unsigned long)&pid;
	args.set_tid_size = pid ? 1 : 0;
	r = syscall(SYS_clone3, &args, sizeof(args));
	if (r < 0)
		wl_die("clone3 with set_tid");
	return (pid_t)r;
}

static void reap_without_siginfo(pid_t pid)
{
	while (syscall(SYS_waitid, P_PID, pid, NULL, WEXITED, NULL))
		if (errno != EINTR)
			wl_die("waitid without infop");
}

/* U: give pid to a stranger that runs PROG, and reap it. */
static pid_t stranger(pid_t pid)
{
	pid_t s = fork_as(pid);

	if (s == 0) {
		execl(prog, prog, (char *)NULL);
		wl_die("exec PROG");
	}
	wl_wait(s, 0);
	return s;
}

/* F: pid is released; U reuses it, then F goes on. */
static void reuse_by_u(const char *what, pid_t pid)
{
	char ok;

	wl_fact("%s_pid=%d", what, (int)pid);
	if (write(to_u[1], &pid, sizeof(pid)) != sizeof(pid) || read(to_f[0], &ok, 1) != 1)
		wl_die("talk to U");
}

static pid_t short_child(void)
{
	pid_t c = wl_fork();

	if (c == 0)
		_exit(0);
	return c;
}

static void followed_process(void)
{
	struct wl_gate gate, told;
	pid_t c, m, first;
	char go;

	if (read(to_f[0], &go, 1) != 1)
		wl_die("wait for go");

	first = c = short_child();
	reap_without_siginfo(c);
	reuse_by_u("nullinfo", c);

	signal(SIGCHLD, SIG_IGN);
	c = short_child();
	if (waitpid(c, NULL, 0) != -1 || errno != ECHILD) /* returns once it is gone */
		wl_die("autoreap");
	signal(SIGCHLD, SIG_DFL);
	reuse_by_u("autoreap", c);

	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		wl_die("PR_SET_CHILD_SUBREAPER");
	wl_gate_open(&gate);
	wl_gate_open(&told);
	m = wl_fork();
	if (m == 0) {
		pid_t orphan = wl_fork();

		if (orphan == 0) {
			wl_gate_wait(&gate); /* until its parent is gone */
			_exit(0);
		}
		if (write(told.fd[1], &orphan, sizeof(orphan)) != sizeof(orphan))
			wl_die("write");
		_exit(0);
	}
	if (read(told.fd[0], &c, sizeof(c)) != sizeof(c))
		wl_die("read");
	wl_wait(m, 0);
	wl_gate_pass(&gate);
	reap_without_siginfo(c);
	reuse_by_u("orphan", c);

	c = short_child();
	wl_wait(c, 0);
	reuse_by_u("waited", c);

	c = fork_as(first);
	if (c == 0)
		_exit(0);
	wl_fact("legit_pid=%d", (int)c);
	wl_wait(c, 0);
	_exit(0);
}

int main(int argc, char **argv)
{
	pid_t f, pid;
	int n = 0;
	char go;

	if (argc != 2) {
		errno = EINVAL;
		wl_die("usage: pid_reuse PROG");
	}
	prog = argv[1];
	if (pipe(to_u) || pipe(to_f))
		wl_die("pipe");
	wl_fact("u_pid=%d", (int)getpid());
	f = wl_fork();
	if (f == 0)
		followed_process();
	wl_fact("f_pid=%d", (int)f);
	if (read(STDIN_FILENO, &go, 1) != 1)
		wl_die("wait for the runner");
	if (write(to_f[1], &go, 1) != 1)
		wl_die("go");
	close(to_u[1]);
	while (read(to_u[0], &pid, sizeof(pid)) == sizeof(pid)) {
		wl_fact("stranger%d_pid=%d", ++n, (int)stranger(pid));
		if (write(to_f[1], &go, 1) != 1)
			wl_die("ack");
	}
	reap_without_siginfo(f);
	wl_fact("fstranger_pid=%d", (int)stranger(f));
	return 0;
}
