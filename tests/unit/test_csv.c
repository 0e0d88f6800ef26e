// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* CSV writer: the header, each kind's columns and detail, quoting and
 * escaping (also read back by python's csv module and sqlite3), and the
 * error discipline on a full disk and a closed pipe. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "proctrace/writer.h"
#include "writer_fixture.h"

static const char header[] =
	"ts_ns,time,event,pid,tid,ppid,pgid,sid,uid,comm,by_pid,signal,"
	"exit_code,core_dumped,state,filename,argv,cpu_user_us,cpu_sys_us,"
	"maxrss_kb,minflt,majflt,nvcsw,nivcsw,inblock,oublock,ns_pid,pidns,cgroup_id,detail\n";

enum col {
	TS_NS,
	TIME,
	EVENT,
	PID,
	TID,
	PPID,
	PGID,
	SID,
	UID,
	COMM,
	BY_PID,
	SIGNAL,
	EXIT_CODE,
	CORE_DUMPED,
	STATE,
	FILENAME,
	ARGV,
	CPU_USER_US,
	CPU_SYS_US,
	MAXRSS_KB,
	MINFLT,
	MAJFLT,
	NVCSW,
	NIVCSW,
	INBLOCK,
	OUBLOCK,
	NS_PID,
	PIDNS,
	CGROUP_ID,
	DETAIL,
	N_COLS,
};

/* ---- events ---- */

/* ---- reading rows back ---- */

/* The text the writer made for these events, header included. */
static char *csv_of(struct pt_event **evs, size_t n)
{
	struct pt_csv *w;
	size_t len, i;
	char *text;
	FILE *f;

	/* A real file: the writer writes its descriptor, not the FILE. */
	f = tmpfile();
	assert_non_null(f);
	w = pt_csv_open(f, &clock_fixed);
	assert_non_null(w);
	for (i = 0; i < n; i++)
		assert_int_equal(pt_csv_write(w, evs[i]), 0);
	assert_int_equal(pt_csv_close(w), 0);
	len = (size_t)lseek(fileno(f), 0, SEEK_END);
	text = calloc(1, len + 1);
	assert_non_null(text);
	assert_int_equal(pread(fileno(f), text, len, 0), (ssize_t)len);
	fclose(f);
	return text;
}

/* The row of one event, without the header. */
static char *row_of(struct pt_event *ev)
{
	char *text = csv_of(&ev, 1), *row;

	assert_true(!strncmp(text, header, strlen(header)));
	row = strdup(text + strlen(header));
	free(text);
	return row;
}

struct fields {
	char *v[N_COLS + 1];
	int n;
};

/* A small RFC 4180 reader for exactly one row ending in "\n". */
static void split_row(const char *row, struct fields *out)
{
	const char *p = row;
	struct pt_buf f = { 0 };

	memset(out, 0, sizeof(*out));
	for (;;) {
		pt_buf_reset(&f);
		pt_buf_putc(&f, '\0');
		f.len = 0;
		if (*p == '"') {
			for (p++; !(p[0] == '"' && p[1] != '"'); p++) {
				assert_true(*p != '\0');
				if (*p == '"')
					p++;
				pt_buf_putc(&f, *p);
			}
			p++;
		} else {
			for (; *p != ',' && *p != '\n'; p++) {
				assert_true(*p != '\0' && *p != '"' && *p != '\r');
				pt_buf_putc(&f, *p);
			}
		}
		assert_true(out->n < N_COLS);
		out->v[out->n++] = strdup(f.data);
		if (*p == '\n')
			break;
		assert_int_equal(*p, ',');
		p++;
	}
	assert_string_equal(p, "\n"); /* exactly one row */
	pt_buf_free(&f);
}

static void fields_free(struct fields *fl)
{
	int i;

	for (i = 0; i < fl->n; i++)
		free(fl->v[i]);
}

/* Format ev and split its row: every row has all the columns. */
static void fields_of(struct pt_event *ev, struct fields *fl)
{
	char *row = row_of(ev);

	split_row(row, fl);
	assert_int_equal(fl->n, N_COLS);
	free(row);
}

/* Columns that only some kinds fill must be empty for the others. */
static void assert_empty(const struct fields *fl, const enum col *cols, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fl->v[cols[i]][0])
			fail_msg("column %d is '%s', want empty", cols[i], fl->v[cols[i]]);
}
#define ASSERT_EMPTY(fl, ...)                                                                      \
	do {                                                                                       \
		const enum col c_[] = { __VA_ARGS__ };                                             \
		assert_empty(fl, c_, sizeof(c_) / sizeof(c_[0]));                                  \
	} while (0)

#define NOT_EXIT                                                                                   \
	SIGNAL, EXIT_CODE, CORE_DUMPED, CPU_USER_US, CPU_SYS_US, MAXRSS_KB, MINFLT, MAJFLT, NVCSW, \
		NIVCSW, INBLOCK, OUBLOCK
#define NOT_EXEC FILENAME, ARGV

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

	assert_string_equal(row,
			    "1000123456789,2026-11-25T17:34:37.123456Z,fork,1234,1234,812,"
			    "1234,812,1000,worker,812,,,,alive,,,,,,,,,,,,34,4026531836,4242,"
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
	assert_string_equal(fl.v[DETAIL], "start_ns=999000000000");
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
	assert_string_equal(fl.v[DETAIL], "status=0x0300");
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
	assert_string_equal(fl.v[DETAIL], "status=0x0009");
	fields_free(&fl);

	ev->exit.status = 6 | 0x80;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[SIGNAL], "SIGABRT");
	assert_string_equal(fl.v[CORE_DUMPED], "1");
	assert_string_equal(fl.v[DETAIL], "status=0x0086");
	fields_free(&fl);

	ev->flags = 0;
	ev->exit.status = 0;
	fields_of(ev, &fl);
	assert_string_equal(fl.v[EXIT_CODE], "0");
	assert_string_equal(fl.v[DETAIL], "thread_exit=1 status=0x0000");
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

/* ---- real parsers ---- */

static bool have_program(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/* Rows with everything CSV must get right, written to a file. */
static void write_tricky_csv(char *path)
{
	struct pt_event *evs[4];
	char *text;
	FILE *f;
	int fd;

	evs[0] = new_event(PT_FORK, 0);
	memcpy(evs[0]->task.comm, "a,b\"c\r\nd\\\xff", 11);
	evs[1] = NEW_EXEC("sh\0-c\0echo \"a,b\"\nexit 3\0\0it's\0", "/bin/sh");
	evs[2] = new_event(PT_RENAME, 0);
	memcpy(evs[2]->task.comm, "caf\xc3\xa9", 6);
	memcpy(evs[2]->rename.old_comm, "x y\"\n", 5);
	evs[3] = new_event(PT_LOST, 0);
	evs[3]->lost.count = 1;
	evs[3]->lost.by_kind[PT_FORK] = 1;
	text = csv_of(evs, 4);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(text);
	for (fd = 0; fd < 4; fd++)
		free(evs[fd]);
}

static char *run_capture(const char *cmd)
{
	struct pt_buf out = { 0 };
	char chunk[4096];
	size_t n;
	FILE *p = popen(cmd, "r");

	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		pt_buf_put(&out, chunk, n);
	assert_int_equal(pclose(p), 0);
	pt_buf_putc(&out, '\0');
	return out.data;
}

/* python's csv module, strict UTF-8: each field comes back as written. */
static void test_csv_python_reads_back_fields(void **state)
{
	char path[] = "/tmp/pt-test-csv-XXXXXX", cmd[1024];
	char *out;

	if (!have_program("python3"))
		skip();
	write_tricky_csv(path);
	snprintf(
		cmd, sizeof(cmd),
		"python3 -c 'import csv, sys\n"
		"rows = list(csv.reader(open(sys.argv[1], newline=\"\", encoding=\"utf-8\", errors=\"strict\")))\n"
		"print(len(rows), set(len(r) for r in rows))\n"
		"for r in rows[1:]:\n"
		"    print(r[2], r[9].encode().hex(), r[16].encode().hex(), r[29].encode().hex())\n"
		"' %s",
		path);
	out = run_capture(cmd);
	unlink(path);
	assert_string_equal(out,
			    "5 {30}\n"
			    /* fork: comm a,b"c CR LF d \\ \xff, detail parent_tid=813 */
			    "fork 612c6222630d0a645c5c5c786666  706172656e745f7469643d383133\n"
			    /* exec: sh -c 'echo "a,b"<LF>exit 3' '' 'it'\''s' */
			    "exec 776f726b6572 "
			    "7368202d63202765636"
			    "86f2022612c62220a657869742033272027272027697427"
			    "5c27277327 "
			    "617267633d3220617267735f73697a653d3330\n"
			    /* rename: comm café, detail old_comm=x\x20y"\x0a */
			    "rename 636166c3a9  6f6c645f636f6d6d3d785c78323079225c783061\n"
			    "lost   6c6f73743d3120666f726b3d31\n");
	free(out);
}

/* sqlite3's .import --csv: the header names 30 columns, 4 rows follow. */
static void test_csv_sqlite_imports_rows(void **state)
{
	char path[] = "/tmp/pt-test-csv-XXXXXX", cmd[1024];
	char *out;

	if (!have_program("sqlite3"))
		skip();
	write_tricky_csv(path);
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 -batch :memory: '.import --csv %s ev' "
		 "'SELECT count(*) FROM ev' "
		 "'SELECT count(*) FROM pragma_table_info(\"ev\")' "
		 "'SELECT event, hex(comm), length(argv) FROM ev ORDER BY rowid'",
		 path);
	out = run_capture(cmd);
	unlink(path);
	assert_string_equal(out,
			    "4\n"
			    "30\n"
			    "fork|612C6222630D0A645C5C5C786666|0\n"
			    "exec|776F726B6572|38\n"
			    "rename|636166C3A9|0\n"
			    "lost||0\n");
	free(out);
}

/* ---- errors ---- */

static void test_csv_full_disk_at_open(void **state)
{
	FILE *f = fopen("/dev/full", "w");

	assert_non_null(f);
	errno = 0;
	assert_null(pt_csv_open(f, &clock_fixed));
	assert_int_equal(errno, ENOSPC);
	fclose(f);
}

/* Rows are kept and written in batches: the error of a batch shows at the
 * write that fills it, at a flush, or at close; then it is kept. */
static void test_csv_error_kept(void **state)
{
	struct pt_event *ev = new_event(PT_FORK, 0);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	struct pt_csv *w;
	int fds[2];
	FILE *f;

	assert_int_equal(pipe(fds), 0);
	f = fdopen(fds[1], "w");
	assert_non_null(f);
	w = pt_csv_open(f, &clock_fixed);
	assert_non_null(w);
	assert_int_equal(pt_csv_write(w, ev), 0);
	assert_int_equal(pt_csv_flush(w), 0);
	close(fds[0]);
	assert_int_equal(pt_csv_write(w, ev), 0);
	assert_int_equal(pt_csv_flush(w), -EPIPE);
	assert_int_equal(pt_csv_write(w, ev), -EPIPE);
	assert_int_equal(pt_csv_close(w), -EPIPE);
	fclose(f);

	/* reader gone before anything was written: the header fails */
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	f = fdopen(fds[1], "w");
	assert_non_null(f);
	errno = 0;
	assert_null(pt_csv_open(f, &clock_fixed));
	assert_int_equal(errno, EPIPE);
	fclose(f);
	signal(SIGPIPE, old);
	free(ev);
}

/* In a child, with the file size limited: writes stop part-way through a
 * row, and the file must still end on a whole row. */
static void write_until_full(const char *path, long limit)
{
	struct pt_event *ev = new_event(PT_FORK, 0);
	struct rlimit rl = { .rlim_cur = limit, .rlim_max = limit };
	FILE *f = fopen(path, "w");
	struct pt_csv *w;
	int i, err = 0;

	signal(SIGXFSZ, SIG_IGN);
	if (!f || setrlimit(RLIMIT_FSIZE, &rl))
		_exit(10);
	w = pt_csv_open(f, &clock_fixed);
	if (!w)
		_exit(11);
	for (i = 0; i < 100000 && !err; i++)
		err = pt_csv_write(w, ev);
	if (!err)
		err = pt_csv_close(w);
	else if (pt_csv_close(w) != err)
		_exit(12);
	_exit(err == -EFBIG ? 0 : 13);
}

static void test_csv_full_file_ends_on_a_row(void **state)
{
	char path[] = "/tmp/proctrace-csv-XXXXXX";
	struct fields fl;
	char *text, *row, *nl;
	int fd = mkstemp(path), status, rows = 0;
	off_t size;
	pid_t pid;

	assert_true(fd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		write_until_full(path, 100000);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	size = lseek(fd, 0, SEEK_END);
	assert_true(size > 90000 && size <= 100000);
	text = calloc(1, size + 1);
	assert_non_null(text);
	assert_int_equal(pread(fd, text, size, 0), size);
	assert_true(!strncmp(text, header, strlen(header)));
	assert_int_equal(text[size - 1], '\n');
	for (row = text + strlen(header); *row; row = nl + 1) {
		char after;

		nl = strchr(row, '\n');
		assert_non_null(nl);
		after = nl[1]; /* split_row reads exactly one row */
		nl[1] = '\0';
		split_row(row, &fl);
		nl[1] = after;
		assert_int_equal(fl.n, N_COLS);
		fields_free(&fl);
		rows++;
	}
	assert_true(rows > 100);
	free(text);
	close(fd);
	unlink(path);
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
		cmocka_unit_test(test_csv_python_reads_back_fields),
		cmocka_unit_test(test_csv_sqlite_imports_rows),
		cmocka_unit_test(test_csv_full_disk_at_open),
		cmocka_unit_test(test_csv_error_kept),
		cmocka_unit_test(test_csv_full_file_ends_on_a_row),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
