/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Running a command under proctrace: it is started held, so the tracer can
 * follow its pid before it runs its first instruction, then released. */
#ifndef PROCTRACE_COMMAND_H
#define PROCTRACE_COMMAND_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct pt_command {
	pid_t pid;
	/* pidfd_open(pid), taken at once after fork, while only proctrace can
	 * reap it: it names this process and no other, even once its pid is
	 * reused. -1 on a kernel without pidfds (before 5.3). */
	int pidfd;
	int go_fd; /* write end of the pipe the held child waits on */
	/* Reaped (set with SIGINT and SIGTERM blocked, so that a signal
	 * handler sees either an unreaped pid or done): pid may belong to
	 * another process from then on. */
	volatile sig_atomic_t done;
	int status; /* wait status once done */
	uid_t uid;  /* the user it runs as */
};

/* Who the command runs as: under sudo the invoking user, unless as_root;
 * run_as names another user. */
struct pt_top_output;
struct pt_run_as {
	const char *user; /* -u USER, or NULL */
	bool as_root;	  /* --as-root */
	/* --top: its stdout/stderr on the view's pty (top_output.h); NULL:
	 * proctrace's own */
	const struct pt_top_output *output;
};

/* Fork the command, held before exec. On failure, -errno and one line in err. */
int pt_command_spawn(struct pt_command *c, char **argv, const struct pt_run_as *who, char *err,
		     size_t errlen);
/* Let it run. */
int pt_command_release(struct pt_command *c);
/* Non-blocking: true once it has exited (and was reaped). */
bool pt_command_poll(struct pt_command *c);
/* Async-signal-safe. Whether the command has ended: reaped, or exited and
 * waiting to be reaped (waitid with WNOWAIT). */
bool pt_command_ended(const struct pt_command *c);
/* Async-signal-safe. Send sig to the command through its pidfd
 * (pidfd_send_signal), or with kill(2) where the kernel has no pidfd, and
 * then only while it is unreaped: never to a process that took its pid.
 * 0 once sent, -ESRCH when it has ended, else -errno (EPERM). */
int pt_command_kill(const struct pt_command *c, int sig);
/* Reap a command that was never released (setup failed); a released one
 * is left alone. Then closes the pidfd. */
void pt_command_abort(struct pt_command *c);
/* What proctrace exits with: the command's code, or 128+N for signal N. */
int pt_command_exit_code(int status);

#endif
