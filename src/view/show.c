// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The views cfg asks for, from the model, once the source is done: the
 * tree and the timeline on stdout (stderr when stdout carries a file), the
 * SVG in its file, opened as every output file is (outfile.h). */
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "proctrace/outfile.h"
#include "proctrace/views.h"

unsigned pt_view_width(FILE *f, bool wide)
{
	const char *columns = getenv("COLUMNS");
	unsigned long n = 0;
	struct winsize ws;
	char *end;

	if (wide)
		return 0;
	/* COLUMNS, when it is a number, wins over the terminal, as for ps */
	if (columns && *columns) {
		errno = 0;
		n = strtoul(columns, &end, 10);
		if (*end || errno || !n || n > 100000)
			n = 0;
	}
	if (!n && isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0)
		n = ws.ws_col;
	/* not a terminal: nothing is cut */
	if (!n)
		return 0;
	return n < PT_VIEW_MIN_WIDTH ? PT_VIEW_MIN_WIDTH : (unsigned)n;
}

/* The SVG is one document: written whole or not at all. */
static int write_svg(const char *path, struct pt_model *m, const struct pt_view_opts *vo, char *why,
		     size_t whylen)
{
	struct pt_whole_file w;
	int err = pt_whole_file_open(&w, path, why, whylen);

	if (err)
		return err;
	err = pt_svg_write(w.f, m, vo);
	if (err) {
		pt_whole_file_abort(&w);
		return err;
	}
	return pt_whole_file_commit(&w);
}

int pt_views_show(struct pt_model *m, const struct pt_config *c, __u64 end_ns, bool text,
		  const char **what, char *why, size_t whylen)
{
	FILE *f = pt_config_stdout_taken(c) ? stderr : stdout;
	struct pt_view_opts vo = {
		.width = pt_view_width(f, c->wide),
		.ascii = c->ascii,
		.verbose = c->verbose > 0,
		.threads = c->threads,
		.kinds = c->kinds,
		.kinds_off = c->kinds_off,
	};
	int err = 0, svg_err = 0;

	if (end_ns) /* else the last event's time */
		pt_model_set_end(m, end_ns);
	if (text && c->tree)
		err = pt_tree_write(f, m, &vo);
	if (text && !err && c->timeline)
		err = pt_timeline_write(f, m, &vo);
	if (text && !err && c->summary)
		err = pt_summary_write(f, m, &vo);
	/* Made even when the text could not be printed (stdout's reader gone,
	 * `| head`): the file does not depend on it. */
	if (c->svg_path)
		svg_err = write_svg(c->svg_path, m, &vo, why, whylen);
	/* A file that failed is said first: a text that could not be printed
	 * may be no failure at all (the reader gone). */
	if (svg_err)
		*what = c->svg_path;
	else if (err)
		*what = PT_VIEWS_TEXT;
	return svg_err ? svg_err : err;
}
