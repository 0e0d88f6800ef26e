// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The Perfetto trace: every document is read back by python's json and
 * checked by tests/integration/perfetto_check.py (tracks, contiguous state
 * slices, one flow per fork, instants within each lifetime), whose summary
 * of the seed scenario must be the one in tests/golden; hostile text stays
 * valid; a failed write is reported; the whole-file output leaves either
 * the finished file or nothing. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "dir_fixture.h"
#include "scenario.h"
#include "proctrace/outfile.h"
#include "proctrace/writer.h"

#define CHECKER "tests/integration/perfetto_check.py"

static char *perfetto_text(struct pt_model *m, bool threads)
{
	struct pt_perfetto_opts o = { .threads = threads };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(pt_perfetto_write(f, m, &o), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* All that can be read from f, NUL-terminated. */
static char *read_all(FILE *f)
{
	struct pt_buf out = { 0 };
	char chunk[4096];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		pt_buf_put(&out, chunk, n);
	pt_buf_putc(&out, '\0');
	assert_false(out.failed);
	return out.data;
}

/* The checker's verdict on text: its output; *status its exit status. */
static char *check_text(const char *text, int *status)
{
	char path[] = "/tmp/pt-test-perfetto-XXXXXX", cmd[256], *said;
	FILE *f, *p;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "python3 %s %s 2>&1", CHECKER, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	said = read_all(p);
	*status = pclose(p);
	unlink(path);
	return said;
}

/* The checker's summary of a document it found valid. */
static char *checked_summary(const char *text)
{
	int status;
	char *said = check_text(text, &status);

	if (status != 0)
		fail_msg("%s (status %d):\n%s", CHECKER, status, said);
	return said;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

/* The seed: eight processes (pid 1004 twice), six forks seen; the exact
 * tracks, slices, instants and flows are the golden summary. */
static void test_perfetto_seed(void **state)
{
	struct sc s = { 0 };
	struct pt_model *m;
	char *text, *said;

	sc_seed(&s);
	m = sc_model(&s, 0, false, SEED_END_US);
	text = perfetto_text(m, false);
	said = checked_summary(text);
	golden_check("perfetto-seed.txt", said);
	assert_int_equal(count(text, "\"name\":\"process_name\""), 8);
	assert_int_equal(count(text, "\"flow_out\":true"), 6);
	assert_int_equal(count(text, "\"flow_in\":true"), 6);
	/* the later holder of pid 1004 is a track of its own, named 1004 */
	assert_non_null(strstr(text,
			       "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":4195308,"
			       "\"tid\":4195308,\"args\":{\"name\":\"echo (1004)\"}}"));
	/* sh: stopped from 200 to 400 ms, killed at 500 ms by bash */
	assert_non_null(strstr(text,
			       "{\"ph\":\"X\",\"name\":\"stopped\",\"pid\":1002,\"tid\":1002,"
			       "\"cat\":\"state\",\"ts\":200000.000,\"dur\":200000.000}"));
	assert_non_null(strstr(text,
			       "{\"ph\":\"i\",\"name\":\"SIGKILL\",\"pid\":1002,\"tid\":1002,"
			       "\"cat\":\"signal\",\"s\":\"t\",\"ts\":500000.000,\"args\":{"
			       "\"signal\":\"SIGKILL\",\"by_pid\":900,\"sender_comm\":\"bash\","
			       "\"code\":0,\"result\":\"delivered\"}}"));
	assert_non_null(strstr(text,
			       "\"args\":{\"status\":9,\"signal\":\"SIGKILL\","
			       "\"core_dumped\":0,\"cpu_user_us\":3000,\"cpu_sys_us\":1000,"
			       "\"maxrss_kb\":2048,"));
	assert_non_null(strstr(text,
			       "\"args\":{\"filename\":\"/bin/sh\","
			       "\"argv\":[\"sh\",\"-c\",\"sleep 10; echo done\"],\"argc\":3}}"));
	/* the fork of sh at 30 ms, from make's track to sh's first slice (its
	 * fork event's time: the 2 µs earlier birth is not in a capture) */
	assert_non_null(strstr(text,
			       "{\"ph\":\"X\",\"name\":\"fork\",\"pid\":1000,\"tid\":1000,"
			       "\"cat\":\"fork\",\"ts\":30000.000,\"dur\":0.000,"
			       "\"bind_id\":1002,\"flow_out\":true,\"args\":{\"pid\":1002}}"));
	assert_non_null(strstr(text,
			       "{\"ph\":\"X\",\"name\":\"alive\",\"pid\":1002,\"tid\":1002,"
			       "\"cat\":\"state\",\"ts\":30000.000,\"dur\":170000.000,"
			       "\"bind_id\":1002,\"flow_in\":true}"));
	free(said);
	free(text);
	pt_model_free(m);
	sc_free(&s);
}

/* The model fed in an order the ring buffer could deliver gives the same
 * document. */
static void test_perfetto_order_independent(void **state)
{
	struct sc s = { 0 };
	struct pt_model *a, *b;
	size_t idx[SC_MAX], i;
	char *ta, *tb;

	sc_seed(&s);
	a = sc_model(&s, 0, false, SEED_END_US);
	for (i = 0; i < s.n; i++)
		idx[i] = s.n - 1 - i;
	b = pt_model_new(NULL);
	assert_non_null(b);
	sc_feed_order(&s, b, idx);
	pt_model_set_end(b, SC_US(SEED_END_US));
	ta = perfetto_text(a, false);
	tb = perfetto_text(b, false);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	pt_model_free(a);
	pt_model_free(b);
	sc_free(&s);
}

/* --threads: a track per thread, named "comm (tid)", its life as a slice;
 * without it, none. */
static void test_perfetto_threads(void **state)
{
	struct sc s = { 0 };
	struct pt_model *m;
	char *text, *said;

	sc_threads(&s);
	m = sc_model(&s, 0, true, 600000);
	text = perfetto_text(m, true);
	said = checked_summary(text);
	assert_non_null(strstr(said, "thread 902 ['worker (902)'] alive@200000.000+100000.000"));
	assert_non_null(strstr(said, "thread 903 ['worker2 (903)'] alive@210000.000+290000.000"));
	assert_int_equal(count(text, "\"cat\":\"thread\""), 2);
	free(said);
	free(text);
	text = perfetto_text(m, false);
	assert_int_equal(count(text, "\"cat\":\"thread\""), 0);
	free(text);
	pt_model_free(m);
	sc_free(&s);
}

/* comm and argv can hold any byte: python reads them back, as the CSV
 * keeps them (\xNN, \\). */
static void test_perfetto_hostile_text(void **state)
{
	struct fake sh, c;
	struct sc s = { 0 };
	struct pt_model *m;
	char *text, *said;

	fake_init(&sh, 900, 0, SC_US(0) - 1000, "sh");
	sc_snapshot(&s, 0, &sh);
	sc_fork(&s, 100, &sh, &c, 901);
	sc_exec(&s, 105, &c, "q\"uote\nback\\slash\n\x01\x1f\x7f\n\xff\xfe", "/bin/x\"y");
	memcpy(s.ev[2]->task.comm, "a\"b\\c\x01\xc3\x28\xe2\x9c\x93", 11);
	m = sc_model(&s, 0, false, 1000);
	text = perfetto_text(m, false);
	said = checked_summary(text);
	assert_non_null(strstr(said, "'a\"b\\\\\\\\c\\x01\\\\xc3(✓ (901)'"));
	assert_non_null(strstr(text,
			       "\"argv\":[\"q\\\"uote\",\"back\\\\\\\\slash\","
			       "\"\\u0001\\u001f\x7f\",\"\\\\xff\\\\xfe\"]"));
	assert_non_null(strstr(text, "\"filename\":\"/bin/x\\\"y\""));
	free(said);
	free(text);
	pt_model_free(m);
	sc_free(&s);
}

static void test_perfetto_write_error(void **state)
{
	struct pt_perfetto_opts o = { 0 };
	struct sc s = { 0 };
	struct pt_model *m;
	FILE *full;

	sc_seed(&s);
	m = sc_model(&s, 0, false, SEED_END_US);
	full = fopen("/dev/full", "w");
	assert_non_null(full);
	assert_int_equal(pt_perfetto_write(full, m, &o), -ENOSPC);
	fclose(full);
	pt_model_free(m);
	sc_free(&s);
}

/* ---- the whole-file output ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;

	assert_non_null(f);
	text = read_all(f);
	fclose(f);
	return text;
}

/* Until the commit, FILE is what it was and the text is under a temporary
 * name beside it; after it, FILE is the new text and nothing else is left.
 * An abort leaves the old FILE alone. */
static void test_whole_file(void **state)
{
	char dir[] = "/tmp/pt-test-whole-XXXXXX", path[128], cmd[160], err[256], *text;
	struct pt_whole_file w;
	struct stat st;
	mode_t mask = umask(022);
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/trace.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("old", f);
	fclose(f);

	assert_int_equal(pt_whole_file_open(&w, path, err, sizeof(err)), 0);
	fputs("new", w.f);
	assert_int_equal(dir_entries(dir), 2);
	text = slurp(path);
	assert_string_equal(text, "old");
	free(text);
	assert_int_equal(pt_whole_file_commit(&w), 0);
	assert_null(w.f);
	assert_int_equal(dir_entries(dir), 1);
	text = slurp(path);
	assert_string_equal(text, "new");
	free(text);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	pt_whole_file_abort(&w); /* a no-op once committed */
	assert_int_equal(dir_entries(dir), 1);

	assert_int_equal(pt_whole_file_open(&w, path, err, sizeof(err)), 0);
	fputs("half", w.f);
	pt_whole_file_abort(&w);
	assert_int_equal(dir_entries(dir), 1);
	text = slurp(path);
	assert_string_equal(text, "new");
	free(text);

	snprintf(path, sizeof(path), "%s/missing/trace.json", dir);
	assert_int_equal(pt_whole_file_open(&w, path, err, sizeof(err)), -ENOENT);
	assert_null(w.f);
	/* a device is written where it is, never replaced; a link is refused */
	assert_int_equal(pt_whole_file_open(&w, "/dev/null", err, sizeof(err)), 0);
	assert_null(w.out.tmp);
	fputs("gone", w.f);
	assert_int_equal(pt_whole_file_commit(&w), 0);
	assert_int_equal(lstat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	snprintf(path, sizeof(path), "%s/link.json", dir);
	assert_int_equal(symlink("trace.json", path), 0);
	assert_int_equal(pt_whole_file_open(&w, path, err, sizeof(err)), -ELOOP);
	assert_non_null(strstr(err, "symbolic link"));
	assert_null(w.f);
	pt_whole_file_abort(&w); /* a no-op after a failed open */
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	text = slurp(path);
	assert_string_equal(text, "new");
	free(text);
	assert_int_equal(dir_entries(dir), 2);

	assert_int_equal(pt_whole_file_open(&w, "-", err, sizeof(err)), 0);
	assert_ptr_equal(w.f, stdout);
	pt_whole_file_abort(&w);
	assert_null(w.f);

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	umask(mask);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_perfetto_seed),
		cmocka_unit_test(test_perfetto_order_independent),
		cmocka_unit_test(test_perfetto_threads),
		cmocka_unit_test(test_perfetto_hostile_text),
		cmocka_unit_test(test_perfetto_write_error),
		cmocka_unit_test(test_whole_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
