// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Values inside the fields: numbers, names of events and signals, the
 * writer's \\xNN text escapes undone. Each is the inverse of what the
 * writer (src/write/csv.c, src/decode.c) makes of it. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "replay_int.h"

/* ---- numbers and names ---- */

bool replay_parse_u64(const char *s, __u64 max, __u64 *v)
{
	__u64 x = 0;
	unsigned d, n;

	if (!*s)
		return false;
	/* 19 digits cannot overflow: the check per digit only beyond. */
	for (n = 0; n < 19 && *s >= '0' && *s <= '9'; n++, s++)
		x = x * 10 + (unsigned)(*s - '0');
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		d = *s - '0';
		if (x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	if (x > max)
		return false;
	*v = x;
	return true;
}

bool replay_parse_s32(const char *s, __s32 *v)
{
	bool neg = *s == '-';
	__u64 x;

	if (!replay_parse_u64(s + neg, neg ? (__u64)INT32_MAX + 1 : INT32_MAX, &x))
		return false;
	*v = neg ? (__s32)(-(int64_t)x) : (__s32)x;
	return true;
}

int replay_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "0x" and 1 to 8 hex digits. */
bool replay_parse_hex_u32(const char *s, __u32 *v)
{
	__u32 x = 0;
	int i, d;

	if (s[0] != '0' || s[1] != 'x' || !s[2])
		return false;
	for (i = 2; s[i]; i++) {
		d = replay_hex_digit(s[i]);
		if (d < 0 || i >= 10)
			return false;
		x = x << 4 | d;
	}
	*v = x;
	return true;
}

unsigned replay_kind_from_name(struct pt_replay *r, const char *s)
{
	const char *last = r->last_kind ? pt_kind_name(r->last_kind) : NULL;

	if (last && replay_same(last, s))
		return r->last_kind;
	r->last_kind = pt_kind_from_name(s);
	return r->last_kind;
}

bool replay_signal_from_name(struct pt_replay *r, const char *s, int *sig)
{
	char buf[16];

	/* Only a name pt_signal_name gives back for the number is it. */
	if (r->last_sig > 0 && replay_same(pt_signal_name(r->last_sig, buf, sizeof(buf)), s)) {
		*sig = r->last_sig;
		return true;
	}
	if (!pt_signal_from_name(s, sig))
		return false;
	r->last_sig = *sig;
	return true;
}

/* ---- column values ---- */

int replay_col_u64(struct pt_replay *r, enum pt_col c, __u64 max, __u64 *v)
{
	const char *s = replay_field(r, c);

	if (!replay_parse_u64(s, max, v))
		return malformed(r, "%s: '%s' is not a number from 0 to %llu", pt_col_name(c),
				 replay_shown(r, s), (unsigned long long)max);
	return 0;
}

int replay_col_u32(struct pt_replay *r, enum pt_col c, __u32 *v)
{
	__u64 x = 0;
	int err = replay_col_u64(r, c, UINT32_MAX, &x);

	if (!err)
		*v = (__u32)x;
	return err;
}

/* Undo pt_escape_text: \\ and \xNN; also \n \r \t, which captures of
 * earlier versions wrote in detail values. */
int replay_unescape(struct pt_replay *r, const char *what, const char *s, char *out, size_t cap,
		    size_t *len)
{
	size_t n = 0;
	const char *p;
	int hi, lo;
	char c;

	for (p = s; *p; p++) {
		c = *p;
		if (c == '\\') {
			switch (*++p) {
			case '\\':
				c = '\\';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'x':
				hi = replay_hex_digit(p[1]);
				lo = replay_hex_digit(hi < 0 ? '\0' : p[2]);
				if (lo < 0)
					return malformed(r, "%s: bad escape in '%s'", what,
							 replay_shown(r, s));
				c = (char)(hi << 4 | lo);
				p += 2;
				break;
			default:
				return malformed(r, "%s: bad escape in '%s'", what,
						 replay_shown(r, s));
			}
		}
		if (n == cap)
			return malformed(r, "%s: longer than %zu bytes", what, cap);
		out[n++] = c;
	}
	*len = n;
	return 0;
}

/* A command name: at most PT_COMM_LEN bytes, no NUL (the writer stops at
 * the first). out is zero already. */
int replay_comm_value(struct pt_replay *r, const char *what, const char *s, char *out)
{
	size_t n = 0;
	int err = replay_unescape(r, what, s, out, PT_COMM_LEN, &n);

	if (!err && memchr(out, '\0', n))
		return malformed(r, "%s: NUL byte in '%s'", what, replay_shown(r, s));
	return err;
}
