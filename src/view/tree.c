// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The tree view: one line per process under its parent (its adopter once
 * reparented), drawn with box-drawing characters, saying what it ran, its
 * group and session where they differ from its parent's, its lifetime and
 * how it ended. Also the wording of a process (its end, durations) that the
 * timeline and SVG reuse, so that all views say the same thing. */
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
	struct pt_buf line, tmp;
	const struct pt_thread **threads;
	size_t threads_cap;
};

/* ---- shared wording ---- */

void pt_view_put_duration(struct pt_buf *b, __u64 ns, bool ascii)
{
	if (ns < 1000)
		pt_buf_printf(b, "%llu ns", (unsigned long long)ns);
	else if (ns < 1000000)
		pt_buf_printf(b, "%llu %s", (unsigned long long)(ns / 1000), ascii ? "us" : "µs");
	else if (ns < 1000000000)
		pt_buf_printf(b, "%llu ms", (unsigned long long)(ns / 1000000));
	else if (ns < 60000000000ULL)
		pt_buf_printf(b, "%llu.%02llu s", (unsigned long long)(ns / 1000000000),
			      (unsigned long long)(ns % 1000000000 / 10000000));
	else if (ns < 3600000000000ULL)
		pt_buf_printf(b, "%llum%02llus", (unsigned long long)(ns / 60000000000ULL),
			      (unsigned long long)(ns / 1000000000 % 60));
	else
		pt_buf_printf(b, "%lluh%02llum", (unsigned long long)(ns / 3600000000000ULL),
			      (unsigned long long)(ns / 60000000000ULL % 60));
}

void pt_view_put_time(struct pt_buf *b, __u64 ts, __u64 t0)
{
	__u64 ms;

	if (ts < t0) {
		pt_buf_puts(b, "before");
		return;
	}
	ms = (ts - t0 + 500000) / 1000000; /* rounded */
	pt_buf_printf(b, "%llu.%03llu", (unsigned long long)(ms / 1000),
		      (unsigned long long)(ms % 1000));
}

void pt_view_put_comm(struct pt_buf *b, const char *comm)
{
	pt_escape_text(b, comm, strnlen(comm, PT_COMM_LEN), PT_ESC_BACKSLASH | PT_ESC_CONTROL);
}

void pt_view_put_actor(struct pt_buf *b, __u32 pid, const char *comm)
{
	pt_buf_printf(b, "%u", pid);
	if (comm[0]) {
		pt_buf_puts(b, " (");
		pt_view_put_comm(b, comm);
		pt_buf_putc(b, ')');
	}
}

/* "bash(812)" */
static void put_actor_words(struct pt_buf *b, const struct pt_actor *a)
{
	pt_view_put_comm(b, a->comm);
	pt_buf_printf(b, "(%u)", a->pid);
}

void pt_view_put_status(struct pt_buf *b, const struct pt_proc *p)
{
	struct pt_status st = pt_decode_status(p->exit.status);
	const struct pt_mark *killer;
	char name[32];
	struct pt_end_words words = {
		.exit = &p->exit,
		.has_by = p->exit_has_by,
		.by = &p->exit_by,
		.put_actor = put_actor_words,
	};

	/* A capture that says why (newer than the cause): in its words. */
	if (p->exit.cause != PT_CAUSE_NONE) {
		pt_end_words(b, &words);
		return;
	}
	if (!st.signaled) {
		pt_buf_printf(b, "exit %d", st.code);
		return;
	}
	pt_buf_puts(b, pt_signal_name(st.sig, name, sizeof(name)));
	if (st.core)
		pt_buf_puts(b, " (core)");
	killer = pt_proc_fatal_signal(p);
	if (killer && killer->has_by) {
		pt_buf_puts(b, " from ");
		pt_view_put_actor(b, killer->by, killer->by_comm);
	} else if (killer && (killer->flags & PT_F_KERNEL_SENDER)) {
		pt_buf_puts(b, " from the kernel");
	}
}

static void put_since_exit(struct pt_buf *b, const char *what, __u64 from, __u64 to, bool ascii)
{
	pt_buf_printf(b, "%s ", what);
	pt_view_put_duration(b, to > from ? to - from : 0, ascii);
}

/* Alive or a zombie when tracing ended: the CPU it had used by then. */
static void put_end_usage(struct pt_buf *b, const struct pt_proc *p, bool ascii)
{
	__u64 user, sys;

	if (!(p->flags & PT_PROC_USAGE_AT_END) || (p->flags & PT_PROC_REAP_SEEN))
		return;
	pt_cputime_adjust(&p->end_usage, &user, &sys);
	pt_buf_puts(b, " (at the end: user ");
	pt_view_put_duration(b, user, ascii);
	pt_buf_puts(b, ", sys ");
	pt_view_put_duration(b, sys, ascii);
	pt_buf_puts(b, ")");
}

void pt_view_put_end(struct pt_buf *b, const struct pt_proc *p, __u64 end_ns, bool ascii)
{
	bool exited = p->flags & PT_PROC_EXIT_SEEN;

	switch (pt_proc_end(p)) {
	case PT_END_RUNNING:
		pt_buf_puts(b, "still running");
		break;
	case PT_END_STOPPED:
		pt_buf_puts(b, "stopped");
		break;
	case PT_END_ZOMBIE:
		if (exited) {
			pt_view_put_status(b, p);
			pt_buf_puts(b, ", ");
		} else if (p->flags & PT_PROC_END_INFERRED) {
			pt_buf_puts(b, "exited, not observed: ");
		}
		if (p->exit_ns)
			put_since_exit(b, "zombie", p->exit_ns, end_ns, ascii);
		else
			pt_buf_puts(b, "zombie");
		break;
	case PT_END_REAPED:
		if (exited)
			pt_view_put_status(b, p);
		else
			pt_buf_puts(b, "reaped, exit not seen");
		/* A zombie long enough to notice: its parent was slow to wait. */
		if (p->exit_ns && p->reap_ns >= p->exit_ns + 1000000) {
			pt_buf_puts(b, ", ");
			put_since_exit(b, "reaped after", p->exit_ns, p->reap_ns, ascii);
		}
		break;
	case PT_END_UNSEEN:
		/* A rescan after lost events found it gone; else its pid was reused. */
		if (exited) {
			pt_view_put_status(b, p);
			pt_buf_puts(b,
				    p->flags & PT_PROC_END_INFERRED ? ", reap not observed"
								    : ", reap not seen");
		} else {
			pt_buf_puts(b,
				    p->flags & PT_PROC_END_INFERRED ? "ended, not observed"
								    : "ended, not seen");
		}
		break;
	}
	put_end_usage(b, p, ascii);
}

void pt_view_put_progs(struct pt_buf *b, const struct pt_proc *p, bool ascii)
{
	const struct pt_prog *prog;

	for (prog = p->progs; prog; prog = prog->next) {
		if (prog != p->progs)
			pt_buf_puts(b, ascii ? " -> " : " → ");
		if (prog->argv_len) {
			pt_argv_join_flags(b, prog->argv, prog->argv_len, PT_QUOTE_ONE_LINE);
		} else if (prog->path_len) {
			pt_escape_text(b, prog->path, prog->path_len,
				       PT_ESC_BACKSLASH | PT_ESC_CONTROL);
		} else {
			pt_buf_puts(b, "?");
		}
		if (prog->flags & PT_F_ARGV_TRUNC)
			pt_buf_puts(b, ascii ? " ..." : " …");
	}
}

void pt_view_put_lost(struct pt_buf *b, const struct pt_model_stats *st)
{
	bool first = true;
	unsigned k;

	if (st->procs_culled)
		pt_buf_printf(b,
			      "note: %zu ended processes left the view %llu s after their end "
			      "(culled; their events are in the -o/-j outputs)\n",
			      st->procs_culled,
			      (unsigned long long)(PT_CULL_LINGER_NS / 1000000000));
	if (!st->lost)
		return;
	pt_buf_printf(b, "note: %llu events lost", (unsigned long long)st->lost);
	for (k = 0; k < PT_KIND_MAX; k++) {
		if (!st->lost_by_kind[k])
			continue;
		pt_buf_printf(b, "%s%llu %s", first ? " (" : ", ",
			      (unsigned long long)st->lost_by_kind[k], pt_kind_name(k));
		first = false;
	}
	pt_buf_puts(b, first ? "" : ")");
	if (!st->rescans) {
		pt_buf_puts(b, ": processes or links may be missing\n");
		return;
	}
	/* What the rescans of the task list repaired: which processes exist
	 * is right; what they did meanwhile may be missing. */
	pt_buf_printf(b,
		      "; %llu rescans of the task list: %llu ended unseen, %llu born unseen "
		      "(marked); events of the time may be missing\n",
		      (unsigned long long)st->rescans, (unsigned long long)st->ended_unseen,
		      (unsigned long long)st->born_unseen);
}

/* The kinds of want (a mask) missing from kinds, after head. */
static bool put_missing(struct pt_buf *b, __u32 kinds, __u32 want, const char *head)
{
	bool first = true;
	unsigned k;

	for (k = 0; k < PT_KIND_MAX && k < 32; k++) {
		/* Threads are a detail of their own (--threads), not a gap. */
		if (!pt_kind_recordable(k) || k == PT_THREAD || (kinds & (1u << k)) ||
		    !(want & (1u << k)))
			continue;
		pt_buf_printf(b, "%s%s", first ? head : ", ", pt_kind_name(k));
		first = false;
	}
	return !first;
}

void pt_view_put_unrecorded(struct pt_buf *b, __u32 kinds, __u32 kinds_off)
{
	bool any;

	if (!kinds)
		return;
	any = put_missing(b, kinds, ~kinds_off, "note: not recorded (-e): ");
	/* A feature this kernel cannot do: what it records did not happen
	 * for all the trace can tell. */
	any = put_missing(b, kinds, kinds_off,
			  any ? "; not traced on this kernel: "
			      : "note: not traced on this kernel: ") ||
		any;
	if (!any)
		return;
	if (!(kinds & (1u << PT_EXIT)))
		pt_buf_puts(b, "; without exits, 'still running' means no end was recorded");
	else if (!(kinds & (1u << PT_REAP)))
		pt_buf_puts(b, "; a process ends at its exit");
	pt_buf_putc(b, '\n');
}

/* ---- columns ---- */

size_t pt_view_cols(const char *s, size_t n)
{
	size_t cols = 0, i;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			cols++;
	return cols;
}

void pt_view_put_cut(struct pt_buf *b, const char *s, size_t n, size_t cols, bool ascii)
{
	const char *ell = ascii ? "..." : "…";
	size_t ell_cols = ascii ? 3 : 1, i = 0, used = 0, keep;

	if (pt_view_cols(s, n) <= cols) {
		pt_buf_put(b, s, n);
		return;
	}
	keep = cols > ell_cols ? cols - ell_cols : 0;
	while (i < n) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (used == keep)
				break;
			used++;
		}
		i++;
	}
	pt_buf_put(b, s, i);
	pt_buf_puts(b, ell);
}

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

static void put_progs_cut(struct tree_ctx *c, const struct pt_proc *p)
{
	size_t used, avail;

	pt_buf_reset(&c->tmp);
	pt_view_put_progs(&c->tmp, p, c->o->ascii);
	if (!c->tmp.len)
		return;
	pt_buf_puts(&c->line, "  ");
	if (!c->o->width) { /* no limit: whole */
		pt_buf_put(&c->line, c->tmp.data, c->tmp.len);
		return;
	}
	used = pt_view_cols(c->line.data, c->line.len);
	avail = c->o->width > used ? c->o->width - used : 0;
	if (avail < MIN_PROGS_COLS)
		avail = MIN_PROGS_COLS;
	pt_view_put_cut(&c->line, c->tmp.data, c->tmp.len, avail, c->o->ascii);
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

	return pt_view_write_fold(c->f, &c->line, f, c->o->ascii);
}

static int tree_line(const struct pt_walk *w, void *ctx)
{
	struct tree_ctx *c = ctx;
	const struct pt_proc *p = w->proc;
	unsigned depth = w->depth;
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
	put_origin(c, w);
	put_groups(c, w);
	pt_view_put_cgroup(&c->line, p, w->parent);
	put_life(c, p);
	pt_buf_puts(&c->line, "  ");
	if (!reaps_recorded(c->o) && (p->flags & PT_PROC_EXIT_SEEN))
		pt_view_put_status(&c->line, p); /* its zombie time is not known */
	else
		pt_view_put_end(&c->line, p, c->t1, c->o->ascii);
	if (p->leader_exit_ns && !(p->flags & PT_PROC_EXIT_SEEN))
		pt_buf_puts(&c->line, " (main thread exited)");
	put_sched(c, p);
	put_progs_cut(c, p);
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
	return err;
}
