/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Views of the process model, printed when tracing ends: the tree, the
 * timeline (a text Gantt chart) and the same timeline as SVG. Each writes
 * the whole view to a borrowed FILE and returns 0 or -errno (-ENOMEM, or
 * the write error); none prints diagnostics. Times are shown in seconds
 * from the first event of the trace. */
#ifndef PROCTRACE_VIEWS_H
#define PROCTRACE_VIEWS_H

#include <stdbool.h>
#include <stdio.h>
#include "proctrace/buf.h"
#include "proctrace/config.h"
#include "proctrace/model.h"

struct pt_view_opts {
	/* Text columns to fit, by cutting programs and labels; 0: no limit,
	 * nothing cut (as `ps -ww`). pt_view_width() chooses it; SVG ignores it. */
	unsigned width;
	bool ascii;	 /* ASCII instead of box-drawing and block characters */
	bool verbose;	 /* timeline: every transition of every process */
	bool threads;	 /* tree: threads under their process (model kept them) */
	__u32 kinds;	 /* kinds recorded (-e), bit 1 << kind; 0: all */
	__u32 kinds_off; /* of those not recorded, the ones this kernel cannot */
};

/* The timeline's width when there is no limit: its chart has to have one
 * (its labels are then whole). */
#define PT_VIEW_DEFAULT_WIDTH 100
/* The narrowest width a view is fitted to (a smaller COLUMNS or terminal). */
#define PT_VIEW_MIN_WIDTH 40

/* The width of the text views on f, as ps(1) chooses it: 0 (no limit) with
 * wide (-w) or when f is not a terminal, unless COLUMNS (environment) says
 * a width; else COLUMNS, or the terminal's width (TIOCGWINSZ). At least
 * PT_VIEW_MIN_WIDTH when not 0. */
unsigned pt_view_width(FILE *f, bool wide);

/* -t: one line per process, in a tree. With a width, a line is fitted to
 * it: the tree, pid, comm, life and end whole; the programs get 16
 * columns, the tags ([before trace], [pgid ...]) and --sched times what
 * is left, the programs the rest, each cut with an ellipsis (a line
 * overflows only when those 16 columns do not fit). */
int pt_tree_write(FILE *f, struct pt_model *m, const struct pt_view_opts *o);
/* -T: state over time, one row per process in tree order. */
int pt_timeline_write(FILE *f, struct pt_model *m, const struct pt_view_opts *o);
/* -T -v, after the chart: every transition of every process with its
 * exact time, in seconds from t0 (transitions.c). */
int pt_view_transitions_write(FILE *f, struct pt_model *m, const struct pt_view_opts *o, __u64 t0);
/* --svg: the timeline as a self-contained SVG document. */
int pt_svg_write(FILE *f, struct pt_model *m, const struct pt_view_opts *o);

/* --summary: one row per process with a sched row, in tree order: time
 * and share of its lifetime per scheduler state, switches, run-queue
 * latency. With a width, its least telling columns are left out (named
 * under it), then the command cut, the footnote wrapped. */
int pt_summary_write(FILE *f, struct pt_model *m, const struct pt_view_opts *o);

/* What pt_views_show() names when the text views (-t, -T, --summary)
 * could not be printed. */
#define PT_VIEWS_TEXT "the views"

/* Every view cfg asks for (-t, -T, --svg), as of end_ns (0: the last
 * event's time); the text views (-t, -T, --summary) only when text is true
 * (false: their stream's reader is gone, `| head`); the SVG is made even
 * when the text could not be printed.
 * On failure, *what names the view that failed (the SVG's path first, else
 * PT_VIEWS_TEXT), and why holds a line of its own when the SVG's file was
 * refused ("" else). */
int pt_views_show(struct pt_model *m, const struct pt_config *c, __u64 end_ns, bool text,
		  const char **what, char *why, size_t whylen);

/* ---- wording the views share (wording.c) ---- */

/* "850 ns", "12 µs" ("us" in ASCII), "300 ms", "1.50 s", "2m05s", "3h02m" */
void pt_view_put_duration(struct pt_buf *b, __u64 ns, bool ascii);
/* Seconds from t0 with millisecond precision: "1.250"; "before" if < t0. */
void pt_view_put_time(struct pt_buf *b, __u64 ts, __u64 t0);
/* A comm (up to PT_COMM_LEN bytes, maybe unterminated) as valid UTF-8 on one
 * line: control characters and invalid bytes escaped. */
void pt_view_put_comm(struct pt_buf *b, const char *comm);
/* " {ssh.service}": p's container, pod or systemd unit (cgroup.h's short
 * name), when it has one and parent (NULL: none) has not the same
 * (cgroup_label.c). */
void pt_view_put_cgroup(struct pt_buf *b, const struct pt_proc *p, const struct pt_proc *parent);
/* "812 (bash)": a pid and, when known, its comm. */
void pt_view_put_actor(struct pt_buf *b, __u32 pid, const char *comm);
/* Its exit status (EXIT_SEEN): "exit 3", "SIGTERM from 812 (bash)",
 * "SIGSEGV (core)". */
void pt_view_put_status(struct pt_buf *b, const struct pt_proc *p);
/* How it ended, as of end_ns: "exit 0", "SIGKILL from 812 (bash)",
 * "SIGSEGV (core)", "exit 1, zombie 300 ms", "still running", "stopped",
 * "reaped, exit not seen", "ended, not seen". */
void pt_view_put_end(struct pt_buf *b, const struct pt_proc *p, __u64 end_ns, bool ascii);
/* Its programs: each exec's argv as a shell command line, joined by " → "
 * (" -> " in ASCII); "" when it never exec'd. */
void pt_view_put_progs(struct pt_buf *b, const struct pt_proc *p, bool ascii);

/* Display columns of escaped UTF-8 text: one per code point. */
size_t pt_view_cols(const char *s, size_t n);
/* Append s[0..n) cut to at most cols columns, with an ellipsis if cut. */
void pt_view_put_cut(struct pt_buf *b, const char *s, size_t n, size_t cols, bool ascii);
/* A chain of ancestors outside the selection (PT_PROC_CONTEXT), folded:
 * n processes from first down to last (borrowed from the model), each the
 * only child of the one before; drawn at depth 0, above the rows it
 * holds up. */
struct pt_view_fold {
	const struct pt_proc *first, *last;
	unsigned n;
	unsigned last_depth; /* the walk's depth of last (fold.c's) */
};
typedef int (*pt_view_fold_fn)(const struct pt_view_fold *f, void *ctx);
/* pt_model_walk with the chains of ancestors outside the selection given
 * to fold instead of row, and the rows under a chain given to row with
 * their depth less the chain's levels. 0, a nonzero return of row or
 * fold, or -ENOMEM. */
int pt_view_walk_folded(struct pt_model *m, pt_walk_fn row, pt_view_fold_fn fold, void *ctx);
/* The text "… 6 ancestors: process_api > … > bash" ("..." in ASCII),
 * appended to b. */
void pt_view_put_fold(struct pt_buf *b, const struct pt_view_fold *f, bool ascii);
/* That text as a line, made in line and written to out: 0 or
 * pt_buf_write's error. */
int pt_view_write_fold(FILE *out, struct pt_buf *line, const struct pt_view_fold *f, bool ascii);
/* "note: 12 events lost (3 fork, 9 exit): ..." line, or nothing. */
void pt_view_put_lost(struct pt_buf *b, const struct pt_model_stats *st);
/* "note: not recorded (-e): reap, signal\n" for the kinds left out of
 * kinds (0: all recorded, nothing written); those of kinds_off are said
 * "not traced on this kernel" instead. */
void pt_view_put_unrecorded(struct pt_buf *b, __u32 kinds, __u32 kinds_off);

/* ---- time axis shared by the timeline and the SVG (timeline.c) ---- */

/* A round tick step (1, 2 or 5 times a power of ten ns) that gives at most
 * max_ticks ticks over span_ns. */
__u64 pt_view_tick_step(__u64 span_ns, unsigned max_ticks);
/* ns as seconds with just the decimals step needs: "0s", "0.25s", "1.5s". */
void pt_view_put_tick(struct pt_buf *b, __u64 ns, __u64 step);

#endif
