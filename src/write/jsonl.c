// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* JSON Lines writer: one object per event per line, with the schema's names
 * (record.c decides what each event has, as for the CSV). Numbers are
 * numbers; absent values are left out; argv is an array of its arguments,
 * exact; detail is a nested object of typed values (flags as true).
 *
 * Strings are escaped per RFC 8259 (quote, backslash, control characters).
 * Raw kernel bytes (comm, filename, argv, names in detail) are first made
 * valid UTF-8 the way the CSV does it: bytes that are not become \xNN and a
 * backslash \\ (so in the JSON text, "\\xff" and "\\\\"): nothing is
 * dropped and a reader gets the same bytes back. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/record.h"
#include "proctrace/writer.h"
#include "rows.h"

struct pt_jsonl {
	struct pt_rows out;
	struct pt_clock clock;
	struct pt_record rec;
	struct pt_buf row;
	struct pt_buf text; /* raw bytes made valid UTF-8, before JSON escaping */
};

/* s[0..n), valid UTF-8, as a JSON string. */
static void put_json_string(struct pt_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	pt_buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		pt_buf_put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':
			pt_buf_put(b, "\\\"", 2);
			break;
		case '\\':
			pt_buf_put(b, "\\\\", 2);
			break;
		case '\n':
			pt_buf_put(b, "\\n", 2);
			break;
		case '\r':
			pt_buf_put(b, "\\r", 2);
			break;
		case '\t':
			pt_buf_put(b, "\\t", 2);
			break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			pt_buf_put(b, u, sizeof(u));
		}
		}
	}
	pt_buf_put(b, s + run, n - run);
	pt_buf_putc(b, '"');
}

/* Raw kernel bytes: made valid UTF-8 as the CSV does, then a JSON string. */
static void put_raw_string(struct pt_jsonl *w, const char *s, size_t n)
{
	pt_buf_reset(&w->text);
	pt_escape_text(&w->text, s, n, PT_ESC_BACKSLASH);
	if (w->text.failed)
		w->row.failed = true;
	put_json_string(&w->row, w->text.len ? w->text.data : "", w->text.len);
}

/* The NUL-separated block as an array; a last argument without its NUL
 * (argv cut) is an element all the same. */
static void put_argv(struct pt_jsonl *w, const char *a, size_t n)
{
	size_t i = 0, len;
	const char *nul;

	pt_buf_putc(&w->row, '[');
	while (i < n) {
		nul = memchr(a + i, '\0', n - i);
		len = nul ? (size_t)(nul - (a + i)) : n - i;
		if (i)
			pt_buf_putc(&w->row, ',');
		put_raw_string(w, a + i, len);
		i += len + 1;
	}
	pt_buf_putc(&w->row, ']');
}

static void put_value(struct pt_jsonl *w, const struct pt_val *v)
{
	struct pt_buf *b = &w->row;

	switch (v->kind) {
	case PT_VAL_U64:
	case PT_VAL_HEX:
		pt_buf_put_u64(b, v->u);
		break;
	case PT_VAL_S64:
		pt_buf_printf(b, "%lld", (long long)v->s);
		break;
	case PT_VAL_FLAG:
		pt_buf_put(b, "true", 4);
		break;
	case PT_VAL_WORD:
		put_json_string(b, v->str, v->len);
		break;
	case PT_VAL_TEXT:
		put_raw_string(w, v->str, v->len);
		break;
	case PT_VAL_ARGV:
		put_argv(w, v->str, v->len);
		break;
	case PT_VAL_TIME:
		pt_buf_putc(b, '"');
		pt_format_utc(b, &w->clock, v->u);
		pt_buf_putc(b, '"');
		break;
	case PT_VAL_NONE:
		break;
	}
}

/* Names are the schema's (or an event kind's): plain ASCII, no escaping.
 * Written with one append: this is most of a line's calls. */
static void put_key(struct pt_buf *b, const char *key, bool first)
{
	char k[64];
	size_t n = strlen(key), len = 0;

	if (n > sizeof(k) - 4)
		n = sizeof(k) - 4;
	if (!first)
		k[len++] = ',';
	k[len++] = '"';
	memcpy(k + len, key, n);
	len += n;
	k[len++] = '"';
	k[len++] = ':';
	pt_buf_put(b, k, len);
}

static void format_line(struct pt_jsonl *w, const struct pt_event *ev)
{
	const struct pt_record *r = &w->rec;
	unsigned c, i;
	bool first = true;

	pt_record_fill(&w->rec, ev);
	pt_buf_reset(&w->row);
	pt_buf_putc(&w->row, '{');
	for (c = 0; c < PT_COL_DETAIL; c++) {
		if (r->col[c].kind == PT_VAL_NONE)
			continue;
		put_key(&w->row, pt_col_name(c), first);
		put_value(w, &r->col[c]);
		first = false;
	}
	if (r->n_det) {
		put_key(&w->row, pt_col_name(PT_COL_DETAIL), first);
		pt_buf_putc(&w->row, '{');
		for (i = 0; i < r->n_det; i++) {
			put_key(&w->row, r->det[i].key, i == 0);
			put_value(w, &r->det[i].v);
		}
		pt_buf_putc(&w->row, '}');
	}
	pt_buf_put(&w->row, "}\n", 2);
}

static void jsonl_free(struct pt_jsonl *w)
{
	pt_buf_free(&w->row);
	pt_buf_free(&w->text);
	free(w);
}

struct pt_jsonl *pt_jsonl_open(FILE *f, const struct pt_clock *clock)
{
	struct pt_jsonl *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return NULL;
	w->clock = *clock;
	err = pt_rows_open(&w->out, f);
	if (err) {
		pt_rows_close(&w->out);
		jsonl_free(w);
		errno = -err;
		return NULL;
	}
	return w;
}

int pt_jsonl_write(struct pt_jsonl *w, const struct pt_event *ev)
{
	if (w->out.err)
		return w->out.err;
	format_line(w, ev);
	return pt_rows_emit(&w->out, &w->row);
}

int pt_jsonl_flush(struct pt_jsonl *w)
{
	return pt_rows_flush(&w->out);
}

int pt_jsonl_close(struct pt_jsonl *w)
{
	int err;

	if (!w)
		return 0;
	err = pt_rows_close(&w->out);
	jsonl_free(w);
	return err;
}

__u64 pt_jsonl_size(const struct pt_jsonl *w)
{
	return pt_rows_size(&w->out);
}
