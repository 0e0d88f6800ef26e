// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The tree view: golden output of the seed scenario, argv cut to the
 * width, hostile names, threads, losses and write errors. */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "scenario.h"
#include "proctrace/decode.h"
#include "proctrace/views.h"

/* The line of the output that contains needle (a copy), or NULL. */
static char *line_with(const char *text, const char *needle)
{
	const char *hit = strstr(text, needle), *start, *end;

	if (!hit)
		return NULL;
	for (start = hit; start > text && start[-1] != '\n'; start--)
		;
	end = strchr(hit, '\n');
	return strndup(start, end ? (size_t)(end - start) : strlen(start));
}

static size_t columns(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void test_tree_golden(void **state)
{
	struct pt_view_opts o = { .width = 80 };
	struct pt_model *m = sc_seed_model();
	char *text = sc_view_text(pt_tree_write, m, &o);

	golden_check("tree.txt", text);
	free(text);
	pt_model_free(m);
}

static void test_tree_golden_ascii(void **state)
{
	struct pt_view_opts o = { .width = 60, .ascii = true };
	struct pt_model *m = sc_seed_model();
	char *text = sc_view_text(pt_tree_write, m, &o);
	const char *p;

	golden_check("tree-ascii.txt", text);
	for (p = text; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	free(text);
	pt_model_free(m);
}

/* The lines say what the model knows, independently of the golden file. */
static void test_tree_lines(void **state)
{
	struct pt_view_opts o = { .width = 200, .ascii = true };
	struct pt_model *m = sc_seed_model();
	char *text = sc_view_text(pt_tree_write, m, &o), *l;

	l = line_with(text, "1000 make");
	assert_non_null(l);
	assert_non_null(strstr(l, "exit 0, zombie 300 ms"));
	assert_non_null(strstr(l, "make -j2"));
	free(l);
	l = line_with(text, "1002 sh");
	assert_non_null(strstr(l, "[pgid 900->1002]"));
	assert_non_null(strstr(l, "SIGKILL from 900 (bash)"));
	assert_non_null(strstr(l, "sh -c 'sleep 10; echo done'"));
	free(l);
	l = line_with(text, "1003 sleep");
	assert_int_equal(strncmp(l, "`- 1003", 7), 0); /* under systemd */
	assert_non_null(strstr(l, "[reparented, parent was 1002 (sh)]"));
	free(l);
	l = line_with(text, "1004 echo");
	assert_non_null(strstr(l, "still running"));
	free(l);
	l = line_with(text, "900 bash");
	assert_non_null(strstr(l, "[before trace]"));
	free(l);
	free(text);
	pt_model_free(m);
}

/* Only the programs are cut, to the width, with an ellipsis. */
/* With a width, the tags ([reparented...], [pgid ...]) fit it too: cut
 * after the programs have their least, never past the width when the
 * head, the end and that least fit; whole without a width. */
static void test_tree_tags_cut_to_width(void **state)
{
	struct pt_view_opts o = { .width = 0 };
	struct pt_model *m = sc_seed_model();
	char *text = sc_view_text(pt_tree_write, m, &o), *l;

	l = line_with(text, "1003 sleep");
	assert_non_null(l);
	assert_non_null(strstr(l, " [reparented, parent was 1002 (sh)] [pgid 1002, sid 900]  "));
	assert_int_equal(columns(l), 101);
	free(l);
	free(text);
	for (o.width = 94; o.width <= 110; o.width++) {
		text = sc_view_text(pt_tree_write, m, &o);
		for (char *p = text; *p;) {
			size_t n = strcspn(p, "\n");

			if (pt_view_cols(p, n) > o.width)
				fail_msg("width %u: a line of %zu columns: %.*s", o.width,
					 pt_view_cols(p, n), (int)n, p);
			p += n + (p[n] == '\n');
		}
		l = line_with(text, "1003 sleep");
		assert_non_null(l);
		/* the life, the end and the programs whole; the tags cut */
		assert_non_null(strstr(l, "  0.040–0.800s  exit 0  sleep 10"));
		if (o.width < 101)
			assert_non_null(strstr(l, "…  0.040"));
		free(l);
		free(text);
	}
	pt_model_free(m);
}

static void test_tree_argv_cut_to_width(void **state)
{
	struct pt_view_opts o = { .width = 60 };
	struct fake sh, c;
	struct sc s = { 0 };
	struct pt_model *m;
	char *text, *l;

	fake_init(&sh, 900, 0, SC_US(0) - 1000, "sh");
	sc_snapshot(&s, 0, &sh);
	sc_fork(&s, 100, &sh, &c, 901);
	sc_exec(&s, 105, &c, "cc\n-O2\n-Wall\n-Wextra\n-c\nvery_long_file_name.c\n-o\nout.o",
		"/usr/bin/cc");
	m = sc_model(&s, 0, false, 1000);
	text = sc_view_text(pt_tree_write, m, &o);
	l = line_with(text, "901 cc");
	assert_non_null(l);
	assert_int_equal(columns(l), 60);
	assert_non_null(strstr(l, "cc -O2 -Wall"));
	assert_string_equal(l + strlen(l) - strlen("…"), "…");
	free(l);
	free(text);
	/* Wide enough: nothing cut. */
	o.width = 200;
	text = sc_view_text(pt_tree_write, m, &o);
	assert_non_null(strstr(text, "-o out.o\n"));
	free(text);
	/* No limit (not a terminal, -w): nothing cut, however long. */
	o.width = 0;
	sc_exec(&s, 200, &c,
		"ld\n-plugin\n/usr/libexec/gcc/x86_64-linux-gnu/12/liblto_plugin.so\n"
		"-plugin-opt=/usr/libexec/gcc/x86_64-linux-gnu/12/lto-wrapper\n-o\nprog",
		"/usr/bin/ld");
	pt_model_free(m);
	m = sc_model(&s, 0, false, 1000);
	text = sc_view_text(pt_tree_write, m, &o);
	l = line_with(text, "901 ");
	assert_non_null(l);
	assert_true(columns(l) > 200);
	assert_non_null(strstr(l, "lto-wrapper -o prog"));
	assert_null(strstr(l, "…"));
	free(l);
	free(text);
	pt_model_free(m);
	sc_free(&s);
}

/* The width the views are fitted to, as ps chooses it: none when not a
 * terminal or with -w, unless COLUMNS says one; a terminal's own. */
static void test_view_width(void **state)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 132 };
	int pipe_fds[2], master, slave;
	FILE *piped, *tty;

	assert_int_equal(pipe(pipe_fds), 0);
	piped = fdopen(pipe_fds[1], "w");
	assert_non_null(piped);
	master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	assert_int_equal(ioctl(slave, TIOCSWINSZ, &ws), 0);
	tty = fdopen(slave, "w");
	assert_non_null(tty);

	unsetenv("COLUMNS");
	assert_int_equal(pt_view_width(piped, false), 0);
	assert_int_equal(pt_view_width(tty, false), 132);
	assert_int_equal(pt_view_width(tty, true), 0);
	setenv("COLUMNS", "90", 1);
	assert_int_equal(pt_view_width(piped, false), 90);
	assert_int_equal(pt_view_width(tty, false), 90);
	assert_int_equal(pt_view_width(piped, true), 0);
	setenv("COLUMNS", "10", 1);
	assert_int_equal(pt_view_width(piped, false), PT_VIEW_MIN_WIDTH);
	setenv("COLUMNS", "30", 1); /* the narrowest the views fit */
	assert_int_equal(pt_view_width(piped, false), 30);
	setenv("COLUMNS", "wide", 1); /* not a number: as if unset */
	assert_int_equal(pt_view_width(piped, false), 0);
	assert_int_equal(pt_view_width(tty, false), 132);
	unsetenv("COLUMNS");
	fclose(piped);
	fclose(tty);
	close(pipe_fds[0]);
	close(master);
}

/* A process may call itself anything: the tree stays one line of text per
 * process, without terminal escapes or invalid UTF-8. */
static void test_tree_hostile_names(void **state)
{
	struct pt_view_opts o = { .width = 100 };
	struct fake sh, c;
	struct sc s = { 0 };
	struct pt_model *m;
	char *text;

	fake_init(&sh, 900, 0, SC_US(0) - 1000, "sh");
	sc_snapshot(&s, 0, &sh);
	sc_fork(&s, 100, &sh, &c, 901);
	memcpy(c.comm, "\x1b[31mred\n\xff\xfe", 12);
	sc_exec(&s, 105, &c, "x\x1b]0;title\x07", "/bin/x");
	memcpy(s.ev[2]->task.comm, "\x1b[31mred\n\xff\xfe", 12);
	m = sc_model(&s, 0, false, 1000);
	text = sc_view_text(pt_tree_write, m, &o);
	assert_null(strchr(text, '\x1b'));
	assert_null(strchr(text, '\x07'));
	assert_null(memchr(text, 0xff, strlen(text)));
	assert_non_null(strstr(text, "901 \\x1b[31mred\\x0a\\xff\\xfe"));
	assert_non_null(strstr(text, "$'x\\x1b]0;title\\x07'"));
	free(text);
	pt_model_free(m);
	sc_free(&s);
}

static void test_tree_threads(void **state)
{
	struct pt_view_opts o = { .width = 100, .threads = true };
	struct sc s = { 0 };
	struct pt_model *m;
	char *text, *l;

	sc_threads(&s);
	m = sc_model(&s, 0, true, 1000000);
	text = sc_view_text(pt_tree_write, m, &o);
	l = line_with(text, "901 client");
	assert_non_null(l);
	assert_non_null(strstr(l, "(main thread exited)"));
	assert_non_null(strstr(l, "server → client"));
	free(l);
	/* threads under their process, by start: the last one closes the list */
	l = line_with(text, "{902}");
	assert_string_equal(l, "   ├─ {902} worker thread  0.200–0.300s");
	free(l);
	l = line_with(text, "{903}");
	assert_string_equal(l, "   └─ {903} worker2 thread  0.210–0.500s  exec'd, took the pid");
	free(l);
	free(text);
	/* Without the option, no thread lines. */
	o.threads = false;
	text = sc_view_text(pt_tree_write, m, &o);
	assert_null(strstr(text, "{90"));
	free(text);
	pt_model_free(m);
	sc_free(&s);
}

static void test_tree_lost_note(void **state)
{
	struct pt_view_opts o = { .width = 100 };
	struct fake sh;
	struct sc s = { 0 };
	struct pt_model *m;
	char *text;

	fake_init(&sh, 900, 0, SC_US(0) - 1000, "sh");
	sc_snapshot(&s, 0, &sh);
	sc_lost(&s, PT_FORK, 7);
	m = sc_model(&s, 0, false, 0);
	text = sc_view_text(pt_tree_write, m, &o);
	assert_non_null(strstr(text, "note: 7 events lost (7 fork)"));
	free(text);
	pt_model_free(m);
	sc_free(&s);
}

static void test_tree_empty_and_errors(void **state)
{
	struct pt_view_opts o = { 0 };
	struct pt_model *m = pt_model_new(NULL);
	char *text;
	FILE *ro;

	assert_non_null(m);
	text = sc_view_text(pt_tree_write, m, &o);
	assert_string_equal(text, "");
	free(text);
	pt_model_free(m);

	/* A stream that cannot be written: the error comes back, once. */
	m = sc_seed_model();
	ro = fopen("/dev/null", "r");
	assert_non_null(ro);
	assert_true(pt_tree_write(ro, m, &o) < 0);
	fclose(ro);
	pt_model_free(m);
}

static void test_tree_wording(void **state)
{
	struct pt_buf b = { 0 };

	pt_view_put_duration(&b, 850, false);
	assert_string_equal(b.data, "850 ns");
	pt_buf_reset(&b);
	pt_view_put_duration(&b, 12000, true);
	assert_string_equal(b.data, "12 us");
	pt_buf_reset(&b);
	pt_view_put_duration(&b, 300000000, false);
	assert_string_equal(b.data, "300 ms");
	pt_buf_reset(&b);
	pt_view_put_duration(&b, 1500000000, false);
	assert_string_equal(b.data, "1.50 s");
	pt_buf_reset(&b);
	pt_view_put_duration(&b, 125000000000ULL, false);
	assert_string_equal(b.data, "2m05s");
	pt_buf_reset(&b);
	pt_view_put_time(&b, SC_US(1250), SC_US(0));
	assert_string_equal(b.data, "0.001");
	pt_buf_reset(&b);
	pt_view_put_time(&b, SC_US(0) - 1, SC_US(0));
	assert_string_equal(b.data, "before");
	pt_buf_free(&b);
}

/* -e left kinds out: the note names them (threads, a detail of their own,
 * aside), and says how processes end without reaps. */
static void test_tree_unrecorded_note(void **state)
{
	struct pt_buf b = { 0 };
	__u32 all = 0;

	for (unsigned k = 0; k < PT_KIND_MAX; k++)
		if (pt_kind_recordable(k) && k != PT_THREAD)
			all |= 1u << k;
	pt_view_put_unrecorded(&b, 0, 0);
	assert_int_equal(b.len, 0);
	pt_view_put_unrecorded(&b, all, 0);
	assert_int_equal(b.len, 0);
	pt_view_put_unrecorded(&b, all & ~(1u << PT_SIGNAL), 0);
	assert_string_equal(b.data, "note: not recorded (-e): signal\n");
	pt_buf_reset(&b);
	pt_view_put_unrecorded(&b, (1u << PT_FORK) | (1u << PT_EXEC) | (1u << PT_EXIT), 0);
	assert_string_equal(
		b.data,
		"note: not recorded (-e): reap, signal, stop, continue, "
		"setpgid, setsid, rename, unshare, setns, reparent, exec_failed, usage; a process ends "
		"at its exit\n");
	pt_buf_reset(&b);
	pt_view_put_unrecorded(&b, all & ~(1u << PT_EXIT), 0);
	assert_string_equal(b.data,
			    "note: not recorded (-e): exit; without exits, "
			    "'still running' means no end was recorded\n");
	/* Off on this kernel: not said as left out by -e. */
	pt_buf_reset(&b);
	pt_view_put_unrecorded(&b, all & ~(1u << PT_REPARENT), 1u << PT_REPARENT);
	assert_string_equal(b.data, "note: not traced on this kernel: reparent\n");
	pt_buf_reset(&b);
	pt_view_put_unrecorded(&b, all & ~(1u << PT_REAP) & ~(1u << PT_RENAME), 1u << PT_REAP);
	assert_string_equal(b.data,
			    "note: not recorded (-e): rename; not traced on this "
			    "kernel: reap; a process ends at its exit\n");
	pt_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_golden),
		cmocka_unit_test(test_tree_golden_ascii),
		cmocka_unit_test(test_tree_lines),
		cmocka_unit_test(test_tree_argv_cut_to_width),
		cmocka_unit_test(test_tree_tags_cut_to_width),
		cmocka_unit_test(test_view_width),
		cmocka_unit_test(test_tree_hostile_names),
		cmocka_unit_test(test_tree_threads),
		cmocka_unit_test(test_tree_lost_note),
		cmocka_unit_test(test_tree_empty_and_errors),
		cmocka_unit_test(test_tree_wording),
		cmocka_unit_test(test_tree_unrecorded_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
