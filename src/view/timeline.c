// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The timeline view: a text Gantt chart, one row per process in tree order,
 * one character per time slice showing the state it spent most of that
 * slice in, with exec and signal marks on top, under an axis in seconds.
 * Verbose adds every transition of every process with its exact time
 * (transitions.c).
 * Also the time axis (tick step and labels) that the SVG shares. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/clone_flags.h"
#include "proctrace/decode.h"
#include "proctrace/views.h"

#define LABEL_MIN 12
#define LABEL_MAX 30
#define CHART_MIN 10
#define MAX_INDENT 10
#define COLS_PER_TICK 10
/* Repeat the axis under the chart when it has more rows than this (a
 * fold of ancestors is one), too long to see the top. */
#define AXIS_AGAIN_ROWS 30

/* One cell per state (CELL_STATE + enum pt_state; reaped is never drawn),
 * then the marks. */
enum cell {
	CELL_NONE,
	CELL_STATE,
	CELL_EXEC = CELL_STATE + PT_STATE_MAX,
	CELL_SIGNAL,
	CELL_FOLD_FEW, /* folded marks (pt_fold): fewer than FOLD_DENSE a column */
	CELL_FOLD_MANY,
	CELL_MAX,
};
#define STATE_CELLS(alive, stopped, zombie, running, runnable, sleeping, disk, traced)             \
	[CELL_STATE + PT_STATE_ALIVE] = alive, [CELL_STATE + PT_STATE_STOPPED] = stopped,          \
		      [CELL_STATE + PT_STATE_ZOMBIE] = zombie,                                     \
		      [CELL_STATE + PT_STATE_REAPED] = " ",                                        \
		      [CELL_STATE + PT_STATE_RUNNING] = running,                                   \
		      [CELL_STATE + PT_STATE_RUNNABLE] = runnable,                                 \
		      [CELL_STATE + PT_STATE_SLEEPING] = sleeping,                                 \
		      [CELL_STATE + PT_STATE_DISK_SLEEP] = disk,                                   \
		      [CELL_STATE + PT_STATE_TRACED] = traced
static const char *const cell_utf8[CELL_MAX] = {
	[CELL_NONE] = " ",     STATE_CELLS("█", "▒", "░", "▇", "▓", "─", "━", "▚"),
	[CELL_EXEC] = "◆",     [CELL_SIGNAL] = "!",
	[CELL_FOLD_FEW] = "·", [CELL_FOLD_MANY] = "⁞",
};
static const char *const cell_ascii[CELL_MAX] = {
	[CELL_NONE] = " ",     STATE_CELLS("=", "-", "z", "#", "+", ".", "D", "t"),
	[CELL_EXEC] = "*",     [CELL_SIGNAL] = "!",
	[CELL_FOLD_FEW] = ".", [CELL_FOLD_MANY] = ":",
};
/* Folded marks a column from which the denser glyph is drawn. */
#define FOLD_DENSE 10
/* Which state a slice shows when two fill it alike: the graver, later here. */
static const unsigned char tie_order[] = {
	PT_STATE_ALIVE,	     PT_STATE_SLEEPING, PT_STATE_RUNNING, PT_STATE_RUNNABLE,
	PT_STATE_DISK_SLEEP, PT_STATE_TRACED,	PT_STATE_STOPPED, PT_STATE_ZOMBIE,
};

struct tl_ctx {
	FILE *f; /* borrowed */
	const struct pt_view_opts *o;
	const char *const *cell_glyph;
	__u64 t0, t1, span; /* span = t1 - t0, at least 1 */
	unsigned label_w, chart_w;
	unsigned widest;	    /* the widest label, whole */
	size_t rows;		    /* drawn: processes and folds of ancestors */
	__u64 (*dur)[PT_STATE_MAX]; /* per cell: time in each state */
	bool sched;		    /* a row showed a scheduler state: its legend */
	__u64 folded;		    /* marks drawn as a density (pt_fold) */
	unsigned char *cells;	    /* per cell: enum cell */
	struct pt_buf line, tmp;
};

/* ---- time axis ---- */

__u64 pt_view_tick_step(__u64 span_ns, unsigned max_ticks)
{
	static const unsigned mult[] = { 1, 2, 5 };
	__u64 pow = 1;
	unsigned i;

	if (!max_ticks)
		max_ticks = 1;
	for (;;) {
		for (i = 0; i < 3; i++)
			if (span_ns / (pow * mult[i]) < max_ticks)
				return pow * mult[i];
		if (pow > UINT64_MAX / 100)
			return pow * 10;
		pow *= 10;
	}
}

void pt_view_put_tick(struct pt_buf *b, __u64 ns, __u64 step)
{
	__u64 s = step, frac = ns % 1000000000;
	unsigned decimals = 0, i;

	while (s % 1000000000 && decimals < 9) {
		s *= 10;
		decimals++;
	}
	for (i = decimals; i < 9; i++)
		frac /= 10;
	/* Only the decimals this tick needs: 0.5s, 1s, 1.5s. */
	while (decimals && frac % 10 == 0) {
		frac /= 10;
		decimals--;
	}
	pt_buf_printf(b, "%llu", (unsigned long long)(ns / 1000000000));
	if (decimals)
		pt_buf_printf(b, ".%0*llu", (int)decimals, (unsigned long long)frac);
	pt_buf_putc(b, 's');
}

static unsigned col_of(const struct tl_ctx *c, __u64 ts)
{
	__u64 col;

	if (ts <= c->t0)
		return 0;
	col = (__u64)((unsigned __int128)(ts - c->t0) * c->chart_w / c->span);
	return col >= c->chart_w ? c->chart_w - 1 : (unsigned)col;
}

static __u64 col_start(const struct tl_ctx *c, unsigned col)
{
	/* Inverse of col_of, rounded up so that col_of(col_start(i)) == i. */
	unsigned __int128 x = (unsigned __int128)c->span * col;

	return c->t0 + (__u64)((x + c->chart_w - 1) / c->chart_w);
}

static void put_spaces(struct pt_buf *b, size_t n)
{
	pt_buf_fill(b, ' ', n);
}

/* The labels line of the axis: each tick's time above its column, skipped
 * where it would run into the previous one. */
static void axis_labels(struct tl_ctx *c, __u64 step)
{
	size_t at = 0, next_free = 0, col;
	__u64 k;

	put_spaces(&c->line, c->label_w + 2);
	for (k = 0; k * step <= c->span; k++) {
		col = (size_t)((unsigned __int128)k * step * c->chart_w / c->span);
		if (col >= c->chart_w || col < next_free)
			continue;
		pt_buf_reset(&c->tmp);
		pt_view_put_tick(&c->tmp, k * step, step);
		put_spaces(&c->line, col - at);
		pt_buf_put(&c->line, c->tmp.data, c->tmp.len);
		at = col + c->tmp.len;
		next_free = at + 1;
	}
	pt_buf_putc(&c->line, '\n');
}

static void axis_ticks(struct tl_ctx *c, __u64 step, bool below)
{
	const char *tick = c->o->ascii ? "+" : below ? "┴" : "┬";
	const char *rule = c->o->ascii ? "-" : "─";
	size_t col;
	__u64 k;

	/* The cells are free between rows: mark the tick columns in them. */
	memset(c->cells, 0, c->chart_w);
	for (k = 0; k * step <= c->span; k++) {
		col = (size_t)((unsigned __int128)k * step * c->chart_w / c->span);
		if (col < c->chart_w)
			c->cells[col] = 1;
	}
	pt_view_put_cut(&c->line, "PID COMMAND", 11, c->label_w, c->o->ascii);
	put_spaces(&c->line, c->label_w > 11 ? c->label_w - 11 + 2 : 2);
	for (col = 0; col < c->chart_w; col++)
		pt_buf_puts(&c->line, c->cells[col] ? tick : rule);
	pt_buf_putc(&c->line, '\n');
}

static int axis_write(struct tl_ctx *c, bool below)
{
	__u64 step = pt_view_tick_step(c->span, c->chart_w / COLS_PER_TICK);

	pt_buf_reset(&c->line);
	if (below) {
		axis_ticks(c, step, true);
		axis_labels(c, step);
	} else {
		axis_labels(c, step);
		axis_ticks(c, step, false);
	}
	return pt_buf_write(&c->line, c->f);
}

/* ---- chart rows ---- */

static void cells_fill_states(struct tl_ctx *c, const struct pt_proc *p)
{
	struct pt_span_iter it;
	struct pt_span s;
	unsigned i, a, b, st, best;
	size_t k;
	__u64 from, to;

	memset(c->dur, 0, c->chart_w * sizeof(*c->dur));
	memset(c->cells, CELL_NONE, c->chart_w);
	pt_span_begin(&it, p, c->t0, c->t1);
	while (pt_span_next(&it, &s)) {
		if (s.from == s.to) {
			c->cells[col_of(c, s.from)] = CELL_STATE + s.state;
			continue;
		}
		a = col_of(c, s.from);
		b = col_of(c, s.to - 1);
		for (i = a; i <= b; i++) {
			from = col_start(c, i);
			to = i + 1 < c->chart_w ? col_start(c, i + 1) : c->t1 + 1;
			from = s.from > from ? s.from : from;
			to = s.to < to ? s.to : to;
			if (to > from)
				c->dur[i][s.state] += to - from;
		}
	}
	/* The state it spent most of the slice in; on a tie the graver one. */
	for (i = 0; i < c->chart_w; i++) {
		best = PT_STATE_MAX;
		for (k = 0; k < sizeof(tie_order); k++) {
			st = tie_order[k];
			if (c->dur[i][st] &&
			    (best == PT_STATE_MAX || c->dur[i][st] >= c->dur[i][best]))
				best = st;
		}
		if (best < PT_STATE_MAX)
			c->cells[i] = CELL_STATE + best;
		if (best >= PT_STATE_RUNNING && best < PT_STATE_MAX)
			c->sched = true;
	}
}

/* Exec and signal marks over the states; the later mark in a slice wins.
 * Ignored signals (SIGCHLD without a handler, mostly) are left out. */
static void cells_fill_marks(struct tl_ctx *c, const struct pt_proc *p)
{
	__u64 end = pt_proc_row_end(p, c->t1);
	const struct pt_mark *mk;
	size_t i;

	for (i = 0; i < p->nmarks; i++) {
		mk = &p->marks[i];
		if (mk->ts_ns < c->t0 || mk->ts_ns > c->t1 || mk->ts_ns > end)
			continue;
		if (mk->kind == PT_EXEC)
			c->cells[col_of(c, mk->ts_ns)] = CELL_EXEC;
		else if (mk->kind == PT_SIGNAL && mk->signal.result != PT_SIG_IGNORED)
			c->cells[col_of(c, mk->ts_ns)] = CELL_SIGNAL;
	}
}

/* Folded marks as a density over the columns from the first to the last,
 * under the marks kept; ignored signals are left out as above. */
static void cells_fill_folds(struct tl_ctx *c, const struct pt_proc *p)
{
	const struct pt_fold *f;
	unsigned a, b, i, glyph;
	__u64 from, to;
	size_t k;

	for (k = 0; k < p->nfolds; k++) {
		f = &p->folds[k];
		if (!pt_fold_in_window(f, c->t0, c->t1, &from, &to))
			continue;
		a = col_of(c, from);
		b = col_of(c, to);
		glyph = f->count >= (__u64)FOLD_DENSE * (b - a + 1) ? CELL_FOLD_MANY
								    : CELL_FOLD_FEW;
		for (i = a; i <= b; i++)
			if (c->cells[i] < CELL_EXEC)
				c->cells[i] = glyph;
		c->folded += f->count;
	}
}

/* A row's label into c->tmp: "pid comm", indented by its depth, at most
 * by indent_max. */
static void label_of(struct tl_ctx *c, const struct pt_walk *w, unsigned indent_max)
{
	unsigned indent = w->depth < MAX_INDENT ? w->depth : MAX_INDENT;

	pt_buf_reset(&c->tmp);
	put_spaces(&c->tmp, indent < indent_max ? indent : indent_max);
	pt_buf_printf(&c->tmp, "%u ", w->proc->pid);
	pt_view_put_comm(&c->tmp, w->proc->comm);
}

/* Before drawing: the widest label, indentation included, into
 * c->widest, and the rows counted. */
static int widest_label(const struct pt_walk *w, void *ctx)
{
	struct tl_ctx *c = ctx;
	size_t cols;

	c->rows++;
	label_of(c, w, MAX_INDENT);
	cols = pt_view_cols(c->tmp.data, c->tmp.len);
	if (cols > c->widest)
		c->widest = (unsigned)cols;
	return 0;
}

/* The label in label_w columns: the indentation gives way to the name,
 * then the name is cut. */
static void put_label(struct tl_ctx *c, const struct pt_walk *w)
{
	size_t cols;

	label_of(c, w, 0);
	cols = pt_view_cols(c->tmp.data, c->tmp.len);
	label_of(c, w, cols < c->label_w ? c->label_w - (unsigned)cols : 0);
	pt_view_put_cut(&c->line, c->tmp.data, c->tmp.len, c->label_w, c->o->ascii);
	cols = pt_view_cols(c->tmp.data, c->tmp.len);
	put_spaces(&c->line, cols < c->label_w ? c->label_w - cols : 0);
}

static int chart_row(const struct pt_walk *w, void *ctx)
{
	struct tl_ctx *c = ctx;
	const char *border = c->o->ascii ? "|" : "│";
	unsigned i;

	cells_fill_states(c, w->proc);
	cells_fill_folds(c, w->proc);
	cells_fill_marks(c, w->proc);
	pt_buf_reset(&c->line);
	put_label(c, w);
	pt_buf_putc(&c->line, ' ');
	pt_buf_puts(&c->line, border);
	for (i = 0; i < c->chart_w; i++)
		pt_buf_puts(&c->line, c->cell_glyph[c->cells[i]]);
	pt_buf_puts(&c->line, border);
	pt_buf_putc(&c->line, '\n');
	return pt_buf_write(&c->line, c->f);
}

/* The chain of ancestors outside the selection: its line across the
 * label and chart columns. */
static int chart_fold(const struct pt_view_fold *f, void *ctx)
{
	struct tl_ctx *c = ctx;

	return pt_view_write_fold(c->f, &c->line, f, c->o->ascii);
}

/* Before drawing: a fold is a row too. */
static int count_fold(const struct pt_view_fold *f, void *ctx)
{
	(void)f;
	((struct tl_ctx *)ctx)->rows++;
	return 0;
}

static int legend_write(struct tl_ctx *c, const struct pt_model_stats *st)
{
	const char *const *g = c->cell_glyph;

	pt_buf_reset(&c->line);
	if (c->sched)
		pt_buf_printf(&c->line,
			      "%s running  %s runnable  %s sleeping  %s disk-sleep  %s traced  ",
			      g[CELL_STATE + PT_STATE_RUNNING], g[CELL_STATE + PT_STATE_RUNNABLE],
			      g[CELL_STATE + PT_STATE_SLEEPING],
			      g[CELL_STATE + PT_STATE_DISK_SLEEP], g[CELL_STATE + PT_STATE_TRACED]);
	pt_buf_printf(&c->line, "%s alive  %s stopped  %s zombie  %s exec  %s signal  (1 column = ",
		      g[CELL_STATE + PT_STATE_ALIVE], g[CELL_STATE + PT_STATE_STOPPED],
		      g[CELL_STATE + PT_STATE_ZOMBIE], g[CELL_EXEC], g[CELL_SIGNAL]);
	pt_view_put_duration(&c->line, c->span / c->chart_w, c->o->ascii);
	pt_buf_puts(&c->line, ")\n");
	if (c->folded)
		pt_buf_printf(&c->line,
			      "%s%s marks folded: %llu (past %u a process, as a density; -v lists "
			      "them)\n",
			      g[CELL_FOLD_FEW], g[CELL_FOLD_MANY], (unsigned long long)c->folded,
			      (unsigned)PT_MARKS_MAX);
	pt_view_put_lost(&c->line, st);
	return pt_buf_write(&c->line, c->f);
}

/* ---- the view ---- */

/* The label column and the chart for width (0: no limit). A label is
 * what a row is read by: the chart narrows to CHART_MIN before a label is
 * cut (at LABEL_MAX, a name whole at the deepest indentation; past that
 * the indentation gives way first). Without a limit, the chart has the
 * default width's and the labels are whole. */
static void layout(struct tl_ctx *c, unsigned width)
{
	unsigned w = width ? width : PT_VIEW_DEFAULT_WIDTH;
	unsigned label = w / 4, room = w > 4 + CHART_MIN ? w - 4 - CHART_MIN : 0;

	label = label < LABEL_MIN ? LABEL_MIN : label > LABEL_MAX ? LABEL_MAX : label;
	c->chart_w = w > label + 4 + CHART_MIN ? w - label - 4 : CHART_MIN;
	if (!width) {
		c->label_w = c->widest > label ? c->widest : label;
		return;
	}
	if (c->widest > label) {
		room = room < LABEL_MAX ? room : LABEL_MAX;
		label = c->widest < room ? c->widest : room > label ? room : label;
	}
	c->label_w = label;
	c->chart_w = w > label + 4 + CHART_MIN ? w - label - 4 : CHART_MIN;
}

int pt_timeline_write(FILE *f, struct pt_model *m, const struct pt_view_opts *o)
{
	struct tl_ctx c = { .f = f, .o = o };
	struct pt_model_stats st;
	int err;

	c.cell_glyph = o->ascii ? cell_ascii : cell_utf8;
	pt_model_stats(m, &st);
	c.t0 = st.first_ts;
	c.t1 = st.end_ns > st.first_ts ? st.end_ns : st.first_ts;
	c.span = c.t1 > c.t0 ? c.t1 - c.t0 : 1;
	err = pt_view_walk_folded(m, widest_label, count_fold, &c);
	layout(&c, o->width);
	c.dur = calloc(c.chart_w, sizeof(*c.dur));
	c.cells = calloc(c.chart_w, 1);
	if (!err && !(c.dur && c.cells))
		err = -ENOMEM;
	if (!err)
		err = axis_write(&c, false);
	if (!err)
		err = pt_view_walk_folded(m, chart_row, chart_fold, &c);
	if (!err && c.rows > AXIS_AGAIN_ROWS)
		err = axis_write(&c, true);
	if (!err)
		err = legend_write(&c, &st);
	if (!err && o->verbose)
		err = pt_view_transitions_write(f, m, o, c.t0);
	if (!err)
		err = pt_file_flush(f);
	free(c.dur);
	free(c.cells);
	pt_buf_free(&c.line);
	pt_buf_free(&c.tmp);
	return err;
}
