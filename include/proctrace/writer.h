/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Writers turn events into text. Each is a small opaque streaming object:
 * open on a FILE, one call per event, close. They never exit or print
 * diagnostics: they return 0 or -errno and the caller reports it once. */
#ifndef PROCTRACE_WRITER_H
#define PROCTRACE_WRITER_H

#include <stdbool.h>
#include <stdio.h>
#include "proctrace/decode.h"
#include "proctrace/event.h"
#include "proctrace/event_access.h"

/* CSV, RFC 4180, the columns of schema.h (`proctrace --columns`). */
struct pt_csv;
/* Writes the header row. NULL with errno set on failure. f is borrowed. */
struct pt_csv *pt_csv_open(FILE *f, const struct pt_clock *clock);
int pt_csv_write(struct pt_csv *w, const struct pt_event *ev);
/* Write out the rows kept so far (they are written in batches). */
int pt_csv_flush(struct pt_csv *w);
/* Flushes; returns the first error seen, if any. Does not fclose f. */
int pt_csv_close(struct pt_csv *w);
/* Bytes of the file since open, header included, written or batched. */
__u64 pt_csv_size(const struct pt_csv *w);

/* JSON Lines: one object per event per line, the columns' names (schema.h)
 * as keys, absent values left out, argv an array, detail an object. The same
 * batching and row-boundary guarantees as the CSV; no header. */
struct pt_jsonl;
struct pt_jsonl *pt_jsonl_open(FILE *f, const struct pt_clock *clock);
int pt_jsonl_write(struct pt_jsonl *w, const struct pt_event *ev);
int pt_jsonl_flush(struct pt_jsonl *w);
int pt_jsonl_close(struct pt_jsonl *w);
__u64 pt_jsonl_size(const struct pt_jsonl *w);

/* Live stream: one aligned line per event. */
struct pt_stream_opts {
	bool color;	/* ANSI colours */
	bool snapshots; /* show PT_SNAPSHOT events (-v) */
};
struct pt_stream;
struct pt_stream *pt_stream_open(FILE *f, const struct pt_clock *clock,
				 const struct pt_stream_opts *opts);
int pt_stream_write(struct pt_stream *w, const struct pt_event *ev);
int pt_stream_close(struct pt_stream *w);

#endif
