// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Command line: the values options take (numbers, durations, times, ids,
 * colors), parsed strictly: what strtod or strtoul alone would accept
 * beyond plain digits is refused. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli_int.h"

/* Digits with at most one '.', and at least one digit: no sign, exponent,
 * hex, "inf" or surrounding blanks, which strtod alone would accept. */
bool pt_cli_is_plain_decimal(const char *s)
{
	bool digit = false, dot = false;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s == '.' && !dot)
			dot = true;
		else
			return false;
	}
	return digit;
}

int pt_cli_parse_duration(const char *s, double *out)
{
	double v;

	if (!pt_cli_is_plain_decimal(s))
		return -EINVAL;
	v = strtod(s, NULL);
	if (!(v > 0) || v > DURATION_MAX_S)
		return -ERANGE;
	*out = v;
	return 0;
}

/* --since/--until: seconds from the first event ("2.5"), or an ISO 8601
 * time, "2026-11-25T17:34:37[.123456][Z|+01:00]" (no zone: local time). */
int pt_cli_parse_when(const char *s, struct pt_when *w)
{
	struct tm tm = { .tm_isdst = -1 };
	const char *p;
	int64_t frac = 0, scale = 1000000000, off = 0;
	unsigned zh, zm;
	time_t t;

	if (pt_cli_is_plain_decimal(s)) {
		double v = strtod(s, NULL);

		if (v > DURATION_MAX_S)
			return -ERANGE;
		w->kind = PT_WHEN_REL;
		w->rel_ns = (__u64)(v * 1e9 + 0.5);
		return 0;
	}
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -EINVAL;
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			return -EINVAL;
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
	}
	if (*p == 'Z' && !p[1]) {
		t = timegm(&tm);
	} else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2u:%2u", &zh, &zm) == 2 &&
		   strlen(p) == 6 && zh < 24 && zm < 60) {
		off = (int64_t)(zh * 3600 + zm * 60) * (*p == '+' ? 1 : -1);
		t = timegm(&tm);
	} else if (!*p) {
		t = mktime(&tm);
	} else {
		return -EINVAL;
	}
	w->kind = PT_WHEN_WALL;
	w->wall_ns = ((int64_t)t - off) * 1000000000 + frac;
	return 0;
}

/* Plain decimal digits only (no sign, blanks or base prefix, which strtoul
 * alone would take), at most max. */
int pt_cli_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (*end || errno || *out > max)
		return -EINVAL;
	return 0;
}

int pt_cli_parse_ringbuf_kb(const char *s, unsigned *out)
{
	unsigned long v;

	if (pt_cli_parse_uint(s, ULONG_MAX, &v))
		return -EINVAL;
	/* The kernel wants a power of two number of pages. */
	if (v < RINGBUF_KB_MIN || v > RINGBUF_KB_MAX || (v & (v - 1)))
		return -ERANGE;
	*out = (unsigned)v;
	return 0;
}

/* A pid, pgid or uid, within 32 bits. pids and pgids must be above 0
 * (uid 0 is root). */
int pt_cli_parse_id(const char *s, bool allow_zero, __u32 *out)
{
	unsigned long v;

	if (pt_cli_parse_uint(s, UINT32_MAX, &v) || (!v && !allow_zero))
		return -EINVAL;
	*out = (__u32)v;
	return 0;
}

/* --color's words and what each sets (-1: auto). */
const struct pt_cli_color pt_cli_colors[PT_CLI_N_COLORS] = {
	{ "auto", -1 },
	{ "always", 1 },
	{ "never", 0 },
};

int pt_cli_parse_color(const char *s, int *out)
{
	for (size_t i = 0; i < PT_CLI_N_COLORS; i++)
		if (!strcmp(s, pt_cli_colors[i].word)) {
			*out = pt_cli_colors[i].value;
			return 0;
		}
	return -EINVAL;
}
