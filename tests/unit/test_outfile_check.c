// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* outfile_check.c: an output checked before it is written (the files made
 * at the end, a database's journal) leaves nothing where it looked, says
 * in one line why a path cannot be written, and the temporary names of
 * files written beside leave room for a name made from them. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "proctrace/outfile.h"
#include "dir_fixture.h"
#include "writer_fixture.h"

static char dir[] = "/tmp/pt-outcheck.XXXXXX";

static const char *at(const char *name)
{
	static char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	strcpy(dir, "/tmp/pt-outcheck.XXXXXX");
	return 0;
}

/* A new name, an existing file, a name of NAME_MAX bytes: writable, and
 * nothing made or changed where the check looked. */
static void test_outcheck_leaves_nothing(void **state)
{
	char name[NAME_MAX + 1], err[512] = "", text[8] = "";
	FILE *f;

	(void)state;
	assert_int_equal(pt_outfile_check(at("new.json"), NULL, err, sizeof(err)), 0);
	assert_int_equal(dir_entries(dir), 0);
	f = fopen(at("old.json"), "w");
	assert_non_null(f);
	fputs("old", f);
	fclose(f);
	assert_int_equal(pt_outfile_check(at("old.json"), NULL, err, sizeof(err)), 0);
	f = fopen(at("old.json"), "r");
	assert_non_null(f);
	assert_non_null(fgets(text, sizeof(text), f));
	fclose(f);
	assert_string_equal(text, "old");
	memset(name, 'n', NAME_MAX);
	name[NAME_MAX] = '\0';
	assert_int_equal(pt_outfile_check(at(name), NULL, err, sizeof(err)), 0);
	assert_int_equal(dir_entries(dir), 1);
	assert_string_equal(err, "");
	assert_int_equal(pt_outfile_check("-", NULL, err, sizeof(err)), 0);
	assert_int_equal(pt_outfile_check("/dev/null", NULL, err, sizeof(err)), 0);
}

/* What would be refused at the open is refused by the check, with the
 * same line. */
static void test_outcheck_refused(void **state)
{
	char err[512] = "";

	(void)state;
	assert_int_equal(mkfifo(at("fifo"), 0600), 0);
	assert_int_equal(pt_outfile_check(at("fifo"), NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "it is a FIFO"));
	assert_int_equal(pt_outfile_check(at("missing/x.json"), NULL, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "missing/x.json"));
	assert_int_equal(pt_outfile_check(dir, NULL, err, sizeof(err)), -EISDIR);
	assert_int_equal(dir_entries(dir), 1);
}

/* procfs takes no new file (ENOENT for a name, EPERM for an unnamed
 * one): said as such, naming the file, with what the new file was for. */
static void test_outcheck_no_room(void **state)
{
	char err[512] = "";

	(void)state;
	assert_int_equal(pt_outfile_check("/proc/1/status", NULL, err, sizeof(err)), -ENOENT);
	assert_string_equal(err,
			    "cannot write /proc/1/status: no new file can be created beside "
			    "it (its directory takes no new files), and an existing file is "
			    "only replaced by a whole new one, left as it is");
	assert_int_equal(pt_outfile_check("/proc/1/status", "for its journal", err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "files), for its journal"));
	assert_int_equal(pt_outfile_check("/proc/1/new.svg", NULL, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "cannot create /proc/1/new.svg: its directory takes no new files");
}

/* A file written beside a name of NAME_MAX bytes: its temporary name
 * leaves PT_OUTFILE_TMP_SPARE bytes, for SQLite's NAME-journal. */
static void test_outcheck_tmp_spare(void **state)
{
	char name[NAME_MAX + 1], err[512] = "";
	struct pt_outfile o;

	(void)state;
	memset(name, 't', NAME_MAX);
	name[NAME_MAX] = '\0';
	assert_int_equal(pt_outfile_open(&o, at(name), 0, true, err, sizeof(err)), 0);
	assert_non_null(o.tmp);
	assert_true(strlen(o.tmp) + PT_OUTFILE_TMP_SPARE <= NAME_MAX);
	assert_int_equal(strncmp(o.tmp, name, 100), 0);
	assert_int_equal(pt_outfile_close(&o), 0);
	assert_int_equal(dir_entries(dir), 0);
}

#define in_scratch(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		in_scratch(test_outcheck_leaves_nothing),
		in_scratch(test_outcheck_refused),
		in_scratch(test_outcheck_no_room),
		in_scratch(test_outcheck_tmp_spare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
