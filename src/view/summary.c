// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --summary: where each followed process's time went, one row per process
 * in tree order: its lifetime, the time and share of it in each scheduler
 * state and as a zombie, its context switches and run-queue latency. Only
 * processes with a sched row (--sched, or a replay of such a capture).
 *
 * With a width (a terminal, COLUMNS), the table fits it as ps's does: the
 * command's column narrows to the longest name it holds, the least telling
 * columns are left out (the footnote names them), and only then is a name
 * cut; the footnote is wrapped to it. */
#include <errno.h>
#include <string.h>
#include "proctrace/decode.h"
#include "proctrace/views.h"

#define PID_COLS 8 /* "%-7u " */
#define COMM_COLS 16
#define COMM_MIN_COLS 4
#define AT_END_MARK "  *"
/* The footnote's width when the table has no limit. */
#define NOTE_COLS PT_VIEW_DEFAULT_WIDTH

enum col_kind {
	COL_LIFETIME,
	COL_STATE, /* time in a state (arg: its slot; PT_NSLOTS: zombie) and its share */
	COL_SWITCHES,
	COL_RQ, /* a run-queue latency (arg: 50, 99, or 100 for the maximum), in us */
};

/* One column after the command: its header, its width (a leading space
 * included), and its rank among those left out for a width (1 first;
 * 0: always shown). */
struct sum_col {
	const char *head;
	unsigned cols;
	unsigned drop;
	enum col_kind kind;
	unsigned arg;
};

/* The columns in their order. Left out first: the states a process is
 * rarely in, then what the others tell again; the on-CPU time and the
 * lifetime last, before a name is cut. */
static const struct sum_col columns[] = {
	{ "LIFETIME", 10, 12, COL_LIFETIME, 0 },
	{ "RUNNING", 14, 11, COL_STATE, PT_SLOT_RUNNING },
	{ "RUNNABLE", 14, 10, COL_STATE, PT_SLOT_RUNNABLE },
	{ "SLEEPING", 14, 9, COL_STATE, PT_SLOT_SLEEPING },
	{ "DISK-SLP", 14, 7, COL_STATE, PT_SLOT_DISK_SLEEP },
	{ "STOPPED", 14, 2, COL_STATE, PT_SLOT_STOPPED },
	{ "TRACED", 14, 1, COL_STATE, PT_SLOT_TRACED },
	{ "ZOMBIE", 14, 6, COL_STATE, PT_NSLOTS },
	{ "SWITCHES", 10, 4, COL_SWITCHES, 0 },
	{ "RQ-P50", 9, 3, COL_RQ, 50 },
	{ "RQ-P99", 9, 8, COL_RQ, 99 },
	{ "RQ-MAX", 9, 5, COL_RQ, 100 },
};
#define NCOLS (sizeof(columns) / sizeof(columns[0]))

struct sum_ctx {
	FILE *f;
	const struct pt_view_opts *o;
	__u64 end;
	struct pt_buf line, tmp;
	size_t rows;
	__u64 repaired; /* switch-ins missed and repaired, over the rows */
	unsigned comm_cols;
	unsigned name_cols; /* the longest name of the rows */
	bool shown[NCOLS];
};

static void put_col(struct pt_buf *b, const struct sum_col *col, const struct pt_proc *p,
		    const struct pt_sched_times *t)
{
	__u64 ns;

	switch (col->kind) {
	case COL_LIFETIME:
		pt_buf_printf(b, " %9.1f", t->lifetime_ns / 1e6);
		break;
	case COL_STATE:
		ns = col->arg < PT_NSLOTS ? t->ns[col->arg] : t->zombie_ns;
		pt_buf_printf(b, " %9.1f %3.0f", ns / 1e6,
			      t->lifetime_ns ? 100.0 * ns / t->lifetime_ns : 0.0);
		break;
	case COL_SWITCHES:
		pt_buf_printf(b, " %9u", p->sched.switches);
		break;
	case COL_RQ:
		ns = col->arg == 50	 ? p->sched.rq_p50_ns
			: col->arg == 99 ? p->sched.rq_p99_ns
					 : p->sched.rq_max_ns;
		pt_buf_printf(b, " %8.1f", ns / 1e3);
		break;
	}
}

/* Which columns fit width (0: all) and the command's width, names of
 * name_cols columns at most whole; the names of those left out into left
 * (", "-joined). */
static void fit(struct sum_ctx *c, unsigned width, unsigned name_cols, struct pt_buf *left)
{
	unsigned total = PID_COLS + COMM_COLS + (unsigned)strlen(AT_END_MARK), rank;
	/* what the command's column may give before a name is cut */
	unsigned spare = name_cols + 1 < COMM_COLS ? COMM_COLS - (name_cols + 1) : 0;
	size_t i;

	if (spare > COMM_COLS - COMM_MIN_COLS)
		spare = COMM_COLS - COMM_MIN_COLS;
	for (i = 0; i < NCOLS; i++) {
		c->shown[i] = true;
		total += columns[i].cols;
	}
	c->comm_cols = COMM_COLS;
	if (!width)
		return;
	for (rank = 1; total > width + spare && rank <= NCOLS; rank++)
		for (i = 0; i < NCOLS; i++)
			if (columns[i].drop == rank) {
				c->shown[i] = false;
				total -= columns[i].cols;
			}
	/* Then the command, narrowed; past its least, the row is wider. */
	if (total > width)
		c->comm_cols = total - width < COMM_COLS - COMM_MIN_COLS
			? COMM_COLS - (total - width)
			: COMM_MIN_COLS;
	for (i = 0; i < NCOLS; i++)
		if (!c->shown[i])
			pt_buf_printf(left, "%s%s", left->len ? ", " : "", columns[i].head);
}

static void put_header(struct sum_ctx *c)
{
	pt_buf_printf(&c->line, "%-*s", PID_COLS, "PID");
	pt_view_put_cut(&c->line, "COMMAND", 7, c->comm_cols, c->o->ascii);
	pt_buf_fill(&c->line, ' ', c->comm_cols > 7 ? c->comm_cols - 7 : 0);
	for (size_t i = 0; i < NCOLS; i++) {
		if (!c->shown[i])
			continue;
		if (columns[i].kind == COL_STATE)
			pt_buf_printf(&c->line, " %9s   %%", columns[i].head);
		else
			pt_buf_printf(&c->line, "%*s", (int)columns[i].cols, columns[i].head);
	}
	pt_buf_putc(&c->line, '\n');
}

/* Before the table: the longest name of its rows, in columns. */
static int widest_name(const struct pt_walk *w, void *ctx)
{
	struct sum_ctx *c = ctx;
	struct pt_sched_times t;
	size_t cols;

	if (!pt_proc_sched_times(w->proc, c->end, &t))
		return 0;
	pt_buf_reset(&c->tmp);
	pt_view_put_comm(&c->tmp, w->proc->comm);
	cols = pt_view_cols(c->tmp.data, c->tmp.len);
	if (cols > c->name_cols)
		c->name_cols = (unsigned)cols;
	return 0;
}

static int summary_row(const struct pt_walk *w, void *ctx)
{
	struct sum_ctx *c = ctx;
	const struct pt_proc *p = w->proc;
	struct pt_sched_times t;
	size_t cols_used;

	if (!pt_proc_sched_times(p, c->end, &t))
		return 0;
	pt_buf_reset(&c->line);
	pt_buf_printf(&c->line, "%-7u ", p->pid);
	pt_buf_reset(&c->tmp);
	pt_view_put_comm(&c->tmp, p->comm);
	pt_view_put_cut(&c->line, c->tmp.data, c->tmp.len, c->comm_cols, c->o->ascii);
	cols_used = pt_view_cols(c->line.data + PID_COLS, c->line.len - PID_COLS);
	pt_buf_fill(&c->line, ' ', cols_used < c->comm_cols ? c->comm_cols - cols_used : 0);
	for (size_t i = 0; i < NCOLS; i++)
		if (c->shown[i])
			put_col(&c->line, &columns[i], p, &t);
	c->repaired += p->sched.repaired;
	if (p->flags & PT_PROC_SCHED_AT_END)
		pt_buf_puts(&c->line, AT_END_MARK);
	pt_buf_putc(&c->line, '\n');
	c->rows++;
	return pt_buf_write(&c->line, c->f);
}

/* text appended to b, its words in lines of at most width columns (a word
 * longer than that on a line of its own). */
static void put_wrapped(struct pt_buf *b, const char *text, unsigned width)
{
	size_t col = 0;

	while (*text) {
		size_t n = strcspn(text, " "), cols = pt_view_cols(text, n);

		if (col && col + 1 + cols > width) {
			pt_buf_putc(b, '\n');
			col = 0;
		} else if (col) {
			pt_buf_putc(b, ' ');
			col++;
		}
		pt_buf_put(b, text, n);
		col += cols;
		text += n;
		text += strspn(text, " ");
	}
	pt_buf_putc(b, '\n');
}

int pt_summary_write(FILE *f, struct pt_model *m, const struct pt_view_opts *o)
{
	struct sum_ctx c = { .f = f, .o = o };
	unsigned note_cols = o->width ? o->width : NOTE_COLS;
	struct pt_buf left = { 0 };
	struct pt_model_stats st;
	int err;

	pt_model_stats(m, &st);
	c.end = st.end_ns;
	err = pt_model_walk(m, widest_name, &c);
	fit(&c, o->width, c.name_cols, &left);
	put_header(&c);
	if (!err)
		err = pt_buf_write(&c.line, f);
	if (!err)
		err = pt_model_walk(m, summary_row, &c);
	pt_buf_reset(&c.line);
	if (!err && !c.rows)
		pt_buf_puts(&c.line, "(no process with a sched row: trace with --sched)\n");
	if (!err)
		put_wrapped(&c.line,
			    "times in ms, % of the lifetime (first event to reap, or to the end); "
			    "run-queue waits (RQ) in us, p50 and p99 as their histogram bucket's "
			    "upper bound (at most 25% high); * still running when tracing ended",
			    note_cols);
	if (!err && left.len) {
		pt_buf_reset(&c.tmp);
		pt_buf_printf(&c.tmp, "left out for the width (-w shows them): %s", left.data);
		put_wrapped(&c.line, c.tmp.data, note_cols);
	}
	if (!err && c.rows) {
		pt_buf_reset(&c.tmp);
		pt_buf_printf(&c.tmp,
			      "switch-ins missed (no tracepoint fired) and repaired from the "
			      "kernel's runtime count: %llu",
			      (unsigned long long)c.repaired);
		put_wrapped(&c.line, c.tmp.data, note_cols);
	}
	if (!err)
		pt_view_put_lost(&c.line, &st);
	if (!err)
		err = pt_buf_write(&c.line, f);
	pt_buf_free(&c.line);
	pt_buf_free(&c.tmp);
	pt_buf_free(&left);
	return err;
}
