// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* /proc/PID/stat for the few places that read a process from /proc (the
 * selection's precheck, -p's descendants, --top's CPU). */
#include <stdio.h>
#include <string.h>
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
