// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* repair_storm N WORKERS KEEP DIE FACTS GATE: processes born and ended while
 * a fork storm makes a small ring buffer lose events.
 *
 * WORKERS processes create N children in all, one after the other (vfork,
 * _exit, wait). Once the first worker has made 1000 of them, KEEP
 * "keepers" and DIE "diers" are forked; the diers exit and are reaped while
 * the storm goes on (keepers_ns: CLOCK_BOOTTIME once the keepers are
 * forked). After the storm (its workers reaped), storm_end_ns is written and the keepers stay alive until GATE (a
 * FIFO) is opened for writing, then exit 0 and are reaped. Facts go to the
 * file FACTS (the tracer's stdout carries its tree). */
#include <fcntl.h>
#include "workload.h"

static void worker(long count, int started_fd)
{
	char c = 1;

	for (long i = 0; i < count; i++) {
		wl_storm_child();
		if (i == 1000 && started_fd >= 0 && write(started_fd, &c, 1) != 1)
			wl_die("write started");
	}
}

/* A child that waits for the end of fd (every write end closed), then
 * exits; it holds no write end of either pipe. */
static pid_t waiter(int fd, const int *write_ends)
{
	pid_t pid = wl_fork();
	char c;

	if (pid == 0) {
		close(write_ends[0]);
		close(write_ends[1]);
		while (read(fd, &c, 1) > 0)
			;
		_exit(0);
	}
	return pid;
}

static unsigned long long boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static void fact_list(const char *key, const pid_t *pids, int n)
{
	char line[400];
	size_t len = 0;

	line[0] = 0;
	for (int i = 0; i < n; i++)
		len += snprintf(line + len, sizeof(line) - len, "%s%d", i ? "," : "", (int)pids[i]);
	wl_fact("%s=%s", key, line);
}

int main(int argc, char **argv)
{
	long n = argc > 6 ? atol(argv[1]) : 0;
	int workers = argc > 6 ? atoi(argv[2]) : 0;
	int keep = argc > 6 ? atoi(argv[3]) : 0, die = argc > 6 ? atoi(argv[4]) : 0;
	int keep_pipe[2], die_pipe[2], started[2], write_ends[2], fd, i;
	pid_t storm[64], keepers[16], diers[16];
	char c;

	if (n <= 1000 || workers <= 0 || workers > 64 || keep <= 0 || keep > 16 || die < 0 ||
	    die > 16) {
		fprintf(stderr,
			"usage: repair_storm N(>1000) WORKERS KEEP(1-16) DIE(0-16) FACTS GATE\n");
		return 2;
	}
	fd = open(argv[5], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		wl_die(argv[5]);
	close(fd);
	if (pipe(keep_pipe) || pipe(die_pipe) || pipe(started))
		wl_die("pipe");
	wl_fact("storm_pid=%d", (int)getpid());
	for (i = 0; i < workers; i++) {
		storm[i] = wl_fork();
		if (storm[i] == 0) {
			close(started[0]);
			close(keep_pipe[1]);
			close(die_pipe[1]);
			worker(n / workers + (i < n % workers), i == 0 ? started[1] : -1);
			_exit(0);
		}
	}
	close(started[1]);
	if (read(started[0], &c, 1) != 1)
		wl_die("the storm did not start");
	write_ends[0] = keep_pipe[1];
	write_ends[1] = die_pipe[1];
	for (i = 0; i < keep; i++)
		keepers[i] = waiter(keep_pipe[0], write_ends);
	wl_fact("keepers_ns=%llu", boottime_ns());
	for (i = 0; i < die; i++)
		diers[i] = waiter(die_pipe[0], write_ends);
	close(die_pipe[1]);
	for (i = 0; i < die; i++)
		if (wl_wait(diers[i], 0) != 0)
			wl_die("a dier failed");
	for (i = 0; i < workers; i++)
		if (wl_wait(storm[i], 0) != 0)
			wl_die("a storm worker failed");
	fact_list("keepers", keepers, keep);
	fact_list("diers", diers, die);
	wl_fact("storm_end_ns=%llu", boottime_ns());
	/* Until the test has seen the tracer rescan after the storm. */
	fd = open(argv[6], O_RDONLY);
	if (fd < 0)
		wl_die(argv[6]);
	close(fd);
	close(keep_pipe[1]);
	for (i = 0; i < keep; i++)
		if (wl_wait(keepers[i], 0) != 0)
			wl_die("a keeper failed");
	wl_fact("done=1");
	return 0;
}
