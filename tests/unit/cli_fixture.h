/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* pt_cli_parse run on an argument list, with what it printed on each
 * stream, for the command line's tests (test_cli*.c). */
#ifndef PROCTRACE_TEST_CLI_FIXTURE_H
#define PROCTRACE_TEST_CLI_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
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
static inline struct run *parse_args(const char *const *args)
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

static inline void run_free(struct run *r)
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
static inline void assert_usage_error(struct run *r, const char *what)
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

/* The arguments are a usage error that names what. */
static inline void usage_error_of(const char *what, const char *const *args)
{
	struct run *r = parse_args(args);

	assert_usage_error(r, what);
	run_free(r);
}
#define usage_error(what, ...) usage_error_of(what, (const char *const[]){ __VA_ARGS__, NULL })

#endif
