// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The timeline as a self-contained SVG document: one row per process in
 * tree order, indented by depth, bars coloured by state, marks for exec and
 * signals, a time axis, and a tooltip (<title>) on every bar and mark.
 * Ancestors outside the selection fold into one row of text, as in the
 * text views (fold.c).
 * Rows stay 14 px high and labels are cut to their column so that a
 * thousand processes still read as a list. Coordinates are written in
 * integer hundredths of a pixel, so the output does not depend on the
 * locale. All text from the kernel (comm, argv, path) is first made valid
 * UTF-8 without control characters, then escaped for XML. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/decode.h"
#include "proctrace/views.h"

#define MARGIN 10
#define LABEL_W 300
#define CHART_X (MARGIN + LABEL_W)
#define CHART_W 900
#define SVG_W (CHART_X + CHART_W + 3 * MARGIN) /* room for the last tick label */
#define TOP 44				       /* title and axis labels above the rows */
#define ROW_H 14
#define BAR_Y 2 /* bar offset within its row */
#define BAR_H 10
#define TEXT_Y 11 /* text baseline within its row */
#define INDENT_PX 8
#define MAX_INDENT 20
#define CHAR_PX 7 /* width of a character at 11 px monospace */
#define BOTTOM 50 /* axis labels and legend below the rows */
#define PX_PER_TICK 90
#define TOOLTIP_PROG_COLS 300

struct svg_ctx {
	FILE *f; /* borrowed */
	__u64 t0, t1, span;
	size_t procs;	     /* drawn with bars: the heading's count (folded ancestors not) */
	size_t rows;	     /* drawn: the processes not folded and the folds */
	size_t row;	     /* the next row's index */
	struct pt_buf out;   /* the row being written */
	struct pt_buf tmp;   /* text before XML escaping */
	struct pt_buf about; /* the row's tooltip tail: programs, life */
	bool sched;	     /* a bar showed a scheduler state: their legend */
};

/* ---- XML text ---- */

/* s is escaped text (valid UTF-8, no control characters) except for the
 * newlines the tooltips put in; stay defensive anyway: anything XML 1.0
 * cannot carry (other controls, U+FFFE, U+FFFF, invalid UTF-8) is written
 * as \xNN text. */
static void xml_put(struct pt_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len, k;

	while (i < n) {
		len = pt_utf8_seq_len(p + i, n - i);
		if (len == 3 && p[i] == 0xef && p[i + 1] == 0xbf && p[i + 2] >= 0xbe) {
			for (k = 0; k < 3; k++)
				pt_buf_printf(b, "\\x%02x", p[i + k]);
		} else if (len == 0 || (p[i] < 0x20 && p[i] != '\n')) {
			pt_buf_printf(b, "\\x%02x", p[i]);
			len = 1;
		} else if (p[i] == '&') {
			pt_buf_puts(b, "&amp;");
		} else if (p[i] == '<') {
			pt_buf_puts(b, "&lt;");
		} else if (p[i] == '>') {
			pt_buf_puts(b, "&gt;");
		} else if (p[i] == '"') {
			pt_buf_puts(b, "&quot;");
		} else if (p[i] == '\'') {
			pt_buf_puts(b, "&apos;");
		} else {
			pt_buf_put(b, p + i, len);
		}
		i += len;
	}
}

/* Escape what was built in tmp into out; a failed tmp fails out. */
static void xml_put_tmp(struct svg_ctx *c)
{
	if (c->tmp.failed || c->about.failed)
		c->out.failed = true;
	xml_put(&c->out, c->tmp.data ? c->tmp.data : "", c->tmp.len);
	pt_buf_reset(&c->tmp);
}

/* ---- geometry ---- */

static __u64 x_of(const struct svg_ctx *c, __u64 ts)
{
	__u64 d = ts > c->t0 ? ts - c->t0 : 0;

	if (d > c->span)
		d = c->span;
	return CHART_X * 100 + (__u64)((unsigned __int128)d * CHART_W * 100 / c->span);
}

/* hundredths of a pixel as "12.34" */
static void put_px(struct pt_buf *b, __u64 centi)
{
	pt_buf_printf(b, "%llu.%02llu", (unsigned long long)(centi / 100),
		      (unsigned long long)(centi % 100));
}

static unsigned row_y(size_t row)
{
	return TOP + (unsigned)row * ROW_H;
}

static void put_secs(struct pt_buf *b, __u64 ts, __u64 t0)
{
	pt_view_put_time(b, ts, t0);
	pt_buf_puts(b, " s");
}

/* ---- document ---- */

static const char svg_style[] =
	"<style>\n"
	"text{fill:#222}\n"
	".alive{fill:#43a047}.stopped{fill:#fb8c00}.zombie{fill:#9e9e9e}\n"
	".running{fill:#2e7d32}.runnable{fill:#fdd835}.sleeping{fill:#a5d6a7}\n"
	".disk-sleep{fill:#8e24aa}.traced{fill:#6d4c41}\n"
	".exec{fill:#1e64c8}.sig{fill:#e53935}.fold{fill:#e53935}.stripe{fill:#000;fill-opacity:0.045}\n"
	".grid{stroke:#d0d0d0;stroke-width:1}.tick{text-anchor:middle;fill:#555}\n"
	"</style>\n";

static void head_write(struct svg_ctx *c)
{
	unsigned h = TOP + (unsigned)c->rows * ROW_H + BOTTOM;

	pt_buf_printf(&c->out,
		      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
		      "viewBox=\"0 0 %u %u\" font-family=\"monospace\" font-size=\"11\">\n",
		      SVG_W, h, SVG_W, h);
	pt_buf_puts(&c->out, "<title>proctrace timeline</title>\n");
	pt_buf_puts(&c->out, svg_style);
	pt_buf_printf(&c->out, "<rect width=\"%u\" height=\"%u\" fill=\"#fff\"/>\n", SVG_W, h);
	pt_buf_printf(&c->out, "<text x=\"%u\" y=\"16\">%zu processes over ", MARGIN, c->procs);
	pt_view_put_duration(&c->out, c->t1 - c->t0, false);
	pt_buf_puts(&c->out, "</text>\n");
}

static void tick_label(struct svg_ctx *c, __u64 x, unsigned y, __u64 ns, __u64 step)
{
	pt_buf_puts(&c->out, "<text class=\"tick\" x=\"");
	put_px(&c->out, x);
	pt_buf_printf(&c->out, "\" y=\"%u\">", y);
	pt_view_put_tick(&c->tmp, ns, step);
	xml_put_tmp(c);
	pt_buf_puts(&c->out, "</text>");
}

/* Grid lines over the whole chart and tick labels above and below it. */
static void axis_write(struct svg_ctx *c)
{
	__u64 step = pt_view_tick_step(c->span, CHART_W / PX_PER_TICK), k;
	unsigned y_end = row_y(c->rows);

	pt_buf_puts(&c->out, "<g class=\"axis\">\n");
	for (k = 0; k * step <= c->span; k++) {
		__u64 x = x_of(c, c->t0 + k * step);

		pt_buf_puts(&c->out, "<line class=\"grid\" x1=\"");
		put_px(&c->out, x);
		pt_buf_printf(&c->out, "\" y1=\"%u\" x2=\"", TOP - 4);
		put_px(&c->out, x);
		pt_buf_printf(&c->out, "\" y2=\"%u\"/>\n", y_end + 4);
		tick_label(c, x, TOP - 8, k * step, step);
		tick_label(c, x, y_end + 16, k * step, step);
		pt_buf_putc(&c->out, '\n');
	}
	pt_buf_puts(&c->out, "</g>\n");
}

static void legend_write(struct svg_ctx *c)
{
	static const unsigned char states[] = {
		PT_STATE_ALIVE,	   PT_STATE_STOPPED,  PT_STATE_ZOMBIE,	   PT_STATE_RUNNING,
		PT_STATE_RUNNABLE, PT_STATE_SLEEPING, PT_STATE_DISK_SLEEP, PT_STATE_TRACED,
	};
	unsigned y = row_y(c->rows) + 32, x = CHART_X, i, n = c->sched ? sizeof(states) : 3;
	const char *name;

	for (i = 0; i < n; i++, x += 90) {
		name = pt_state_name(states[i]);
		pt_buf_printf(&c->out,
			      "<rect class=\"%s\" x=\"%u\" y=\"%u\" width=\"12\" height=\"%u\"/>"
			      "<text x=\"%u\" y=\"%u\">%s</text>\n",
			      name, x, y, BAR_H, x + 16, y + 9, name);
	}
	pt_buf_printf(&c->out,
		      "<path class=\"exec\" d=\"M%u %ul4 5l-4 5l-4-5z\"/>"
		      "<text x=\"%u\" y=\"%u\">exec</text>\n",
		      x + 4, y, x + 12, y + 9);
	x += 70;
	pt_buf_printf(&c->out,
		      "<circle class=\"sig\" cx=\"%u\" cy=\"%u\" r=\"3\"/>"
		      "<text x=\"%u\" y=\"%u\">signal</text>\n",
		      x + 4, y + 5, x + 12, y + 9);
}

/* ---- one row ---- */

static void put_label(struct svg_ctx *c, const struct pt_walk *w, unsigned y)
{
	unsigned indent = (w->depth < MAX_INDENT ? w->depth : MAX_INDENT) * INDENT_PX;
	size_t cols = (LABEL_W - 8 - indent) / CHAR_PX;

	pt_buf_reset(&c->about);
	pt_buf_printf(&c->about, "%u ", w->proc->pid);
	pt_view_put_comm(&c->about, w->proc->comm);
	pt_buf_reset(&c->tmp);
	pt_view_put_cut(&c->tmp, c->about.data, c->about.len, cols, false);
	pt_buf_printf(&c->out, "<text x=\"%u\" y=\"%u\">", MARGIN + indent, y + TEXT_Y);
	xml_put_tmp(c);
	pt_buf_puts(&c->out, "</text>\n");
}

/* What every bar of a process says after its own span: what it ran and how
 * its life went. */
static void about_make(struct svg_ctx *c, const struct pt_proc *p)
{
	pt_buf_reset(&c->tmp);
	pt_view_put_progs(&c->tmp, p, false);
	pt_buf_reset(&c->about);
	if (c->tmp.len) {
		pt_buf_putc(&c->about, '\n');
		pt_view_put_cut(&c->about, c->tmp.data, c->tmp.len, TOOLTIP_PROG_COLS, false);
	}
	pt_buf_reset(&c->tmp);
	if (p->start_ns < c->t0) {
		pt_buf_puts(&c->about, "\nborn before tracing");
	} else {
		pt_buf_puts(&c->about, "\nborn ");
		put_secs(&c->about, p->start_ns, c->t0);
	}
	pt_buf_puts(&c->about, ", ");
	pt_view_put_end(&c->about, p, c->t1, false);
}

/* The tooltip of a bar: who, this state from when to when, then about. */
static void bar_title(struct svg_ctx *c, const struct pt_proc *p, const struct pt_span *s)
{
	pt_buf_printf(&c->tmp, "%u ", p->pid);
	pt_view_put_comm(&c->tmp, p->comm);
	pt_buf_printf(&c->tmp, ": %s ", pt_state_name(s->state));
	pt_view_put_time(&c->tmp, s->from, c->t0);
	pt_buf_puts(&c->tmp, "–");
	put_secs(&c->tmp, s->to, c->t0);
	pt_buf_put(&c->tmp, c->about.data ? c->about.data : "", c->about.len);
	pt_buf_puts(&c->out, "<title>");
	xml_put_tmp(c);
	pt_buf_puts(&c->out, "</title>");
}

static void bars_write(struct svg_ctx *c, const struct pt_proc *p, unsigned y)
{
	struct pt_span_iter it;
	struct pt_span s;
	__u64 x0, x1;

	pt_span_begin(&it, p, c->t0, c->t1);
	while (pt_span_next(&it, &s)) {
		x0 = x_of(c, s.from);
		x1 = x_of(c, s.to);
		/* At least a pixel: a process of a microsecond still shows. */
		if (x1 < x0 + 100)
			x1 = x0 + 100;
		if (s.state >= PT_STATE_RUNNING)
			c->sched = true;
		pt_buf_printf(&c->out, "<rect class=\"%s\" x=\"", pt_state_name(s.state));
		put_px(&c->out, x0);
		pt_buf_printf(&c->out, "\" y=\"%u\" width=\"", y + BAR_Y);
		put_px(&c->out, x1 - x0);
		pt_buf_printf(&c->out, "\" height=\"%u\">", BAR_H);
		bar_title(c, p, &s);
		pt_buf_puts(&c->out, "</rect>\n");
	}
}

static void mark_title(struct svg_ctx *c, const struct pt_proc *p, const struct pt_mark *mk)
{
	char sig[32];

	if (mk->kind == PT_EXEC) {
		pt_buf_puts(&c->tmp, "exec ");
		if (mk->prog && mk->prog->argv_len)
			pt_argv_join_flags(&c->tmp, mk->prog->argv, mk->prog->argv_len,
					   PT_QUOTE_ONE_LINE);
		else if (mk->prog)
			pt_escape_text(&c->tmp, mk->prog->path, mk->prog->path_len,
				       PT_ESC_BACKSLASH | PT_ESC_CONTROL);
	} else {
		pt_buf_puts(&c->tmp, pt_signal_name(mk->signal.sig, sig, sizeof(sig)));
		if (mk->has_by) {
			pt_buf_puts(&c->tmp, " from ");
			pt_view_put_actor(&c->tmp, mk->by, mk->by_comm);
		} else if (mk->flags & PT_F_KERNEL_SENDER) {
			pt_buf_puts(&c->tmp, " from the kernel");
		}
	}
	pt_buf_printf(&c->tmp, "\n%s%u ", mk->kind == PT_EXEC ? "" : "to ", p->pid);
	pt_view_put_comm(&c->tmp, p->comm);
	pt_buf_puts(&c->tmp, " at ");
	put_secs(&c->tmp, mk->ts_ns, c->t0);
	pt_buf_puts(&c->out, "<title>");
	xml_put_tmp(c);
	pt_buf_puts(&c->out, "</title>");
}

/* Exec diamonds and signal dots; ignored signals (SIGCHLD without a
 * handler, mostly) are left out as in the text timeline. */
static void marks_write(struct svg_ctx *c, const struct pt_proc *p, unsigned y)
{
	__u64 end = pt_proc_row_end(p, c->t1);
	const struct pt_mark *mk;
	size_t i;

	for (i = 0; i < p->nmarks; i++) {
		mk = &p->marks[i];
		if (mk->ts_ns < c->t0 || mk->ts_ns > c->t1 || mk->ts_ns > end)
			continue;
		if (mk->kind == PT_EXEC) {
			pt_buf_puts(&c->out, "<path class=\"exec\" d=\"M");
			put_px(&c->out, x_of(c, mk->ts_ns));
			pt_buf_printf(&c->out, " %ul4 6l-4 6l-4-6z\">", y + 1);
		} else if (mk->kind == PT_SIGNAL && mk->signal.result != PT_SIG_IGNORED) {
			pt_buf_puts(&c->out, "<circle class=\"sig\" cx=\"");
			put_px(&c->out, x_of(c, mk->ts_ns));
			pt_buf_printf(&c->out, "\" cy=\"%u\" r=\"3\">", y + ROW_H / 2);
		} else {
			continue;
		}
		mark_title(c, p, mk);
		pt_buf_puts(&c->out, mk->kind == PT_EXEC ? "</path>\n" : "</circle>\n");
	}
}

/* Folded marks (pt_fold) as a band from the first to the last, as opaque
 * as they are dense, titled with how many were folded. */
static void folds_write(struct svg_ctx *c, const struct pt_proc *p, unsigned y)
{
	const struct pt_fold *f;
	__u64 x0, x1, w, per_px, from, to;
	char sig[32];
	size_t k;

	for (k = 0; k < p->nfolds; k++) {
		f = &p->folds[k];
		if (!pt_fold_in_window(f, c->t0, c->t1, &from, &to))
			continue;
		x0 = x_of(c, from);
		x1 = x_of(c, to);
		/* at least a pixel (x_of: hundredths) */
		w = x1 > x0 ? x1 - x0 : 0;
		if (w < 100)
			w = 100;
		per_px = f->count * 100 / w;
		pt_buf_puts(&c->out, "<rect class=\"fold\" x=\"");
		put_px(&c->out, x0);
		pt_buf_puts(&c->out, "\" width=\"");
		put_px(&c->out, w);
		/* 0.1 for one mark a pixel, up to 0.9 for eight or more. */
		pt_buf_printf(&c->out, "\" y=\"%u\" height=\"%u\" fill-opacity=\"0.%u\">", y + 3,
			      ROW_H - 6, per_px >= 8 ? 9u : (unsigned)per_px + 1);
		pt_buf_reset(&c->tmp);
		pt_buf_printf(&c->tmp, "%llu %s", (unsigned long long)f->count,
			      pt_kind_name(f->last.kind));
		if (f->last.kind == PT_SIGNAL || f->last.kind == PT_STOP ||
		    f->last.kind == PT_CONTINUE)
			pt_buf_printf(&c->tmp, " %s",
				      pt_signal_name(f->last.signal.sig, sig, sizeof(sig)));
		pt_buf_puts(&c->tmp, " folded, from ");
		put_secs(&c->tmp, f->first_ns, c->t0);
		pt_buf_puts(&c->tmp, " to ");
		put_secs(&c->tmp, f->last.ts_ns, c->t0);
		pt_buf_puts(&c->out, "<title>");
		xml_put_tmp(c);
		pt_buf_puts(&c->out, "</title></rect>\n");
	}
}

/* A row's stripe, every other row, under what it draws. */
static void stripe_write(struct svg_ctx *c, unsigned y)
{
	if (c->row % 2)
		pt_buf_printf(
			&c->out,
			"<rect class=\"stripe\" x=\"0\" y=\"%u\" width=\"%u\" height=\"%u\"/>\n", y,
			SVG_W, ROW_H);
}

static int count_row(const struct pt_walk *w, void *ctx)
{
	(void)w;
	((struct svg_ctx *)ctx)->rows++;
	((struct svg_ctx *)ctx)->procs++;
	return 0;
}

static int count_fold(const struct pt_view_fold *f, void *ctx)
{
	(void)f;
	((struct svg_ctx *)ctx)->rows++;
	return 0;
}

/* The folded ancestors: their line of text across the row, no bars. */
static int fold_write(const struct pt_view_fold *f, void *ctx)
{
	struct svg_ctx *c = ctx;
	unsigned y = row_y(c->row);

	pt_buf_reset(&c->out);
	pt_buf_printf(&c->out, "<g class=\"ancestors\" id=\"f%u-%llu\">\n", f->last->pid,
		      (unsigned long long)f->last->start_ns);
	stripe_write(c, y);
	pt_buf_reset(&c->about);
	pt_view_put_fold(&c->about, f, false);
	pt_buf_reset(&c->tmp);
	pt_view_put_cut(&c->tmp, c->about.data, c->about.len, (SVG_W - 2 * MARGIN) / CHAR_PX,
			false);
	pt_buf_printf(&c->out, "<text x=\"%u\" y=\"%u\">", MARGIN, y + TEXT_Y);
	xml_put_tmp(c);
	pt_buf_puts(&c->out, "</text>\n</g>\n");
	c->row++;
	return pt_buf_write(&c->out, c->f);
}

static int row_write(const struct pt_walk *w, void *ctx)
{
	struct svg_ctx *c = ctx;
	unsigned y = row_y(c->row);

	pt_buf_reset(&c->out);
	pt_buf_printf(&c->out, "<g class=\"row\" id=\"p%u-%llu\">\n", w->proc->pid,
		      (unsigned long long)w->proc->start_ns);
	stripe_write(c, y);
	put_label(c, w, y);
	about_make(c, w->proc);
	bars_write(c, w->proc, y);
	folds_write(c, w->proc, y);
	marks_write(c, w->proc, y);
	pt_buf_puts(&c->out, "</g>\n");
	c->row++;
	return pt_buf_write(&c->out, c->f);
}

int pt_svg_write(FILE *f, struct pt_model *m, const struct pt_view_opts *o)
{
	struct svg_ctx c = { .f = f };
	struct pt_model_stats st;
	int err;

	(void)o; /* the SVG has no width or character set to choose */

	pt_model_stats(m, &st);
	c.t0 = st.first_ts;
	c.t1 = st.end_ns > st.first_ts ? st.end_ns : st.first_ts;
	c.span = c.t1 > c.t0 ? c.t1 - c.t0 : 1;
	/* Rows counted first: the height comes before them. */
	err = pt_view_walk_folded(m, count_row, count_fold, &c);
	if (!err) {
		head_write(&c);
		axis_write(&c);
		err = pt_buf_write(&c.out, f);
	}
	if (!err)
		err = pt_view_walk_folded(m, row_write, fold_write, &c);
	if (!err) {
		pt_buf_reset(&c.out);
		legend_write(&c);
		pt_buf_puts(&c.out, "</svg>\n");
		err = pt_buf_write(&c.out, f);
	}
	if (!err)
		err = pt_file_flush(f);
	pt_buf_free(&c.out);
	pt_buf_free(&c.tmp);
	pt_buf_free(&c.about);
	return err;
}
