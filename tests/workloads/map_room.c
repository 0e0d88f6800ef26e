// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * One fact for each map of the kernel side that a thread or a process
 * keeps from one event to a later one, for tests/integration/
 * cases_map_room.py, which runs it with that map full
 * (PROCTRACE_FAULT=full:MAP) and checks the fact is counted lost and
 * never reported wrong. Each argument is a phase:
 *   exec    a failed execve (exec_entries)
 *   ns      unshare(CLONE_NEWUTS) (ns_before)
 *   groups  setpgid(0, 0) and setsid() in two children (inflight)
 *   waitid  a child reaped by waitid() with infop, one by waitid() with
 *           neither infop nor pid (inflight, wait_candidates)
 *   queue   SIGUSR1 queued to itself with a positive si_code (queueing)
 *   stop    a child stopped and continued by SIGSTOP, SIGCONT (stops)
 *   fatal   a child killed by SIGTERM (fatal)
 *   fork    a child that forks a grandchild (followed)
 */
#include <signal.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include "workload.h"

static void child_fact(const char *name, pid_t pid, int status)
{
	wl_fact("%s_pid=%d", name, (int)pid);
	wl_fact_status(name, status);
}

static void phase_exec(void)
{
	pid_t c = wl_fork();

	if (c == 0) {
		char *argv[] = { "map-room-missing", NULL };

		execv("/nonexistent/map-room-missing", argv);
		_exit(errno == ENOENT ? 0 : WL_BROKEN);
	}
	child_fact("exec", c, wl_wait(c, 0));
}

static void phase_ns(void)
{
	pid_t c = wl_fork();

	if (c == 0)
		_exit(unshare(CLONE_NEWUTS) ? WL_BROKEN : 0);
	child_fact("ns", c, wl_wait(c, 0));
}

static void phase_groups(void)
{
	pid_t c = wl_fork();

	if (c == 0)
		_exit(setpgid(0, 0) ? WL_BROKEN : 0);
	child_fact("setpgid", c, wl_wait(c, 0));
	c = wl_fork();
	if (c == 0)
		_exit(setsid() < 0 ? WL_BROKEN : 0);
	child_fact("setsid", c, wl_wait(c, 0));
}

/* waitid() until it reaps; infop NULL with P_ALL: the raw syscall. */
static void reap_waitid(pid_t pid, bool infop)
{
	siginfo_t si;
	long r;

	do {
		memset(&si, 0, sizeof(si));
		if (infop)
			r = syscall(SYS_waitid, P_PID, pid, &si, WEXITED, NULL);
		else
			r = syscall(SYS_waitid, P_ALL, 0, NULL, WEXITED, NULL);
	} while (r && errno == EINTR);
	if (r)
		wl_die("waitid");
}

static void phase_waitid(void)
{
	pid_t c = wl_fork();

	if (c == 0)
		_exit(3);
	wl_keep_zombie(c, 0);
	reap_waitid(c, true);
	wl_fact("waitid_infop_pid=%d", (int)c);
	c = wl_fork();
	if (c == 0)
		_exit(4);
	wl_keep_zombie(c, 0);
	reap_waitid(c, false);
	wl_fact("waitid_any_pid=%d", (int)c);
}

static void phase_queue(void)
{
	siginfo_t si;

	signal(SIGUSR1, SIG_IGN);
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR1;
	si.si_code = 1; /* positive: what only the kernel gives otherwise */
	si.si_pid = getpid();
	si.si_uid = getuid();
	if (syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si))
		wl_die("rt_sigqueueinfo");
	wl_fact("queue_pid=%d", (int)getpid());
}

static void phase_stop(void)
{
	pid_t c = wl_fork();

	if (c == 0) {
		for (;;)
			pause();
	}
	wl_stop(c);
	wl_continue(c);
	if (kill(c, SIGKILL))
		wl_die("kill");
	child_fact("stop", c, wl_wait(c, 0));
}

static void phase_fatal(void)
{
	pid_t c = wl_fork();

	if (c == 0) {
		for (;;)
			pause();
	}
	if (kill(c, SIGTERM))
		wl_die("kill");
	child_fact("fatal", c, wl_wait(c, 0));
}

static void phase_fork(void)
{
	pid_t c = wl_fork();

	if (c == 0) {
		pid_t g = wl_fork();

		if (g == 0)
			_exit(6);
		_exit(WEXITSTATUS(wl_wait(g, 0)) == 6 ? 5 : WL_BROKEN);
	}
	child_fact("fork", c, wl_wait(c, 0));
}

static const struct {
	const char *name;
	void (*run)(void);
} phases[] = {
	{ "exec", phase_exec },	    { "ns", phase_ns },	      { "groups", phase_groups },
	{ "waitid", phase_waitid }, { "queue", phase_queue }, { "stop", phase_stop },
	{ "fatal", phase_fatal },   { "fork", phase_fork },
};

int main(int argc, char **argv)
{
	wl_fact("parent_pid=%d", (int)getpid());
	for (int i = 1; i < argc; i++) {
		size_t k = 0;

		while (k < sizeof(phases) / sizeof(phases[0]) && strcmp(phases[k].name, argv[i]))
			k++;
		if (k == sizeof(phases) / sizeof(phases[0])) {
			errno = EINVAL;
			wl_die(argv[i]);
		}
		phases[k].run();
	}
	return 0;
}
