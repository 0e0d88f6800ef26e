// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* cli.c: every option, every malformed value, the command after "--", and
 * where help, version and errors go. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <getopt.h>
#include "proctrace/config.h"
#include "proctrace/selection.h"

#define MAX_ARGS 24

struct run {
	enum pt_cli_result res;
	struct pt_config cfg;
	char *argv[MAX_ARGS + 1]; /* copies: getopt may permute, cfg points in */
	char *out, *err;	  /* what was printed on each */
};

/* Parse the NULL-terminated arguments after "proctrace". */
static struct run *parse_args(const char *const *args)
{
	struct run *r = calloc(1, sizeof(*r));
	size_t out_len, err_len;
	FILE *out, *err;
	int argc = 0;

	assert_non_null(r);
	r->argv[argc++] = strdup("proctrace");
	for (; *args; args++) {
		assert_true(argc < MAX_ARGS);
		r->argv[argc++] = strdup(*args);
	}
	out = open_memstream(&r->out, &out_len);
	err = open_memstream(&r->err, &err_len);
	assert_non_null(out);
	assert_non_null(err);
	r->res = pt_cli_parse(argc, r->argv, &r->cfg, out, err);
	fclose(out);
	fclose(err);
	return r;
}
#define parse(...) parse_args((const char *const[]){ __VA_ARGS__ })

static void run_free(struct run *r)
{
	char **a;

	for (a = r->argv; *a; a++)
		free(*a);
	free(r->out);
	free(r->err);
	free(r);
}

/* A usage error: one "proctrace: " line naming what, a usage line, the
 * hint, nothing on out. */
static void assert_usage_error(struct run *r, const char *what)
{
	char *nl;

	assert_int_equal(r->res, PT_CLI_USAGE);
	assert_string_equal(r->out, "");
	assert_true(!strncmp(r->err, "proctrace: ", 11));
	nl = strchr(r->err, '\n');
	assert_non_null(nl);
	*nl = '\0';
	if (!strstr(r->err, what))
		fail_msg("'%s' does not say '%s'", r->err, what);
	assert_non_null(strstr(nl + 1, "Usage: proctrace"));
	assert_non_null(strstr(nl + 1, "Try 'proctrace --help'"));
}

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
	struct run *r;

	r = parse("-o", NULL);
	assert_usage_error(r, "'-o' needs an argument");
	run_free(r);
	r = parse("--csv", NULL);
	assert_usage_error(r, "'--csv' needs an argument");
	run_free(r);
	r = parse("--csv=", NULL);
	assert_usage_error(r, "--csv needs a file name");
	run_free(r);
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
	r = parse("--duration", NULL);
	assert_usage_error(r, "'--duration' needs an argument");
	run_free(r);
}

/* --sched needs something to follow; --sched-events is --sched and more;
 * --summary reads sched rows, live or replayed. */
static void test_cli_sched(void **state)
{
	struct run *r;

	r = parse("--sched", NULL);
	assert_usage_error(r, "--sched needs a filter");
	run_free(r);
	r = parse("--sched-events", "--uid", "0", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.sched && r->cfg.sched_events);
	run_free(r);
	r = parse("--sched", "--summary", "--", "make", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.sched && !r->cfg.sched_events && r->cfg.summary);
	run_free(r);
	r = parse("--summary", "-g", "7", NULL);
	assert_usage_error(r, "--summary needs --sched");
	run_free(r);
	r = parse("--replay", "x.csv", "--summary", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	run_free(r);
	r = parse("--replay", "x.csv", "--sched", NULL);
	assert_usage_error(r, "a replay takes the states from its rows");
	run_free(r);
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
	r = parse("--color", "yes", NULL);
	assert_usage_error(r, "invalid --color 'yes'");
	run_free(r);
	r = parse("--color=", NULL);
	assert_usage_error(r, "invalid --color ''");
	run_free(r);
	r = parse("--color", NULL);
	assert_usage_error(r, "'--color' needs an argument");
	run_free(r);
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
	struct run *r;

	r = parse("-x", NULL);
	assert_usage_error(r, "unknown option '-x'");
	run_free(r);
	r = parse("-qx", NULL);
	assert_usage_error(r, "unknown option '-x'");
	run_free(r);
	r = parse("--threads", "-qx", NULL);
	assert_usage_error(r, "unknown option '-x'");
	run_free(r);
	r = parse("--frobnicate=3", NULL);
	assert_usage_error(r, "unknown or ambiguous option '--frobnicate'");
	run_free(r);
	/* --c could be --csv or --color */
	r = parse("--c", "x", NULL);
	assert_usage_error(r, "'--c'");
	run_free(r);
	r = parse("--quiet=yes", NULL);
	assert_usage_error(r, "option '--quiet' takes no argument");
	run_free(r);
}

static void test_cli_filters(void **state)
{
	struct run *r;

	r = parse("-g", "4242", "--pgid", "17", "-p", "1234", "--uid", "0", "-c", "make", "--comm",
		  "cc1", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_int_equal(r->cfg.filter.n_pgids, 2);
	assert_int_equal(r->cfg.filter.pgids[0], 4242);
	assert_int_equal(r->cfg.filter.pgids[1], 17);
	assert_int_equal(r->cfg.filter.n_pids, 1);
	assert_int_equal(r->cfg.filter.pids[0], 1234);
	assert_int_equal(r->cfg.filter.n_uids, 1);
	assert_int_equal(r->cfg.filter.uids[0], 0);
	assert_int_equal(r->cfg.filter.n_comms, 2);
	assert_string_equal(r->cfg.filter.comms[0], "make");
	assert_string_equal(r->cfg.filter.comms[1], "cc1");
	run_free(r);
	/* --uid takes a user name as -u does: root's uid is 0 */
	r = parse("--uid", "root", "--uid", "42", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_int_equal(r->cfg.filter.n_uids, 2);
	assert_int_equal(r->cfg.filter.uids[0], 0);
	assert_int_equal(r->cfg.filter.uids[1], 42);
	run_free(r);
	r = parse("--uid", "pt-no-such-user", NULL);
	assert_usage_error(r, "expected a number or a user name");
	run_free(r);
}

static void test_cli_filters_malformed(void **state)
{
	struct run *r;

	r = parse("-g", "0", NULL);
	assert_usage_error(r, "invalid --pgid '0'");
	run_free(r);
	r = parse("-p", "12x", NULL);
	assert_usage_error(r, "invalid --pid '12x'");
	run_free(r);
	r = parse("-p", "-5", NULL);
	assert_usage_error(r, "invalid --pid '-5'");
	run_free(r);
	r = parse("--uid", "4294967296", NULL);
	assert_usage_error(r, "invalid --uid '4294967296'");
	run_free(r);
	r = parse("-c", "a-name-of-16-byt", NULL);
	assert_usage_error(r, "invalid --comm 'a-name-of-16-byt'");
	run_free(r);
	r = parse("-g", "1", "-g", "2", "-g", "3", "-g", "4", "-g", "5", "-g", "6", "-g", "7", "-g",
		  "8", "-g", "9", NULL);
	assert_usage_error(r, "--pgid may be given at most 8 times");
	run_free(r);
}

/* Each filter kind holds 8 values and a name 15 bytes (the kernel's comm):
 * one below, at and one above each limit. */
static void test_cli_filter_limits(void **state)
{
	static const char *const opts[] = { "-g", "-p", "--uid", "-c" };
	static const char *const names[] = { "--pgid", "--pid", "--uid", "--comm" };
	const char *args[2 * (PT_MAX_FILTER + 1) + 1];
	struct run *r;
	unsigned n, i, k;

	for (k = 0; k < 4; k++)
		for (n = PT_MAX_FILTER - 1; n <= PT_MAX_FILTER + 1; n++) {
			for (i = 0; i < n; i++) {
				args[2 * i] = opts[k];
				args[2 * i + 1] = "7";
			}
			args[2 * n] = NULL;
			r = parse_args(args);
			if (n > PT_MAX_FILTER) {
				char want[64];

				snprintf(want, sizeof(want), "%s may be given at most %d times",
					 names[k], PT_MAX_FILTER);
				assert_usage_error(r, want);
			} else {
				assert_int_equal(r->res, PT_CLI_RUN);
				assert_int_equal(k == 0		  ? r->cfg.filter.n_pgids
							 : k == 1 ? r->cfg.filter.n_pids
							 : k == 2 ? r->cfg.filter.n_uids
								  : r->cfg.filter.n_comms,
						 n);
			}
			run_free(r);
		}
	r = parse("-c", "fourteen-bytes", "-c", "fifteen-bytes-1", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_string_equal(r->cfg.filter.comms[0], "fourteen-bytes");
	assert_string_equal(r->cfg.filter.comms[1], "fifteen-bytes-1");
	run_free(r);
	r = parse("-c", "a*b", NULL);
	assert_usage_error(r, "invalid --comm 'a*b': '*' only at its end (a prefix)");
	run_free(r);
	r = parse("-c", "ab*", "-c", "a?b", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_string_equal(r->cfg.filter.comms[0], "ab*");
	assert_string_equal(r->cfg.filter.comms[1], "a?b");
	run_free(r);
	r = parse("-c", "sixteen-bytes-12", NULL);
	assert_usage_error(r, "invalid --comm 'sixteen-bytes-12': expected 1 to 15 bytes");
	run_free(r);
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
	r = parse("--linger", "1", NULL);
	assert_usage_error(r, "need a COMMAND");
	run_free(r);
	r = parse("--as-root", NULL);
	assert_usage_error(r, "need a COMMAND");
	run_free(r);
	r = parse("-u", "nobody", "--as-root", "true", NULL);
	assert_usage_error(r, "exclude each other");
	run_free(r);
	r = parse("-u", "nosuchuser", "true", NULL);
	assert_usage_error(r, "invalid --user 'nosuchuser': no such user");
	run_free(r);
	r = parse("-u", "65534", "true", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	run_free(r);
	r = parse("--linger", "soon", "true", NULL);
	assert_usage_error(r, "invalid --linger 'soon'");
	run_free(r);
}

static void test_cli_views(void **state)
{
	struct run *r;

	r = parse("-t", "-T", "--ascii", "--svg", "out.svg", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.tree);
	assert_true(r->cfg.timeline);
	assert_true(r->cfg.ascii);
	assert_string_equal(r->cfg.svg_path, "out.svg");
	run_free(r);
	r = parse("--svg", "", NULL);
	assert_usage_error(r, "--svg needs a file name");
	run_free(r);
}

static void test_cli_replay(void **state)
{
	struct run *r;

	r = parse("--replay", "events.csv", "-t", "-o", "again.csv", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_string_equal(r->cfg.replay_path, "events.csv");
	run_free(r);
	r = parse("--replay", "e.csv", "--threads", NULL);
	assert_usage_error(r, "--replay takes no COMMAND");
	run_free(r);
	r = parse("--replay", "e.csv", "--", "make", NULL);
	assert_usage_error(r, "--replay takes no COMMAND");
	run_free(r);
	r = parse("--replay", "", NULL);
	assert_usage_error(r, "--replay needs a file name");
	run_free(r);
}

/* -j beside -o; only one of them may take stdout. */
static void test_cli_json(void **state)
{
	struct run *r;

	r = parse("-j", "e.jsonl", "-o", "-", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_string_equal(r->cfg.json_path, "e.jsonl");
	assert_true(pt_config_stdout_taken(&r->cfg));
	run_free(r);
	r = parse("--json", "-", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(pt_config_stdout_taken(&r->cfg));
	run_free(r);
	r = parse("-j", "-", "-o", "-", NULL);
	assert_usage_error(r, "-o - and -j - both write to stdout");
	run_free(r);
	r = parse("-j", "", NULL);
	assert_usage_error(r, "--json needs a file name");
	run_free(r);
}

/* --perfetto: a file, or stdout when no other output takes it. */
static void test_cli_perfetto(void **state)
{
	struct run *r;

	r = parse("--perfetto", "t.json", "-o", "-", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_string_equal(r->cfg.perfetto_path, "t.json");
	run_free(r);
	r = parse("--replay", "e.csv", "--perfetto", "-", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(pt_config_stdout_taken(&r->cfg));
	run_free(r);
	r = parse("--perfetto", "-", "-j", "-", NULL);
	assert_usage_error(r, "-j - and --perfetto - both write to stdout");
	run_free(r);
	r = parse("--svg", "-", "-o", "-", NULL);
	assert_usage_error(r, "-o - and --svg - both write to stdout");
	run_free(r);
	r = parse("--replay", "e.csv", "--svg", "-", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(pt_config_stdout_taken(&r->cfg));
	run_free(r);
	r = parse("--perfetto", "", NULL);
	assert_usage_error(r, "--perfetto needs a file name");
	run_free(r);
}

/* Replay's filters and window: seconds from the start or ISO 8601. */
static void test_cli_replay_window(void **state)
{
	struct run *r;

	r = parse("--replay", "e.csv", "-g", "12", "--since", "1.5", "--until",
		  "2026-11-25T17:34:37.25+01:00", "--lenient", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_int_equal(r->cfg.filter.n_pgids, 1);
	assert_int_equal(r->cfg.since.kind, PT_WHEN_REL);
	assert_int_equal(r->cfg.since.rel_ns, 1500000000ull);
	assert_int_equal(r->cfg.until.kind, PT_WHEN_WALL);
	/* 17:34:37.25 at +01:00 is 16:34:37.25Z */
	assert_int_equal(r->cfg.until.wall_ns, (1795628077LL - 3600) * 1000000000LL + 250000000);
	assert_true(r->cfg.lenient);
	run_free(r);
	r = parse("--replay", "e.csv", "--since", "2026-11-25T17:34:37Z", NULL);
	assert_int_equal(r->cfg.since.wall_ns, 1795628077LL * 1000000000LL);
	run_free(r);
	r = parse("--replay", "e.csv", "--until", "yesterday", NULL);
	assert_usage_error(r, "--until: 'yesterday' is neither");
	run_free(r);
	r = parse("--replay", "e.csv", "--since", "2026-11-25T17:34:37+1", NULL);
	assert_usage_error(r, "--since:");
	run_free(r);
	r = parse("--since", "1", NULL);
	assert_usage_error(r, "--since, --until and --lenient go with --replay");
	run_free(r);
}

static void test_cli_rotate(void **state)
{
	struct run *r =
		parse("-o", "x.csv", "-j", "x.jsonl", "--rotate", "10M", "--keep", "7", NULL);

	assert_int_equal(r->res, PT_CLI_RUN);
	assert_int_equal(r->cfg.rotate_bytes, 10ull << 20);
	assert_int_equal(r->cfg.keep, 7);
	run_free(r);
	r = parse("-j", "x.jsonl", "--rotate", "4096", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_int_equal(r->cfg.rotate_bytes, 4096);
	assert_int_equal(r->cfg.keep, 0); /* the default, decided by the output */
	run_free(r);
}

static void test_cli_rotate_malformed(void **state)
{
	static const char *const bad_sizes[] = { "", "0", "10X", "1.5M", "-1", "M", "10MB", "2T" };
	static const struct {
		const char *args[8];
		const char *what;
	} bad[] = {
		{ { "-o", "x.csv", "--rotate", "1M", "--keep", "0" }, "invalid --keep '0'" },
		{ { "-o", "x.csv", "--rotate", "1M", "--keep", "100001" }, "invalid --keep" },
		{ { "-o", "x.csv", "--keep", "3" }, "--keep goes with --rotate" },
		{ { "--rotate", "1M" }, "--rotate needs -o or -j" },
		{ { "-o", "-", "--rotate", "1M" }, "not stdout" },
		{ { "-o", "x.csv", "-j", "-", "--rotate", "1M" }, "not stdout" },
	};
	struct run *r;

	for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(*bad_sizes); i++) {
		r = parse("-o", "x.csv", "--rotate", bad_sizes[i], NULL);
		assert_usage_error(r, "invalid --rotate");
		run_free(r);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		r = parse_args(bad[i].args); /* the rest of args is NULL */
		assert_usage_error(r, bad[i].what);
		run_free(r);
	}
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

#define K(k) (1u << (k))

static void test_cli_events(void **state)
{
	const __u32 all = K(PT_FORK) | K(PT_EXEC) | K(PT_EXIT) | K(PT_REAP) | K(PT_SIGNAL) |
		K(PT_STOP) | K(PT_CONTINUE) | K(PT_SETPGID) | K(PT_SETSID) | K(PT_RENAME) |
		K(PT_UNSHARE) | K(PT_SETNS) | K(PT_REPARENT) | K(PT_EXEC_FAILED) | K(PT_USAGE);
	struct run *r;

	r = parse(NULL);
	assert_int_equal(r->cfg.kinds, all);
	assert_true(r->cfg.signals == ~0ull);
	run_free(r);
	r = parse("-e", "fork,exec,exit", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_int_equal(r->cfg.kinds, K(PT_FORK) | K(PT_EXEC) | K(PT_EXIT));
	assert_false(r->cfg.threads);
	assert_true(pt_config_records(&r->cfg, PT_EXEC));
	assert_false(pt_config_records(&r->cfg, PT_REAP));
	run_free(r);
	/* thread is the kind of --threads: either gives both */
	r = parse("--events=exit,thread", NULL);
	assert_int_equal(r->cfg.kinds, K(PT_EXIT) | K(PT_THREAD));
	assert_true(r->cfg.threads);
	run_free(r);
	r = parse("--threads", NULL);
	assert_int_equal(r->cfg.kinds, all | K(PT_THREAD));
	run_free(r);
	r = parse("-e", "reap", "--threads", NULL);
	assert_int_equal(r->cfg.kinds, K(PT_REAP) | K(PT_THREAD));
	run_free(r);
	for (const char *const *bad =
		     (const char *const[]){ "", "fork,", ",fork", "fork,,exit", "snapshot", "lost",
					    "Fork", "forks", "fork exec", "state", "sched", NULL };
	     *bad; bad++) {
		r = parse("-e", *bad, NULL);
		assert_usage_error(r, "invalid --events");
		/* the error names every kind that can be chosen */
		assert_non_null(strstr(r->err, "fork,thread,exec,exit,reap,signal"));
		run_free(r);
	}
	r = parse("-e", "fork", "-e", "exec", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_int_equal(r->cfg.kinds, K(PT_FORK) | K(PT_EXEC));
	run_free(r);
	r = parse("--threads", "-e", "fork", NULL);
	assert_int_equal(r->cfg.kinds, K(PT_FORK) | K(PT_THREAD));
	run_free(r);
	r = parse("--replay", "x.csv", "-e", "exec", NULL);
	assert_usage_error(r, "not with --replay");
	run_free(r);
}

static void test_cli_signals(void **state)
{
	struct run *r;

	r = parse("--signals", "SIGCHLD", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.signals == 1ull << 16);
	run_free(r);
	r = parse("--signals", "!SIGCHLD", NULL);
	assert_true(r->cfg.signals == ~(1ull << 16));
	run_free(r);
	r = parse("--signals=TERM,9,SIGRTMIN+1,SIGRTMAX,64", NULL);
	assert_true(r->cfg.signals == ((1ull << 14) | (1ull << 8) | (1ull << 34) | (1ull << 63)));
	run_free(r);
	for (const char *const *bad =
		     (const char *const[]){ "", "!", "0", "65", "SIGFOO", "CHLD,", "sigchld",
					    "!!SIGCHLD", "SIGCHLD,!SIGTERM", "-1", "SIG70", NULL };
	     *bad; bad++) {
		r = parse("--signals", *bad, NULL);
		assert_usage_error(r, "invalid --signals");
		run_free(r);
	}
	r = parse("--replay", "x.csv", "--signals", "!CHLD", NULL);
	assert_usage_error(r, "not with --replay");
	run_free(r);
	r = parse("--signals", "TERM", "--signals", "HUP,9", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.signals == ((1ull << 14) | (1ull << 0) | (1ull << 8)));
	run_free(r);
	r = parse("--signals", "SIGCLD,IOT,SIGPOLL", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.signals == ((1ull << 16) | (1ull << 5) | (1ull << 28)));
	run_free(r);
	r = parse("--signals", "SIGCLDX", NULL);
	assert_usage_error(r, "invalid --signals");
	run_free(r);
	r = parse("--signals", "TERM", "--signals", "!HUP", NULL);
	assert_usage_error(r, "cannot be combined");
	run_free(r);
	r = parse("--signals", "!TERM", "--signals", "HUP", NULL);
	assert_usage_error(r, "cannot be combined");
	run_free(r);
	r = parse("-e", "fork,exit", "--signals", "CHLD", NULL);
	assert_usage_error(r, "-e leaves signal out");
	run_free(r);
	r = parse("-e", "fork,signal", "--signals", "CHLD", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	run_free(r);
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
		cmocka_unit_test(test_cli_sched),
		cmocka_unit_test(test_cli_color),
		cmocka_unit_test(test_cli_ringbuf_kb),
		cmocka_unit_test(test_cli_command_after_dashes),
		cmocka_unit_test(test_cli_command_without_dashes),
		cmocka_unit_test(test_cli_unknown_options),
		cmocka_unit_test(test_cli_filters),
		cmocka_unit_test(test_cli_filters_malformed),
		cmocka_unit_test(test_cli_filter_limits),
		cmocka_unit_test(test_cli_command_options),
		cmocka_unit_test(test_cli_views),
		cmocka_unit_test(test_cli_replay),
		cmocka_unit_test(test_cli_json),
		cmocka_unit_test(test_cli_perfetto),
		cmocka_unit_test(test_cli_replay_window),
		cmocka_unit_test(test_cli_rotate),
		cmocka_unit_test(test_cli_rotate_malformed),
		cmocka_unit_test(test_cli_long_option_prefix),
		cmocka_unit_test(test_cli_help),
		cmocka_unit_test(test_cli_help_names_every_option),
		cmocka_unit_test(test_cli_version),
		cmocka_unit_test(test_cli_dry_run),
		cmocka_unit_test(test_cli_repeated_calls),
		cmocka_unit_test(test_cli_getopt_is_silent),
		cmocka_unit_test(test_cli_events),
		cmocka_unit_test(test_cli_signals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
