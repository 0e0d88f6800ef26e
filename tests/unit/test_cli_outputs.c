// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* cli.c: where the rows go and what they are read from: the views, -j,
 * --perfetto, --rotate, --replay and its window. */
#include "cli_fixture.h"

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
	usage_error("--svg needs a file name", "--svg", "");
}

static void test_cli_replay(void **state)
{
	struct run *r;

	r = parse("--replay", "events.csv", "-t", "-o", "again.csv", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_string_equal(r->cfg.replay_path, "events.csv");
	run_free(r);
	usage_error("--replay takes no COMMAND", "--replay", "e.csv", "--threads");
	usage_error("--replay takes no COMMAND", "--replay", "e.csv", "--", "make");
	usage_error("--replay needs a file name", "--replay", "");
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
	usage_error("-o - and -j - both write to stdout", "-j", "-", "-o", "-");
	usage_error("--json needs a file name", "-j", "");
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
	usage_error("-j - and --perfetto - both write to stdout", "--perfetto", "-", "-j", "-");
	usage_error("-o - and --svg - both write to stdout", "--svg", "-", "-o", "-");
	r = parse("--replay", "e.csv", "--svg", "-", NULL);
	assert_int_equal(r->res, PT_CLI_RUN);
	assert_true(pt_config_stdout_taken(&r->cfg));
	run_free(r);
	usage_error("--perfetto needs a file name", "--perfetto", "");
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
	usage_error("--until: 'yesterday' is neither", "--replay", "e.csv", "--until", "yesterday");
	usage_error("--since:", "--replay", "e.csv", "--since", "2026-11-25T17:34:37+1");
	usage_error("--since, --until and --lenient go with --replay", "--since", "1");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_views),
		cmocka_unit_test(test_cli_replay),
		cmocka_unit_test(test_cli_json),
		cmocka_unit_test(test_cli_perfetto),
		cmocka_unit_test(test_cli_replay_window),
		cmocka_unit_test(test_cli_rotate),
		cmocka_unit_test(test_cli_rotate_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
