// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Command line: options into struct pt_config. Options stop at the first
 * word that is not one (or at "--"): the rest is the command to run, whose
 * own options must not be taken for ours. */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "proctrace/comm_glob.h"
#include "proctrace/config.h"
#include "proctrace/outfile.h"
#include "proctrace/filter.h"
#include "proctrace/selection.h"
#include "proctrace/schema.h"

#include "cli_int.h"

static __attribute__((format(printf, 2, 3))) enum pt_cli_result usage_error(FILE *err,
									    const char *fmt, ...)
{
	va_list ap;

	fputs("proctrace: ", err);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputc('\n', err);
	fputs(pt_cli_usage_line, err);
	fputs("Try 'proctrace --help' for more information.\n", err);
	return PT_CLI_USAGE;
}

/* ---- ids, names ---- */

static enum pt_cli_result add_id(const char *opt, const char *arg, bool allow_zero, __u32 *set,
				 unsigned *n, FILE *err)
{
	if (*n >= PT_MAX_FILTER)
		return usage_error(err, "%s may be given at most %d times", opt, PT_MAX_FILTER);
	if (pt_cli_parse_id(arg, allow_zero, &set[*n]))
		return usage_error(err, "invalid %s '%s': expected a number%s", opt, arg,
				   allow_zero ? " or a user name" : " above 0");
	(*n)++;
	return PT_CLI_RUN;
}

/* --uid: a number, or a user name (as -u takes one). */
static enum pt_cli_result add_uid(const char *arg, struct pt_filter *f, FILE *err)
{
	const struct passwd *pw = *arg >= '0' && *arg <= '9' ? NULL : getpwnam(arg);
	char num[16];

	if (pw) {
		snprintf(num, sizeof(num), "%u", (unsigned)pw->pw_uid);
		arg = num;
	}
	return add_id("--uid", arg, true, f->uids, &f->n_uids, err);
}

static enum pt_cli_result add_comm(const char *arg, struct pt_filter *f, FILE *err)
{
	char why[96];

	if (f->n_comms >= PT_MAX_FILTER)
		return usage_error(err, "--comm may be given at most %d times", PT_MAX_FILTER);
	if (pt_comm_glob_add(f, arg, why, sizeof(why)))
		return usage_error(err, "invalid --comm '%s': %s", arg, why);
	return PT_CLI_RUN;
}

/* --list WHAT: the values an option takes, one a line (for completion). */
static enum pt_cli_result list_values(const char *what, FILE *out, FILE *err)
{
	char names[64];

	if (!pt_cli_list_print(what, out))
		return PT_CLI_EXIT_OK;
	pt_cli_list_names(names, sizeof(names), ", ", " or ");
	return usage_error(err, "invalid --list '%s': expected %s", what, names);
}

/* ---- getopt's complaints, in our words ---- */

static bool is_known_option(int val)
{
	const struct option *o;

	for (o = pt_cli_long_opts; o->name; o++)
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
		return usage_error(err, "option '%.*s' needs an argument", word_len, word);
	if (c == ':')
		return usage_error(err, "option '-%c' needs an argument", optopt);
	if (optopt == 0)
		return usage_error(err, "unknown or ambiguous option '%.*s'", word_len, word);
	if (is_known_option(optopt))
		return usage_error(err, "option '%.*s' takes no argument", word_len, word);
	return usage_error(err, "unknown option '-%c'", optopt);
}

/* ---- the parser ---- */

static void set_defaults(struct pt_config *cfg)
{
	*cfg = (struct pt_config){
		.kinds = pt_default_kinds(),
		.signals = ~0ull,
		.color = -1,
		.ringbuf_kb = RINGBUF_KB_DEFAULT,
		.linger_s = -1, /* a command's run lasts until all it left is reaped */
	};
}

/* One option; PT_CLI_RUN to go on. */
static enum pt_cli_result apply_option(int c, const char *arg, struct pt_config *cfg, FILE *out,
				       FILE *err)
{
	switch (c) {
	case 'o':
		if (!*arg)
			return usage_error(err, "--csv needs a file name ('-' for stdout)");
		cfg->csv_path = arg;
		break;
	case 'j':
		if (!*arg)
			return usage_error(err, "--json needs a file name ('-' for stdout)");
		cfg->json_path = arg;
		break;
	case OPT_DB:
		if (!*arg || !strcmp(arg, "-"))
			return usage_error(err,
					   "--db needs a file name (a database is not a stream)");
		cfg->db_path = arg;
		break;
	case 'd':
		if (pt_cli_parse_duration(arg, &cfg->duration_s))
			return usage_error(
				err,
				"invalid duration '%s': expected a number of seconds above 0, up to %.0f",
				arg, DURATION_MAX_S);
		break;
	case 'q':
		cfg->quiet = true;
		break;
	case OPT_THREADS:
		cfg->threads = true;
		break;
	case 'e': {
		__u32 kinds;

		if (pt_parse_kinds(arg, &kinds)) {
			char names[256];

			pt_kinds_list(names, sizeof(names));
			return usage_error(err, "invalid --events '%s': expected some of %s", arg,
					   names);
		}
		/* Repeated, like the filters: the kinds of every list. */
		cfg->kinds = cfg->kinds_given ? cfg->kinds | kinds : kinds;
		cfg->kinds_given = true;
		cfg->threads = cfg->threads || (cfg->kinds & (1u << PT_THREAD));
		break;
	}
	case OPT_SIGNALS: {
		__u64 sigs;

		if (pt_parse_signals(arg, &sigs))
			return usage_error(
				err,
				"invalid --signals '%s': expected signal names or "
				"numbers (1 to 64), comma-separated, after an optional '!'",
				arg);
		if (cfg->signals_given && (cfg->signals_given == '!' || *arg == '!'))
			return usage_error(err,
					   "--signals: an '!' list cannot be combined with "
					   "another list");
		cfg->signals = cfg->signals_given ? cfg->signals | sigs : sigs;
		cfg->signals_given = *arg == '!' ? '!' : '+';
		break;
	}
	case 'v':
		cfg->verbose++;
		break;
	case OPT_COLOR:
		if (pt_cli_parse_color(arg, &cfg->color))
			return usage_error(
				err, "invalid --color '%s': expected auto, always or never", arg);
		break;
	case OPT_TOP:
		cfg->top = true;
		break;
	case OPT_TIME:
		if (pt_time_format_parse(arg, &cfg->time_format))
			return usage_error(err, "invalid --time '%s': expected abs, rel, iso or us",
					   arg);
		break;
	case OPT_RINGBUF_KB:
		if (pt_cli_parse_ringbuf_kb(arg, &cfg->ringbuf_kb))
			return usage_error(
				err,
				"invalid --ringbuf-kb '%s': expected a power of two from %u to %u",
				arg, RINGBUF_KB_MIN, RINGBUF_KB_MAX);
		break;
	case 'g':
		return add_id("--pgid", arg, false, cfg->filter.pgids, &cfg->filter.n_pgids, err);
	case 'p':
		return add_id("--pid", arg, false, cfg->filter.pids, &cfg->filter.n_pids, err);
	case OPT_UID:
		return add_uid(arg, &cfg->filter, err);
	case 'c':
		return add_comm(arg, &cfg->filter, err);
	case OPT_CGROUP: {
		int e = pt_cli_add_cgroup(arg, &cfg->filter);

		if (e)
			return usage_error(err, "invalid --cgroup '%s': %s", arg,
					   pt_cli_cgroup_error(e));
		break;
	}
	case OPT_FAILED:
		cfg->gate.failed = true;
		break;
	case OPT_ARGV:
		if (cfg->gate.n_texts >= PT_MAX_FILTER)
			return usage_error(err, "--argv may be given at most %d times",
					   PT_MAX_FILTER);
		if (!*arg)
			return usage_error(err, "invalid --argv '': expected some text");
		cfg->gate.texts[cfg->gate.n_texts++] = arg;
		break;
	case OPT_LINGER:
		/* 0 is allowed here: stop as soon as the command exits. */
		if (strcmp(arg, "0") && pt_cli_parse_duration(arg, &cfg->linger_s))
			return usage_error(
				err, "invalid --linger '%s': expected a number of seconds", arg);
		if (!strcmp(arg, "0"))
			cfg->linger_s = 0;
		break;
	case 'u':
		if (!*arg)
			return usage_error(err, "--user needs a user name");
		/* A name no user has is the same mistake as --uid's: said here. */
		if (!getpwnam(arg) &&
		    (strspn(arg, "0123456789") != strlen(arg) ||
		     !getpwuid((uid_t)strtoul(arg, NULL, 10))))
			return usage_error(err, "invalid --user '%s': no such user", arg);
		cfg->run_as = arg;
		break;
	case OPT_AS_ROOT:
		cfg->as_root = true;
		break;
	case 't':
		cfg->tree = true;
		break;
	case 'T':
		cfg->timeline = true;
		break;
	case OPT_ASCII:
		cfg->ascii = true;
		break;
	case 'w':
		cfg->wide = true;
		break;
	case OPT_REPLAY:
		if (!*arg)
			return usage_error(err, "--replay needs a file name ('-' for stdin)");
		cfg->replay_path = arg;
		break;
	case OPT_SVG:
		if (!*arg)
			return usage_error(err, "--svg needs a file name");
		cfg->svg_path = arg;
		break;
	case OPT_PERFETTO:
		if (!*arg)
			return usage_error(err, "--perfetto needs a file name ('-' for stdout)");
		cfg->perfetto_path = arg;
		break;
	case 'h':
		if (pt_cli_help_print(out))
			return usage_error(err, "--help: out of memory");
		return PT_CLI_EXIT_OK;
	case 'V':
		return PT_CLI_VERSION;
	case OPT_DRY_RUN:
		cfg->dry_run = true;
		break;
	case OPT_SINCE:
	case OPT_UNTIL:
		if (pt_cli_parse_when(arg, c == OPT_SINCE ? &cfg->since : &cfg->until))
			return usage_error(err,
					   "%s: '%s' is neither seconds from the start nor "
					   "an ISO 8601 time",
					   c == OPT_SINCE ? "--since" : "--until", arg);
		break;
	case OPT_SCHED_EVENTS:
		cfg->sched_events = true;
		/* fall through */
	case OPT_SCHED:
		cfg->sched = true;
		break;
	case OPT_SUMMARY:
		cfg->summary = true;
		break;
	case OPT_LENIENT:
		cfg->lenient = true;
		break;
	case OPT_ROTATE:
		if (pt_parse_size(arg, &cfg->rotate_bytes))
			return usage_error(err,
					   "invalid --rotate '%s': expected a size in bytes from 1 "
					   "to 1T, with K, M or G (10M)",
					   arg);
		break;
	case OPT_KEEP: {
		unsigned long v;

		if (pt_cli_parse_uint(arg, PT_KEEP_MAX, &v) || !v)
			return usage_error(err,
					   "invalid --keep '%s': expected a number from 1 to %d",
					   arg, PT_KEEP_MAX);
		cfg->keep = (unsigned)v;
		break;
	}
	case OPT_COLUMNS:
		pt_schema_print(out);
		return PT_CLI_EXIT_OK;
	case OPT_LIST:
		return list_values(arg, out, err);
	}
	return PT_CLI_RUN;
}

/* Options that only mean something together. */
static bool is_stdout(const char *path)
{
	return path && strcmp(path, "-") == 0;
}

/* Every output option and its path: one table for the rules below. */
struct out_opt {
	const char *opt, *path;
};
#define N_OUT_OPTS 5

static void out_opts(const struct pt_config *cfg, struct out_opt outs[N_OUT_OPTS])
{
	const struct out_opt all[N_OUT_OPTS] = {
		{ "-o", cfg->csv_path },    { "-j", cfg->json_path },
		{ "--svg", cfg->svg_path }, { "--perfetto", cfg->perfetto_path },
		{ "--db", cfg->db_path },
	};

	memcpy(outs, all, sizeof(all));
}

/* Two outputs on one file would destroy each other (by path, or by inode
 * through a link), as an output would the replay's input; and stdout ('-')
 * carries one document at most. */
static enum pt_cli_result check_outputs_apart(const struct pt_config *cfg, FILE *err)
{
	struct out_opt outs[N_OUT_OPTS];
	const char *on_stdout = NULL;

	out_opts(cfg, outs);
	for (size_t i = 0; i < N_OUT_OPTS; i++) {
		if (is_stdout(outs[i].path)) {
			if (on_stdout)
				return usage_error(err,
						   "%s - and %s - both write to stdout: one "
						   "output at most can",
						   on_stdout, outs[i].opt);
			on_stdout = outs[i].opt;
		}
		/* The input is read while the outputs are written. */
		if (cfg->replay_path && outs[i].path &&
		    pt_outfile_same(cfg->replay_path, outs[i].path))
			return usage_error(err,
					   "%s %s is the --replay input %s: an output cannot "
					   "overwrite its input",
					   outs[i].opt, outs[i].path, cfg->replay_path);
		for (size_t k = i + 1; k < N_OUT_OPTS; k++)
			if (outs[i].path && outs[k].path &&
			    pt_outfile_same(outs[i].path, outs[k].path))
				return usage_error(err,
						   "%s %s and %s %s are the same file: each output "
						   "needs its own",
						   outs[i].opt, outs[i].path, outs[k].opt,
						   outs[k].path);
	}
	return PT_CLI_RUN;
}

static enum pt_cli_result check_combination(const struct pt_config *cfg, FILE *err)
{
	if (!cfg->command && (cfg->run_as || cfg->as_root || cfg->linger_s >= 0))
		return usage_error(err, "--user, --as-root and --linger need a COMMAND");
	if (cfg->run_as && cfg->as_root)
		return usage_error(err, "--user and --as-root exclude each other");
	if (check_outputs_apart(cfg, err))
		return PT_CLI_USAGE;
	/* A replay has its events already: no command to run, no time to
	 * wait, no threads to ask the kernel for; its filters run here. */
	if (cfg->replay_path && (cfg->command || cfg->duration_s > 0 || cfg->threads))
		return usage_error(err, "--replay takes no COMMAND, -d or --threads");
	/* A capture's cgroup ids are another boot's, or another machine's. */
	if (cfg->replay_path && cfg->filter.n_cgroups)
		return usage_error(err, "--cgroup follows a live trace, not a --replay");
	if (cfg->top && cfg->replay_path)
		return usage_error(err, "--top shows a live trace: not with --replay");
	/* They are decided on the exit and exec rows. */
	if ((cfg->gate.failed && !pt_config_records(cfg, PT_EXIT)) ||
	    (cfg->gate.n_texts && !pt_config_records(cfg, PT_EXEC)))
		return usage_error(err, "--failed needs exit events, --argv exec events (-e)");
	if (cfg->keep && !cfg->rotate_bytes)
		return usage_error(err, "--keep goes with --rotate");
	/* Rotation renames a file: stdout cannot be, nor is there one then. */
	if (cfg->rotate_bytes &&
	    (!(cfg->csv_path || cfg->json_path) || is_stdout(cfg->csv_path) ||
	     is_stdout(cfg->json_path)))
		return usage_error(err, "--rotate needs -o or -j with a file, not stdout");
	/* Every context switch of the machine through BPF costs too much. */
	if (cfg->sched && !cfg->replay_path && !cfg->command && !pt_filter_active(&cfg->filter, 0))
		return usage_error(err,
				   "--sched needs a filter (-g, -p, -c, --uid or -- COMMAND): "
				   "following the scheduler for the whole machine would cost "
				   "too much");
	if (cfg->sched && cfg->replay_path)
		return usage_error(err,
				   "--sched and --sched-events trace: a replay takes the "
				   "states from its rows");
	if (cfg->summary && !cfg->sched && !cfg->replay_path)
		return usage_error(err,
				   "--summary needs --sched (or --replay of a --sched capture)");
	if (cfg->replay_path && (cfg->kinds != pt_default_kinds() || cfg->signals != ~0ull))
		return usage_error(err,
				   "-e and --signals choose what the kernel records: "
				   "not with --replay");
	/* A choice of signals with no signal rows to apply it to. */
	if (cfg->signals != ~0ull && !(cfg->kinds & (1u << PT_SIGNAL)))
		return usage_error(err, "--signals chooses signal rows: -e leaves signal out");
	if (cfg->since.kind == cfg->until.kind &&
	    (cfg->since.kind == PT_WHEN_REL ? cfg->since.rel_ns > cfg->until.rel_ns
					    : cfg->since.wall_ns > cfg->until.wall_ns))
		return usage_error(err, "--since is after --until: no event could be in between");
	if (!cfg->replay_path &&
	    (cfg->since.kind != PT_WHEN_NONE || cfg->until.kind != PT_WHEN_NONE || cfg->lenient))
		return usage_error(err, "--since, --until and --lenient go with --replay");
	return PT_CLI_RUN;
}

const struct option *pt_cli_long_options(void)
{
	return pt_cli_long_opts;
}

bool pt_config_stdout_taken(const struct pt_config *cfg)
{
	struct out_opt outs[N_OUT_OPTS];

	out_opts(cfg, outs);
	for (size_t i = 0; i < N_OUT_OPTS; i++)
		if (is_stdout(outs[i].path))
			return true;
	return false;
}

enum pt_cli_result pt_cli_parse(int argc, char **argv, struct pt_config *cfg, FILE *out, FILE *err)
{
	enum pt_cli_result res;
	int c;

	set_defaults(cfg);
	cfg->argv = argv;
	cfg->argc = argc;
	/* glibc: optind 0 starts a fresh scan, so parsing can run again. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, pt_cli_short_opts, pt_cli_long_opts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return getopt_error(c, argv, err);
		res = apply_option(c, optarg, cfg, out, err);
		if (res != PT_CLI_RUN)
			return res;
	}
	/* --threads is the thread kind; -e thread sets it (above). */
	if (cfg->threads)
		cfg->kinds |= 1u << PT_THREAD;
	if (optind < argc) {
		cfg->command = argv + optind;
		cfg->command_argc = argc - optind;
	}
	return check_combination(cfg, err);
}
