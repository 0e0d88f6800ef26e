/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Running a command by name as execvp(3) does, but with the PATH search
 * made by looking at the files (stat, access) instead of trying execve() on
 * each: a traced command then has one exec, not one failed exec per PATH
 * entry before it. */
#ifndef PROCTRACE_EXEC_PATH_H
#define PROCTRACE_EXEC_PATH_H

#include <stddef.h>

/* The search path when PATH is unset: glibc's (confstr(_CS_PATH)). */
#define PT_DEFAULT_PATH "/bin:/usr/bin"

/* The file execvp(file) would run, into out (outlen bytes, NUL-terminated).
 * file with a '/' is taken as it is; else each entry of path (PATH's
 * syntax, ':'-separated; an empty entry is the current directory; NULL:
 * PT_DEFAULT_PATH) is tried in order, and the first that is a regular file
 * the caller may execute (access(X_OK): the real uid's right, so call it as
 * the user who will run it) is taken. Errors, as execvp gives them:
 * -ENOENT (empty file, or found nowhere; the last entry's error, as
 * ENOTDIR, when that is not ENOENT), -EACCES (found only where it may not
 * be run, or in a directory that may not be searched), -ENAMETOOLONG (a
 * name longer than NAME_MAX), -ELOOP or another error of stat(2) that ends
 * execvp's search; out is then "". */
int pt_exec_path_resolve(const char *file, const char *path, char *out, size_t outlen);

/* execve(path, argv, environ); where the kernel says ENOEXEC (a script
 * without "#!"), run it with /bin/sh as execvp does. Returns only on
 * failure, with errno set. */
void pt_exec_path_run(const char *path, char *const argv[]);

#endif
