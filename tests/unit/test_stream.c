// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Live stream: the header, each kind's line, one line per event whatever
 * the text holds, colours only when asked, and write errors. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "writer_fixture.h"

static const char header[] =
	"TIME         EVENT       PID     PPID    PGID    COMM             DETAIL\n";

/* The detail column starts here when comm is ASCII. */
#define DETAIL_COL 66

static const struct pt_stream_opts plain = { .color = false };

/* ---- events ---- */

static void set_comm(char *comm, const char *s, size_t n)
{
	memset(comm, 0, PT_COMM_LEN);
	memcpy(comm, s, n);
}

/* ---- output ---- */

/* Everything the stream printed for these events, header included. */
static char *stream_of(struct pt_event **evs, size_t n, const struct pt_stream_opts *opts)
{
	struct pt_stream *w;
	size_t len, i;
	char *text;
	FILE *f;

	f = open_memstream(&text, &len);
	assert_non_null(f);
	w = pt_stream_open(f, &clock_fixed, opts);
	assert_non_null(w);
	for (i = 0; i < n; i++)
		assert_int_equal(pt_stream_write(w, evs[i]), 0);
	assert_int_equal(pt_stream_close(w), 0);
	fclose(f);
	return text;
}

/* The one line printed for ev (without the header), checked to be one. */
static char *line_of(struct pt_event *ev, const struct pt_stream_opts *opts)
{
	char *text = stream_of(&ev, 1, opts), *line, *nl;

	nl = strchr(text, '\n');
	assert_non_null(nl);
	line = strdup(nl + 1);
	free(text);
	nl = strchr(line, '\n');
	assert_non_null(nl);
	assert_string_equal(nl, "\n");
	return line;
}

static void assert_detail(struct pt_event *ev, const char *want)
{
	char *line = line_of(ev, &plain);
	size_t n = strlen(line);

	assert_true(n > DETAIL_COL);
	line[n - 1] = '\0';
	assert_string_equal(line + DETAIL_COL, want);
	free(line);
}

/* ---- header and columns ---- */

static void test_stream_header(void **state)
{
	char *text = stream_of(NULL, 0, &plain);

	assert_string_equal(text, header);
	free(text);
}

/* The parent is named by the child's comm, a copy of its own at the fork
 * (the one name a capture keeps), not by by.comm read a moment later. */
static void test_stream_fork_line_exact(void **state)
{
	struct pt_event *ev = new_event(PT_FORK, 0);
	char *line = line_of(ev, &plain);

	assert_string_equal(
		line,
		"17:34:37.123 fork        1234    812     1234    worker           forked by worker(812)\n");
	free(line);
	ev->flags = PT_F_NO_ACTOR;
	assert_detail(ev, "forked");
	free(ev);
}

static void test_stream_thread(void **state)
{
	struct pt_event *ev = new_event(PT_THREAD, 0);

	ev->task.tid = 1240;
	assert_detail(ev, "thread 1240 created by tid 813");
	free(ev);
}

/* Every kind's name fits the EVENT column, the longest (exec_failed) too:
 * the pid starts where the header's PID does on every line. */
static void test_stream_event_column_fits_every_kind(void **state)
{
	struct pt_event *ev = new_event(PT_FORK, 0);
	const char *pid_col = strstr(header, "PID");
	char *line;
	unsigned k;

	assert_non_null(pid_col);
	for (k = 1; k < PT_KIND_MAX; k++) {
		if (k == PT_LOST) /* no pid: blank columns */
			continue;
		ev->kind = (__u16)k;
		line = line_of(ev, &(struct pt_stream_opts){ .snapshots = true });
		assert_true(strlen(line) > (size_t)(pid_col - header) + 4);
		if (strncmp(line + (pid_col - header), "1234 ", 5) ||
		    line[pid_col - header - 1] != ' ')
			fail_msg("kind %s: the pid is not under PID: %s", pt_kind_name(k), line);
		free(line);
	}
	free(ev);
}

/* Columns stay aligned with a comm of multibyte characters. */
static void test_stream_comm_padding_counts_characters(void **state)
{
	struct pt_event *ev = new_event(PT_FORK, 0);
	char *line;

	set_comm(ev->task.comm, "caf\xc3\xa9", 5);
	line = line_of(ev, &plain);
	assert_non_null(strstr(line, " caf\xc3\xa9             forked by"));
	free(line);
	/* a comm of 16 characters still leaves one space */
	set_comm(ev->task.comm, "0123456789abcdef", 16);
	line = line_of(ev, &plain);
	assert_non_null(strstr(line, " 0123456789abcdef forked by"));
	free(line);
	free(ev);
}

/* ---- exec ---- */

static void test_stream_exec(void **state)
{
	struct pt_event *ev = NEW_EXEC("ls\0-l\0my dir\0", "/usr/bin/ls");

	assert_detail(ev, "ls -l 'my dir'");
	free(ev);
	ev = NEW_EXEC("/usr/bin/ls\0", "/usr/bin/ls");
	assert_detail(ev, "/usr/bin/ls");
	free(ev);
	/* argv[0] names another program than the one run */
	ev = NEW_EXEC("sh\0-c\0true\0", "/usr/bin/dash");
	assert_detail(ev, "sh -c true (path /usr/bin/dash)");
	free(ev);
}

static void test_stream_exec_flags(void **state)
{
	struct pt_event *ev = NEW_EXEC("cc\0-c\0a.", "/usr/bin/cc");

	ev->flags = PT_F_ARGV_TRUNC;
	ev->exec.args_size = 51234;
	ev->exec.old_tid = 1236;
	assert_detail(ev, "cc -c a. [argv truncated: 8 of 51234 bytes] (from thread 1236)");
	free(ev);

	ev = NEW_EXEC("", "/bin/true");
	ev->flags = PT_F_ARGV_FAULT;
	assert_detail(ev, "[argv unreadable] (path /bin/true)");
	free(ev);

	ev = NEW_EXEC("x\0", "/very/long/pa");
	ev->flags = PT_F_PATH_TRUNC;
	assert_detail(ev, "x (path /very/long/pa [truncated])");
	free(ev);
}

static void test_stream_exec_one_line(void **state)
{
	struct pt_event *ev = NEW_EXEC("printf\0a\nb\0tab\there\0", "/usr/bin/printf");

	assert_detail(ev, "printf $'a\\x0ab' $'tab\\x09here'");
	free(ev);
	ev = NEW_EXEC("x\0", "/tmp/new\nline\xff");
	assert_detail(ev, "x (path /tmp/new\\x0aline\\xff)");
	free(ev);
}

/* ---- exit and reap ---- */

static void test_stream_exit(void **state)
{
	struct pt_event *ev = new_event(PT_EXIT, 0);

	ev->flags = PT_F_GROUP_DEAD;
	ev->exit = (struct pt_exit){
		.status = 3 << 8,
		.usage.utime_ns = 3000000,
		.usage.stime_ns = 1000000,
		.usage.runtime_ns = 8000000,
		.usage.maxrss_kb = 5120,
	};
	assert_detail(ev, "exit 3 cpu at exit 6.0ms user + 2.0ms sys, maxrss 5120 KiB");
	ev->exit.status = 9;
	ev->exit.usage.runtime_ns = 12500000000ull;
	assert_detail(ev,
		      "killed by SIGKILL cpu at exit 9.375s user + 3.125s sys, maxrss 5120 KiB");
	ev->exit.status = 6 | 0x80;
	ev->exit.usage.utime_ns = 0;
	ev->exit.usage.stime_ns = 0;
	ev->exit.usage.runtime_ns = 123456;
	assert_detail(
		ev,
		"killed by SIGABRT (core dumped) cpu at exit 0.1ms user + 0.0ms sys, maxrss 5120 KiB");
	/* Its age, from the task's start to the exit */
	ev->exit.age_ns = 2500000000ull;
	assert_detail(
		ev,
		"killed by SIGABRT (core dumped) age 2.500s cpu at exit 0.1ms user + 0.0ms sys, "
		"maxrss 5120 KiB");
	ev->exit.age_ns = 0;
	ev->flags = 0;
	ev->exit.status = 0;
	assert_detail(ev, "thread exit 0");
	ev->exit.status = 9;
	assert_detail(ev, "thread killed by SIGKILL");
	free(ev);
}

static void test_stream_reap(void **state)
{
	struct pt_event *ev = new_event(PT_REAP, 0);

	ev->reap.exit_ns = TS_NS_VALUE - 212000000;
	ev->by = (struct pt_actor){ .pid = 900, .tid = 901, .comm = "make" };
	assert_detail(ev, "zombie 212 ms, reaped by make(900)");
	ev->flags = PT_F_AUTOREAP;
	ev->reap.exit_ns = TS_NS_VALUE - 300000;
	assert_detail(ev, "zombie 0 ms, reaped automatically");
	ev->flags = PT_F_REAPER_UNKNOWN | PT_F_NO_ACTOR;
	assert_detail(ev, "zombie 0 ms, released, reaper not seen");
	ev->flags = PT_F_REAP_AT_FREE;
	assert_detail(ev, "zombie 0 ms, reaped by make(900), seen at its free");
	ev->flags = 0;
	ev->reap.exit_ns = 0;
	assert_detail(ev, "reaped by make(900)");
	/* The final figures, what the reaping wait4() returned */
	ev->reap.usage_at = PT_USAGE_RELEASED;
	ev->reap.usage = (struct pt_usage){
		.utime_ns = 3000000,
		.stime_ns = 1000000,
		.runtime_ns = 8000000,
		.maxrss_kb = 5120,
	};
	assert_detail(ev, "reaped by make(900), cpu 6.0ms user + 2.0ms sys, maxrss 5120 KiB");
	free(ev);
}

/* ---- signals ---- */

static void test_stream_signal(void **state)
{
	struct pt_event *ev = new_event(PT_SIGNAL, 0);

	ev->signal.sig = 15;
	assert_detail(ev, "SIGTERM from bash(812)");
	ev->signal.result = PT_SIG_IGNORED;
	assert_detail(ev, "SIGTERM from bash(812) (ignored)");
	ev->signal.result = PT_SIG_ALREADY_PENDING;
	assert_detail(ev, "SIGTERM from bash(812) (already pending)");
	ev->signal.result = PT_SIG_DELIVERED;
	ev->signal.sig = 11;
	ev->flags = PT_F_KERNEL_SENDER;
	assert_detail(ev, "SIGSEGV from kernel");
	ev->flags = PT_F_NO_ACTOR;
	ev->signal.sig = 64;
	assert_detail(ev, "SIGRTMAX");
	free(ev);
}

static void test_stream_stop_and_continue(void **state)
{
	struct pt_event *ev = new_event(PT_STOP, 0);

	ev->signal.sig = 19;
	assert_detail(ev, "stopped by SIGSTOP from bash(812)");
	ev->signal.sig = 20;
	ev->flags = PT_F_KERNEL_SENDER;
	assert_detail(ev, "stopped by SIGTSTP from kernel");
	ev->kind = PT_CONTINUE;
	ev->signal.sig = 18;
	ev->flags = 0;
	assert_detail(ev, "continued by SIGCONT from bash(812)");
	free(ev);
}

/* ---- groups, sessions, names, losses, snapshots ---- */

static void test_stream_setpgid_and_setsid(void **state)
{
	struct pt_event *ev = new_event(PT_SETPGID, 0);

	ev->setpg.old_pgid = 1000;
	assert_detail(ev, "pgid 1000 -> 1234 by bash(812)");
	ev->kind = PT_SETSID;
	ev->setpg.old_sid = 812;
	ev->task.sid = 1234;
	assert_detail(ev, "new session: sid 812 -> 1234, pgid 1000 -> 1234");
	free(ev);
}

static void test_stream_rename(void **state)
{
	struct pt_event *ev = new_event(PT_RENAME, 0);

	set_comm(ev->rename.old_comm, "old", 3);
	assert_detail(ev, "renamed old -> worker");
	set_comm(ev->rename.old_comm, "\x1b[2J", 4);
	assert_detail(ev, "renamed \\x1b[2J -> worker");
	free(ev);
}

static void test_stream_lost(void **state)
{
	struct pt_event *ev = new_event(PT_LOST, 0);
	char *line;

	ev->flags = PT_F_NO_ACTOR;
	ev->lost.count = 37;
	ev->lost.by_kind[PT_EXEC] = 12;
	ev->lost.by_kind[PT_EXIT] = 25;
	line = line_of(ev, &plain);
	/* no process: the pid and comm columns are blank */
	assert_string_equal(line,
			    "17:34:37.123 lost                                                 "
			    "lost 37 events (exec 12, exit 25)\n");
	free(line);
	memset(ev->lost.by_kind, 0, sizeof(ev->lost.by_kind));
	ev->lost.count = 5;
	assert_detail(ev, "lost 5 events");
	free(ev);
}

static void test_stream_snapshot_only_when_asked(void **state)
{
	struct pt_stream_opts with = { .snapshots = true };
	struct pt_event *ev = new_event(PT_SNAPSHOT, 0);
	char *text, *line;

	ev->task.state = PT_STATE_STOPPED;
	text = stream_of(&ev, 1, &plain);
	assert_string_equal(text, header);
	free(text);
	line = line_of(ev, &with);
	assert_string_equal(line + DETAIL_COL, "already running (stopped)\n");
	free(line);
	free(ev);
}

/* ---- one event, one line ---- */

static void test_stream_one_line_per_event(void **state)
{
	struct pt_event *ev = new_event(PT_FORK, 0);
	char *line;

	set_comm(ev->task.comm, "evil\nname\r\xff\\", 13);
	set_comm(ev->by.comm, "par\nent", 7);
	line = line_of(ev, &plain); /* asserts a single line */
	assert_non_null(strstr(line, " evil\\x0aname\\x0d\\xff\\\\ "));
	assert_non_null(strstr(line, "forked by evil\\x0aname\\x0d\\xff\\\\(812)"));
	assert_null(strchr(line, '\r'));
	free(line);
	ev->kind = PT_REAP;
	line = line_of(ev, &plain);
	assert_non_null(strstr(line, "reaped by par\\x0aent(812)"));
	free(line);
	free(ev);
}

/* ---- colour ---- */

static void assert_colored(struct pt_event *ev, const char *code)
{
	const struct pt_stream_opts color = { .color = true };
	char *line = line_of(ev, &color);
	size_t n = strlen(line);

	if (!code) {
		assert_null(strchr(line, '\033'));
	} else {
		assert_true(!strncmp(line, code, strlen(code)));
		assert_true(n > 5);
		assert_string_equal(line + n - 5, "\033[0m\n");
	}
	free(line);
}

static void test_stream_colors_by_kind(void **state)
{
	struct pt_event *ev = new_event(PT_FORK, 0);

	assert_colored(ev, "\033[36m");
	ev->kind = PT_THREAD;
	assert_colored(ev, "\033[36m");
	ev->kind = PT_SIGNAL;
	assert_colored(ev, "\033[33m");
	ev->kind = PT_STOP;
	assert_colored(ev, "\033[35m");
	ev->kind = PT_CONTINUE;
	assert_colored(ev, "\033[35m");
	ev->kind = PT_REAP;
	assert_colored(ev, "\033[2m");
	ev->kind = PT_LOST;
	assert_colored(ev, "\033[31m");
	ev->kind = PT_EXIT;
	ev->flags = PT_F_GROUP_DEAD;
	ev->exit.status = 0;
	assert_colored(ev, NULL);
	ev->exit.status = 15;
	assert_colored(ev, "\033[31m");
	ev->kind = PT_SETPGID;
	assert_colored(ev, NULL);
	free(ev);
	ev = NEW_EXEC("ls\0", "/bin/ls");
	assert_colored(ev, "\033[32m");
	free(ev);
}

static void test_stream_no_color_unless_asked(void **state)
{
	struct pt_stream_opts opts = { .snapshots = true };
	struct pt_event *evs[PT_KIND_MAX];
	unsigned k;
	char *text;

	for (k = 1; k < PT_KIND_MAX; k++) {
		evs[k - 1] = new_event(k, 0);
		evs[k - 1]->exit.status = 9;
	}
	text = stream_of(evs, PT_KIND_MAX - 1, &opts);
	assert_null(strchr(text, '\033'));
	free(text);
	opts.color = true;
	text = stream_of(evs, PT_KIND_MAX - 1, &opts);
	assert_non_null(strchr(text, '\033'));
	free(text);
	for (k = 1; k < PT_KIND_MAX; k++)
		free(evs[k - 1]);
}

/* ---- errors ---- */

static void test_stream_write_errors(void **state)
{
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	struct pt_event *ev = new_event(PT_FORK, 0);
	struct pt_stream *w;
	int fds[2];
	FILE *f;

	f = fopen("/dev/full", "w");
	assert_non_null(f);
	w = pt_stream_open(f, &clock_fixed, &plain);
	assert_non_null(w);
	assert_int_equal(pt_stream_write(w, ev), 0); /* still buffered */
	assert_int_equal(pt_stream_close(w), -ENOSPC);
	fclose(f);

	assert_int_equal(pipe(fds), 0);
	f = fdopen(fds[1], "w");
	assert_non_null(f);
	setvbuf(f, NULL, _IOLBF, 0);
	w = pt_stream_open(f, &clock_fixed, &plain);
	assert_non_null(w);
	close(fds[0]);
	assert_int_equal(pt_stream_write(w, ev), -EPIPE);
	assert_int_equal(pt_stream_write(w, ev), -EPIPE);
	assert_int_equal(pt_stream_close(w), -EPIPE);
	fclose(f);

	f = fopen("/dev/full", "w");
	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	errno = 0;
	assert_null(pt_stream_open(f, &clock_fixed, &plain));
	assert_int_equal(errno, ENOSPC);
	fclose(f);
	signal(SIGPIPE, old);
	free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_header),
		cmocka_unit_test(test_stream_fork_line_exact),
		cmocka_unit_test(test_stream_thread),
		cmocka_unit_test(test_stream_event_column_fits_every_kind),
		cmocka_unit_test(test_stream_comm_padding_counts_characters),
		cmocka_unit_test(test_stream_exec),
		cmocka_unit_test(test_stream_exec_flags),
		cmocka_unit_test(test_stream_exec_one_line),
		cmocka_unit_test(test_stream_exit),
		cmocka_unit_test(test_stream_reap),
		cmocka_unit_test(test_stream_signal),
		cmocka_unit_test(test_stream_stop_and_continue),
		cmocka_unit_test(test_stream_setpgid_and_setsid),
		cmocka_unit_test(test_stream_rename),
		cmocka_unit_test(test_stream_lost),
		cmocka_unit_test(test_stream_snapshot_only_when_asked),
		cmocka_unit_test(test_stream_one_line_per_event),
		cmocka_unit_test(test_stream_colors_by_kind),
		cmocka_unit_test(test_stream_no_color_unless_asked),
		cmocka_unit_test(test_stream_write_errors),
	};

	/* local time is UTC here, so the expected times are fixed */
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
