// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The calendar arithmetic that replaces gmtime/strftime in the writers and
 * timegm in the replay reader gives exactly what libc gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include "proctrace/decode.h"

static time_t libc_timegm(int y, int month, int day)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = month - 1, .tm_mday = day };

	return timegm(&tm);
}

/* Every day of four centuries (1900-2299, which hold every leap rule), and
 * days 29 to 31 of every month, which timegm runs into the next month. */
static void test_utc_days_from_civil_is_timegm(void **state)
{
	int y, m, d;

	for (y = 1900; y < 2300; y++)
		for (m = 1; m <= 12; m++)
			for (d = 1; d <= 31; d++)
				assert_int_equal(pt_days_from_civil(y, (unsigned)m, (unsigned)d) *
							 86400,
						 libc_timegm(y, m, d));
	/* the ends of the four-digit years, and year 0 */
	assert_int_equal(pt_days_from_civil(1000, 1, 1) * 86400, libc_timegm(1000, 1, 1));
	assert_int_equal(pt_days_from_civil(9999, 12, 31) * 86400, libc_timegm(9999, 12, 31));
	assert_int_equal(pt_days_from_civil(0, 2, 29) * 86400, libc_timegm(0, 2, 29));
}

/* What pt_format_utc wrote before: gmtime, strftime and printf. */
static void libc_format(char *out, size_t n, int64_t real_ns)
{
	int64_t sec = real_ns / 1000000000, nsec = real_ns % 1000000000;
	time_t t;
	struct tm tm;
	char date[32];

	if (nsec < 0) {
		nsec += 1000000000;
		sec--;
	}
	t = (time_t)sec;
	if (!gmtime_r(&t, &tm) || !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(out, n, "@%lld.%09lld", (long long)sec, (long long)nsec);
	else
		snprintf(out, n, "%s.%06lldZ", date, (long long)(nsec / 1000));
}

static void check_format(int64_t real_ns)
{
	struct pt_clock c = { .boot_to_real_ns = real_ns - 1000 };
	struct pt_buf b = { 0 };
	char want[64];

	libc_format(want, sizeof(want), real_ns);
	pt_format_utc(&b, &c, 1000);
	assert_string_equal(b.data, want);
	pt_buf_free(&b);
}

/* The writers' times are nanoseconds in an int64_t: years 1677 to 2262. */
static void test_utc_format_is_gmtime(void **state)
{
	uint64_t x = 88172645463325252ULL;
	int i;

	for (i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		check_format((int64_t)x);
		/* and around today, where seconds and days turn over */
		check_format(1767225600000000000LL + (int64_t)(x % 400000000000000000ULL));
	}
	check_format(0);
	check_format(-1);
	check_format(-86400000000000LL);
	check_format(951782400LL * 1000000000);	     /* 2000-02-29 */
	check_format(4107542400LL * 1000000000 - 1); /* 2100-02-28T23:59:59.999999999 */
	check_format(INT64_MIN + 1000);
	check_format(INT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utc_days_from_civil_is_timegm),
		cmocka_unit_test(test_utc_format_is_gmtime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
