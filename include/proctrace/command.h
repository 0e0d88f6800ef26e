/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Running a command under proctrace: it is started held, so the tracer can
 * follow its pid before it runs its first instruction, then released. */
#ifndef PROCTRACE_COMMAND_H
#define PROCTRACE_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct pt_command {
	pid_t pid;
	int go_fd; /* write end of the pipe the held child waits on */
	bool done;
	int status; /* wait status once done */
	uid_t uid;  /* the user it runs as */
};

/* Who the command runs as: under sudo the invoking user, unless as_root;
 * run_as names another user. */
struct pt_run_as {
	const char *user; /* -u USER, or NULL */
	bool as_root;	  /* --as-root */
};

/* Fork the command, held before exec. On failure, -errno and one line in err. */
int pt_command_spawn(struct pt_command *c, char **argv, const struct pt_run_as *who, char *err,
		     size_t errlen);
/* Let it run. */
int pt_command_release(struct pt_command *c);
/* Non-blocking: true once it has exited (and was reaped). */
bool pt_command_poll(struct pt_command *c);
/* Reap a command that was never released (setup failed); a released one
 * is left alone. */
void pt_command_abort(struct pt_command *c);
/* What proctrace exits with: the command's code, or 128+N for signal N. */
int pt_command_exit_code(int status);

#endif
