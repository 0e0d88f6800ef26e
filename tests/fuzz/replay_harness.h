/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The replay path of `proctrace --replay FILE --lenient -t -T --svg F
 * --perfetto F -o F -j F` on a buffer: the reader (its clock pass and its
 * events, bad rows skipped as --lenient does), every event into the model
 * and the CSV, JSON Lines and stream writers, then the views and the
 * Perfetto trace. Output goes to /dev/null: what is
 * checked is that nothing crashes, leaks or has undefined behaviour. */
#ifndef PROCTRACE_FUZZ_REPLAY_HARNESS_H
#define PROCTRACE_FUZZ_REPLAY_HARNESS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/model.h"
#include "proctrace/replay.h"
#include "proctrace/views.h"
#include "proctrace/writer.h"

static FILE *fuzz_null(void)
{
	static FILE *null;

	if (!null)
		null = fopen("/dev/null", "w");
	if (!null)
		abort();
	return null;
}

static void fuzz_views(struct pt_model *m)
{
	struct pt_view_opts o = { .width = PT_VIEW_DEFAULT_WIDTH, .verbose = true,
				  .threads = true };
	struct pt_perfetto_opts po = { .threads = true };

	pt_tree_write(fuzz_null(), m, &o);
	pt_timeline_write(fuzz_null(), m, &o);
	pt_svg_write(fuzz_null(), m, &o);
	pt_perfetto_write(fuzz_null(), m, &po);
	o.ascii = true;
	pt_tree_write(fuzz_null(), m, &o);
}

static void fuzz_replay(const char *text, size_t len)
{
	struct pt_model_opts mo = { .threads = true };
	struct pt_stream_opts so = { .snapshots = true };
	struct pt_clock clock = { 0 };
	__u32 kinds;
	const struct pt_event *ev;
	struct pt_replay *r;
	struct pt_model *m;
	struct pt_jsonl *json;
	struct pt_stream *stream;
	struct pt_csv *csv;
	char err[256];
	FILE *f;
	int n;

	if (!len)
		return;
	/* The clock pass, as a replay of a file makes it first. */
	f = fmemopen((void *)text, len, "r");
	if (!f)
		abort();
	r = pt_replay_open(f, err, sizeof(err));
	if (r)
		pt_replay_scan_clock(r, &clock, &kinds);
	pt_replay_close(r);
	fclose(f);

	f = fmemopen((void *)text, len, "r");
	if (!f)
		abort();
	r = pt_replay_open(f, err, sizeof(err));
	if (!r) {
		fclose(f);
		return;
	}
	m = pt_model_new(&mo);
	csv = pt_csv_open(fuzz_null(), &clock);
	json = pt_jsonl_open(fuzz_null(), &clock);
	stream = pt_stream_open(fuzz_null(), &clock, &so);
	if (!m || !csv || !json || !stream)
		abort();
	while ((n = pt_replay_next(r, &ev, err, sizeof(err))) != 0) {
		if (n < 0) {
			if (n != -EINVAL)
				break;
			continue;
		}
		if (pt_model_feed(m, ev) == -ENOMEM)
			break;
		pt_csv_write(csv, ev);
		pt_jsonl_write(json, ev);
		pt_stream_write(stream, ev);
	}
	pt_replay_clock(r, &clock);
	pt_csv_close(csv);
	pt_jsonl_close(json);
	pt_stream_close(stream);
	fuzz_views(m);
	pt_model_free(m);
	pt_replay_close(r);
	fclose(f);
}

#endif
