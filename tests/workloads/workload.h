/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Helpers shared by the integration workloads.
 *
 * A workload does something the tracer must see and prints what it knows
 * about it on stdout, one key=value per line ("facts"): pids, process groups,
 * wait statuses. The integration runner compares the tracer's rows with them.
 * Processes hand over to each other through pipes ("gates"), never through
 * sleeps, so the order of events is fixed whatever the scheduler does.
 * Any unexpected failure exits with WL_BROKEN so the runner can tell a broken
 * workload from a wrong tracer.
 */
#ifndef WORKLOAD_H
#define WORKLOAD_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WL_BROKEN 100

static inline void wl_die(const char *what)
{
	fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
	_exit(WL_BROKEN);
}

/* One fact, written with a single write(2): processes that share stdout
 * cannot interleave inside a line, and nothing stays buffered across fork. */
__attribute__((format(printf, 1, 2))) static inline void wl_fact(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1) {
		errno = EOVERFLOW;
		wl_die("fact too long");
	}
	line[n++] = '\n';
	if (write(STDOUT_FILENO, line, n) != n)
		wl_die("write fact");
}

/* n copies of c, NUL-terminated (freed by the exit). */
static inline char *wl_repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		wl_die("malloc");
	memset(s, c, n);
	s[n] = 0;
	return s;
}

/* A one-shot signal between two processes: one passes, the other waits. */
struct wl_gate {
	int fd[2];
};

static inline void wl_gate_open(struct wl_gate *g)
{
	if (pipe(g->fd))
		wl_die("pipe");
}

static inline void wl_gate_pass(struct wl_gate *g)
{
	char c = 1;

	if (write(g->fd[1], &c, 1) != 1)
		wl_die("gate pass");
}

static inline void wl_gate_wait(struct wl_gate *g)
{
	ssize_t n;
	char c;

	do
		n = read(g->fd[0], &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1) {
		if (n == 0)
			errno = EPIPE;
		wl_die("gate wait");
	}
}

static inline pid_t wl_fork(void)
{
	pid_t pid = fork();

	if (pid < 0)
		wl_die("fork");
	return pid;
}

/* waitpid() that retries on EINTR and treats any other error as fatal. */
static inline int wl_wait(pid_t pid, int options)
{
	int status;
	pid_t got;

	do
		got = waitpid(pid, &status, options);
	while (got < 0 && errno == EINTR);
	if (got < 0 || (pid > 0 && got != pid))
		wl_die("waitpid");
	return status;
}

/* A child made by vfork() that exits 0 at once. A function of its own, so
 * that vfork's shared stack holds nothing of the caller's loop. */
static __attribute__((noinline, unused)) pid_t wl_vfork_exit0(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		_exit(0);
	return pid;
}

/* One process of a storm: a child made (vfork, _exit 0) and reaped; a
 * failed vfork or a child that did not exit 0 is fatal. */
static inline void wl_storm_child(void)
{
	pid_t pid = wl_vfork_exit0();

	if (pid < 0)
		wl_die("vfork");
	if (wl_wait(pid, 0) != 0) {
		errno = ECHILD;
		wl_die("a child failed");
	}
}

/* SIGSTOP to pid, a child, and its stop seen by waitpid(WUNTRACED). */
static inline void wl_stop(pid_t pid)
{
	if (kill(pid, SIGSTOP))
		wl_die("kill SIGSTOP");
	if (!WIFSTOPPED(wl_wait(pid, WUNTRACED)))
		wl_die("not stopped");
}

/* SIGCONT to pid, a stopped child, and its continue seen by
 * waitpid(WCONTINUED). */
static inline void wl_continue(pid_t pid)
{
	if (kill(pid, SIGCONT))
		wl_die("kill SIGCONT");
	if (!WIFCONTINUED(wl_wait(pid, WCONTINUED)))
		wl_die("not continued");
}

static inline void wl_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Block until child pid is a zombie, leave it one for at least ms, and do
 * not reap it: the caller does, so the reap is attributed to the caller. */
static inline void wl_keep_zombie(pid_t pid, unsigned ms)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, pid, &si, WEXITED | WNOWAIT))
		if (errno != EINTR)
			wl_die("waitid");
	wl_sleep_ms(ms);
}

/* The wait status as facts: prefix_exited/code or prefix_signal/core. */
static inline void wl_fact_status(const char *prefix, int status)
{
	if (WIFEXITED(status)) {
		wl_fact("%s_exited=1", prefix);
		wl_fact("%s_exit_code=%d", prefix, WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		wl_fact("%s_exited=0", prefix);
		wl_fact("%s_termsig=%d", prefix, WTERMSIG(status));
		wl_fact("%s_core=%d", prefix, WCOREDUMP(status) ? 1 : 0);
	} else {
		errno = EINVAL;
		wl_die("unexpected wait status");
	}
}

/* Inode of a /proc/self/ns/ link: what the tracer reports as pidns. */
static inline unsigned long wl_ns_inode(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		wl_die(path);
	return (unsigned long)st.st_ino;
}

#endif
