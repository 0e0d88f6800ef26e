// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* An output file and its writer, rotated and reopened at row boundaries
 * (see output.h). The writer is closed (all its rows written) before its
 * file is, and a new one opened on the new file, so each file starts with
 * its own header. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/outfile.h"
#include "proctrace/output.h"
#include "proctrace/writer.h"

struct pt_output {
	enum pt_output_format fmt;
	struct pt_output_opts opts;
	struct pt_clock clock;
	struct pt_outfile file;
	struct pt_csv *csv; /* the writer on file.f, one of the two */
	struct pt_jsonl *jsonl;
	int err;       /* first error, kept */
	char why[512]; /* its line */
};

static int failed(struct pt_output *o, int err)
{
	if (!o->err) {
		o->err = err;
		if (!o->why[0])
			snprintf(o->why, sizeof(o->why), "writing %s: %s", o->file.path,
				 strerror(-err));
	}
	return o->err;
}

/* A writer on the file just opened: the CSV writes its header. */
static int writer_open(struct pt_output *o)
{
	if (o->fmt == PT_OUTPUT_CSV)
		o->csv = pt_csv_open(o->file.f, &o->clock);
	else
		o->jsonl = pt_jsonl_open(o->file.f, &o->clock);
	if (o->jsonl)
		pt_jsonl_set_origin(o->jsonl, o->opts.origin);
	return o->csv || o->jsonl ? 0 : failed(o, -errno);
}

/* Every row it holds written to the file; the file stays open. */
static int writer_close(struct pt_output *o)
{
	int err = o->csv ? pt_csv_close(o->csv) : pt_jsonl_close(o->jsonl);

	o->csv = NULL;
	o->jsonl = NULL;
	return err ? failed(o, err) : 0;
}

static __u64 writer_size(const struct pt_output *o)
{
	return o->csv ? pt_csv_size(o->csv) : pt_jsonl_size(o->jsonl);
}

int pt_output_open(struct pt_output **out, enum pt_output_format fmt, const char *path,
		   const struct pt_output_opts *opts, const struct pt_clock *clock, char *err,
		   size_t errlen)
{
	struct pt_output *o = calloc(1, sizeof(*o));
	int ret;

	*out = NULL;
	if (!o) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	o->fmt = fmt;
	o->opts = *opts;
	o->clock = *clock;
	ret = pt_outfile_open(&o->file, path, o->opts.rotate_bytes ? o->opts.keep : 0,
			      o->opts.beside, err, errlen);
	if (!ret && writer_open(o)) {
		ret = o->err;
		snprintf(err, errlen, "%s", o->why);
	}
	if (ret) {
		pt_outfile_close(&o->file);
		free(o);
		return ret;
	}
	*out = o;
	return 0;
}

static int rotate(struct pt_output *o)
{
	int err = writer_close(o);

	if (!err)
		err = pt_outfile_rotate(&o->file, o->why, sizeof(o->why));
	if (err)
		return failed(o, err);
	return writer_open(o);
}

int pt_output_write(struct pt_output *o, const struct pt_event *ev)
{
	int err;

	if (o->err)
		return o->err;
	err = o->csv ? pt_csv_write(o->csv, ev) : pt_jsonl_write(o->jsonl, ev);
	if (err)
		return failed(o, err);
	if (o->opts.rotate_bytes && writer_size(o) >= o->opts.rotate_bytes)
		return rotate(o);
	return 0;
}

int pt_output_flush(struct pt_output *o)
{
	int err;

	if (o->err)
		return o->err;
	err = o->csv ? pt_csv_flush(o->csv) : pt_jsonl_flush(o->jsonl);
	return err ? failed(o, err) : 0;
}

int pt_output_reopen(struct pt_output *o)
{
	const char *path = o->file.path;
	int err = pt_output_flush(o);

	if (err || pt_outfile_still_there(&o->file))
		return err;
	err = writer_close(o);
	if (!err)
		err = pt_outfile_close(&o->file);
	if (!err)
		err = pt_outfile_open(&o->file, path, o->file.keep, false, o->why, sizeof(o->why));
	if (err)
		return failed(o, err);
	return writer_open(o);
}

int pt_output_commit(struct pt_output *o, bool sync)
{
	/* Not flushed otherwise: stdout may be a pipe no one reads yet. */
	int err = sync ? pt_output_flush(o) : o->err;

	if (!err)
		err = pt_outfile_commit(&o->file, sync, o->why, sizeof(o->why));
	return err ? failed(o, err) : 0;
}

const char *pt_output_error(const struct pt_output *o)
{
	return o->err ? o->why : "";
}

int pt_output_close(struct pt_output *o, char *why, size_t whylen)
{
	int err, err2;

	if (!o)
		return 0;
	err = o->csv || o->jsonl ? writer_close(o) : o->err;
	err2 = pt_outfile_close(&o->file);
	if (!err && err2)
		err = failed(o, err2);
	if (err)
		snprintf(why, whylen, "%s", o->why);
	free(o);
	return err;
}
