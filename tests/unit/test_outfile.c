// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* outfile.c, rotate.c, output.c: --rotate's sizes, the renaming of rotated
 * files, what an output file may be, and rotation and reopening at row
 * boundaries, on real files in a scratch directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "proctrace/outfile.h"
#include "proctrace/output.h"
#include "dir_fixture.h"
#include "writer_fixture.h"

/* ---- scratch directory ---- */

static char dir[] = "/tmp/pt-outfile.XXXXXX";
static int dirfd_ = -1;

/* name in the scratch directory; a few at a time can be in use (one call's
 * arguments). */
static const char *at(const char *name)
{
	static char bufs[4][PATH_MAX];
	static unsigned next;
	char *b = bufs[next++ % 4];

	snprintf(b, PATH_MAX, "%s/%s", dir, name);
	return b;
}

static void put_file(const char *name, const char *text)
{
	FILE *f = fopen(at(name), "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The whole file, NUL-terminated (caller frees); NULL if it does not exist. */
static char *get_file(const char *name)
{
	FILE *f = fopen(at(name), "r");
	char *text = calloc(1, 1 << 20);
	size_t n;

	assert_non_null(text);
	if (!f) {
		free(text);
		return NULL;
	}
	n = fread(text, 1, (1 << 20) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static void assert_file(const char *name, const char *text)
{
	char *got = get_file(name);

	if (!got)
		fail_msg("%s does not exist", name);
	assert_string_equal(got, text);
	free(got);
}

static void assert_missing(const char *name)
{
	struct stat st;

	if (!lstat(at(name), &st))
		fail_msg("%s exists", name);
}

static int setup(void **state)
{
	assert_non_null(mkdtemp(dir));
	dirfd_ = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(dirfd_ >= 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	close(dirfd_);
	dirfd_ = -1;
	strcpy(dir, "/tmp/pt-outfile.XXXXXX");
	return 0;
}

/* ---- --rotate SIZE ---- */

static void test_outfile_parse_size(void **state)
{
	static const struct {
		const char *s;
		__u64 bytes;
	} good[] = {
		{ "1", 1 },
		{ "65536", 65536 },
		{ "10K", 10240 },
		{ "10k", 10240 },
		{ "10M", 10485760 },
		{ "1G", 1073741824 },
		{ "1024G", 1ull << 40 },
		{ "1099511627776", 1ull << 40 },
		{ "007", 7 },
	};
	static const struct {
		const char *s;
		int err;
	} bad[] = {
		{ "", -EINVAL },
		{ "M", -EINVAL },
		{ "10X", -EINVAL },
		{ "10MB", -EINVAL },
		{ "1.5M", -EINVAL },
		{ "-1", -EINVAL },
		{ " 1", -EINVAL },
		{ "1 ", -EINVAL },
		{ "0x10", -EINVAL },
		{ "0", -ERANGE },
		{ "0K", -ERANGE },
		{ "1025G", -ERANGE },
		{ "1099511627777", -ERANGE },
		{ "99999999999999999999999", -ERANGE },
	};
	__u64 v;

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		v = 0;
		if (pt_parse_size(good[i].s, &v))
			fail_msg("'%s' refused", good[i].s);
		assert_int_equal(v, good[i].bytes);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		v = 12345;
		if (pt_parse_size(bad[i].s, &v) != bad[i].err)
			fail_msg("'%s': expected %d", bad[i].s, bad[i].err);
		assert_int_equal(v, 12345); /* untouched */
	}
}

/* ---- renaming rotated files ---- */

static void test_outfile_shift_first(void **state)
{
	put_file("f", "new");
	assert_int_equal(pt_rotate_shift(dirfd_, "f", 5, NULL, 0), 0);
	assert_missing("f");
	assert_file("f.1", "new");
	assert_missing("f.2");
}

static void test_outfile_shift_chain(void **state)
{
	put_file("f", "0");
	put_file("f.1", "1");
	put_file("f.2", "2");
	assert_int_equal(pt_rotate_shift(dirfd_, "f", 5, NULL, 0), 0);
	assert_missing("f");
	assert_file("f.1", "0");
	assert_file("f.2", "1");
	assert_file("f.3", "2");
	assert_missing("f.4");
}

/* All keep numbers taken: the oldest goes, the count stays. */
static void test_outfile_shift_deletes_oldest(void **state)
{
	put_file("f", "0");
	put_file("f.1", "1");
	put_file("f.2", "2");
	put_file("f.3", "3");
	assert_int_equal(pt_rotate_shift(dirfd_, "f", 3, NULL, 0), 0);
	assert_missing("f");
	assert_file("f.1", "0");
	assert_file("f.2", "1");
	assert_file("f.3", "2");
	assert_missing("f.4");
}

static void test_outfile_shift_keep_one(void **state)
{
	put_file("f", "0");
	put_file("f.1", "1");
	assert_int_equal(pt_rotate_shift(dirfd_, "f", 1, NULL, 0), 0);
	assert_file("f.1", "0");
	assert_missing("f.2");
}

/* A gap ends the chain: what lies past it is not touched. */
static void test_outfile_shift_gap(void **state)
{
	put_file("f", "0");
	put_file("f.1", "1");
	put_file("f.3", "3");
	assert_int_equal(pt_rotate_shift(dirfd_, "f", 5, NULL, 0), 0);
	assert_file("f.1", "0");
	assert_file("f.2", "1");
	assert_file("f.3", "3");
	assert_missing("f.4");
}

/* Many rotations in a row never hold more than keep numbered files, and
 * they are the newest, in order. */
static void test_outfile_shift_repeated(void **state)
{
	char text[16], name[16];

	for (int i = 0; i < 10; i++) {
		snprintf(text, sizeof(text), "%d", i);
		put_file("f", text);
		assert_int_equal(pt_rotate_shift(dirfd_, "f", 4, NULL, 0), 0);
	}
	for (int k = 1; k <= 4; k++) {
		snprintf(name, sizeof(name), "f.%d", k);
		snprintf(text, sizeof(text), "%d", 10 - k);
		assert_file(name, text);
	}
	assert_missing("f.5");
}

static void test_outfile_shift_missing_file(void **state)
{
	char failed[64] = "";

	assert_int_equal(pt_rotate_shift(dirfd_, "f", 5, failed, sizeof(failed)), -ENOENT);
	assert_string_equal(failed, "f");
}

/* ---- what may be opened ---- */

static void assert_refused(const char *path, int want, const char *words)
{
	struct pt_outfile o;
	char err[512] = "";
	int ret = pt_outfile_open(&o, path, 0, false, err, sizeof(err));

	if (ret != want)
		fail_msg("%s: %d, expected %d (%s)", path, ret, want, err);
	if (!strstr(err, path) || !strstr(err, words))
		fail_msg("%s: '%s' should name it and say '%s'", path, err, words);
	assert_null(strchr(err, '\n'));
}

static void test_outfile_symlink_refused(void **state)
{
	char victim[PATH_MAX];

	put_file("victim", "precious\n");
	snprintf(victim, sizeof(victim), "%s", at("victim"));
	assert_int_equal(symlink(victim, at("out.csv")), 0);
	assert_refused(at("out.csv"), -ELOOP, "symbolic link");
	/* Dangling: not created through the link either. */
	assert_int_equal(symlink(at("nothing"), at("dangling.csv")), 0);
	assert_refused(at("dangling.csv"), -ELOOP, "symbolic link");
	assert_missing("nothing");
	assert_file("victim", "precious\n");
}

static void test_outfile_kinds_refused(void **state)
{
	assert_int_equal(mkfifo(at("fifo"), 0600), 0);
	assert_refused(at("fifo"), -EINVAL, "FIFO");
	assert_refused(dir, -EISDIR, "directory");
	assert_int_equal(mkdir(at("sub"), 0700), 0);
	assert_refused(at("sub/"), -EISDIR, "directory");
	assert_refused(at("sub/.."), -EISDIR, "directory");
	put_file("plain", "x");
	assert_refused(at("plain/x.csv"), -ENOTDIR, "not a directory");
	assert_refused(at("none/x.csv"), -ENOENT, "No such file");
	assert_int_equal(symlink("loop2", at("loop1")), 0);
	assert_int_equal(symlink("loop1", at("loop2")), 0);
	assert_refused(at("loop1/x.csv"), -ELOOP, "cannot open");
}

/* Symbolic links on the way, outside a shared sticky directory, are ours
 * to follow; relative ones from where they are. */
static void test_outfile_links_on_the_way(void **state)
{
	struct pt_outfile o;
	char err[512] = "";

	assert_int_equal(mkdir(at("real"), 0700), 0);
	assert_int_equal(mkdir(at("other"), 0700), 0);
	assert_int_equal(symlink("../real", at("other/up")), 0);
	assert_int_equal(symlink("other", at("via")), 0);
	assert_int_equal(pt_outfile_open(&o, at("via/up/./x.csv"), 0, false, err, sizeof(err)), 0);
	fputs("row\n", o.f);
	assert_int_equal(pt_outfile_close(&o), 0);
	assert_file("real/x.csv", "row\n");
}

/* An existing regular file is emptied; a character device is written as
 * it is; a new file is created. */
static void test_outfile_existing(void **state)
{
	struct pt_outfile o;
	char err[512] = "";

	put_file("old.csv", "an old and longer content\n");
	assert_int_equal(pt_outfile_open(&o, at("old.csv"), 0, false, err, sizeof(err)), 0);
	fputs("new\n", o.f);
	assert_int_equal(pt_outfile_close(&o), 0);
	assert_file("old.csv", "new\n");

	assert_int_equal(pt_outfile_open(&o, "/dev/null", 0, false, err, sizeof(err)), 0);
	fputs("gone\n", o.f);
	assert_int_equal(pt_outfile_close(&o), 0);

	assert_int_equal(pt_outfile_open(&o, at("fresh.csv"), 0, false, err, sizeof(err)), 0);
	assert_true(fcntl(fileno(o.f), F_GETFD) & FD_CLOEXEC);
	assert_int_equal(pt_outfile_close(&o), 0);
	assert_file("fresh.csv", "");
}

static void test_outfile_stdout(void **state)
{
	struct pt_outfile o;
	char err[64] = "";

	assert_int_equal(pt_outfile_open(&o, "-", 0, false, err, sizeof(err)), 0);
	assert_ptr_equal(o.f, stdout);
	assert_true(pt_outfile_still_there(&o));
	assert_int_equal(pt_outfile_close(&o), 0);
	assert_true(fcntl(STDOUT_FILENO, F_GETFD) >= 0); /* not closed */
}

/* ---- an output rotated and reopened ---- */

static const char *const csv_header_start = "ts_ns,time,event,";

/* Rows of one file: it starts with the header (CSV), every line is whole. */
static unsigned count_rows(const char *name, bool csv)
{
	char *text = get_file(name), *p;
	unsigned rows = 0;

	if (!text)
		fail_msg("%s does not exist", name);
	if (csv && strncmp(text, csv_header_start, strlen(csv_header_start)))
		fail_msg("%s does not start with the header", name);
	if (*text && text[strlen(text) - 1] != '\n')
		fail_msg("%s ends inside a row", name);
	for (p = text; *p; p++)
		if (*p == '\n')
			rows++;
	if (!csv)
		assert_true(!*text || text[0] == '{');
	free(text);
	return rows - (csv ? 1 : 0);
}

static void check_rotation(enum pt_output_format fmt, bool csv)
{
	struct pt_output_opts opts = { .rotate_bytes = 700, .keep = 100 };
	struct pt_event *ev = new_event(PT_FORK, 0);
	struct pt_output *o;
	char err[512] = "", name[32], path[PATH_MAX]; /* path: borrowed by o */
	unsigned total = 0, files = 0;
	struct stat st;

	snprintf(path, sizeof(path), "%s", at("out"));
	assert_int_equal(pt_output_open(&o, fmt, path, &opts, &clock_fixed, err, sizeof(err)), 0);
	for (int i = 0; i < 50; i++) {
		ev->task.pid = 1000 + i;
		assert_int_equal(pt_output_write(o, ev), 0);
	}
	assert_int_equal(pt_output_close(o, err, sizeof(err)), 0);
	total += count_rows("out", csv);
	for (files = 1;; files++) {
		snprintf(name, sizeof(name), "out.%u", files);
		if (lstat(at(name), &st))
			break;
		/* Closed at the row that took it past the size, not later. */
		assert_true(st.st_size >= 700);
		total += count_rows(name, csv);
	}
	assert_true(files > 5);
	assert_int_equal(total, 50);
	free(ev);
}

static void test_outfile_rotation_csv(void **state)
{
	check_rotation(PT_OUTPUT_CSV, true);
}

static void test_outfile_rotation_jsonl(void **state)
{
	check_rotation(PT_OUTPUT_JSONL, false);
}

/* Rotating, a recording already at the path (a restart) is rotated, not
 * emptied; an empty file is simply used. */
static void test_outfile_restart_rotates(void **state)
{
	struct pt_output_opts opts = { .rotate_bytes = 1 << 20, .keep = 3 };
	struct pt_output *o;
	char err[512] = "", path[PATH_MAX]; /* path: borrowed by o */

	put_file("r.csv", "the last run's rows\n");
	put_file("r.csv.1", "older\n");
	snprintf(path, sizeof(path), "%s", at("r.csv"));
	assert_int_equal(
		pt_output_open(&o, PT_OUTPUT_CSV, path, &opts, &clock_fixed, err, sizeof(err)), 0);
	assert_int_equal(pt_output_close(o, err, sizeof(err)), 0);
	assert_file("r.csv.1", "the last run's rows\n");
	assert_file("r.csv.2", "older\n");
	assert_int_equal(count_rows("r.csv", true), 0);
	put_file("r.csv", "");
	assert_int_equal(
		pt_output_open(&o, PT_OUTPUT_CSV, path, &opts, &clock_fixed, err, sizeof(err)), 0);
	assert_int_equal(pt_output_close(o, err, sizeof(err)), 0);
	assert_file("r.csv.1", "the last run's rows\n");
	assert_int_equal(count_rows("r.csv", true), 0);
}

/* After a move (logrotate), a reopen starts a new file at the path; the
 * moved one keeps every row given before. Unmoved, it goes on as it was. */
static void test_outfile_reopen(void **state)
{
	struct pt_output_opts opts = { 0 };
	struct pt_event *ev = new_event(PT_EXIT, 0);
	struct pt_output *o;
	char err[512] = "", old[PATH_MAX], path[PATH_MAX]; /* path: borrowed by o */

	snprintf(path, sizeof(path), "%s", at("out.csv"));
	assert_int_equal(
		pt_output_open(&o, PT_OUTPUT_CSV, path, &opts, &clock_fixed, err, sizeof(err)), 0);
	assert_int_equal(pt_output_write(o, ev), 0);
	assert_int_equal(pt_output_reopen(o), 0); /* not moved: same file */
	assert_int_equal(pt_output_write(o, ev), 0);
	snprintf(old, sizeof(old), "%s", at("out.csv.old"));
	assert_int_equal(rename(at("out.csv"), old), 0);
	assert_int_equal(pt_output_write(o, ev), 0); /* kept in memory */
	assert_int_equal(pt_output_reopen(o), 0);
	assert_int_equal(pt_output_write(o, ev), 0);
	assert_int_equal(pt_output_close(o, err, sizeof(err)), 0);
	assert_int_equal(count_rows("out.csv.old", true), 3);
	assert_int_equal(count_rows("out.csv", true), 1);
	free(ev);
}

/* A path that became a symbolic link by the reopen is refused, in one line. */
static void test_outfile_reopen_refused(void **state)
{
	struct pt_output_opts opts = { 0 };
	struct pt_event *ev = new_event(PT_EXIT, 0);
	struct pt_output *o;
	char err[512] = "", path[PATH_MAX]; /* borrowed by the output */

	put_file("victim", "precious\n");
	snprintf(path, sizeof(path), "%s", at("o.jsonl"));
	assert_int_equal(
		pt_output_open(&o, PT_OUTPUT_JSONL, path, &opts, &clock_fixed, err, sizeof(err)),
		0);
	assert_int_equal(rename(at("o.jsonl"), at("o.jsonl.1")), 0);
	assert_int_equal(symlink(at("victim"), at("o.jsonl")), 0);
	assert_int_equal(pt_output_reopen(o), -ELOOP);
	assert_non_null(strstr(pt_output_error(o), "symbolic link"));
	assert_int_equal(pt_output_write(o, ev), -ELOOP); /* kept */
	assert_int_equal(pt_output_close(o, err, sizeof(err)), -ELOOP);
	assert_non_null(strstr(err, "o.jsonl"));
	assert_file("victim", "precious\n");
	free(ev);
}

/* ---- written beside the path ---- */

/* The file at the path is untouched until the commit; a close without it
 * leaves it as it was and nothing beside; the new file takes its mode. */
static void test_outfile_beside(void **state)
{
	struct pt_outfile o;
	struct stat st;
	char err[512] = "";

	put_file("keep.csv", "precious\n");
	assert_int_equal(chmod(at("keep.csv"), 0600), 0);
	assert_int_equal(pt_outfile_open(&o, at("keep.csv"), 0, true, err, sizeof(err)), 0);
	fputs("half\n", o.f);
	assert_int_equal(fflush(o.f), 0);
	assert_true(pt_outfile_still_there(&o));
	assert_file("keep.csv", "precious\n");
	assert_int_equal(dir_entries(dir), 2);
	assert_int_equal(pt_outfile_close(&o), 0);
	assert_file("keep.csv", "precious\n");
	assert_int_equal(dir_entries(dir), 1);

	assert_int_equal(pt_outfile_open(&o, at("keep.csv"), 0, true, err, sizeof(err)), 0);
	fputs("new\n", o.f);
	assert_int_equal(pt_outfile_commit(&o, true, err, sizeof(err)), 0);
	assert_null(o.tmp);
	fputs("more\n", o.f); /* streams on at the path */
	assert_int_equal(pt_outfile_close(&o), 0);
	assert_file("keep.csv", "new\nmore\n");
	assert_int_equal(dir_entries(dir), 1);
	assert_int_equal(stat(at("keep.csv"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

/* Base names of 1, 13, 64 and 255 bytes (NAME_MAX): the temporary name is
 * whole and fits, the file lands at exactly its path, nothing is left. */
static void test_outfile_beside_name_lengths(void **state)
{
	static const size_t lens[] = { 1, 13, 64, NAME_MAX };
	char name[NAME_MAX + 1], err[512] = "";
	struct pt_whole_file w;
	struct pt_outfile o;

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(name, 'n', lens[i]);
		name[lens[i]] = '\0';
		assert_int_equal(pt_outfile_open(&o, at(name), 0, true, err, sizeof(err)), 0);
		assert_true(strlen(o.tmp) <= NAME_MAX);
		fputs("x\n", o.f);
		assert_int_equal(pt_outfile_commit(&o, false, err, sizeof(err)), 0);
		assert_int_equal(pt_outfile_close(&o), 0);
		assert_file(name, "x\n");
		assert_int_equal(pt_whole_file_open(&w, at(name), err, sizeof(err)), 0);
		fputs("y\n", w.f);
		assert_int_equal(pt_whole_file_commit(&w), 0);
		assert_file(name, "y\n");
		assert_int_equal(dir_entries(dir), 1);
		assert_int_equal(unlink(at(name)), 0);
	}
}

/* A file that exists where no file can be created (procfs): said so, in
 * one line naming it, not as a missing file. */
static void test_outfile_beside_no_room(void **state)
{
	struct pt_outfile o;
	char err[512] = "";

	assert_int_equal(pt_outfile_open(&o, "/proc/1/status", 0, true, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/proc/1/status"));
	assert_non_null(strstr(err, "no new file can be created beside it"));
	assert_null(strstr(err, "No such file"));
	assert_null(strchr(err, '\n'));
	assert_int_equal(pt_outfile_open(&o, "/proc/1/new.csv", 0, true, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "takes no new files"));
}

/* Rotated names (NAME.keep) must fit too: refused at open, not at the
 * first rotation. */
static void test_outfile_rotation_name_too_long(void **state)
{
	char name[NAME_MAX + 1], err[512] = "";
	struct pt_outfile o;

	memset(name, 'r', NAME_MAX - 2);
	name[NAME_MAX - 2] = '\0';
	assert_int_equal(pt_outfile_open(&o, at(name), 5, true, err, sizeof(err)), 0);
	assert_int_equal(pt_outfile_close(&o), 0);
	assert_int_equal(pt_outfile_open(&o, at(name), 10, true, err, sizeof(err)), -ENAMETOOLONG);
	assert_non_null(strstr(err, "cannot rotate"));
	assert_int_equal(dir_entries(dir), 0);
}

/* Two paths of one file: by name, through a symbolic or a hard link, or
 * not there yet under two spellings; /dev/null takes them all. */
static void test_outfile_same(void **state)
{
	char sub[PATH_MAX];

	put_file("a.csv", "");
	assert_int_equal(symlink("a.csv", at("sym.csv")), 0);
	assert_int_equal(link(at("a.csv"), at("hard.csv")), 0);
	assert_true(pt_outfile_same(at("a.csv"), at("a.csv")));
	assert_true(pt_outfile_same(at("a.csv"), at("sym.csv")));
	assert_true(pt_outfile_same(at("hard.csv"), at("a.csv")));
	assert_true(pt_outfile_same(at("new.csv"), at("./new.csv")));
	snprintf(sub, sizeof(sub), "%s/../%s/new.csv", dir, strrchr(dir, '/') + 1);
	assert_true(pt_outfile_same(at("new.csv"), sub));
	assert_false(pt_outfile_same(at("a.csv"), at("new.csv")));
	assert_false(pt_outfile_same(at("new.csv"), at("other.csv")));
	assert_false(pt_outfile_same("/dev/null", "/dev/null"));
	assert_false(pt_outfile_same("-", "-"));
}

/* A test that works in a fresh scratch directory. */
#define in_scratch(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outfile_parse_size),
		in_scratch(test_outfile_shift_first),
		in_scratch(test_outfile_shift_chain),
		in_scratch(test_outfile_shift_deletes_oldest),
		in_scratch(test_outfile_shift_keep_one),
		in_scratch(test_outfile_shift_gap),
		in_scratch(test_outfile_shift_repeated),
		in_scratch(test_outfile_shift_missing_file),
		in_scratch(test_outfile_symlink_refused),
		in_scratch(test_outfile_kinds_refused),
		in_scratch(test_outfile_links_on_the_way),
		in_scratch(test_outfile_existing),
		cmocka_unit_test(test_outfile_stdout),
		in_scratch(test_outfile_rotation_csv),
		in_scratch(test_outfile_rotation_jsonl),
		in_scratch(test_outfile_restart_rotates),
		in_scratch(test_outfile_reopen),
		in_scratch(test_outfile_reopen_refused),
		in_scratch(test_outfile_beside),
		in_scratch(test_outfile_beside_name_lengths),
		cmocka_unit_test(test_outfile_beside_no_room),
		in_scratch(test_outfile_rotation_name_too_long),
		in_scratch(test_outfile_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
