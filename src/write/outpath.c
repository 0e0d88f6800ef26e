// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Whether two output paths name one file (outfile.h): two outputs written
 * to one file would destroy each other. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "proctrace/outfile.h"

/* The directory part of path, and its last component, as stat(2) and the
 * open would see them. */
static bool split(const char *path, char *dir, char *base)
{
	char d[PATH_MAX], b[PATH_MAX];

	if (snprintf(d, sizeof(d), "%s", path) >= (int)sizeof(d))
		return false;
	memcpy(b, d, sizeof(b));
	snprintf(dir, PATH_MAX, "%s", dirname(d));
	snprintf(base, PATH_MAX, "%s", basename(b));
	return true;
}

bool pt_outfile_same(const char *a, const char *b)
{
	char da[PATH_MAX], db[PATH_MAX], ba[PATH_MAX], bb[PATH_MAX];
	struct stat sa, sb;
	bool ea, eb;

	/* stdout is no file here: who may write it is the options' rule. */
	if (!strcmp(a, "-") || !strcmp(b, "-"))
		return false;
	ea = !stat(a, &sa);
	eb = !stat(b, &sb);
	/* Through symbolic links and hard links alike; a device (/dev/null)
	 * takes any number of writers. */
	if (ea && eb)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino && !S_ISCHR(sa.st_mode);
	if (ea || eb)
		return false;
	/* Neither exists yet: one name in one directory. */
	if (!strcmp(a, b))
		return true;
	if (!split(a, da, ba) || !split(b, db, bb) || strcmp(ba, bb))
		return false;
	return !stat(da, &sa) && !stat(db, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
