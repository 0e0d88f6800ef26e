/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* A growable byte buffer: writers format a whole row into one, then write it
 * with a single call, so an output error never leaves half a row behind. */
#ifndef PROCTRACE_BUF_H
#define PROCTRACE_BUF_H

#include <stddef.h>

struct pt_buf {
	char *data; /* owned; always NUL-terminated once anything was appended */
	size_t len;
	size_t cap;
};

void pt_buf_reset(struct pt_buf *b);           /* len = 0, keeps memory */
void pt_buf_free(struct pt_buf *b);
void pt_buf_put(struct pt_buf *b, const void *p, size_t n);
void pt_buf_puts(struct pt_buf *b, const char *s);
void pt_buf_putc(struct pt_buf *b, char c);
void pt_buf_printf(struct pt_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
