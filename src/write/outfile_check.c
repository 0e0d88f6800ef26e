// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Whether an output file can be written, found out before it is (see
 * outfile.h): the checks of its opening, and a new file made in its
 * directory that is never seen there. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include "proctrace/decode.h"
#include "outfile_int.h"

/* Whether dirfd takes a new file: 0 or -errno. An unnamed file
 * (O_TMPFILE) leaves nothing, even when proctrace is killed; where there
 * is none, a named one says why (a file system without O_TMPFILE; procfs
 * says EPERM for it and ENOENT for a name), and is removed at once. */
static int dir_takes_files(int dirfd, const char *name)
{
	char tmp[NAME_MAX + 1];
	int fd, ret = 0;

	fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	for (int i = 0; i < 100; i++) {
		ret = outfile_tmp_name(name, tmp, sizeof(tmp));
		if (ret)
			return ret;
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			unlinkat(dirfd, tmp, 0);
			close(fd);
			return 0;
		}
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int pt_outfile_check(const char *path, const char *needs, char *err, size_t errlen)
{
	struct pt_outfile o;
	struct stat dir, st;
	bool exists = false;
	int ret;

	if (!strcmp(path, "-"))
		return 0;
	ret = outfile_resolve(&o, path, 0, err, errlen);
	if (!ret && fstat(o.dirfd, &dir))
		ret = pt_set_err(err, errlen, -errno, "cannot open %s: %s", path, strerror(errno));
	if (!ret)
		ret = outfile_look_existing(&o, &dir, &st, &exists, err, errlen);
	/* A device (/dev/null) is written straight: nothing made beside it. */
	if (!ret && !(exists && S_ISCHR(st.st_mode))) {
		ret = dir_takes_files(o.dirfd, o.name);
		if (ret)
			outfile_no_file_beside(&o, exists ? &st : NULL, ret, needs, err, errlen);
	}
	pt_outfile_close(&o);
	return ret;
}
