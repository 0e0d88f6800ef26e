// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The timeline's verbose part (-T -v): every transition of every process,
 * in tree order, with its exact time and what it said. */
#include <string.h>
#include "proctrace/clone_flags.h"
#include "proctrace/decode.h"
#include "proctrace/views.h"

struct tr_ctx {
	FILE *f; /* borrowed */
	const struct pt_view_opts *o;
	__u64 t0; /* times are said from it */
	struct pt_buf line, tmp;
};

/* Seconds from t0 with microseconds, signed: snapshots predate t0. */
static void put_exact_time(struct pt_buf *b, __u64 ts, __u64 t0)
{
	__u64 d = ts >= t0 ? ts - t0 : t0 - ts;

	pt_buf_printf(b, "%s%llu.%06llu", ts >= t0 ? "" : "-", (unsigned long long)(d / 1000000000),
		      (unsigned long long)(d % 1000000000 / 1000));
}

static void put_event_head(struct tr_ctx *c, __u64 ts, const char *what)
{
	pt_buf_reset(&c->line);
	pt_buf_puts(&c->line, "  ");
	pt_buf_reset(&c->tmp);
	put_exact_time(&c->tmp, ts, c->t0);
	pt_buf_fill(&c->line, ' ', c->tmp.len < 11 ? 11 - c->tmp.len : 0);
	pt_buf_put(&c->line, c->tmp.data, c->tmp.len);
	pt_buf_reset(&c->tmp);
	pt_buf_printf(&c->line, "  %-*s ", (int)pt_kind_name_width(), what);
}

static void put_sender(struct pt_buf *b, const struct pt_mark *mk)
{
	if (mk->has_by) {
		pt_buf_puts(b, " from ");
		pt_view_put_actor(b, mk->by, mk->by_comm);
	} else if (mk->flags & PT_F_KERNEL_SENDER) {
		pt_buf_puts(b, " from the kernel");
	}
}

static void put_rusage(struct pt_buf *b, const struct pt_exit *e, bool ascii)
{
	__u64 user, sys;

	pt_cputime_adjust(&e->usage, &user, &sys);
	pt_buf_puts(b, "; user ");
	pt_view_put_duration(b, user, ascii);
	pt_buf_puts(b, ", sys ");
	pt_view_put_duration(b, sys, ascii);
	pt_buf_printf(b, ", max RSS %llu KiB", (unsigned long long)e->usage.maxrss_kb);
}

static void put_mark_detail(struct tr_ctx *c, const struct pt_proc *p, const struct pt_mark *mk)
{
	struct pt_buf *b = &c->line;
	const char *arrow = c->o->ascii ? " -> " : " → ";
	char sig[32];

	switch (mk->kind) {
	case PT_SNAPSHOT:
		if (mk->flags & PT_F_RESCAN)
			pt_buf_printf(b, "born unseen (events lost), found %s by a rescan",
				      pt_state_name(mk->state));
		else
			pt_buf_printf(b, "running when tracing began, %s",
				      pt_state_name(mk->state));
		break;
	case PT_FORK:
		if (mk->has_by) {
			pt_buf_puts(b, "by ");
			pt_view_put_actor(b, mk->by, mk->by_comm);
		}
		break;
	case PT_EXEC:
		if (!mk->prog) {
			pt_buf_puts(b, "(not kept)");
			break;
		}
		if (mk->prog->argv_len)
			pt_argv_join_flags(b, mk->prog->argv, mk->prog->argv_len,
					   PT_QUOTE_ONE_LINE);
		if (mk->prog->flags & PT_F_ARGV_TRUNC)
			pt_buf_puts(b, c->o->ascii ? " ..." : " …");
		pt_buf_puts(b, mk->prog->argv_len ? "  [" : "[");
		pt_escape_text(b, mk->prog->path, mk->prog->path_len,
			       PT_ESC_BACKSLASH | PT_ESC_CONTROL);
		pt_buf_putc(b, ']');
		break;
	case PT_UNSHARE:
		pt_buf_puts(b, "unshared");
		pt_clone_put_new_ns(b, mk->clone_flags);
		break;
	case PT_SETNS:
		pt_buf_puts(b, "setns: ");
		pt_clone_ns_words(b, mk->clone_flags);
		break;
	case PT_RENAME:
		pt_buf_puts(b, "was ");
		pt_view_put_comm(b, mk->old_comm);
		break;
	case PT_SETPGID:
		pt_buf_printf(b, "pgid %u%s%u", mk->group.old_pgid, arrow, mk->group.pgid);
		if (mk->has_by && mk->by != p->pid) {
			pt_buf_puts(b, " by ");
			pt_view_put_actor(b, mk->by, mk->by_comm);
		}
		break;
	case PT_SETSID:
		pt_buf_printf(b, "sid %u%s%u, pgid %u", mk->group.old_sid, arrow, mk->group.sid,
			      mk->group.pgid);
		break;
	case PT_SIGNAL:
	case PT_STOP:
	case PT_CONTINUE:
		pt_buf_puts(b, pt_signal_name(mk->signal.sig, sig, sizeof(sig)));
		put_sender(b, mk);
		if (mk->kind == PT_SIGNAL && mk->signal.result != PT_SIG_DELIVERED)
			pt_buf_printf(b, ", %s", pt_sig_result_name(mk->signal.result));
		break;
	case PT_EXIT:
		if (mk->synthetic && (mk->flags & PT_F_RESCAN)) {
			pt_buf_puts(
				b,
				"(not observed: exited while events were lost; a zombie at the rescan)");
			break;
		}
		if (mk->synthetic) {
			pt_buf_puts(b, "(not seen: became a zombie)");
			break;
		}
		pt_view_put_status(b, p);
		put_rusage(b, &p->exit, c->o->ascii);
		break;
	case PT_SCHED_STATE:
		pt_buf_puts(b, pt_state_name(mk->state));
		break;
	case PT_REAP:
		if (mk->has_by) {
			pt_buf_puts(b, "by ");
			pt_view_put_actor(b, mk->by, mk->by_comm);
		} else {
			pt_buf_puts(b, "automatically (no wait)");
		}
		if (p->exit_ns && p->exit_ns <= mk->ts_ns) {
			pt_buf_puts(b, ", zombie ");
			pt_view_put_duration(b, mk->ts_ns - p->exit_ns, c->o->ascii);
		}
		break;
	}
}

/* Facts that are not marks but belong in the list at their time. */
struct extra {
	__u64 ts;
	int what; /* 0 reparent, 1 main thread exit */
};

static int extra_write(struct tr_ctx *c, const struct pt_walk *w, const struct extra *x)
{
	const struct pt_proc *p = w->proc;

	if (x->what == 0) {
		put_event_head(c, x->ts, "reparent");
		pt_buf_puts(&c->line, "to ");
		pt_view_put_actor(&c->line, p->ppid, w->parent ? w->parent->comm : "");
		pt_buf_puts(&c->line, ", parent was ");
		pt_view_put_actor(&c->line, p->orig_ppid,
				  w->orig_parent ? w->orig_parent->comm : p->parent_comm);
	} else {
		put_event_head(c, x->ts, "thread");
		pt_buf_puts(&c->line, "main thread exited");
	}
	pt_buf_putc(&c->line, '\n');
	return pt_buf_write(&c->line, c->f);
}

static size_t extras_collect(const struct pt_walk *w, struct extra x[2])
{
	const struct pt_proc *p = w->proc;
	size_t n = 0;

	if (w->reparented && p->reparent_ns)
		x[n++] = (struct extra){ p->reparent_ns, 0 };
	if (p->leader_exit_ns)
		x[n++] = (struct extra){ p->leader_exit_ns, 1 };
	if (n == 2 && x[1].ts < x[0].ts) {
		struct extra t = x[0];

		x[0] = x[1];
		x[1] = t;
	}
	return n;
}

/* A fold: from its first time, how many, until when, and the last whole. */
static int fold_write(struct tr_ctx *c, const struct pt_proc *p, const struct pt_fold *f)
{
	put_event_head(c, f->first_ns, pt_kind_name(f->last.kind));
	pt_buf_printf(&c->line, "%llu folded, the last at ", (unsigned long long)f->count);
	put_exact_time(&c->line, f->last.ts_ns, c->t0);
	pt_buf_puts(&c->line, ": ");
	put_mark_detail(c, p, &f->last);
	pt_buf_putc(&c->line, '\n');
	return pt_buf_write(&c->line, c->f);
}

static int transitions_write(const struct pt_walk *w, void *ctx)
{
	struct tr_ctx *c = ctx;
	const struct pt_proc *p = w->proc;
	struct extra x[2];
	size_t nx = extras_collect(w, x), ix = 0, i;
	int err;

	pt_buf_reset(&c->line);
	pt_buf_printf(&c->line, "%u ", p->pid);
	pt_view_put_comm(&c->line, p->comm);
	pt_view_put_cgroup(&c->line, p, w->parent);
	if (p->flags & PT_PROC_TRIMMED)
		pt_buf_puts(&c->line, "  (history trimmed)");
	pt_buf_putc(&c->line, '\n');
	err = pt_buf_write(&c->line, c->f);
	for (i = 0; !err && i <= p->nmarks; i++) {
		while (!err && ix < nx && (i == p->nmarks || x[ix].ts <= p->marks[i].ts_ns))
			err = extra_write(c, w, &x[ix++]);
		if (err || i == p->nmarks)
			break;
		put_event_head(c, p->marks[i].ts_ns, pt_kind_name(p->marks[i].kind));
		put_mark_detail(c, p, &p->marks[i]);
		pt_buf_putc(&c->line, '\n');
		err = pt_buf_write(&c->line, c->f);
	}
	for (i = 0; !err && i < p->nfolds; i++)
		err = fold_write(c, p, &p->folds[i]);
	return err;
}

int pt_view_transitions_write(FILE *f, struct pt_model *m, const struct pt_view_opts *o, __u64 t0)
{
	struct tr_ctx c = { .f = f, .o = o, .t0 = t0 };
	int err;

	pt_buf_puts(&c.line, "\nTransitions, in seconds from the first event:\n");
	err = pt_buf_write(&c.line, f);
	if (!err)
		err = pt_model_walk(m, transitions_write, &c);
	pt_buf_free(&c.line);
	pt_buf_free(&c.tmp);
	return err;
}
