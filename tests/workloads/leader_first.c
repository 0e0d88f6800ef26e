// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * A process whose main thread ends first, and whose usage at exit is
 * therefore spread over a zombie leader, released threads and the last one.
 * The child C: the leader and workers w1, w2 burn CPU and fault pages; the
 * leader ends with a thread exit (SYS_exit, as pthread_exit() in main());
 * then, with "raw", w1 and w2 end the same way and w3 ends the process with
 * a thread exit once they are released; with "group", w1 and w2 block and
 * w3 ends the process with exit_group() while they still run.
 * Each thread, just before it ends, reports its own usage
 * (getrusage(RUSAGE_THREAD)): their sum is a lower bound of the process's
 * usage at its exit. The parent reports what wait4() says, the upper bound.
 */
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include "workload.h"

#define THREADS 4 /* the leader and w1..w3 */
#define FAULT_PAGES 512

struct usage {
	long cpu_us, minflt, majflt, nvcsw, nivcsw;
};

struct shared {
	struct usage th[THREADS];
	pid_t tid[THREADS];
	int reported; /* threads that reported, updated atomically */
};

static struct shared *sh;
static bool group_mode;

static long tv_us(struct timeval tv)
{
	return tv.tv_sec * 1000000L + tv.tv_usec;
}

static void burn_and_fault(unsigned ms)
{
	struct timespec t0, t;
	volatile unsigned long x = 0;
	long page = sysconf(_SC_PAGESIZE);
	char *mem = mmap(NULL, FAULT_PAGES * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED)
		wl_die("mmap");
	for (int i = 0; i < FAULT_PAGES; i++)
		mem[i * page] = 1;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	do {
		for (int i = 0; i < 10000; i++)
			x += i;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000L + (t.tv_nsec - t0.tv_nsec) / 1000000L < ms);
}

/* The thread's own usage so far, into slot i. */
static void report(int i)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		wl_die("getrusage");
	sh->th[i].cpu_us = tv_us(ru.ru_utime) + tv_us(ru.ru_stime);
	sh->th[i].minflt = ru.ru_minflt;
	sh->th[i].majflt = ru.ru_majflt;
	sh->th[i].nvcsw = ru.ru_nvcsw;
	sh->th[i].nivcsw = ru.ru_nivcsw;
	__atomic_add_fetch(&sh->reported, 1, __ATOMIC_SEQ_CST);
}

/* Until /proc/self/task/TID is gone: the thread has been released. */
static void wait_released(pid_t tid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)tid);
	while (stat(path, &st) == 0)
		sched_yield();
}

/* Until the leader is a zombie (state Z in /proc/self/task/PID/stat). */
static void wait_leader_gone(void)
{
	char path[64], buf[256], *p;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)sh->tid[0]);
	for (;;) {
		FILE *f = fopen(path, "r");

		if (!f)
			wl_die(path);
		p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		if (p && p[1] == ' ' && p[2] == 'Z')
			return;
		sched_yield();
	}
}

static void *worker(void *arg)
{
	int i = (int)(long)arg;

	sh->tid[i] = (pid_t)syscall(SYS_gettid);
	if (prctl(PR_SET_NAME, "lf-worker")) /* the process keeps its name */
		wl_die("PR_SET_NAME");
	wait_leader_gone();
	if (i < 3) {
		burn_and_fault(20);
		report(i);
		if (group_mode)
			for (;;)
				pause();
		syscall(SYS_exit, 0);
	}
	while (__atomic_load_n(&sh->reported, __ATOMIC_SEQ_CST) < THREADS - 1)
		sched_yield();
	if (!group_mode) {
		wait_released(sh->tid[1]);
		wait_released(sh->tid[2]);
	}
	burn_and_fault(20);
	report(i);
	if (group_mode)
		syscall(SYS_exit_group, 9);
	syscall(SYS_exit, 9);
	return NULL;
}

static void child(void)
{
	pthread_t t;

	sh->tid[0] = getpid();
	for (long i = 1; i < THREADS; i++)
		if (pthread_create(&t, NULL, worker, (void *)i))
			_exit(WL_BROKEN);
	burn_and_fault(60);
	report(0);
	syscall(SYS_exit, 3); /* the main thread ends, the process goes on */
}

int main(int argc, char **argv)
{
	struct usage sum = { 0 };
	struct rusage ru;
	pid_t c;
	int st;

	if (argc != 2 || (strcmp(argv[1], "raw") && strcmp(argv[1], "group"))) {
		errno = EINVAL;
		wl_die("usage: leader_first raw|group");
	}
	group_mode = !strcmp(argv[1], "group");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		wl_die("mmap");
	wl_fact("parent_pid=%d", (int)getpid());
	c = wl_fork();
	if (c == 0)
		child();
	if (wait4(c, &st, 0, &ru) != c)
		wl_die("wait4");
	wl_fact("child_pid=%d", (int)c);
	wl_fact("last_tid=%d", (int)sh->tid[THREADS - 1]);
	wl_fact("worker_tids=%d,%d,%d", (int)sh->tid[1], (int)sh->tid[2], (int)sh->tid[3]);
	wl_fact_status("child", st);
	wl_fact("child_cpu_us=%ld", tv_us(ru.ru_utime) + tv_us(ru.ru_stime));
	wl_fact("child_minflt=%ld", ru.ru_minflt);
	wl_fact("child_majflt=%ld", ru.ru_majflt);
	wl_fact("child_nvcsw=%ld", ru.ru_nvcsw);
	wl_fact("child_nivcsw=%ld", ru.ru_nivcsw);
	wl_fact("child_maxrss_kb=%ld", ru.ru_maxrss);
	for (int i = 0; i < THREADS; i++) {
		sum.cpu_us += sh->th[i].cpu_us;
		sum.minflt += sh->th[i].minflt;
		sum.majflt += sh->th[i].majflt;
		sum.nvcsw += sh->th[i].nvcsw;
		sum.nivcsw += sh->th[i].nivcsw;
	}
	wl_fact("leader_cpu_us=%ld", sh->th[0].cpu_us);
	wl_fact("threads_cpu_us=%ld", sum.cpu_us);
	wl_fact("threads_minflt=%ld", sum.minflt);
	wl_fact("threads_majflt=%ld", sum.majflt);
	wl_fact("threads_nvcsw=%ld", sum.nvcsw);
	wl_fact("threads_nivcsw=%ld", sum.nivcsw);
	return 0;
}
