// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* JSON Lines writer: one object per event per line, with the schema's names
 * (record.c decides what each event has, as for the CSV). Numbers are
 * numbers; absent values are left out; argv is an array of its arguments,
 * exact; detail is a nested object of typed values (flags as true).
 *
 * Strings are escaped per RFC 8259; raw kernel bytes (comm, filename, argv,
 * names in detail) are kept as the CSV keeps them (json_text.h): in the
 * JSON text, "\\xff" and "\\\\".
 *
 * After the columns, each row says where it comes from (host, boot_id:
 * origin.h), as the origin reads when the row is written: a replay's
 * reader updates it row by row. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/origin.h"
#include "proctrace/record.h"
#include "proctrace/row_holders.h"
#include "proctrace/schema.h"
#include "proctrace/writer.h"
#include "json_text.h"
#include "rows.h"

struct pt_jsonl {
	struct pt_rows out;
	struct pt_clock clock;
	const struct pt_origin *origin; /* borrowed; NULL: none */
	struct pt_record rec;
	struct pt_holders holders; /* the rows' processes, as a reader sees them */
	struct pt_buf row;
	struct pt_buf text; /* raw bytes made valid UTF-8, before JSON escaping */
};

/* A text key when known. A hostname can hold any byte: kept as comm is. */
static bool put_text_key(struct pt_jsonl *w, enum pt_jkey k, const char *v, bool first)
{
	if (!v[0])
		return first;
	pt_json_put_key(&w->row, pt_json_keys[k].name, first);
	pt_json_put_raw(&w->row, &w->text, v, strlen(v));
	return false;
}

static void put_origin(struct pt_jsonl *w, bool first)
{
	first = put_text_key(w, PT_JK_HOST, w->origin->host, first);
	put_text_key(w, PT_JK_BOOT_ID, w->origin->boot_id, first);
}

static int format_line(struct pt_jsonl *w, const struct pt_event *ev)
{
	const struct pt_record *r = &w->rec;
	unsigned c;
	bool first = true;

	if (pt_record_fill(&w->rec, ev, &w->holders))
		return -ENOMEM;
	pt_buf_reset(&w->row);
	pt_buf_putc(&w->row, '{');
	for (c = 0; c < PT_COL_DETAIL; c++) {
		if (r->col[c].kind == PT_VAL_NONE)
			continue;
		pt_json_put_key(&w->row, pt_col_name(c), first);
		pt_json_put_value(&w->row, &w->text, &w->clock, &r->col[c]);
		first = false;
	}
	if (r->n_det) {
		pt_json_put_key(&w->row, pt_col_name(PT_COL_DETAIL), first);
		pt_json_put_detail(&w->row, &w->text, r);
		first = false;
	}
	if (w->origin)
		put_origin(w, first);
	pt_buf_put(&w->row, "}\n", 2);
	return 0;
}

static void jsonl_free(struct pt_jsonl *w)
{
	pt_holders_free(&w->holders);
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

void pt_jsonl_set_origin(struct pt_jsonl *w, const struct pt_origin *origin)
{
	w->origin = origin;
}

int pt_jsonl_write(struct pt_jsonl *w, const struct pt_event *ev)
{
	int err = w->out.err;

	err = err ?: format_line(w, ev);
	return err ?: pt_rows_emit(&w->out, &w->row);
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
