/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Whole rows to a file, for the file writers (CSV, JSON Lines): kept in
 * batches and written straight to the file descriptor, so that after a
 * failed write the file can be cut back to its last whole row, which
 * stdio's buffering would hide. Private to src/write. */
#ifndef PROCTRACE_WRITE_ROWS_H
#define PROCTRACE_WRITE_ROWS_H

#include <stdio.h>
#include <linux/types.h>
#include <sys/types.h>
#include "proctrace/buf.h"

struct pt_rows {
	int fd;
	off_t base;	     /* file offset at open; -1: not seekable */
	__u64 written;	     /* bytes of whole rows written since open */
	struct pt_buf batch; /* whole rows not yet written */
	size_t *row_ends;    /* offset in batch after each of its rows */
	size_t n_rows, cap_rows;
	int err; /* first write error, kept */
};

/* f is borrowed: whatever stdio holds for it is written first, then only
 * its descriptor is used. 0 or -errno. */
int pt_rows_open(struct pt_rows *w, FILE *f);
/* Add one whole row (row->failed: -ENOMEM); written once a batch is full. */
int pt_rows_emit(struct pt_rows *w, const struct pt_buf *row);
int pt_rows_flush(struct pt_rows *w);
/* Flush and free; the first error seen, if any. */
int pt_rows_close(struct pt_rows *w);

/* Bytes of whole rows since open, written or still in the batch. */
static inline __u64 pt_rows_size(const struct pt_rows *w)
{
	return w->written + w->batch.len;
}

#endif
