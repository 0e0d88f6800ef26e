// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * hostile PROG DIR: processes that try to break a tracer's output.
 *
 *   the parent renames itself to terminal escape sequences, a bell, a C1
 *   CSI and bytes that are not UTF-8, and forks a child with that name
 *   (which exits 3);
 *   renamer: renames itself RENAMES times, one millisecond apart;
 *   many:    runs PROG with 100,000 arguments;
 *   big:     runs PROG with the longest argument the kernel takes
 *            (MAX_ARG_STRLEN, 128 KiB with its NUL);
 *   mb:      runs PROG with 1 MiB of arguments (eight of the longest);
 *   huge:    tries to run PROG with one 1 MiB argument, which the kernel
 *            refuses (E2BIG): it reports the errno and exits 0;
 *   path:    runs PROG through a symlink in DIR whose name holds escape
 *            sequences, a bell, a C1 CSI and invalid UTF-8, with such an
 *            argument too.
 * Text facts are written in hex, so the facts themselves stay plain.
 */
#include <sys/prctl.h>
#include "workload.h"

#define RENAMES 2000
#define MANY_ARGS 100000
#define ARG_MAX_LEN (32 * 4096) /* MAX_ARG_STRLEN, with the NUL */
#define MB_ARGS 8

static const char hostile_comm[] = "\x1b[2J\x1b]0;\x07\xff\xfe\xc2\x9b";
static const char hostile_name[] = "\x1b[31mevil\x07\xc2\x9b\xff\xfe\r\nx";
static const char hostile_arg[] = "\x1b]0;title\x07\x1b[6n\xc2\x9b"
				  "c\xff";

static void fact_hex(const char *key, const char *s)
{
	char hex[256] = "";
	size_t i, n = strlen(s);

	for (i = 0; i < n && 2 * i + 2 < sizeof(hex); i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)s[i]);
	wl_fact("%s=%s", key, hex);
}

/* Fork a child that runs PROG with argv; its pid as ROLE_pid, and with
 * expect_fail, the errno of the refused exec as ROLE_errno. */
static void run(const char *role, const char *prog, char **argv, int expect_fail)
{
	pid_t pid = wl_fork();
	int status;

	if (pid == 0) {
		execv(prog, argv);
		if (!expect_fail)
			wl_die("execv");
		wl_fact("%s_errno=%d", role, errno);
		_exit(0);
	}
	wl_fact("%s_pid=%d", role, (int)pid);
	status = wl_wait(pid, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		wl_die(role);
}

static void renamer(void)
{
	char name[16];
	int i;

	for (i = 0; i < RENAMES; i++) {
		snprintf(name, sizeof(name), "r%05d", i);
		if (prctl(PR_SET_NAME, name))
			wl_die("prctl");
		wl_sleep_ms(1);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	char **many = calloc(MANY_ARGS + 1, sizeof(char *));
	char *mb[MB_ARGS + 2], *one[3], *path;
	char *big = wl_repeat('b', ARG_MAX_LEN - 1), *huge = wl_repeat('h', 1 << 20);
	pid_t pid;
	int i;

	if (argc != 3 || !many) {
		fprintf(stderr, "usage: hostile PROG DIR\n");
		return 2;
	}
	wl_fact("parent_pid=%d", (int)getpid());
	if (prctl(PR_SET_NAME, hostile_comm))
		wl_die("prctl");
	fact_hex("comm_hex", hostile_comm);
	pid = wl_fork();
	if (pid == 0)
		_exit(3);
	wl_fact("named_pid=%d", (int)pid);
	wl_fact_status("named", wl_wait(pid, 0));

	pid = wl_fork();
	if (pid == 0)
		renamer();
	wl_fact("renamer_pid=%d", (int)pid);
	wl_fact("renames=%d", RENAMES);
	wl_fact_status("renamer", wl_wait(pid, 0));

	many[0] = argv[1];
	for (i = 1; i < MANY_ARGS; i++)
		many[i] = "a";
	run("many", argv[1], many, 0);
	one[0] = argv[1];
	one[1] = big;
	one[2] = NULL;
	run("big", argv[1], one, 0);
	mb[0] = argv[1];
	for (i = 1; i <= MB_ARGS; i++)
		mb[i] = big;
	mb[MB_ARGS + 1] = NULL;
	run("mb", argv[1], mb, 0);
	one[1] = huge;
	run("huge", argv[1], one, 1);

	if (asprintf(&path, "%s/%s", argv[2], hostile_name) < 0)
		wl_die("asprintf");
	if (symlink(argv[1], path))
		wl_die("symlink");
	fact_hex("path_hex", path);
	fact_hex("arg_hex", hostile_arg);
	one[0] = path;
	one[1] = (char *)hostile_arg;
	run("path", path, one, 0);
	unlink(path);
	return 0;
}
