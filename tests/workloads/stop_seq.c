// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Stops and continues of a child C by its parent P, one MODE per run; each
 * step is confirmed (waitid, /proc) before the next. C exits when told.
 *
 *   double      one stop, then two SIGCONTs before C can run again (both
 *               pinned to one CPU, P real-time): one continue
 *   running     SIGCONT to C while it runs: no continue
 *   twice       stop, continue, stop, continue
 *   handler     stop, continue, with a SIGCONT handler in C
 *   blocked     stop, continue, with SIGCONT blocked in C
 *   midstop     C has a second thread stuck in vfork() (it cannot take part
 *               in a group stop until its vfork child exits): SIGSTOP stops
 *               C's main thread only, a SIGCONT ends the group stop before
 *               it completes, a second one finds nothing to continue
 *   threads     stop, continue, C having a second thread: the thread that
 *               completes the group stop, often not the leader, reports it
 *   ptrace      P attaches to C with PTRACE_ATTACH; C's SIGSTOP is passed on
 *               by P, so C enters a group stop under ptrace; SIGCONT
 *   held        P stops C, says held=1 and waits for a byte on stdin before
 *               the SIGCONT (a tracer started meanwhile sees C stopped)
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include "workload.h"

static struct wl_gate go;

static void child_wait(void)
{
	wl_gate_wait(&go);
	_exit(0);
}

static void on_cont(int sig)
{
	(void)sig;
}

static char thread_state(pid_t pid, pid_t tid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	f = fopen(path, "r");
	if (!f)
		wl_die(path);
	if (!fgets(buf, sizeof(buf), f))
		wl_die("read stat");
	fclose(f);
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static void until_state(pid_t pid, pid_t tid, char want)
{
	while (thread_state(pid, tid) != want)
		wl_sleep_ms(1);
}

static void sig_to(pid_t pid, int sig)
{
	if (kill(pid, sig))
		wl_die("kill");
}

/* Send sig to C, then wait until waitid(options) reports code for it. */
static void step(pid_t c, int sig, int options, int code)
{
	siginfo_t si;

	sig_to(c, sig);
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, c, &si, options) || si.si_code != code)
		wl_die("waitid");
}

static void stop(pid_t c)
{
	step(c, SIGSTOP, WSTOPPED, CLD_STOPPED);
}

static void cont(pid_t c)
{
	step(c, SIGCONT, WCONTINUED, CLD_CONTINUED);
}

static void mode_double(pid_t c)
{
	struct sched_param fifo = { .sched_priority = 1 }, other = { .sched_priority = 0 };
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one) || sched_setaffinity(c, sizeof(one), &one))
		wl_die("sched_setaffinity");
	stop(c);
	if (sched_setscheduler(0, SCHED_FIFO, &fifo))
		wl_die("SCHED_FIFO");
	/* C cannot run between these two: same CPU, P is real-time */
	sig_to(c, SIGCONT);
	sig_to(c, SIGCONT);
	if (sched_setscheduler(0, SCHED_OTHER, &other))
		wl_die("SCHED_OTHER");
	wl_fact("sigconts=2");
}

/* midstop: C's second thread vforks; the vfork child waits for go. */
static struct wl_gate tid_gate;

static void *vforker(void *arg)
{
	pid_t tid = (pid_t)syscall(SYS_gettid), v;

	(void)arg;
	if (write(tid_gate.fd[1], &tid, sizeof(tid)) != sizeof(tid))
		wl_die("write tid");
	v = vfork();
	if (v < 0)
		wl_die("vfork");
	if (v == 0) {
		char b;

		while (read(go.fd[0], &b, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	return NULL;
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void midstop_child(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, vforker, NULL))
		wl_die("pthread_create");
	if (pthread_join(t, NULL))
		wl_die("pthread_join");
	child_wait();
}

static void mode_midstop(pid_t c)
{
	pid_t tid;

	if (read(tid_gate.fd[0], &tid, sizeof(tid)) != sizeof(tid))
		wl_die("read tid");
	wl_fact("c_thread=%d", (int)tid);
	until_state(c, tid, 'D'); /* in vfork(), waiting for its child */
	sig_to(c, SIGSTOP);
	until_state(c, c, 'T');
	if (thread_state(c, tid) != 'D')
		wl_die("second thread left vfork");
	sig_to(c, SIGCONT); /* the group stop is still in progress */
	until_state(c, c, 'S');
	sig_to(c, SIGCONT);
	wl_fact("sigconts=2");
}

static void mode_ptrace(pid_t c)
{
	int st;

	if (ptrace(PTRACE_ATTACH, c, 0, 0))
		wl_die("PTRACE_ATTACH");
	st = wl_wait(c, 0); /* signal-delivery-stop for the attach's SIGSTOP */
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
		wl_die("not in signal-delivery-stop");
	if (ptrace(PTRACE_CONT, c, 0, SIGSTOP)) /* pass it on: a group stop */
		wl_die("PTRACE_CONT");
	st = wl_wait(c, 0);
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
		wl_die("not in group-stop");
	sig_to(c, SIGCONT);
	if (ptrace(PTRACE_DETACH, c, 0, 0))
		wl_die("PTRACE_DETACH");
	wl_fact("ptrace_done=1");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	pid_t c;

	wl_fact("parent_pid=%d", (int)getpid());
	wl_gate_open(&go);
	wl_gate_open(&tid_gate);
	c = wl_fork();
	if (c == 0) {
		if (!strcmp(mode, "handler") && signal(SIGCONT, on_cont) == SIG_ERR)
			wl_die("signal");
		if (!strcmp(mode, "blocked")) {
			sigset_t set;

			sigemptyset(&set);
			sigaddset(&set, SIGCONT);
			if (sigprocmask(SIG_BLOCK, &set, NULL))
				wl_die("sigprocmask");
		}
		if (!strcmp(mode, "midstop"))
			midstop_child();
		if (!strcmp(mode, "threads")) {
			pthread_t t;

			if (pthread_create(&t, NULL, sleeper, NULL))
				wl_die("pthread_create");
		}
		child_wait();
	}
	wl_fact("child_pid=%d", (int)c);
	/* handler/blocked: C set them up before it blocks on the gate */
	until_state(c, c, 'S');
	if (!strcmp(mode, "double")) {
		mode_double(c);
	} else if (!strcmp(mode, "running")) {
		sig_to(c, SIGCONT);
	} else if (!strcmp(mode, "twice")) {
		stop(c);
		cont(c);
		stop(c);
		cont(c);
	} else if (!strcmp(mode, "handler") || !strcmp(mode, "blocked") ||
		   !strcmp(mode, "threads")) {
		stop(c);
		cont(c);
	} else if (!strcmp(mode, "midstop")) {
		mode_midstop(c);
	} else if (!strcmp(mode, "ptrace")) {
		mode_ptrace(c);
	} else if (!strcmp(mode, "held")) {
		char b;

		stop(c);
		wl_fact("held=1");
		if (read(STDIN_FILENO, &b, 1) != 1)
			wl_die("stdin");
		cont(c);
	} else {
		fprintf(stderr,
			"usage: stop_seq double|running|twice|handler|blocked|threads|midstop|ptrace|held\n");
		_exit(WL_BROKEN);
	}
	wl_gate_pass(&go);
	if (!strcmp(mode, "midstop"))
		wl_gate_pass(&go); /* one for the vfork child, one for C */
	wl_fact_status("child", wl_wait(c, 0));
	return 0;
}
