// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* cli.c: the options of a run, malformed values, the command after "--",
 * and where help, version and errors go (what is traced: test_cli_filters.c;
 * outputs and replay: test_cli_outputs.c). */
#include <getopt.h>
#include <unistd.h>
#include "cli_fixture.h"

static void test_cli_defaults(void **state)
{
	struct run *r = parse(NULL);

	assert_int_equal(r->res, PT_CLI_RUN);
	assert_null(r->cfg.csv_path);
	assert_true(r->cfg.duration_s == 0);
	assert_false(r->cfg.quiet);
	assert_false(r->cfg.threads);
	assert_int_equal(r->cfg.verbose, 0);
	assert_int_equal(r->cfg.color, -1);
	assert_int_equal(r->cfg.ringbuf_kb, 4096);
	assert_null(r->cfg.command);
	assert_int_equal(r->cfg.command_argc, 0);
	assert_true(r->cfg.linger_s < 0);
	assert_string_equal(r->out, "");
	assert_string_equal(r->err, "");
	run_free(r);
}

static void test_cli_csv(void **state)
{
	struct run *r;

	r = parse("-o", "events.csv", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_string_equal(r->cfg.csv_path, "events.csv");
	run_free(r);
	r = parse("--csv", "-", NULL);
	assert_string_equal(r->cfg.csv_path, "-");
	run_free(r);
	r = parse("--csv=a b.csv", NULL);
	assert_string_equal(r->cfg.csv_path, "a b.csv");
	run_free(r);
	r = parse("-oout.csv", NULL);
	assert_string_equal(r->cfg.csv_path, "out.csv");
	run_free(r);
}

static void test_cli_csv_malformed(void **state)
{
	usage_error("'-o' needs an argument", "-o");
	usage_error("'--csv' needs an argument", "--csv");
	usage_error("--csv needs a file name", "--csv=");
}

static void test_cli_duration(void **state)
{
	static const struct {
		const char *arg;
		double want;
	} ok[] = {
		{ "10", 10 }, { "0.5", 0.5 },	   { ".25", 0.25 },
		{ "3.", 3 },  { "10000000", 1e7 }, { "007", 7 },
	};
	struct run *r;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		r = parse("-d", ok[i].arg, NULL);
		assert_int_equal(r->res, PT_CLI_RUN);
		assert_true(r->cfg.duration_s == ok[i].want);
		run_free(r);
	}
	r = parse("--duration=2.5", NULL);
	assert_true(r->cfg.duration_s == 2.5);
	run_free(r);
}

static void test_cli_duration_malformed(void **state)
{
	static const char *const bad[] = {
		"abc",	      "-1",	     "0",  "0.0", "10x",   "",	"1e3",	"inf", "nan",
		"10000000.5", "99999999999", " 5", "5 ",  "1.2.3", ".", "0x10", "+5",
	};
	struct run *r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = parse("-d", bad[i], NULL);
		assert_usage_error(r, "invalid duration");
		assert_non_null(strstr(r->err, bad[i]));
		run_free(r);
	}
	usage_error("'--duration' needs an argument", "--duration");
}

static void test_cli_flags(void **state)
{
	struct run *r;

	r = parse("-q", "--threads", "-v", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.quiet);
	assert_true(r->cfg.threads);
	assert_int_equal(r->cfg.verbose, 1);
	run_free(r);
	r = parse("-vvv", "--verbose", "--quiet", NULL);
	assert_int_equal(r->cfg.verbose, 4);
	assert_true(r->cfg.quiet);
	assert_false(r->cfg.threads);
	run_free(r);
	/* short options in one cluster, the last taking the next word */
	r = parse("-qvo", "x.csv", NULL);
	assert_true(r->cfg.quiet);
	assert_int_equal(r->cfg.verbose, 1);
	assert_string_equal(r->cfg.csv_path, "x.csv");
	run_free(r);
}

static void test_cli_color(void **state)
{
	struct run *r;

	r = parse("--color", "always", NULL);
	assert_int_equal(r->cfg.color, 1);
	run_free(r);
	r = parse("--color=never", NULL);
	assert_int_equal(r->cfg.color, 0);
	run_free(r);
	r = parse("--color=always", "--color", "auto", NULL);
	assert_int_equal(r->cfg.color, -1);
	run_free(r);
	usage_error("invalid --color 'yes'", "--color", "yes");
	usage_error("invalid --color ''", "--color=");
	usage_error("'--color' needs an argument", "--color");
}

static void test_cli_ringbuf_kb(void **state)
{
	static const char *const good[] = { "4", "8", "16384", "1048576" };
	static const char *const bad[] = {
		"3",
		"2",
		"0",
		"5",
		"100",
		"2097152",
		"abc",
		"",
		"-4",
		"+4",
		"4k",
		" 4",
		"18446744073709551616",
		"4294967296",
	};
	struct run *r;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		r = parse("--ringbuf-kb", good[i], NULL);
		assert_int_equal(r->res, PT_CLI_RUN);
		assert_int_equal(r->cfg.ringbuf_kb, strtoul(good[i], NULL, 10));
		run_free(r);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = parse("--ringbuf-kb", bad[i], NULL);
		assert_usage_error(r, "invalid --ringbuf-kb");
		run_free(r);
	}
}

static void test_cli_command_after_dashes(void **state)
{
	struct run *r;

	r = parse("-q", "--", "make", "-j8", "--quiet", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.quiet);
	assert_int_equal(r->cfg.command_argc, 3);
	assert_string_equal(r->cfg.command[0], "make");
	assert_string_equal(r->cfg.command[1], "-j8");
	assert_string_equal(r->cfg.command[2], "--quiet");
	assert_null(r->cfg.command[3]);
	run_free(r);
	/* a command that looks like an option */
	r = parse("--", "-weird", NULL);
	assert_int_equal(r->cfg.command_argc, 1);
	assert_string_equal(r->cfg.command[0], "-weird");
	run_free(r);
	/* "--" and nothing after: no command */
	r = parse("--", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_null(r->cfg.command);
	assert_int_equal(r->cfg.command_argc, 0);
	run_free(r);
}

static void test_cli_command_without_dashes(void **state)
{
	struct run *r;

	/* options stop at the first word that is not one */
	r = parse("-v", "sleep", "-q", "1", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_int_equal(r->cfg.verbose, 1);
	assert_false(r->cfg.quiet);
	assert_int_equal(r->cfg.command_argc, 3);
	assert_string_equal(r->cfg.command[0], "sleep");
	assert_string_equal(r->cfg.command[1], "-q");
	assert_string_equal(r->cfg.command[2], "1");
	run_free(r);
	/* the word after an option's value is the command */
	r = parse("-o", "x.csv", "ls", NULL);
	assert_string_equal(r->cfg.csv_path, "x.csv");
	assert_int_equal(r->cfg.command_argc, 1);
	assert_string_equal(r->cfg.command[0], "ls");
	run_free(r);
}

static void test_cli_unknown_options(void **state)
{
	usage_error("unknown option '-x'", "-x");
	usage_error("unknown option '-x'", "-qx");
	usage_error("unknown option '-x'", "--threads", "-qx");
	usage_error("unknown or ambiguous option '--frobnicate'", "--frobnicate=3");
	/* --c could be --csv or --color */
	usage_error("'--c'", "--c", "x");
	usage_error("option '--quiet' takes no argument", "--quiet=yes");
}

static void test_cli_command_options(void **state)
{
	struct run *r;

	r = parse("--linger", "2.5", "-u", "nobody", "--", "make", "-j2", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.linger_s == 2.5);
	assert_string_equal(r->cfg.run_as, "nobody");
	assert_string_equal(r->cfg.command[0], "make");
	run_free(r);
	r = parse("--linger", "0", "--as-root", "true", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.linger_s == 0);
	assert_true(r->cfg.as_root);
	run_free(r);
	usage_error("need a COMMAND", "--linger", "1");
	usage_error("need a COMMAND", "--as-root");
	usage_error("exclude each other", "-u", "nobody", "--as-root", "true");
	usage_error("invalid --user 'nosuchuser': no such user", "-u", "nosuchuser", "true");
	r = parse("-u", "65534", "true", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	run_free(r);
	usage_error("invalid --linger 'soon'", "--linger", "soon", "true");
}

static void test_cli_long_option_prefix(void **state)
{
	struct run *r = parse("--dur", "5", "--thr", NULL);

	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.duration_s == 5);
	assert_true(r->cfg.threads);
	run_free(r);
}

/* --help fits one screen: at most HELP_LINES lines of HELP_COLUMNS
 * columns (characters: the text is ASCII), and ends with its examples. */
#define HELP_LINES 30
#define HELP_COLUMNS 80

static void test_cli_help(void **state)
{
	unsigned lines = 0;
	const char *line, *nl;
	struct run *r;

	r = parse("-h", NULL);
	assert_int_equal(r->res, PT_CLI_EXIT_OK);
	assert_string_equal(r->err, "");
	assert_true(!strncmp(r->out, "Usage: proctrace", 16));
	assert_non_null(strstr(r->out, "--csv FILE"));
	assert_non_null(strstr(r->out, "--ringbuf-kb N"));
	for (line = r->out; *line; line = nl + 1, lines++) {
		nl = strchr(line, '\n');
		assert_non_null(nl);
		if (nl - line > HELP_COLUMNS)
			fail_msg("--help line %u is %d columns (at most %d): %.*s", lines + 1,
				 (int)(nl - line), HELP_COLUMNS, (int)(nl - line), line);
	}
	if (lines > HELP_LINES)
		fail_msg("--help is %u lines, more than one screen (%d)", lines, HELP_LINES);
	/* The last block is the examples: nothing but commands after it. */
	line = strstr(r->out, "\nExamples:\n");
	assert_non_null(line);
	for (line = strchr(line + 1, '\n') + 1; *line; line = strchr(line, '\n') + 1)
		assert_true(!strncmp(line, "  sudo proctrace", 16) ||
			    !strncmp(line, "  proctrace", 11));
	run_free(r);
	/* help wins over what follows it */
	r = parse("--help", "--bogus", NULL);
	assert_int_equal(r->res, PT_CLI_EXIT_OK);
	assert_string_equal(r->err, "");
	run_free(r);
}

/* Every option getopt takes is named in --help, with its short form, so
 * the checks that follow --help (man page, README, completion) see it. */
static void test_cli_help_names_every_option(void **state)
{
	const struct option *o;
	char name[64];
	struct run *r;

	r = parse("--help", NULL);
	for (o = pt_cli_long_options(); o->name; o++) {
		if (o->val < 256)
			snprintf(name, sizeof(name), "-%c, --%s", o->val, o->name);
		else
			snprintf(name, sizeof(name), "--%s", o->name);
		if (!strstr(r->out, name))
			fail_msg("--help does not name option '%s' (src/cli.c help_text)", name);
	}
	run_free(r);
}

/* The words after "opt " in --help up to the next space, '|' turned
 * into '\n' and a '\n' added ("abs\nrel\niso\nus\n"), into buf. */
static void help_words(const char *help, const char *opt, char *buf, size_t n)
{
	const char *at = strstr(help, opt);
	size_t len;

	assert_non_null(at);
	at += strlen(opt);
	len = strcspn(at, " \n");
	assert_true(len + 2 <= n);
	for (size_t i = 0; i < len; i++)
		buf[i] = at[i] == '|' ? '\n' : at[i];
	buf[len] = '\n';
	buf[len + 1] = '\0';
}

/* --help names the value lists from the one table --list prints and
 * names in its error: the lists of --list, each of which prints values,
 * and --time's words, those of --list times. */
static void test_cli_help_lists(void **state)
{
	char lists[128], times[64], want_err[160], *name, *save = NULL;
	struct run *h = parse("--help", NULL), *r;
	size_t n = 0;

	help_words(h->out, "--list ", lists, sizeof(lists));
	help_words(h->out, "--time ", times, sizeof(times));
	r = parse("--list", "times", NULL);
	assert_int_equal(r->res, PT_CLI_EXIT_OK);
	assert_string_equal(r->out, times);
	run_free(r);
	/* the error names the same lists, in the same order */
	snprintf(want_err, sizeof(want_err), "proctrace: invalid --list 'bogus': expected ");
	for (name = strtok_r(lists, "\n", &save); name; name = strtok_r(NULL, "\n", &save)) {
		r = parse("--list", name, NULL);
		if (r->res != PT_CLI_EXIT_OK || !r->out[0] || r->err[0])
			fail_msg("--list %s (named by --help): %s", name, r->err);
		run_free(r);
		if (n++)
			strcat(want_err, strchr(save, '\n') ? ", " : " or ");
		strcat(want_err, name);
	}
	assert_true(n > 1);
	strcat(want_err, "\n");
	r = parse("--list", "bogus", NULL);
	assert_int_equal(r->res, PT_CLI_USAGE);
	assert_true(!strncmp(r->err, want_err, strlen(want_err)));
	run_free(r);
	run_free(h);
}

static void test_cli_version(void **state)
{
	struct run *r;

	/* The report itself (features.c) is the caller's to print. */
	r = parse("-V", NULL);
	assert_int_equal(r->res, PT_CLI_VERSION);
	assert_string_equal(r->out, "");
	assert_string_equal(r->err, "");
	run_free(r);
	r = parse("--version", NULL);
	assert_int_equal(r->res, PT_CLI_VERSION);
	run_free(r);
}

/* --dry-run checks like a real run and says nothing. */
static void test_cli_dry_run(void **state)
{
	struct run *r;

	r = parse("--dry-run", "-g", "10", "-o", "x.csv", "--", "make", "-j2", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.dry_run);
	assert_int_equal(r->cfg.command_argc, 2);
	assert_string_equal(r->out, "");
	assert_string_equal(r->err, "");
	run_free(r);
	r = parse("--dry-run", "-g", "0", NULL);
	assert_int_equal(r->res, PT_CLI_USAGE);
	run_free(r);
	r = parse("--dry-run", "--since", "1", NULL);
	assert_int_equal(r->res, PT_CLI_USAGE);
	run_free(r);
	r = parse("-q", NULL);
	assert_false(r->cfg.dry_run);
	run_free(r);
}

/* Each call starts afresh: nothing of an earlier parse leaks into the next. */
static void test_cli_repeated_calls(void **state)
{
	struct run *r;

	r = parse("-q", "-vv", "-o", "a.csv", "--", "true", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	run_free(r);
	r = parse("-qx", NULL); /* leaves getopt inside a cluster */
	assert_int_equal(r->res, PT_CLI_USAGE);
	run_free(r);
	r = parse("--threads", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.threads);
	assert_false(r->cfg.quiet);
	assert_int_equal(r->cfg.verbose, 0);
	assert_null(r->cfg.csv_path);
	assert_null(r->cfg.command);
	run_free(r);
}

/* getopt's own messages must not reach the process's stderr. */
static void test_cli_getopt_is_silent(void **state)
{
	FILE *capture = tmpfile();
	struct run *r;
	int saved;

	assert_non_null(capture);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(capture), STDERR_FILENO) >= 0);
	r = parse("-x", NULL);
	run_free(r);
	r = parse("--nope", NULL);
	run_free(r);
	r = parse("-o", NULL);
	run_free(r);
	r = parse("--quiet=1", NULL);
	run_free(r);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	fseek(capture, 0, SEEK_END);
	assert_int_equal(ftell(capture), 0);
	fclose(capture);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_defaults),
		cmocka_unit_test(test_cli_csv),
		cmocka_unit_test(test_cli_csv_malformed),
		cmocka_unit_test(test_cli_duration),
		cmocka_unit_test(test_cli_duration_malformed),
		cmocka_unit_test(test_cli_flags),
		cmocka_unit_test(test_cli_color),
		cmocka_unit_test(test_cli_ringbuf_kb),
		cmocka_unit_test(test_cli_command_after_dashes),
		cmocka_unit_test(test_cli_command_without_dashes),
		cmocka_unit_test(test_cli_unknown_options),
		cmocka_unit_test(test_cli_command_options),
		cmocka_unit_test(test_cli_long_option_prefix),
		cmocka_unit_test(test_cli_help),
		cmocka_unit_test(test_cli_help_names_every_option),
		cmocka_unit_test(test_cli_help_lists),
		cmocka_unit_test(test_cli_version),
		cmocka_unit_test(test_cli_dry_run),
		cmocka_unit_test(test_cli_repeated_calls),
		cmocka_unit_test(test_cli_getopt_is_silent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
