// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --top's lines as text for a width (top.h): the heading, the columns'
 * header and a process's row. The command's name is what a user reads a
 * row by, so a narrow terminal leaves the other columns out first, then
 * narrows the tree's indentation, and cuts the name last. No curses here:
 * top.c draws these lines, the unit tests read them. */
#include <string.h>
#include "proctrace/decode.h"
#include "proctrace/top.h"
#include "proctrace/views.h"

/* The marker before the name ("- ", "+ ", "  ") and the longest name (a
 * comm: TASK_COMM_LEN - 1): what COMMAND keeps before a column is shown
 * beside it. */
#define MARK_COLS 2
#define NAME_COLS 15
#define COMMAND_COLS (MARK_COLS + NAME_COLS)

/* The columns before COMMAND, in their order: header, width (the space
 * after it included), and rank among those left out for a width (1
 * first; 0: always shown). Left out first what a user can do without
 * longest: the last event, then the age, the CPU time, the state. */
static const struct {
	const char *head;
	unsigned cols;
	unsigned drop;
} columns[PT_TOP_NCOLS] = {
	[PT_TOP_COL_PID] = { "PID", 8, 0 },	     [PT_TOP_COL_STATE] = { "STATE", 11, 4 },
	[PT_TOP_COL_CPU] = { "CPU", 9, 3 },	     [PT_TOP_COL_AGE] = { "AGE", 9, 2 },
	[PT_TOP_COL_LAST] = { "LAST EVENT", 18, 1 },
};

void pt_top_layout_fit(struct pt_top_layout *l, unsigned width)
{
	unsigned total = COMMAND_COLS, rank;
	size_t i;

	l->width = width;
	for (i = 0; i < PT_TOP_NCOLS; i++) {
		l->shown[i] = true;
		total += columns[i].cols;
	}
	for (rank = 1; total > width && rank <= PT_TOP_NCOLS; rank++)
		for (i = 0; i < PT_TOP_NCOLS; i++)
			if (columns[i].drop == rank) {
				l->shown[i] = false;
				total -= columns[i].cols;
			}
	l->command_cols = width > total - COMMAND_COLS ? width - (total - COMMAND_COLS) : 0;
}

void pt_top_put_title(struct pt_buf *b, const struct pt_top_layout *l, const struct pt_top_title *t,
		      struct pt_buf *tmp)
{
	static const char prefix[] = "proctrace --top  ";

	pt_buf_reset(tmp);
	pt_buf_printf(tmp, "%zu processes", t->procs);
	if (t->ancestors)
		pt_buf_printf(tmp, " (+%zu ancestors)", t->ancestors);
	pt_buf_printf(tmp, "  %llu events, %llu lost  sort: %s", (unsigned long long)t->events,
		      (unsigned long long)t->lost, t->sort);
	if (t->selected)
		pt_buf_printf(tmp, "  selected %u", t->selected);
	/* Narrow: the counts and the sort rather than the program's name. */
	if (strlen(prefix) + tmp->len <= l->width)
		pt_buf_puts(b, prefix);
	pt_buf_put(b, tmp->data ? tmp->data : "", tmp->len);
	if (tmp->failed)
		b->failed = true;
}

void pt_top_put_header(struct pt_buf *b, const struct pt_top_layout *l)
{
	for (size_t i = 0; i < PT_TOP_NCOLS; i++)
		if (l->shown[i])
			pt_buf_printf(b, i == PT_TOP_COL_PID ? "%*s " : "%-*s ",
				      (int)columns[i].cols - 1, columns[i].head);
	pt_buf_puts(b, "COMMAND");
}

static const char *state_word(const struct pt_proc *p, bool sched)
{
	if (pt_proc_end(p) == PT_END_ZOMBIE)
		return "zombie";
	if (pt_proc_end(p) == PT_END_STOPPED && !sched)
		return "stopped";
	/* Without --sched: alive, stopped; with it, the scheduler's. */
	return pt_state_name(p->state);
}

/* A duration in a column of cols (its space after included). */
static void put_cell_duration(struct pt_buf *b, bool known, __u64 ns, unsigned cols)
{
	size_t start = b->len;

	if (known)
		pt_view_put_duration(b, ns, true);
	else
		pt_buf_puts(b, "?");
	pt_buf_fill(b, ' ', b->len - start < cols ? cols - (b->len - start) : 1);
}

static void put_cell(struct pt_buf *b, const struct pt_top_row *r, size_t col, bool sched,
		     __u64 now_ns)
{
	size_t start = b->len;

	switch (col) {
	case PT_TOP_COL_PID:
		pt_buf_printf(b, "%7u ", r->p->pid);
		break;
	case PT_TOP_COL_STATE:
		pt_buf_printf(b, "%-10s ", state_word(r->p, sched));
		break;
	case PT_TOP_COL_CPU:
		put_cell_duration(b, r->cpu_known, r->cpu_ns, columns[col].cols);
		break;
	case PT_TOP_COL_AGE:
		put_cell_duration(b, true, r->age_ns, columns[col].cols);
		break;
	case PT_TOP_COL_LAST:
		if (r->last_kind) {
			pt_buf_printf(b, "%s ", pt_kind_name(r->last_kind));
			pt_view_put_duration(b, now_ns > r->last_ns ? now_ns - r->last_ns : 0,
					     true);
		}
		pt_buf_fill(b, ' ',
			    b->len - start < columns[col].cols
				    ? columns[col].cols - (b->len - start)
				    : 1);
		break;
	}
}

void pt_top_put_row(struct pt_buf *b, const struct pt_top_layout *l, const struct pt_top_row *r,
		    bool sched, __u64 now_ns, struct pt_buf *tmp)
{
	size_t indent = 2 * (size_t)r->depth, name_cols;

	for (size_t i = 0; i < PT_TOP_NCOLS; i++)
		if (l->shown[i])
			put_cell(b, r, i, sched, now_ns);
	/* The tree's indentation gives way to the name, then the name is cut
	 * to what is left. */
	if (indent + COMMAND_COLS > l->command_cols)
		indent = l->command_cols > COMMAND_COLS ? l->command_cols - COMMAND_COLS : 0;
	pt_buf_fill(b, ' ', indent);
	pt_buf_puts(b, r->collapsed ? "+ " : r->has_children ? "- " : "  ");
	pt_buf_reset(tmp);
	pt_view_put_comm(tmp, r->p->comm);
	name_cols = l->command_cols > indent + MARK_COLS ? l->command_cols - indent - MARK_COLS : 1;
	pt_view_put_cut(b, tmp->data ? tmp->data : "", tmp->len, name_cols, true);
	if (tmp->failed)
		b->failed = true;
	pt_view_put_cgroup(b, r->p, r->parent);
}
