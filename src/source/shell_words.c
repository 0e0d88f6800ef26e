// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* argv's shell words (pt_argv_join) back into the NUL-separated block. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "replay_int.h"

/* ---- argv: the shell words of pt_argv_join back into the NUL-separated
 * block. Only the writer's forms are taken: plain safe characters, '...',
 * \' between quoted parts, and $'...' with \xNN \n \r \t \\ \'. ---- */

static void sink_put(struct sink *k, char c)
{
	if (k->len < k->cap)
		k->p[k->len++] = (__u8)c;
	else
		k->over = true;
}

static bool is_shell_safe(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		(c && strchr("_@%+=:,./-", c));
}

/* s is after the opening quote; returns what follows the closing one. */
static const char *single_quoted(const char *s, struct sink *k)
{
	for (; *s != '\''; s++) {
		if (!*s)
			return NULL;
		sink_put(k, *s);
	}
	return s + 1;
}

static const char *ansi_c_quoted(const char *s, struct sink *k)
{
	int hi, lo;

	for (; *s != '\''; s++) {
		if (!*s)
			return NULL;
		if (*s != '\\') {
			sink_put(k, *s);
			continue;
		}
		switch (*++s) {
		case 'n':
			sink_put(k, '\n');
			break;
		case 'r':
			sink_put(k, '\r');
			break;
		case 't':
			sink_put(k, '\t');
			break;
		case '\\':
		case '\'':
			sink_put(k, *s);
			break;
		case 'x':
			hi = replay_hex_digit(s[1]);
			lo = replay_hex_digit(hi < 0 ? '\0' : s[2]);
			if (lo < 0)
				return NULL;
			sink_put(k, (char)(hi << 4 | lo));
			s += 2;
			break;
		default:
			return NULL;
		}
	}
	return s + 1;
}

/* One part of a word: a quoted string, an escaped quote between two, or a
 * plain character. What follows it; NULL when it is none of these. */
static const char *word_part(const char *s, struct sink *k)
{
	if (s[0] == '\'')
		return single_quoted(s + 1, k);
	if (s[0] == '$' && s[1] == '\'')
		return ansi_c_quoted(s + 2, k);
	if (s[0] == '\\' && s[1] == '\'') {
		sink_put(k, '\'');
		return s + 2;
	}
	if (!is_shell_safe(s[0]))
		return NULL;
	sink_put(k, s[0]);
	return s + 1;
}

/* Each word with its NUL: false when s is not the writer's quoting. */
bool replay_argv_words(const char *s, struct sink *k)
{
	const char *word;

	if (!*s)
		return true; /* no arguments at all */
	for (;;) {
		word = s;
		while (s && *s && *s != ' ')
			s = word_part(s, k);
		if (!s || s == word)
			return false; /* not a word; empty word between spaces */
		sink_put(k, '\0');
		if (!*s)
			return true;
		s++;
	}
}
