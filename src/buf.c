// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Growable byte buffer. An allocation failure does not abort: the buffer
 * keeps what it had, sets failed, and ignores further appends, so the writer
 * that owns it can return -ENOMEM once instead of every call site checking. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/buf.h"

/* Make room for extra bytes plus the terminating NUL. */
static bool buf_reserve(struct pt_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->failed)
		return false;
	if (extra > SIZE_MAX - b->len - 1)
		goto fail;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		goto fail;
	b->data = p;
	b->cap = cap;
	return true;
fail:
	b->failed = true;
	return false;
}

void pt_buf_reset(struct pt_buf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->data)
		b->data[0] = '\0';
}

void pt_buf_free(struct pt_buf *b)
{
	free(b->data);
	*b = (struct pt_buf){ 0 };
}

void pt_buf_put(struct pt_buf *b, const void *p, size_t n)
{
	if (n < b->cap - b->len && !b->failed) {
		if (n)
			memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	pt_buf_put_grow(b, p, n);
}

void pt_buf_put_grow(struct pt_buf *b, const void *p, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void pt_buf_puts(struct pt_buf *b, const char *s)
{
	pt_buf_put(b, s, strlen(s));
}

void pt_buf_fill(struct pt_buf *b, char c, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memset(b->data + b->len, c, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void pt_buf_printf(struct pt_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	/* Try in the space already there; grow once if it did not fit. */
	if (!buf_reserve(b, 0))
		return;
	room = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->data[b->len] = '\0';
		b->failed = true;
		return;
	}
	if ((size_t)n >= room) {
		if (!buf_reserve(b, (size_t)n)) {
			b->data[b->len] = '\0';
			return;
		}
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

int pt_buf_write(const struct pt_buf *b, FILE *f)
{
	if (b->failed)
		return -ENOMEM;
	if (b->len == 0)
		return 0;
	errno = 0;
	/* A line-buffered stream copies the row, fails to flush it, and still
	 * returns the full count: only ferror() tells. */
	if (fwrite(b->data, 1, b->len, f) != b->len || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}

int pt_file_flush(FILE *f)
{
	errno = 0;
	if (fflush(f) != 0)
		return errno ? -errno : -EIO;
	return 0;
}

void pt_buf_put_u64(struct pt_buf *b, unsigned long long v)
{
	/* Two digits per division: numbers are most of a row. */
	static const char pairs[] = "00010203040506070809101112131415161718192021222324"
				    "25262728293031323334353637383940414243444546474849"
				    "50515253545556575859606162636465666768697071727374"
				    "75767778798081828384858687888990919293949596979899";
	char digits[20];
	size_t n = sizeof(digits);

	while (v >= 100) {
		n -= 2;
		memcpy(digits + n, pairs + (v % 100) * 2, 2);
		v /= 100;
	}
	if (v >= 10) {
		n -= 2;
		memcpy(digits + n, pairs + v * 2, 2);
	} else {
		digits[--n] = (char)('0' + v);
	}
	pt_buf_put(b, digits + n, sizeof(digits) - n);
}
