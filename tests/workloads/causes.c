// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Ways a process ends, is adopted, or fails to start; one per mode:
 *   term        a child killed by kill(SIGTERM) from this process
 *   segv        a child's NULL dereference
 *   exit_group  a child whose second thread calls exit_group(4)
 *   exit_group_leader  a child whose main thread calls exit_group(5) while
 *               its second thread waits
 *   exit_after_leader  a child whose main thread calls pthread_exit(); its
 *               second thread, then alone, calls exit(6)
 *   seccomp     a child killed by its seccomp filter (getppid -> KILL_PROCESS)
 *   pdeathsig   mid -> child with PR_SET_PDEATHSIG(SIGUSR1); mid exits
 *   oom CGDIR   a child that joins memory cgroup CGDIR (limited by the
 *               caller) and allocates until the OOM killer ends it
 *   pidns       an init in a new pid namespace exits while its child waits
 *   subreaper   top (a child subreaper) -> mid -> orphan; mid exits
 *   orphan      mid -> orphan; mid exits, nobody here is a subreaper
 *   exec DIR    failed execs: a missing file, a file without x bit (made
 *               in DIR), and one past the point of no return (RLIMIT_AS)
 * Gates order everything; facts name the pids.
 */
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <sched.h>
#include "workload.h"

static struct wl_gate hold;

static void no_core(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
}

static int mode_term(void)
{
	pid_t c;

	wl_gate_open(&hold);
	c = wl_fork();
	if (c == 0) {
		wl_gate_wait(&hold);
		_exit(0);
	}
	wl_fact("child_pid=%d", (int)c);
	wl_fact("sender_pid=%d", (int)getpid());
	if (kill(c, SIGTERM))
		wl_die("kill");
	wl_fact_status("child", wl_wait(c, 0));
	return 0;
}

static int mode_segv(void)
{
	pid_t c = wl_fork();

	if (c == 0) {
		no_core();
		*(volatile int *)(unsigned long)(getpid() & 0) = 1;
		_exit(0);
	}
	wl_fact("child_pid=%d", (int)c);
	wl_fact_status("child", wl_wait(c, 0));
	return 0;
}

static void *ender(void *arg)
{
	(void)arg;
	wl_fact("thread_tid=%d", (int)gettid());
	syscall(SYS_exit_group, 4);
	return NULL;
}

static int mode_exit_group(void)
{
	pid_t c = wl_fork();

	if (c == 0) {
		pthread_t t;

		wl_gate_open(&hold);
		if (pthread_create(&t, NULL, ender, NULL))
			wl_die("pthread_create");
		wl_gate_wait(&hold); /* never passed: ended by the thread */
		_exit(0);
	}
	wl_fact("child_pid=%d", (int)c);
	wl_fact_status("child", wl_wait(c, 0));
	return 0;
}

static void *waiter(void *arg)
{
	(void)arg;
	wl_fact("thread_tid=%d", (int)gettid());
	wl_gate_pass(&hold);
	for (;;)
		pause(); /* until the leader's exit_group() ends it */
	return NULL;
}

static int mode_exit_group_leader(void)
{
	pid_t c = wl_fork();

	if (c == 0) {
		pthread_t t;

		wl_gate_open(&hold);
		if (pthread_create(&t, NULL, waiter, NULL))
			wl_die("pthread_create");
		wl_gate_wait(&hold);
		syscall(SYS_exit_group, 5);
	}
	wl_fact("child_pid=%d", (int)c);
	wl_fact_status("child", wl_wait(c, 0));
	return 0;
}

static void *last_one(void *arg)
{
	/* The main thread is joinable after its pthread_exit(): its end is
	 * the gate. */
	if (pthread_join(*(pthread_t *)arg, NULL))
		wl_die("pthread_join");
	wl_fact("thread_tid=%d", (int)gettid());
	exit(6);
	return NULL;
}

static int mode_exit_after_leader(void)
{
	pid_t c = wl_fork();

	if (c == 0) {
		static pthread_t leader;
		pthread_t t;

		leader = pthread_self();
		if (pthread_create(&t, NULL, last_one, &leader))
			wl_die("pthread_create");
		pthread_exit(NULL);
	}
	wl_fact("child_pid=%d", (int)c);
	wl_fact_status("child", wl_wait(c, 0));
	return 0;
}

static int mode_seccomp(void)
{
	pid_t c = wl_fork();

	if (c == 0) {
		struct sock_filter f[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

		no_core();
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			wl_die("seccomp");
		syscall(SYS_getppid);
		_exit(0);
	}
	wl_fact("child_pid=%d", (int)c);
	wl_fact_status("child", wl_wait(c, 0));
	return 0;
}

static int mode_pdeathsig(void)
{
	struct wl_gate ready;
	pid_t mid, reaped;
	int status;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		wl_die("PR_SET_CHILD_SUBREAPER");
	wl_fact("top_pid=%d", (int)getpid());
	wl_gate_open(&ready);
	wl_gate_open(&hold);
	mid = wl_fork();
	if (mid == 0) {
		pid_t c = wl_fork();

		if (c == 0) {
			if (prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0))
				wl_die("PR_SET_PDEATHSIG");
			wl_gate_pass(&ready);
			wl_gate_wait(&hold); /* never passed: the signal ends it */
			_exit(0);
		}
		wl_fact("child_pid=%d", (int)c);
		wl_gate_wait(&ready);
		_exit(0);
	}
	wl_fact("mid_pid=%d", (int)mid);
	wl_fact_status("mid", wl_wait(mid, 0));
	reaped = waitpid(-1, &status, 0);
	if (reaped < 0)
		wl_die("waitpid child");
	wl_fact("reaped_pid=%d", (int)reaped);
	wl_fact_status("child", status);
	return 0;
}

static int mode_oom(const char *cgdir)
{
	pid_t c;

	wl_gate_open(&hold);
	c = wl_fork();
	if (c == 0) {
		char path[512], pid[32];
		int fd, n;

		snprintf(path, sizeof(path), "%s/cgroup.procs", cgdir);
		n = snprintf(pid, sizeof(pid), "%d", (int)getpid());
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, pid, n) != n)
			wl_die(path);
		close(fd);
		wl_gate_pass(&hold);
		for (;;) {
			char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p == MAP_FAILED)
				wl_die("mmap");
			memset(p, 1, 1 << 20);
		}
	}
	wl_gate_wait(&hold);
	wl_fact("child_pid=%d", (int)c);
	wl_fact_status("child", wl_wait(c, 0));
	return 0;
}

static int mode_pidns(void)
{
	struct wl_gate ready;
	pid_t init;

	wl_gate_open(&ready);
	wl_gate_open(&hold);
	if (unshare(CLONE_NEWPID))
		wl_die("unshare(CLONE_NEWPID)");
	init = wl_fork();
	if (init == 0) {
		pid_t c = wl_fork();

		if (c == 0) {
			wl_gate_wait(&hold); /* never passed: killed with its namespace */
			_exit(0);
		}
		/* its global pid: the parent's view, from /proc of the parent */
		wl_gate_pass(&ready);
		_exit(0);
	}
	wl_fact("init_pid=%d", (int)init);
	wl_gate_wait(&ready);
	wl_fact_status("init", wl_wait(init, 0));
	return 0;
}

/* mid -> orphan; mid exits; the orphan reports the parent that adopted
 * it, then exits. top is a child subreaper when subreaper is set. */
static int mode_orphan(int subreaper)
{
	struct wl_gate adopted, go;
	pid_t mid;

	if (subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		wl_die("PR_SET_CHILD_SUBREAPER");
	wl_fact("top_pid=%d", (int)getpid());
	wl_gate_open(&adopted);
	wl_gate_open(&go);
	wl_gate_open(&hold);
	mid = wl_fork();
	if (mid == 0) {
		pid_t mine = getpid(), orphan = wl_fork();

		if (orphan == 0) {
			wl_gate_wait(&go);
			while (getppid() == mine)
				wl_sleep_ms(1);
			wl_fact("adopter_pid=%d", (int)getppid());
			wl_gate_pass(&adopted);
			wl_gate_wait(&hold);
			_exit(0);
		}
		wl_fact("orphan_pid=%d", (int)orphan);
		_exit(0);
	}
	wl_fact("mid_pid=%d", (int)mid);
	wl_fact_status("mid", wl_wait(mid, 0));
	wl_gate_pass(&go);
	wl_gate_wait(&adopted);
	wl_gate_pass(&hold);
	if (subreaper && waitpid(-1, NULL, 0) < 0)
		wl_die("waitpid orphan");
	return 0;
}

/* Paths alone in their page of read-only data, as string literals are:
 * not in a forked child's memory until something reads them (the kernel
 * does, at the exec; a tracer's BPF read cannot fault them in). */
static const char cold_true[4096] __attribute__((aligned(4096))) = "/bin/true";
static const char cold_missing[4096] __attribute__((aligned(4096))) = "/nonexistent-proctrace/cold";

static void try_exec(const char *what, const char *path, char *const argv[])
{
	pid_t c = wl_fork();

	if (c == 0) {
		execv(path, argv);
		wl_fact("%s_errno=%d", what, errno);
		_exit(0);
	}
	wl_fact("%s_pid=%d", what, (int)c);
	wl_fact_status(what, wl_wait(c, 0));
}

static int mode_exec(const char *dir)
{
	/* Arguments built at run time, as a shell builds them: a literal in a
	 * page the child never touched is not in its memory yet, and reads as
	 * unreadable to a tracer that may not fault pages in. */
	char m0[] = "missing", m1[] = "one arg", m2[] = "two", p0[] = "plain", p1[] = "x";
	char plain[512];
	char *const missing_argv[] = { m0, m1, m2, NULL };
	char *const plain_argv[] = { p0, p1, NULL };
	char *const true_argv[] = { "true", NULL };
	pid_t c;
	int fd;

	try_exec("missing", "/nonexistent-proctrace/missing", missing_argv);
	snprintf(plain, sizeof(plain), "%s/plain-file", dir);
	fd = open(plain, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "#!/bin/sh\n", 10) != 10)
		wl_die(plain);
	close(fd);
	wl_fact("plain_path=%s", plain);
	try_exec("plain", plain, plain_argv);

	try_exec("cold_missing", cold_missing, missing_argv);
	/* a path the kernel cannot read either: EFAULT */
	try_exec("bad_pointer", (const char *)8, missing_argv);

	/* Past the point of no return: the new program cannot be mapped
	 * into a tiny address space, after the old one is gone; once with
	 * the path in a page the child had (a literal beside others), once
	 * in a page it never touched. */
	for (int cold = 0; cold < 2; cold++) {
		c = wl_fork();
		if (c == 0) {
			struct rlimit rl = { 64 << 10, 64 << 10 };

			no_core();
			if (setrlimit(RLIMIT_AS, &rl))
				wl_die("setrlimit");
			execv(cold ? cold_true : "/bin/true", true_argv);
			_exit(3);
		}
		wl_fact("%snoreturn_pid=%d", cold ? "cold_" : "", (int)c);
		wl_fact_status(cold ? "cold_noreturn" : "noreturn", wl_wait(c, 0));
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "term"))
		return mode_term();
	if (!strcmp(mode, "segv"))
		return mode_segv();
	if (!strcmp(mode, "exit_group"))
		return mode_exit_group();
	if (!strcmp(mode, "exit_group_leader"))
		return mode_exit_group_leader();
	if (!strcmp(mode, "exit_after_leader"))
		return mode_exit_after_leader();
	if (!strcmp(mode, "seccomp"))
		return mode_seccomp();
	if (!strcmp(mode, "pdeathsig"))
		return mode_pdeathsig();
	if (!strcmp(mode, "oom") && argc > 2)
		return mode_oom(argv[2]);
	if (!strcmp(mode, "pidns"))
		return mode_pidns();
	if (!strcmp(mode, "subreaper"))
		return mode_orphan(1);
	if (!strcmp(mode, "orphan"))
		return mode_orphan(0);
	if (!strcmp(mode, "exec") && argc > 2)
		return mode_exec(argv[2]);
	fprintf(stderr,
		"usage: causes term|segv|exit_group|seccomp|pdeathsig|oom CGDIR|pidns|"
		"subreaper|orphan|exec DIR\n");
	return 2;
}
