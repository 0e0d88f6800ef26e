// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* CSV writer, RFC 4180 with one deliberate difference: rows end in "\n", not
 * "\r\n", which is what Unix tools expect and what python's csv module and
 * sqlite3's .import read all the same. A field is quoted when it holds a
 * comma, a quote, CR or LF; quotes inside are doubled.
 *
 * Raw kernel text (comm, filename, names inside detail) is written as valid
 * UTF-8: bytes that are not become \xNN, and a literal backslash becomes \\
 * so that the escape cannot be confused with the text. The argv column is
 * shell-quoted, already valid UTF-8, and written unchanged. The columns and
 * what each event puts in them come from the schema (record.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/record.h"
#include "proctrace/row_holders.h"
#include "proctrace/writer.h"
#include "rows.h"

struct pt_csv {
	struct pt_rows out;
	struct pt_clock clock;
	struct pt_record rec;	   /* the event being written, as values */
	struct pt_holders holders; /* the rows' processes, as a reader sees them */
	struct pt_buf row;	   /* the row being formatted */
	struct pt_buf text;	   /* one field before CSV quoting */
	struct pt_buf detail;	   /* the detail column before CSV quoting */
};

/* ---- fields ---- */

static bool needs_csv_quotes(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return true;
	return false;
}

static void put_field(struct pt_csv *w, const char *s, size_t n)
{
	size_t i;

	if (!needs_csv_quotes(s, n)) {
		pt_buf_put(&w->row, s, n);
		return;
	}
	pt_buf_putc(&w->row, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			pt_buf_putc(&w->row, '"');
		pt_buf_putc(&w->row, s[i]);
	}
	pt_buf_putc(&w->row, '"');
}

/* A scratch buffer that failed lacks part of its field: fail the row. */
static void put_buf(struct pt_csv *w, const struct pt_buf *b)
{
	if (b->failed)
		w->row.failed = true;
	put_field(w, b->len ? b->data : "", b->len);
}

/* One column's value. Raw kernel text is escaped to valid UTF-8, then
 * CSV-quoted; argv is shell-quoted (valid UTF-8 already). */
static void put_value(struct pt_csv *w, const struct pt_val *v)
{
	switch (v->kind) {
	case PT_VAL_U64:
		pt_buf_put_u64(&w->row, v->u);
		break;
	case PT_VAL_WORD:
		put_field(w, v->str, v->len);
		break;
	case PT_VAL_TEXT:
		pt_buf_reset(&w->text);
		pt_escape_text(&w->text, v->str, v->len, PT_ESC_BACKSLASH);
		put_buf(w, &w->text);
		break;
	case PT_VAL_ARGV:
		pt_buf_reset(&w->text);
		pt_argv_join(&w->text, (const __u8 *)v->str, v->len);
		put_buf(w, &w->text);
		break;
	case PT_VAL_TIME:
		pt_format_utc(&w->row, &w->clock, v->u);
		break;
	default: /* absent; no column has the detail-only kinds */
		break;
	}
}

/* ---- the detail column: key=value pairs separated by one space ----
 * Text values escape space (and control characters) as \xNN too, so that
 * splitting on spaces and then on the first '=' is always right. */

static void put_detail_value(struct pt_buf *b, const struct pt_val *v)
{
	switch (v->kind) {
	case PT_VAL_U64:
		pt_buf_put_u64(b, v->u);
		break;
	case PT_VAL_S64:
		pt_buf_printf(b, "%lld", (long long)v->s);
		break;
	case PT_VAL_HEX:
		pt_buf_printf(b, "0x%04llx", (unsigned long long)v->u);
		break;
	case PT_VAL_FLAG:
		pt_buf_putc(b, '1');
		break;
	case PT_VAL_WORD:
		pt_buf_put(b, v->str, v->len);
		break;
	case PT_VAL_TEXT:
		pt_escape_text(b, v->str, v->len, PT_ESC_BACKSLASH | PT_ESC_CONTROL | PT_ESC_SPACE);
		break;
	default:
		break;
	}
}

static void put_detail(struct pt_csv *w)
{
	const struct pt_record *r = &w->rec;
	unsigned i;

	pt_buf_reset(&w->detail);
	for (i = 0; i < r->n_det; i++) {
		if (i)
			pt_buf_putc(&w->detail, ' ');
		pt_buf_puts(&w->detail, r->det[i].key);
		pt_buf_putc(&w->detail, '=');
		put_detail_value(&w->detail, &r->det[i].v);
	}
	put_buf(w, &w->detail);
}

static int format_row(struct pt_csv *w, const struct pt_event *ev)
{
	unsigned c;

	if (pt_record_fill(&w->rec, ev, &w->holders))
		return -ENOMEM;
	pt_buf_reset(&w->row);
	for (c = 0; c < PT_COL_DETAIL; c++) {
		if (c)
			pt_buf_putc(&w->row, ',');
		put_value(w, &w->rec.col[c]);
	}
	pt_buf_putc(&w->row, ',');
	put_detail(w);
	pt_buf_putc(&w->row, '\n');
	return 0;
}

/* ---- the writer ---- */

static void csv_free(struct pt_csv *w)
{
	pt_holders_free(&w->holders);
	pt_buf_free(&w->row);
	pt_buf_free(&w->text);
	pt_buf_free(&w->detail);
	free(w);
}

struct pt_csv *pt_csv_open(FILE *f, const struct pt_clock *clock)
{
	struct pt_csv *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return NULL;
	w->clock = *clock;
	err = pt_rows_open(&w->out, f);
	for (unsigned c = 0; c < PT_NCOLS; c++)
		pt_buf_printf(&w->row, "%s%s", c ? "," : "", pt_col_name(c));
	pt_buf_putc(&w->row, '\n');
	if (!err)
		err = pt_rows_emit(&w->out, &w->row);
	if (!err)
		err = pt_rows_flush(&w->out);
	if (err) {
		pt_rows_close(&w->out);
		csv_free(w);
		errno = -err;
		return NULL;
	}
	return w;
}

int pt_csv_write(struct pt_csv *w, const struct pt_event *ev)
{
	int err = w->out.err;

	err = err ?: format_row(w, ev);
	return err ?: pt_rows_emit(&w->out, &w->row);
}

int pt_csv_flush(struct pt_csv *w)
{
	return pt_rows_flush(&w->out);
}

int pt_csv_close(struct pt_csv *w)
{
	int err;

	if (!w)
		return 0;
	err = pt_rows_close(&w->out);
	csv_free(w);
	return err;
}

__u64 pt_csv_size(const struct pt_csv *w)
{
	return pt_rows_size(&w->out);
}
