// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The command run under proctrace: held, followed, released, waited for. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "proctrace/decode.h"
#include "proctrace/command.h"
#include "proctrace/exec_path.h"
#include "proctrace/privileges.h"
#include "proctrace/top_output.h"

struct creds {
	bool change;
	uid_t uid;
	gid_t gid;
	char name[256];
};

/* Under sudo a command should run as the person who typed it, not root. */
static int resolve_creds(const struct pt_run_as *who, struct creds *c, char *err, size_t errlen)
{
	struct pt_user u;
	unsigned long uid;
	struct passwd *pw;
	char *end;
	int ret;

	memset(c, 0, sizeof(*c));
	c->uid = geteuid();
	if (who->user) {
		errno = 0;
		pw = getpwnam(who->user);
		uid = strtoul(who->user, &end, 10);
		if (!pw && *who->user && !*end)
			pw = getpwuid(uid);
		if (!pw)
			return pt_set_err(err, errlen, -ENOENT, "no such user: %s", who->user);
		c->uid = pw->pw_uid;
		c->gid = pw->pw_gid;
		snprintf(c->name, sizeof(c->name), "%s", pw->pw_name);
		c->change = true;
		return 0;
	}
	if (who->as_root)
		return 0;
	ret = pt_invoking_user(&u, err, errlen);
	if (ret || !u.change)
		return ret;
	c->uid = u.uid;
	c->gid = u.gid;
	snprintf(c->name, sizeof(c->name), "%s", u.name);
	c->change = true;
	return 0;
}

static int drop_privileges(const struct creds *c)
{
	if (!c->change)
		return 0;
	if (c->name[0] ? initgroups(c->name, c->gid) : setgroups(0, NULL))
		return -1;
	if (setgid(c->gid) || setuid(c->uid))
		return -1;
	return 0;
}

static void restore_signals(void)
{
	sigset_t none;

	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* execvp(argv[0], argv), its PATH search made without an execve per entry
 * (exec_path.h): the trace holds the command's one exec, not a failed exec
 * for each PATH directory before it. Run in the child as the user, so the
 * search's access checks are the user's, as execvp's are. Returns only on
 * failure, errno set. */
static void exec_command(char **argv)
{
	char path[PATH_MAX];
	int err = pt_exec_path_resolve(argv[0], getenv("PATH"), path, sizeof(path));

	if (err) {
		errno = -err;
		return;
	}
	pt_exec_path_run(path, argv);
}

/* In the child: become the user, wait for the go, run. Never returns.
 * It is the user from the start, not only once released: proctrace, which
 * drops root before releasing it, can then always pass SIGTERM on to it. */
static void run_child(int hold_fd, char **argv, const struct creds *c,
		      const struct pt_top_output *output)
{
	char go;
	ssize_t n;

	/* Signals reach it as they would reach the command, even while held. */
	restore_signals();
	if (drop_privileges(c)) {
		fprintf(stderr, "proctrace: cannot switch to user %s: %s\n", c->name,
			strerror(errno));
		_exit(127);
	}
	do
		n = read(hold_fd, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(127); /* proctrace gave up before releasing us */
	close(hold_fd);
	if (output)
		pt_top_output_child(output);
	exec_command(argv);
	fprintf(stderr, "proctrace: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int pt_command_spawn(struct pt_command *c, char **argv, const struct pt_run_as *who, char *err,
		     size_t errlen)
{
	struct creds cr;
	int fds[2], ret;

	memset(c, 0, sizeof(*c));
	c->go_fd = -1;
	c->pidfd = -1;
	ret = resolve_creds(who, &cr, err, errlen);
	if (ret)
		return ret;
	if (pipe2(fds, O_CLOEXEC))
		return pt_set_err(err, errlen, -errno, "pipe: %s", strerror(errno));
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0) {
		ret = -errno;
		close(fds[0]);
		close(fds[1]);
		return pt_set_err(err, errlen, ret, "fork: %s", strerror(-ret));
	}
	c->uid = cr.uid;
	if (c->pid == 0) {
		close(fds[1]);
		run_child(fds[0], argv, &cr, who->output);
	}
	close(fds[0]);
	c->go_fd = fds[1];
	/* Race-free: the child cannot be reaped by anyone but us, and we have
	 * not waited for it yet. ENOSYS (before 5.3): signalled by pid while
	 * unreaped, see pt_command_kill. */
	c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	return 0;
}

int pt_command_release(struct pt_command *c)
{
	int ret = write(c->go_fd, "g", 1) == 1 ? 0 : -errno;

	close(c->go_fd);
	c->go_fd = -1;
	/* Killed while held (a signal passed on to it): it is over, which
	 * the caller learns from pt_command_poll() like any other end. */
	if (ret == -EPIPE)
		ret = 0;
	return ret;
}

/* Reap it (blocking or not) with the signals whose handlers send it
 * signals held: reaped and done change together for them. */
static void reap(struct pt_command *c, int options)
{
	sigset_t stop_sigs, old;

	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_sigs, &old);
	if (waitpid(c->pid, &c->status, options) == c->pid)
		c->done = 1;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

bool pt_command_poll(struct pt_command *c)
{
	if (!c->done && c->pid > 0)
		reap(c, WNOHANG);
	return c->done;
}

bool pt_command_ended(const struct pt_command *c)
{
	siginfo_t si = { 0 };

	if (c->done)
		return true;
	/* Unreaped, so the pid is still its own. */
	return c->pid > 0 && !waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT) &&
		si.si_pid == c->pid;
}

int pt_command_kill(const struct pt_command *c, int sig)
{
	int ret;

	if (c->pid <= 0 || c->done)
		return -ESRCH;
	if (c->pidfd >= 0)
		ret = (int)syscall(SYS_pidfd_send_signal, c->pidfd, sig, NULL, 0);
	else
		ret = kill(c->pid, sig);
	return ret ? -errno : 0;
}

void pt_command_abort(struct pt_command *c)
{
	if (c->pid > 0 && c->go_fd >= 0) {
		/* Closing the pipe unblocks the held child, which exits 127 unrun. */
		close(c->go_fd);
		c->go_fd = -1;
		reap(c, 0);
	}
	/* pid 0: never spawned (a zeroed struct, whose pidfd is no pidfd). */
	if (c->pid > 0 && c->pidfd >= 0)
		close(c->pidfd);
	c->pidfd = -1;
}

int pt_command_exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
