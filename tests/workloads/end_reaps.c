// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * end_reaps BATCH: children exiting and reaped while tracing ends. In a
 * process group of its own (fact pgid=), it waits for a byte on stdin (the
 * gate: the tracer is ready), then, round after round until stdin reaches
 * its end, forks BATCH children that exit at once and reaps them: the even
 * ones by waitpid() (the reap names them), the odd ones by waitid(P_ALL)
 * with no infop (seen released at their free). Then it reaps what is left
 * and prints rounds=.
 */
#include <poll.h>
#include <stdbool.h>
#include "workload.h"

#define MAX_BATCH 64

static bool stdin_ended(void)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	char c;

	if (poll(&p, 1, 0) <= 0)
		return false;
	return read(0, &c, 1) <= 0;
}

static void round_of(int batch)
{
	pid_t kids[MAX_BATCH];

	for (int i = 0; i < batch; i++) {
		kids[i] = wl_fork();
		if (kids[i] == 0)
			_exit(i & 0x7f);
	}
	for (int i = 0; i < batch; i += 2)
		wl_wait(kids[i], 0);
	for (int i = 1; i < batch; i += 2)
		while (waitid(P_ALL, 0, NULL, WEXITED))
			if (errno != EINTR)
				wl_die("waitid");
}

int main(int argc, char **argv)
{
	int batch = argc > 1 ? atoi(argv[1]) : 0;
	long rounds = 0;
	char c;

	if (batch <= 0 || batch > MAX_BATCH) {
		fprintf(stderr, "usage: end_reaps BATCH (1 to %d)\n", MAX_BATCH);
		return 2;
	}
	if (setpgid(0, 0))
		wl_die("setpgid");
	wl_fact("pgid=%d", (int)getpid());
	if (read(0, &c, 1) != 1)
		wl_die("read the gate");
	while (!stdin_ended()) {
		round_of(batch);
		rounds++;
	}
	wl_fact("rounds=%ld", rounds);
	return 0;
}
