// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* -c NAME compiled for filter_rules.h's matcher: NAME read item by item as
 * fnmatch(3) reads it; what a [...] set holds is asked of fnmatch itself,
 * byte by byte, so that ranges, negation and classes mean what they mean
 * to fnmatch users (proctrace sets no locale: the C locale's). */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include "proctrace/comm_glob.h"

/* Where the [...] set opening at p ends (its ']'), as fnmatch finds it;
 * NULL if it does not (fnmatch's answer then depends on what the set
 * holds: such a glob is refused). */
static const char *set_end(const char *p)
{
	p++;
	if (*p == '!' || *p == '^')
		p++;
	if (*p == ']')
		p++; /* first: itself */
	while (*p && *p != ']') {
		if (*p == '\\' && p[1]) {
			p += 2;
		} else if (*p == '[' && (p[1] == ':' || p[1] == '=' || p[1] == '.')) {
			char close[3] = { p[1], ']', 0 };
			const char *e = strstr(p + 2, close);

			p = e ? e + 2 : p + 1;
		} else {
			p++;
		}
	}
	return *p ? p : NULL;
}

/* The next item of glob at *p: a '*' (returns 1), or the bytes one
 * comm byte may be (set, returns 0), or an error (-EINVAL, *why says it);
 * *p moves past it. */
static int next_item(const char **p, bool set[256], const char **why)
{
	const char *s = *p, *end;
	char one[2] = { 0 }, pat[PT_COMM_GLOB_LEN];

	memset(set, 0, 256 * sizeof(*set));
	if (*s == '*') {
		*p = s + 1;
		return 1;
	}
	if (*s == '?') {
		memset(set + 1, true, 255 * sizeof(*set));
		*p = s + 1;
		return 0;
	}
	if (*s == '[') {
		end = set_end(s);
		if (!end) {
			*why = "a '[' without its ']' ('\\[' for the byte)";
			return -EINVAL;
		}
		snprintf(pat, sizeof(pat), "%.*s", (int)(end + 1 - s), s);
		for (unsigned c = 1; c < 256; c++) {
			one[0] = (char)c;
			set[c] = fnmatch(pat, one, 0) == 0;
		}
		*p = end + 1;
		return 0;
	}
	if (*s == '\\' && !s[1]) {
		/* fnmatch then matches nothing */
		*why = "a '\\' at its end, quoting nothing";
		return -EINVAL;
	}
	if (*s == '\\')
		s++;
	set[(unsigned char)*s] = true;
	*p = s + 1;
	return 0;
}

int pt_comm_glob_add(struct pt_filter *f, const char *glob, char *err, size_t errlen)
{
	unsigned i = f->n_comms, n = 0;
	__u16 steps[256] = { 0 }, loops = 0;
	const char *p = glob, *why = NULL;
	bool set[256];
	int item;

	if (i >= PT_MAX_FILTER) {
		snprintf(err, errlen, "given at most %d times", PT_MAX_FILTER);
		return -ENOSPC;
	}
	if (!*glob) {
		snprintf(err, errlen, "empty");
		return -EINVAL;
	}
	if (strlen(glob) >= PT_COMM_GLOB_LEN) {
		snprintf(err, errlen, "longer than %d bytes", PT_COMM_GLOB_LEN - 1);
		return -E2BIG;
	}
	while (*p) {
		item = next_item(&p, set, &why);
		if (item < 0) {
			snprintf(err, errlen, "%s", why);
			return item;
		}
		if (item) {
			loops |= 1u << n;
			continue;
		}
		/* A comm has PT_COMM_LEN - 1 bytes at most. */
		if (n == PT_COMM_LEN - 1) {
			snprintf(err, errlen,
				 "it matches more than %d bytes, a command name's most",
				 PT_COMM_LEN - 1);
			return -E2BIG;
		}
		for (unsigned c = 1; c < 256; c++)
			if (set[c])
				steps[c] |= 1u << n;
		n++;
	}
	memcpy(f->comm_steps[i], steps, sizeof(steps));
	f->comm_loops[i] = loops;
	f->comm_accept[i] = 1u << n;
	snprintf(f->comms[i], sizeof(f->comms[i]), "%s", glob);
	f->n_comms++;
	return 0;
}
