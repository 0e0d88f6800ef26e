/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The live stream's state and its text pieces, shared by the line
 * (stream.c) and the details of ends: exits, reaps, usage, losses
 * (stream_end.c). Private to src/write. */
#ifndef PROCTRACE_WRITE_STREAM_INT_H
#define PROCTRACE_WRITE_STREAM_INT_H

#include <string.h>
#include "proctrace/writer.h"

struct pt_stream {
	FILE *f; /* borrowed */
	struct pt_clock clock;
	struct pt_stream_opts opts;
	struct pt_buf line;  /* the line being formatted */
	size_t detail_start; /* offset of the detail column in line */
	__u64 first_ns;	     /* the first line's time (--time rel); 0: none yet */
	int err;	     /* first write error, kept */
};

static inline bool has_flag(const struct pt_event *ev, unsigned flag)
{
	return ev->flags & flag;
}

/* ---- text pieces ---- */

static inline void put_text(struct pt_stream *w, const char *s, size_t n)
{
	pt_escape_text(&w->line, s, n, PT_ESC_BACKSLASH | PT_ESC_CONTROL);
}

static inline void put_comm(struct pt_stream *w, const char *comm)
{
	put_text(w, comm, strnlen(comm, PT_COMM_LEN));
}

/* "bash(812)", into any buffer (the words of cause.h take it) */
static inline void put_actor_in(struct pt_buf *b, const struct pt_actor *a)
{
	pt_escape_text(b, a->comm, strnlen(a->comm, PT_COMM_LEN),
		       PT_ESC_BACKSLASH | PT_ESC_CONTROL);
	pt_buf_printf(b, "(%u)", a->pid);
}

/* The event's actor, named as a capture keeps it (pt_actor_comm). */
static inline void put_actor(struct pt_stream *w, const struct pt_event *ev)
{
	put_comm(w, pt_actor_comm(ev));
	pt_buf_printf(&w->line, "(%u)", ev->by.pid);
}

/* Starts a further part of the detail: a space unless it is the first. */
static inline void detail_space(struct pt_stream *w)
{
	if (w->line.len > w->detail_start)
		pt_buf_putc(&w->line, ' ');
}

/* Pad what was written since start to width characters (code points: the
 * escaped text is valid UTF-8), then one separating space. */
static inline void pad_column(struct pt_stream *w, size_t start, size_t width)
{
	size_t chars = 0, i;

	for (i = start; i < w->line.len; i++)
		if (((unsigned char)w->line.data[i] & 0xc0) != 0x80)
			chars++;
	pt_buf_fill(&w->line, ' ', chars < width ? width - chars : 0);
	pt_buf_putc(&w->line, ' ');
}

/* A span in microseconds (CPU time, age): milliseconds below a second,
 * then seconds. */
static inline void put_cpu(struct pt_stream *w, __u64 us)
{
	if (us < 1000000)
		pt_buf_printf(&w->line, "%.1fms", us / 1000.0);
	else
		pt_buf_printf(&w->line, "%.3fs", us / 1000000.0);
}

/* ---- details of ends (stream_end.c), each appended to w->line ---- */

void pt_stream_detail_exit(struct pt_stream *w, const struct pt_event *ev);
/* A reap; with the final usage the reaping wait4() returned, when known. */
void pt_stream_detail_reap(struct pt_stream *w, const struct pt_event *ev);
/* A process alive or a zombie when tracing ended: its usage then. */
void pt_stream_detail_usage(struct pt_stream *w, const struct pt_event *ev);
/* What a rescan after lost events found (PT_F_RESCAN). */
void pt_stream_detail_rescan(struct pt_stream *w, const struct pt_event *ev);
void pt_stream_detail_lost(struct pt_stream *w, const struct pt_event *ev);

#endif
