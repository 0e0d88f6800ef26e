/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* A growable byte buffer: writers format a whole row into one, then write it
 * with a single call, so an output error never leaves half a row behind. */
#ifndef PROCTRACE_BUF_H
#define PROCTRACE_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Zero-initialise (struct pt_buf b = {0}) before first use. */
struct pt_buf {
	char *data; /* owned; always NUL-terminated once anything was appended */
	size_t len;
	size_t cap;
	bool failed; /* an allocation failed: contents are incomplete (-ENOMEM) */
};

void pt_buf_reset(struct pt_buf *b); /* len = 0, keeps memory, clears failed */
void pt_buf_free(struct pt_buf *b);
void pt_buf_put(struct pt_buf *b, const void *p, size_t n);
/* pt_buf_putc's path when the buffer must grow (or has failed). */
void pt_buf_put_grow(struct pt_buf *b, const void *p, size_t n);

/* Inline while the byte fits: the writers append single bytes tens of
 * times per row. */
static inline void pt_buf_putc(struct pt_buf *b, char c)
{
	if (b->len + 1 < b->cap && !b->failed) {
		b->data[b->len++] = c;
		b->data[b->len] = '\0';
		return;
	}
	pt_buf_put_grow(b, &c, 1);
}

void pt_buf_puts(struct pt_buf *b, const char *s);
void pt_buf_fill(struct pt_buf *b, char c, size_t n); /* c, n times */
/* Decimal, without printf: the writers' hottest path. */
void pt_buf_put_u64(struct pt_buf *b, unsigned long long v);
void pt_buf_printf(struct pt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Write the whole buffer with a single fwrite: 0, -ENOMEM when the buffer
 * had failed (nothing is written), or -errno of the failed write. */
int pt_buf_write(const struct pt_buf *b, FILE *f);
/* fflush(f): 0 or -errno. */
int pt_file_flush(FILE *f);

#endif
