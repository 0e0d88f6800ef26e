// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The live stream's details of ends: exit statuses and causes, reaps, the
 * resource usage (the exit's snapshot, the reap's final figures, the
 * usage at the end of tracing), losses and what a rescan found. */
#include "proctrace/cause.h"
#include "proctrace/schema.h"
#include "stream_int.h"

static void put_status(struct pt_stream *w, const struct pt_status *st)
{
	char name[16];

	if (!st->signaled) {
		pt_buf_printf(&w->line, "exit %d", st->code);
		return;
	}
	pt_buf_printf(&w->line, "killed by %s%s", pt_signal_name(st->sig, name, sizeof(name)),
		      st->core ? " (core dumped)" : "");
}

/* label: where the figures stand ("cpu", the final ones; "cpu at exit",
 * the exit row's snapshot). The columns' figures, what wait4() returns,
 * then the part of them its reaped children used, when there is one. */
static void put_usage(struct pt_stream *w, const char *label, const struct pt_usage *u)
{
	__u64 c[PT_USAGE_NCOLS];
	const unsigned kids = PT_COL_CHILDREN_CPU_USER_US - PT_COL_CPU_USER_US;

	pt_usage_columns(u, c);
	pt_buf_printf(&w->line, " %s ", label);
	put_cpu(w, c[0]);
	pt_buf_puts(&w->line, " user + ");
	put_cpu(w, c[1]);
	pt_buf_printf(&w->line, " sys, maxrss %llu KiB", (unsigned long long)c[2]);
	if (!c[kids] && !c[kids + 1])
		return;
	pt_buf_puts(&w->line, " (children ");
	put_cpu(w, c[kids]);
	pt_buf_puts(&w->line, " user + ");
	put_cpu(w, c[kids + 1]);
	pt_buf_puts(&w->line, " sys)");
}

void pt_stream_detail_exit(struct pt_stream *w, const struct pt_event *ev)
{
	struct pt_status st = pt_decode_status(ev->exit.status);
	const struct pt_exit *x = &ev->exit;
	struct pt_end_words words = {
		.exit = x,
		.has_by = pt_event_has_actor(ev),
		.by = &ev->by,
		.put_actor = put_actor_in,
	};

	if (!has_flag(ev, PT_F_GROUP_DEAD)) {
		pt_buf_puts(&w->line, "thread ");
		put_status(w, &st);
		return;
	}
	pt_end_words(&w->line, &words);
	if (x->age_ns) {
		pt_buf_puts(&w->line, " age ");
		put_cpu(w, x->age_ns / 1000);
	}
	/* The final figures are the reap's (what wait4() returns). */
	put_usage(w, "cpu at exit", &x->usage);
}

void pt_stream_detail_usage(struct pt_stream *w, const struct pt_event *ev)
{
	pt_buf_printf(&w->line, "at the end, %s:", pt_state_name(ev->task.state));
	put_usage(w, "cpu", &ev->usage);
}

void pt_stream_detail_reap(struct pt_stream *w, const struct pt_event *ev)
{
	__u64 zombie_ns;

	if (pt_reap_zombie_ns(ev, &zombie_ns))
		pt_buf_printf(&w->line, "zombie %llu ms, ",
			      (unsigned long long)(zombie_ns / 1000000));
	if (has_flag(ev, PT_F_AUTOREAP)) {
		pt_buf_puts(&w->line, "reaped automatically");
	} else if (has_flag(ev, PT_F_REAPER_UNKNOWN)) {
		pt_buf_puts(&w->line, "released, reaper not seen");
	} else if (pt_event_has_actor(ev)) {
		pt_buf_puts(&w->line, "reaped by ");
		put_actor(w, ev);
		if (has_flag(ev, PT_F_REAP_AT_FREE))
			pt_buf_puts(&w->line, ", seen at its free");
	} else {
		pt_buf_puts(&w->line, "reaped");
	}
	if (ev->reap.usage_at == PT_USAGE_RELEASED) {
		pt_buf_putc(&w->line, ',');
		put_usage(w, "cpu", &ev->reap.usage);
	}
}

/* What a rescan after lost events found (PT_F_RESCAN): the summary, a
 * process born unseen, an end not observed and when it happened. */
void pt_stream_detail_rescan(struct pt_stream *w, const struct pt_event *ev)
{
	const struct pt_rescan_sum *x = &ev->rescan;

	switch (ev->kind) {
	case PT_LOST:
		pt_buf_printf(&w->line,
			      "rescan after lost events: %u processes, %u ended unseen, %u born "
			      "unseen since ",
			      x->tasks, x->ended, x->born);
		if (x->since_ns)
			pt_format_local_ms(&w->line, &w->clock, x->since_ns);
		else
			pt_buf_puts(&w->line, "the start");
		return;
	case PT_SNAPSHOT:
		pt_buf_printf(&w->line, "born unseen (events lost), found %s by a rescan",
			      pt_state_name(ev->task.state));
		return;
	}
	pt_buf_puts(&w->line, ev->kind == PT_EXIT ? "exited" : "ended");
	pt_buf_puts(&w->line, ", not observed (events lost), between ");
	pt_format_local_ms(&w->line, &w->clock, ev->reap.unseen_from_ns);
	pt_buf_puts(&w->line, " and ");
	pt_format_local_ms(&w->line, &w->clock, ev->task.ts_ns);
	if (ev->kind == PT_EXIT)
		pt_buf_puts(&w->line, ": a zombie now");
}

void pt_stream_detail_lost(struct pt_stream *w, const struct pt_event *ev)
{
	const char *sep = " (";
	unsigned k;

	pt_buf_printf(&w->line, "lost %llu events", (unsigned long long)ev->lost.count);
	for (k = 1; k < PT_KIND_MAX; k++) {
		if (!ev->lost.by_kind[k])
			continue;
		pt_buf_printf(&w->line, "%s%s %u", sep, pt_kind_name(k), ev->lost.by_kind[k]);
		sep = ", ";
	}
	if (sep[0] == ',')
		pt_buf_putc(&w->line, ')');
}
