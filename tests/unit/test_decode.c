// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* decode.c: names, statuses, CPU time, time formats, and the text
 * encodings (the shell quoting: test_decode_shell.c). */
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
#include "script_fixture.h"

/* ---- helpers ---- */

static char *escaped(const char *s, size_t n, unsigned flags)
{
	struct pt_buf b = { 0 };

	pt_escape_text(&b, s, n, flags);
	pt_buf_putc(&b, '\0');
	return b.data;
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
		cmocka_unit_test(test_decode_exec_payload_clamped),
		cmocka_unit_test(test_decode_actor_and_zombie),
		cmocka_unit_test(test_decode_format_utc_known_instant),
		cmocka_unit_test(test_decode_format_local_ms),
		cmocka_unit_test(test_decode_clock_now_converts_boot_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
