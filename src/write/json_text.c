// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* JSON strings and argv arrays, shared by the JSON writers (json_text.h). */
#include <string.h>
#include "proctrace/decode.h"
#include "json_text.h"

void pt_json_put_string(struct pt_buf *b, const char *s, size_t n)
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

/* Written with one append: keys are most of a JSON Lines row's calls. */
void pt_json_put_key(struct pt_buf *b, const char *key, bool first)
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

void pt_json_put_raw(struct pt_buf *b, struct pt_buf *tmp, const char *s, size_t n)
{
	pt_buf_reset(tmp);
	pt_escape_text(tmp, s, n, PT_ESC_BACKSLASH);
	if (tmp->failed)
		b->failed = true;
	pt_json_put_string(b, tmp->len ? tmp->data : "", tmp->len);
}

void pt_json_put_argv(struct pt_buf *b, struct pt_buf *tmp, const char *a, size_t n)
{
	size_t i = 0, len;
	const char *nul;

	pt_buf_putc(b, '[');
	while (i < n) {
		nul = memchr(a + i, '\0', n - i);
		len = nul ? (size_t)(nul - (a + i)) : n - i;
		if (i)
			pt_buf_putc(b, ',');
		pt_json_put_raw(b, tmp, a + i, len);
		i += len + 1;
	}
	pt_buf_putc(b, ']');
}

void pt_json_put_value(struct pt_buf *b, struct pt_buf *tmp, const struct pt_clock *clock,
		       const struct pt_val *v)
{
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
		pt_json_put_string(b, v->str, v->len);
		break;
	case PT_VAL_TEXT:
		pt_json_put_raw(b, tmp, v->str, v->len);
		break;
	case PT_VAL_ARGV:
		pt_json_put_argv(b, tmp, v->str, v->len);
		break;
	case PT_VAL_TIME:
		pt_buf_putc(b, '"');
		pt_format_utc(b, clock, v->u);
		pt_buf_putc(b, '"');
		break;
	case PT_VAL_NONE:
		break;
	}
}

void pt_json_put_detail(struct pt_buf *b, struct pt_buf *tmp, const struct pt_record *r)
{
	unsigned i;

	pt_buf_putc(b, '{');
	for (i = 0; i < r->n_det; i++) {
		pt_json_put_key(b, r->det[i].key, i == 0);
		/* Detail values are never times: no clock needed. */
		pt_json_put_value(b, tmp, NULL, &r->det[i].v);
	}
	pt_buf_putc(b, '}');
}
