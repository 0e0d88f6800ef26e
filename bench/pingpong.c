// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Context-switch storm for the --sched benchmark: a parent and its child
 * pass one byte back and forth through two pipes, N round trips, so that
 * each blocks and is woken 2 x N times. Both run on the CPU the parent
 * starts on: every switch is a hand-over on one run queue, not a wakeup
 * across CPUs, whose cost varies far more than what is measured. Prints
 * one JSON line with the time of the loop alone (start-up and exit are
 * left out).
 *
 *	ptpingpong N
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void xwrite(int fd)
{
	char c = 1;

	while (write(fd, &c, 1) != 1)
		if (errno != EINTR)
			die("write");
}

static void xread(int fd)
{
	char c;
	ssize_t n;

	while ((n = read(fd, &c, 1)) != 1)
		if (n == 0 || errno != EINTR)
			die("read");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0, i;
	int ping[2], pong[2], status;
	double t0, t1;
	pid_t child;

	if (n <= 0) {
		fprintf(stderr, "usage: ptpingpong ROUND_TRIPS\n");
		return 2;
	}
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		die("sched_setaffinity");
	if (pipe(ping) || pipe(pong))
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		for (i = 0; i < n; i++) {
			xread(ping[0]);
			xwrite(pong[1]);
		}
		_exit(0);
	}
	t0 = now();
	for (i = 0; i < n; i++) {
		xwrite(ping[1]);
		xread(pong[0]);
	}
	t1 = now();
	if (waitpid(child, &status, 0) != child || status != 0)
		die("child");
	printf("{\"seconds\": %.6f, \"round_trips\": %ld, \"pid\": %d, \"child\": %d}\n", t1 - t0, n,
	       getpid(), child);
	return 0;
}
