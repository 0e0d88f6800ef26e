// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Command line: the options proctrace takes, and its --help text. */
#include <getopt.h>
#include "cli_int.h"

/* "+": stop at the first non-option; ":": report a missing argument apart
 * from an unknown option, and keep getopt itself quiet. */
const char pt_cli_short_opts[] = "+:o:j:d:qvhVg:p:c:u:tTwe:";

const struct option pt_cli_long_opts[] = {
	{ "csv", required_argument, NULL, 'o' },
	{ "json", required_argument, NULL, 'j' },
	{ "db", required_argument, NULL, OPT_DB },
	{ "duration", required_argument, NULL, 'd' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "threads", no_argument, NULL, OPT_THREADS },
	{ "events", required_argument, NULL, 'e' },
	{ "signals", required_argument, NULL, OPT_SIGNALS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "ringbuf-kb", required_argument, NULL, OPT_RINGBUF_KB },
	{ "pgid", required_argument, NULL, 'g' },
	{ "pid", required_argument, NULL, 'p' },
	{ "comm", required_argument, NULL, 'c' },
	{ "uid", required_argument, NULL, OPT_UID },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "failed", no_argument, NULL, OPT_FAILED },
	{ "argv", required_argument, NULL, OPT_ARGV },
	{ "linger", required_argument, NULL, OPT_LINGER },
	{ "user", required_argument, NULL, 'u' },
	{ "as-root", no_argument, NULL, OPT_AS_ROOT },
	{ "tree", no_argument, NULL, 't' },
	{ "top", no_argument, NULL, OPT_TOP },
	{ "timeline", no_argument, NULL, 'T' },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "wide", no_argument, NULL, 'w' },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "perfetto", required_argument, NULL, OPT_PERFETTO },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "columns", no_argument, NULL, OPT_COLUMNS },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "lenient", no_argument, NULL, OPT_LENIENT },
	{ "rotate", required_argument, NULL, OPT_ROTATE },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "sched", no_argument, NULL, OPT_SCHED },
	{ "sched-events", no_argument, NULL, OPT_SCHED_EVENTS },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "list", required_argument, NULL, OPT_LIST },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

const char pt_cli_usage_line[] = "Usage: proctrace [OPTIONS] [--] [COMMAND [ARG...]]\n";

/* One screen (at most 30 lines of 80 columns, checked by the unit tests):
 * options by what they are for, a few to a line; what each means in detail
 * is in proctrace(8). A new option goes on the line of its group, and into
 * the man page and the README (make test checks both). "{...}" are value
 * lists, filled from their one table (pt_cli_help_print). */
const char pt_cli_help_text[] =
	"Trace the life of processes with eBPF: fork, threads, exec, exit, reap,\n"
	"signals, stops and continues, process groups, sessions and renames.\n"
	"Runs until Ctrl-C, -d SECS, or the end of COMMAND. Details: man proctrace\n"
	"\n"
	"Output   -o, --csv FILE   -j, --json FILE   (every event; '-': stdout)\n"
	"         --db FILE   (SQLite: events, processes, lost, trace; typed)\n"
	"         --rotate SIZE   --keep N   (FILE.1...; SIGHUP reopens the files)\n"
	"         -q, --quiet   -v, --verbose   --color WHEN   --time {times}\n"
	"         --threads\n"
	"Follow   -g, --pgid PGID   -p, --pid PID   -c, --comm NAME   --uid USER\n"
	"         --cgroup PATH   (in the kernel; repeated: OR, different ones: AND)\n"
	"         --failed   --argv TEXT   (in userspace: failed ends, exec args)\n"
	"Command  -- COMMAND [ARG...]   --linger SECS   -u, --user USER   --as-root\n"
	"Select   -e, --events LIST   --signals LIST   (kinds, signals; in the kernel)\n"
	"Sched    --sched   --sched-events   --summary   (need a filter or COMMAND)\n"
	"Views    -t, --tree   -T, --timeline   --svg FILE   --ascii   -w, --wide\n"
	"         --perfetto FILE   (a trace for ui.perfetto.dev; '-': stdout)\n"
	"         --top   (live: tree, states, CPU, age, last event, recent exits)\n"
	"Replay   --replay FILE   --since WHEN   --until WHEN   --lenient\n"
	"Other    -d, --duration SECS   --ringbuf-kb N   --columns   --dry-run\n"
	"         --list {lists}   -h, --help   -V, --version\n"
	"\n"
	"Examples:\n"
	"  sudo proctrace                          every process event, live\n"
	"  sudo proctrace -d 60 -o events.csv      one minute, also as CSV\n"
	"  sudo proctrace -q -j - | jq .           JSON Lines on stdout only\n"
	"  sudo proctrace -g 4242 --tree           one process group, then its tree\n"
	"  sudo proctrace -T -- make -j8           run make, follow it, its timeline\n"
	"  proctrace --replay events.csv -p 1234   1234's subtree from a capture\n";
