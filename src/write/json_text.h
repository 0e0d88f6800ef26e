/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* JSON text for the writers that speak JSON (JSON Lines, the Perfetto
 * trace): strings escaped per RFC 8259, and raw kernel bytes kept exactly.
 * Private to src/write. */
#ifndef PROCTRACE_WRITE_JSON_TEXT_H
#define PROCTRACE_WRITE_JSON_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include "proctrace/buf.h"
#include "proctrace/decode.h"
#include "proctrace/record.h"

/* s[0..n), valid UTF-8, as a JSON string: quote, backslash and control
 * characters escaped (\n \r \t, the rest as \u00NN). */
void pt_json_put_string(struct pt_buf *b, const char *s, size_t n);

/* `"key":`, with a comma before it unless first. Keys are names from the
 * code (the schema's, an event kind's): plain ASCII, not escaped. */
void pt_json_put_key(struct pt_buf *b, const char *key, bool first);

/* Raw kernel bytes (comm, path, an argument) as a JSON string: first made
 * valid UTF-8 the way the CSV keeps them (bytes that are not as \xNN, a
 * backslash as \\), in tmp, so nothing is dropped and a reader gets the
 * same bytes back. A failed tmp fails b. */
void pt_json_put_raw(struct pt_buf *b, struct pt_buf *tmp, const char *s, size_t n);

/* The NUL-separated argv block as an array of such strings; a last
 * argument without its NUL (argv cut) is an element all the same. */
void pt_json_put_argv(struct pt_buf *b, struct pt_buf *tmp, const char *a, size_t n);

/* One value of a record (record.h) as JSON: numbers as numbers, a flag
 * as true, text as pt_json_put_raw, argv as pt_json_put_argv, a time as
 * its UTC string (clock); nothing for PT_VAL_NONE. */
void pt_json_put_value(struct pt_buf *b, struct pt_buf *tmp, const struct pt_clock *clock,
		       const struct pt_val *v);
/* The record's detail keys as one JSON object, "{}" when it has none. */
void pt_json_put_detail(struct pt_buf *b, struct pt_buf *tmp, const struct pt_record *r);

#endif
