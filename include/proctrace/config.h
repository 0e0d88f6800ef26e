/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Options, parsed once by cli.c and read by everything else. */
#ifndef PROCTRACE_CONFIG_H
#define PROCTRACE_CONFIG_H

#include <linux/types.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "proctrace/event.h"
#include "proctrace/filter_rules.h"
#include "proctrace/gate.h"
#include "proctrace/time_format.h"

/* --since/--until: seconds from the first event, or a wall-clock time. */
struct pt_when {
	enum {
		PT_WHEN_NONE,
		PT_WHEN_REL,
		PT_WHEN_WALL
	} kind;
	__u64 rel_ns;	 /* PT_WHEN_REL: after the first event */
	int64_t wall_ns; /* PT_WHEN_WALL: ns since the epoch, UTC */
};

struct pt_config {
	const char *csv_path;  /* -o: CSV destination, "-" for stdout; NULL: none */
	const char *json_path; /* -j: JSON Lines destination, "-" for stdout; NULL: none */
	const char *db_path;   /* --db: SQLite database (a file); NULL: none */
	char *const *argv;     /* the command line, as given (for the database) */
	int argc;
	__u64 rotate_bytes;		 /* --rotate: rotate -o/-j files past this size; 0: never */
	unsigned keep;			 /* --keep: rotated files kept; 0: not given (default) */
	double duration_s;		 /* -d: stop after this many seconds; 0: until a signal */
	bool quiet;			 /* -q: no live stream */
	bool threads;			 /* --threads: thread creation and per-thread exits */
	int verbose;			 /* -v, repeatable: libbpf's log, snapshot rows... */
	int color;			 /* --color: -1 auto (stdout is a tty), 0 never, 1 always */
	enum pt_time_format time_format; /* --time: the stream's TIME column */
	unsigned ringbuf_kb;		 /* --ringbuf-kb: BPF ring buffer size in KiB, power of 2 */
	char **command;			 /* after "--": command to run and follow; NULL: none */
	int command_argc;
	struct pt_filter filter;
	struct pt_gate_opts gate; /* --failed, --argv: on the event stream (gate.h) */
	__u32 kinds;		  /* -e: bit 1 << kind of each kind recorded (pt_kind_recordable);
			* PT_THREAD exactly when threads is set */
	__u32 kinds_off;	  /* kinds not recorded because this kernel cannot
			  * (set once loaded: the features off) */
	__u64 signals;		  /* --signals: bit sig - 1 of each signal that makes a
			* signal event (stops and continues are kinds of their own) */
	/* -e and --signals given before: a repeated -e adds its kinds, a
	 * repeated --signals its signals ('!' lists cannot be combined). */
	bool kinds_given;
	char signals_given;	     /* 0: not yet; '+': a list; '!': an '!' list */
	double linger_s;	     /* --linger: after COMMAND exits, wait at most this
				* long for its descendants; < 0: until all reaped */
	const char *run_as;	     /* -u USER: run COMMAND as this user */
	bool as_root;		     /* --as-root: keep root for COMMAND under sudo */
	bool tree;		     /* -t: print the process tree at the end */
	bool timeline;		     /* -T: print the state timeline at the end */
	bool ascii;		     /* --ascii: tree drawn with ASCII only */
	bool wide;		     /* -w: text views never cut, even on a terminal */
	const char *svg_path;	     /* --svg FILE: timeline as SVG */
	const char *perfetto_path;   /* --perfetto FILE: Trace Event Format JSON, "-"
				      * for stdout; NULL: none */
	struct pt_when since, until; /* --since, --until: replay's time window */
	bool lenient;		     /* --lenient: replay skips malformed rows */
	bool sched;		     /* --sched: scheduler states of followed tasks */
	bool sched_events;	     /* --sched-events: ... and each change as a row */
	bool summary;		     /* --summary: time per state, per process, at the end */
	bool top;		     /* --top: the live full-screen view (no stream) */
	const char *replay_path;     /* --replay FILE: events from a saved CSV ("-":
				  * stdin) instead of the kernel */
	bool dry_run;		     /* --dry-run: check the options, trace nothing */
};

enum pt_cli_result {
	PT_CLI_RUN = 0,	    /* trace with cfg */
	PT_CLI_EXIT_OK = 1, /* --help or --columns printed: exit 0 */
	PT_CLI_USAGE = 2,   /* error and usage printed on err: exit 2 */
	PT_CLI_VERSION = 3, /* --version: the caller prints the report, exits 0 */
};

struct option;
/* The long options getopt accepts, ending with a NULL name: --help must
 * name each of them (the unit tests check it). */
const struct option *pt_cli_long_options(void);

/* Whether an output (-o, -j, --svg, --perfetto) is stdout ("-"): then
 * there is no live stream, and the views go to stderr. */
bool pt_config_stdout_taken(const struct pt_config *cfg);

/* Whether events of kind k are recorded (-e). */
static inline bool pt_config_records(const struct pt_config *cfg, unsigned k)
{
	return k < 32 && (cfg->kinds & (1u << k));
}

/* The kinds this kernel cannot record: not recorded, and said so. */
static inline void pt_config_kinds_off(struct pt_config *cfg, __u32 off)
{
	cfg->kinds &= ~off;
	cfg->kinds_off = off;
}

/* A live run that records births and ends (-e): after lost events it reads
 * the task list again and repairs what it shows (src/source/rescan.h). */
static inline bool pt_config_repairs(const struct pt_config *cfg)
{
	return !cfg->replay_path && pt_config_records(cfg, PT_FORK) &&
		pt_config_records(cfg, PT_EXIT) && pt_config_records(cfg, PT_REAP);
}

/* Fill cfg from argv. Help and version go to out, errors and usage to err. */
enum pt_cli_result pt_cli_parse(int argc, char **argv, struct pt_config *cfg, FILE *out, FILE *err);

#endif
