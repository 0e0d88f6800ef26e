// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The wall clock a file was written with, recovered from its time column. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "replay_int.h"

/* ---- the time column: which clocks fit it ---- */

static bool fixed_digits(const char *s, int n, int *v)
{
	int i, x = 0; /* not *v: a store through it could change s[] */

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

/* "2026-11-25T17:34:37.123456Z": microseconds since the epoch. The day
 * of the previous row is kept in *day: rows of a file share their day. */
static bool parse_utc_us(const char *s, __int128 *us, struct replay_day *day)
{
	int y, mo, d, h, mi, sec, frac;
	int64_t t;

	if (strlen(s) != 27 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != '.' || s[26] != 'Z')
		return false;
	if (!day->valid || memcmp(day->text, s, sizeof(day->text))) {
		if (!fixed_digits(s, 4, &y) || !fixed_digits(s + 5, 2, &mo) ||
		    !fixed_digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
			return false;
		/* timegm's count (a day past the month's end runs into the
		 * next), without its cost on every row. */
		day->days = pt_days_from_civil(y, (unsigned)mo, (unsigned)d);
		memcpy(day->text, s, sizeof(day->text));
		day->valid = true;
	}
	if (!fixed_digits(s + 11, 2, &h) || !fixed_digits(s + 14, 2, &mi) ||
	    !fixed_digits(s + 17, 2, &sec) || !fixed_digits(s + 20, 6, &frac))
		return false;
	if (h > 23 || mi > 59 || sec > 60)
		return false;
	t = day->days * 86400 + h * 3600 + mi * 60 + sec;
	*us = (__int128)t * 1000000 + frac;
	return true;
}

/* "@SECONDS.NNNNNNNNN", the writer's form for times gmtime cannot take:
 * nanoseconds since the epoch, exact. */
static bool parse_epoch_ns(const char *s, __int128 *ns)
{
	const char *dot = strchr(s, '.');
	char secs[24];
	__u64 sec, nsec;
	bool neg;
	size_t n;

	if (s[0] != '@' || !dot || strlen(dot + 1) != 9)
		return false;
	neg = s[1] == '-';
	n = dot - (s + 1 + neg);
	if (n == 0 || n >= sizeof(secs))
		return false;
	memcpy(secs, s + 1 + neg, n);
	secs[n] = '\0';
	if (!replay_parse_u64(secs, INT64_MAX, &sec) ||
	    !replay_parse_u64(dot + 1, 999999999, &nsec))
		return false;
	*ns = (neg ? -(__int128)sec : (__int128)sec) * 1000000000 + nsec;
	return true;
}

/* The range of boot_to_real_ns that gives this row its time. */
int replay_time_parse(struct pt_replay *r, int64_t *lo, int64_t *hi)
{
	const char *s = replay_field(r, PT_COL_TIME);
	__int128 ts = r->ev->task.ts_ns, v, width;

	if (parse_utc_us(s, &v, &r->day)) {
		v = v * 1000 - ts;
		width = 999;
	} else if (parse_epoch_ns(s, &v)) {
		v -= ts;
		width = 0;
	} else {
		return malformed(r, "time: '%s' is not a UTC time", replay_shown(r, s));
	}
	if (v < INT64_MIN || v + width > INT64_MAX)
		return malformed(r, "time: '%s' is too far from ts_ns", replay_shown(r, s));
	*lo = (int64_t)v;
	*hi = (int64_t)(v + width);
	return 0;
}

/* The writer reads the clock once and gives every row the time of its
 * ts_ns by it, to the microsecond (exactly in the @ form): a row that fits
 * none of the clocks the rows before fit (its time edited, or a file
 * joined from two runs) is malformed, said with the time its ts_ns has by
 * them. */
int replay_clock_fits(struct pt_replay *r, int64_t lo, int64_t hi)
{
	struct pt_clock before;
	struct pt_buf want = { 0 };
	int ret;

	if (!r->have_clock || (lo <= r->off_hi && hi >= r->off_lo))
		return 0;
	pt_replay_clock(r, &before);
	pt_format_utc(&want, &before, r->ev->task.ts_ns);
	ret = malformed(r,
			"time: '%s' is not the time of ts_ns %llu, which the rows before give %s: "
			"a file's times come from its ts_ns and one clock",
			replay_field(r, PT_COL_TIME), (unsigned long long)r->ev->task.ts_ns,
			want.failed ? "?" : want.data);
	pt_buf_free(&want);
	return ret;
}

/* Only clocks that fit every row so far are kept (replay_clock_fits said
 * this row fits one). */
void replay_clock_narrow(struct pt_replay *r, int64_t lo, int64_t hi)
{
	if (!r->have_clock) {
		r->off_lo = lo;
		r->off_hi = hi;
		r->have_clock = true;
		return;
	}
	if (lo > r->off_lo)
		r->off_lo = lo;
	if (hi < r->off_hi)
		r->off_hi = hi;
}

bool pt_replay_clock(const struct pt_replay *r, struct pt_clock *clock)
{
	if (!r->have_clock)
		return false;
	clock->boot_to_real_ns = r->off_lo + (r->off_hi - r->off_lo) / 2;
	return true;
}

/* The clock pass before a replay of a file: only the columns the clock
 * comes from, which is a fraction of what reading each event costs. Rows
 * are taken as pt_replay_next takes them, up to the first one these
 * columns (or the record itself) show malformed; a row malformed only in
 * its other columns still counts here. */
bool pt_replay_scan_clock(struct pt_replay *r, struct pt_clock *clock, __u32 *kinds)
{
	int64_t lo = 0, hi = 0;
	unsigned kind;
	int ret;

	*kinds = 0;
	for (;;) {
		ret = r->json ? replay_read_json_head(r) : replay_read_row(r);
		if (ret <= 0 || r->nfields != PT_NCOLS ||
		    !(kind = replay_kind_from_name(r, replay_field(r, PT_COL_EVENT))) ||
		    replay_col_u64(r, PT_COL_TS_NS, UINT64_MAX, &r->ev->task.ts_ns) ||
		    replay_time_parse(r, &lo, &hi) || replay_clock_fits(r, lo, hi))
			break;
		if (kind < 32)
			*kinds |= 1u << kind;
		replay_clock_narrow(r, lo, hi);
	}
	return pt_replay_clock(r, clock);
}
