/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* An output file with its writer (-o CSV, -j JSON Lines): opened safely
 * (outfile.h), rotated at a row boundary once it passes a size, reopened
 * on request (SIGHUP, after logrotate moved it). Each file it leaves is
 * whole on its own: the CSV header first, then whole rows; no row is split
 * or lost at a switch, since the old file gets every row it was given
 * before the new one is opened.
 *
 * Errors are -errno; pt_output_error() then says what failed in one line
 * (without the "proctrace: " prefix). */
#ifndef PROCTRACE_OUTPUT_H
#define PROCTRACE_OUTPUT_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "proctrace/decode.h"
#include "proctrace/event.h"
#include "proctrace/origin.h"

enum pt_output_format {
	PT_OUTPUT_CSV,
	PT_OUTPUT_JSONL,
};

struct pt_output_opts {
	__u64 rotate_bytes; /* --rotate: a file that passes it is rotated; 0: never */
	unsigned keep;	    /* --keep: rotated files kept (FILE.1 .. FILE.keep) */
	bool beside;	    /* written beside path until pt_output_commit() */
	/* JSON Lines: where each row comes from, as it reads when the row is
	 * written (borrowed; NULL: the keys left out). */
	const struct pt_origin *origin;
};

struct pt_output;

/* path is borrowed ("-": stdout, never rotated or reopened). On failure
 * *out is NULL and err holds the line. */
int pt_output_open(struct pt_output **out, enum pt_output_format fmt, const char *path,
		   const struct pt_output_opts *opts, const struct pt_clock *clock, char *err,
		   size_t errlen);
/* One row; the file is rotated after the row that takes it past the size. */
int pt_output_write(struct pt_output *o, const struct pt_event *ev);
/* Write out the rows kept in memory. */
int pt_output_flush(struct pt_output *o);
/* Write out what is kept; if path now names another file, or none, close
 * the old one and open path anew (created, or truncated, with its header). */
int pt_output_reopen(struct pt_output *o);
/* A file written beside its path renamed over it (with sync, every row
 * written and synced first): see pt_outfile_commit. A rotation commits
 * too. */
int pt_output_commit(struct pt_output *o, bool sync);
/* What failed, after an error; "" if nothing did. */
const char *pt_output_error(const struct pt_output *o);
/* Flush, close and free; the first error seen, if any, with its line in
 * why. NULL is a no-op. */
int pt_output_close(struct pt_output *o, char *why, size_t whylen);

#endif
