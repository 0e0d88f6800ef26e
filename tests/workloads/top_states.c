// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Every scheduler state at once, held until SIGUSR1, for the live view
 * (--top): usage top_states FACTS_FILE (the facts go there: the terminal
 * is the view's).
 *
 *   spin_a, spin_b  two children pinned to one CPU, spinning: one running,
 *                   the other runnable, in turns
 *   sleeper         a child in pause(): sleeping
 *   vfork_parent    a child that vfork()ed: it waits for its vfork child
 *                   (which blocks on a pipe) in a killable sleep, ps `D`
 *   stopped         a child stopped by SIGSTOP
 *   traced          a child seized and interrupted by the main process
 *                   (PTRACE_SEIZE + PTRACE_INTERRUPT): ps `t`
 *   zombie          a child that exited 7, not waited for until the end
 *
 * The main process sleeps in sigsuspend() until SIGUSR1, then kills the
 * spinners and the sleeper (SIGKILL), releases the vfork child, continues
 * the stopped one, detaches and kills the traced one, reaps all, says
 * done=1, and exits at a second SIGUSR1 (so the view still shows it).
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include "workload.h"

static void on_usr1(int sig)
{
	(void)sig;
}

static pid_t spinner(int cpu)
{
	pid_t pid = fork();
	cpu_set_t set;

	if (pid < 0)
		wl_die("fork");
	if (pid)
		return pid;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		wl_die("sched_setaffinity");
	for (;;)
		;
}

static pid_t sleeper(void)
{
	pid_t pid = fork();

	if (pid < 0)
		wl_die("fork");
	if (!pid)
		for (;;)
			pause();
	return pid;
}

/* The vfork child blocks on release's read end; its parent waits in D. */
static pid_t vfork_parent(int release)
{
	pid_t pid = fork();
	char c;

	if (pid < 0)
		wl_die("fork");
	if (pid)
		return pid;
	if (!vfork()) {
		if (read(release, &c, 1) < 0)
			_exit(WL_BROKEN);
		_exit(0);
	}
	_exit(0);
}

static pid_t child_exiting(int code)
{
	pid_t pid = fork();

	if (pid < 0)
		wl_die("fork");
	if (!pid)
		_exit(code);
	return pid;
}

static void reap(pid_t pid, const char *what)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		wl_die(what);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	pid_t spin_a, spin_b, sleep_pid, vparent, stopped, traced, zombie;
	int release[2], fd, status;
	sigset_t usr1, old;

	if (argc != 2)
		wl_die("usage: top_states FACTS_FILE");
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		wl_die("facts file");
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	if (sigaction(SIGUSR1, &sa, NULL) || pipe(release))
		wl_die("setup");

	spin_a = spinner(0);
	spin_b = spinner(0);
	sleep_pid = sleeper();
	vparent = vfork_parent(release[0]);
	stopped = sleeper();
	if (kill(stopped, SIGSTOP) || waitpid(stopped, &status, WUNTRACED) != stopped)
		wl_die("stop");
	traced = sleeper();
	if (ptrace(PTRACE_SEIZE, traced, 0, 0) || ptrace(PTRACE_INTERRUPT, traced, 0, 0) ||
	    waitpid(traced, &status, __WALL) != traced)
		wl_die("ptrace");
	zombie = child_exiting(7);

	wl_fact("main_pid=%d", getpid());
	wl_fact("spin_a_pid=%d", spin_a);
	wl_fact("spin_b_pid=%d", spin_b);
	wl_fact("sleeper_pid=%d", sleep_pid);
	wl_fact("vfork_parent_pid=%d", vparent);
	wl_fact("stopped_pid=%d", stopped);
	wl_fact("traced_pid=%d", traced);
	wl_fact("zombie_pid=%d", zombie);
	wl_fact("ready=1");

	sigsuspend(&old);

	kill(spin_a, SIGKILL);
	kill(spin_b, SIGKILL);
	kill(sleep_pid, SIGKILL);
	if (write(release[1], "x", 1) != 1)
		wl_die("release");
	kill(stopped, SIGCONT);
	kill(stopped, SIGKILL);
	ptrace(PTRACE_DETACH, traced, 0, 0);
	kill(traced, SIGKILL);
	reap(spin_a, "reap spin_a");
	reap(spin_b, "reap spin_b");
	reap(sleep_pid, "reap sleeper");
	reap(vparent, "reap vfork_parent");
	reap(stopped, "reap stopped");
	reap(traced, "reap traced");
	reap(zombie, "reap zombie");
	wl_fact("done=1");
	sigsuspend(&old);
	return 0;
}
