// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * One process, three more threads: the main thread creates t1 and t2, and
 * t2 creates t3, so the creating thread is not always the leader. Every
 * thread exits before the main one.
 */
#include <pthread.h>
#include "workload.h"

struct thread_arg {
	const char *name;
	pid_t creator;
};

static void *run_thread(void *p);

static pthread_t start_thread(struct thread_arg *arg)
{
	pthread_t t;

	arg->creator = gettid();
	errno = pthread_create(&t, NULL, run_thread, arg);
	if (errno)
		wl_die("pthread_create");
	return t;
}

static void join_thread(pthread_t t)
{
	errno = pthread_join(t, NULL);
	if (errno)
		wl_die("pthread_join");
}

static void *run_thread(void *p)
{
	const struct thread_arg *arg = p;

	wl_fact("%s_tid=%d", arg->name, (int)gettid());
	wl_fact("%s_creator=%d", arg->name, (int)arg->creator);
	if (strcmp(arg->name, "t2") == 0) {
		struct thread_arg t3 = { .name = "t3" };

		join_thread(start_thread(&t3));
	}
	return NULL;
}

int main(void)
{
	struct thread_arg t1 = { .name = "t1" }, t2 = { .name = "t2" };
	pthread_t a, b;

	wl_fact("pid=%d", (int)getpid());
	wl_fact("main_tid=%d", (int)gettid());
	a = start_thread(&t1);
	b = start_thread(&t2);
	join_thread(a);
	join_thread(b);
	return 0;
}
