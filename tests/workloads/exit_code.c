// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * A child that touches some memory and exits with status 3; the parent
 * reaps it with wait4() and reports the child's resource usage as the
 * kernel accounted it.
 */
#include <sys/resource.h>
#include "workload.h"

#define TOUCH_BYTES (8 << 20)

static void touch_memory(void)
{
	char *p = malloc(TOUCH_BYTES);

	if (!p)
		wl_die("malloc");
	memset(p, 0x5a, TOUCH_BYTES);
	/* keep the stores: the compiler may not drop memory it cannot see used */
	__asm__ volatile("" : : "r"(p) : "memory");
	free(p);
}

int main(void)
{
	struct rusage ru;
	pid_t child;
	int status;

	wl_fact("parent_pid=%d", (int)getpid());
	child = wl_fork();
	if (child == 0) {
		touch_memory();
		exit(3);
	}
	wl_fact("child_pid=%d", (int)child);
	while (wait4(child, &status, 0, &ru) != child)
		if (errno != EINTR)
			wl_die("wait4");
	wl_fact_status("child", status);
	wl_fact("child_maxrss_kb=%ld", ru.ru_maxrss);
	wl_fact("child_minflt=%ld", ru.ru_minflt);
	wl_fact("child_majflt=%ld", ru.ru_majflt);
	wl_fact("child_nvcsw=%ld", ru.ru_nvcsw);
	wl_fact("child_nivcsw=%ld", ru.ru_nivcsw);
	wl_fact("child_user_us=%ld", ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec);
	wl_fact("child_sys_us=%ld", ru.ru_stime.tv_sec * 1000000L + ru.ru_stime.tv_usec);
	return 0;
}
