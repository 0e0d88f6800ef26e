// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 *   thread_exits N K
 *
 * N processes one after the other, each with K threads that return at
 * once; the main thread joins them and exits at once. pthread_join()
 * returns when the kernel clears the thread's tid, in exit_mm(): on
 * kernels whose exit tracepoint comes after exit_mm() (those whose
 * tracepoint has no group_dead argument, 6.1 and 6.12 among them) a
 * joined thread may still be on its way to that tracepoint when the main
 * thread leaves, so two threads of the process reach it with the live
 * count at zero, and which was last is for proctrace to work out (the
 * claim in exit_ends_group). Facts: procI=PID:TID,TID,... for the I-th
 * process (from 0), so the runner knows every exit row to expect.
 */
#include <pthread.h>
#include "workload.h"

#define MAX_THREADS 16

struct slot {
	pid_t tid; /* written by the thread, read after the join */
};

static void *run_thread(void *p)
{
	struct slot *s = p;

	s->tid = gettid();
	return NULL;
}

static void one_process(int index, int k)
{
	struct slot slots[MAX_THREADS] = { 0 };
	pthread_t t[MAX_THREADS];
	char tids[MAX_THREADS * 12] = "";
	size_t len = 0;
	int i;

	for (i = 0; i < k; i++) {
		errno = pthread_create(&t[i], NULL, run_thread, &slots[i]);
		if (errno)
			wl_die("pthread_create");
	}
	for (i = 0; i < k; i++) {
		errno = pthread_join(t[i], NULL);
		if (errno)
			wl_die("pthread_join");
	}
	for (i = 0; i < k; i++)
		len += (size_t)snprintf(tids + len, sizeof(tids) - len, "%s%d", i ? "," : "",
					(int)slots[i].tid);
	wl_fact("proc%d=%d:%s", index, (int)getpid(), tids);
	_exit(0);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0, k = argc > 2 ? atoi(argv[2]) : 0;

	if (n < 1 || k < 1 || k > MAX_THREADS) {
		fprintf(stderr, "usage: thread_exits N K (K <= %d)\n", MAX_THREADS);
		return WL_BROKEN;
	}
	wl_fact("pid=%d", (int)getpid());
	wl_fact("n=%d", n);
	for (int i = 0; i < n; i++) {
		int status;
		pid_t c = fork();

		if (c < 0)
			wl_die("fork");
		if (c == 0)
			one_process(i, k);
		if (waitpid(c, &status, 0) != c)
			wl_die("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			errno = ECHILD;
			wl_die("child failed");
		}
	}
	return 0;
}
