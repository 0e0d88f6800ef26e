// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* decode.c's shell quoting (pt_shell_quote_flags) and argv joining
 * (pt_argv_join): safe words left bare, quotes, the $'...' form, and what
 * bash and python's shlex read back from them. */
#include "proctrace/decode.h"
#include "script_fixture.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
