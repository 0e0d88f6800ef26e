// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A file that is there whole or not at all (writer.h): written under a
 * temporary name beside it, in the same directory so that the rename is
 * atomic, and renamed over it only once every byte is written and synced.
 * An interrupted or failed run leaves the previous file, if any, as it was. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "proctrace/writer.h"

int pt_whole_file_open(struct pt_whole_file *w, const char *path)
{
	static const char suffix[] = ".tmp.XXXXXX";
	size_t n = strlen(path);
	struct stat st;
	mode_t mask;
	int fd, err;

	memset(w, 0, sizeof(*w));
	w->path = path;
	if (!strcmp(path, "-")) {
		w->f = stdout;
		return 0;
	}
	/* A device, a pipe or a link is written where it leads: renamed
	 * over, /dev/stdout or a link would be replaced by a regular file. */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		w->f = fopen(path, "we");
		return w->f ? 0 : -errno;
	}
	w->tmp = malloc(n + sizeof(suffix));
	if (!w->tmp)
		return -ENOMEM;
	memcpy(w->tmp, path, n);
	memcpy(w->tmp + n, suffix, sizeof(suffix));
	/* "e": a command run under proctrace must not inherit it. */
	fd = mkostemp(w->tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	/* mkostemp makes it 0600; the file gets the mode fopen would give. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) || !(w->f = fdopen(fd, "w"))) {
		err = -errno;
		close(fd);
		unlink(w->tmp);
		goto fail;
	}
	return 0;
fail:
	free(w->tmp);
	w->tmp = NULL;
	return err;
}

int pt_whole_file_commit(struct pt_whole_file *w)
{
	int err = 0;

	if (!w->f)
		return -EBADF;
	if (!w->tmp) { /* written straight: stdout, a device, a pipe, a link */
		err = pt_file_flush(w->f);
		if (w->f != stdout && fclose(w->f) && !err)
			err = -errno;
		w->f = NULL;
		return err;
	}
	err = pt_file_flush(w->f);
	/* On disk before the rename, so a crash never leaves an empty file
	 * under the name. */
	if (!err && fsync(fileno(w->f)))
		err = -errno;
	if (fclose(w->f) && !err)
		err = -errno;
	w->f = NULL;
	if (!err && rename(w->tmp, w->path))
		err = -errno;
	if (err)
		unlink(w->tmp);
	free(w->tmp);
	w->tmp = NULL;
	return err;
}

void pt_whole_file_abort(struct pt_whole_file *w)
{
	if (w->f && w->f != stdout)
		fclose(w->f);
	if (w->f && w->tmp)
		unlink(w->tmp);
	free(w->tmp);
	w->tmp = NULL;
	w->f = NULL;
}
