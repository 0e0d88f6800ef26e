/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Helpers of the workloads that make resource usage for the tracer to
 * count (rusage_wait4, usage_end): CPU time burnt, pages touched, blocks
 * written, and a struct rusage printed as facts.
 */
#ifndef WORKLOAD_USAGE_H
#define WORKLOAD_USAGE_H

#include <fcntl.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include "workload.h"

#define MIB (1024L * 1024L)

/* CPU time of the calling thread, in microseconds. */
static inline long long wl_thread_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* Burn us microseconds of this thread's CPU time (not wall time: the
 * machine may be busy). */
static inline void wl_burn_us(long long us)
{
	long long start = wl_thread_cpu_us();
	volatile unsigned long x = 0;

	while (wl_thread_cpu_us() - start < us)
		for (int i = 0; i < 10000; i++)
			x += i;
}

/* len bytes of fresh anonymous memory, touched page by page (one minor
 * fault each: no huge pages). */
static inline void wl_touch(long len)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		wl_die("mmap");
	madvise(p, len, MADV_NOHUGEPAGE);
	for (long i = 0; i < len; i += pg)
		p[i] = 1;
}

/* bytes written to a new file at path and fsynced (blocks out); with
 * drop_cache, its pages then dropped from the page cache. */
static inline void wl_write_fsync(const char *path, long bytes, bool drop_cache)
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
	if (drop_cache)
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
}

/* A struct rusage as facts NAME_user_us, NAME_sys_us, NAME_maxrss_kb,
 * NAME_minflt, NAME_majflt, NAME_nvcsw, NAME_nivcsw, NAME_inblock and
 * NAME_oublock (the field names the tracer's columns use). */
static inline void wl_fact_rusage(const char *name, const struct rusage *ru)
{
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

#endif
