/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The one stage every event goes through, from whichever source: counted,
 * fed to the model (when a view was asked for) and written by every
 * writer. Sources (source.h) call it; views read its model at the end.
 *
 *   source (kernel + snapshot, or a file) -> pipeline -> model, writers
 *                                                      -> views at the end
 *
 * The first output error is kept with the name of the output and its line
 * (out_msg), so the caller reports it once; events go on to the other
 * outputs no further. */
#ifndef PROCTRACE_PIPELINE_H
#define PROCTRACE_PIPELINE_H

#include <linux/types.h>
#include <stdio.h>
#include "proctrace/config.h"
#include "proctrace/db.h"
#include "proctrace/decode.h"
#include "proctrace/event.h"
#include "proctrace/model.h"
#include "proctrace/output.h"
#include "proctrace/writer.h"

struct pt_user; /* privileges.h */

struct pt_pipeline {
	const struct pt_config *cfg; /* borrowed */
	/* NULL: neither a view asked for nor a live run; a live run without
	 * views has a lean, bounded one, to repair after lost events. */
	struct pt_model *model;
	bool views; /* the model is for the views too */
	/* A whole-machine live view: ended processes are culled from the
	 * model (pt_model_cull) every CULL_EVERY events, so it stays flat. */
	bool cull;
	unsigned cull_tick;
	/* Culled since the heap was last given back (malloc_trim): a burst of
	 * processes elsewhere on the machine would otherwise leave the RSS at
	 * the burst's height although the model shrank again. */
	size_t culled_untrimmed;
	struct pt_stream *stream; /* NULL: -q, or stdout carries a file */
	struct pt_output *csv;	  /* -o */
	struct pt_output *json;	  /* -j */
	struct pt_db *db;	  /* --db */
	struct pt_gate *gate;	  /* --failed, --argv; NULL: none */
	/* --failed: processes not shown at the end, their end not seen */
	size_t undecided;
	/* Where the events come from (borrowed, set before pt_pipeline_open;
	 * NULL: unknown): this machine live, the file's rows in a replay. */
	const struct pt_origin *origin;
	struct pt_db_end end;	 /* how the source ended, for the database */
	__u64 seen[PT_KIND_MAX]; /* events written, by kind */
	__u64 lost;		 /* events lost, from the PT_LOST events */
	/* The rescans after lost events (PT_LOST with PT_F_RESCAN): how many,
	 * and the processes they found ended and born unseen. */
	__u64 rescans, rescan_ended, rescan_born;
	int out_err;	      /* first output error, -errno */
	const char *out_what; /* which output failed */
	char out_msg[600];    /* what failed, one line, for the caller to print */
	/* stdout was closed by its reader (`| head`): nothing is written
	 * there any more, and the run ends as if stopped, status 0. */
	bool stdout_gone;
	/* --perfetto: still to be written from the model at the end */
	bool perfetto_due;
	/* Live: the user proctrace runs as once attached, who writes the
	 * files made at the end (checked for it at the open); NULL: as now. */
	const struct pt_user *end_user;
};

/* Start with no outputs, and the model when cfg asks for a view. -ENOMEM
 * (after one line on stderr) when the model cannot be made. */
int pt_pipeline_init(struct pt_pipeline *p, const struct pt_config *cfg);
/* Open the files and the live stream, written with clock. Only once the
 * source works, so a source that fails leaves no output behind. The -o and
 * -j files are written beside their paths until pt_pipeline_commit(): a
 * file already at a path is left as it was until then. The files made at
 * the end (--perfetto, --svg) are checked first (pt_outfile_check, and
 * for end_user), not made. Prints one line on stderr and returns -errno
 * on failure. */
int pt_pipeline_open(struct pt_pipeline *p, const struct pt_clock *clock);
/* One event to the model and every output; 0 or the first error. */
int pt_pipeline_event(struct pt_pipeline *p, const struct pt_event *ev);
/* An event the model needs for context but the outputs do not show (the
 * snapshot rows of a followed process's ancestors). */
int pt_pipeline_context(struct pt_pipeline *p, const struct pt_event *ev);
/* Write out what the outputs hold, so a reader following them (a pipe, a
 * `tail -f`) sees events within a poll interval. */
int pt_pipeline_flush(struct pt_pipeline *p);
/* The -o and -j files renamed over their paths (sync: synced first): live,
 * once tracing has begun (they stream from then on); a replay, once it
 * has succeeded. 0 or the error, kept as the output's failure. */
int pt_pipeline_commit(struct pt_pipeline *p, bool sync);
/* SIGHUP: each output file that was moved away (logrotate) is closed and
 * opened again at its path, between two events. */
int pt_pipeline_reopen(struct pt_pipeline *p);
/* When the source is done: the outputs made from the model (the Perfetto
 * trace), as of end_ns (0: the last event's time), written whole and put in
 * place. 0 or the error, kept as the output's failure. */
int pt_pipeline_finish(struct pt_pipeline *p, __u64 end_ns);
/* How the source ended (for the database's trace row): complete when it
 * gave all it had; how in a word ("end of file", "SIGINT"...); end_ns
 * when tracing stopped (0: the last event's time). how is borrowed. */
void pt_pipeline_ended(struct pt_pipeline *p, bool complete, const char *how, __u64 end_ns);
/* Close the outputs (the first error wins) and free the model. An output
 * made at the end that was not finished is removed. */
void pt_pipeline_close(struct pt_pipeline *p);
/* Keep err as the failure of the output named what, unless one is kept. */
int pt_pipeline_failed(struct pt_pipeline *p, int err, const char *what);
/* The same with the output's own line (a file refused at a rotation...),
 * when why is not "". */
int pt_pipeline_failed_why(struct pt_pipeline *p, int err, const char *what, const char *why);
/* An error err of an output on stdout (on_stdout) that is EPIPE: its
 * reader has gone, as `ps | head`'s does; true then, the outputs on stdout
 * closed and stdout_gone set, which is no failure. Else false. */
bool pt_pipeline_reader_gone(struct pt_pipeline *p, int err, bool on_stdout);
/* Whether anything is still to be written elsewhere than stdout: -o, -j or
 * --perfetto to a file, or views made at the end. */
bool pt_pipeline_files_left(const struct pt_pipeline *p);
/* Events passed on so far (lost rows aside): the summary's total. */
__u64 pt_pipeline_events(const struct pt_pipeline *p);
/* "proctrace: N events, fork N, ...; lost N" */
void pt_pipeline_summary(const struct pt_pipeline *p, FILE *f);

#endif
