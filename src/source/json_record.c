// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The reader's JSON Lines layer: one line, one object, into the same fields
 * the CSV layer makes, each value in the CSV's text form (numbers in
 * decimal, argv as shell words, detail as key=value words, the status in
 * hex, flags as 1). Rows into events is then one code for both formats, and
 * a JSON capture gives exactly the events its CSV twin gives.
 *
 * Only the writer's shapes are taken: the schema's keys, each once, with
 * the schema's type (schema.h); anything else is an error at its line and
 * column. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "replay_int.h"

struct jp {
	struct pt_replay *r;
	const char *s, *p, *end;
};

static int jerr(struct jp *j, const char *what)
{
	j->r->err_col = (unsigned long)(j->p - j->s) + 1;
	return malformed(j->r, "%s", what);
}

static void skip_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r'))
		j->p++;
}

static bool eat(struct jp *j, char c)
{
	skip_ws(j);
	if (j->p < j->end && *j->p == c) {
		j->p++;
		return true;
	}
	return false;
}

static int hex4(const char *p, const char *end, unsigned *v)
{
	int i, d;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (p + i >= end || (d = replay_hex_digit(p[i])) < 0)
			return -1;
		*v = *v << 4 | (unsigned)d;
	}
	return 0;
}

static void put_utf8(struct pt_buf *b, unsigned cp)
{
	if (cp < 0x80) {
		pt_buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		pt_buf_putc(b, (char)(0xc0 | cp >> 6));
		pt_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		pt_buf_putc(b, (char)(0xe0 | cp >> 12));
		pt_buf_putc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		pt_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		pt_buf_putc(b, (char)(0xf0 | cp >> 18));
		pt_buf_putc(b, (char)(0x80 | (cp >> 12 & 0x3f)));
		pt_buf_putc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		pt_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* A \u escape (p after the 'u'), surrogate pairs joined. */
static int unicode_escape(struct jp *j, struct pt_buf *out)
{
	unsigned cp, lo;

	if (hex4(j->p, j->end, &cp))
		return jerr(j, "bad \\u escape");
	j->p += 4;
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' ||
		    hex4(j->p + 2, j->end, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return jerr(j, "lone surrogate in \\u escape");
		j->p += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xdc00 && cp < 0xe000) {
		return jerr(j, "lone surrogate in \\u escape");
	} else if (cp == 0) {
		return jerr(j, "NUL in a string (the writer shows it as \\\\x00)");
	}
	put_utf8(out, cp);
	return 0;
}

/* Printable ASCII but the quote and the backslash: taken as it is. */
static const bool plain_ascii[256] = {
	[' '] = 1,
	['!'] = 1,
	['#' ... '['] = 1,
	[']' ... '~'] = 1,
};

/* A string (j->p on its quote), decoded onto the end of out. */
static int string_append(struct jp *j, struct pt_buf *out)
{
	static const char simple[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	const char *e;
	size_t len;

	skip_ws(j);
	if (j->p >= j->end || *j->p != '"')
		return jerr(j, "expected a string");
	for (j->p++; j->p < j->end && *j->p != '"'; j->p++) {
		unsigned char c = (unsigned char)*j->p;
		const char *run = j->p;

		/* Plain ASCII goes in at once: most of every line. */
		while (j->p < j->end && plain_ascii[(unsigned char)*j->p])
			j->p++;
		if (j->p > run) {
			pt_buf_put(out, run, j->p - run);
			j->p--;
			continue;
		}
		if (c < 0x20)
			return jerr(j, "control character in a string");
		if (c != '\\') {
			len = pt_utf8_seq_len((const unsigned char *)j->p, j->end - j->p);
			if (!len)
				return jerr(j, "not UTF-8");
			pt_buf_put(out, j->p, len);
			j->p += len - 1;
			continue;
		}
		if (++j->p == j->end)
			break;
		if (*j->p == 'u') {
			j->p++;
			if (unicode_escape(j, out))
				return -EINVAL;
			j->p--;
			continue;
		}
		e = strchr(simple, *j->p);
		if (!*j->p || !e || (e - simple) % 2)
			return jerr(j, "bad escape in a string");
		pt_buf_putc(out, e[1]);
	}
	if (j->p >= j->end)
		return jerr(j, "string not closed");
	j->p++;
	return out->failed ? replay_report(j->r, -ENOMEM, "out of memory") : 0;
}

/* A string decoded into out, NUL-terminated. */
static int string_value(struct jp *j, struct pt_buf *out)
{
	int err;

	pt_buf_reset(out);
	err = string_append(j, out);
	pt_buf_putc(out, '\0');
	return err ?: (out->failed ? replay_report(j->r, -ENOMEM, "out of memory") : 0);
}

/* An integer as the writer makes them: -?[0-9]+, no leading zeros. */
static int number_value(struct jp *j, bool sign_ok, struct pt_buf *out)
{
	const char *start;

	skip_ws(j);
	start = j->p;
	if (sign_ok && j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return jerr(j, sign_ok ? "expected an integer" : "expected a whole number");
	if (*j->p == '0' && j->p + 1 < j->end && j->p[1] >= '0' && j->p[1] <= '9')
		return jerr(j, "leading zero in a number");
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	if (j->p < j->end && (*j->p == '.' || *j->p == 'e' || *j->p == 'E'))
		return jerr(j, "expected an integer");
	pt_buf_put(out, start, j->p - start);
	return 0;
}

/* Raw bytes of a text value: the writer's \\ and \xNN undone. */
static int raw_bytes(struct jp *j, const char *what, char *out, size_t cap, size_t *len)
{
	return replay_unescape(j->r, what, j->r->jtext.data, out, cap, len);
}

/* argv: the array's arguments, as the shell words the CSV has. */
static int argv_value(struct jp *j)
{
	struct pt_replay *r = j->r;
	char *block = (char *)r->ev->data; /* scratch until the event is made */
	size_t n = 0, len;

	if (!eat(j, '['))
		return jerr(j, "argv: expected an array");
	if (!eat(j, ']')) {
		do {
			if (string_value(j, &r->jtext))
				return -EINVAL;
			if (raw_bytes(j, "argv", block + n, PT_ARGV_MAX + 1 - n, &len))
				return -EINVAL;
			n += len;
			if (n > PT_ARGV_MAX)
				return malformed(r, "argv: longer than %d bytes", PT_ARGV_MAX);
			block[n++] = '\0';
		} while (eat(j, ','));
		if (!eat(j, ']'))
			return jerr(j, "argv: expected ',' or ']'");
	}
	pt_argv_join(&r->jvals, (const __u8 *)block, n);
	return 0;
}

/* Keys come in the table's order, some left out: the search starts after
 * the last one found and wraps around. */
static const struct pt_field_def *detail_def(const char *key, unsigned *hint)
{
	unsigned i, k;

	for (i = 0; i < PT_NDKEYS; i++) {
		k = (*hint + i) % PT_NDKEYS;
		if (replay_same(pt_detail_keys[k].name, key)) {
			*hint = k + 1;
			return &pt_detail_keys[k];
		}
	}
	return NULL;
}

/* "0x" and v in lowercase hex, at least width digits (printf's %0*llx). */
static void put_hex(struct pt_buf *b, __u64 v, int width)
{
	char d[2 + 16];
	int n = 0, i;

	do
		d[2 + n++] = "0123456789abcdef"[v & 0xf];
	while ((v >>= 4) != 0 || n < width);
	pt_buf_put(b, "0x", 2);
	for (i = n - 1; i >= 0; i--)
		pt_buf_putc(b, d[2 + i]);
}

static int detail_entry(struct jp *j, const char *key, unsigned *hint)
{
	struct pt_replay *r = j->r;
	const struct pt_field_def *d = detail_def(key, hint);
	char raw[PT_PATH_MAX];
	size_t len;
	__u64 v;

	pt_buf_puts(&r->jvals, key);
	pt_buf_putc(&r->jvals, '=');
	skip_ws(j);
	if (d && d->type == PT_TYPE_FLAG) {
		if (j->end - j->p < 4 || strncmp(j->p, "true", 4))
			return jerr(j, "detail: expected true");
		j->p += 4;
		pt_buf_putc(&r->jvals, '1');
	} else if (d && d->type == PT_TYPE_TEXT) {
		if (string_value(j, &r->jtext) || raw_bytes(j, key, raw, sizeof(raw), &len))
			return -EINVAL;
		pt_escape_text(&r->jvals, raw, len,
			       PT_ESC_BACKSLASH | PT_ESC_CONTROL | PT_ESC_SPACE);
	} else if (d && d->type == PT_TYPE_HEX) {
		pt_buf_reset(&r->jtext);
		if (number_value(j, false, &r->jtext))
			return -EINVAL;
		pt_buf_putc(&r->jtext, '\0');
		/* Beyond 64 bits it saturates, as strtoull does: the reader
		 * then refuses it as too large a status. */
		if (!replay_parse_u64(r->jtext.data, UINT64_MAX, &v))
			v = UINT64_MAX;
		put_hex(&r->jvals, v, 4);
	} else {
		/* integers, and the lost event's per-kind counts */
		if (number_value(j, true, &r->jvals))
			return -EINVAL;
	}
	return 0;
}

/* detail: the object's pairs as the CSV's key=value words, in order. */
static int detail_value(struct jp *j)
{
	struct pt_buf *key = &j->r->jkey;
	unsigned hint = 0;
	bool first = true;
	int err = 0;

	if (!eat(j, '{'))
		return jerr(j, "detail: expected an object");
	if (eat(j, '}'))
		return 0;
	do {
		err = string_value(j, key);
		if (!err && !eat(j, ':'))
			err = jerr(j, "expected ':'");
		if (!err && (!key->data[0] || strpbrk(key->data, " =")))
			err = jerr(j, "detail: bad key");
		if (!err && !first)
			pt_buf_putc(&j->r->jvals, ' ');
		if (!err)
			err = detail_entry(j, key->data, &hint);
		first = false;
	} while (!err && eat(j, ','));
	if (!err && !eat(j, '}'))
		err = jerr(j, "detail: expected ',' or '}'");
	return err;
}

/* Keys come in the schema's order from the writer, absent ones left out:
 * the search starts after the last one found and wraps around. */
static int column_of(const char *key, int *hint)
{
	int i, c;

	for (i = 0; i < PT_NCOLS; i++) {
		c = (*hint + i) % PT_NCOLS;
		if (replay_same(pt_col_name(c), key)) {
			*hint = c + 1;
			return c;
		}
	}
	return -1;
}

/* The writer's keys have no escapes: matched in place, without decoding,
 * from the hint on (c < 0 and nothing consumed when none is). */
static int raw_column(struct jp *j, int *hint)
{
	const char *p = j->p + 1, *name;
	int i, c, k;

	if (j->p >= j->end || *j->p != '"')
		return -1;
	for (i = 0; i < PT_NCOLS; i++) {
		c = (*hint + i) % PT_NCOLS;
		name = pt_col_name(c);
		for (k = 0; name[k] && p + k < j->end && p[k] == name[k]; k++)
			;
		if (!name[k] && p + k < j->end && p[k] == '"') {
			j->p = p + k + 1;
			*hint = c + 1;
			return c;
		}
	}
	return -1;
}

/* host or boot_id (pt_json_keys): a text value into the row's origin;
 * false when key is neither. at: where the key starts, for an error. */
static bool origin_key(struct jp *j, const char *key, const char *at, int *err)
{
	struct pt_origin *o = &j->r->origin;
	char *field;
	size_t cap, len;

	if (replay_same(key, pt_json_keys[PT_JK_HOST].name)) {
		field = o->host;
		cap = sizeof(o->host);
	} else if (replay_same(key, pt_json_keys[PT_JK_BOOT_ID].name)) {
		field = o->boot_id;
		cap = sizeof(o->boot_id);
	} else {
		return false;
	}
	if (field[0]) {
		j->p = at;
		*err = jerr(j, "key given twice");
	} else if (!eat(j, ':'))
		*err = jerr(j, "expected ':'");
	else if (string_value(j, &j->r->jtext) || raw_bytes(j, key, field, cap - 1, &len))
		*err = -EINVAL;
	else if (memchr(field, '\0', len))
		*err = malformed(j->r, "%s: NUL byte", key);
	else
		field[len] = '\0';
	return true;
}

static int member(struct jp *j, struct pt_buf *key, int *hint)
{
	struct pt_replay *r = j->r;
	const char *at;
	int c, err = 0;

	skip_ws(j);
	at = j->p; /* a bad key is shown where it starts */
	c = raw_column(j, hint);
	if (c < 0 && string_value(j, key))
		return -EINVAL;
	if (c < 0)
		c = column_of(key->data, hint);
	if (c < 0 && origin_key(j, key->data, at, &err))
		return err;
	if (c < 0 || r->jstart[c] != SIZE_MAX) {
		j->p = at;
		return jerr(j, c < 0 ? "not a proctrace column" : "column given twice");
	}
	if (!eat(j, ':'))
		return jerr(j, "expected ':'");
	r->jstart[c] = r->jvals.len;
	switch (pt_columns[c].type) {
	case PT_TYPE_DETAIL:
		err = detail_value(j);
		break;
	case PT_TYPE_ARGV:
		err = argv_value(j);
		break;
	case PT_TYPE_TEXT:
		err = string_append(j, &r->jvals);
		break;
	default:
		err = number_value(j, false, &r->jvals);
	}
	pt_buf_putc(&r->jvals, '\0');
	return err;
}

static int parse_object(struct jp *j)
{
	int err = 0, hint = 0;

	if (!eat(j, '{'))
		return jerr(j, "expected '{'");
	if (!eat(j, '}')) {
		do
			err = member(j, &j->r->jkey, &hint);
		while (!err && eat(j, ','));
		if (!err && !eat(j, '}'))
			err = jerr(j, "expected ',' or '}'");
	}
	skip_ws(j);
	if (!err && j->p != j->end)
		err = jerr(j, "text after the object");
	return err;
}

/* The line into r->jline, without its newline: 1, 0 at the end, < 0.
 * Whole runs of the read buffer at once, up to the newline. */
static int read_line(struct pt_replay *r)
{
	const char *s, *nl;
	bool too_long = false;
	size_t n, take;

	if (replay_peek_byte(r) == EOF)
		return r->read_err ? replay_report(r, -EIO, "read error: %s", strerror(r->read_err))
				   : 0;
	for (;;) {
		if (replay_peek_byte(r) == EOF) {
			if (r->read_err)
				return replay_report(r, -EIO, "read error: %s",
						     strerror(r->read_err));
			return malformed(r, "no newline at the end of the line (file cut short?)");
		}
		s = r->chunk + r->pos;
		n = r->len - r->pos;
		nl = memchr(s, '\n', n);
		take = nl ? (size_t)(nl - s) : n;
		/* Read to its end all the same, so the next line is whole. */
		if (r->jline.len + take <= REPLAY_ROW_MAX)
			pt_buf_put(&r->jline, s, take);
		else
			too_long = true;
		r->pos += take + (nl != NULL);
		if (nl)
			break;
	}
	r->line++;
	if (too_long)
		return malformed(r, "line longer than %d bytes", REPLAY_ROW_MAX);
	return r->jline.failed ? replay_report(r, -ENOMEM, "out of memory") : 1;
}

/* The values are the row's fields, where they are in jvals; absent ones
 * are one empty field at the end. 1, or -ENOMEM. */
static int values_to_row(struct pt_replay *r)
{
	struct pt_buf swap;
	size_t empty = r->jvals.len;
	int c;

	pt_buf_putc(&r->jvals, '\0');
	if (r->jvals.failed)
		return replay_report(r, -ENOMEM, "out of memory");
	for (c = 0; c < PT_NCOLS; c++)
		r->starts[c] = r->jstart[c] != SIZE_MAX ? r->jstart[c] : empty;
	r->nfields = PT_NCOLS;
	swap = r->row;
	r->row = r->jvals;
	r->jvals = swap;
	return 1;
}

/* The line's object into r->row: 1, or < 0 with r->msg. */
static int parse_line(struct pt_replay *r)
{
	struct jp j = { .r = r };
	int ret;

	j.s = j.p = r->jline.len ? r->jline.data : "";
	j.end = j.s + r->jline.len;
	if (memchr(j.s, '\0', r->jline.len))
		return malformed(r, "NUL byte");
	ret = parse_object(&j);
	if (ret)
		return ret;
	return values_to_row(r);
}

/* The next line into r->jline, the row state reset: 1, 0 at the end, < 0. */
static int next_line(struct pt_replay *r)
{
	int c;

	pt_buf_reset(&r->jline);
	pt_buf_reset(&r->jvals);
	pt_buf_reset(&r->row);
	r->nfields = 0;
	r->npairs = 0;
	r->msg[0] = '\0';
	r->err_col = 0;
	r->row_line = r->line;
	memset(&r->origin, 0, sizeof(r->origin));
	for (c = 0; c < PT_NCOLS; c++)
		r->jstart[c] = SIZE_MAX;
	return read_line(r);
}

int replay_read_json(struct pt_replay *r)
{
	int ret = next_line(r);

	return ret <= 0 ? ret : parse_line(r);
}

/* At p, `"key":` and a value of plain bytes (digits, or a string without
 * escapes) followed by a comma: the value in [*v, *e), and what follows
 * the comma; NULL when the line is not so. */
static const char *head_member(const char *p, const char *end, const char *key, bool quoted,
			       const char **v, const char **e)
{
	size_t n = strlen(key);

	if ((size_t)(end - p) < n + 4 || p[0] != '"' || memcmp(p + 1, key, n) || p[n + 1] != '"' ||
	    p[n + 2] != ':')
		return NULL;
	p += n + 3;
	if (quoted && *p++ != '"')
		return NULL;
	*v = p;
	if (quoted) {
		while (p < end && plain_ascii[(unsigned char)*p])
			p++;
		if (p == end || *p++ != '"')
			return NULL;
		*e = p - 1;
	} else {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
		*e = p;
		/* as number_value takes them: digits, no leading zero */
		if (*e == *v || (**v == '0' && *e - *v > 1))
			return NULL;
	}
	return p < end && *p == ',' ? p + 1 : NULL;
}

/* For the clock pass: the writer's lines begin {"ts_ns":N,"time":"T",
 * "event":"E", and those three are taken from there, the rest of the line
 * unread; another line is parsed whole. 1, 0 at the end, < 0. */
int replay_read_json_head(struct pt_replay *r)
{
	static const char *const keys[] = { "ts_ns", "time", "event" };
	static const enum pt_col cols[] = { PT_COL_TS_NS, PT_COL_TIME, PT_COL_EVENT };
	const char *p, *end, *v = NULL, *e = NULL;
	int ret, i, c;

	ret = next_line(r);
	if (ret <= 0)
		return ret;
	p = r->jline.len ? r->jline.data : "";
	end = p + r->jline.len;
	if (*p++ != '{')
		return parse_line(r);
	for (i = 0; i < 3; i++) {
		p = head_member(p, end, keys[i], i > 0, &v, &e);
		if (!p) {
			pt_buf_reset(&r->jvals);
			for (c = 0; c < PT_NCOLS; c++)
				r->jstart[c] = SIZE_MAX;
			return parse_line(r);
		}
		r->jstart[cols[i]] = r->jvals.len;
		pt_buf_put(&r->jvals, v, (size_t)(e - v));
		pt_buf_putc(&r->jvals, '\0');
	}
	return values_to_row(r);
}
