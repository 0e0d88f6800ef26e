/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Other programs (bash, python3, sqlite3) as the judges of what the
 * decoders and writers make: whether one is there, and what a script run
 * by one prints. */
#ifndef PROCTRACE_TEST_SCRIPT_FIXTURE_H
#define PROCTRACE_TEST_SCRIPT_FIXTURE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "proctrace/buf.h"

/* Run script with prog (bash, python3) and return all it prints. */
static inline char *run_script(const char *prog, const char *script, size_t *out_len)
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

static inline bool have_program(const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

#endif
