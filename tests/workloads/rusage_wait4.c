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
 *   reaper   forks a grandchild that burns 10 ms and reaps it with wait4()
 *            (its figures as grandchild_*): the parent's wait4() adds them
 *            to the child's own (RUSAGE_BOTH)
 *
 * Usage: rusage_wait4 (as root or any user with /var/tmp writable).
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include "workload.h"

#define MIB (1024L * 1024L)

static char dir[64], in_path[128], out_path[128], self[4096];

static long long thread_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void burn_us(long long us)
{
	long long start = thread_cpu_us();
	volatile unsigned long x = 0;

	while (thread_cpu_us() - start < us)
		for (int i = 0; i < 10000; i++)
			x += i;
}

static void fact_usage(const char *name, pid_t pid, const struct rusage *ru)
{
	wl_fact("%s_pid=%d", name, (int)pid);
	wl_fact("%s_user_us=%lld", name, ru->ru_utime.tv_sec * 1000000LL + ru->ru_utime.tv_usec);
	wl_fact("%s_sys_us=%lld", name, ru->ru_stime.tv_sec * 1000000LL + ru->ru_stime.tv_usec);
	wl_fact("%s_maxrss_kb=%ld", name, ru->ru_maxrss);
	wl_fact("%s_minflt=%ld", name, ru->ru_minflt);
	wl_fact("%s_majflt=%ld", name, ru->ru_majflt);
	wl_fact("%s_nvcsw=%ld", name, ru->ru_nvcsw);
	wl_fact("%s_nivcsw=%ld", name, ru->ru_nivcsw);
	wl_fact("%s_inblock=%ld", name, ru->ru_inblock);
	wl_fact("%s_oublock=%ld", name, ru->ru_oublock);
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

static void write_file(const char *path, long bytes)
{
	static char buf[64 * 1024];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		wl_die("create");
	memset(buf, 'w', sizeof(buf));
	for (long off = 0; off < bytes; off += (long)sizeof(buf))
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			wl_die("write");
	if (fsync(fd))
		wl_die("fsync");
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

static void child_io(void)
{
	static char buf[64 * 1024];
	int fd;

	write_file(out_path, 4 * MIB);
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
	long pg = sysconf(_SC_PAGESIZE), len = 32 * MIB;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		wl_die("mmap");
	madvise(p, len, MADV_NOHUGEPAGE);
	for (long i = 0; i < len; i += pg)
		p[i] = 1;
	_exit(1);
}

static void *thread_burn(void *arg)
{
	(void)arg;
	burn_us(15000);
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
	pid_t g = wl_fork();

	if (g == 0) {
		burn_us(10000);
		_exit(0);
	}
	reap("grandchild", g);
	burn_us(5000);
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
	burn_us(30000);
	_exit(0);
}

static void child_exec(void)
{
	burn_us(10000);
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
		burn_us(10000);
		return 0;
	}
	if (readlink("/proc/self/exe", self, sizeof(self) - 1) < 0)
		wl_die("readlink /proc/self/exe");
	snprintf(dir, sizeof(dir), "/var/tmp/rusage-XXXXXX");
	if (!mkdtemp(dir))
		wl_die("mkdtemp");
	snprintf(in_path, sizeof(in_path), "%s/in", dir);
	snprintf(out_path, sizeof(out_path), "%s/out", dir);
	write_file(in_path, 2 * MIB);
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
