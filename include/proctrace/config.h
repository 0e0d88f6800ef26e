/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Options, parsed once by cli.c and read by everything else. */
#ifndef PROCTRACE_CONFIG_H
#define PROCTRACE_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

struct pt_config {
	const char *csv_path;  /* -o: CSV destination, "-" for stdout; NULL: none */
	double duration_s;     /* -d: stop after this many seconds; 0: until a signal */
	bool quiet;            /* -q: no live stream */
	bool threads;          /* --threads: thread creation and per-thread exits */
	int verbose;           /* -v, repeatable: libbpf's log, snapshot rows... */
	int color;             /* --color: -1 auto (stdout is a tty), 0 never, 1 always */
	unsigned ringbuf_kb;   /* --ringbuf-kb: BPF ring buffer size in KiB, power of 2 */
	char **command;        /* after "--": command to run and follow; NULL: none */
	int command_argc;
};

enum pt_cli_result {
	PT_CLI_RUN = 0,     /* trace with cfg */
	PT_CLI_EXIT_OK = 1, /* --help or --version printed: exit 0 */
	PT_CLI_USAGE = 2,   /* error and usage printed on err: exit 2 */
};

/* Fill cfg from argv. Help and version go to out, errors and usage to err. */
enum pt_cli_result pt_cli_parse(int argc, char **argv, struct pt_config *cfg,
				FILE *out, FILE *err);

#endif
