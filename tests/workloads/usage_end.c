// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Two children still there when tracing ends, and the kernel's figures of
 * each, read while they cannot change:
 *
 *   zombie  a thread burns 10 ms and ends; the main thread touches 16 MiB,
 *           writes 1 MiB to a file under /var/tmp and fsyncs it, burns
 *           10 ms, and exits 7. Never reaped while the parent waits: its
 *           figures are what waitid(WEXITED | WNOWAIT) returns in its
 *           rusage argument (the raw system call's fifth; its RUSAGE_BOTH
 *           adds no children: it had none), as zombie_* facts.
 *   alive   a thread that blocks in read(), and the main thread that
 *           touches 8 MiB, writes 1 MiB and fsyncs it, burns 20 ms, sends
 *           its own getrusage() maxrss to the parent and stops itself
 *           (SIGSTOP). Stopped, its figures are the kernel's in /proc, read
 *           by the parent: alive_runtime_ns (schedstat, summed over its
 *           threads), alive_utime_ticks and alive_stime_ticks, alive_minflt
 *           and alive_majflt (/proc/PID/stat), alive_nvcsw and
 *           alive_nivcsw (status, summed over its threads),
 *           alive_inblock and alive_oublock (/proc/PID/io, 512-byte units),
 *           alive_maxrss_kb.
 *
 * Then it prints ready=1 and waits for its standard input to close (the
 * tracer stopped meanwhile), and only then ends and reaps both.
 *
 * Usage: usage_end (as root or any user with /var/tmp writable).
 */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include "usage.h"

static char dir[64];
static int block_fd[2];

/* 1 MiB written to dir/name, fsynced, and removed. */
static void write_file(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	wl_write_fsync(path, MIB, false);
	unlink(path);
}

static void *thread_burn(void *arg)
{
	(void)arg;
	wl_burn_us(10000);
	return NULL;
}

static void *thread_block(void *arg)
{
	char c;

	(void)arg;
	while (read(block_fd[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static void child_zombie(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_burn, NULL) || pthread_join(t, NULL))
		wl_die("pthread");
	wl_touch(16 * MIB);
	write_file("zombie");
	wl_burn_us(10000);
	_exit(7);
}

static void child_alive(int report)
{
	struct rusage ru;
	pthread_t t;

	if (pipe(block_fd) || pthread_create(&t, NULL, thread_block, NULL))
		wl_die("pthread");
	wl_touch(8 * MIB);
	write_file("alive");
	wl_burn_us(20000);
	if (getrusage(RUSAGE_SELF, &ru))
		wl_die("getrusage");
	if (write(report, &ru.ru_maxrss, sizeof(ru.ru_maxrss)) != sizeof(ru.ru_maxrss))
		wl_die("report");
	raise(SIGSTOP);
	_exit(0);
}

static void read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		wl_die(path);
	n = read(fd, buf, len - 1);
	if (n < 0)
		wl_die(path);
	buf[n] = 0;
	close(fd);
}

/* The number after "key" in a /proc text file. */
static unsigned long long proc_value(const char *path, const char *key)
{
	char buf[4096], *p;

	read_text(path, buf, sizeof(buf));
	p = strstr(buf, key);
	if (!p) {
		errno = ENOENT;
		wl_die(key);
	}
	return strtoull(p + strlen(key), NULL, 10);
}

/* Its figures in /proc, while it is stopped; per-thread ones summed. */
static void fact_proc(pid_t pid)
{
	unsigned long long runtime = 0, nvcsw = 0, nivcsw = 0;
	unsigned long long minflt, majflt, utime, stime;
	char path[320], buf[4096], *p;

	struct dirent *d;
	int threads = 0;
	DIR *tasks;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	tasks = opendir(path);
	if (!tasks)
		wl_die(path);
	while ((d = readdir(tasks))) {
		if (d->d_name[0] == '.')
			continue;
		threads++;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat", (int)pid, d->d_name);
		read_text(path, buf, sizeof(buf));
		runtime += strtoull(buf, NULL, 10);
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status", (int)pid, d->d_name);
		nvcsw += proc_value(path, "\nvoluntary_ctxt_switches:");
		nivcsw += proc_value(path, "\nnonvoluntary_ctxt_switches:");
	}
	closedir(tasks);
	wl_fact("alive_threads=%d", threads);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	read_text(path, buf, sizeof(buf));
	/* after the name's ")": state is field 3, minflt 10, majflt 12,
	 * utime 14, stime 15 */
	p = strrchr(buf, ')');
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %llu %*u %llu %*u %llu %llu", &minflt,
		   &majflt, &utime, &stime) != 4) {
		errno = EINVAL;
		wl_die("/proc/PID/stat");
	}
	snprintf(path, sizeof(path), "/proc/%d/io", (int)pid);
	wl_fact("alive_inblock=%llu", proc_value(path, "\nread_bytes: ") >> 9);
	wl_fact("alive_oublock=%llu", proc_value(path, "\nwrite_bytes: ") >> 9);
	wl_fact("alive_runtime_ns=%llu", runtime);
	wl_fact("alive_utime_ticks=%llu", utime);
	wl_fact("alive_stime_ticks=%llu", stime);
	wl_fact("alive_minflt=%llu", minflt);
	wl_fact("alive_majflt=%llu", majflt);
	wl_fact("alive_nvcsw=%llu", nvcsw);
	wl_fact("alive_nivcsw=%llu", nivcsw);
	wl_fact("ticks_per_s=%ld", sysconf(_SC_CLK_TCK));
}

int main(void)
{
	struct rusage ru;
	siginfo_t si;
	int report[2];
	long maxrss;
	pid_t z, a;
	char c;

	snprintf(dir, sizeof(dir), "/var/tmp/usage-end-XXXXXX");
	if (!mkdtemp(dir) || pipe(report))
		wl_die("mkdtemp");
	wl_fact("parent_pid=%d", (int)getpid());
	z = wl_fork();
	if (z == 0)
		child_zombie();
	a = wl_fork();
	if (a == 0)
		child_alive(report[1]);
	memset(&si, 0, sizeof(si));
	while (syscall(SYS_waitid, P_PID, z, &si, WEXITED | WNOWAIT, &ru))
		if (errno != EINTR)
			wl_die("waitid");
	wl_fact("zombie_pid=%d", (int)z);
	wl_fact("zombie_exit_code=%d", si.si_status);
	wl_fact_rusage("zombie", &ru);
	if (read(report[0], &maxrss, sizeof(maxrss)) != sizeof(maxrss))
		wl_die("read report");
	if (!WIFSTOPPED(wl_wait(a, WUNTRACED)))
		wl_die("not stopped");
	wl_fact("alive_pid=%d", (int)a);
	wl_fact("alive_maxrss_kb=%ld", maxrss);
	fact_proc(a);
	wl_fact("ready=1");
	for (;;) {
		ssize_t n = read(STDIN_FILENO, &c, 1);

		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	kill(a, SIGKILL);
	wl_wait(a, 0);
	wl_wait(z, 0);
	rmdir(dir);
	return 0;
}
