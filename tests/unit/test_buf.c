// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* buf.c: growth, termination, failure, and the single-write output. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "proctrace/buf.h"

static void test_buf_appends_and_terminates(void **state)
{
	struct pt_buf b = { 0 };

	pt_buf_put(&b, "ab", 2);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.data, "ab");
	pt_buf_putc(&b, 'c');
	pt_buf_puts(&b, "de");
	pt_buf_printf(&b, "%d-%s", 42, "x");
	pt_buf_fill(&b, '.', 3);
	assert_string_equal(b.data, "abcde42-x...");
	assert_int_equal(b.len, strlen(b.data));
	/* bytes after a NUL are kept: len, not strlen, is the length */
	pt_buf_put(&b, "\0z", 2);
	assert_int_equal(b.len, 14);
	assert_memory_equal(b.data + 12, "\0z", 3);
	pt_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void test_buf_grows_past_initial_size(void **state)
{
	struct pt_buf b = { 0 };
	char big[10000];
	size_t i;

	for (i = 0; i < 5000; i++)
		pt_buf_putc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 5000);
	assert_true(b.cap > b.len);
	for (i = 0; i < 5000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	assert_int_equal(b.data[5000], '\0');

	/* a printf larger than the room left must come out whole */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pt_buf_printf(&b, "[%s]", big);
	assert_int_equal(b.len, 5000 + sizeof(big) + 1);
	assert_int_equal(b.data[5000], '[');
	assert_int_equal(b.data[b.len - 1], ']');
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(strlen(b.data + 5001), sizeof(big));
	assert_false(b.failed);
	pt_buf_free(&b);
}

static void test_buf_put_u64_matches_printf(void **state)
{
	static const unsigned long long values[] = {
		0,
		1,
		9,
		10,
		99,
		100,
		4294967295ull,
		4294967296ull,
		1000123456789ull,
		18446744073709551615ull,
	};
	char want[32];
	size_t i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct pt_buf b = { 0 };

		pt_buf_puts(&b, "x");
		pt_buf_put_u64(&b, values[i]);
		snprintf(want, sizeof(want), "x%llu", values[i]);
		assert_string_equal(b.data, want);
		pt_buf_free(&b);
	}
}

static void test_buf_reset_keeps_memory(void **state)
{
	struct pt_buf b = { 0 };
	char *data;
	size_t cap;

	pt_buf_puts(&b, "hello");
	data = b.data;
	cap = b.cap;
	pt_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	pt_buf_puts(&b, "x");
	assert_string_equal(b.data, "x");
	pt_buf_free(&b);
	/* resetting a buffer that never held anything is fine */
	pt_buf_reset(&b);
	assert_int_equal(b.len, 0);
}

static void test_buf_impossible_size_fails_cleanly(void **state)
{
	struct pt_buf b = { 0 };

	pt_buf_puts(&b, "kept");
	pt_buf_put(&b, "x", SIZE_MAX - 2);
	assert_true(b.failed);
	assert_string_equal(b.data, "kept");
	/* a failed buffer ignores appends until reset */
	pt_buf_puts(&b, "more");
	pt_buf_printf(&b, "%d", 1);
	assert_int_equal(b.len, 4);
	pt_buf_reset(&b);
	assert_false(b.failed);
	pt_buf_puts(&b, "ok");
	assert_string_equal(b.data, "ok");
	pt_buf_free(&b);
}

static void test_buf_write_whole_buffer(void **state)
{
	struct pt_buf b = { 0 };
	char got[64] = { 0 };
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(pt_buf_write(&b, f), 0); /* empty: nothing to do */
	pt_buf_puts(&b, "one row\n");
	assert_int_equal(pt_buf_write(&b, f), 0);
	assert_int_equal(pt_file_flush(f), 0);
	rewind(f);
	assert_int_equal(fread(got, 1, sizeof(got), f), 8);
	assert_string_equal(got, "one row\n");
	fclose(f);
	pt_buf_free(&b);
}

static void test_buf_write_failed_buffer_writes_nothing(void **state)
{
	struct pt_buf b = { 0 };
	FILE *f = tmpfile();

	assert_non_null(f);
	pt_buf_puts(&b, "half a row");
	pt_buf_put(&b, "x", SIZE_MAX - 2);
	assert_int_equal(pt_buf_write(&b, f), -ENOMEM);
	assert_int_equal(pt_file_flush(f), 0);
	assert_int_equal(ftell(f), 0);
	fclose(f);
	pt_buf_free(&b);
}

static void test_buf_write_errors_are_negative_errno(void **state)
{
	struct pt_buf b = { 0 };
	FILE *f = fopen("/dev/full", "w");

	assert_non_null(f);
	pt_buf_puts(&b, "row\n");
	/* buffered: the error shows at the flush */
	assert_int_equal(pt_buf_write(&b, f), 0);
	assert_int_equal(pt_file_flush(f), -ENOSPC);
	fclose(f);

	f = fopen("/dev/full", "w");
	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(pt_buf_write(&b, f), -ENOSPC);
	fclose(f);
	pt_buf_free(&b);
}

/* Line buffering takes the bytes, fails to flush them, and fwrite still
 * reports them all written: the error must show anyway. */
static void test_buf_write_line_buffered_closed_pipe(void **state)
{
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	struct pt_buf b = { 0 };
	int fds[2];
	FILE *f;

	assert_int_equal(pipe(fds), 0);
	f = fdopen(fds[1], "w");
	assert_non_null(f);
	setvbuf(f, NULL, _IOLBF, 0);
	pt_buf_puts(&b, "row\n");
	assert_int_equal(pt_buf_write(&b, f), 0);
	close(fds[0]);
	assert_int_equal(pt_buf_write(&b, f), -EPIPE);
	fclose(f);
	signal(SIGPIPE, old);
	pt_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_appends_and_terminates),
		cmocka_unit_test(test_buf_grows_past_initial_size),
		cmocka_unit_test(test_buf_reset_keeps_memory),
		cmocka_unit_test(test_buf_put_u64_matches_printf),
		cmocka_unit_test(test_buf_impossible_size_fails_cleanly),
		cmocka_unit_test(test_buf_write_whole_buffer),
		cmocka_unit_test(test_buf_write_failed_buffer_writes_nothing),
		cmocka_unit_test(test_buf_write_errors_are_negative_errno),
		cmocka_unit_test(test_buf_write_line_buffered_closed_pipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
