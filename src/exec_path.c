// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* execvp(3)'s PATH search, made by looking instead of by trying (see
 * exec_path.h). Its rules are glibc's __execvpe: the same order, the same
 * errors that go on to the next entry, EACCES remembered over ENOENT, and
 * the /bin/sh fallback for ENOEXEC. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "proctrace/exec_path.h"

extern char **environ;

/* Errors after which execvp tries the next entry of PATH. */
static bool search_goes_on(int err)
{
	switch (err) {
	case ENOENT:
	case ESTALE:
	case ENOTDIR:
	case ENODEV:
	case ETIMEDOUT:
	case EACCES:
		return true;
	default:
		return false;
	}
}

/* 0 if execve(path) would start loading path as the caller, else the
 * -errno execve would give before looking at its content. */
static int runnable(const char *path)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EACCES;
	return access(path, X_OK) ? -errno : 0;
}

static int copy_out(char *out, size_t outlen, const char *s, size_t n)
{
	if (n >= outlen)
		return -ENAMETOOLONG;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int pt_exec_path_resolve(const char *file, const char *path, char *out, size_t outlen)
{
	size_t file_len = strlen(file), dir_len;
	bool eacces = false;
	const char *p, *end;
	int err = -ENOENT;

	if (!file_len)
		return -ENOENT;
	if (strchr(file, '/'))
		return copy_out(out, outlen, file, file_len);
	if (file_len > NAME_MAX)
		return -ENAMETOOLONG;
	if (!path)
		path = PT_DEFAULT_PATH;
	for (p = path;; p = end + 1) {
		end = strchrnul(p, ':');
		dir_len = (size_t)(end - p);
		/* an empty entry: the file in the current directory */
		if (dir_len + 1 + file_len >= outlen) {
			err = -ENAMETOOLONG;
		} else {
			memcpy(out, p, dir_len);
			if (dir_len)
				out[dir_len++] = '/';
			memcpy(out + dir_len, file, file_len + 1);
			err = runnable(out);
		}
		if (!err)
			return 0;
		/* glibc skips an entry too long for its buffer */
		if (!search_goes_on(-err) && err != -ENAMETOOLONG)
			break;
		eacces = eacces || err == -EACCES;
		if (!*end)
			break;
	}
	out[0] = '\0';
	if (!search_goes_on(-err) && err != -ENAMETOOLONG)
		return err; /* the one that ended the search */
	/* execvp's errno: EACCES if any entry said so, else the last one's */
	return eacces ? -EACCES : err == -ENAMETOOLONG ? -ENOENT : err;
}

void pt_exec_path_run(const char *path, char *const argv[])
{
	size_t argc = 0, i;
	char **sh_argv;

	execve(path, argv, environ);
	if (errno != ENOEXEC)
		return;
	/* execvp's fallback: the file is a shell script without "#!" */
	while (argv[argc])
		argc++;
	sh_argv = calloc(argc + 2, sizeof(*sh_argv));
	if (!sh_argv) {
		errno = ENOEXEC;
		return;
	}
	sh_argv[0] = (char *)"/bin/sh";
	sh_argv[1] = (char *)path;
	for (i = 1; i < argc; i++)
		sh_argv[i + 1] = argv[i];
	execve("/bin/sh", sh_argv, environ);
	free(sh_argv);
	errno = ENOEXEC;
}
