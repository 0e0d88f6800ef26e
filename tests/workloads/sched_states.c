// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Workloads whose time in each scheduler state is known by construction,
 * for --sched. Each names the process to check by a fact (its pid):
 *
 *   spin_sleep  the process spins 200 ms of its own CPU time, then sleeps
 *               300 ms (nanosleep: interruptible)
 *   vfork       the parent vfork()s; the child sleeps 200 ms then _exits:
 *               the parent waits for it in an uninterruptible (killable)
 *               sleep, ps `D`
 *   pinned      two children pinned to one CPU, each spinning 400 ms of
 *               its own CPU time, started together by a gate: each waits
 *               for the CPU while the other runs
 *   stop        a child stopped by SIGSTOP for 200 ms (waited for with
 *               WUNTRACED), then continued
 *   ptrace      a child seized and interrupted by its parent
 *               (PTRACE_SEIZE + PTRACE_INTERRUPT) for 200 ms, then detached
 *
 * A 200 ms wait begins only once the process that waits in the state has
 * left its CPU (off_cpu), so the state's time holds the whole wait
 * whatever the delays of a loaded machine: a virtual CPU held up by its
 * host between a stop and its switch out made the state's time shorter
 * than the wait.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include "workload.h"

static unsigned long long cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		wl_die("clock_gettime");
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* Runs until this thread has had ms of CPU time, however long that takes. */
static void spin_cpu_ms(unsigned ms)
{
	unsigned long long end = cpu_ns() + ms * 1000000ull;

	while (cpu_ns() < end)
		;
}

/* Returns once the process whose /proc/PID/syscall is path has left its
 * CPU in the state it is in: the kernel waits for that before reading the
 * file (wait_task_inactive, after the switch and its tracepoint), and says
 * "running" while the process is running or runnable. Only open, read and
 * close: a vfork child may call it. */
static void off_cpu(const char *path)
{
	char buf[16];
	ssize_t n;
	int fd;

	do {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			_exit(WL_BROKEN);
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n <= 0)
			_exit(WL_BROKEN);
	} while (n >= 7 && !memcmp(buf, "running", 7));
}

static void syscall_path(char *path, size_t size, pid_t pid)
{
	snprintf(path, size, "/proc/%d/syscall", (int)pid);
}

static void spin_sleep(void)
{
	wl_fact("pid=%d", getpid());
	spin_cpu_ms(200);
	wl_sleep_ms(300);
}

static void do_vfork(void)
{
	char parent[64];
	pid_t pid;

	wl_fact("pid=%d", getpid());
	syscall_path(parent, sizeof(parent), getpid());
	pid = vfork();
	if (pid < 0)
		wl_die("vfork");
	if (pid == 0) {
		/* Only async-signal-safe calls in a vfork child. */
		struct timespec ts = { 0, 200000000L };

		off_cpu(parent);
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		_exit(0);
	}
	wl_wait(pid, 0);
	wl_fact("child=%d", pid);
}

static void do_pinned(void)
{
	struct wl_gate go;
	cpu_set_t one;
	pid_t pid[2];
	int i;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	wl_gate_open(&go);
	for (i = 0; i < 2; i++) {
		pid[i] = wl_fork();
		if (pid[i] == 0) {
			if (sched_setaffinity(0, sizeof(one), &one))
				wl_die("sched_setaffinity");
			wl_gate_wait(&go);
			spin_cpu_ms(400);
			_exit(0);
		}
	}
	wl_gate_pass(&go);
	wl_gate_pass(&go);
	for (i = 0; i < 2; i++) {
		wl_wait(pid[i], 0);
		wl_fact("child%d=%d", i, pid[i]);
	}
}

/* A child that only waits to be killed. */
static pid_t idle_child(void)
{
	pid_t pid = wl_fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

/* The child stopped: off its CPU, its stop's time begun. */
static void wait_off_cpu(pid_t pid)
{
	char path[64];

	syscall_path(path, sizeof(path), pid);
	off_cpu(path);
}

static void do_stop(void)
{
	pid_t pid = idle_child();
	int status;

	if (kill(pid, SIGSTOP))
		wl_die("SIGSTOP");
	status = wl_wait(pid, WUNTRACED);
	if (!WIFSTOPPED(status))
		wl_die("not stopped");
	wait_off_cpu(pid);
	wl_sleep_ms(200);
	if (kill(pid, SIGCONT) || kill(pid, SIGKILL))
		wl_die("kill");
	wl_wait(pid, 0);
	wl_fact("child=%d", pid);
}

static void do_ptrace(void)
{
	pid_t pid = idle_child();
	int status;

	if (ptrace(PTRACE_SEIZE, pid, 0, 0) || ptrace(PTRACE_INTERRUPT, pid, 0, 0))
		wl_die("ptrace seize/interrupt");
	status = wl_wait(pid, 0);
	if (!WIFSTOPPED(status))
		wl_die("not in a ptrace stop");
	wait_off_cpu(pid);
	wl_sleep_ms(200);
	if (ptrace(PTRACE_DETACH, pid, 0, 0) || kill(pid, SIGKILL))
		wl_die("detach/kill");
	wl_wait(pid, 0);
	wl_fact("child=%d", pid);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "spin_sleep"))
		spin_sleep();
	else if (!strcmp(mode, "vfork"))
		do_vfork();
	else if (!strcmp(mode, "pinned"))
		do_pinned();
	else if (!strcmp(mode, "stop"))
		do_stop();
	else if (!strcmp(mode, "ptrace"))
		do_ptrace();
	else {
		fprintf(stderr, "usage: sched_states spin_sleep|vfork|pinned|stop|ptrace\n");
		return WL_BROKEN;
	}
	return 0;
}
