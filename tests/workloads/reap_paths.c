// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Every way a zombie is released, one per mode (argv[1]). Each child exits
 * with code 3 and, where a wait() releases it, stays a zombie for ZOMBIE_MS
 * first (behind a waitid(WNOWAIT), which must not count as a reap).
 *
 *   wait4        wait4(child)
 *   waitid       waitid(P_PID, child, &info)
 *   null_pid     waitid(P_PID, child, NULL)
 *   null_all     waitid(P_ALL, 0, NULL), then waitid(P_PGID, 0, NULL)
 *   pidfd        waitid(P_PIDFD, pidfd, &info), then with NULL infop
 *   tracer       a sibling ptrace-seizes the child and collects its exit
 *                with waitpid(): no release; the parent reaps it later
 *   tracer_ign   the same, the parent ignoring SIGCHLD: the handing back
 *                to the parent releases it (autoreap)
 *   autoreap     the parent ignores SIGCHLD (child1), then only sets
 *                SA_NOCLDWAIT (child2): released at their exit
 *   adopt_ign    a subreaper ignoring SIGCHLD adopts a zombie (its parent
 *                exits): released on that reparenting
 *   ns_subreaper a subreaper inside a new pid namespace reaps an orphan
 *   ns_zap       a pid namespace's init exits: the kernel reaps its
 *                zombie child and kills (then autoreaps) the living one
 *   reuse        a child forked by another thread (so not among the
 *                waiting thread's own children) is released by
 *                waitid(P_ALL, 0, NULL); a new child takes its pid at once
 *                (clone3 set_tid, as root), most likely before the kernel
 *                frees the first one
 *   thread_all   the same without the new child: the release is seen at
 *                the kernel's free alone
 *   reuse_zombie a helper's child is reaped by the helper's wait4(); a new
 *                child of the main process takes its pid at once (clone3
 *                set_tid) and stays a zombie for ZOMBIE_MS, over the
 *                kernel's late free of the first one, then is reaped by
 *                wait4() in its turn
 */
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include "workload.h"

#define ZOMBIE_MS 200
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static pid_t child_exiting(const char *name)
{
	pid_t c = wl_fork();

	if (c == 0)
		_exit(3);
	wl_fact("%s_pid=%d", name, (int)c);
	return c;
}

static void retry_waitid(idtype_t type, id_t id, siginfo_t *info)
{
	while (waitid(type, id, info, WEXITED))
		if (errno != EINTR)
			wl_die("waitid");
}

static void mode_wait(const char *mode)
{
	pid_t c = child_exiting("child");
	siginfo_t si;

	wl_keep_zombie(c, ZOMBIE_MS);
	memset(&si, 0, sizeof(si));
	if (!strcmp(mode, "wait4"))
		wl_fact_status("child", wl_wait(c, 0));
	else if (!strcmp(mode, "waitid"))
		retry_waitid(P_PID, c, &si);
	else
		retry_waitid(P_PID, c, NULL);
}

static void mode_null_all(const char *mode __attribute__((unused)))
{
	pid_t a = child_exiting("child"), b;

	wl_keep_zombie(a, ZOMBIE_MS);
	retry_waitid(P_ALL, 0, NULL);
	b = child_exiting("child2");
	wl_keep_zombie(b, ZOMBIE_MS);
	retry_waitid(P_PGID, 0, NULL);
}

static void mode_pidfd(const char *mode __attribute__((unused)))
{
	for (int i = 0; i < 2; i++) {
		pid_t c = child_exiting(i ? "child2" : "child");
		int fd = (int)syscall(SYS_pidfd_open, c, 0);
		siginfo_t si;

		if (fd < 0)
			wl_die("pidfd_open");
		wl_keep_zombie(c, ZOMBIE_MS);
		memset(&si, 0, sizeof(si));
		retry_waitid((idtype_t)P_PIDFD, fd, i ? NULL : &si);
		close(fd);
	}
}

struct forker {
	pid_t child;
	struct wl_gate forked, done;
};

/* Forks, then stays alive (a thread's children pass to another thread when
 * it exits) until the main thread has waited. */
static void *fork_exiting_child(void *arg)
{
	struct forker *fk = arg;

	fk->child = child_exiting("child");
	wl_gate_pass(&fk->forked);
	wl_gate_wait(&fk->done);
	return NULL;
}

/* fork(), as pid. */
static pid_t fork_as(pid_t pid)
{
	struct clone_args args;
	pid_t c;

	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	args.set_tid = (__u64)(unsigned long)&pid;
	args.set_tid_size = 1;
	c = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	if (c < 0)
		wl_die("clone3 set_tid");
	return c;
}

static void mode_reuse(const char *mode)
{
	struct forker fk;
	pid_t c, again;
	pthread_t t;

	wl_gate_open(&fk.forked);
	wl_gate_open(&fk.done);
	if (pthread_create(&t, NULL, fork_exiting_child, &fk))
		wl_die("pthread_create");
	wl_gate_wait(&fk.forked);
	c = fk.child;
	wl_keep_zombie(c, ZOMBIE_MS);
	retry_waitid(P_ALL, 0, NULL);
	if (!strcmp(mode, "thread_all")) {
		wl_gate_pass(&fk.done);
		if (pthread_join(t, NULL))
			wl_die("pthread_join");
		return;
	}
	again = fork_as(c);
	if (again == 0)
		_exit(4);
	wl_gate_pass(&fk.done);
	if (pthread_join(t, NULL))
		wl_die("pthread_join");
	wl_fact("again_pid=%d", (int)again);
	wl_fact_status("again", wl_wait(again, 0));
}

static void mode_reuse_zombie(const char *mode __attribute__((unused)))
{
	struct wl_gate done;
	int fds[2];
	pid_t h, c, again;

	wl_gate_open(&done);
	if (pipe(fds))
		wl_die("pipe");
	h = wl_fork();
	if (h == 0) {
		c = child_exiting("child");
		wl_fact_status("child", wl_wait(c, 0));
		if (write(fds[1], &c, sizeof(c)) != sizeof(c))
			wl_die("write pid");
		wl_gate_wait(&done);
		_exit(0);
	}
	wl_fact("helper_pid=%d", (int)h);
	if (read(fds[0], &c, sizeof(c)) != sizeof(c))
		wl_die("read pid");
	again = fork_as(c);
	if (again == 0)
		_exit(4);
	wl_fact("again_pid=%d", (int)again);
	wl_keep_zombie(again, ZOMBIE_MS);
	wl_fact_status("again", wl_wait(again, 0));
	wl_gate_pass(&done);
	wl_wait(h, 0);
}

/* The tracer: seize, let the child exit, collect its status, report. */
static void trace_child(pid_t c, struct wl_gate *seized, struct wl_gate *collected)
{
	int st;

	if (ptrace(PTRACE_SEIZE, c, 0, 0))
		wl_die("PTRACE_SEIZE");
	wl_gate_pass(seized);
	for (;;) {
		if (waitpid(c, &st, __WALL) != c)
			wl_die("tracer waitpid");
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		ptrace(PTRACE_CONT, c, 0, 0);
	}
	wl_fact("tracer_collected_code=%d", WEXITSTATUS(st));
	wl_gate_pass(collected);
	_exit(0);
}

static void mode_tracer(const char *mode)
{
	bool parent_ignores = !strcmp(mode, "tracer_ign");
	struct wl_gate go, seized, collected;
	pid_t c, t;

	wl_gate_open(&go);
	wl_gate_open(&seized);
	wl_gate_open(&collected);
	if (parent_ignores)
		signal(SIGCHLD, SIG_IGN);
	c = wl_fork();
	if (c == 0) {
		wl_gate_wait(&go);
		_exit(3);
	}
	wl_fact("child_pid=%d", (int)c);
	t = wl_fork();
	if (t == 0)
		trace_child(c, &seized, &collected);
	wl_fact("tracer_pid=%d", (int)t);
	wl_gate_wait(&seized);
	wl_gate_pass(&go);
	wl_gate_wait(&collected);
	if (parent_ignores) {
		/* both were released without a wait: wait() says so */
		if (wait(NULL) != -1 || errno != ECHILD)
			wl_die("wait after autoreap");
		return;
	}
	wl_fact_status("tracer", wl_wait(t, 0));
	wl_sleep_ms(ZOMBIE_MS);
	wl_fact_status("child", wl_wait(c, 0));
}

static void mode_autoreap(const char *mode __attribute__((unused)))
{
	struct sigaction sa;

	signal(SIGCHLD, SIG_IGN);
	child_exiting("child");
	if (wait(NULL) != -1 || errno != ECHILD)
		wl_die("wait after SIG_IGN");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sa.sa_flags = SA_NOCLDWAIT;
	if (sigaction(SIGCHLD, &sa, NULL))
		wl_die("sigaction");
	child_exiting("child2");
	if (wait(NULL) != -1 || errno != ECHILD)
		wl_die("wait after SA_NOCLDWAIT");
}

/* This process's pid in the initial namespace: the first of NSpid. */
static void fact_global_pid(const char *name)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	int pid = 0;

	if (!f)
		wl_die("/proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "NSpid: %d", &pid) == 1)
			break;
	fclose(f);
	if (pid <= 0) {
		errno = ENOENT;
		wl_die("no NSpid line");
	}
	wl_fact("%s_pid=%d", name, pid);
}

static void mode_adopt_ign(const char *mode __attribute__((unused)))
{
	pid_t mid;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		wl_die("PR_SET_CHILD_SUBREAPER");
	signal(SIGCHLD, SIG_IGN);
	mid = wl_fork();
	if (mid == 0) {
		/* default SIGCHLD here: the orphan stays a zombie of mid */
		signal(SIGCHLD, SIG_DFL);
		wl_keep_zombie(child_exiting("orphan"), 0);
		_exit(0);
	}
	wl_fact("mid_pid=%d", (int)mid);
	if (wait(NULL) != -1 || errno != ECHILD)
		wl_die("wait after adoption");
}

/* In a new pid namespace: init (a subreaper) -> mid -> orphan; mid exits
 * and is reaped, the orphan goes to init, exits, and init reaps it. */
static void ns_subreaper_init(void)
{
	struct wl_gate go;
	pid_t mid;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		wl_die("PR_SET_CHILD_SUBREAPER");
	wl_gate_open(&go);
	mid = wl_fork();
	if (mid == 0) {
		pid_t orphan;

		fact_global_pid("mid");
		orphan = wl_fork();
		if (orphan == 0) {
			fact_global_pid("orphan");
			wl_gate_wait(&go);
			_exit(3);
		}
		_exit(0);
	}
	wl_wait(mid, 0);
	wl_gate_pass(&go);
	if (waitpid(-1, NULL, 0) < 0)
		wl_die("waitpid orphan");
	_exit(0);
}

/* ns init: a zombie child it never waits for and a living one; then it
 * exits, and the kernel tears the namespace down. */
static void ns_zap_init(void)
{
	struct wl_gate ready;
	pid_t z, k;

	wl_gate_open(&ready);
	z = wl_fork();
	if (z == 0) {
		fact_global_pid("zombie");
		_exit(3);
	}
	k = wl_fork();
	if (k == 0) {
		fact_global_pid("killed");
		wl_gate_pass(&ready);
		for (;;)
			pause();
	}
	wl_gate_wait(&ready);
	wl_keep_zombie(z, 0);
	_exit(0);
}

static void mode_ns(const char *mode)
{
	pid_t init;

	if (unshare(CLONE_NEWPID))
		wl_die("unshare(CLONE_NEWPID)");
	init = wl_fork();
	if (init == 0) {
		if (!strcmp(mode, "ns_zap"))
			ns_zap_init();
		ns_subreaper_init();
	}
	wl_fact("init_pid=%d", (int)init);
	wl_fact_status("init", wl_wait(init, 0));
}

static const struct {
	const char *name;
	void (*run)(const char *mode);
} modes[] = {
	{ "wait4", mode_wait },	       { "waitid", mode_wait },
	{ "null_pid", mode_wait },     { "null_all", mode_null_all },
	{ "pidfd", mode_pidfd },       { "reuse", mode_reuse },
	{ "thread_all", mode_reuse },  { "reuse_zombie", mode_reuse_zombie },
	{ "tracer", mode_tracer },     { "tracer_ign", mode_tracer },
	{ "autoreap", mode_autoreap }, { "adopt_ign", mode_adopt_ign },
	{ "ns_subreaper", mode_ns },   { "ns_zap", mode_ns },
};

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	wl_fact("parent_pid=%d", (int)getpid());
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (!strcmp(mode, modes[i].name)) {
			modes[i].run(mode);
			return 0;
		}
	}
	errno = EINVAL;
	wl_die(mode);
}
