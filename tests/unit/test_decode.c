// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* decode.c: names, statuses, CPU time, time formats, and the text encodings,
 * the shell quoting checked against bash and python's shlex themselves. */
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
#include "proctrace/decode.h"
#include "proctrace/event_access.h"

/* ---- helpers ---- */

static char *quoted(const char *s, size_t n, unsigned flags)
{
	struct pt_buf b = { 0 };

	pt_shell_quote_flags(&b, s, n, flags);
	pt_buf_putc(&b, '\0'); /* so that "" has data too */
	return b.data;
}

static char *joined(const char *argv, size_t n)
{
	struct pt_buf b = { 0 };

	pt_argv_join(&b, (const __u8 *)argv, n);
	pt_buf_putc(&b, '\0');
	return b.data;
}

/* argv blocks are written as literals: their length is sizeof - 1 */
#define JOINED(lit) joined(lit, sizeof(lit) - 1)

static char *escaped(const char *s, size_t n, unsigned flags)
{
	struct pt_buf b = { 0 };

	pt_escape_text(&b, s, n, flags);
	pt_buf_putc(&b, '\0');
	return b.data;
}

/* Run script with prog (bash, python3) and return all it prints. */
static char *run_script(const char *prog, const char *script, size_t *out_len)
{
	char path[] = "/tmp/pt-test-decode-XXXXXX", cmd[128];
	struct pt_buf out = { 0 };
	char chunk[4096];
	FILE *p;
	size_t n;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, script, strlen(script)), (ssize_t)strlen(script));
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s %s", prog, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		pt_buf_put(&out, chunk, n);
	assert_int_equal(pclose(p), 0);
	unlink(path);
	pt_buf_putc(&out, '\0');
	*out_len = out.len - 1;
	return out.data;
}

static bool have_program(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

/* ---- names ---- */

static void test_decode_kind_names(void **state)
{
	static const char *const want[] = {
		"?",	   "snapshot", "fork",	   "thread",  "exec",	  "exit",	 "reap",
		"signal",  "stop",     "continue", "setpgid", "setsid",	  "rename",	 "lost",
		"unshare", "setns",    "state",	   "sched",   "reparent", "exec_failed", "usage",
	};
	unsigned k;

	assert_int_equal(sizeof(want) / sizeof(want[0]), PT_KIND_MAX);
	for (k = 0; k < PT_KIND_MAX; k++)
		assert_string_equal(pt_kind_name(k), want[k]);
	assert_string_equal(pt_kind_name(PT_KIND_MAX), "?");
	assert_string_equal(pt_kind_name(~0u), "?");
}

static void test_decode_state_and_result_names(void **state)
{
	assert_string_equal(pt_state_name(PT_STATE_ALIVE), "alive");
	assert_string_equal(pt_state_name(PT_STATE_STOPPED), "stopped");
	assert_string_equal(pt_state_name(PT_STATE_ZOMBIE), "zombie");
	assert_string_equal(pt_state_name(PT_STATE_REAPED), "reaped");
	assert_string_equal(pt_state_name(PT_STATE_RUNNING), "running");
	assert_string_equal(pt_state_name(PT_STATE_RUNNABLE), "runnable");
	assert_string_equal(pt_state_name(PT_STATE_SLEEPING), "sleeping");
	assert_string_equal(pt_state_name(PT_STATE_DISK_SLEEP), "disk-sleep");
	assert_string_equal(pt_state_name(PT_STATE_TRACED), "traced");
	assert_string_equal(pt_state_name(PT_STATE_MAX), "?");
	assert_string_equal(pt_sig_result_name(PT_SIG_DELIVERED), "delivered");
	assert_string_equal(pt_sig_result_name(PT_SIG_IGNORED), "ignored");
	assert_string_equal(pt_sig_result_name(PT_SIG_ALREADY_PENDING), "already_pending");
	assert_string_equal(pt_sig_result_name(PT_SIG_OVERFLOW_FAIL), "overflow_fail");
	assert_string_equal(pt_sig_result_name(PT_SIG_LOSE_INFO), "lose_info");
	assert_string_equal(pt_sig_result_name(5), "?");
}

static void test_decode_signal_name_edges(void **state)
{
	char buf[16];

	assert_string_equal(pt_signal_name(1, buf, sizeof(buf)), "SIGHUP");
	assert_string_equal(pt_signal_name(6, buf, sizeof(buf)), "SIGABRT");
	assert_string_equal(pt_signal_name(9, buf, sizeof(buf)), "SIGKILL");
	assert_string_equal(pt_signal_name(16, buf, sizeof(buf)), "SIGSTKFLT");
	assert_string_equal(pt_signal_name(29, buf, sizeof(buf)), "SIGIO");
	assert_string_equal(pt_signal_name(31, buf, sizeof(buf)), "SIGSYS");
	assert_string_equal(pt_signal_name(32, buf, sizeof(buf)), "SIG32");
	assert_string_equal(pt_signal_name(33, buf, sizeof(buf)), "SIG33");
	assert_string_equal(pt_signal_name(34, buf, sizeof(buf)), "SIGRTMIN");
	assert_string_equal(pt_signal_name(35, buf, sizeof(buf)), "SIGRTMIN+1");
	assert_string_equal(pt_signal_name(49, buf, sizeof(buf)), "SIGRTMIN+15");
	assert_string_equal(pt_signal_name(50, buf, sizeof(buf)), "SIGRTMAX-14");
	assert_string_equal(pt_signal_name(63, buf, sizeof(buf)), "SIGRTMAX-1");
	assert_string_equal(pt_signal_name(64, buf, sizeof(buf)), "SIGRTMAX");
	assert_string_equal(pt_signal_name(65, buf, sizeof(buf)), "SIG65");
	assert_string_equal(pt_signal_name(0, buf, sizeof(buf)), "SIG0");
	assert_string_equal(pt_signal_name(-1, buf, sizeof(buf)), "SIG-1");
	assert_string_equal(pt_signal_name(INT32_MIN, buf, sizeof(buf)), "SIG-2147483648");
}

/* Every number bash knows must get bash's name. */
static void test_decode_signal_names_match_bash(void **state)
{
	char *out, *line, *save = NULL, buf[16], want[32];
	size_t len;
	int sig;

	if (!have_program("bash"))
		skip();
	out = run_script("bash", "for i in $(seq 1 31) $(seq 34 64); do kill -l $i; done\n", &len);
	line = strtok_r(out, "\n", &save);
	for (sig = 1; sig <= 64; sig++) {
		if (sig == 32 || sig == 33)
			continue;
		assert_non_null(line);
		snprintf(want, sizeof(want), "SIG%s", line);
		assert_string_equal(pt_signal_name(sig, buf, sizeof(buf)), want);
		line = strtok_r(NULL, "\n", &save);
	}
	assert_null(line);
	free(out);
}

/* ---- wait status ---- */

static void test_decode_status_exit_codes(void **state)
{
	struct pt_status st;

	st = pt_decode_status(0);
	assert_false(st.signaled);
	assert_int_equal(st.code, 0);
	assert_false(st.core);
	st = pt_decode_status(3 << 8);
	assert_false(st.signaled);
	assert_int_equal(st.code, 3);
	st = pt_decode_status(255 << 8);
	assert_false(st.signaled);
	assert_int_equal(st.code, 255);
}

static void test_decode_status_signals_and_core(void **state)
{
	struct pt_status st;

	st = pt_decode_status(9);
	assert_true(st.signaled);
	assert_int_equal(st.sig, 9);
	assert_false(st.core);
	st = pt_decode_status(6 | 0x80);
	assert_true(st.signaled);
	assert_int_equal(st.sig, 6);
	assert_true(st.core);
	st = pt_decode_status(11 | 0x80);
	assert_int_equal(st.sig, 11);
	assert_true(st.core);
	st = pt_decode_status(64);
	assert_true(st.signaled);
	assert_int_equal(st.sig, 64);
}

/* ---- CPU time ---- */

static void adjust_prev(__u64 utime, __u64 stime, __u64 runtime, __u64 prev_u, __u64 prev_s,
			__u64 *user, __u64 *sys)
{
	struct pt_usage u = { .utime_ns = utime,
			      .stime_ns = stime,
			      .runtime_ns = runtime,
			      .prev_utime_ns = prev_u,
			      .prev_stime_ns = prev_s };

	pt_cputime_adjust(&u, user, sys);
}

static void adjust(__u64 utime, __u64 stime, __u64 runtime, __u64 *user, __u64 *sys)
{
	adjust_prev(utime, stime, runtime, 0, 0, user, sys);
}

static void test_decode_cputime_zero_cases(void **state)
{
	__u64 user, sys;

	adjust(0, 0, 1000, &user, &sys);
	assert_int_equal(user, 1000);
	assert_int_equal(sys, 0);
	adjust(5, 0, 1000, &user, &sys);
	assert_int_equal(user, 1000);
	assert_int_equal(sys, 0);
	adjust(0, 5, 1000, &user, &sys);
	assert_int_equal(user, 0);
	assert_int_equal(sys, 1000);
	adjust(3, 4, 0, &user, &sys);
	assert_int_equal(user, 0);
	assert_int_equal(sys, 0);
}

static void test_decode_cputime_ratio(void **state)
{
	__u64 user, sys;

	adjust(1, 3, 1000, &user, &sys);
	assert_int_equal(sys, 750);
	assert_int_equal(user, 250);
	/* ticks say 4 ms + 4 ms, the precise total is 9 ms */
	adjust(4000000, 4000000, 9000001, &user, &sys);
	assert_int_equal(sys, 4500000);
	assert_int_equal(user, 4500001);
}

/* cputime_adjust()'s memory: what was reported stays reported. */
static void test_decode_cputime_prev(void **state)
{
	__u64 user, sys;

	/* reported for as much runtime as now: the same figures */
	adjust_prev(1, 3, 1000, 600, 400, &user, &sys);
	assert_int_equal(user, 600);
	assert_int_equal(sys, 400);
	/* the scaled stime (750) under the reported one (800): kept */
	adjust_prev(1, 3, 1000, 100, 800, &user, &sys);
	assert_int_equal(sys, 800);
	assert_int_equal(user, 200);
	/* the scaled utime (1200 - 900) under the reported one (350) */
	adjust_prev(1, 3, 1200, 350, 100, &user, &sys);
	assert_int_equal(user, 350);
	assert_int_equal(sys, 850);
	/* no tick: all of it where the ticks say, but not below prev */
	adjust_prev(0, 0, 1000, 0, 200, &user, &sys);
	assert_int_equal(sys, 200);
	assert_int_equal(user, 800);
}

static void test_decode_cputime_large_values(void **state)
{
	__u64 user, sys;

	/* stime * runtime is far beyond 64 bits */
	adjust(1ull << 62, 1ull << 62, UINT64_MAX, &user, &sys);
	assert_true(sys == UINT64_MAX / 2);
	assert_true(user == UINT64_MAX - UINT64_MAX / 2);
	/* so is utime + stime */
	adjust(UINT64_MAX, UINT64_MAX, 10, &user, &sys);
	assert_int_equal(sys, 5);
	assert_int_equal(user, 5);
	adjust(1, UINT64_MAX, UINT64_MAX, &user, &sys);
	assert_true(user + sys == UINT64_MAX);
	assert_true(user <= 1);
}

/* ---- UTF-8 and escaping ---- */

static void test_decode_utf8_seq_len(void **state)
{
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"a", 1), 1);
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xc3\xa9", 2), 2);
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xe2\x82\xac", 3), 3);
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xf4\x8f\xbf\xbf", 4), 4);
	/* cut short */
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xc3\xa9", 1), 0);
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xe2\x82\xac", 2), 0);
	/* stray continuation, overlongs, surrogate, beyond U+10FFFF, F5-FF */
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\x80", 1), 0);
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xc0\xaf", 2), 0);
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xc1\xbf", 2), 0);
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xe0\x80\xaf", 3), 0);
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xf0\x80\x80\xaf", 4), 0);
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xed\xa0\x80", 3), 0);
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xf5\x80\x80\x80", 4), 0);
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xff", 1), 0);
	/* bad continuation byte */
	assert_int_equal(pt_utf8_seq_len((const unsigned char *)"\xe2\x28\xac", 3), 0);
}

static void test_decode_escape_text(void **state)
{
	char *s;

	s = escaped("plain text", 10, PT_ESC_BACKSLASH);
	assert_string_equal(s, "plain text");
	free(s);
	s = escaped("a\\b\xff"
		    "c\xc3\xa9",
		    7, PT_ESC_BACKSLASH);
	assert_string_equal(s, "a\\\\b\\xffc\xc3\xa9");
	free(s);
	s = escaped("a\\b", 3, 0);
	assert_string_equal(s, "a\\b");
	free(s);
	/* controls stay unless asked; NUL never does */
	s = escaped("a\nb\0c", 5, PT_ESC_BACKSLASH);
	assert_memory_equal(s, "a\nb\\x00c", 9);
	free(s);
	s = escaped("a\nb\tc\rd\x1b"
		    "e\x7f",
		    10, PT_ESC_CONTROL);
	assert_string_equal(s, "a\\x0ab\\x09c\\x0dd\\x1be\\x7f");
	free(s);
	/* C1 controls (CSI is U+009B) are controls too; U+00A0 is not */
	s = escaped("\xc2\x9b"
		    "2J\xc2\x80\xc2\xa0",
		    8, PT_ESC_CONTROL);
	assert_string_equal(s, "\\xc2\\x9b2J\\xc2\\x80\xc2\xa0");
	free(s);
	s = escaped("\xc2\x9b", 2, PT_ESC_BACKSLASH);
	assert_string_equal(s, "\xc2\x9b");
	free(s);
	s = escaped("two words", 9, PT_ESC_SPACE);
	assert_string_equal(s, "two\\x20words");
	free(s);
	/* a sequence cut at the end is escaped byte by byte */
	s = escaped("x\xe2\x82", 3, 0);
	assert_string_equal(s, "x\\xe2\\x82");
	free(s);
}

/* ---- shell quoting ---- */

static void test_decode_shell_quote_safe_and_empty(void **state)
{
	char *s;

	s = quoted("", 0, 0);
	assert_string_equal(s, "''");
	free(s);
	s = quoted("abcXYZ019_@%+=:,./-", 19, 0);
	assert_string_equal(s, "abcXYZ019_@%+=:,./-");
	free(s);
	s = quoted("a b", 3, 0);
	assert_string_equal(s, "'a b'");
	free(s);
	s = quoted("$HOME", 5, 0);
	assert_string_equal(s, "'$HOME'");
	free(s);
	s = quoted("*", 1, 0);
	assert_string_equal(s, "'*'");
	free(s);
	s = quoted("~", 1, 0);
	assert_string_equal(s, "'~'");
	free(s);
}

static void test_decode_shell_quote_quotes(void **state)
{
	char *s;

	s = quoted("it's", 4, 0);
	assert_string_equal(s, "'it'\\''s'");
	free(s);
	s = quoted("'", 1, 0);
	assert_string_equal(s, "''\\'''");
	free(s);
	s = quoted("say \"hi\" \\o/", 12, 0);
	assert_string_equal(s, "'say \"hi\" \\o/'");
	free(s);
}

static void test_decode_shell_quote_newline_and_tab(void **state)
{
	char *s;

	s = quoted("a\nb\tc", 5, 0);
	assert_string_equal(s, "'a\nb\tc'");
	free(s);
	s = quoted("a\nb\tc", 5, PT_QUOTE_ONE_LINE);
	assert_string_equal(s, "$'a\\x0ab\\x09c'");
	free(s);
}

static void test_decode_shell_quote_ansi_c_form(void **state)
{
	char *s;

	s = quoted("\xff", 1, 0);
	assert_string_equal(s, "$'\\xff'");
	free(s);
	s = quoted("a\xff"
		   "b'c\\d",
		   7, 0);
	assert_string_equal(s, "$'a\\xffb\\'c\\\\d'");
	free(s);
	s = quoted("bell\x07", 5, 0);
	assert_string_equal(s, "$'bell\\x07'");
	free(s);
	s = quoted("del\x7f", 4, 0);
	assert_string_equal(s, "$'del\\x7f'");
	free(s);
	/* inside $'', the newline is escaped like any control character */
	s = quoted("\x01\n", 2, 0);
	assert_string_equal(s, "$'\\x01\\x0a'");
	free(s);
	/* valid UTF-8 needs quotes only, not escapes */
	s = quoted("caf\xc3\xa9", 5, 0);
	assert_string_equal(s, "'caf\xc3\xa9'");
	free(s);
	s = quoted("caf\xc3\xa9\x01", 6, 0);
	assert_string_equal(s, "$'caf\xc3\xa9\\x01'");
	free(s);
	s = quoted("csi\xc2\x9b", 5, 0);
	assert_string_equal(s, "$'csi\\xc2\\x9b'");
	free(s);
	s = quoted("\xc0\xaf", 2, 0);
	assert_string_equal(s, "$'\\xc0\\xaf'");
	free(s);
}

static void test_decode_argv_join(void **state)
{
	char *s;

	s = JOINED("ls\0-l\0/tmp\0");
	assert_string_equal(s, "ls -l /tmp");
	free(s);
	s = JOINED("");
	assert_string_equal(s, "");
	free(s);
	s = JOINED("\0");
	assert_string_equal(s, "''");
	free(s);
}

static void test_decode_argv_join_empty_args(void **state)
{
	char *s;

	s = JOINED("a\0\0b\0");
	assert_string_equal(s, "a '' b");
	free(s);
	s = JOINED("printf\0%s|\0\0\0x y\0");
	assert_string_equal(s, "printf '%s|' '' '' 'x y'");
	free(s);
}

static void test_decode_argv_join_truncated_last(void **state)
{
	char *s;

	s = JOINED("echo\0hello wor");
	assert_string_equal(s, "echo 'hello wor'");
	free(s);
	/* cut inside a UTF-8 sequence */
	s = JOINED("echo\0caf\xc3");
	assert_string_equal(s, "echo $'caf\\xc3'");
	free(s);
}

static void test_decode_argv_join_assignment_word(void **state)
{
	char *s;

	s = JOINED("FOO=bar\0x\0");
	assert_string_equal(s, "'FOO=bar' x");
	free(s);
	s = JOINED("env\0FOO=bar\0x\0");
	assert_string_equal(s, "env FOO=bar x");
	free(s);
	s = JOINED("./a=b\0");
	assert_string_equal(s, "./a=b");
	free(s);
}

/* Each tricky argument as a bash word must give back its exact bytes. */
static const struct {
	const char *s;
	size_t n;
} tricky_args[] = {
	{ "", 0 },
	{ "plain", 5 },
	{ "two words", 9 },
	{ "it's", 4 },
	{ "'", 1 },
	{ "''\\''", 5 },
	{ "a\nb", 3 },
	{ "tab\there", 8 },
	{ "$HOME `id` $(id) !x *?[a]", 25 },
	{ "\"dq\" \\n", 7 },
	{ "caf\xc3\xa9 \xe2\x82\xac", 9 },
	{ "\xff\xfe", 2 },
	{ "a\xff"
	  "b'c\\d",
	  7 },
	{ "\x01\x02\x1b[31m\x7f", 8 },
	{ "\xc2\x9b"
	  "31m\xc2\x85",
	  7 },
	{ "\xc3", 1 },
	{ "\xed\xa0\x80", 3 },
	{ "-n", 2 },
	{ "x=y", 3 },
};
#define N_TRICKY (sizeof(tricky_args) / sizeof(tricky_args[0]))

static void test_decode_shell_quote_roundtrip_bash(void **state)
{
	struct pt_buf script = { 0 }, want = { 0 };
	unsigned flags;
	size_t i, len;
	char *out;

	if (!have_program("bash"))
		skip();
	for (flags = 0; flags <= PT_QUOTE_ONE_LINE; flags += PT_QUOTE_ONE_LINE) {
		pt_buf_reset(&script);
		pt_buf_reset(&want);
		pt_buf_puts(&script, "printf '%s\\0'");
		for (i = 0; i < N_TRICKY; i++) {
			pt_buf_putc(&script, ' ');
			pt_shell_quote_flags(&script, tricky_args[i].s, tricky_args[i].n, flags);
			pt_buf_put(&want, tricky_args[i].s, tricky_args[i].n);
			pt_buf_putc(&want, '\0');
		}
		pt_buf_putc(&script, '\n');
		out = run_script("bash", script.data, &len);
		assert_int_equal(len, want.len);
		assert_memory_equal(out, want.data, len);
		free(out);
	}
	pt_buf_free(&script);
	pt_buf_free(&want);
}

/* argv_join output pasted into bash runs the same argv. */
static void test_decode_argv_join_roundtrip_bash(void **state)
{
	static const char argv[] = "printf\0%s|\0\0a b\0it's\0x\ny\0\xff\0";
	struct pt_buf script = { 0 };
	const char want[] = "|a b|it's|x\ny|\xff|";
	size_t len;
	char *out;

	if (!have_program("bash"))
		skip();
	pt_argv_join(&script, (const __u8 *)argv, sizeof(argv) - 1);
	pt_buf_putc(&script, '\n');
	out = run_script("bash", script.data, &len);
	/* printf repeats its format: one "%s|" per argument after it */
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(out, want, len);
	free(out);
	pt_buf_free(&script);
}

/* python's shlex.split reads the single-quoted form (not $'...'). */
static void test_decode_shell_quote_roundtrip_shlex(void **state)
{
	struct pt_buf script = { 0 }, line = { 0 }, want = { 0 };
	size_t i, j, len;
	char *out;

	if (!have_program("python3"))
		skip();
	for (i = 0; i < N_TRICKY; i++) {
		struct pt_buf q = { 0 };

		pt_shell_quote(&q, tricky_args[i].s, tricky_args[i].n);
		pt_buf_putc(&q, '\0');
		if (strstr(q.data, "$'")) {
			pt_buf_free(&q);
			continue;
		}
		if (line.len)
			pt_buf_putc(&line, ' ');
		pt_buf_puts(&line, q.data);
		for (j = 0; j < tricky_args[i].n; j++)
			pt_buf_printf(&want, "%02x", (unsigned char)tricky_args[i].s[j]);
		pt_buf_putc(&want, '\n');
		pt_buf_free(&q);
	}
	/* hand the line over in hex so python sees exactly these bytes */
	pt_buf_puts(&script, "import shlex\nline = bytes.fromhex('");
	for (j = 0; j < line.len; j++)
		pt_buf_printf(&script, "%02x", (unsigned char)line.data[j]);
	pt_buf_puts(&script,
		    "').decode('utf-8')\n"
		    "for w in shlex.split(line):\n"
		    "    print(w.encode('utf-8').hex())\n");
	out = run_script("python3", script.data, &len);
	assert_string_equal(out, want.data);
	free(out);
	pt_buf_free(&script);
	pt_buf_free(&line);
	pt_buf_free(&want);
}

/* ---- exec payload bounds ---- */

static void test_decode_exec_payload_clamped(void **state)
{
	struct pt_event *ev = calloc(1, sizeof(*ev) + 16);
	const char *path;
	const __u8 *argv;
	size_t n;

	memcpy(ev->data, "ls\0-l\0/bin/ls", 13);
	ev->exec.argv_len = 6;
	ev->exec.path_len = 7;
	ev->size = sizeof(*ev) + 13;
	argv = pt_exec_argv(ev, &n);
	assert_int_equal(n, 6);
	assert_memory_equal(argv, "ls\0-l\0", 6);
	path = pt_exec_path(ev, &n);
	assert_int_equal(n, 7);
	assert_memory_equal(path, "/bin/ls", 7);
	/* lengths beyond the record are cut to it */
	ev->size = sizeof(*ev) + 10;
	pt_exec_path(ev, &n);
	assert_int_equal(n, 4);
	ev->exec.argv_len = 5000;
	pt_exec_argv(ev, &n);
	assert_int_equal(n, 10);
	pt_exec_path(ev, &n);
	assert_int_equal(n, 0);
	ev->size = 8; /* shorter than the header itself */
	pt_exec_argv(ev, &n);
	assert_int_equal(n, 0);
	pt_exec_path(ev, &n);
	assert_int_equal(n, 0);
	free(ev);
}

static void test_decode_actor_and_zombie(void **state)
{
	struct pt_event ev = { .kind = PT_SIGNAL };
	__u64 ns;

	assert_true(pt_event_has_actor(&ev));
	ev.flags = PT_F_KERNEL_SENDER;
	assert_false(pt_event_has_actor(&ev));
	ev.kind = PT_FORK;
	assert_true(pt_event_has_actor(&ev));
	ev.flags = PT_F_NO_ACTOR;
	assert_false(pt_event_has_actor(&ev));
	ev = (struct pt_event){ .kind = PT_REAP, .flags = PT_F_AUTOREAP };
	assert_false(pt_event_has_actor(&ev));
	ev.kind = PT_EXIT;
	ev.flags = 0;
	assert_false(pt_event_has_actor(&ev));
	ev.exit.cause = PT_CAUSE_SIGNAL; /* a sender seen */
	assert_true(pt_event_has_actor(&ev));
	ev.exit.cause = PT_CAUSE_FAULT; /* the kernel's, for its own fault */
	assert_false(pt_event_has_actor(&ev));

	ev = (struct pt_event){ .kind = PT_REAP };
	ev.task.ts_ns = 5000;
	assert_false(pt_reap_zombie_ns(&ev, &ns));
	ev.reap.exit_ns = 1000;
	assert_true(pt_reap_zombie_ns(&ev, &ns));
	assert_int_equal(ns, 4000);
	ev.reap.exit_ns = 6000;
	assert_true(pt_reap_zombie_ns(&ev, &ns));
	assert_int_equal(ns, 0);
}

/* ---- time ---- */

/* 2026-11-25T17:34:37Z is 1795628077 seconds after the epoch. */
#define KNOWN_EPOCH_S 1795628077LL

static void test_decode_format_utc_known_instant(void **state)
{
	/* booted 1000 s before the instant; the event 1000.123456789 s in */
	struct pt_clock c = { .boot_to_real_ns = (KNOWN_EPOCH_S - 1000) * 1000000000LL };
	struct pt_buf b = { 0 };

	pt_format_utc(&b, &c, 1000123456789ull);
	assert_string_equal(b.data, "2026-11-25T17:34:37.123456Z");
	pt_buf_reset(&b);
	pt_format_utc(&b, &c, 1000000000000ull);
	assert_string_equal(b.data, "2026-11-25T17:34:37.000000Z");
	pt_buf_reset(&b);
	/* an offset that puts the instant before 1970 */
	c.boot_to_real_ns = -1000000000LL;
	pt_format_utc(&b, &c, 500000000ull);
	assert_string_equal(b.data, "1969-12-31T23:59:59.500000Z");
	pt_buf_free(&b);
}

static void test_decode_format_local_ms(void **state)
{
	struct pt_clock c = { .boot_to_real_ns = (KNOWN_EPOCH_S - 1000) * 1000000000LL };
	struct pt_buf b = { 0 };
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	setenv("TZ", "UTC", 1);
	tzset();
	pt_format_local_ms(&b, &c, 1000123999999ull);
	assert_string_equal(b.data, "17:34:37.123");
	pt_buf_reset(&b);
	/* POSIX TZ: two hours east of UTC */
	setenv("TZ", "XYZ-2", 1);
	tzset();
	pt_format_local_ms(&b, &c, 1000123456789ull);
	assert_string_equal(b.data, "19:34:37.123");
	pt_buf_free(&b);
	if (old)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
}

static void test_decode_clock_now_converts_boot_time(void **state)
{
	struct pt_clock c = pt_clock_now();
	struct timespec boot, real;
	int64_t boot_ns, real_ns, diff;

	clock_gettime(CLOCK_BOOTTIME, &boot);
	clock_gettime(CLOCK_REALTIME, &real);
	boot_ns = (int64_t)boot.tv_sec * 1000000000 + boot.tv_nsec;
	real_ns = (int64_t)real.tv_sec * 1000000000 + real.tv_nsec;
	/* The offset is fixed, so boot + offset must land on the real time;
	 * the bound only has to absorb a clock step or a slow machine. */
	diff = real_ns - (boot_ns + c.boot_to_real_ns);
	assert_true(diff > -5000000000LL && diff < 5000000000LL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_kind_names),
		cmocka_unit_test(test_decode_state_and_result_names),
		cmocka_unit_test(test_decode_signal_name_edges),
		cmocka_unit_test(test_decode_signal_names_match_bash),
		cmocka_unit_test(test_decode_status_exit_codes),
		cmocka_unit_test(test_decode_status_signals_and_core),
		cmocka_unit_test(test_decode_cputime_zero_cases),
		cmocka_unit_test(test_decode_cputime_ratio),
		cmocka_unit_test(test_decode_cputime_prev),
		cmocka_unit_test(test_decode_cputime_large_values),
		cmocka_unit_test(test_decode_utf8_seq_len),
		cmocka_unit_test(test_decode_escape_text),
		cmocka_unit_test(test_decode_shell_quote_safe_and_empty),
		cmocka_unit_test(test_decode_shell_quote_quotes),
		cmocka_unit_test(test_decode_shell_quote_newline_and_tab),
		cmocka_unit_test(test_decode_shell_quote_ansi_c_form),
		cmocka_unit_test(test_decode_argv_join),
		cmocka_unit_test(test_decode_argv_join_empty_args),
		cmocka_unit_test(test_decode_argv_join_truncated_last),
		cmocka_unit_test(test_decode_argv_join_assignment_word),
		cmocka_unit_test(test_decode_shell_quote_roundtrip_bash),
		cmocka_unit_test(test_decode_argv_join_roundtrip_bash),
		cmocka_unit_test(test_decode_shell_quote_roundtrip_shlex),
		cmocka_unit_test(test_decode_exec_payload_clamped),
		cmocka_unit_test(test_decode_actor_and_zombie),
		cmocka_unit_test(test_decode_format_utc_known_instant),
		cmocka_unit_test(test_decode_format_local_ms),
		cmocka_unit_test(test_decode_clock_now_converts_boot_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
