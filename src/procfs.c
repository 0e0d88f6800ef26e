// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* /proc/PID/stat for the few places that read a process from /proc (the
 * selection's precheck, -p's descendants, --top's CPU, whether a process
 * is still the one known). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "proctrace/procfs.h"

const char *pt_procfs_stat(__u32 pid, char *buf, size_t size)
{
	char path[32];
	char *close;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	close = strrchr(buf, ')');
	return close ? close + 1 : NULL;
}

bool pt_procfs_same_start(__u32 pid, __u64 start_ns)
{
	char buf[1024];
	const char *f = pt_procfs_stat(pid, buf, sizeof(buf));
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);

	/* After the comm: state (field 3) ... starttime (field 22). */
	if (!f || hz <= 0 ||
	    sscanf(f,
		   " %*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
		   "%*s %*s %llu",
		   &ticks) != 1)
		return false;
	return ticks == start_ns / (1000000000ull / (unsigned long long)hz);
}
