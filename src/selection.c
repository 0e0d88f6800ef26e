// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* What the kernel records (selection.h): the kinds of -e, named as the
 * events are (pt_kind_name: one table), and the signals of --signals. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/decode.h"
#include "proctrace/selection.h"

/* Every kind the kernel side records, threads aside (--threads). */
__u32 pt_default_kinds(void)
{
	__u32 kinds = 0;

	for (unsigned k = 0; k < PT_KIND_MAX; k++)
		if (pt_kind_recordable(k) && k != PT_THREAD)
			kinds |= 1u << k;
	return kinds;
}

/* -e LIST: names of recordable kinds, comma-separated. */
int pt_parse_kinds(const char *s, __u32 *out)
{
	char word[32];
	unsigned k;
	size_t n;

	*out = 0;
	for (;;) {
		n = strcspn(s, ",");
		if (n == 0 || n >= sizeof(word))
			return -EINVAL;
		memcpy(word, s, n);
		word[n] = '\0';
		k = pt_kind_from_name(word);
		if (!pt_kind_recordable(k))
			return -EINVAL;
		*out |= 1u << k;
		if (!s[n])
			return 0;
		s += n + 1;
	}
}

/* One signal: its name ("SIGCHLD", "SIGRTMIN+3"), the name without "SIG",
 * or its number (1 to 64). */
static int parse_signal(const char *s, int *sig)
{
	char name[40], *end;
	unsigned long v;

	if (*s >= '0' && *s <= '9') {
		v = strtoul(s, &end, 10);
		if (*end || v < 1 || v > 64)
			return -EINVAL;
		*sig = (int)v;
		return 0;
	}
	if (pt_signal_from_name(s, sig) && *sig >= 1 && *sig <= 64)
		return 0;
	if (strlen(s) + 4 > sizeof(name))
		return -EINVAL;
	snprintf(name, sizeof(name), "SIG%s", s);
	if (pt_signal_from_name(name, sig) && *sig >= 1 && *sig <= 64)
		return 0;
	return -EINVAL;
}

/* --signals LIST: signals comma-separated, all but those after a '!'. */
int pt_parse_signals(const char *s, __u64 *out)
{
	bool negate = *s == '!';
	char word[32];
	__u64 set = 0;
	size_t n;
	int sig;

	s += negate;
	for (;;) {
		n = strcspn(s, ",");
		if (n == 0 || n >= sizeof(word))
			return -EINVAL;
		memcpy(word, s, n);
		word[n] = '\0';
		if (parse_signal(word, &sig))
			return -EINVAL;
		set |= 1ull << (sig - 1);
		if (!s[n])
			break;
		s += n + 1;
	}
	*out = negate ? ~set : set;
	return 0;
}

void pt_kinds_list(char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < PT_KIND_MAX && used < n; k++)
		if (pt_kind_recordable(k))
			used += snprintf(buf + used, n - used, "%s%s", used ? "," : "",
					 pt_kind_name(k));
}
