// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * ptstorm: process storms for the benchmark.
 *
 *	ptstorm MODE COUNT [--workers N] [--nop PATH] [--pids PREFIX] [--hold]
 *	ptstorm MODE 0 --seconds S [--workers N] [--nop PATH] [--hold]
 *
 * MODE is one of
 *	forkexec  fork, exec a tiny static program, exit, wait
 *	fork      fork, exit at once, wait
 *	vfork     the same without copying the address space (what
 *	          posix_spawn does): the cheapest process the kernel makes
 *	mixed     fork; the child runs a short-lived thread, is stopped,
 *	          continued and killed by a signal; wait
 *
 * COUNT processes are created by N workers (2 by default), each making its
 * share one after the other, as fast as the machine allows (with --seconds:
 * as many as they can in S seconds, COUNT being then the number made). At the end one
 * JSON line on stdout says how long it took, the rate, and exactly which
 * lifecycle events the storm caused for the processes it created (so a
 * tracer's output can be checked against it).
 *
 * The storm leads its own process group: every process it creates is in it,
 * which is how the benchmark tells the storm's events from the rest of the
 * machine. --hold prints "ready PID" and waits for a line on stdin before
 * starting, so that a tracer can be pointed at that group first. --pids
 * writes the pids each worker created to PREFIX.<worker>, one per line, to
 * match the output of tracers that print only pids.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum storm_mode { STORM_FORKEXEC, STORM_FORK, STORM_VFORK, STORM_MIXED };

struct storm {
	enum storm_mode mode;
	const char *mode_name;
	long count;
	int workers;
	const char *nop;
	const char *pids_prefix;
	bool hold;
	double seconds; /* > 0: run for this long instead of COUNT children */
};

/* Per-worker state: a pipe children write to when they reach a step, so
 * the worker acts on a child at a known point instead of racing it. */
struct worker {
	int index;
	long count;
	pid_t *pids;      /* created children, when recorded */
	long *made;       /* with --seconds: how many it made, shared with the storm */
	int gate[2];
};

static void die(const char *what)
{
	fprintf(stderr, "ptstorm: %s: %s\n", what, strerror(errno));
	exit(100);
}

static double monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static pid_t fork_retrying(void)
{
	pid_t pid;

	/* A momentary pid or memory shortage is the machine's, not ours. */
	while ((pid = fork()) < 0 && (errno == EAGAIN || errno == ENOMEM))
		usleep(1000);
	return pid;
}

static int wait_for(pid_t pid, int options)
{
	int status;

	while (waitpid(pid, &status, options) < 0)
		if (errno != EINTR)
			die("waitpid");
	return status;
}

static void gate_pass(int fd)
{
	char c = 'x';

	while (write(fd, &c, 1) < 0)
		if (errno != EINTR)
			_exit(101);
}

static void gate_wait(int fd)
{
	char c;
	ssize_t n;

	while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
		;
	if (n != 1)
		die("read gate");
}

/* ---- one child of each mode ---- */

static void child_exec(const struct storm *s)
{
	char *argv[] = { "ptnop", "--bench", "storm", NULL };

	execv(s->nop, argv);
	_exit(127);
}

static void *thread_noop(void *arg)
{
	return arg;
}

static int continued_gate = -1;

/* Running again after SIGCONT: tell the worker, so that its next signal
 * cannot overtake the kernel's "continued" notice to it. */
static void on_sigcont(int sig)
{
	(void)sig;
	gate_pass(continued_gate);
}

static void child_mixed(struct worker *w)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_noop, NULL) || pthread_join(t, NULL))
		_exit(102);
	continued_gate = w->gate[1];
	gate_pass(w->gate[1]);
	for (;;)
		pause(); /* until SIGUSR1 kills it */
}

/* Stop, continue, then kill the child, each step confirmed. */
static void drive_mixed(struct worker *w, pid_t pid)
{
	int status;

	gate_wait(w->gate[0]);
	if (kill(pid, SIGSTOP))
		die("kill SIGSTOP");
	status = wait_for(pid, WUNTRACED);
	if (!WIFSTOPPED(status))
		die("child did not stop");
	if (kill(pid, SIGCONT))
		die("kill SIGCONT");
	gate_wait(w->gate[0]);
	if (kill(pid, SIGUSR1))
		die("kill SIGUSR1");
	status = wait_for(pid, 0);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGUSR1) {
		errno = 0;
		die("mixed child did not die of SIGUSR1");
	}
}

static void run_one(const struct storm *s, struct worker *w, long i)
{
	pid_t pid;
	int status;

	if (s->mode == STORM_VFORK) {
		/* vfork right here: its child must not return from this frame. */
		while ((pid = vfork()) < 0 && (errno == EAGAIN || errno == ENOMEM))
			usleep(1000);
		if (pid == 0)
			_exit(0);
	} else {
		pid = fork_retrying();
	}
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		switch (s->mode) {
		case STORM_FORKEXEC:
			child_exec(s);
			break;
		case STORM_FORK:
		case STORM_VFORK:
			_exit(0);
		case STORM_MIXED:
			child_mixed(w);
			break;
		}
		_exit(0);
	}
	if (w->pids)
		w->pids[i] = pid;
	if (s->mode == STORM_MIXED) {
		drive_mixed(w, pid);
		return;
	}
	status = wait_for(pid, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = 0;
		die(WIFEXITED(status) && WEXITSTATUS(status) == 127 ? "exec of the nop program"
								       : "child failed");
	}
}

static void write_pids(const struct storm *s, const struct worker *w)
{
	char path[4096];
	FILE *f;
	long i;

	snprintf(path, sizeof(path), "%s.%d", s->pids_prefix, w->index);
	f = fopen(path, "w");
	if (!f)
		die(path);
	fprintf(f, "%d\n", (int)getpid());
	for (i = 0; i < w->count; i++)
		fprintf(f, "%d\n", (int)w->pids[i]);
	if (fclose(f))
		die(path);
}

static void worker_main(const struct storm *s, struct worker *w)
{
	struct sigaction sa = { .sa_handler = on_sigcont };
	long i;

	if (s->mode == STORM_MIXED) {
		if (pipe(w->gate))
			die("pipe");
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGCONT, &sa, NULL))
			die("sigaction");
	}
	if (s->pids_prefix) {
		w->pids = calloc(w->count ? w->count : 1, sizeof(*w->pids));
		if (!w->pids)
			die("calloc");
	}
	if (s->seconds > 0) {
		double end = monotonic_s() + s->seconds;

		for (i = 0; monotonic_s() < end; i++)
			run_one(s, w, i);
		w->made[w->index] = i;
	}
	for (i = 0; i < w->count; i++)
		run_one(s, w, i);
	if (s->pids_prefix)
		write_pids(s, w);
	exit(0);
}

/* ---- what a complete lifecycle tracer must see ---- */

struct expected {
	long fork, exec, exit, reap, signal, stop, cont;
};

/* For every process the storm created (its workers and their children),
 * the events about it; signals count on their receiver. The workers'
 * SIGCHLDs go to the storm itself, which is not counted. */
static struct expected expected_events(const struct storm *s)
{
	long n = s->count, w = s->workers;
	struct expected e = {
		.fork = n + w,
		.exit = n + w,
		.reap = n + w,
		.signal = n, /* SIGCHLD to the worker for each child's exit */
	};

	if (s->mode == STORM_FORKEXEC)
		e.exec = n;
	if (s->mode == STORM_MIXED) {
		/* SIGSTOP, SIGCONT, SIGUSR1 to the child; SIGCHLD to the
		 * worker when it stops and when it continues. */
		e.signal += 5 * n;
		e.stop = n;
		e.cont = n;
	}
	return e;
}

static double cpu_s(const struct rusage *ru)
{
	return ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 + ru->ru_stime.tv_sec +
	       ru->ru_stime.tv_usec / 1e6;
}

static void report(const struct storm *s, double secs)
{
	struct expected e = expected_events(s);
	struct rusage self, children;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	printf("{\"mode\": \"%s\", \"children\": %ld, \"workers\": %d, \"procs\": %ld, "
	       "\"secs\": %.6f, \"rate\": %.1f, \"pid\": %d, \"pgid\": %d, "
	       "\"cpu_s\": %.6f, \"expect\": {\"fork\": %ld, \"exec\": %ld, "
	       "\"exit\": %ld, \"reap\": %ld, \"signal\": %ld, \"stop\": %ld, "
	       "\"continue\": %ld}}\n",
	       s->mode_name, s->count, s->workers, s->count + s->workers, secs,
	       secs > 0 ? s->count / secs : 0.0, (int)getpid(), (int)getpgid(0),
	       cpu_s(&self) + cpu_s(&children), e.fork, e.exec, e.exit, e.reap, e.signal,
	       e.stop, e.cont);
	fflush(stdout);
}

static void hold_until_told(void)
{
	char line[16];

	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		die("waiting for the go line");
}

static void run_storm(struct storm *s)
{
	struct worker w = {0};
	pid_t pids[64];
	double t0, t1;
	int i, status;

	if (s->hold)
		hold_until_told();
	if (s->seconds > 0) {
		w.made = mmap(NULL, s->workers * sizeof(long), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (w.made == MAP_FAILED)
			die("mmap");
	}
	t0 = monotonic_s();
	for (i = 0; i < s->workers; i++) {
		w.index = i;
		w.count = s->count / s->workers + (i < s->count % s->workers);
		pids[i] = fork_retrying();
		if (pids[i] < 0)
			die("fork worker");
		if (pids[i] == 0)
			worker_main(s, &w);
	}
	for (i = 0; i < s->workers; i++) {
		status = wait_for(pids[i], 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "ptstorm: worker %d failed (status 0x%x)\n", i, status);
			exit(100);
		}
	}
	t1 = monotonic_s();
	for (i = 0; s->seconds > 0 && i < s->workers; i++)
		s->count += w.made[i];
	report(s, t1 - t0);
}

static void usage(void)
{
	fprintf(stderr, "usage: ptstorm forkexec|fork|vfork|mixed COUNT [--workers N] "
			"[--nop PATH] [--pids PREFIX] [--hold] [--seconds S]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct storm *s)
{
	int i;

	if (argc < 3)
		usage();
	s->mode_name = argv[1];
	if (!strcmp(argv[1], "forkexec"))
		s->mode = STORM_FORKEXEC;
	else if (!strcmp(argv[1], "fork"))
		s->mode = STORM_FORK;
	else if (!strcmp(argv[1], "vfork"))
		s->mode = STORM_VFORK;
	else if (!strcmp(argv[1], "mixed"))
		s->mode = STORM_MIXED;
	else
		usage();
	s->count = atol(argv[2]);
	s->workers = 2;
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--workers") && i + 1 < argc)
			s->workers = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--nop") && i + 1 < argc)
			s->nop = argv[++i];
		else if (!strcmp(argv[i], "--pids") && i + 1 < argc)
			s->pids_prefix = argv[++i];
		else if (!strcmp(argv[i], "--hold"))
			s->hold = true;
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			s->seconds = atof(argv[++i]);
		else
			usage();
	}
	if (s->count < 0 || s->workers < 1 || s->workers > 64 ||
	    (s->mode == STORM_FORKEXEC && !s->nop) ||
	    (s->seconds > 0 && (s->count || s->pids_prefix)))
		usage();
}

int main(int argc, char **argv)
{
	struct storm s = {0};

	parse(argc, argv, &s);
	/* Its own group, unless started as one already. */
	if (getpgid(0) != getpid() && setpgid(0, 0))
		die("setpgid");
	run_storm(&s);
	return 0;
}
