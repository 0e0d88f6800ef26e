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

#define WORD_MAX 32

/* Calls item() on each item of a comma-separated list (none empty, each
 * shorter than WORD_MAX); stops at the first error. */
static int each_item(const char *s, int (*item)(const char *word, void *ctx), void *ctx)
{
	char word[WORD_MAX];
	size_t n;
	int err;

	for (;;) {
		n = strcspn(s, ",");
		if (n == 0 || n >= sizeof(word))
			return -EINVAL;
		memcpy(word, s, n);
		word[n] = '\0';
		err = item(word, ctx);
		if (err || !s[n])
			return err;
		s += n + 1;
	}
}

static int add_kind(const char *word, void *ctx)
{
	unsigned k = pt_kind_from_name(word);

	if (!pt_kind_recordable(k))
		return -EINVAL;
	*(__u32 *)ctx |= 1u << k;
	return 0;
}

/* -e LIST: names of recordable kinds, comma-separated. */
int pt_parse_kinds(const char *s, __u32 *out)
{
	*out = 0;
	return each_item(s, add_kind, out);
}

/* Other names of signals (signal(7)); the writers use the first ones. */
static const struct {
	const char *alias, *name;
} signal_aliases[] = {
	{ "CLD", "SIGCHLD" },
	{ "IOT", "SIGABRT" },
	{ "POLL", "SIGIO" },
};

/* One signal: its name ("SIGCHLD", "SIGRTMIN+3"), the name without "SIG",
 * one of the other names, or its number (1 to 64). */
static int parse_signal(const char *s, int *sig)
{
	char name[WORD_MAX + 4], *end;
	const char *bare = strncmp(s, "SIG", 3) ? s : s + 3;
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
	for (size_t i = 0; i < sizeof(signal_aliases) / sizeof(signal_aliases[0]); i++)
		if (!strcmp(bare, signal_aliases[i].alias))
			return pt_signal_from_name(signal_aliases[i].name, sig) ? 0 : -EINVAL;
	if (strlen(s) + 4 > sizeof(name))
		return -EINVAL;
	snprintf(name, sizeof(name), "SIG%s", s);
	if (pt_signal_from_name(name, sig) && *sig >= 1 && *sig <= 64)
		return 0;
	return -EINVAL;
}

static int add_signal(const char *word, void *ctx)
{
	int sig;

	if (parse_signal(word, &sig))
		return -EINVAL;
	*(__u64 *)ctx |= 1ull << (sig - 1);
	return 0;
}

/* --signals LIST: signals comma-separated, all but those after a '!'. */
int pt_parse_signals(const char *s, __u64 *out)
{
	bool negate = *s == '!';
	__u64 set = 0;
	int err = each_item(s + negate, add_signal, &set);

	if (err)
		return err;
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

int pt_selection_list(const char *what, FILE *out)
{
	char name[32];

	if (!strcmp(what, "events")) {
		for (unsigned k = 0; k < PT_KIND_MAX; k++)
			if (pt_kind_recordable(k))
				fprintf(out, "%s\n", pt_kind_name(k));
	} else if (!strcmp(what, "signals")) {
		for (int sig = 1; sig <= 64; sig++)
			fprintf(out, "%s\n", pt_signal_name(sig, name, sizeof(name)));
		for (size_t i = 0; i < sizeof(signal_aliases) / sizeof(signal_aliases[0]); i++)
			fprintf(out, "SIG%s\n", signal_aliases[i].alias);
	} else {
		return -EINVAL;
	}
	return 0;
}
