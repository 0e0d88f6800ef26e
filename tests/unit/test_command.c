// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* command.c: the command is signalled through its pidfd while it exists,
 * never once reaped, and its end is seen before it is reaped. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "proctrace/command.h"

/* Spawned as ourselves (as root it would otherwise ask for SUDO_UID's
 * user), and released. */
static void spawn(struct pt_command *c, char **argv)
{
	struct pt_run_as who = { .as_root = true };
	char err[256] = "";

	assert_int_equal(pt_command_spawn(c, argv, &who, err, sizeof(err)), 0);
	assert_true(c->pid > 0);
	assert_int_equal(pt_command_release(c), 0);
}

/* Block until it has exited, without reaping it (a gate, not a delay). */
static void wait_exited(const struct pt_command *c)
{
	siginfo_t si = { 0 };

	assert_int_equal(waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(si.si_pid, c->pid);
}

static void test_command_pidfd_taken_at_spawn(void **state)
{
	char *argv[] = { "true", NULL };
	struct pt_command c;

	int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);

	spawn(&c, argv);
	/* Where pidfds exist (Linux 5.3; not under valgrind, which does not
	 * know the call), the command gets one. */
	if (fd >= 0) {
		assert_true(c.pidfd >= 0);
		assert_true(fcntl(c.pidfd, F_GETFD) & FD_CLOEXEC);
		close(fd);
	} else {
		assert_int_equal(c.pidfd, -1);
	}
	wait_exited(&c);
	assert_true(pt_command_poll(&c));
	pt_command_abort(&c);
	assert_int_equal(c.pidfd, -1);
}

static void test_command_ended_before_reaped(void **state)
{
	char *argv[] = { "sh", "-c", "exit 7", NULL };
	struct pt_command c;

	spawn(&c, argv);
	wait_exited(&c);
	/* A zombie still: ended, not done, and its pid is still its own. */
	assert_true(pt_command_ended(&c));
	assert_false(c.done);
	assert_int_equal(kill(c.pid, 0), 0);
	assert_true(pt_command_poll(&c));
	assert_true(WIFEXITED(c.status));
	assert_int_equal(pt_command_exit_code(c.status), 7);
	assert_true(pt_command_ended(&c));
	/* Reaped: nothing is sent any more, whoever has the pid now. */
	assert_int_equal(pt_command_kill(&c, SIGTERM), -ESRCH);
	pt_command_abort(&c);
}

static void test_command_kill_reaches_it(void **state)
{
	char *argv[] = { "sleep", "30", NULL };
	struct pt_command c;

	spawn(&c, argv);
	assert_false(pt_command_ended(&c));
	assert_int_equal(pt_command_kill(&c, SIGTERM), 0);
	wait_exited(&c);
	assert_true(pt_command_poll(&c));
	assert_true(WIFSIGNALED(c.status));
	assert_int_equal(WTERMSIG(c.status), SIGTERM);
	assert_int_equal(pt_command_exit_code(c.status), 128 + SIGTERM);
	pt_command_abort(&c);
}

/* A kernel without pidfds: kill(2), only while unreaped. */
static void test_command_kill_without_pidfd(void **state)
{
	char *argv[] = { "sleep", "30", NULL };
	struct pt_command c;

	spawn(&c, argv);
	if (c.pidfd >= 0)
		close(c.pidfd);
	c.pidfd = -1;
	assert_int_equal(pt_command_kill(&c, SIGKILL), 0);
	wait_exited(&c);
	assert_true(pt_command_poll(&c));
	assert_int_equal(WTERMSIG(c.status), SIGKILL);
	assert_int_equal(pt_command_kill(&c, SIGTERM), -ESRCH);
	pt_command_abort(&c);
}

/* A command never spawned (a zeroed struct): abort closes nothing, fd 0
 * least of all. */
static void test_command_abort_never_spawned(void **state)
{
	struct pt_command c = { 0 };
	int fd = dup(STDIN_FILENO);

	assert_true(fd >= 0);
	pt_command_abort(&c);
	assert_true(fcntl(STDIN_FILENO, F_GETFD) >= 0);
	assert_false(pt_command_ended(&c));
	assert_int_equal(pt_command_kill(&c, SIGTERM), -ESRCH);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_pidfd_taken_at_spawn),
		cmocka_unit_test(test_command_ended_before_reaped),
		cmocka_unit_test(test_command_kill_reaches_it),
		cmocka_unit_test(test_command_kill_without_pidfd),
		cmocka_unit_test(test_command_abort_never_spawned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
