// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Whole rows to a file descriptor, in batches, cut back to a row boundary
 * after a failed write (see rows.h). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "rows.h"

/* Rows are written in batches of about this size. */
#define ROWS_BATCH_BYTES 65536

/* After a short write, cut the file back to the end of the last row that
 * made it whole, so it always ends on a row boundary. */
static void cut_to_last_row(struct pt_rows *w, size_t landed)
{
	size_t keep = 0;

	for (size_t i = 0; i < w->n_rows && w->row_ends[i] <= landed; i++)
		keep = w->row_ends[i];
	if (w->base >= 0 && keep < landed)
		(void)!ftruncate(w->fd, w->base + (off_t)(w->written + keep));
	w->written += keep;
}

static int flush_batch(struct pt_rows *w)
{
	size_t off = 0;
	ssize_t n;

	while (off < w->batch.len) {
		n = write(w->fd, w->batch.data + off, w->batch.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->err = n < 0 ? -errno : -EIO;
			cut_to_last_row(w, off);
			break;
		}
		off += n;
	}
	if (!w->err)
		w->written += w->batch.len;
	pt_buf_reset(&w->batch);
	w->n_rows = 0;
	return w->err;
}

static int remember_row_end(struct pt_rows *w)
{
	if (w->n_rows == w->cap_rows) {
		size_t cap = w->cap_rows ? w->cap_rows * 2 : 256;
		size_t *ends = realloc(w->row_ends, cap * sizeof(*ends));

		if (!ends)
			return -ENOMEM;
		w->row_ends = ends;
		w->cap_rows = cap;
	}
	w->row_ends[w->n_rows++] = w->batch.len;
	return 0;
}

int pt_rows_open(struct pt_rows *w, FILE *f)
{
	w->fd = fileno(f);
	w->err = pt_file_flush(f);
	w->base = lseek(w->fd, 0, SEEK_CUR);
	return w->err;
}

int pt_rows_emit(struct pt_rows *w, const struct pt_buf *row)
{
	if (w->err)
		return w->err;
	if (row->failed || w->batch.failed)
		return w->err = -ENOMEM;
	pt_buf_put(&w->batch, row->data, row->len);
	w->err = remember_row_end(w);
	if (!w->err && w->batch.len >= ROWS_BATCH_BYTES)
		flush_batch(w);
	return w->err;
}

int pt_rows_flush(struct pt_rows *w)
{
	if (!w->err && w->batch.len)
		flush_batch(w);
	return w->err;
}

int pt_rows_close(struct pt_rows *w)
{
	pt_rows_flush(w);
	pt_buf_free(&w->batch);
	free(w->row_ends);
	w->row_ends = NULL;
	return w->err;
}
