// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A saved file as a source (--replay): its events in order, and the wall
 * clock it was written with, so that times are written back as the file
 * had them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/replay.h"
#include "proctrace/source.h"
#include "select.h"

struct pt_file_source {
	const char *path;
	FILE *f; /* owned unless it is stdin */
	struct pt_select sel;
	bool selecting;
	struct pt_replay *r;
	bool have_clock;
	struct pt_clock clock;
	__u32 kinds; /* of the rows, found with the clock (0: not read twice) */
	/* The first event, read at open for the clock of a pipe. */
	bool pending;
	int first;
	const struct pt_event *first_ev;
	char first_err[256];
};

/* The clock recovered from every row is exact to the nanosecond range that
 * reproduces each time column; from the first row alone, to the µs. A file
 * (not a pipe) is read twice to get the exact one, so a re-export is
 * byte-identical. */
static bool recover_clock(FILE *f, struct pt_clock *clock, __u32 *kinds)
{
	struct pt_replay *r = pt_replay_open(f, NULL, 0);
	bool ok = r && pt_replay_scan_clock(r, clock, kinds);

	pt_replay_close(r);
	return fseek(f, 0, SEEK_SET) == 0 && ok;
}

static void say(char *err, size_t errlen, const char *path, const char *what)
{
	snprintf(err, errlen, "%s: %s", path, what);
}

int pt_file_open(struct pt_file_source **out, const char *path, char *err, size_t errlen)
{
	struct pt_file_source *s = calloc(1, sizeof(*s));
	bool from_stdin = !strcmp(path, "-");
	char msg[256] = "";

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->path = path;
	s->f = from_stdin ? stdin : fopen(path, "re");
	if (!s->f) {
		int e = errno;

		snprintf(err, errlen, "cannot open %s: %s", path, strerror(e));
		free(s);
		return -e;
	}
	s->have_clock = !from_stdin && recover_clock(s->f, &s->clock, &s->kinds);
	s->r = pt_replay_open(s->f, msg, sizeof(msg));
	if (!s->r) {
		say(err, errlen, path, msg);
		pt_file_close(s);
		return -EINVAL;
	}
	s->first = pt_replay_next(s->r, &s->first_ev, s->first_err, sizeof(s->first_err));
	s->pending = true;
	if (s->first > 0 && !s->have_clock)
		s->have_clock = pt_replay_clock(s->r, &s->clock);
	*out = s;
	return 0;
}

bool pt_file_clock(const struct pt_file_source *s, struct pt_clock *clock)
{
	if (s->have_clock)
		*clock = s->clock;
	return s->have_clock;
}

const struct pt_origin *pt_file_origin(const struct pt_file_source *s)
{
	return pt_replay_origin(s->r);
}

__u32 pt_file_kinds(const struct pt_file_source *s)
{
	return s->kinds;
}

int pt_file_select(struct pt_file_source *s, const struct pt_filter *f, const struct pt_when *since,
		   const struct pt_when *until)
{
	s->selecting = true;
	return pt_select_init(&s->sel, f, since, until);
}

static int read_next(struct pt_file_source *s, const struct pt_event **ev, char *err, size_t errlen)
{
	char msg[256] = "";
	int n;

	if (s->pending) {
		s->pending = false;
		n = s->first;
		*ev = s->first_ev;
		snprintf(msg, sizeof(msg), "%s", s->first_err);
	} else {
		n = pt_replay_next(s->r, ev, msg, sizeof(msg));
	}
	if (n < 0)
		say(err, errlen, s->path, msg);
	return n;
}

int pt_file_next(struct pt_file_source *s, const struct pt_event **ev, char *err, size_t errlen)
{
	int n, keep;

	do {
		n = read_next(s, ev, err, errlen);
		keep = n > 0 && s->selecting ? pt_select_event(&s->sel, *ev, &s->clock) : 1;
	} while (keep == 0);
	if (keep < 0) {
		snprintf(err, errlen, "%s: out of memory", s->path);
		return keep;
	}
	return n;
}

void pt_file_close(struct pt_file_source *s)
{
	if (!s)
		return;
	pt_replay_close(s->r);
	pt_select_free(&s->sel);
	if (s->f && s->f != stdin)
		fclose(s->f);
	free(s);
}
