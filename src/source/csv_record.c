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

static void row_put(struct pt_replay *r, char c)
{
	if (r->row.len >= REPLAY_ROW_MAX) {
		malformed(r, "row longer than %d bytes", REPLAY_ROW_MAX);
		return;
	}
	pt_buf_putc(&r->row, c);
}

static void field_begin(struct pt_replay *r)
{
	if (r->nfields < PT_NCOLS)
		r->starts[r->nfields] = r->row.len;
	r->nfields++;
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
	}
}

static int read_quoted(struct pt_replay *r)
{
	int c;

	for (;;) {
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
