// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Signals whose sender is not the task the kernel sends them from, one
 * MODE per run; each prints what the receiver's siginfo said:
 *
 *   subreaper   S (a child subreaper, SIGCHLD blocked) has a child M with a
 *               child G; G exits, M exits: while M exits the kernel hands
 *               the zombie G to S with a SIGCHLD about G, then sends M's own,
 *               which finds it pending. S reads the one pending SIGCHLD.
 *   pidns       the same handover inside a new pid namespace, to its init:
 *               si_pid is G's number in that namespace.
 *   ptrace      T (a sibling) traces C; C exits; T's wait collects the exit
 *               status and the kernel, in T's context, gives the zombie back
 *               to its real parent P with a SIGCHLD about C.
 *   exit_signal C is cloned with SIGUSR2 as its exit signal: SIGUSR2 with
 *               CLD_EXITED, about C.
 *   queue       the process queues signals with si_codes only the kernel
 *               uses otherwise: to itself with rt_sigqueueinfo (SI_KERNEL),
 *               rt_tgsigqueueinfo (a fault's code) and pidfd_send_signal
 *               (POLL_IN), and SI_TIMER to its child: it sent all four.
 *   behalf      signals the kernel sends for a process, with its siginfo:
 *               SIGPIPE to a writer (SI_USER, si_pid the writer itself);
 *               a pdeathsig when the parent M exits (SI_USER, si_pid M);
 *               F_SETSIG's SIGUSR2 when another process writes to the
 *               pipe (POLL_IN, no si_pid: the kernel's); SIGKILL to the
 *               last process of a pid namespace whose init exits
 *               (SI_KERNEL).
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include "workload.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* The pid in the initial namespace: /proc is the host's, so /proc/self
 * names the caller by that number whatever namespace it is in. */
static pid_t global_pid(void)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);

	if (n <= 0)
		wl_die("readlink /proc/self");
	buf[n] = 0;
	return (pid_t)atoi(buf);
}

static void block(int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		wl_die("sigprocmask");
}

/* The pending sig's siginfo, or si_signo 0 if none is pending. */
static siginfo_t take(int sig)
{
	struct timespec zero = { 0, 0 };
	siginfo_t si;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	memset(&si, 0, sizeof(si));
	if (sigtimedwait(&set, &si, &zero) != sig) {
		if (errno != EAGAIN)
			wl_die("sigtimedwait");
		si.si_signo = 0;
	}
	return si;
}

static void wait_zombie(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, pid, &si, WEXITED | WNOWAIT | __WALL))
		if (errno != EINTR)
			wl_die("waitid WNOWAIT");
}

/* S: M ── G (exit 4); M exits with G a zombie, G goes to S (or to the
 * namespace's init). The facts name pids globally, si_pid as S saw it. */
static void handover(const char *who)
{
	pid_t s = global_pid(), m;
	int gpipe[2];
	siginfo_t first, second;
	pid_t g, g_global;

	wl_fact("%s_pid=%d", who, (int)s);
	block(SIGCHLD);
	if (pipe(gpipe))
		wl_die("pipe");
	m = wl_fork();
	if (m == 0) {
		pid_t ids[2];

		ids[0] = wl_fork();
		if (ids[0] == 0) {
			pid_t me = global_pid();

			if (write(gpipe[1], &me, sizeof(me)) != sizeof(me))
				wl_die("write");
			_exit(4);
		}
		wl_fact("m_pid=%d", (int)global_pid());
		wl_keep_zombie(ids[0], 0);
		_exit(0);
	}
	if (read(gpipe[0], &g_global, sizeof(g_global)) != sizeof(g_global))
		wl_die("read");
	wl_fact("g_pid=%d", (int)g_global);
	/* Once M is a zombie both SIGCHLDs were sent: G's, then M's own. */
	wait_zombie(m);
	first = take(SIGCHLD);
	second = take(SIGCHLD);
	wl_fact("first_si_pid=%d", (int)first.si_pid);
	wl_fact("first_si_code=%d", first.si_code);
	wl_fact("first_si_status=%d", first.si_status);
	wl_fact("second_pending=%d", second.si_signo != 0);
	wl_fact_status("m", wl_wait(m, 0));
	g = first.si_pid;
	wl_fact_status("g", wl_wait(g, 0));
}

static void mode_pidns(void)
{
	pid_t init;

	wl_fact("parent_pid=%d", (int)getpid());
	if (unshare(CLONE_NEWPID))
		wl_die("unshare(CLONE_NEWPID)");
	init = wl_fork();
	if (init == 0) {
		handover("init");
		wl_fact("init_getpid=%d", (int)getpid());
		_exit(0);
	}
	wl_fact_status("init", wl_wait(init, 0));
}

static void mode_ptrace(void)
{
	struct wl_gate attached, go;
	pid_t c, t;
	siginfo_t si;

	wl_fact("parent_pid=%d", (int)getpid());
	block(SIGCHLD);
	wl_gate_open(&attached);
	wl_gate_open(&go);
	c = wl_fork();
	if (c == 0) {
		wl_gate_wait(&go);
		_exit(6);
	}
	wl_fact("c_pid=%d", (int)c);
	t = wl_fork();
	if (t == 0) {
		int st;

		if (ptrace(PTRACE_SEIZE, c, 0, 0))
			wl_die("PTRACE_SEIZE");
		wl_gate_pass(&attached);
		/* The tracer collects the exit status; the zombie stays for P. */
		st = wl_wait(c, __WALL);
		wl_fact_status("tracer_saw", st);
		_exit(0);
	}
	wl_fact("t_pid=%d", (int)t);
	wl_gate_wait(&attached);
	wl_gate_pass(&go);
	wl_fact_status("t", wl_wait(t, 0));
	/* One SIGCHLD pending: C's handover came first, T's exit found it. */
	si = take(SIGCHLD);
	wl_fact("first_si_pid=%d", (int)si.si_pid);
	wl_fact("first_si_code=%d", si.si_code);
	wl_fact_status("c", wl_wait(c, 0));
}

static int exit_at_once(void *arg)
{
	(void)arg;
	_exit(7);
}

static void mode_exit_signal(void)
{
	static char stack[64 * 1024];
	siginfo_t si;
	pid_t c;

	wl_fact("parent_pid=%d", (int)getpid());
	block(SIGUSR2);
	c = clone(exit_at_once, stack + sizeof(stack), SIGUSR2, NULL);
	if (c < 0)
		wl_die("clone");
	wl_fact("c_pid=%d", (int)c);
	wait_zombie(c);
	si = take(SIGUSR2);
	wl_fact("si_pid=%d", (int)si.si_pid);
	wl_fact("si_code=%d", si.si_code);
	wl_fact_status("c", wl_wait(c, __WALL));
}

static void queue(pid_t pid, int sig, int code)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = code;
	si.si_pid = 1; /* anything: the receiver cannot trust it */
	if (syscall(SYS_rt_sigqueueinfo, pid, sig, &si))
		wl_die("rt_sigqueueinfo");
}

static void mode_queue(void)
{
	struct wl_gate go;
	siginfo_t si;
	pid_t me = getpid(), c;
	int pidfd;

	wl_fact("pid=%d", (int)me);
	block(SIGUSR1);
	block(SIGUSR2);
	block(SIGRTMIN);
	queue(me, SIGUSR1, SI_KERNEL);
	wl_fact("usr1_code=%d", take(SIGUSR1).si_code);
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGUSR2;
	si.si_code = SEGV_MAPERR;
	if (syscall(SYS_rt_tgsigqueueinfo, me, (pid_t)syscall(SYS_gettid), SIGUSR2, &si))
		wl_die("rt_tgsigqueueinfo");
	wl_fact("usr2_code=%d", take(SIGUSR2).si_code);
	pidfd = (int)syscall(SYS_pidfd_open, me, 0);
	if (pidfd < 0)
		wl_die("pidfd_open");
	memset(&si, 0, sizeof(si));
	si.si_signo = SIGRTMIN;
	si.si_code = POLL_IN;
	if (syscall(SYS_pidfd_send_signal, pidfd, SIGRTMIN, &si, 0))
		wl_die("pidfd_send_signal");
	wl_fact("rtmin=%d", SIGRTMIN);
	wl_fact("rtmin_code=%d", take(SIGRTMIN).si_code);
	close(pidfd);

	wl_gate_open(&go);
	c = wl_fork();
	if (c == 0) {
		block(SIGUSR1);
		wl_gate_wait(&go);
		_exit(take(SIGUSR1).si_code == SI_TIMER ? 0 : 1);
	}
	wl_fact("c_pid=%d", (int)c);
	queue(c, SIGUSR1, SI_TIMER);
	wl_gate_pass(&go);
	wl_fact_status("c", wl_wait(c, 0));
}

static void mode_behalf(void)
{
	struct wl_gate ready, go;
	int p[2];
	pid_t me = getpid(), m, k, w;
	siginfo_t si;

	wl_fact("pid=%d", (int)me);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
		wl_die("PR_SET_CHILD_SUBREAPER");
	block(SIGPIPE);
	if (pipe(p))
		wl_die("pipe");
	close(p[0]);
	if (write(p[1], "x", 1) >= 0 || errno != EPIPE)
		wl_die("write to a pipe without reader");
	close(p[1]);
	wl_fact("sigpipe_code=%d", take(SIGPIPE).si_code);

	/* pdeathsig: K asks for SIGUSR1 when its parent M exits */
	wl_gate_open(&ready);
	m = wl_fork();
	if (m == 0) {
		k = wl_fork();
		if (k == 0) {
			block(SIGUSR1);
			if (prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0))
				wl_die("PR_SET_PDEATHSIG");
			wl_gate_pass(&ready);
			while (getppid() != me)
				wl_sleep_ms(1);
			si = take(SIGUSR1);
			wl_fact("k_si_signo=%d", si.si_signo);
			wl_fact("k_si_code=%d", si.si_code);
			wl_fact("k_si_pid=%d", (int)si.si_pid);
			_exit(0);
		}
		wl_fact("k_pid=%d", (int)k);
		wl_gate_wait(&ready);
		_exit(0);
	}
	wl_fact("m_pid=%d", (int)m);
	wl_fact_status("m", wl_wait(m, 0));
	/* K is ours now */
	wl_fact_status("k", wl_wait(-1, 0));

	/* F_SETSIG: SIGUSR2 to us when W writes to our pipe */
	block(SIGUSR2);
	if (pipe(p) || fcntl(p[0], F_SETOWN, me) || fcntl(p[0], F_SETSIG, SIGUSR2) ||
	    fcntl(p[0], F_SETFL, O_ASYNC | O_NONBLOCK))
		wl_die("F_SETSIG");
	w = wl_fork();
	if (w == 0) {
		if (write(p[1], "x", 1) != 1)
			wl_die("write");
		_exit(0);
	}
	wl_fact("w_pid=%d", (int)w);
	wl_fact_status("w", wl_wait(w, 0));
	si = take(SIGUSR2);
	wl_fact("sigio_code=%d", si.si_code);
	close(p[0]);
	close(p[1]);

	/* A pid namespace's init exits: the kernel kills what is left (K,
	 * which its init then reaps). */
	wl_gate_open(&ready);
	wl_gate_open(&go);
	if (unshare(CLONE_NEWPID))
		wl_die("unshare(CLONE_NEWPID)");
	m = wl_fork();
	if (m == 0) {
		k = wl_fork();
		if (k == 0) {
			wl_fact("ns_last_pid=%d", (int)global_pid());
			wl_gate_pass(&ready);
			wl_gate_wait(&go);
			_exit(0);
		}
		wl_gate_wait(&ready);
		_exit(0);
	}
	wl_fact("ns_init_pid=%d", (int)m);
	wl_fact_status("ns_init", wl_wait(m, 0));
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "subreaper")) {
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0))
			wl_die("PR_SET_CHILD_SUBREAPER");
		handover("s");
	} else if (!strcmp(mode, "pidns")) {
		mode_pidns();
	} else if (!strcmp(mode, "ptrace")) {
		mode_ptrace();
	} else if (!strcmp(mode, "exit_signal")) {
		mode_exit_signal();
	} else if (!strcmp(mode, "queue")) {
		mode_queue();
	} else if (!strcmp(mode, "behalf")) {
		mode_behalf();
	} else {
		fprintf(stderr, "usage: senders subreaper|pidns|ptrace|exit_signal|queue|behalf\n");
		return WL_BROKEN;
	}
	return 0;
}
