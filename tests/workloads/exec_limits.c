// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Execs at one below, at and one above each limit of what is captured:
 *   argv   argument blocks of 32767, 32768 and 32769 bytes (PT_ARGV_MAX)
 *   path   4094 and 4095 bytes (the longest execve accepts) through a
 *          symlink; 4096 bytes as the kernel's name "/dev/fd/N/REL" of an
 *          execveat() (the only way a name gets that long)
 *   comm   programs named with 14, 15 and 16 bytes (the kernel keeps 15),
 *          and prctl(PR_SET_NAME) renames to 15 and 16 bytes
 * Every exec runs this program again in report mode (EXEC_LIMITS_AS=name):
 * it reports, as name_*, its argument block's size and its comm as the
 * kernel has it (/proc/self/comm). Paths are reported in parts the runner
 * puts together: a root directory, DEPTH components of 200 bytes, a last
 * name. Usage: exec_limits (the runner gives no argument).
 */
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include "workload.h"

#define COMPONENT 200
#define DEPTH 20 /* 20 * 201 = 4020 bytes of directories under the root */

static void fact_comm(const char *as)
{
	char comm[32] = "";
	FILE *f = fopen("/proc/self/comm", "r");

	if (!f || !fgets(comm, sizeof(comm), f))
		wl_die("/proc/self/comm");
	fclose(f);
	comm[strcspn(comm, "\n")] = 0;
	wl_fact("%s_comm=%s", as, comm);
}

static int report(const char *as, int argc, char **argv)
{
	long size = 0;

	for (int i = 0; i < argc; i++)
		size += (long)strlen(argv[i]) + 1;
	wl_fact("%s_pid=%d", as, (int)getpid());
	wl_fact("%s_argc=%d", as, argc);
	wl_fact("%s_args_size=%ld", as, size);
	fact_comm(as);
	return 0;
}

/* The tree is deeper than PATH_MAX: removed through the fd of each level
 * (levels[0] is the root), its links first. */
static char links[8][300];
static int link_level[8], n_links;

static void remove_tree(const char *root, const int *levels, const char *comp)
{
	for (int i = 0; i < n_links; i++)
		if (unlinkat(levels[link_level[i]], links[i], 0))
			wl_die("unlinkat");
	for (int i = DEPTH - 1; i >= 0; i--)
		if (unlinkat(levels[i], comp, AT_REMOVEDIR))
			wl_die("rmdir");
	if (rmdir(root))
		wl_die("rmdir root");
}

/* Run path (or dirfd+path with execveat) as `as` with argv, and wait. */
static void run(const char *as, int dirfd, const char *path, char **argv)
{
	char env[64];
	char *envp[] = { env, NULL };
	pid_t pid;

	snprintf(env, sizeof(env), "EXEC_LIMITS_AS=%s", as);
	pid = wl_fork();
	if (pid == 0) {
		if (dirfd >= 0)
			syscall(SYS_execveat, dirfd, path, argv, envp, 0);
		else
			execve(path, argv, envp);
		wl_die(path);
	}
	wl_fact_status(as, wl_wait(pid, 0));
}

/* argv of exactly `total` bytes: "a" then arguments of up to 1000 bytes. */
static char **argv_of_size(long total)
{
	char **v = calloc(64, sizeof(*v));
	long left = total - 2;
	int n = 0;

	if (!v)
		wl_die("calloc");
	v[n++] = "a";
	while (left > 0) {
		long len = left > 1001 ? 1000 : left - 1;
		char *a = malloc(len + 1);

		if (!a)
			wl_die("malloc");
		memset(a, 'a' + n % 26, len);
		a[len] = 0;
		v[n++] = a;
		left -= len + 1;
	}
	return v;
}

/* A symlink to this program, named name, at tree level `level`. */
static void add_link(const char *self, const int *levels, int level, const char *name)
{
	if (symlinkat(self, levels[level], name))
		wl_die("symlinkat");
	strcpy(links[n_links], name);
	link_level[n_links++] = level;
}

int main(int argc, char **argv)
{
	const char *as = getenv("EXEC_LIMITS_AS");
	char root[] = "/tmp/exec-limits-XXXXXX", self[4096], path[4200], rel[4200], name[300];
	char *small[] = { "x", NULL }, *comp = wl_repeat('d', COMPONENT);
	int levels[DEPTH + 1];
	size_t len, last, r = 0;
	ssize_t n;

	if (as)
		return report(as, argc, argv);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		wl_die("readlink /proc/self/exe");
	self[n] = 0;
	wl_fact("parent_pid=%d", (int)getpid());

	run("argv32767", -1, self, argv_of_size(32767));
	run("argv32768", -1, self, argv_of_size(32768));
	run("argv32769", -1, self, argv_of_size(32769));

	if (!mkdtemp(root))
		wl_die("mkdtemp");
	wl_fact("root=%s", root);
	wl_fact("component=%d", COMPONENT);
	wl_fact("depth=%d", DEPTH);
	levels[0] = open(root, O_PATH | O_DIRECTORY);
	if (levels[0] < 0)
		wl_die("open root");
	strcpy(path, root);
	for (int i = 0; i < DEPTH; i++) {
		if (mkdirat(levels[i], comp, 0700))
			wl_die("mkdirat");
		levels[i + 1] = openat(levels[i], comp, O_PATH | O_DIRECTORY);
		if (levels[i + 1] < 0)
			wl_die("openat");
		strcat(path, "/");
		strcat(path, comp);
		if (i)
			rel[r++] = '/';
		memcpy(rel + r, comp, COMPONENT);
		r += COMPONENT;
	}
	len = strlen(path);
	/* Absolute paths of 4094 and 4095 bytes: root/d.../NAME. */
	for (size_t total = 4094; total <= 4095; total++) {
		char as_name[32];

		last = total - len - 1;
		memset(name, total == 4094 ? 'y' : 'z', last);
		name[last] = 0;
		add_link(self, levels, DEPTH, name);
		path[len] = '/';
		strcpy(path + len + 1, name);
		snprintf(as_name, sizeof(as_name), "path%zu", total);
		wl_fact("%s_last=%zu", as_name, last);
		run(as_name, -1, path, small);
		path[len] = 0;
	}
	/* execveat(root fd, REL): the kernel names the file "/dev/fd/N/REL",
	 * made 4096 bytes long, one past what a path can be. */
	{
		char prefix[32];

		snprintf(prefix, sizeof(prefix), "/dev/fd/%d/", levels[0]);
		last = 4096 - strlen(prefix) - r - 1;
		memset(name, 'w', last);
		name[last] = 0;
		add_link(self, levels, DEPTH, name);
		rel[r] = '/';
		strcpy(rel + r + 1, name);
		wl_fact("path4096_dirfd=%d", levels[0]);
		wl_fact("path4096_last=%zu", last);
		run("path4096", levels[0], rel, small);
	}
	/* Programs named with 14, 15 and 16 bytes, then renames. */
	for (size_t k = 14; k <= 16; k++) {
		char as_name[32];

		memset(name, 'a' + k - 14, k);
		name[k] = 0;
		add_link(self, levels, 0, name);
		snprintf(path, sizeof(path), "%s/%s", root, name);
		snprintf(as_name, sizeof(as_name), "name%zu", k);
		wl_fact("%s_name=%s", as_name, name);
		run(as_name, -1, path, small);
	}
	{
		pid_t pid = wl_fork();

		if (pid == 0) {
			wl_fact("rename_pid=%d", (int)getpid());
			fact_comm("rename_before");
			if (prctl(PR_SET_NAME, "fifteen-bytes-1"))
				wl_die("prctl");
			fact_comm("rename15");
			if (prctl(PR_SET_NAME, "sixteen-bytes-12"))
				wl_die("prctl");
			fact_comm("rename16");
			_exit(0);
		}
		wl_wait(pid, 0);
	}
	remove_tree(root, levels, comp);
	return 0;
}
