// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --top's output pane (top_output.h): a write on the terminal by anyone
 * but ncurses leaves the view garbled until the next full redraw, so the
 * command's stdout and stderr, and proctrace's own, go to a pty while the
 * view is up. A pty, not a pipe: the command sees a terminal, as it would
 * without --top (line-buffered output, its colours, its width). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "proctrace/top_output.h"

int pt_top_output_open(struct pt_top_output *o, char *err, size_t errlen)
{
	struct termios tio;
	int ret;

	memset(o, 0, sizeof(*o));
	o->master = o->slave = o->saved_err = -1;
	o->in = isatty(STDIN_FILENO);
	o->out = isatty(STDOUT_FILENO);
	o->err = isatty(STDERR_FILENO);
	if (!o->out && !o->err)
		return 0;
	o->ring = malloc(PT_TOP_OUTPUT_KEEP);
	o->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (!o->ring || o->master < 0 || grantpt(o->master) || unlockpt(o->master) ||
	    (o->slave = open(ptsname(o->master), O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		ret = o->ring ? -errno : -ENOMEM;
		snprintf(err, errlen, "--top: a pseudo-terminal for the command's output: %s",
			 strerror(-ret));
		pt_top_output_close(o);
		return ret;
	}
	/* Its output as a terminal would show it, newlines without a
	 * carriage return before them: the pane makes the lines. */
	if (!tcgetattr(o->slave, &tio)) {
		tio.c_oflag &= ~(tcflag_t)ONLCR;
		tcsetattr(o->slave, TCSANOW, &tio);
	}
	return 0;
}

void pt_top_output_child(const struct pt_top_output *o)
{
	int null;

	if (o->in && (null = open("/dev/null", O_RDONLY)) >= 0) {
		dup2(null, STDIN_FILENO);
		if (null != STDIN_FILENO)
			close(null);
	}
	if (o->slave < 0)
		return;
	/* dup2 clears FD_CLOEXEC on the copy. */
	if (o->out)
		dup2(o->slave, STDOUT_FILENO);
	if (o->err)
		dup2(o->slave, STDERR_FILENO);
}

void pt_top_output_take(struct pt_top_output *o, int cols, int rows)
{
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };

	if (o->slave < 0)
		return;
	ioctl(o->slave, TIOCSWINSZ, &ws);
	if (o->err && o->saved_err < 0) {
		fflush(stderr);
		o->saved_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
		if (o->saved_err >= 0)
			dup2(o->slave, STDERR_FILENO);
	}
}

void pt_top_output_read(struct pt_top_output *o)
{
	char buf[4096];
	size_t at, k;
	ssize_t n;

	if (o->master < 0 || !o->ring)
		return;
	fflush(stderr); /* proctrace's own lines, when stderr is taken */
	/* EAGAIN: nothing more; EIO: no writer left (the command gone). */
	while ((n = read(o->master, buf, sizeof(buf))) > 0) {
		for (k = 0; k < (size_t)n; k += at) {
			size_t pos = o->total % PT_TOP_OUTPUT_KEEP;

			at = PT_TOP_OUTPUT_KEEP - pos < (size_t)n - k ? PT_TOP_OUTPUT_KEEP - pos
								      : (size_t)n - k;
			memcpy(o->ring + pos, buf + k, at);
			o->total += at;
		}
	}
}

/* The i-th byte kept, 0 the oldest. */
static char kept_at(const struct pt_top_output *o, size_t i)
{
	size_t kept = o->total < PT_TOP_OUTPUT_KEEP ? o->total : PT_TOP_OUTPUT_KEEP;

	return o->ring[(o->total - kept + i) % PT_TOP_OUTPUT_KEEP];
}

/* The printable text of bytes [from, to) into line. */
static void clean_line(const struct pt_top_output *o, size_t from, size_t to,
		       char line[PT_TOP_OUTPUT_COLS + 1])
{
	size_t len = 0, i;

	for (i = from; i < to; i++) {
		unsigned char c = (unsigned char)kept_at(o, i);

		if (c == 0x1b && i + 1 < to) {
			/* CSI: parameters up to a final byte; OSC: up to BEL or
			 * ESC \; else one byte after the escape. */
			c = (unsigned char)kept_at(o, ++i);
			if (c == '[') {
				while (++i < to &&
				       ((unsigned char)kept_at(o, i) < 0x40 ||
					(unsigned char)kept_at(o, i) > 0x7e))
					;
			} else if (c == ']') {
				while (++i < to && kept_at(o, i) != '\a' && kept_at(o, i) != 0x1b)
					;
				i += i < to && kept_at(o, i) == 0x1b;
			}
			continue;
		}
		if (c == '\r') {
			len = 0;
			continue;
		}
		if (c == '\t')
			c = ' ';
		if ((c < 0x20 || c == 0x7f) || len >= PT_TOP_OUTPUT_COLS)
			continue;
		line[len++] = (char)c;
	}
	line[len] = '\0';
}

size_t pt_top_output_lines(const struct pt_top_output *o, char (*out)[PT_TOP_OUTPUT_COLS + 1],
			   size_t max)
{
	size_t kept = o->total < PT_TOP_OUTPUT_KEEP ? o->total : PT_TOP_OUTPUT_KEEP;
	size_t end = kept, start, n = 0, i;

	if (!kept || !max)
		return 0;
	/* A last line without its newline yet is a line too. */
	if (kept_at(o, end - 1) == '\n')
		end--;
	/* From the end back: each line's start, then written oldest first. */
	while (n < max) {
		for (start = end; start && kept_at(o, start - 1) != '\n'; start--)
			;
		clean_line(o, start, end, out[max - 1 - n]);
		n++;
		if (!start)
			break;
		end = start - 1;
	}
	if (n < max)
		for (i = 0; i < n; i++)
			memmove(out[i], out[max - n + i], sizeof(out[i]));
	return n;
}

static void write_all(int fd, const char *b, size_t len)
{
	ssize_t n;

	while (len && (n = write(fd, b, len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return; /* the terminal gone: nothing to show it on */
		b += n;
		len -= (size_t)n;
	}
}

void pt_top_output_close(struct pt_top_output *o)
{
	int fd = o->out ? STDOUT_FILENO : STDERR_FILENO;
	size_t kept, pos;

	pt_top_output_read(o);
	if (o->saved_err >= 0) {
		fflush(stderr);
		dup2(o->saved_err, STDERR_FILENO);
		close(o->saved_err);
		o->saved_err = -1;
	}
	kept = o->total < PT_TOP_OUTPUT_KEEP ? o->total : PT_TOP_OUTPUT_KEEP;
	pos = o->total % PT_TOP_OUTPUT_KEEP;
	if (o->total > kept)
		fprintf(stderr, "proctrace: the output under --top, its last %zu bytes of %zu:\n",
			kept, o->total);
	if (kept == PT_TOP_OUTPUT_KEEP) {
		write_all(fd, o->ring + pos, PT_TOP_OUTPUT_KEEP - pos);
		write_all(fd, o->ring, pos);
	} else if (kept) {
		write_all(fd, o->ring, kept);
	}
	if (o->slave >= 0)
		close(o->slave);
	if (o->master >= 0)
		close(o->master);
	free(o->ring);
	o->ring = NULL;
	o->master = o->slave = -1;
	o->total = 0;
}
