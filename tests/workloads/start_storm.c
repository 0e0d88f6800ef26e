// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* start_storm WORKERS: WORKERS processes create children one after the
 * other (vfork, _exit, wait) until stdin closes: a storm to start a
 * tracer in. Facts: storm_pid, then workers (their pids) and running=1
 * once every worker has reaped a child (the storm is on), then, after
 * stdin closed and every worker ended, children (how many). */
#include "workload.h"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Its own function, so that vfork's shared stack holds nothing of the
 * caller's loop. */
static __attribute__((noinline)) pid_t spawn_one(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		_exit(0);
	return pid;
}

/* Children until SIGTERM; how many, through the counts pipe. */
static void worker(int ready, int count_fd)
{
	long n = 0;
	pid_t pid;

	while (!stop) {
		pid = spawn_one();
		if (pid < 0)
			wl_die("vfork");
		if (wl_wait(pid, 0) != 0) {
			errno = ECHILD;
			wl_die("a child failed");
		}
		if (++n == 1 && write(ready, "r", 1) != 1)
			wl_die("ready");
	}
	if (write(count_fd, &n, sizeof(n)) != sizeof(n))
		wl_die("count");
	_exit(0);
}

int main(int argc, char **argv)
{
	int workers = argc > 1 ? atoi(argv[1]) : 0;
	int ready[2], counts[2];
	pid_t pids[64];
	char line[256], buf[64];
	size_t len = 0;
	long total = 0, n;
	struct sigaction sa = { .sa_handler = on_term };

	if (workers <= 0 || workers > 64) {
		fprintf(stderr, "usage: start_storm WORKERS\n");
		return 2;
	}
	if (pipe(ready) || pipe(counts))
		wl_die("pipe");
	wl_fact("storm_pid=%d", (int)getpid());
	if (sigaction(SIGTERM, &sa, NULL))
		wl_die("sigaction");
	for (int w = 0; w < workers; w++) {
		pids[w] = wl_fork();
		if (pids[w] == 0)
			worker(ready[1], counts[1]);
		len += snprintf(line + len, sizeof(line) - len, "%s%d", w ? "," : "", (int)pids[w]);
	}
	wl_fact("workers=%s", line);
	for (int w = 0; w < workers; w++)
		if (read(ready[0], buf, 1) != 1)
			wl_die("read ready");
	wl_fact("running=1");
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	for (int w = 0; w < workers; w++)
		if (kill(pids[w], SIGTERM))
			wl_die("kill SIGTERM");
	for (int w = 0; w < workers; w++) {
		if (wl_wait(pids[w], 0) != 0) {
			errno = ECHILD;
			wl_die("a worker failed");
		}
		if (read(counts[0], &n, sizeof(n)) != sizeof(n))
			wl_die("read count");
		total += n;
	}
	wl_fact("children=%ld", total);
	return 0;
}
