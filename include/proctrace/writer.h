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
#include "proctrace/outfile.h"
#include "proctrace/model.h"
#include "proctrace/time_format.h"

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
/* Each row then ends with the origin's host and boot_id, as it reads when
 * the row is written (borrowed; NULL: none, the default). */
struct pt_origin;
void pt_jsonl_set_origin(struct pt_jsonl *w, const struct pt_origin *origin);
int pt_jsonl_write(struct pt_jsonl *w, const struct pt_event *ev);
int pt_jsonl_flush(struct pt_jsonl *w);
int pt_jsonl_close(struct pt_jsonl *w);
__u64 pt_jsonl_size(const struct pt_jsonl *w);

/* Live stream: one aligned line per event. */
struct pt_stream_opts {
	bool color;		  /* ANSI colours */
	bool snapshots;		  /* show PT_SNAPSHOT events (-v) */
	enum pt_time_format time; /* the TIME column (--time) */
};
struct pt_stream;
struct pt_stream *pt_stream_open(FILE *f, const struct pt_clock *clock,
				 const struct pt_stream_opts *opts);
int pt_stream_write(struct pt_stream *w, const struct pt_event *ev);
int pt_stream_close(struct pt_stream *w);

/* A file written whole, for outputs made at the end: pt_whole_file in
 * outfile.h. */

/* Perfetto: the Trace Event Format (JSON) that ui.perfetto.dev and
 * chrome://tracing open, made from the model when the source is done (its
 * state intervals are exact only then). One process track per process,
 * named "comm (pid)", in tree order (process_sort_index); on it a complete
 * slice ("X") per state interval (alive, stopped, zombie: pt_state_name),
 * instants for exec, signals and the exit, and a 0-long "fork" slice per
 * child with a flow arrow to the child's first slice. Threads (kept by the
 * model with --threads) get a thread track each. A forked process's track
 * begins at its fork event, so that a replay of the capture gives the same
 * file. Times are µs from the model's first event, with the nanoseconds as
 * three decimals; the end is the model's (pt_model_set_end). Returns 0,
 * -ENOMEM or the write error. */
struct pt_perfetto_opts {
	bool threads; /* thread tracks for the threads the model kept */
};
int pt_perfetto_write(FILE *f, struct pt_model *m, const struct pt_perfetto_opts *o);

#endif
