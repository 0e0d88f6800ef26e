// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The live stream's TIME column in each --time format (time_format.h). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "proctrace/time_format.h"

const char *const pt_time_format_names[PT_TIME_NFORMATS] = {
	[PT_TIME_ABS] = "abs",
	[PT_TIME_REL] = "rel",
	[PT_TIME_ISO] = "iso",
	[PT_TIME_US] = "us",
};

int pt_time_format_parse(const char *s, enum pt_time_format *out)
{
	for (unsigned f = 0; f < PT_TIME_NFORMATS; f++)
		if (!strcmp(s, pt_time_format_names[f])) {
			*out = (enum pt_time_format)f;
			return 0;
		}
	return -EINVAL;
}

size_t pt_time_format_width(enum pt_time_format f)
{
	switch (f) {
	case PT_TIME_REL:
		return 12; /* "    1.234567" */
	case PT_TIME_ISO:
		return 27; /* "2026-11-25T17:34:37.123456Z" */
	case PT_TIME_US:
		return 15; /* "17:34:37.123456" */
	default:
		return 12; /* "17:34:37.123" */
	}
}

void pt_time_format_put(struct pt_buf *out, enum pt_time_format f, const struct pt_clock *c,
			__u64 ts_ns, __u64 first_ns)
{
	__u64 rel = ts_ns > first_ns ? ts_ns - first_ns : 0;
	size_t start = out->len;

	switch (f) {
	case PT_TIME_REL:
		pt_buf_printf(out, "%5llu.%06llu", (unsigned long long)(rel / 1000000000),
			      (unsigned long long)(rel % 1000000000 / 1000));
		break;
	case PT_TIME_ISO:
		pt_format_utc(out, c, ts_ns);
		break;
	case PT_TIME_US:
		/* The ms form's digits, then the next three. */
		pt_format_local_ms(out, c, ts_ns);
		if (out->len - start == 12)
			pt_buf_printf(
				out, "%03lld",
				(long long)(((int64_t)ts_ns + c->boot_to_real_ns) / 1000 % 1000));
		break;
	default:
		pt_format_local_ms(out, c, ts_ns);
	}
}
