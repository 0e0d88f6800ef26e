/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Command line internals shared by cli.c (the parser), cli_options.c (the
 * option table and --help) and cli_values.c (option values). */
#ifndef PROCTRACE_CLI_INT_H
#define PROCTRACE_CLI_INT_H

#include <getopt.h>
#include <stdio.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "proctrace/config.h"

#define DURATION_MAX_S 1e7 /* about 115 days */
#define RINGBUF_KB_MIN 4u  /* one page */
#define RINGBUF_KB_MAX 1048576u
#define RINGBUF_KB_DEFAULT 4096u

/* Long-only options take values above any character. */
enum {
	OPT_THREADS = 256,
	OPT_COLOR,
	OPT_RINGBUF_KB,
	OPT_UID,
	OPT_LINGER,
	OPT_AS_ROOT,
	OPT_ASCII,
	OPT_SVG,
	OPT_REPLAY,
	OPT_COLUMNS,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_LENIENT,
	OPT_ROTATE,
	OPT_KEEP,
	OPT_DRY_RUN,
	OPT_SIGNALS,
	OPT_PERFETTO,
	OPT_SCHED,
	OPT_SCHED_EVENTS,
	OPT_SUMMARY,
	OPT_DB,
	OPT_LIST,
	OPT_CGROUP,
	OPT_TIME,
	OPT_TOP,
	OPT_FAILED,
	OPT_ARGV,
};

/* getopt's tables (cli_options.c). */
extern const char pt_cli_short_opts[];
extern const struct option pt_cli_long_opts[];
extern const char pt_cli_usage_line[];
extern const char pt_cli_help_text[];

/* --color's words and what each sets (-1: auto). */
#define PT_CLI_N_COLORS 3
struct pt_cli_color {
	const char *word;
	int value;
};
extern const struct pt_cli_color pt_cli_colors[PT_CLI_N_COLORS];

/* What --list prints (cli_lists.c): a list of the values an option takes,
 * one a line. The one table of them: --list, its error and --help name
 * them from it. */
#define PT_CLI_NLISTS 4
struct pt_cli_list {
	const char *what;   /* --list's word: "events" */
	const char *option; /* the option whose values it lists: "-e" */
	int (*print)(FILE *out);
};
extern const struct pt_cli_list pt_cli_lists[PT_CLI_NLISTS];
/* The values of what on out: 0, or -EINVAL when no list has that name. */
int pt_cli_list_print(const char *what, FILE *out);
/* The lists' names into buf (cut to n), sep between them, last_sep
 * before the last. */
void pt_cli_list_names(char *buf, size_t n, const char *sep, const char *last_sep);
/* The usage line and pt_cli_help_text on out, "{lists}" in it as the
 * lists' names and "{WHAT}" as the values of list WHAT, '|'-joined. 0, or
 * -ENOMEM. */
int pt_cli_help_print(FILE *out);

/* Value parsers: 0, or -EINVAL (not the expected shape) or -ERANGE (out of
 * the option's range); *out is set only on success. */
bool pt_cli_is_plain_decimal(const char *s);
/* Seconds above 0, at most DURATION_MAX_S. */
int pt_cli_parse_duration(const char *s, double *out);
/* --since/--until: seconds from the first event, or an ISO 8601 time. */
int pt_cli_parse_when(const char *s, struct pt_when *w);
/* Plain decimal digits, at most max. */
int pt_cli_parse_uint(const char *s, unsigned long max, unsigned long *out);
/* KiB, a power of two from RINGBUF_KB_MIN to RINGBUF_KB_MAX. */
int pt_cli_parse_ringbuf_kb(const char *s, unsigned *out);
/* A pid, pgid or uid within 32 bits; 0 only when allow_zero. */
int pt_cli_parse_id(const char *s, bool allow_zero, __u32 *out);
int pt_cli_parse_color(const char *s, int *out);
/* --cgroup PATH into f (cli_cgroup.c): 0, -E2BIG (PT_MAX_FILTER given
 * already), -EINVAL (empty, or a "." or ".." name), or the lookup's error
 * (-ENOENT: no such cgroup, or no cgroup2 file system). */
int pt_cli_add_cgroup(const char *s, struct pt_filter *f);
/* What pt_cli_add_cgroup's error err means, for the user. */
const char *pt_cli_cgroup_error(int err);

#endif
