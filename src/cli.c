// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Command line: options into struct pt_config. Options stop at the first
 * word that is not one (or at "--"): the rest is the command to run, whose
 * own options must not be taken for ours. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/config.h"

#ifndef PT_VERSION
#define PT_VERSION "unknown"
#endif

#define DURATION_MAX_S 1e7 /* about 115 days */
#define RINGBUF_KB_MIN 4u  /* one page */
#define RINGBUF_KB_MAX 1048576u
#define RINGBUF_KB_DEFAULT 16384u

/* Long-only options take values above any character. */
enum {
	OPT_THREADS = 256,
	OPT_COLOR,
	OPT_RINGBUF_KB,
};

/* "+": stop at the first non-option; ":": report a missing argument apart
 * from an unknown option, and keep getopt itself quiet. */
static const char short_opts[] = "+:o:d:qvhV";

static const struct option long_opts[] = {
	{ "csv", required_argument, NULL, 'o' },
	{ "duration", required_argument, NULL, 'd' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "threads", no_argument, NULL, OPT_THREADS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "ringbuf-kb", required_argument, NULL, OPT_RINGBUF_KB },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char usage_line[] =
	"Usage: proctrace [OPTIONS] [--] [COMMAND [ARG...]]\n";

static const char help_text[] =
	"Trace the life of processes: fork, threads, exec, exit, reap, signals,\n"
	"stops and continues, process groups, sessions and renames.\n"
	"With a COMMAND, run it and trace until it ends.\n"
	"\n"
	"Options:\n"
	"  -o, --csv FILE        write every event as CSV to FILE ('-': stdout)\n"
	"  -d, --duration SECS   stop after SECS seconds (decimals allowed)\n"
	"  -q, --quiet           no live stream\n"
	"      --threads         show thread creation and per-thread exits\n"
	"  -v, --verbose         more detail; repeat for more (processes already\n"
	"                        running, libbpf messages)\n"
	"      --color WHEN      colour the stream: auto (default), always, never\n"
	"      --ringbuf-kb N    ring buffer size in KiB, a power of two from 4\n"
	"                        to 1048576 (default 16384)\n"
	"  -h, --help            show this help\n"
	"  -V, --version         show the version\n"
	"\n"
	"Examples:\n"
	"  sudo proctrace                       # every process event, live\n"
	"  sudo proctrace -o events.csv -d 60   # also one minute of CSV\n"
	"  sudo proctrace -q -o - | grep ,exec, # CSV on stdout only\n"
	"  sudo proctrace -- make -j8           # run make and follow it\n";

static __attribute__((format(printf, 2, 3))) enum pt_cli_result
usage_error(FILE *err, const char *fmt, ...)
{
	va_list ap;

	fputs("proctrace: ", err);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
	fputs(usage_line, err);
	fputs("Try 'proctrace --help' for more information.\n", err);
	return PT_CLI_USAGE;
}

/* ---- values ---- */

/* Digits with at most one '.', and at least one digit: no sign, exponent,
 * hex, "inf" or surrounding blanks, which strtod alone would accept. */
static bool is_plain_decimal(const char *s)
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

static int parse_duration(const char *s, double *out)
{
	double v;

	if (!is_plain_decimal(s))
		return -EINVAL;
	v = strtod(s, NULL);
	if (!(v > 0) || v > DURATION_MAX_S)
		return -ERANGE;
	*out = v;
	return 0;
}

static int parse_ringbuf_kb(const char *s, unsigned *out)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno)
		return -EINVAL;
	/* The kernel wants a power of two number of pages. */
	if (v < RINGBUF_KB_MIN || v > RINGBUF_KB_MAX || (v & (v - 1)))
		return -ERANGE;
	*out = (unsigned)v;
	return 0;
}

static int parse_color(const char *s, int *out)
{
	if (!strcmp(s, "auto"))
		*out = -1;
	else if (!strcmp(s, "always"))
		*out = 1;
	else if (!strcmp(s, "never"))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

/* ---- getopt's complaints, in our words ---- */

static bool is_known_option(int val)
{
	const struct option *o;

	for (o = long_opts; o->name; o++)
		if (o->val == val)
			return true;
	return false;
}

/* getopt has moved optind past the word of a long option, and past a short
 * option's word when that option needed the missing argument; an unknown
 * short option may sit inside a cluster ("-qx"), so it is named by itself. */
static enum pt_cli_result getopt_error(int c, char **argv, FILE *err)
{
	const char *word = optind > 0 ? argv[optind - 1] : "";
	int word_len = (int)strcspn(word, "="); /* "--csv", not "--csv=x" */
	bool long_form = !strncmp(word, "--", 2);

	if (c == ':' && long_form)
		return usage_error(err, "option '%.*s' needs an argument",
				   word_len, word);
	if (c == ':')
		return usage_error(err, "option '-%c' needs an argument", optopt);
	if (optopt == 0)
		return usage_error(err, "unknown or ambiguous option '%.*s'",
				   word_len, word);
	if (is_known_option(optopt))
		return usage_error(err, "option '%.*s' takes no argument",
				   word_len, word);
	return usage_error(err, "unknown option '-%c'", optopt);
}

/* ---- the parser ---- */

static void set_defaults(struct pt_config *cfg)
{
	*cfg = (struct pt_config){
		.color = -1,
		.ringbuf_kb = RINGBUF_KB_DEFAULT,
		.linger_s = -1, /* a command's run lasts until all it left is reaped */
	};
}

/* One option; PT_CLI_RUN to go on. */
static enum pt_cli_result apply_option(int c, const char *arg,
				       struct pt_config *cfg, FILE *out,
				       FILE *err)
{
	switch (c) {
	case 'o':
		if (!*arg)
			return usage_error(err, "--csv needs a file name ('-' for stdout)");
		cfg->csv_path = arg;
		break;
	case 'd':
		if (parse_duration(arg, &cfg->duration_s))
			return usage_error(err, "invalid duration '%s': expected a number of seconds above 0, up to %.0f",
					   arg, DURATION_MAX_S);
		break;
	case 'q':
		cfg->quiet = true;
		break;
	case OPT_THREADS:
		cfg->threads = true;
		break;
	case 'v':
		cfg->verbose++;
		break;
	case OPT_COLOR:
		if (parse_color(arg, &cfg->color))
			return usage_error(err, "invalid --color '%s': expected auto, always or never",
					   arg);
		break;
	case OPT_RINGBUF_KB:
		if (parse_ringbuf_kb(arg, &cfg->ringbuf_kb))
			return usage_error(err, "invalid --ringbuf-kb '%s': expected a power of two from %u to %u",
					   arg, RINGBUF_KB_MIN, RINGBUF_KB_MAX);
		break;
	case 'h':
		fputs(usage_line, out);
		fputs(help_text, out);
		return PT_CLI_EXIT_OK;
	case 'V':
		fputs("proctrace " PT_VERSION "\n", out);
		return PT_CLI_EXIT_OK;
	}
	return PT_CLI_RUN;
}

enum pt_cli_result pt_cli_parse(int argc, char **argv, struct pt_config *cfg,
				FILE *out, FILE *err)
{
	enum pt_cli_result res;
	int c;

	set_defaults(cfg);
	/* glibc: optind 0 starts a fresh scan, so parsing can run again. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return getopt_error(c, argv, err);
		res = apply_option(c, optarg, cfg, out, err);
		if (res != PT_CLI_RUN)
			return res;
	}
	if (optind < argc) {
		cfg->command = argv + optind;
		cfg->command_argc = argc - optind;
	}
	return PT_CLI_RUN;
}
