/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The live stream's TIME column (--time): how an event's time is shown. */
#ifndef PROCTRACE_TIME_FORMAT_H
#define PROCTRACE_TIME_FORMAT_H

#include <linux/types.h>
#include <stddef.h>
#include "proctrace/buf.h"
#include "proctrace/decode.h"

enum pt_time_format {
	PT_TIME_ABS = 0, /* local time of day to the ms: "17:34:37.123" (default) */
	PT_TIME_REL,	 /* seconds since the stream's first line, to the µs */
	PT_TIME_ISO,	 /* wall clock, UTC, ISO 8601 to the µs */
	PT_TIME_US,	 /* local time of day to the µs: "17:34:37.123456" */
	PT_TIME_NFORMATS,
};

/* --time's words, by enum value ("abs", "rel", "iso", "us"). */
extern const char *const pt_time_format_names[PT_TIME_NFORMATS];

/* The format named s: 0, or -EINVAL (not one of the names). */
int pt_time_format_parse(const char *s, enum pt_time_format *out);

/* Characters the column takes (its header is padded to it); a relative
 * time past 99999 s, or a time gmtime cannot give, may take more. */
size_t pt_time_format_width(enum pt_time_format f);

/* ts_ns (CLOCK_BOOTTIME) into out; first_ns: the time PT_TIME_REL counts
 * from (not after ts_ns: a slightly earlier event of another CPU shows
 * 0). */
void pt_time_format_put(struct pt_buf *out, enum pt_time_format f, const struct pt_clock *c,
			__u64 ts_ns, __u64 first_ns);

#endif
