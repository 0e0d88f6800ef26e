// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * A new pid namespace: after unshare(CLONE_NEWPID) the next child is pid 1
 * of the new namespace ("init") and its own child is pid 2 there ("gc").
 * Each reports its pids from /proc/self/status (NSpid: outermost first).
 */
#include <sched.h>
#include "workload.h"

/* Outermost and innermost pid from the NSpid line. */
static void nspid(pid_t *global, pid_t *inner)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		wl_die("/proc/self/status");
	*global = *inner = 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = line + 6, *end;

		if (strncmp(line, "NSpid:", 6))
			continue;
		for (;;) {
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			if (!*global)
				*global = (pid_t)v;
			*inner = (pid_t)v;
			p = end;
		}
	}
	fclose(f);
	if (!*global) {
		errno = ENOENT;
		wl_die("no NSpid line");
	}
}

static void fact_pids(const char *who)
{
	pid_t global, inner;

	nspid(&global, &inner);
	wl_fact("%s_pid=%d", who, (int)global);
	wl_fact("%s_ns_pid=%d", who, (int)inner);
	wl_fact("%s_getpid=%d", who, (int)getpid());
}

int main(void)
{
	pid_t init;

	fact_pids("parent");
	wl_fact("parent_pidns=%lu", wl_ns_inode("/proc/self/ns/pid"));
	if (unshare(CLONE_NEWPID))
		wl_die("unshare(CLONE_NEWPID)");
	init = wl_fork();
	if (init == 0) {
		pid_t gc;

		fact_pids("init");
		wl_fact("init_pidns=%lu", wl_ns_inode("/proc/self/ns/pid"));
		gc = wl_fork();
		if (gc == 0) {
			fact_pids("gc");
			wl_fact("gc_pidns=%lu", wl_ns_inode("/proc/self/ns/pid"));
			_exit(0);
		}
		wl_fact_status("gc", wl_wait(gc, 0));
		_exit(0);
	}
	wl_fact("init_pid_from_parent=%d", (int)init);
	wl_fact_status("init", wl_wait(init, 0));
	return 0;
}
