// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The wording of a process that every view shares (its end, durations,
 * times, programs, notes under a view) and the display columns of text,
 * so that the tree, the timeline and the SVG say the same thing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/cause.h"
#include "proctrace/clone_flags.h"
#include "proctrace/decode.h"
#include "proctrace/views.h"
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

void pt_view_put_wrapped(struct pt_buf *b, const char *text, const char *sep, unsigned width)
{
	size_t col = 0, sep_len = strlen(sep), sep_cols = pt_view_cols(sep, sep_len);

	while (*text) {
		const char *next = strstr(text, sep);
		size_t n = next ? (size_t)(next - text) : strlen(text);
		size_t cols = pt_view_cols(text, n);

		if (col && width && col + sep_cols + cols > width) {
			pt_buf_putc(b, '\n');
			col = 0;
		} else if (col) {
			pt_buf_puts(b, sep);
			col += sep_cols;
		}
		pt_buf_put(b, text, n);
		col += cols;
		text += n;
		while (!strncmp(text, sep, sep_len))
			text += sep_len;
	}
	pt_buf_putc(b, '\n');
}
