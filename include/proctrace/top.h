/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* --top: a live, full-screen view of what is followed, drawn from the model
 * while tracing (src/view/top.c), from rows built here (top_rows.c). */
#ifndef PROCTRACE_TOP_H
#define PROCTRACE_TOP_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "proctrace/buf.h"
#include "proctrace/model.h"

/* Exits shown under the tree: of the processes that exited, or were
 * reaped, in the last PT_TOP_EXITS_NS. */
#define PT_TOP_EXITS_NS (10ull * 1000000000ull)

/* The order of the rows ('s' cycles through them). */
enum pt_top_sort {
	PT_TOP_SORT_TREE = 0, /* the process tree, siblings by start */
	PT_TOP_SORT_CPU,      /* flat, most CPU first */
	PT_TOP_SORT_AGE,      /* flat, oldest first */
	PT_TOP_SORT_PID,      /* flat, by pid */
	PT_TOP_NSORTS,
};
extern const char *const pt_top_sort_names[PT_TOP_NSORTS];

/* One process shown: alive, stopped or a zombie (not reaped). */
struct pt_top_row {
	const struct pt_proc *p;
	const struct pt_proc *parent; /* in the tree; NULL at a root */
	unsigned depth;		      /* in the tree as shown (0 in a flat order) */
	bool has_children;	      /* in the tree, hidden or not */
	bool collapsed;		      /* its subtree is hidden */
	bool cpu_known;
	__u64 cpu_ns;	    /* CPU time so far (user + system) */
	__u64 age_ns;	    /* now - its start */
	__u64 last_ns;	    /* its latest event */
	unsigned last_kind; /* ... its kind (enum pt_kind; 0: none kept) */
};

/* CPU time so far of a process still alive (the model knows it only at
 * its exit): true and *ns set, or false when not known. */
typedef bool (*pt_top_cpu_fn)(void *ctx, const struct pt_proc *p, __u64 *ns);

struct pt_top_rows {
	struct pt_top_row *rows; /* n, in the order shown */
	size_t n, cap;
	const struct pt_proc **exits; /* nexits, the latest exit or reap first */
	size_t nexits, exits_cap;
	size_t procs;	  /* followed processes alive or zombies, hidden ones included */
	size_t ancestors; /* ancestors of theirs outside the selection (context), likewise */
};

/* Collapsed subtrees: the processes whose children are hidden. */
struct pt_top_fold {
	struct {
		__u32 pid;
		__u64 start_ns;
	} * p;
	size_t n, cap;
};
bool pt_top_fold_has(const struct pt_top_fold *f, const struct pt_proc *p);
/* Collapse p's subtree, or expand it if collapsed. 0 or -ENOMEM. */
int pt_top_fold_toggle(struct pt_top_fold *f, const struct pt_proc *p);
void pt_top_fold_free(struct pt_top_fold *f);

/* The rows of the model as of now_ns (CLOCK_BOOTTIME), in sort's order,
 * without the subtrees fold hides (tree order only), and the exits of the
 * last PT_TOP_EXITS_NS. The rows point into the model: valid until it is
 * fed again. 0 or -ENOMEM. */
int pt_top_rows_build(struct pt_model *m, __u64 now_ns, enum pt_top_sort sort,
		      const struct pt_top_fold *fold, pt_top_cpu_fn cpu, void *cpu_ctx,
		      struct pt_top_rows *out);
void pt_top_rows_free(struct pt_top_rows *r);

/* The columns before COMMAND (top_line.c). */
enum pt_top_col {
	PT_TOP_COL_PID,
	PT_TOP_COL_STATE,
	PT_TOP_COL_CPU,
	PT_TOP_COL_AGE,
	PT_TOP_COL_LAST,
	PT_TOP_NCOLS,
};

/* Which columns a width (in columns) shows: the others are left out
 * before the command's name is cut. */
struct pt_top_layout {
	unsigned width;
	bool shown[PT_TOP_NCOLS];
	unsigned command_cols; /* what is left for COMMAND: indentation, marker, name */
};
void pt_top_layout_fit(struct pt_top_layout *l, unsigned width);

/* The heading's figures. */
struct pt_top_title {
	size_t procs, ancestors; /* as struct pt_top_rows */
	__u64 events, lost;	 /* struct pt_model_stats' */
	const char *sort;	 /* pt_top_sort_names[] */
	__u32 selected;		 /* the selected row's pid; 0: none */
};

/* Appended to b (tmp: scratch). Wider than l->width only when even the
 * shortest form is: the caller cuts at the width. */
void pt_top_put_title(struct pt_buf *b, const struct pt_top_layout *l, const struct pt_top_title *t,
		      struct pt_buf *tmp);
void pt_top_put_header(struct pt_buf *b, const struct pt_top_layout *l);
/* r's row as of now_ns; sched: the states are the scheduler's. */
void pt_top_put_row(struct pt_buf *b, const struct pt_top_layout *l, const struct pt_top_row *r,
		    bool sched, __u64 now_ns, struct pt_buf *tmp);

/* The live view on the controlling terminal (/dev/tty), so that stdout
 * may take an output file. */
struct pt_top;
/* Whether there is a terminal --top can draw on (a controlling terminal
 * whose TERM terminfo knows): 0, or -ENOTTY with err set. Checked before
 * anything is loaded or opened, so that a refusal leaves nothing behind. */
int pt_top_usable(char *err, size_t errlen);
/* NULL with err set when the terminal cannot be used. sched: the states
 * are the scheduler's (--sched). */
struct pt_top *pt_top_open(bool sched, char *err, size_t errlen);
/* Between two polls of the source: reads the keys pressed, and redraws
 * when the last drawing is older than a refresh period (never more than
 * a few times a second) and the view is not paused. 1: the user asked to
 * stop (q); 0. */
int pt_top_tick(struct pt_top *t, struct pt_model *m, __u64 now_ns);
struct pt_top_output;
/* The pane of the command's output (top_output.h), read and shown at each
 * tick; o NULL, or without a pty: none. */
void pt_top_set_output(struct pt_top *t, struct pt_top_output *o);
/* line in place of the keys' line, from the next tick on. */
void pt_top_say(struct pt_top *t, const char *line);
/* Gives the terminal back (blank, then the screen before, where the
 * terminal has an alternate screen). NULL is a no-op. */
void pt_top_close(struct pt_top *t);

#endif
