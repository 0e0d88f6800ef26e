// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The tree view: one line per process under its parent (its adopter once
 * reparented), drawn with box-drawing characters, saying what it ran, its
 * group and session where they differ from its parent's, its lifetime and
 * how it ended. The wording it shares with the other views is wording.c's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/cause.h"
#include "proctrace/clone_flags.h"
#include "proctrace/decode.h"
#include "proctrace/views.h"

/* Fewer columns than this for the programs is not worth cutting to: the
 * line overflows instead. */
#define MIN_PROGS_COLS 16
/* Between the parts of a line. */
#define SEP "  "
#define SEP_COLS 2

static const char *const glyph_utf8[] = { "├─ ", "└─ ", "│  ", "   " };
static const char *const glyph_ascii[] = { "|- ", "`- ", "|  ", "   " };
enum {
	G_TEE,
	G_ELBOW,
	G_PIPE,
	G_BLANK
};

static bool reaps_recorded(const struct pt_view_opts *o)
{
	return !o->kinds || (o->kinds & (1u << PT_REAP));
}

struct tree_ctx {
	FILE *f; /* borrowed */
	const struct pt_view_opts *o;
	const char *const *glyph;
	__u64 t0, t1; /* first event, end of the trace */
	bool *last;   /* per depth: that ancestor was a last child */
	size_t last_cap;
	struct pt_buf line, tmp, fit;
	const struct pt_thread **threads;
	size_t threads_cap;
};

/* ---- one line ---- */

static int depth_reserve(struct tree_ctx *c, unsigned depth)
{
	size_t cap;
	bool *last;

	if (depth < c->last_cap)
		return 0;
	cap = c->last_cap ? c->last_cap * 2 : 64;
	while (cap <= depth)
		cap *= 2;
	last = realloc(c->last, cap * sizeof(*last));
	if (!last)
		return -ENOMEM;
	c->last = last;
	c->last_cap = cap;
	return 0;
}

/* Continuation of levels 1..upto, then the connector of a row at upto+1. */
static void put_prefix(struct tree_ctx *c, unsigned upto, bool is_last)
{
	unsigned k;

	for (k = 1; k <= upto; k++)
		pt_buf_puts(&c->line, c->glyph[c->last[k] ? G_BLANK : G_PIPE]);
	pt_buf_puts(&c->line, c->glyph[is_last ? G_ELBOW : G_TEE]);
}

static void put_groups(struct tree_ctx *c, const struct pt_walk *w)
{
	const struct pt_proc *p = w->proc, *par = w->parent;
	bool pg_moved = p->first_pgid != p->pgid, sid_moved = p->first_sid != p->sid;
	bool pg = !par || p->pgid != par->pgid || pg_moved;
	bool sid = !par || p->sid != par->sid || sid_moved;
	const char *arrow = c->o->ascii ? "->" : "→";

	if (!pg && !sid)
		return;
	pt_buf_puts(&c->line, " [");
	if (pg) {
		pt_buf_puts(&c->line, "pgid ");
		if (pg_moved)
			pt_buf_printf(&c->line, "%u%s", p->first_pgid, arrow);
		pt_buf_printf(&c->line, "%u", p->pgid);
	}
	if (sid) {
		pt_buf_puts(&c->line, pg ? ", sid " : "sid ");
		if (sid_moved)
			pt_buf_printf(&c->line, "%u%s", p->first_sid, arrow);
		pt_buf_printf(&c->line, "%u", p->sid);
	}
	pt_buf_putc(&c->line, ']');
}

/* An end a rescan after lost events inferred: when it happened. */
static void put_unseen_end(struct tree_ctx *c, const struct pt_proc *p)
{
	if (!(p->flags & PT_PROC_END_INFERRED))
		return;
	if (!(p->flags & PT_PROC_ENDED_UNSEEN))
		pt_buf_puts(&c->line, " [exited");
	else
		pt_buf_puts(&c->line, p->flags & PT_PROC_EXIT_SEEN ? " [reaped" : " [ended");
	pt_buf_puts(&c->line, ", not observed between ");
	pt_view_put_time(&c->line, p->unseen_from_ns, c->t0);
	pt_buf_puts(&c->line, "s and ");
	pt_view_put_time(&c->line, p->unseen_to_ns, c->t0);
	pt_buf_puts(&c->line, "s]");
}

/* Where it came from, when that is not simply "forked by its parent". */
static void put_origin(struct tree_ctx *c, const struct pt_walk *w)
{
	const struct pt_proc *p = w->proc;
	const char *comm = w->orig_parent ? w->orig_parent->comm : p->parent_comm;

	/* Found by a rescan: born unseen, or (an ancestor of a followed
	 * process, found then) running before the trace. */
	if (p->flags & PT_PROC_COMMAND)
		pt_buf_puts(&c->line, " [started by proctrace]");
	else if ((p->flags & PT_PROC_INFERRED) && p->start_ns >= c->t0)
		pt_buf_puts(&c->line, " [inferred]");
	else if (p->flags & PT_PROC_SNAPSHOT ||
		 (!(p->flags & PT_PROC_FORK_SEEN) && p->start_ns < c->t0))
		pt_buf_puts(&c->line, " [before trace]");
	else if (!(p->flags & PT_PROC_FORK_SEEN))
		pt_buf_puts(&c->line, " [fork not seen]");
	if (p->clone_flags & PT_CLONE_VFORK)
		pt_buf_puts(&c->line, " [vfork]");
	else if (p->clone_flags & PT_CLONE_VM)
		pt_buf_puts(&c->line, " [shared VM]");
	if (p->clone_flags & PT_CLONE_NEW_ANY) {
		pt_buf_puts(&c->line, " [new ");
		pt_clone_ns_words(&c->line, p->clone_flags);
		pt_buf_puts(&c->line, " ns]");
	}
	if (w->reparented) {
		pt_buf_puts(&c->line, " [reparented, parent was ");
		pt_view_put_actor(&c->line, p->orig_ppid, comm);
		pt_buf_putc(&c->line, ']');
	}
	if (w->parent_missing)
		pt_buf_printf(&c->line, " [%s %u not traced]", w->reparented ? "adopter" : "parent",
			      p->ppid);
	put_unseen_end(c, p);
}

/* A start before the first event as a negative time: the command's, which
 * proctrace started held, before it attached. */
static void put_start(struct tree_ctx *c, const struct pt_proc *p)
{
	if (p->start_ns < c->t0 && (p->flags & PT_PROC_COMMAND)) {
		pt_buf_putc(&c->line, '-');
		pt_view_put_time(&c->line, c->t0, p->start_ns);
		return;
	}
	pt_view_put_time(&c->line, p->start_ns, c->t0);
}

static void put_life(struct tree_ctx *c, const struct pt_proc *p)
{
	const char *dash = c->o->ascii ? "-" : "–";
	__u64 end = p->exit_ns ? p->exit_ns : p->reap_ns;

	switch (pt_proc_end(p)) {
	case PT_END_RUNNING:
	case PT_END_STOPPED:
		if (p->start_ns < c->t0 && !(p->flags & PT_PROC_COMMAND))
			return;
		pt_buf_puts(&c->line, "  from ");
		put_start(c, p);
		pt_buf_putc(&c->line, 's');
		return;
	case PT_END_UNSEEN:
		if (!end) {
			pt_buf_puts(&c->line, "  ");
			pt_view_put_time(&c->line, p->start_ns, c->t0);
			pt_buf_printf(&c->line, "%s?", dash);
			return;
		}
		break;
	default:
		break;
	}
	pt_buf_puts(&c->line, "  ");
	put_start(c, p);
	pt_buf_puts(&c->line, dash);
	pt_view_put_time(&c->line, end ? end : c->t1, c->t0);
	pt_buf_putc(&c->line, 's');
}

/* --sched: "[on-CPU 201 ms, runnable 1.2 ms, D 0 ns]" */
static void put_sched(struct tree_ctx *c, const struct pt_proc *p)
{
	if (!(p->flags & PT_PROC_SCHED_SEEN))
		return;
	pt_buf_puts(&c->line, "  [on-CPU ");
	pt_view_put_duration(&c->line, p->sched.ns[PT_SLOT_RUNNING], c->o->ascii);
	pt_buf_puts(&c->line, ", runnable ");
	pt_view_put_duration(&c->line, p->sched.ns[PT_SLOT_RUNNABLE], c->o->ascii);
	pt_buf_puts(&c->line, ", D ");
	pt_view_put_duration(&c->line, p->sched.ns[PT_SLOT_DISK_SLEEP], c->o->ascii);
	pt_buf_putc(&c->line, ']');
}

/* Where the parts of a line end in c->line: its head (the tree, pid and
 * comm), its tags ([before trace], [pgid ...], {unit}), its life and end,
 * its --sched times; its programs are in c->tmp. */
struct line_parts {
	size_t head, tags, life, sched;
};

/* Part [from, to) of c->line appended to c->fit, cut to cols (with an
 * ellipsis; left out when fewer than 2 columns are left for it). */
static void fit_part(struct tree_ctx *c, size_t from, size_t to, size_t cols)
{
	if (cols >= 2 || pt_view_cols(c->line.data + from, to - from) <= cols)
		pt_view_put_cut(&c->fit, c->line.data + from, to - from, cols, c->o->ascii);
}

/* The line with its programs, fitted to the width: the head, the life and
 * the end are whole; then the programs get MIN_PROGS_COLS, the tags and
 * the --sched times what is left, in that order, and the programs the
 * rest. Only a head, end and MIN_PROGS_COLS wider than the width overflow
 * it. */
static void put_fitted(struct tree_ctx *c, const struct line_parts *at)
{
	size_t head = pt_view_cols(c->line.data, at->head),
	       tags = pt_view_cols(c->line.data + at->head, at->tags - at->head),
	       life = pt_view_cols(c->line.data + at->tags, at->life - at->tags),
	       sched = pt_view_cols(c->line.data + at->life, at->sched - at->life),
	       progs = c->tmp.len ? pt_view_cols(c->tmp.data, c->tmp.len) : 0;
	size_t width = c->o->width, room, progs_min, give;

	if (progs)
		progs += SEP_COLS;
	if (!width || head + tags + life + sched + progs <= width) {
		if (c->tmp.len) {
			pt_buf_puts(&c->line, SEP);
			pt_buf_put(&c->line, c->tmp.data, c->tmp.len);
		}
		return;
	}
	room = width > head + life ? width - head - life : 0;
	progs_min = progs < SEP_COLS + MIN_PROGS_COLS ? progs : SEP_COLS + MIN_PROGS_COLS;
	room = room > progs_min ? room - progs_min : 0;
	pt_buf_reset(&c->fit);
	pt_buf_put(&c->fit, c->line.data, at->head);
	give = tags < room ? tags : room;
	fit_part(c, at->head, at->tags, give);
	room -= give;
	pt_buf_put(&c->fit, c->line.data + at->tags, at->life - at->tags);
	give = sched < room ? sched : room;
	fit_part(c, at->life, at->sched, give);
	room -= give;
	if (progs) {
		pt_buf_puts(&c->fit, SEP);
		pt_view_put_cut(&c->fit, c->tmp.data, c->tmp.len, progs_min + room - SEP_COLS,
				c->o->ascii);
	}
	pt_buf_reset(&c->line);
	pt_buf_put(&c->line, c->fit.data, c->fit.len);
}

static int thread_lines(struct tree_ctx *c, const struct pt_walk *w, unsigned depth)
{
	const struct pt_proc *p = w->proc;
	const struct pt_thread **tv;
	size_t n, i;
	int err;

	if (!p->nthreads)
		return 0;
	if (p->nthreads > c->threads_cap) {
		tv = realloc(c->threads, p->nthreads * sizeof(*tv));
		if (!tv)
			return -ENOMEM;
		c->threads = tv;
		c->threads_cap = p->nthreads;
	}
	n = pt_proc_threads(p, c->threads, c->threads_cap);
	for (i = 0; i < n; i++) {
		const struct pt_thread *t = c->threads[i];
		__u64 end = t->exit_ns ? t->exit_ns : p->exit_ns;

		pt_buf_reset(&c->line);
		put_prefix(c, depth, i + 1 == n && !w->has_children);
		pt_buf_printf(&c->line, "{%u} ", t->tid);
		pt_view_put_comm(&c->line, t->comm);
		pt_buf_puts(&c->line, " thread  ");
		if (t->start_ns)
			pt_view_put_time(&c->line, t->start_ns, c->t0);
		else
			pt_buf_puts(&c->line, "before");
		pt_buf_puts(&c->line, c->o->ascii ? "-" : "–");
		if (end) {
			pt_view_put_time(&c->line, end, c->t0);
			pt_buf_putc(&c->line, 's');
		}
		if (t->took_pid)
			pt_buf_puts(&c->line, "  exec'd, took the pid");
		else if (!end)
			pt_buf_puts(&c->line, "  still running");
		pt_buf_putc(&c->line, '\n');
		err = pt_buf_write(&c->line, c->f);
		if (err)
			return err;
	}
	return 0;
}

/* The chain of ancestors outside the selection, on one line. */
static int fold_line(const struct pt_view_fold *f, void *ctx)
{
	struct tree_ctx *c = ctx;

	return pt_view_write_fold(c->f, &c->line, f, c->o->ascii, c->o->width);
}

static int tree_line(const struct pt_walk *w, void *ctx)
{
	struct tree_ctx *c = ctx;
	const struct pt_proc *p = w->proc;
	unsigned depth = w->depth;
	struct line_parts at;
	int err;

	err = depth_reserve(c, depth + 1);
	if (err)
		return err;
	c->last[depth] = w->last;
	pt_buf_reset(&c->line);
	if (depth)
		put_prefix(c, depth - 1, w->last);
	pt_buf_printf(&c->line, "%u ", p->pid);
	pt_view_put_comm(&c->line, p->comm);
	at.head = c->line.len;
	put_origin(c, w);
	put_groups(c, w);
	pt_view_put_cgroup(&c->line, p, w->parent);
	at.tags = c->line.len;
	put_life(c, p);
	pt_buf_puts(&c->line, SEP);
	if (!reaps_recorded(c->o) && (p->flags & PT_PROC_EXIT_SEEN))
		pt_view_put_status(&c->line, p); /* its zombie time is not known */
	else
		pt_view_put_end(&c->line, p, c->t1, c->o->ascii);
	if (p->leader_exit_ns && !(p->flags & PT_PROC_EXIT_SEEN))
		pt_buf_puts(&c->line, " (main thread exited)");
	at.life = c->line.len;
	put_sched(c, p);
	at.sched = c->line.len;
	pt_buf_reset(&c->tmp);
	pt_view_put_progs(&c->tmp, p, c->o->ascii);
	put_fitted(c, &at);
	pt_buf_putc(&c->line, '\n');
	err = pt_buf_write(&c->line, c->f);
	if (err)
		return err;
	return c->o->threads ? thread_lines(c, w, depth) : 0;
}

int pt_tree_write(FILE *f, struct pt_model *m, const struct pt_view_opts *o)
{
	struct pt_model_stats st;
	struct tree_ctx c = { .f = f, .o = o };
	int err;

	c.glyph = o->ascii ? glyph_ascii : glyph_utf8;
	pt_model_stats(m, &st);
	c.t0 = st.first_ts;
	c.t1 = st.end_ns;
	err = pt_view_walk_folded(m, tree_line, fold_line, &c);
	if (!err) {
		pt_buf_reset(&c.line);
		pt_view_put_lost(&c.line, &st);
		pt_view_put_unrecorded(&c.line, o->kinds, o->kinds_off);
		err = pt_buf_write(&c.line, f);
	}
	if (!err)
		err = pt_file_flush(f);
	free(c.last);
	free(c.threads);
	pt_buf_free(&c.line);
	pt_buf_free(&c.tmp);
	pt_buf_free(&c.fit);
	return err;
}
