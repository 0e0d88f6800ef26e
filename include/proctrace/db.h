/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* --db FILE: the events and the model's processes as a typed SQLite
 * database (Debian's libsqlite3), beside any other output.
 *
 * Tables (STRICT; the schema's version in PRAGMA user_version):
 * - events: one row per event, as many as the CSV's rows: the columns of
 *   schema.h in their order, then one column per detail key (NULL where
 *   absent; a flag is 1), argv and the clone flags as JSON arrays, detail
 *   itself as a JSON object (json_extract works on it);
 * - processes: one row per process, the model's view (db_procs.c);
 * - threads: with --threads, one row per thread the model kept;
 * - lost: one row per lost row, its counts per kind as columns;
 * - trace: one row: host, kernel, boot id, options, start and end, the
 *   version, and how it ended (complete = 0: cut short);
 * - columns: what every column of these tables means.
 *
 * Rows are committed in batches (at most PT_DB_BATCH_ROWS_LIVE rows in
 * place, PT_DB_BATCH_ROWS beside, or when the pipeline flushes and the
 * last commit is PT_DB_COMMIT_MS old). Written in
 * place (a live run), the file is in WAL mode: a second reader may query
 * it while tracing, a kill loses at most the batch in flight, and the
 * trace row says complete = 0 until the end is written. Written beside
 * (a replay), it is renamed over FILE once whole (pt_whole_file).
 *
 * Errors are -errno (ENOSPC for a full disk, EIO for the rest of SQLite's
 * failures, ENOMEM), with one line naming the file in why. */
#ifndef PROCTRACE_DB_H
#define PROCTRACE_DB_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "proctrace/decode.h"
#include "proctrace/event.h"
#include "proctrace/model.h"
#include "proctrace/schema.h"

#define PT_DB_SCHEMA_VERSION 1
#define PT_DB_BATCH_ROWS 65536	   /* beside: as large as is cheap */
#define PT_DB_BATCH_ROWS_LIVE 4096 /* in place: what a kill may lose */
#define PT_DB_COMMIT_MS 200

struct pt_db_opts {
	const char *path;	      /* borrowed */
	bool in_place;		      /* live: written where it is, readable meanwhile */
	bool threads;		      /* the threads table (--threads) */
	const struct pt_clock *clock; /* for the time columns */
	/* The model the pipeline feeds (borrowed): the processes rows, read
	 * at each commit (in place) and at the close. */
	struct pt_model *model;
	char *const *argv; /* the command line, for the trace row */
	int argc;
	/* For the trace row (borrowed, NULL: unknown): */
	const char *version; /* proctrace's */
	const char *source;  /* "live", or the file replayed */
	const char *host;    /* the machine traced: uname's nodename */
	const char *kernel;  /* its kernel release */
	const char *boot_id; /* /proc/sys/kernel/random/boot_id */
};

struct pt_db;

/* Create FILE (an existing one is replaced: at once in place, at the
 * close otherwise) with its tables, indexes and trace row, committed.
 * Nothing is left at path on failure. */
int pt_db_open(struct pt_db **out, const struct pt_db_opts *opts, char *why, size_t whylen);
/* One event (after the model was fed it). */
int pt_db_write(struct pt_db *db, const struct pt_event *ev);
/* An event the model took for context only (a followed process's
 * ancestor): that process gets no processes row. */
void pt_db_context(struct pt_db *db, const struct pt_event *ev);
/* Commit the batch if it is old enough, with the processes it changed
 * (in place). */
int pt_db_flush(struct pt_db *db);

/* How the trace ended, for the trace row. */
struct pt_db_end {
	bool complete;	 /* the source gave all it had: not cut short */
	const char *how; /* "end of file", "duration", "command", "SIGINT", ... */
	__u64 end_ns;	 /* when tracing stopped; 0: the last event's time */
};
/* Write the processes (whole, from the model), the end of the trace row,
 * and close; in place or renamed over FILE. end NULL: cut short, ended
 * "stopped" in place; written whole (a replay), the run failed: the new
 * file is removed and FILE left as it was. After an error, the file is closed as it is: in place, its
 * trace row still says complete = 0 (and what failed, when that could be
 * written); beside, it is removed and FILE left as it was. db NULL is a no-op. 0 or the first error, with why. */
int pt_db_close(struct pt_db *db, const struct pt_db_end *end, char *why, size_t whylen);
/* What failed, after an error; "" if nothing did. */
const char *pt_db_error(const struct pt_db *db);

/* ---- the schema (db_schema.c) ---- */

/* A column of a table: name, type (INT, TEXT...: as schema.h's), unit and
 * meaning. */
struct pt_db_col {
	const char *name;
	enum pt_type type;
	const char *unit;
	const char *meaning;
};

enum pt_db_table {
	PT_DB_EVENTS,
	PT_DB_PROCESSES,
	PT_DB_THREADS,
	PT_DB_LOST,
	PT_DB_TRACE,
	PT_DB_NTABLES,
};

/* The table's name and its columns in order, *n of them. */
const char *pt_db_table_name(enum pt_db_table t);
const struct pt_db_col *pt_db_table_cols(enum pt_db_table t, size_t *n);
/* The events column of detail key k; -1 for PT_DK_KIND (its values go to
 * the lost table's columns and the detail JSON). */
int pt_db_events_col_of_key(enum pt_dkey k);

#endif
