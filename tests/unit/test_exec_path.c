// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* execvp's PATH search made by looking (exec_path.c): each case is checked
 * against the real execvp(3) run in a child with the same PATH: the same
 * file runs (each candidate script exits with its own code), or the same
 * errno comes back. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "proctrace/exec_path.h"

static char root[] = "/tmp/pt-exec-path.XXXXXX";

static char *at(const char *rel)
{
	static char buf[4][PATH_MAX];
	static unsigned n;
	char *b = buf[n++ % 4];

	snprintf(b, PATH_MAX, "%s/%s", root, rel);
	return b;
}

/* A shell script (with "#!" or without) that exits with code, mode mode. */
static void script(const char *rel, bool shebang, int code, mode_t mode)
{
	FILE *f = fopen(at(rel), "w");

	assert_non_null(f);
	fprintf(f, "%sexit %d\n", shebang ? "#!/bin/sh\n" : "", code);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(at(rel), mode), 0);
}

static int setup(void **state)
{
	static const char *const dirs[] = { "a", "b", "c", "d", "sub" };
	size_t i;

	assert_non_null(mkdtemp(root));
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		assert_int_equal(mkdir(at(dirs[i]), 0755), 0);
	script("b/prog", true, 42, 0755);
	script("c/prog", true, 43, 0755);
	script("a/noexec", true, 44, 0644);
	script("b/noexec", true, 45, 0644);
	script("c/noexec", true, 46, 0755);
	script("a/onlyread", true, 47, 0644);
	assert_int_equal(mkdir(at("a/isdir"), 0755), 0);
	script("sub/here", true, 48, 0755);
	script("d/plain", false, 49, 0755);
	assert_int_equal(symlink("loop", at("d/loop")), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

/* In the child, after an exec that returned: its errno to the parent. */
__attribute__((noreturn)) static void exec_failed(int fd)
{
	int err = errno;

	if (write(fd, &err, sizeof(err)) != sizeof(err))
		_exit(121);
	_exit(122);
}

/* The parent's side: -errno when the child's exec failed, else the exit
 * code of what it ran. */
static int child_result(pid_t pid, int fds[2])
{
	int status, err;

	close(fds[1]);
	if (read(fds[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return err ? -err : WEXITSTATUS(status);
}

/* execvp(file) in a child with PATH path (NULL: unset) and cwd dir: its
 * exit code when something ran, else -errno. */
static int real_execvp(const char *file, const char *path, const char *dir)
{
	int fds[2];
	pid_t pid;

	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { (char *)file, NULL };

		if (path)
			setenv("PATH", path, 1);
		else
			unsetenv("PATH");
		if (dir && chdir(dir))
			_exit(120);
		execvp(file, argv);
		exec_failed(fds[1]);
	}
	return child_result(pid, fds);
}

/* What running resolve's answer gives, as real_execvp does. */
static int resolved_run(const char *file, const char *path, const char *dir, char *out)
{
	char here[PATH_MAX];
	int fds[2], err;
	pid_t pid;

	assert_non_null(getcwd(here, sizeof(here)));
	if (dir)
		assert_int_equal(chdir(dir), 0);
	err = pt_exec_path_resolve(file, path, out, PATH_MAX);
	assert_int_equal(chdir(here), 0);
	if (err)
		return err;
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *argv[] = { (char *)file, NULL };

		if (dir && chdir(dir))
			_exit(120);
		pt_exec_path_run(out, argv);
		exec_failed(fds[1]);
	}
	return child_result(pid, fds);
}

/* resolve gives want (a path under root, or "" for an error), and running
 * it ends as execvp does, with result (an exit code or -errno). */
static void check(const char *file, const char *path, const char *dir, const char *want, int result)
{
	char out[PATH_MAX];
	int got = resolved_run(file, path, dir, out);

	assert_int_equal(real_execvp(file, path, dir), result);
	assert_int_equal(got, result);
	if (want)
		assert_string_equal(out, want);
}

static char *path_of(const char *a, const char *b, const char *c)
{
	static char buf[4][3 * PATH_MAX];
	static unsigned n;
	char *p = buf[n++ % 4];

	snprintf(p, 3 * PATH_MAX, "%s%s%s%s%s", a, b ? ":" : "", b ? b : "", c ? ":" : "",
		 c ? c : "");
	return p;
}

static void test_exec_path_first_found(void **state)
{
	/* the first directory that has it, missing ones skipped */
	check("prog", path_of(at("a"), at("b"), at("c")), NULL, at("b/prog"), 42);
	check("prog", path_of(at("nonexistent"), at("c"), at("b")), NULL, at("c/prog"), 43);
	/* a file in PATH's place: ENOTDIR goes on */
	check("prog", path_of(at("b/prog"), at("c"), NULL), NULL, at("c/prog"), 43);
}

static void test_exec_path_not_runnable_skipped(void **state)
{
	/* no x bit, or a directory: skipped, the next one runs */
	check("noexec", path_of(at("a"), at("b"), at("c")), NULL, at("c/noexec"), 46);
	check("isdir", path_of(at("a"), at("b"), NULL), NULL, "", -EACCES);
	/* found only where it may not run: EACCES, not ENOENT */
	check("onlyread", path_of(at("a"), at("b"), NULL), NULL, "", -EACCES);
	check("missing", path_of(at("a"), at("b"), NULL), NULL, "", -ENOENT);
	/* the last entry's error when nothing is found and none was EACCES */
	check("missing", path_of(at("a"), at("b/prog"), NULL), NULL, "", -ENOTDIR);
}

static void test_exec_path_entries(void **state)
{
	/* an empty entry is the current directory */
	check("here", path_of(at("a"), "", NULL), at("sub"), "here", 48);
	check("here", path_of("", at("a"), NULL), at("sub"), "here", 48);
	/* a name with a slash is not searched */
	check("sub/here", path_of(at("a"), NULL, NULL), root, "sub/here", 48);
	check(at("c/prog"), path_of(at("b"), NULL, NULL), NULL, at("c/prog"), 43);
	/* a symlink loop ends the search with ELOOP */
	check("loop", path_of(at("d"), at("c"), NULL), NULL, "", -ELOOP);
	/* an empty name is not found */
	check("", path_of(at("b"), NULL, NULL), NULL, "", -ENOENT);
}

/* PATH unset: glibc's default, /bin:/usr/bin. */
static void test_exec_path_default(void **state)
{
	char out[PATH_MAX];

	assert_int_equal(pt_exec_path_resolve("sh", NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "/bin/sh");
	assert_int_equal(real_execvp("no-such-program-anywhere", NULL, NULL), -ENOENT);
	assert_int_equal(pt_exec_path_resolve("no-such-program-anywhere", NULL, out, sizeof(out)),
			 -ENOENT);
}

/* A script without "#!": ENOEXEC from the kernel, then /bin/sh runs it. */
static void test_exec_path_script_without_shebang(void **state)
{
	check("plain", path_of(at("d"), NULL, NULL), NULL, at("d/plain"), 49);
}

static void test_exec_path_too_long(void **state)
{
	char name[NAME_MAX + 2], out[PATH_MAX];

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(real_execvp(name, at("b"), NULL), -ENAMETOOLONG);
	assert_int_equal(pt_exec_path_resolve(name, at("b"), out, sizeof(out)), -ENAMETOOLONG);
	/* a buffer too small for an entry: that entry is skipped */
	assert_int_equal(pt_exec_path_resolve("prog", path_of(at("b"), "/x", NULL), out, 8),
			 -ENOENT);
	assert_int_equal(pt_exec_path_resolve("prog", path_of(at("b"), "/bin", NULL), out, 8),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_path_first_found),
		cmocka_unit_test(test_exec_path_not_runnable_skipped),
		cmocka_unit_test(test_exec_path_entries),
		cmocka_unit_test(test_exec_path_default),
		cmocka_unit_test(test_exec_path_script_without_shebang),
		cmocka_unit_test(test_exec_path_too_long),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
