/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* --top with a COMMAND: what the command (and proctrace itself) would
 * write on the terminal the view draws on goes to a pseudo-terminal
 * instead (src/view/top_output.c). The view shows its last lines in a
 * pane; once the view has given the terminal back, its last
 * PT_TOP_OUTPUT_KEEP bytes are written where they were meant to go. Only
 * stdout and stderr that are a terminal are taken: a redirected one is
 * left as it is. A stdin that is a terminal is not the command's: it
 * reads /dev/null. */
#ifndef PROCTRACE_TOP_OUTPUT_H
#define PROCTRACE_TOP_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

/* What is kept: the pane's lines and the copy shown after the view. */
#define PT_TOP_OUTPUT_KEEP (64u * 1024u)
/* The pane's lines are cut at this many bytes. */
#define PT_TOP_OUTPUT_COLS 255

struct pt_top_output {
	int master;    /* the pty's master, read by proctrace; -1: none */
	int slave;     /* its slave: the command's stdout/stderr */
	bool out, err; /* fd 1, fd 2 were the terminal, and are taken */
	/* fd 0 was a terminal: the command's is /dev/null instead, so that
	 * the keys typed go to the view, not to a command reading them
	 * (reading, it gets an end of file at once) */
	bool in;
	int saved_err; /* proctrace's own stderr while fd 2 is taken; -1 */
	char *ring;    /* the last PT_TOP_OUTPUT_KEEP bytes read */
	size_t total;  /* bytes read in all */
};

/* A pty when stdout or stderr is a terminal; else o->master is -1 and
 * nothing is taken. 0, or -errno with err set. */
int pt_top_output_open(struct pt_top_output *o, char *err, size_t errlen);
/* In the command's child, before exec: its stdout/stderr (those that were
 * the terminal) become the pty, its stdin (if the terminal) /dev/null.
 * Async-signal-safe. */
void pt_top_output_child(const struct pt_top_output *o);
/* While the view is up: proctrace's own stderr, when it is the terminal,
 * goes to the pty too (warnings then appear in the pane). cols: the
 * pane's width, given to the pty (what `stty size` says there). */
void pt_top_output_take(struct pt_top_output *o, int cols, int rows);
/* Reads what is waiting, never blocking. */
void pt_top_output_read(struct pt_top_output *o);
/* The last max lines, oldest first (printable text only: control and
 * escape sequences dropped, a carriage return starts the line again), each
 * cut at PT_TOP_OUTPUT_COLS bytes and NUL-terminated. Returns how many. */
size_t pt_top_output_lines(const struct pt_top_output *o, char (*out)[PT_TOP_OUTPUT_COLS + 1],
			   size_t max);
/* After the view is closed: stderr given back to proctrace, and what was
 * kept written on stdout (or stderr when only it was taken), with a line
 * saying how much came before. Then everything is closed. */
void pt_top_output_close(struct pt_top_output *o);

#endif
