// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * setpgid() on every kind of target the kernel accepts, and on some it
 * refuses. The parent P holds 200 children (more than a tracer could find by
 * scanning a list) plus one child forked by a second thread, then moves:
 *   newest   setpgid(newest, newest)        a new group
 *   joiner   setpgid(second newest, newest)  into an existing group
 *   oldest   setpgid(oldest, 0)              pgid 0: its own pid
 *   tchild   setpgid(tchild, tchild)         forked by the other thread,
 *                                            moved by the main thread
 *   self     setpgid(0, 0) in a child        the caller itself
 *   selfnum  setpgid(getpid(), 0) called by a non-leader thread of a child:
 *                                            the process moves
 * and tries what the kernel refuses (each must leave no setpgid row):
 *   grandchild (ESRCH: not a child), execd child (EACCES), a child into the
 *   group of another session (EPERM), a session leader (EPERM).
 * Then, inside a new pid namespace, its init moves its children by the
 * numbers they have there (nsnew: new group, nsjoin: into nsnew's group).
 * Every target reports its pid, and its group as getpgid() says after the
 * move; P reports each refused call's errno.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include "workload.h"

#define NCHILD 200

static struct wl_gate hold; /* children wait here until the end */

static void hold_until_end(void)
{
	char c;

	close(hold.fd[1]);
	while (read(hold.fd[0], &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static pid_t held_child(void)
{
	pid_t pid = wl_fork();

	if (pid == 0)
		hold_until_end();
	return pid;
}

static pid_t tchild;
static struct wl_gate forked, done;

static void *forker(void *arg)
{
	(void)arg;
	tchild = held_child();
	wl_gate_pass(&forked);
	/* stays alive: a thread's children move to another thread at its end */
	wl_gate_wait(&done);
	return NULL;
}

/* The caller is this thread, under a name of its own: the row names the
 * thread that called, not the process's leader. */
static void *move_self(void *arg)
{
	if (prctl(PR_SET_NAME, "mover", 0, 0, 0))
		wl_die("PR_SET_NAME");
	wl_fact("selfnum_caller_tid=%d", (int)gettid());
	*(int *)arg = setpgid(getpid(), 0) ? errno : 0;
	return NULL;
}

/* A refused setpgid: its errno as a fact, or the workload is broken. */
static void refused(const char *what, pid_t pid, pid_t pgid, int want)
{
	if (setpgid(pid, pgid) == 0 || errno != want) {
		errno = errno ? errno : EINVAL;
		wl_die(what);
	}
	wl_fact("%s_errno=%d", what, want);
}

/* Global pid of the caller (the outermost NSpid), as the tracer names it. */
static pid_t global_pid(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	pid_t pid = 0;

	if (!f)
		wl_die("/proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "NSpid:", 6))
			pid = (pid_t)strtol(line + 6, NULL, 10);
	fclose(f);
	if (!pid)
		wl_die("no NSpid line");
	return pid;
}

/* Pid namespace part, run by its init: children reached by their numbers
 * in the namespace. */
static void ns_init(void)
{
	struct wl_gate told;
	pid_t a, b;
	int i;

	wl_fact("nsinit_pid=%d", (int)global_pid());
	wl_gate_open(&told);
	a = wl_fork();
	if (a == 0) {
		wl_fact("nsnew_pid=%d", (int)global_pid());
		wl_fact("nsnew_ns_pid=%d", (int)getpid());
		wl_gate_pass(&told);
		hold_until_end();
	}
	b = wl_fork();
	if (b == 0) {
		wl_fact("nsjoin_pid=%d", (int)global_pid());
		wl_gate_pass(&told);
		hold_until_end();
	}
	wl_gate_wait(&told);
	wl_gate_wait(&told);
	if (setpgid(a, a) || setpgid(b, a))
		wl_die("setpgid in the pid namespace");
	wl_fact("nsnew_pgid_ns=%d", (int)getpgid(a));
	wl_fact("nsjoin_pgid_ns=%d", (int)getpgid(b));
	close(hold.fd[1]);
	for (i = 0; i < 2; i++)
		wl_wait(-1, 0);
	_exit(0);
}

int main(void)
{
	pid_t kids[NCHILD], self, selfnum, grandparent, grandchild, execd, other;
	struct wl_gate ready;
	pthread_t t;
	int i, n;

	wl_fact("parent_pid=%d", (int)getpid());
	wl_fact("parent_pgid=%d", (int)getpgrp());
	wl_gate_open(&hold);
	wl_gate_open(&forked);
	wl_gate_open(&done);
	if (pthread_create(&t, NULL, forker, NULL))
		wl_die("pthread_create");
	wl_gate_wait(&forked);
	for (i = 0; i < NCHILD; i++)
		kids[i] = held_child();

	if (setpgid(kids[NCHILD - 1], kids[NCHILD - 1]) ||
	    setpgid(kids[NCHILD - 2], kids[NCHILD - 1]) || setpgid(kids[0], 0) ||
	    setpgid(tchild, tchild))
		wl_die("setpgid");
	wl_fact("newest_pid=%d", (int)kids[NCHILD - 1]);
	wl_fact("newest_pgid=%d", (int)getpgid(kids[NCHILD - 1]));
	wl_fact("joiner_pid=%d", (int)kids[NCHILD - 2]);
	wl_fact("joiner_pgid=%d", (int)getpgid(kids[NCHILD - 2]));
	wl_fact("oldest_pid=%d", (int)kids[0]);
	wl_fact("oldest_pgid=%d", (int)getpgid(kids[0]));
	wl_fact("tchild_pid=%d", (int)tchild);
	wl_fact("tchild_pgid=%d", (int)getpgid(tchild));
	wl_fact("untouched_pid=%d", (int)kids[1]);

	self = wl_fork();
	if (self == 0) {
		if (setpgid(0, 0))
			wl_die("setpgid(0, 0)");
		wl_fact("self_pgid=%d", (int)getpgrp());
		_exit(0);
	}
	wl_fact("self_pid=%d", (int)self);
	wl_wait(self, 0);

	selfnum = wl_fork();
	if (selfnum == 0) {
		pthread_t mover;
		int err = -1;

		if (pthread_create(&mover, NULL, move_self, &err) || pthread_join(mover, NULL))
			wl_die("mover thread");
		errno = err;
		if (err)
			wl_die("setpgid(getpid(), 0) from a thread");
		wl_fact("selfnum_pgid=%d", (int)getpgrp());
		_exit(0);
	}
	wl_fact("selfnum_pid=%d", (int)selfnum);
	wl_wait(selfnum, 0);

	/* Refused: a grandchild, a child after exec, another session's group,
	 * a session leader. */
	wl_gate_open(&ready);
	grandparent = wl_fork();
	if (grandparent == 0) {
		pid_t gc = held_child();

		close(hold.fd[1]);
		if (write(ready.fd[1], &gc, sizeof(gc)) != sizeof(gc))
			wl_die("write");
		wl_wait(gc, 0);
		_exit(0);
	}
	if (read(ready.fd[0], &grandchild, sizeof(grandchild)) != sizeof(grandchild))
		wl_die("read");
	execd = wl_fork();
	if (execd == 0) {
		/* cat copies the hold pipe, so it ends with the other children */
		if (dup2(hold.fd[0], STDIN_FILENO) < 0)
			wl_die("dup2");
		close(hold.fd[1]);
		execlp("cat", "cat", (char *)NULL);
		wl_die("exec cat");
	}
	other = wl_fork();
	if (other == 0) {
		if (setsid() < 0)
			wl_die("setsid");
		wl_gate_pass(&ready);
		hold_until_end();
	}
	wl_gate_wait(&ready);
	wl_fact("grandchild_pid=%d", (int)grandchild);
	wl_fact("execd_pid=%d", (int)execd);
	wl_fact("other_pid=%d", (int)other);
	refused("grandchild", grandchild, grandchild, ESRCH);
	/* exec has happened once cat's comm says so */
	for (n = 0; n < 100000; n++) {
		char path[64], comm[32] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)execd);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = 0;
			fclose(f);
		}
		if (!strcmp(comm, "cat\n"))
			break;
		sched_yield();
	}
	refused("execd", execd, execd, EACCES);
	refused("other_session", kids[1], other, EPERM);
	refused("session_leader", other, other, EPERM);

	wl_gate_pass(&done);
	pthread_join(t, NULL);

	/* Pid namespace: its init moves its own children. */
	if (unshare(CLONE_NEWPID))
		wl_die("unshare(CLONE_NEWPID)");
	if (wl_fork() == 0)
		ns_init();

	close(hold.fd[1]);
	for (i = 0; i < NCHILD + 5; i++)
		wl_wait(-1, 0);
	return 0;
}
