// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* cli.c: what is traced: the filters (--pgid, --pid, --uid, --comm) and
 * their limits, --events, --signals and --sched. */
#include "cli_fixture.h"

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
	usage_error("expected a number or a user name", "--uid", "pt-no-such-user");
}

static void test_cli_filters_malformed(void **state)
{
	usage_error("invalid --pgid '0'", "-g", "0");
	usage_error("invalid --pid '12x'", "-p", "12x");
	usage_error("invalid --pid '-5'", "-p", "-5");
	usage_error("invalid --uid '4294967296'", "--uid", "4294967296");
	usage_error("invalid --comm 'a-name-of-16-byt'", "-c", "a-name-of-16-byt");
	usage_error("--pgid may be given at most 8 times", "-g", "1", "-g", "2", "-g", "3", "-g",
		    "4", "-g", "5", "-g", "6", "-g", "7", "-g", "8", "-g", "9");
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
	r = parse("-c", "a*b", "-c", "a?b", "-c", "[a-c]*[0-9]x[[:digit:]]*", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_string_equal(r->cfg.filter.comms[0], "a*b");
	assert_string_equal(r->cfg.filter.comms[1], "a?b");
	assert_string_equal(r->cfg.filter.comms[2], "[a-c]*[0-9]x[[:digit:]]*");
	run_free(r);
	/* 15 bytes matched at most, however long the glob's text */
	r = parse("-c", "[a-z]?[a-z]?[a-z]?[a-z]?[a-z]?[a-z]?[a-z]?[a-z]*", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	run_free(r);
	usage_error("invalid --comm 'sixteen-bytes-12': it matches more than 15 bytes", "-c",
		    "sixteen-bytes-12");
	usage_error("invalid --comm '': empty", "-c", "");
	/* fnmatch(3) would match these as nothing at all, silently */
	usage_error("invalid --comm 'a[b': a '[' without its ']' ('\\[' for the byte)", "-c",
		    "a[b");
	usage_error("invalid --comm 'ab\\': a '\\' at its end, quoting nothing", "-c", "ab\\");
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
	usage_error("not with --replay", "--replay", "x.csv", "-e", "exec");
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
	usage_error("not with --replay", "--replay", "x.csv", "--signals", "!CHLD");
	r = parse("--signals", "TERM", "--signals", "HUP,9", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.signals == ((1ull << 14) | (1ull << 0) | (1ull << 8)));
	run_free(r);
	r = parse("--signals", "SIGCLD,IOT,SIGPOLL", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.signals == ((1ull << 16) | (1ull << 5) | (1ull << 28)));
	run_free(r);
	usage_error("invalid --signals", "--signals", "SIGCLDX");
	usage_error("cannot be combined", "--signals", "TERM", "--signals", "!HUP");
	usage_error("cannot be combined", "--signals", "!TERM", "--signals", "HUP");
	usage_error("-e leaves signal out", "-e", "fork,exit", "--signals", "CHLD");
	r = parse("-e", "fork,signal", "--signals", "CHLD", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	run_free(r);
}

/* --sched needs something to follow; --sched-events is --sched and more;
 * --summary reads sched rows, live or replayed. */
static void test_cli_sched(void **state)
{
	struct run *r;

	usage_error("--sched needs a filter", "--sched");
	r = parse("--sched-events", "--uid", "0", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.sched && r->cfg.sched_events);
	run_free(r);
	r = parse("--sched", "--summary", "--", "make", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(r->cfg.sched && !r->cfg.sched_events && r->cfg.summary);
	run_free(r);
	usage_error("--summary needs --sched", "--summary", "-g", "7");
	r = parse("--replay", "x.csv", "--summary", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	run_free(r);
	usage_error("a replay takes the states from its rows", "--replay", "x.csv", "--sched");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_filters),
		cmocka_unit_test(test_cli_filters_malformed),
		cmocka_unit_test(test_cli_filter_limits),
		cmocka_unit_test(test_cli_events),
		cmocka_unit_test(test_cli_signals),
		cmocka_unit_test(test_cli_sched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
