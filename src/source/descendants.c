// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* -p PID follows the descendants PID has already, not only those it makes
 * while traced: read from /proc before the programs are attached (so that
 * their first events, and their scheduler states, are not missed). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/ancestry.h"
#include "proctrace/descendants.h"
#include "proctrace/procfs.h"

/* pid and ppid of /proc/PID/stat: "pid (comm) state ppid", comm may hold
 * ')' and blanks. */
static bool read_ppid(__u32 pid, __u32 *ppid)
{
	char buf[512];
	const char *fields = pt_procfs_stat(pid, buf, sizeof(buf));

	return fields && sscanf(fields, " %*c %u", ppid) == 1;
}

/* Every process now, as pid and ppid; NULL (errno set) if /proc cannot be
 * read. */
static struct pt_task *read_all(size_t *n)
{
	struct pt_task *all = NULL, *more;
	size_t cap = 0;
	struct dirent *de;
	DIR *d = opendir("/proc");

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		__u32 pid, ppid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (__u32)strtoul(de->d_name, NULL, 10);
		if (!read_ppid(pid, &ppid))
			continue; /* gone meanwhile */
		if (*n == cap) {
			cap = cap ? 2 * cap : 1024;
			more = realloc(all, cap * sizeof(*all));
			if (!more) {
				free(all);
				closedir(d);
				errno = ENOMEM;
				return NULL;
			}
			all = more;
		}
		all[(*n)++] = (struct pt_task){ .pid = pid, .tid = pid, .ppid = ppid };
	}
	closedir(d);
	return all ? all : calloc(1, sizeof(*all));
}

int pt_descendants_each(const __u32 *roots, unsigned n_roots, int (*fn)(void *ctx, __u32 pid),
			void *ctx)
{
	size_t n = 0, i;
	struct pt_task *all = read_all(&n);
	bool *in = NULL, *root = NULL;
	int err = 0;

	if (!all)
		return -errno;
	in = calloc(n ? n : 1, sizeof(*in));
	root = calloc(n ? n : 1, sizeof(*root));
	if (!in || !root) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		for (unsigned r = 0; r < n_roots; r++)
			root[i] = in[i] = in[i] || all[i].pid == roots[r];
	pt_ancestry_descendants(all, n, in);
	for (i = 0; i < n && !err; i++)
		if (in[i] && !root[i])
			err = fn(ctx, all[i].pid);
out:
	free(all);
	free(in);
	free(root);
	return err;
}
