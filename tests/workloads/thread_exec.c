// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * thread_exec PATH: a thread that is not the leader calls execve(PATH).
 * The kernel kills the other threads and the exec'ing thread takes over the
 * leader's tid, so the new program runs with tid == pid.
 */
#include <pthread.h>
#include "workload.h"

static void *exec_from_thread(void *path)
{
	char *args[] = { path, NULL };

	wl_fact("thread_tid=%d", (int)gettid());
	execv(path, args);
	wl_die("execv");
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc != 2) {
		fprintf(stderr, "usage: thread_exec PATH\n");
		return 2;
	}
	wl_fact("pid=%d", (int)getpid());
	errno = pthread_create(&t, NULL, exec_from_thread, argv[1]);
	if (errno)
		wl_die("pthread_create");
	pthread_join(t, NULL); /* never returns: the exec ends this thread */
	errno = 0;
	wl_die("exec did not replace the process");
}
