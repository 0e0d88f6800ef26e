// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The CSV file as a whole: read back by real parsers (python's csv,
 * sqlite3's import), and write errors (a full disk at open or later, an
 * error kept, a file that ends on a whole row). */
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "csv_fixture.h"
#include "script_fixture.h"

/* ---- real parsers ---- */

/* Rows with everything CSV must get right, written to a file. */
static void write_tricky_csv(char *path)
{
	struct pt_event *evs[4];
	char *text;
	FILE *f;
	int fd;

	evs[0] = new_event(PT_FORK, 0);
	memcpy(evs[0]->task.comm, "a,b\"c\r\nd\\\xff", 11);
	evs[1] = NEW_EXEC("sh\0-c\0echo \"a,b\"\nexit 3\0\0it's\0", "/bin/sh");
	evs[2] = new_event(PT_RENAME, 0);
	memcpy(evs[2]->task.comm, "caf\xc3\xa9", 6);
	memcpy(evs[2]->rename.old_comm, "x y\"\n", 5);
	evs[3] = new_event(PT_LOST, 0);
	evs[3]->lost.count = 1;
	evs[3]->lost.by_kind[PT_FORK] = 1;
	text = csv_of(evs, 4);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(text);
	for (fd = 0; fd < 4; fd++)
		free(evs[fd]);
}

static char *run_capture(const char *cmd)
{
	struct pt_buf out = { 0 };
	char chunk[4096];
	size_t n;
	FILE *p = popen(cmd, "r");

	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		pt_buf_put(&out, chunk, n);
	assert_int_equal(pclose(p), 0);
	pt_buf_putc(&out, '\0');
	return out.data;
}

/* python's csv module, strict UTF-8: each field comes back as written. */
static void test_csv_python_reads_back_fields(void **state)
{
	char path[] = "/tmp/pt-test-csv-XXXXXX", cmd[1024];
	char *out;

	if (!have_program("python3"))
		skip();
	write_tricky_csv(path);
	snprintf(
		cmd, sizeof(cmd),
		"python3 -c 'import csv, sys\n"
		"rows = list(csv.reader(open(sys.argv[1], newline=\"\", encoding=\"utf-8\", errors=\"strict\")))\n"
		"print(len(rows), set(len(r) for r in rows))\n"
		"for r in rows[1:]:\n"
		"    print(r[2], r[9].encode().hex(), r[16].encode().hex(), r[38].encode().hex())\n"
		"' %s",
		path);
	out = run_capture(cmd);
	unlink(path);
	assert_string_equal(out,
			    "5 {39}\n"
			    /* fork: comm a,b"c CR LF d \\ \xff, detail parent_tid=813 */
			    "fork 612c6222630d0a645c5c5c786666  706172656e745f7469643d383133\n"
			    /* exec: sh -c 'echo "a,b"<LF>exit 3' '' 'it'\''s' */
			    "exec 776f726b6572 "
			    "7368202d63202765636"
			    "86f2022612c62220a657869742033272027272027697427"
			    "5c27277327 "
			    "617267633d3220617267735f73697a653d3330\n"
			    /* rename: comm café, detail old_comm=x\x20y"\x0a */
			    "rename 636166c3a9  6f6c645f636f6d6d3d785c78323079225c783061\n"
			    "lost   6c6f73743d3120666f726b3d31\n");
	free(out);
}

/* sqlite3's .import --csv: the header names 39 columns, 4 rows follow. */
static void test_csv_sqlite_imports_rows(void **state)
{
	char path[] = "/tmp/pt-test-csv-XXXXXX", cmd[1024];
	char *out;

	if (!have_program("sqlite3"))
		skip();
	write_tricky_csv(path);
	snprintf(cmd, sizeof(cmd),
		 "sqlite3 -batch :memory: '.import --csv %s ev' "
		 "'SELECT count(*) FROM ev' "
		 "'SELECT count(*) FROM pragma_table_info(\"ev\")' "
		 "'SELECT event, hex(comm), length(argv) FROM ev ORDER BY rowid'",
		 path);
	out = run_capture(cmd);
	unlink(path);
	assert_string_equal(out,
			    "4\n"
			    "39\n"
			    "fork|612C6222630D0A645C5C5C786666|0\n"
			    "exec|776F726B6572|38\n"
			    "rename|636166C3A9|0\n"
			    "lost||0\n");
	free(out);
}

/* ---- errors ---- */

static void test_csv_full_disk_at_open(void **state)
{
	FILE *f = fopen("/dev/full", "w");

	assert_non_null(f);
	errno = 0;
	assert_null(pt_csv_open(f, &clock_fixed));
	assert_int_equal(errno, ENOSPC);
	fclose(f);
}

/* Rows are kept and written in batches: the error of a batch shows at the
 * write that fills it, at a flush, or at close; then it is kept. */
static void test_csv_error_kept(void **state)
{
	struct pt_event *ev = new_event(PT_FORK, 0);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	struct pt_csv *w;
	int fds[2];
	FILE *f;

	assert_int_equal(pipe(fds), 0);
	f = fdopen(fds[1], "w");
	assert_non_null(f);
	w = pt_csv_open(f, &clock_fixed);
	assert_non_null(w);
	assert_int_equal(pt_csv_write(w, ev), 0);
	assert_int_equal(pt_csv_flush(w), 0);
	close(fds[0]);
	assert_int_equal(pt_csv_write(w, ev), 0);
	assert_int_equal(pt_csv_flush(w), -EPIPE);
	assert_int_equal(pt_csv_write(w, ev), -EPIPE);
	assert_int_equal(pt_csv_close(w), -EPIPE);
	fclose(f);

	/* reader gone before anything was written: the header fails */
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	f = fdopen(fds[1], "w");
	assert_non_null(f);
	errno = 0;
	assert_null(pt_csv_open(f, &clock_fixed));
	assert_int_equal(errno, EPIPE);
	fclose(f);
	signal(SIGPIPE, old);
	free(ev);
}

/* In a child, with the file size limited: writes stop part-way through a
 * row, and the file must still end on a whole row. */
static void write_until_full(const char *path, long limit)
{
	struct pt_event *ev = new_event(PT_FORK, 0);
	struct rlimit rl = { .rlim_cur = limit, .rlim_max = limit };
	FILE *f = fopen(path, "w");
	struct pt_csv *w;
	int i, err = 0;

	signal(SIGXFSZ, SIG_IGN);
	if (!f || setrlimit(RLIMIT_FSIZE, &rl))
		_exit(10);
	w = pt_csv_open(f, &clock_fixed);
	if (!w)
		_exit(11);
	for (i = 0; i < 100000 && !err; i++)
		err = pt_csv_write(w, ev);
	if (!err)
		err = pt_csv_close(w);
	else if (pt_csv_close(w) != err)
		_exit(12);
	_exit(err == -EFBIG ? 0 : 13);
}

static void test_csv_full_file_ends_on_a_row(void **state)
{
	char path[] = "/tmp/proctrace-csv-XXXXXX";
	struct fields fl;
	char *text, *row, *nl;
	int fd = mkstemp(path), status, rows = 0;
	off_t size;
	pid_t pid;

	assert_true(fd >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		write_until_full(path, 100000);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	size = lseek(fd, 0, SEEK_END);
	assert_true(size > 90000 && size <= 100000);
	text = calloc(1, size + 1);
	assert_non_null(text);
	assert_int_equal(pread(fd, text, size, 0), size);
	assert_true(!strncmp(text, header, strlen(header)));
	assert_int_equal(text[size - 1], '\n');
	for (row = text + strlen(header); *row; row = nl + 1) {
		char after;

		nl = strchr(row, '\n');
		assert_non_null(nl);
		after = nl[1]; /* split_row reads exactly one row */
		nl[1] = '\0';
		split_row(row, &fl);
		nl[1] = after;
		assert_int_equal(fl.n, N_COLS);
		fields_free(&fl);
		rows++;
	}
	assert_true(rows > 100);
	free(text);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_python_reads_back_fields),
		cmocka_unit_test(test_csv_sqlite_imports_rows),
		cmocka_unit_test(test_csv_full_disk_at_open),
		cmocka_unit_test(test_csv_error_kept),
		cmocka_unit_test(test_csv_full_file_ends_on_a_row),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
