// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* replay.c on input it must refuse or take with care: a bad header, bad
 * values in each column and kind, rows cut or too long, CRLF, and the rows
 * of older captures; after a bad row the reading goes on. */
#include <errno.h>
#include "replay_fixture.h"

/* ---- malformed input ---- */

/* A good fork row, as the writer makes it with clock_fixed; cols[] of it
 * can be replaced to spoil it. */
static const char *const good_cols[] = {
	"1000000000123",
	"2026-11-25T17:34:37.000000Z",
	"fork",
	"1234",
	"1234",
	"812",
	"1234",
	"812",
	"1000",
	"worker",
	"812",
	"",
	"",
	"",
	"alive",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"",
	"34",
	"4026531836",
	"4242",
	"parent_tid=813",
};
#define N_COLS 39

/* The row with column col set to value (col < 0: unchanged). */
static void row_with(struct pt_buf *b, int col, const char *value)
{
	int c;

	for (c = 0; c < N_COLS; c++) {
		if (c)
			pt_buf_putc(b, ',');
		pt_buf_puts(b, c == col ? value : good_cols[c]);
	}
	pt_buf_putc(b, '\n');
}

struct outcome {
	int open_ok;
	int events;    /* read before the first error or the end */
	int ret;       /* what ended them: 0 or the error */
	char err[256]; /* open's or next's error */
};

static void replay_text(const char *text, size_t len, struct outcome *o)
{
	const struct pt_event *ev;
	struct pt_replay *r;
	FILE *f = fmemopen((void *)text, len, "r");

	assert_non_null(f);
	memset(o, 0, sizeof(*o));
	r = pt_replay_open(f, o->err, sizeof(o->err));
	o->open_ok = r != NULL;
	while (r && (o->ret = pt_replay_next(r, &ev, o->err, sizeof(o->err))) > 0)
		o->events++;
	pt_replay_close(r);
	fclose(f);
}

/* header + one row with col replaced: the error of that row. */
static void assert_bad_column(int col, const char *value, const char *want_err)
{
	struct pt_buf b = { 0 };
	struct outcome o;

	pt_buf_puts(&b, header);
	row_with(&b, col, value);
	replay_text(b.data, b.len, &o);
	assert_true(o.open_ok);
	assert_int_equal(o.events, 0);
	assert_int_equal(o.ret, -EINVAL);
	assert_string_equal(o.err, want_err);
	pt_buf_free(&b);
}

/* A setpgid row of a capture made before caller_tid and caller_comm were
 * written: read, its caller named by its comm only when it is the process
 * itself (by_pid = pid), else by its pid alone. */
static void test_replay_setpgid_older_capture(void **state)
{
	static const char *const by[] = { "1234", "812" };
	static const char *const want_comm[] = { "worker", "" };
	const char *cols[N_COLS];
	const struct pt_event *ev;
	struct pt_replay *r;
	struct pt_buf b = { 0 };
	char err[256] = "";
	unsigned i;
	int c;
	FILE *f;

	for (i = 0; i < 2; i++) {
		memcpy(cols, good_cols, sizeof(cols));
		cols[2] = "setpgid";
		cols[10] = by[i];
		cols[N_COLS - 1] = "old_pgid=812";
		pt_buf_reset(&b);
		pt_buf_puts(&b, header);
		for (c = 0; c < N_COLS; c++)
			pt_buf_printf(&b, "%s%s", c ? "," : "", cols[c]);
		pt_buf_putc(&b, '\n');
		f = fmemopen(b.data, b.len, "r");
		assert_non_null(f);
		r = pt_replay_open(f, err, sizeof(err));
		assert_non_null(r);
		if (pt_replay_next(r, &ev, err, sizeof(err)) != 1)
			fail_msg("replay: %s", err);
		assert_true(pt_event_has_actor(ev));
		assert_int_equal(ev->by.pid, atoi(by[i]));
		assert_int_equal(ev->by.tid, 0);
		assert_string_equal(ev->by.comm, want_comm[i]);
		pt_replay_close(r);
		fclose(f);
	}
	pt_buf_free(&b);
}

static void test_replay_good_row_template(void **state)
{
	struct pt_buf b = { 0 };
	struct outcome o;

	pt_buf_puts(&b, header);
	row_with(&b, -1, NULL);
	replay_text(b.data, b.len, &o);
	assert_true(o.open_ok);
	assert_int_equal(o.events, 1);
	assert_int_equal(o.ret, 0);
	pt_buf_free(&b);
}

static void test_replay_bad_header(void **state)
{
	static const char wrong_name[] =
		"ts_ns,time,evnt,pid,tid,ppid,pgid,sid,uid,comm,by_pid,signal,"
		"exit_code,core_dumped,state,filename,argv,cpu_user_us,cpu_sys_us,"
		"maxrss_kb,minflt,majflt,nvcsw,nivcsw,inblock,oublock,"
		"children_cpu_user_us,children_cpu_sys_us,children_maxrss_kb,children_minflt,children_majflt,children_nvcsw,children_nivcsw,children_inblock,children_oublock,"
		"ns_pid,pidns,cgroup_id,detail\n";
	static const char too_few[] = "ts_ns,time,event\n1,2,3\n";
	char bom[sizeof(header) + 3];
	struct outcome o;

	replay_text(wrong_name, strlen(wrong_name), &o);
	assert_false(o.open_ok);
	assert_string_equal(o.err,
			    "line 1: not a proctrace CSV header: column 3 is 'evnt', "
			    "want 'event'");
	replay_text(too_few, strlen(too_few), &o);
	assert_false(o.open_ok);
	assert_string_equal(o.err, "line 1: not a proctrace CSV header: 3 columns, want 39");
	/* a spreadsheet's UTF-8 byte order mark in front of the header is
	 * read past; anywhere else it is text of its column */
	snprintf(bom, sizeof(bom), "\xef\xbb\xbf%s", header);
	replay_text(bom, strlen(bom), &o);
	assert_true(o.open_ok);
	assert_int_equal(o.ret, 0);
	snprintf(bom, sizeof(bom), "ts_ns,\xef\xbb\xbf%s", header + strlen("ts_ns,"));
	replay_text(bom, strlen(bom), &o);
	assert_false(o.open_ok);
	assert_string_equal(o.err,
			    "line 1: not a proctrace CSV header: column 2 is "
			    "'\xef\xbb\xbftime', want 'time'");
}

static void test_replay_empty_and_header_only(void **state)
{
	struct outcome o;

	replay_text("", 0, &o);
	assert_false(o.open_ok);
	assert_string_equal(o.err, "line 1: empty file, no header row");

	replay_text(header, strlen(header), &o);
	assert_true(o.open_ok);
	assert_int_equal(o.events, 0);
	assert_int_equal(o.ret, 0);
}

static void test_replay_crlf(void **state)
{
	struct pt_buf b = { 0 }, crlf = { 0 };
	bool quoted = false;
	struct outcome o;
	size_t i;

	/* every row ending in "\r\n", header included; the LF inside quotes
	 * stays a bare LF */
	pt_buf_puts(&b, header);
	row_with(&b, 9, "\"two\nlines\"");
	row_with(&b, -1, NULL);
	for (i = 0; i < b.len; i++) {
		if (b.data[i] == '"')
			quoted = !quoted;
		if (b.data[i] == '\n' && !quoted)
			pt_buf_putc(&crlf, '\r');
		pt_buf_putc(&crlf, b.data[i]);
	}
	assert_int_equal(crlf.len, b.len + 3);
	replay_text(crlf.data, crlf.len, &o);
	assert_true(o.open_ok);
	assert_int_equal(o.events, 2);
	assert_int_equal(o.ret, 0);
	pt_buf_free(&b);
	pt_buf_free(&crlf);
}

static void test_replay_bad_values(void **state)
{
	char long_comm[] = "0123456789abcdefg";

	assert_bad_column(2, "frok", "line 2: event: 'frok' is not an event");
	assert_bad_column(3, "12a", "line 2: pid: '12a' is not a number from 0 to 4294967295");
	assert_bad_column(3, "", "line 2: pid: '' is not a number from 0 to 4294967295");
	assert_bad_column(3, "4294967296",
			  "line 2: pid: '4294967296' is not a number from 0 to 4294967295");
	assert_bad_column(0, "-1",
			  "line 2: ts_ns: '-1' is not a number from 0 to 18446744073709551615");
	assert_bad_column(1, "yesterday", "line 2: time: 'yesterday' is not a UTC time");
	assert_bad_column(14, "dead", "line 2: state: 'dead' is not a state");
	assert_bad_column(9, "a\\qb", "line 2: comm: bad escape in 'a\\\\qb'");
	assert_bad_column(9, "ab\\x4", "line 2: comm: bad escape in 'ab\\\\x4'");
	assert_bad_column(9, long_comm, "line 2: comm: longer than 16 bytes");
	assert_bad_column(9, "a\\x00b", "line 2: comm: NUL byte in 'a\\\\x00b'");
	assert_bad_column(N_COLS - 1, "", "line 2: detail: no parent_tid=");
	assert_bad_column(N_COLS - 1, "parent_tid=813  x=1", "line 2: detail: '' is not key=value");
	assert_bad_column(N_COLS - 1, "parent_tid=-3",
			  "line 2: detail: parent_tid=-3 is not a number from 0 to 4294967295");
	/* a long bad value is cut short in the message, on a character */
	assert_bad_column(
		2,
		"x\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		"line 2: event: 'x\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9...' "
		"is not an event");
}

static void test_replay_bad_kind_values(void **state)
{
	struct pt_buf b = { 0 };
	static const struct {
		const char *row, *err;
	} cases[] = {
		{ "1,2026-11-25T17:17:57.000000Z,exec,5,5,1,5,1,0,x,,,,,alive,/bin/x,x,,,,,,,,,,,,,,,,,,,5,1,1,"
		  "args_size=2\n",
		  "line 2: detail: no argc=" },
		{ "1,2026-11-25T17:17:57.000000Z,exec,5,5,1,5,1,0,x,,,,,alive,/bin/x,a$b,,,,,,,,,,,,,,,,,,,5,1,1,"
		  "argc=1 args_size=4\n",
		  "line 2: argv: 'a$b' is not shell words as proctrace writes them" },
		{ "1,2026-11-25T17:17:57.000000Z,exec,5,5,1,5,1,0,x,,,,,alive,/bin/x,'a,,,,,,,,,,,,,,,,,,,5,1,1,"
		  "argc=1 args_size=4\n",
		  "line 2: argv: ''a' is not shell words as proctrace writes them" },
		{ "1,2026-11-25T17:17:57.000000Z,exec,5,5,1,5,1,0,x,,,,,alive,/bin/x,a  b,,,,,,,,,,,,,,,,,,,5,1,"
		  "1,argc=1 args_size=4\n",
		  "line 2: argv: 'a  b' is not shell words as proctrace writes them" },
		{ "1,2026-11-25T17:17:57.000000Z,exec,5,5,1,5,1,0,x,,,,,alive,/bin/x,$'\\q',,,,,,,,,,,,,,,,,,,5,"
		  "1,1,argc=1 args_size=4\n",
		  "line 2: argv: '$'\\\\q'' is not shell words as proctrace writes them" },
		{ "1,2026-11-25T17:17:57.000000Z,exec,5,5,1,5,1,0,x,,,,,alive,/bin/x,ab,,,,,,,,,,,,,,,,,,,5,1,1,"
		  "argc=1 args_size=3 argv_truncated=1 captured=7\n",
		  "line 2: detail: captured=7, but argv has 3 bytes" },
		{ "1,2026-11-25T17:17:57.000000Z,exec,5,5,1,5,1,0,x,,,,,alive,/bin/x,ab,,,,,,,,,,,,,,,,,,,5,1,1,"
		  "argc=1 args_size=3 argv_truncated=yes\n",
		  "line 2: detail: argv_truncated=yes, want argv_truncated=1" },
		{ "1,2026-11-25T17:17:57.000000Z,signal,5,5,1,5,1,0,x,,SIGFOO,,,alive,,,,,,,,,,,,,,,,,,,,,5,1,1,"
		  "result=delivered code=0 sender=kernel\n",
		  "line 2: signal: 'SIGFOO' is not a signal" },
		{ "1,2026-11-25T17:17:57.000000Z,signal,5,5,1,5,1,0,x,,SIG9,,,alive,,,,,,,,,,,,,,,,,,,,,5,1,1,"
		  "result=delivered code=0 sender=kernel\n",
		  "line 2: signal: 'SIG9' is not a signal" },
		{ "1,2026-11-25T17:17:57.000000Z,signal,5,5,1,5,1,0,x,,SIGKILL,,,alive,,,,,,,,,,,,,,,,,,,,,5,1,1,"
		  "result=eaten code=0 sender=kernel\n",
		  "line 2: detail: result=eaten is not a signal result" },
		{ "1,2026-11-25T17:17:57.000000Z,stop,5,5,1,5,1,0,x,,SIGSTOP,,,alive,,,,,,,,,,,,,,,,,,,,,5,1,1,"
		  "code=2147483648 sender=kernel\n",
		  "line 2: detail: code=2147483648 is not a 32-bit number" },
		{ "1,2026-11-25T17:17:57.000000Z,signal,5,5,1,5,1,0,x,9,SIGKILL,,,alive,,,,,,,,,,,,,,,,,,,,,5,1,"
		  "1,result=delivered code=0 sender_tid=9\n",
		  "line 2: detail: no sender_comm=" },
		{ "1,2026-11-25T17:17:57.000000Z,exit,5,5,1,5,1,0,x,,,,,zombie,,,1,2,3,4,5,6,7,8,9,,,,,,,,,,5,1,1,"
		  "status=0x\n",
		  "line 2: detail: status=0x is not 0x and hex digits" },
		{ "1,2026-11-25T17:17:57.000000Z,exit,5,5,1,5,1,0,x,,,,,zombie,,,1,2,3,4,5,6,7,8,9,,,,,,,,,,5,1,1,"
		  "\n",
		  "line 2: exit_code: '' is not a number from 0 to 255" },
		{ "1,2026-11-25T17:17:57.000000Z,exit,5,5,1,5,1,0,x,,,,,zombie,,,1,2,3,4,5,6,7,8,9,,,,,,,,,,5,1,1,"
		  "status=0x12345678 thread_exit=2\n",
		  "line 2: detail: thread_exit=2, want thread_exit=1" },
		{ "1,2026-11-25T17:17:57.000000Z,exit,5,5,1,5,1,0,x,,,,,zombie,,,1,2,3,4,5,6,7,8,9,,,,,,,,,,5,1,1,"
		  "status=0x123456789\n",
		  "line 2: detail: status=0x123456789 is not 0x and hex digits" },
		{ "9,2026-11-25T17:17:57.000000Z,reap,5,5,1,5,1,0,x,,,,,reaped,,,,,,,,,,,,,,,,,,,,,5,1,1,"
		  "reaped=auto zombie_ns=9\n",
		  "line 2: detail: zombie_ns=9 is not less than ts_ns" },
		{ "9,2026-11-25T17:17:57.000000Z,thread,5,6,1,5,1,0,x,7,,,,alive,,,,,,,,,,,,,,,,,,,,,5,1,1,"
		  "creator_tid=8\n",
		  "line 2: detail: creator_tid=8, but by_pid is 7" },
		{ "9,2026-11-25T17:17:57.000000Z,rename,5,6,1,5,1,0,x,,,,,alive,,,,,,,,,,,,,,,,,,,,,5,1,1,"
		  "old_comm=a\\x20b\\x\n",
		  "line 2: old_comm: bad escape in 'a\\\\x20b\\\\x'" },
		{ "9,2026-11-25T17:17:57.000000Z,lost,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,lost=x\n",
		  "line 2: detail: lost=x is not a number from 0 to 18446744073709551615" },
		{ "9,2026-11-25T17:17:57.000000Z,lost,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,exec=3\n",
		  "line 2: detail: no lost=" },
		{ "9,2026-11-25T17:17:57.000000Z,snapshot,5,6,1,5,1,0,x,,,,,alive,,,,,,,,,,,,,,,,,,,,,5,1,1,\n",
		  "line 2: detail: no start_ns=" },
	};
	struct outcome o;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pt_buf_reset(&b);
		pt_buf_puts(&b, header);
		pt_buf_puts(&b, cases[i].row);
		replay_text(b.data, b.len, &o);
		assert_true(o.open_ok);
		if (o.ret != -EINVAL || strcmp(o.err, cases[i].err))
			fail_msg("case %zu: %d '%s', want '%s'", i, o.ret, o.err, cases[i].err);
	}
	pt_buf_free(&b);
}

static void test_replay_bad_records(void **state)
{
	struct pt_buf b = { 0 };
	struct outcome o;

	/* one column short, with a good row after it on line 3 */
	pt_buf_puts(&b, header);
	row_with(&b, -1, NULL);
	b.data[b.len - 1] = '\0';
	*strrchr(b.data, ',') = '\0';
	b.len = strlen(b.data);
	pt_buf_putc(&b, '\n');
	row_with(&b, -1, NULL);
	replay_text(b.data, b.len, &o);
	assert_true(o.open_ok);
	assert_int_equal(o.ret, -EINVAL);
	assert_string_equal(o.err, "line 2: 38 columns, want 39");

	/* a row spanning lines 2-4, then a bad one on line 5 */
	pt_buf_reset(&b);
	pt_buf_puts(&b, header);
	row_with(&b, 9, "\"a\nb\nc\"");
	row_with(&b, 3, "x");
	replay_text(b.data, b.len, &o);
	assert_int_equal(o.events, 1);
	assert_string_equal(o.err, "line 5: pid: 'x' is not a number from 0 to 4294967295");

	/* a quote never closed */
	pt_buf_reset(&b);
	pt_buf_puts(&b, header);
	row_with(&b, -1, NULL);
	row_with(&b, 9, "\"a,b\nc");
	replay_text(b.data, b.len, &o);
	assert_int_equal(o.events, 1);
	assert_int_equal(o.ret, -EINVAL);
	assert_string_equal(o.err, "line 3: quoted field not closed at the end of the file");

	/* the last row cut short */
	pt_buf_reset(&b);
	pt_buf_puts(&b, header);
	row_with(&b, -1, NULL);
	row_with(&b, -1, NULL);
	replay_text(b.data, b.len - 5, &o);
	assert_int_equal(o.events, 1);
	assert_string_equal(o.err, "line 3: no newline at the end of the row (file cut short?)");

	/* quoting RFC 4180 does not allow */
	pt_buf_reset(&b);
	pt_buf_puts(&b, header);
	row_with(&b, 9, "\"a\"b");
	replay_text(b.data, b.len, &o);
	assert_string_equal(o.err, "line 2: text after a closing quote");
	pt_buf_reset(&b);
	pt_buf_puts(&b, header);
	row_with(&b, 9, "a\"b");
	replay_text(b.data, b.len, &o);
	assert_string_equal(o.err, "line 2: quote inside an unquoted field");
	pt_buf_reset(&b);
	pt_buf_puts(&b, header);
	row_with(&b, 9, "a\rb");
	replay_text(b.data, b.len, &o);
	assert_string_equal(o.err, "line 2: CR outside quotes");
	pt_buf_free(&b);
}

/* After a bad row the next call goes on with the row after it. */
static void test_replay_goes_on_after_a_bad_row(void **state)
{
	struct pt_buf b = { 0 };
	const struct pt_event *ev;
	struct pt_replay *r;
	char err[256];
	FILE *f;

	pt_buf_puts(&b, header);
	row_with(&b, 3, "bad");
	row_with(&b, 9, "\"multi\nline\"x"); /* malformed, on lines 3-4 */
	row_with(&b, 3, "77");
	f = fmemopen(b.data, b.len, "r");
	assert_non_null(f);
	r = pt_replay_open(f, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 2: pid: 'bad' is not a number from 0 to 4294967295");
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 3: text after a closing quote");
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), 1);
	assert_int_equal(ev->task.pid, 77);
	assert_int_equal(ev->by.tid, 813);
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), 0);
	assert_int_equal(pt_replay_next(r, &ev, err, sizeof(err)), 0);
	pt_replay_close(r);
	fclose(f);
	pt_buf_free(&b);
}

/* Rows of pid, ts_ns and time, as CSV (header first) or JSON Lines. */
struct timed_row {
	const char *pid, *ts_ns, *time;
};

static void timed_rows(struct pt_buf *b, bool json, const struct timed_row *rows, size_t n)
{
	const char *cols[N_COLS];

	if (!json)
		pt_buf_puts(b, header);
	for (size_t i = 0; i < n; i++) {
		if (json) {
			pt_buf_printf(b,
				      "{\"ts_ns\":%s,\"time\":\"%s\",\"event\":\"fork\",\"pid\":%s,"
				      "\"tid\":%s,\"ppid\":1,\"pgid\":1,\"sid\":1,\"uid\":0,"
				      "\"comm\":\"x\",\"state\":\"alive\",\"ns_pid\":7,\"pidns\":1,"
				      "\"cgroup_id\":1}\n",
				      rows[i].ts_ns, rows[i].time, rows[i].pid, rows[i].pid);
			continue;
		}
		memcpy(cols, good_cols, sizeof(cols));
		cols[0] = rows[i].ts_ns;
		cols[1] = rows[i].time;
		cols[3] = cols[4] = rows[i].pid;
		for (int c = 0; c < N_COLS; c++)
			pt_buf_printf(b, "%s%s", c ? "," : "", cols[c]);
		pt_buf_putc(b, '\n');
	}
}

/* One clock gives every row of a file its time from its ts_ns, to the
 * microsecond (the time column is cut to it): rows that agree to within
 * it are read; a row whose time says another clock (edited, or a file
 * joined from two runs) is refused with its line and the time its ts_ns
 * has by the rows before, in CSV and in JSON Lines. */
static void test_replay_time_contradicts_ts(void **state)
{
	static const struct timed_row agree[] = {
		{ "10", "1000000000123", "2026-11-25T17:34:37.000000Z" },
		/* the same microsecond: 1000000000999 - 123 */
		{ "11", "1000000000999", "2026-11-25T17:34:37.000000Z" },
		{ "12", "1000000002500", "2026-11-25T17:34:37.000002Z" },
		{ "13", "1000000003000", "@1795628077.000002877" },
	};
	static const struct timed_row off[][2] = {
		/* a second off, an hour off (a zone taken for UTC) */
		{ { "10", "1000000000123", "2026-11-25T17:34:37.000000Z" },
		  { "11", "1000000005000", "2026-11-25T17:34:38.000005Z" } },
		{ { "10", "1000000000123", "2026-11-25T17:34:37.000000Z" },
		  { "11", "1000000005000", "2026-11-25T16:34:37.000005Z" } },
		/* one microsecond off: ts_ns 1000 ns later, the same time */
		{ { "10", "1000000000123", "2026-11-25T17:34:37.000000Z" },
		  { "11", "1000000001123", "2026-11-25T17:34:37.000000Z" } },
	};
	static const char *const want_time[] = {
		"2026-11-25T17:34:37.000005Z",
		"2026-11-25T17:34:37.000005Z",
		"2026-11-25T17:34:37.000001Z",
	};
	struct pt_buf b = { 0 };
	struct outcome o;
	char want[256];

	for (int json = 0; json < 2; json++) {
		pt_buf_reset(&b);
		timed_rows(&b, json, agree, 4);
		replay_text(b.data, b.len, &o);
		assert_true(o.open_ok);
		assert_string_equal(o.err, "");
		assert_int_equal(o.events, 4);
		assert_int_equal(o.ret, 0);
		for (size_t i = 0; i < 3; i++) {
			pt_buf_reset(&b);
			timed_rows(&b, json, off[i], 2);
			replay_text(b.data, b.len, &o);
			assert_int_equal(o.events, 1);
			assert_int_equal(o.ret, -EINVAL);
			snprintf(want, sizeof(want),
				 "line %d: time: '%s' is not the time of ts_ns %s, which the rows "
				 "before give %s: a file's times come from its ts_ns and one clock",
				 json ? 2 : 3, off[i][1].time, off[i][1].ts_ns, want_time[i]);
			assert_string_equal(o.err, want);
		}
	}
	pt_buf_free(&b);
}

/* A quote left open does not take the whole file into memory. */
static void test_replay_row_too_long(void **state)
{
	size_t len = strlen(header) + 3 * 1024 * 1024;
	char *text = malloc(len);
	struct outcome o;

	assert_non_null(text);
	memcpy(text, header, strlen(header));
	memset(text + strlen(header), 'x', len - strlen(header));
	text[strlen(header)] = '"';
	replay_text(text, len, &o);
	assert_true(o.open_ok);
	assert_int_equal(o.ret, -EINVAL);
	assert_string_equal(o.err, "line 2: row longer than 1048576 bytes");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_setpgid_older_capture),
		cmocka_unit_test(test_replay_good_row_template),
		cmocka_unit_test(test_replay_bad_header),
		cmocka_unit_test(test_replay_empty_and_header_only),
		cmocka_unit_test(test_replay_crlf),
		cmocka_unit_test(test_replay_bad_values),
		cmocka_unit_test(test_replay_bad_kind_values),
		cmocka_unit_test(test_replay_bad_records),
		cmocka_unit_test(test_replay_goes_on_after_a_bad_row),
		cmocka_unit_test(test_replay_row_too_long),
		cmocka_unit_test(test_replay_time_contradicts_ts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
