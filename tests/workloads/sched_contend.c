// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Threads that wait for a CPU: 3 threads pinned to one CPU, each burning
 * 40 ms of CPU time, so each is runnable while another runs. All wait
 * for each other (asleep), then each reads its own
 * /proc/thread-self/schedstat (the kernel's runtime and run-queue delay,
 * ns) as its last act but printing it, with no CPU-bound thread left to
 * wait for: THREAD_tid,
 * THREAD_run_ns, THREAD_delay_ns for t0..t2. Then the process exits.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include "workload.h"

#define THREADS 3

static pthread_barrier_t burnt;

static long long thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *worker(void *arg)
{
	long i = (long)arg;
	volatile unsigned long x = 0;
	unsigned long long run = 0, delay = 0;
	long long start;
	char buf[128];
	FILE *f;

	start = thread_cpu_ns();
	while (thread_cpu_ns() - start < 40000000LL)
		for (int k = 0; k < 10000; k++)
			x += k;
	pthread_barrier_wait(&burnt);
	f = fopen("/proc/thread-self/schedstat", "r");
	if (!f || !fgets(buf, sizeof(buf), f) || sscanf(buf, "%llu %llu", &run, &delay) != 2)
		wl_die("schedstat");
	fclose(f);
	wl_fact("t%ld_tid=%ld", i, (long)syscall(SYS_gettid));
	wl_fact("t%ld_run_ns=%llu", i, run);
	wl_fact("t%ld_delay_ns=%llu", i, delay);
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		wl_die("sched_setaffinity");
	wl_fact("parent_pid=%d", (int)getpid());
	if (pthread_barrier_init(&burnt, NULL, THREADS))
		wl_die("pthread_barrier_init");
	for (long i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i))
			wl_die("pthread_create");
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	return 0;
}
