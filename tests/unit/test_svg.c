// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The SVG timeline: well-formed XML by a real parser (xmllint), one row per
 * process, tooltips, hostile text escaped, and a thousand processes. */
#include <errno.h>
#include <unistd.h>
#include "scenario.h"
#include "proctrace/views.h"

static char *svg_text(struct pt_model *m)
{
	struct pt_view_opts o = { .width = 80 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(pt_svg_write(f, m, &o), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* xmllint --noout on the document: its exit status and what it said. */
static void assert_well_formed(const char *svg)
{
	char path[] = "/tmp/pt-test-svg-XXXXXX", cmd[128], said[512] = "";
	FILE *f, *p;
	int fd, status;
	size_t n;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fputs(svg, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "xmllint --noout %s 2>&1", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(said, 1, sizeof(said) - 1, p);
	said[n] = '\0';
	status = pclose(p);
	unlink(path);
	if (status != 0)
		fail_msg("xmllint (status %d): %s", status, said);
	assert_string_equal(said, "");
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (hay = strstr(hay, needle); hay; hay = strstr(hay + 1, needle))
		n++;
	return n;
}

static void test_svg_seed(void **state)
{
	struct sc s = { 0 };
	struct pt_model *m;
	char *svg;

	sc_seed(&s);
	m = sc_model(&s, 0, false, SEED_END_US);
	svg = svg_text(m);
	assert_well_formed(svg);
	assert_int_equal(count(svg, "<g class=\"row\""), 8);
	/* bars by state: sh alive, stopped, alive, zombie */
	assert_int_equal(count(svg, "<rect class=\"stopped\""), 1 + 1); /* + legend */
	assert_non_null(
		strstr(svg,
		       "<title>1002 sh: stopped 0.200–0.400 s\n"
		       "sh -c &apos;sleep 10; echo done&apos;\n"
		       "born 0.030 s, SIGKILL from 900 (bash), reaped after 19 ms</title>"));
	assert_non_null(
		strstr(svg, "<title>SIGKILL from 900 (bash)\nto 1002 sh at 0.500 s</title>"));
	assert_non_null(strstr(svg, "<title>exec make -j2\n1000 make at 0.010 s</title>"));
	/* the ignored SIGCHLD is not drawn */
	assert_int_equal(count(svg, "<circle class=\"sig\""), 1 + 1);
	assert_int_equal(count(svg, "<path class=\"exec\""), 6 + 1);
	free(svg);
	pt_model_free(m);
	sc_free(&s);
}

/* comm and argv can hold any byte: the document stays valid XML. */
static void test_svg_hostile_text(void **state)
{
	struct fake sh, c;
	struct sc s = { 0 };
	struct pt_model *m;
	char *svg;

	fake_init(&sh, 900, 0, SC_US(0) - 1000, "sh");
	sc_snapshot(&s, 0, &sh);
	sc_fork(&s, 100, &sh, &c, 901);
	sc_exec(&s, 105, &c, "<script>&\x01\n\xff\xfe\n\xef\xbf\xbe]]>\n'\"", "/bin/x");
	memcpy(s.ev[2]->task.comm, "a<b&\x01\x02\xc3\x28\xef\xbf\xbf\"'>", 15);
	m = sc_model(&s, 0, false, 1000);
	svg = svg_text(m);
	assert_well_formed(svg);
	assert_null(strchr(svg, '\x01'));
	assert_null(memchr(svg, 0xff, strlen(svg)));
	assert_null(strstr(svg, "\xef\xbf\xbe"));
	assert_null(strstr(svg, "<script>"));
	assert_non_null(strstr(
		svg, ">901 a&lt;b&amp;\\x01\\x02\\xc3(\\xef\\xbf\\xbf&quot;&apos;&gt;</text>"));
	free(svg);
	pt_model_free(m);
	sc_free(&s);
}

/* A thousand processes in a deep and wide tree: one row each, valid. */
static void test_svg_thousand_processes(void **state)
{
	struct pt_model_opts o = { 0 };
	struct pt_model *m = pt_model_new(&o);
	struct fake procs[1000];
	struct sc s = { 0 };
	char *svg;
	unsigned i;

	assert_non_null(m);
	fake_init(&procs[0], 1, 0, SC_US(0) - 1000, "init");
	sc_snapshot(&s, 0, &procs[0]);
	sc_feed(&s, m);
	sc_free(&s);
	for (i = 1; i < 1000; i++) {
		/* every fifth forks from the one before (depth), the rest
		 * from init (width) */
		const struct fake *parent = i % 5 ? &procs[0] : &procs[i - 1];

		sc_fork(&s, 1000 * i, parent, &procs[i], 1000 + i);
		if (i % 3 == 0) {
			sc_exit(&s, 1000 * i + 500, &procs[i], i % 7 ? 0 : 9);
			sc_reap(&s, 1000 * i + 600, &procs[i], parent, 1000 * i + 500);
		}
		sc_feed(&s, m);
		sc_free(&s);
	}
	pt_model_set_end(m, SC_US(1000000));
	svg = svg_text(m);
	assert_well_formed(svg);
	assert_int_equal(count(svg, "<g class=\"row\""), 1000);
	free(svg);
	pt_model_free(m);
}

static void test_svg_write_error(void **state)
{
	struct sc s = { 0 };
	struct pt_view_opts o = { 0 };
	struct pt_model *m;
	FILE *ro;

	sc_seed(&s);
	m = sc_model(&s, 0, false, SEED_END_US);
	ro = fopen("/dev/null", "r");
	assert_non_null(ro);
	assert_true(pt_svg_write(ro, m, &o) < 0);
	fclose(ro);
	pt_model_free(m);
	sc_free(&s);
}

/* The heading counts the processes drawn with bars; folded ancestors are
 * the one line of text that names them, not processes of the chart. */
static void test_svg_heading_counts_drawn(void **state)
{
	struct pt_model *m = sc_ancestors_model(6);
	char *svg = svg_text(m);

	assert_int_equal(count(svg, "<g class=\"row\""), 2);
	assert_int_equal(count(svg, "<g class=\"ancestors\""), 1);
	assert_non_null(strstr(svg, ">… 6 ancestors: init &gt; … &gt; sh</text>"));
	assert_non_null(strstr(svg, ">2 processes over 10 ms</text>"));
	free(svg);
	pt_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svg_seed),
		cmocka_unit_test(test_svg_hostile_text),
		cmocka_unit_test(test_svg_thousand_processes),
		cmocka_unit_test(test_svg_write_error),
		cmocka_unit_test(test_svg_heading_counts_drawn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
