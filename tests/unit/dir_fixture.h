/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* What a scratch directory holds, for the tests of files written in it. */
#ifndef PT_TEST_DIR_FIXTURE_H
#define PT_TEST_DIR_FIXTURE_H

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

/* Entries of dir other than . and .. */
static inline int dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

#endif
