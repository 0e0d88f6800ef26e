// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Resource usage as wait4() returns it to the parent, child by child: each
 * child is reaped by wait4() with a struct rusage, and its figures are
 * printed as facts (NAME_pid, NAME_user_us, NAME_sys_us, NAME_maxrss_kb,
 * NAME_minflt, NAME_majflt, NAME_nvcsw, NAME_nivcsw, NAME_inblock,
 * NAME_oublock), with its wait status.
 *
 *   cpu      burns 30 ms of CPU time, exit 0
 *   exec     burns 10 ms, execs this program again (exec_burn), which burns
 *            10 ms more: usage across the exec
 *   threads  3 threads burn 15 ms each; the main thread joins them, exit 3
 *   killed   burns CPU until the parent's SIGKILL
 *   memory   touches 32 MiB of fresh anonymous memory page by page
 *   io       writes 4 MiB to a file in a new directory under /var/tmp and
 *            fsyncs it, then reads a 2 MiB file the parent wrote, after
 *            dropping it from the page cache
 *   sleeps   20 sleeps of 1 ms (voluntary switches)
 *   reaper   forks a grandchild that burns 10 ms, touches 48 MiB (more
 *            than the reaper's own peak), writes and reads as io does, and
 *            reaps it with wait4() (its figures as grandchild_*); then
 *            prints its own getrusage(RUSAGE_CHILDREN) (reaper_children_*)
 *            and RUSAGE_SELF (reaper_self_*), burns 5 ms and exits: the
 *            parent's wait4() returns its own figures plus the grandchild's
 *            (RUSAGE_BOTH)
 *
 * Usage: rusage_wait4 (as root or any user with /var/tmp writable).
 */
#include <pthread.h>
#include <signal.h>
#include "usage.h"

static char dir[64], in_path[128], out_path[128], self[4096];

static void fact_usage(const char *name, pid_t pid, const struct rusage *ru)
{
	wl_fact("%s_pid=%d", name, (int)pid);
	wl_fact_rusage(name, ru);
}

/* wait4() with its rusage, as facts. */
static void reap(const char *name, pid_t pid)
{
	struct rusage ru;
	int status;
	pid_t got;

	do
		got = wait4(pid, &status, 0, &ru);
	while (got < 0 && errno == EINTR);
	if (got != pid)
		wl_die("wait4");
	fact_usage(name, pid, &ru);
	wl_fact_status(name, status);
}

static void child_io(void)
{
	static char buf[64 * 1024];
	int fd;

	wl_write_fsync(out_path, 4 * MIB, true);
	fd = open(in_path, O_RDONLY);
	if (fd < 0)
		wl_die("open input");
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	_exit(2);
}

static void child_memory(void)
{
	wl_touch(32 * MIB);
	_exit(1);
}

static void *thread_burn(void *arg)
{
	(void)arg;
	wl_burn_us(15000);
	return NULL;
}

static void child_threads(void)
{
	pthread_t t[3];

	for (int i = 0; i < 3; i++)
		if (pthread_create(&t[i], NULL, thread_burn, NULL))
			wl_die("pthread_create");
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	_exit(3);
}

static void child_reaper(void)
{
	struct rusage ru;
	pid_t g = wl_fork();

	if (g == 0) {
		wl_burn_us(10000);
		wl_touch(48 * MIB);
		child_io();
	}
	reap("grandchild", g);
	getrusage(RUSAGE_CHILDREN, &ru);
	wl_fact_rusage("reaper_children", &ru);
	getrusage(RUSAGE_SELF, &ru);
	wl_fact_rusage("reaper_self", &ru);
	wl_burn_us(5000);
	_exit(0);
}

static pid_t spawn(void (*fn)(void))
{
	pid_t c = wl_fork();

	if (c == 0)
		fn();
	return c;
}

static void child_cpu(void)
{
	wl_burn_us(30000);
	_exit(0);
}

static void child_exec(void)
{
	wl_burn_us(10000);
	execl(self, self, "exec_burn", (char *)NULL);
	wl_die("exec");
}

static void child_sleeps(void)
{
	for (int i = 0; i < 20; i++)
		wl_sleep_ms(1);
	_exit(4);
}

static void child_killed(void)
{
	volatile unsigned long x = 0;

	for (;;)
		x++;
}

int main(int argc, char **argv)
{
	struct wl_gate ready;
	pid_t k;

	if (argc > 1 && !strcmp(argv[1], "exec_burn")) {
		wl_burn_us(10000);
		return 0;
	}
	if (readlink("/proc/self/exe", self, sizeof(self) - 1) < 0)
		wl_die("readlink /proc/self/exe");
	snprintf(dir, sizeof(dir), "/var/tmp/rusage-XXXXXX");
	if (!mkdtemp(dir))
		wl_die("mkdtemp");
	snprintf(in_path, sizeof(in_path), "%s/in", dir);
	snprintf(out_path, sizeof(out_path), "%s/out", dir);
	wl_write_fsync(in_path, 2 * MIB, true);
	wl_fact("parent_pid=%d", (int)getpid());

	reap("cpu", spawn(child_cpu));
	reap("exec", spawn(child_exec));
	reap("threads", spawn(child_threads));
	wl_gate_open(&ready);
	k = wl_fork();
	if (k == 0) {
		wl_gate_pass(&ready);
		child_killed();
	}
	wl_gate_wait(&ready);
	wl_sleep_ms(20);
	kill(k, SIGKILL);
	reap("killed", k);
	reap("memory", spawn(child_memory));
	reap("io", spawn(child_io));
	reap("sleeps", spawn(child_sleeps));
	reap("reaper", spawn(child_reaper));
	unlink(in_path);
	unlink(out_path);
	rmdir(dir);
	return 0;
}
