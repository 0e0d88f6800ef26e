// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The reader's RFC 4180 layer: bytes into records of NUL-terminated fields
 * (quotes, doubled quotes, rows spanning lines), and the one error message
 * kept per row. */
#include <stdarg.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "replay_int.h"

/* ---- errors: the first one of a row is kept ---- */

int replay_report(struct pt_replay *r, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->msg[0])
		return err;
	if (r->err_col)
		n = snprintf(r->msg, sizeof(r->msg), "line %lu, column %lu: ", r->row_line,
			     r->err_col);
	else
		n = snprintf(r->msg, sizeof(r->msg), "line %lu: ", r->row_line);
	va_start(ap, fmt);
	vsnprintf(r->msg + n, sizeof(r->msg) - n, fmt, ap);
	va_end(ap);
	return err;
}

/* s made fit for a one-line message: cut short, escaped. */
const char *replay_shown(struct pt_replay *r, const char *s)
{
	size_t n = strlen(s), cut = n;

	if (cut > REPLAY_SHOW_MAX) {
		cut = REPLAY_SHOW_MAX;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	pt_buf_reset(&r->shown);
	pt_escape_text(&r->shown, s, cut, PT_ESC_BACKSLASH | PT_ESC_CONTROL);
	if (cut < n)
		pt_buf_puts(&r->shown, "...");
	pt_buf_putc(&r->shown, '\0');
	return r->shown.failed ? "?" : r->shown.data;
}

void replay_error_out(const struct pt_replay *r, char *err, size_t errlen)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", r->msg[0] ? r->msg : "unknown error");
}

/* ---- RFC 4180 records ---- */

int replay_read_byte(struct pt_replay *r)
{
	size_t n;

	if (r->pos == r->len) {
		if (r->eof)
			return EOF;
		n = fread(r->chunk, 1, sizeof(r->chunk), r->f);
		if (n == 0) {
			r->eof = true;
			if (ferror(r->f))
				r->read_err = errno ? errno : EIO;
			return EOF;
		}
		r->pos = 0;
		r->len = n;
	}
	return (unsigned char)r->chunk[r->pos++];
}

int replay_peek_byte(struct pt_replay *r)
{
	int c = replay_read_byte(r);

	if (c != EOF)
		r->pos--;
	return c;
}

/* n bytes onto the row, as far as REPLAY_ROW_MAX allows. */
static void row_put_run(struct pt_replay *r, const char *p, size_t n)
{
	size_t room = REPLAY_ROW_MAX - (r->row.len < REPLAY_ROW_MAX ? r->row.len : REPLAY_ROW_MAX);

	if (n > room) {
		malformed(r, "row longer than %d bytes", REPLAY_ROW_MAX);
		n = room;
	}
	pt_buf_put(&r->row, p, n);
}

static void row_put(struct pt_replay *r, char c)
{
	row_put_run(r, &c, 1);
}

static void field_begin(struct pt_replay *r)
{
	if (r->nfields < PT_NCOLS)
		r->starts[r->nfields] = r->row.len;
	r->nfields++;
}

/* Bytes that end a run of plain text: in an unquoted field, and in a
 * quoted one. The rest of a field is copied a buffer's run at a time, not
 * byte by byte: nearly every byte of a file is plain. */
enum {
	STOP_UNQUOTED = 1,
	STOP_QUOTED = 2
};
static const unsigned char stops[256] = {
	['\0'] = STOP_UNQUOTED | STOP_QUOTED,
	['\n'] = STOP_UNQUOTED | STOP_QUOTED,
	['"'] = STOP_UNQUOTED | STOP_QUOTED,
	['\r'] = STOP_UNQUOTED,
	[','] = STOP_UNQUOTED,
};

/* The plain bytes from here up to the next stop (or the end of what is
 * buffered) onto the row. */
static void plain_run(struct pt_replay *r, unsigned char stop)
{
	const unsigned char *s = (const unsigned char *)r->chunk + r->pos, *p = s;
	const unsigned char *end = (const unsigned char *)r->chunk + r->len;

	while (p < end && !(stops[*p] & stop))
		p++;
	if (p > s)
		row_put_run(r, (const char *)s, (size_t)(p - s));
	r->pos += (size_t)(p - s);
}

/* Reads to the end of an unquoted field (or the rest of a malformed quoted
 * one) and returns what ended it: ',', '\n' (also for "\r\n") or EOF. */
static int read_unquoted(struct pt_replay *r, int c)
{
	for (;; c = replay_read_byte(r)) {
		if (c == ',' || c == '\n' || c == EOF)
			return c;
		if (c == '\r') {
			if (replay_peek_byte(r) == '\n')
				return replay_read_byte(r);
			malformed(r, "CR outside quotes");
		} else if (c == '"') {
			malformed(r, "quote inside an unquoted field");
		} else if (c == '\0') {
			malformed(r, "NUL byte");
			continue;
		}
		row_put(r, (char)c);
		plain_run(r, STOP_UNQUOTED);
	}
}

static int read_quoted(struct pt_replay *r)
{
	int c;

	for (;;) {
		plain_run(r, STOP_QUOTED);
		c = replay_read_byte(r);
		if (c == EOF) {
			malformed(r, "quoted field not closed at the end of the file");
			return EOF;
		}
		if (c == '"') {
			if (replay_peek_byte(r) != '"')
				break;
			replay_read_byte(r);
		} else if (c == '\n') {
			r->line++;
		} else if (c == '\0') {
			malformed(r, "NUL byte");
			continue;
		}
		row_put(r, (char)c);
	}
	c = replay_read_byte(r);
	if (c != ',' && c != '\n' && c != '\r' && c != EOF)
		malformed(r, "text after a closing quote");
	return read_unquoted(r, c);
}

/* The common row, whole in the read buffer with no quote, CR or NUL: one
 * copy, then its commas made field ends in place. True when it was that
 * row and is read; false, with nothing consumed, for the general path. */
/* Marks the field ends of f[0..n) (its commas made NULs, r->starts set);
 * false at the first quote, CR or NUL (the general path's), with f left
 * as it may be: the caller copies the row again. */
static bool plain_split(struct pt_replay *r, char *f, size_t n)
{
	size_t i = 0;

#ifdef __SSE2__
	/* 16 bytes a step: most rows are a few hundred bytes and thirty
	 * fields, a test per byte their main cost. */
	const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"');
	const __m128i cr = _mm_set1_epi8('\r'), nul = _mm_setzero_si128();
	unsigned bad, commas, bit;

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(f + i));

		bad = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, cr)),
				     _mm_cmpeq_epi8(v, nul)));
		if (bad)
			return false;
		commas = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma));
		while (commas) {
			bit = (unsigned)__builtin_ctz(commas);
			commas &= commas - 1;
			f[i + bit] = '\0';
			if (r->nfields < PT_NCOLS)
				r->starts[r->nfields] = i + bit + 1;
			r->nfields++;
		}
	}
#endif
	for (; i < n; i++) {
		if (!stops[(unsigned char)f[i]])
			continue;
		if (f[i] != ',')
			return false;
		f[i] = '\0';
		if (r->nfields < PT_NCOLS)
			r->starts[r->nfields] = i + 1;
		r->nfields++;
	}
	return true;
}

static bool plain_row(struct pt_replay *r)
{
	const char *s = r->chunk + r->pos;
	const char *nl = memchr(s, '\n', r->len - r->pos);
	size_t n = nl ? (size_t)(nl - s) : 0;
	char *f;

	if (!nl || n >= REPLAY_ROW_MAX)
		return false;
	pt_buf_put(&r->row, s, n + 1); /* the newline becomes the last field's end */
	if (r->row.failed)
		return false;
	f = r->row.data;
	f[n] = '\0';
	r->starts[0] = 0;
	r->nfields = 1;
	if (!plain_split(r, f, n)) {
		pt_buf_reset(&r->row);
		r->nfields = 0;
		return false;
	}
	r->pos += n + 1;
	r->line++;
	return true;
}

/* One record into r->row: 1; 0 at the end of the file; < 0 with r->msg.
 * A malformed record is still read to its end, so the next one is whole. */
int replay_read_row(struct pt_replay *r)
{
	int c;

	pt_buf_reset(&r->row);
	r->nfields = 0;
	r->npairs = 0;
	r->msg[0] = '\0';
	r->row_line = r->line;
	if (replay_peek_byte(r) != EOF && plain_row(r))
		return 1;
	c = replay_read_byte(r);
	if (c == EOF)
		return r->read_err ? replay_report(r, -EIO, "read error: %s", strerror(r->read_err))
				   : 0;
	for (;;) {
		field_begin(r);
		c = c == '"' ? read_quoted(r) : read_unquoted(r, c);
		row_put(r, '\0');
		if (c != ',')
			break;
		c = replay_read_byte(r);
	}
	if (c == '\n')
		r->line++;
	if (r->read_err)
		return replay_report(r, -EIO, "read error: %s", strerror(r->read_err));
	if (c == EOF)
		malformed(r, "no newline at the end of the row (file cut short?)");
	if (r->row.failed)
		return replay_report(r, -ENOMEM, "out of memory");
	return r->msg[0] ? -EINVAL : 1;
}

char *replay_field(const struct pt_replay *r, enum pt_col c)
{
	return r->row.data + r->starts[c];
}
