// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Live stream: a header, then one aligned line per event with a short human
 * detail. Every piece of text is escaped (control characters, invalid UTF-8)
 * and argv is quoted in its one-line form, so an event is always exactly one
 * line, whatever a process names itself or passes as arguments. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/cause.h"
#include "proctrace/cgroup.h"
#include "proctrace/clone_flags.h"
#include "proctrace/sched.h"
#include "proctrace/writer.h"
#include "stream_int.h"

#define COMM_WIDTH 16
#define PID_WIDTH 7

/* The header's words, each over its column: TIME (pt_time_format_width()),
 * EVENT (pt_kind_name_width()), PID, PPID, PGID (PID_WIDTH), COMM
 * (COMM_WIDTH). */
static void put_header(struct pt_buf *b, enum pt_time_format time)
{
	pt_buf_printf(b, "%-*s %-*s %-*s %-*s %-*s %-*s DETAIL", (int)pt_time_format_width(time),
		      "TIME", (int)pt_kind_name_width(), "EVENT", PID_WIDTH, "PID", PID_WIDTH,
		      "PPID", PID_WIDTH, "PGID", COMM_WIDTH, "COMM");
}

#define ANSI_RESET "\033[0m"
#define ANSI_BOLD "\033[1m"
#define ANSI_DIM "\033[2m"
#define ANSI_RED "\033[31m"
#define ANSI_GREEN "\033[32m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_MAGENTA "\033[35m"
#define ANSI_CYAN "\033[36m"

/* ---- details, one per kind ---- */

static const char *base_name(const char *s, size_t n, size_t *len)
{
	const char *slash = memrchr(s, '/', n);
	const char *base = slash ? slash + 1 : s;

	*len = n - (size_t)(base - s);
	return base;
}

/* The path matters only when argv[0] does not already say which program. */
/* whole: the whole path against argv[0] (a failed exec: which file was
 * tried is the point, a PATH search tries several), else the base names. */
static bool path_differs_from_argv0(const __u8 *argv, size_t argv_len, const char *path,
				    size_t path_len, bool whole)
{
	const __u8 *nul = memchr(argv, '\0', argv_len);
	size_t arg0_len = nul ? (size_t)(nul - argv) : argv_len;
	size_t a_len = arg0_len, p_len = path_len;
	const char *a = (const char *)argv, *p = path;

	if (!whole) {
		a = base_name((const char *)argv, arg0_len, &a_len);
		p = base_name(path, path_len, &p_len);
	}
	return path_len && (a_len != p_len || memcmp(a, p, a_len) != 0);
}

static void detail_exec(struct pt_stream *w, const struct pt_event *ev)
{
	size_t argv_len, path_len;
	const __u8 *argv = pt_exec_argv(ev, &argv_len);
	const char *path = pt_exec_path(ev, &path_len);

	pt_argv_join_flags(&w->line, argv, argv_len, PT_QUOTE_ONE_LINE);
	if (has_flag(ev, PT_F_ARGV_TRUNC)) {
		detail_space(w);
		pt_buf_printf(&w->line, "[argv truncated: %u of %u bytes]", ev->exec.argv_len,
			      ev->exec.args_size);
	}
	if (has_flag(ev, PT_F_ARGV_FAULT)) {
		detail_space(w);
		pt_buf_puts(&w->line, "[argv unreadable]");
	}
	if (has_flag(ev, PT_F_PATH_FAULT)) {
		detail_space(w);
		pt_buf_puts(&w->line, "[path unreadable]");
	}
	if (path_differs_from_argv0(argv, argv_len, path, path_len, ev->kind == PT_EXEC_FAILED)) {
		detail_space(w);
		pt_buf_puts(&w->line, "(path ");
		put_text(w, path, path_len);
		pt_buf_puts(&w->line, has_flag(ev, PT_F_PATH_TRUNC) ? " [truncated])" : ")");
	}
	if (ev->exec.old_tid != ev->task.pid) {
		detail_space(w);
		pt_buf_printf(&w->line, "(from thread %u)", ev->exec.old_tid);
	}
}

/* "ENOENT: ./missing arg" or, past the point of no return, what was left. */
static void detail_exec_failed(struct pt_stream *w, const struct pt_event *ev)
{
	size_t path_len;
	const char *path = pt_exec_path(ev, &path_len);
	char err[16];

	pt_buf_printf(&w->line, "%s: ", pt_errno_name(ev->exec.error, err, sizeof(err)));
	if (ev->exec.no_return) {
		put_text(w, path, path_len);
		pt_buf_puts(&w->line,
			    " failed past the point of no return (old program gone, "
			    "killed by the kernel)");
		return;
	}
	detail_exec(w, ev);
}

static void detail_reparent(struct pt_stream *w, const struct pt_event *ev)
{
	const struct pt_reparent *rp = &ev->reparent;

	pt_buf_puts(&w->line, "parent ");
	put_comm(w, rp->old_parent_comm);
	pt_buf_printf(&w->line, "(%u) died, adopted by ", rp->old_ppid);
	if (pt_event_has_actor(ev))
		put_actor(w, ev);
	else
		pt_buf_printf(&w->line, "%u", ev->task.ppid);
	pt_buf_printf(&w->line, " (%s)", pt_adopter_name(rp->adopter));
}

/* " from bash(812)", " from kernel", or nothing when the sender is unknown */
static void put_sender(struct pt_stream *w, const struct pt_event *ev)
{
	if (has_flag(ev, PT_F_KERNEL_SENDER)) {
		pt_buf_puts(&w->line, " from kernel");
	} else if (pt_event_has_actor(ev)) {
		pt_buf_puts(&w->line, " from ");
		put_actor(w, ev);
	}
}

static void detail_signal(struct pt_stream *w, const struct pt_event *ev)
{
	const char *result, *p;
	char name[16];

	if (ev->kind == PT_STOP)
		pt_buf_puts(&w->line, "stopped by ");
	else if (ev->kind == PT_CONTINUE)
		pt_buf_puts(&w->line, "continued by ");
	pt_buf_puts(&w->line, pt_signal_name(ev->signal.sig, name, sizeof(name)));
	put_sender(w, ev);
	if (ev->kind != PT_SIGNAL || ev->signal.result == PT_SIG_DELIVERED)
		return;
	/* "already_pending" reads as "already pending" */
	result = pt_sig_result_name(ev->signal.result);
	pt_buf_puts(&w->line, " (");
	for (p = result; *p; p++)
		pt_buf_putc(&w->line, *p == '_' ? ' ' : *p);
	pt_buf_putc(&w->line, ')');
}

/* A duration in ns, in the unit that reads best. */
static void put_ns(struct pt_stream *w, __u64 ns)
{
	if (ns < 10000)
		pt_buf_printf(&w->line, "%lluus", (unsigned long long)ns / 1000);
	else if (ns < 10000000000ull)
		pt_buf_printf(&w->line, "%.1fms", ns / 1e6);
	else
		pt_buf_printf(&w->line, "%.1fs", ns / 1e9);
}

static void detail_sched_state(struct pt_stream *w, const struct pt_event *ev)
{
	const struct pt_sched_change *c = &ev->sched_change;

	pt_buf_printf(&w->line, "%s after %s ", pt_state_name(ev->task.state),
		      pt_state_name(c->prev_state));
	put_ns(w, c->prev_ns);
	pt_buf_printf(&w->line, ", tid %u, cpu %u", ev->task.tid, c->cpu);
}

static void detail_sched_sum(struct pt_stream *w, const struct pt_event *ev)
{
	const struct pt_sched_sum *m = &ev->sched_sum;
	unsigned i;

	if (has_flag(ev, PT_F_SCHED_AT_END))
		pt_buf_puts(&w->line, "still running: ");
	else if (!has_flag(ev, PT_F_GROUP_DEAD))
		pt_buf_printf(&w->line, "thread %u: ", ev->task.tid);
	for (i = 0; i < PT_NSLOTS; i++) {
		if (!m->ns[i] && i > PT_SLOT_SLEEPING)
			continue;
		pt_buf_printf(&w->line, "%s%s ", i ? ", " : "", pt_state_name(pt_slot_state(i)));
		put_ns(w, m->ns[i]);
	}
	pt_buf_printf(&w->line, "; %u switches; run queue p50 ", m->switches);
	put_ns(w, m->rq_p50_ns);
	pt_buf_puts(&w->line, " p99 ");
	put_ns(w, m->rq_p99_ns);
	pt_buf_puts(&w->line, " max ");
	put_ns(w, m->rq_max_ns);
}

static void put_detail(struct pt_stream *w, const struct pt_event *ev)
{
	const struct pt_task *t = &ev->task;

	if (has_flag(ev, PT_F_RESCAN)) {
		pt_stream_detail_rescan(w, ev);
		return;
	}
	switch (ev->kind) {
	case PT_SNAPSHOT:
		if (has_flag(ev, PT_F_COMMAND))
			pt_buf_puts(&w->line, "started by proctrace, held until tracing began");
		else
			pt_buf_printf(&w->line, "already running (%s)", pt_state_name(t->state));
		break;
	case PT_FORK:
		pt_buf_puts(&w->line, pt_clone_verb(ev->clone.flags));
		if (pt_event_has_actor(ev)) {
			pt_buf_puts(&w->line, " by ");
			put_actor(w, ev);
		}
		if ((ev->clone.flags & (PT_CLONE_VM | PT_CLONE_VFORK)) == PT_CLONE_VM)
			pt_buf_puts(&w->line, ", sharing its memory");
		pt_clone_put_new_ns(&w->line, ev->clone.flags);
		break;
	case PT_UNSHARE:
		pt_buf_puts(&w->line, "unshared");
		pt_clone_put_new_ns(&w->line, ev->clone.flags);
		break;
	case PT_SETNS:
		pt_buf_puts(&w->line, "setns: joined another ");
		pt_buf_puts(&w->line,
			    pt_clone_ns_words(&w->line, ev->clone.flags) == 1 ? " namespace"
									      : " namespaces");
		break;
	case PT_THREAD:
		pt_buf_printf(&w->line, "thread %u created", t->tid);
		if (pt_event_has_actor(ev))
			pt_buf_printf(&w->line, " by tid %u", ev->by.tid);
		break;
	case PT_EXEC:
		detail_exec(w, ev);
		break;
	case PT_EXIT:
		pt_stream_detail_exit(w, ev);
		break;
	case PT_REAP:
		pt_stream_detail_reap(w, ev);
		break;
	case PT_SIGNAL:
	case PT_STOP:
	case PT_CONTINUE:
		detail_signal(w, ev);
		break;
	case PT_SETPGID:
		pt_buf_printf(&w->line, "pgid %u -> %u", ev->setpg.old_pgid, t->pgid);
		if (pt_event_has_actor(ev)) {
			pt_buf_puts(&w->line, " by ");
			put_actor(w, ev);
		}
		break;
	case PT_SETSID:
		pt_buf_printf(&w->line, "new session: sid %u -> %u, pgid %u -> %u",
			      ev->setpg.old_sid, t->sid, ev->setpg.old_pgid, t->pgid);
		break;
	case PT_RENAME:
		pt_buf_puts(&w->line, "renamed ");
		put_comm(w, ev->rename.old_comm);
		pt_buf_puts(&w->line, " -> ");
		put_comm(w, t->comm);
		break;
	case PT_LOST:
		pt_stream_detail_lost(w, ev);
		break;
	case PT_SCHED_STATE:
		detail_sched_state(w, ev);
		break;
	case PT_SCHED_SUM:
		detail_sched_sum(w, ev);
		break;
	case PT_REPARENT:
		detail_reparent(w, ev);
		break;
	case PT_EXEC_FAILED:
		detail_exec_failed(w, ev);
		break;
	case PT_USAGE:
		pt_stream_detail_usage(w, ev);
		break;
	}
}

/* ---- the line ---- */

static const char *kind_color(const struct pt_event *ev)
{
	switch (ev->kind) {
	case PT_EXEC:
		return ANSI_GREEN;
	case PT_FORK:
	case PT_THREAD:
		return ANSI_CYAN;
	case PT_EXIT:
		if (has_flag(ev, PT_F_RESCAN))
			return NULL;
		return pt_decode_status(ev->exit.status).signaled ? ANSI_RED : NULL;
	case PT_LOST:
	case PT_EXEC_FAILED:
		return ANSI_RED;
	case PT_SIGNAL:
		return ANSI_YELLOW;
	case PT_STOP:
	case PT_CONTINUE:
		return ANSI_MAGENTA;
	case PT_REAP:
		return ANSI_DIM;
	default:
		return NULL;
	}
}

/* " {ssh.service}": the container, pod or unit (cgroup.h), where a
 * process or its program starts. */
static void put_cgroup(struct pt_stream *w, const struct pt_task *t)
{
	char name[PT_CGROUP_NAME_MAX];

	if (!*pt_cgroup_name(t->cgroup_id, t->memcg_id, name, sizeof(name)))
		return;
	pt_buf_puts(&w->line, " {");
	put_text(w, name, strlen(name));
	pt_buf_putc(&w->line, '}');
}

static void format_line(struct pt_stream *w, const struct pt_event *ev)
{
	const struct pt_task *t = &ev->task;
	const char *color = w->opts.color ? kind_color(ev) : NULL;
	size_t start;

	pt_buf_reset(&w->line);
	if (color)
		pt_buf_puts(&w->line, color);
	if (!w->first_ns)
		w->first_ns = t->ts_ns;
	pt_time_format_put(&w->line, w->opts.time, &w->clock, t->ts_ns, w->first_ns);
	pt_buf_printf(&w->line, " %-*s ", (int)pt_kind_name_width(), pt_kind_name(ev->kind));
	if (ev->kind == PT_LOST) {
		/* not about any one process: blank columns */
		pt_buf_fill(&w->line, ' ', 3 * (PID_WIDTH + 1) + COMM_WIDTH + 1);
	} else {
		pt_buf_printf(&w->line, "%-*u %-*u %-*u ", PID_WIDTH, t->pid, PID_WIDTH, t->ppid,
			      PID_WIDTH, t->pgid);
		start = w->line.len;
		put_comm(w, t->comm);
		pad_column(w, start, COMM_WIDTH);
	}
	w->detail_start = w->line.len;
	put_detail(w, ev);
	if (ev->kind == PT_SNAPSHOT || ev->kind == PT_FORK || ev->kind == PT_EXEC)
		put_cgroup(w, t);
	if (color)
		pt_buf_puts(&w->line, ANSI_RESET);
	pt_buf_putc(&w->line, '\n');
}

static int stream_emit(struct pt_stream *w)
{
	if (!w->err)
		w->err = pt_buf_write(&w->line, w->f);
	return w->err;
}

struct pt_stream *pt_stream_open(FILE *f, const struct pt_clock *clock,
				 const struct pt_stream_opts *opts)
{
	struct pt_stream *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return NULL;
	w->f = f;
	w->clock = *clock;
	w->opts = *opts;
	pt_buf_puts(&w->line, opts->color ? ANSI_BOLD : "");
	put_header(&w->line, opts->time);
	pt_buf_printf(&w->line, "%s\n", opts->color ? ANSI_RESET : "");
	err = stream_emit(w);
	if (err) {
		pt_buf_free(&w->line);
		free(w);
		errno = -err;
		return NULL;
	}
	return w;
}

int pt_stream_write(struct pt_stream *w, const struct pt_event *ev)
{
	if (w->err)
		return w->err;
	/* A rescan's births are news, unlike the start-up snapshot. */
	if (ev->kind == PT_SNAPSHOT && !w->opts.snapshots && !has_flag(ev, PT_F_RESCAN))
		return 0;
	format_line(w, ev);
	return stream_emit(w);
}

int pt_stream_close(struct pt_stream *w)
{
	int err;

	if (!w)
		return 0;
	if (!w->err)
		w->err = pt_file_flush(w->f);
	err = w->err;
	pt_buf_free(&w->line);
	free(w);
	return err;
}
