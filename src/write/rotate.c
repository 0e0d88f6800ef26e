// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Rotation of output files (see outfile.h): the size that triggers it and
 * the renaming of FILE to FILE.1 with the older ones moved up. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "proctrace/outfile.h"

#define SIZE_MAX_BYTES (1ull << 40) /* 1 TiB: beyond it, a typo more likely */

int pt_parse_size(const char *s, __u64 *bytes)
{
	unsigned shift = 0;
	__u64 v = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (v > SIZE_MAX_BYTES)
			return -ERANGE; /* no overflow on the way */
		v = v * 10 + (__u64)(*p - '0');
	}
	if (p == s)
		return -EINVAL;
	switch (*p) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	default:
		return -EINVAL;
	}
	if (*p && p[1])
		return -EINVAL;
	if (v == 0 || v > SIZE_MAX_BYTES >> shift)
		return -ERANGE;
	*bytes = v << shift;
	return 0;
}

/* name.n, or name itself for n = 0. */
static void numbered(char *buf, size_t len, const char *name, unsigned n)
{
	if (n)
		snprintf(buf, len, "%s.%u", name, n);
	else
		snprintf(buf, len, "%s", name);
}

int pt_rotate_shift(int dirfd, const char *name, unsigned keep, char *failed, size_t failedlen)
{
	size_t len = strlen(name) + 16;
	char *from = malloc(len), *to = malloc(len);
	struct stat st;
	unsigned top;
	int ret = 0;

	if (!from || !to) {
		ret = -ENOMEM;
		goto out;
	}
	/* The first number missing, or keep: name.1 .. name.(top-1) exist. */
	for (top = 1; top < keep; top++) {
		numbered(from, len, name, top);
		if (!fstatat(dirfd, from, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (errno != ENOENT) {
			ret = -errno;
			goto out;
		}
		break;
	}
	/* Oldest first, so nothing is overwritten but name.keep; rename()
	 * replaces it at once, never leaving the name missing. */
	for (; top > 0; top--) {
		numbered(from, len, name, top - 1);
		numbered(to, len, name, top);
		if (renameat(dirfd, from, dirfd, to)) {
			ret = -errno;
			goto out;
		}
	}
out:
	if (ret && failed)
		snprintf(failed, failedlen, "%s", ret == -ENOMEM ? name : from);
	free(from);
	free(to);
	return ret;
}
