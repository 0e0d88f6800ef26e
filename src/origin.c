// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* This machine's name and boot (see origin.h). */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "proctrace/origin.h"

void pt_origin_here(struct pt_origin *o)
{
	struct utsname u;
	FILE *f;

	memset(o, 0, sizeof(*o));
	if (!uname(&u))
		snprintf(o->host, sizeof(o->host), "%s", u.nodename);
	f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (f && fgets(o->boot_id, sizeof(o->boot_id), f))
		o->boot_id[strcspn(o->boot_id, "\n")] = '\0';
	if (f)
		fclose(f);
}
