// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* CSV writer: the header, each kind's columns and detail, quoting and
 * escaping (the file read back by real parsers, and write errors:
 * test_csv_files.c). */
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "csv_fixture.h"

/* ---- header and common columns ---- */

static void test_csv_header_exact(void **state)
{
	char *text = csv_of(NULL, 0);

	assert_string_equal(text, header);
	free(text);
}

static void test_csv_fork_row_exact(void **state)
{
	struct pt_event *ev = new_event(PT_FORK, 0);
	char *row = row_of(ev);

	assert_string_equal(
		row,
		"1000123456789,2026-11-25T17:34:37.123456Z,fork,1234,1234,812,"
		"1234,812,1000,worker,812,,,,alive,,,,,,,,,,,,,,,,,,,,,34,4026531836,4242,"
		"parent_tid=813\n");
	free(row);
	free(ev);
}

static void test_csv_fork_and_thread(void **state)
{
	struct pt_event *ev = new_event(PT_FORK, 0);
	struct fields fl;

	ev->flags = PT_F_NO_ACTOR;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[EVENT], "fork");
	ASSERT_EMPTY(&fl, BY_PID, DETAIL, NOT_EXIT, NOT_EXEC);
	fields_free(&fl);

	ev->kind = PT_THREAD;
	ev->flags = 0;
	ev->task.tid = 1240;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[EVENT], "thread");
	assert_string_equal(fl.v[TID], "1240");
	assert_string_equal(fl.v[BY_PID], "813"); /* the creating thread */
	assert_string_equal(fl.v[DETAIL], "creator_tid=813");
	ASSERT_EMPTY(&fl, NOT_EXIT, NOT_EXEC);
	fields_free(&fl);
	free(ev);
}

static void test_csv_snapshot(void **state)
{
	struct pt_event *ev = new_event(PT_SNAPSHOT, 0);
	struct fields fl;

	ev->task.state = PT_STATE_STOPPED;
	ev->flags = PT_F_NO_ACTOR;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[EVENT], "snapshot");
	assert_string_equal(fl.v[STATE], "stopped");
	assert_string_equal(fl.v[DETAIL], "start_ns=1000123456789");
	assert_string_equal(fl.v[CGROUP_ID], "4242");
	ASSERT_EMPTY(&fl, BY_PID, NOT_EXIT, NOT_EXEC);
	fields_free(&fl);
	free(ev);
}

/* ---- exec ---- */

static void test_csv_exec(void **state)
{
	struct pt_event *ev = NEW_EXEC("ls\0-l\0my dir\0", "/usr/bin/ls");
	struct fields fl;

	fields_of(ev, &fl);
	assert_string_equal(fl.v[EVENT], "exec");
	assert_string_equal(fl.v[FILENAME], "/usr/bin/ls");
	assert_string_equal(fl.v[ARGV], "ls -l 'my dir'");
	assert_string_equal(fl.v[DETAIL], "argc=2 args_size=13");
	ASSERT_EMPTY(&fl, BY_PID, NOT_EXIT);
	fields_free(&fl);
	free(ev);
}

static void test_csv_exec_flags(void **state)
{
	struct pt_event *ev = NEW_EXEC("cc\0-c\0a.", "/usr/bin/x86_64-linux-gnu-gcc-12");
	struct fields fl;

	ev->flags = PT_F_ARGV_TRUNC | PT_F_PATH_TRUNC;
	ev->exec.argc = 900;
	ev->exec.args_size = 51234;
	ev->exec.old_tid = 1236;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[ARGV], "cc -c a.");
	assert_string_equal(fl.v[DETAIL],
			    "argc=900 args_size=51234 argv_truncated=1 captured=8 "
			    "path_truncated=1 old_tid=1236");
	fields_free(&fl);
	free(ev);

	ev = NEW_EXEC("", "/bin/true");
	ev->flags = PT_F_ARGV_FAULT;
	ev->exec.argc = 1;
	ev->exec.args_size = 5;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[FILENAME], "/bin/true");
	assert_string_equal(fl.v[ARGV], "");
	assert_string_equal(fl.v[DETAIL], "argc=1 args_size=5 argv_unreadable=1");
	fields_free(&fl);
	free(ev);
}

/* argv is shell text already: quoted for CSV, never backslash-escaped */
static void test_csv_exec_argv_not_escaped_twice(void **state)
{
	struct pt_event *ev = NEW_EXEC("printf\0a\\b,\"c\"\0x\ny\0\xff\0", "/usr/bin/printf");
	struct fields fl;
	char *row;

	fields_of(ev, &fl);
	assert_string_equal(fl.v[ARGV], "printf 'a\\b,\"c\"' 'x\ny' $'\\xff'");
	fields_free(&fl);
	row = row_of(ev);
	assert_non_null(strstr(row, ",\"printf 'a\\b,\"\"c\"\"' 'x\ny' $'\\xff'\","));
	free(row);
	free(ev);
}

static void test_csv_exec_filename_escaped(void **state)
{
	struct pt_event *ev = NEW_EXEC("x\0", "/tmp/we\\ird,\xff\n");
	struct fields fl;

	fields_of(ev, &fl);
	assert_string_equal(fl.v[FILENAME], "/tmp/we\\\\ird,\\xff\n");
	fields_free(&fl);
	free(ev);
}

/* ---- exit ---- */

static void test_csv_exit_normal(void **state)
{
	struct pt_event *ev = new_event(PT_EXIT, 0);
	struct fields fl;

	ev->flags = PT_F_GROUP_DEAD;
	ev->task.state = PT_STATE_ZOMBIE;
	ev->exit = (struct pt_exit){
		.status = 3 << 8,
		.usage.utime_ns = 3000000,
		.usage.stime_ns = 1000000,
		.usage.runtime_ns = 8000000,
		.usage.maxrss_kb = 5120,
		.usage.minflt = 300,
		.usage.majflt = 2,
		.usage.nvcsw = 17,
		.usage.nivcsw = 4,
	};
	fields_of(ev, &fl);
	assert_string_equal(fl.v[EVENT], "exit");
	assert_string_equal(fl.v[STATE], "zombie");
	assert_string_equal(fl.v[SIGNAL], "");
	assert_string_equal(fl.v[EXIT_CODE], "3");
	assert_string_equal(fl.v[CORE_DUMPED], "0");
	/* 8 ms split 3:1 */
	assert_string_equal(fl.v[CPU_USER_US], "6000");
	assert_string_equal(fl.v[CPU_SYS_US], "2000");
	assert_string_equal(fl.v[MAXRSS_KB], "5120");
	assert_string_equal(fl.v[MINFLT], "300");
	assert_string_equal(fl.v[MAJFLT], "2");
	assert_string_equal(fl.v[NVCSW], "17");
	assert_string_equal(fl.v[NIVCSW], "4");
	assert_string_equal(fl.v[DETAIL], "status=0x0300 at_exit=1");
	ASSERT_EMPTY(&fl, BY_PID, NOT_EXEC);
	fields_free(&fl);
	free(ev);
}

static void test_csv_exit_killed_and_thread(void **state)
{
	struct pt_event *ev = new_event(PT_EXIT, 0);
	struct fields fl;

	ev->flags = PT_F_GROUP_DEAD;
	ev->exit.status = 9;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[SIGNAL], "SIGKILL");
	assert_string_equal(fl.v[EXIT_CODE], "");
	assert_string_equal(fl.v[CORE_DUMPED], "0");
	assert_string_equal(fl.v[DETAIL], "status=0x0009 at_exit=1");
	fields_free(&fl);

	ev->exit.status = 6 | 0x80;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[SIGNAL], "SIGABRT");
	assert_string_equal(fl.v[CORE_DUMPED], "1");
	assert_string_equal(fl.v[DETAIL], "status=0x0086 at_exit=1");
	fields_free(&fl);

	ev->flags = 0;
	ev->exit.status = 0;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[EXIT_CODE], "0");
	assert_string_equal(fl.v[DETAIL], "thread_exit=1 status=0x0000 at_exit=1");
	fields_free(&fl);
	free(ev);
}

/* ---- reap ---- */

static void test_csv_reap(void **state)
{
	struct pt_event *ev = new_event(PT_REAP, 0);
	struct fields fl;

	ev->task.state = PT_STATE_REAPED;
	ev->reap.exit_ns = TS_NS_VALUE - 212000000;
	ev->by = (struct pt_actor){ .pid = 900, .tid = 901, .comm = "make" };
	fields_of(ev, &fl);
	assert_string_equal(fl.v[STATE], "reaped");
	assert_string_equal(fl.v[BY_PID], "900");
	assert_string_equal(fl.v[DETAIL], "zombie_ns=212000000 reaper_tid=901 reaper_comm=make");
	ASSERT_EMPTY(&fl, NOT_EXIT, NOT_EXEC);
	fields_free(&fl);

	ev->flags = PT_F_AUTOREAP;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[BY_PID], "");
	assert_string_equal(fl.v[DETAIL], "reaped=auto zombie_ns=212000000");
	fields_free(&fl);

	ev->flags = PT_F_REAPER_UNKNOWN | PT_F_NO_ACTOR;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[BY_PID], "");
	assert_string_equal(fl.v[DETAIL], "reaper=unknown zombie_ns=212000000");
	fields_free(&fl);

	/* seen at its free: the process, and the thread only when known */
	ev->flags = PT_F_REAP_AT_FREE;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[BY_PID], "900");
	assert_string_equal(fl.v[DETAIL],
			    "reap_at=free zombie_ns=212000000 reaper_tid=901 reaper_comm=make");
	fields_free(&fl);
	ev->by.tid = 0;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[DETAIL], "reap_at=free zombie_ns=212000000 reaper_comm=make");
	fields_free(&fl);
	ev->by.tid = 901;

	ev->flags = 0;
	ev->reap.exit_ns = 0;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[DETAIL], "reaper_tid=901 reaper_comm=make");
	fields_free(&fl);
	free(ev);
}

/* ---- signals ---- */

static void test_csv_signal(void **state)
{
	struct pt_event *ev = new_event(PT_SIGNAL, 0);
	struct fields fl;

	ev->signal = (struct pt_signal){ .sig = 15, .code = 0 };
	fields_of(ev, &fl);
	assert_string_equal(fl.v[EVENT], "signal");
	assert_string_equal(fl.v[SIGNAL], "SIGTERM");
	assert_string_equal(fl.v[BY_PID], "812");
	assert_string_equal(fl.v[DETAIL],
			    "result=delivered code=0 sender_tid=813 sender_comm=bash");
	ASSERT_EMPTY(&fl, EXIT_CODE, CORE_DUMPED, CPU_USER_US, NIVCSW, NOT_EXEC);
	fields_free(&fl);

	ev->flags = PT_F_SIG_GROUP;
	ev->signal = (struct pt_signal){ .sig = 40, .code = -6, .result = PT_SIG_ALREADY_PENDING };
	fields_of(ev, &fl);
	assert_string_equal(fl.v[SIGNAL], "SIGRTMIN+6");
	assert_string_equal(fl.v[DETAIL],
			    "result=already_pending code=-6 sender_tid=813 "
			    "sender_comm=bash group=1");
	fields_free(&fl);

	ev->flags = PT_F_KERNEL_SENDER;
	ev->signal = (struct pt_signal){ .sig = 11, .code = 128, .result = PT_SIG_IGNORED };
	fields_of(ev, &fl);
	assert_string_equal(fl.v[SIGNAL], "SIGSEGV");
	assert_string_equal(fl.v[BY_PID], "");
	assert_string_equal(fl.v[DETAIL], "result=ignored code=128 sender=kernel");
	fields_free(&fl);
	free(ev);
}

static void test_csv_stop_and_continue(void **state)
{
	struct pt_event *ev = new_event(PT_STOP, 0);
	struct fields fl;

	ev->task.state = PT_STATE_STOPPED;
	ev->signal.sig = 19;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[EVENT], "stop");
	assert_string_equal(fl.v[SIGNAL], "SIGSTOP");
	assert_string_equal(fl.v[STATE], "stopped");
	assert_string_equal(fl.v[BY_PID], "812");
	assert_string_equal(fl.v[DETAIL], "code=0 sender_tid=813 sender_comm=bash");
	fields_free(&fl);

	ev->kind = PT_CONTINUE;
	ev->task.state = PT_STATE_ALIVE;
	ev->signal.sig = 18;
	ev->flags = PT_F_NO_ACTOR;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[EVENT], "continue");
	assert_string_equal(fl.v[SIGNAL], "SIGCONT");
	assert_string_equal(fl.v[BY_PID], "");
	assert_string_equal(fl.v[DETAIL], "code=0");
	fields_free(&fl);
	free(ev);
}

/* ---- groups, sessions, names ---- */

static void test_csv_setpgid_and_setsid(void **state)
{
	struct pt_event *ev = new_event(PT_SETPGID, 0);
	struct fields fl;

	ev->setpg = (struct pt_setpg){ .old_pgid = 1000, .old_sid = 812 };
	fields_of(ev, &fl);
	assert_string_equal(fl.v[EVENT], "setpgid");
	assert_string_equal(fl.v[PGID], "1234");
	assert_string_equal(fl.v[BY_PID], "812");
	assert_string_equal(fl.v[DETAIL], "old_pgid=1000 caller_tid=813 caller_comm=bash");
	fields_free(&fl);

	ev->kind = PT_SETSID;
	ev->task.sid = 1234;
	ev->by = (struct pt_actor){ .pid = 1234, .tid = 1234, .comm = "worker" };
	fields_of(ev, &fl);
	assert_string_equal(fl.v[EVENT], "setsid");
	assert_string_equal(fl.v[BY_PID], "1234");
	assert_string_equal(fl.v[DETAIL], "old_sid=812 old_pgid=1000");
	ASSERT_EMPTY(&fl, NOT_EXIT, NOT_EXEC);
	fields_free(&fl);
	free(ev);
}

/* Text values in detail never contain a space: splitting stays right. */
static void test_csv_rename_detail_escaped(void **state)
{
	struct pt_event *ev = new_event(PT_RENAME, 0);
	struct fields fl;

	memcpy(ev->rename.old_comm, "kworker/0:1 x\\", 15);
	fields_of(ev, &fl);
	assert_string_equal(fl.v[EVENT], "rename");
	assert_string_equal(fl.v[BY_PID], "");
	assert_string_equal(fl.v[DETAIL], "old_comm=kworker/0:1\\x20x\\\\");
	fields_free(&fl);
	free(ev);
}

static void test_csv_lost(void **state)
{
	struct pt_event *ev = new_event(PT_LOST, 0);
	struct fields fl;

	ev->flags = PT_F_NO_ACTOR;
	ev->lost.count = 37;
	ev->lost.by_kind[PT_EXEC] = 12;
	ev->lost.by_kind[PT_EXIT] = 25;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[TS_NS], "1000123456789");
	assert_string_equal(fl.v[TIME], "2026-11-25T17:34:37.123456Z");
	assert_string_equal(fl.v[EVENT], "lost");
	assert_string_equal(fl.v[DETAIL], "lost=37 exec=12 exit=25");
	ASSERT_EMPTY(&fl, PID, TID, PPID, PGID, SID, UID, COMM, BY_PID, STATE, NS_PID, PIDNS,
		     CGROUP_ID, NOT_EXIT, NOT_EXEC);
	fields_free(&fl);
	free(ev);
}

/* ---- quoting and escaping ---- */

static void test_csv_quoting(void **state)
{
	static const struct {
		const char *comm, *want_field, *want_raw;
	} cases[] = {
		{ "a,b", "a,b", ",\"a,b\"," },
		{ "say \"hi\"", "say \"hi\"", ",\"say \"\"hi\"\"\"," },
		{ "cr\rx", "cr\rx", ",\"cr\rx\"," },
		{ "lf\nx", "lf\nx", ",\"lf\nx\"," },
		{ "plain", "plain", ",plain," },
		{ "sp ace", "sp ace", ",sp ace," },
	};
	struct pt_event *ev = new_event(PT_SETSID, 0);
	struct fields fl;
	size_t i;
	char *row;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(ev->task.comm, 0, PT_COMM_LEN);
		memcpy(ev->task.comm, cases[i].comm, strlen(cases[i].comm));
		row = row_of(ev);
		assert_non_null(strstr(row, cases[i].want_raw));
		free(row);
		fields_of(ev, &fl);
		assert_string_equal(fl.v[COMM], cases[i].want_field);
		fields_free(&fl);
	}
	free(ev);
}

static void test_csv_invalid_utf8_and_backslash(void **state)
{
	struct pt_event *ev = new_event(PT_FORK, 0);
	struct fields fl;

	memcpy(ev->task.comm, "a\\b\xff\xc3\xa9\xc3", 8);
	fields_of(ev, &fl);
	/* é is valid and kept; the lone \xff and the cut \xc3 are escaped */
	assert_string_equal(fl.v[COMM], "a\\\\b\\xff\xc3\xa9\\xc3");
	fields_free(&fl);
	/* all 16 bytes, no NUL: the field ends at PT_COMM_LEN */
	memcpy(ev->task.comm, "0123456789abcdef", 16);
	fields_of(ev, &fl);
	assert_string_equal(fl.v[COMM], "0123456789abcdef");
	fields_free(&fl);
	free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_header_exact),
		cmocka_unit_test(test_csv_fork_row_exact),
		cmocka_unit_test(test_csv_fork_and_thread),
		cmocka_unit_test(test_csv_snapshot),
		cmocka_unit_test(test_csv_exec),
		cmocka_unit_test(test_csv_exec_flags),
		cmocka_unit_test(test_csv_exec_argv_not_escaped_twice),
		cmocka_unit_test(test_csv_exec_filename_escaped),
		cmocka_unit_test(test_csv_exit_normal),
		cmocka_unit_test(test_csv_exit_killed_and_thread),
		cmocka_unit_test(test_csv_reap),
		cmocka_unit_test(test_csv_signal),
		cmocka_unit_test(test_csv_stop_and_continue),
		cmocka_unit_test(test_csv_setpgid_and_setsid),
		cmocka_unit_test(test_csv_rename_detail_escaped),
		cmocka_unit_test(test_csv_lost),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_csv_invalid_utf8_and_backslash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
