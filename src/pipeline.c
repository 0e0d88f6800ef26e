// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The pipeline: each event from the source to the model and every writer,
 * counted on the way (see pipeline.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proctrace/pipeline.h"

static bool wants_views(const struct pt_config *c)
{
	return c->tree || c->timeline || c->svg_path || c->perfetto_path;
}

int pt_pipeline_init(struct pt_pipeline *p, const struct pt_config *cfg)
{
	struct pt_model_opts mo = {
		.threads = cfg->threads,
		.exit_ends = !pt_config_records(cfg, PT_REAP),
	};

	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	if (!wants_views(cfg))
		return 0;
	p->model = pt_model_new(&mo);
	if (!p->model) {
		fprintf(stderr, "proctrace: out of memory\n");
		return -ENOMEM;
	}
	return 0;
}

int pt_pipeline_failed(struct pt_pipeline *p, int err, const char *what)
{
	if (!p->out_err) {
		p->out_err = err;
		p->out_what = what;
	}
	return err;
}

/* "e": a command run under proctrace must not inherit it. */
static FILE *open_file(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "we") : stdout;

	if (!f)
		fprintf(stderr, "proctrace: cannot open %s: %s\n", path, strerror(errno));
	return f;
}

int pt_pipeline_open(struct pt_pipeline *p, const struct pt_clock *clock)
{
	const struct pt_config *c = p->cfg;

	if (c->csv_path) {
		p->csv_file = open_file(c->csv_path);
		if (!p->csv_file)
			return -errno;
		p->csv = pt_csv_open(p->csv_file, clock);
		if (!p->csv) {
			fprintf(stderr, "proctrace: writing %s: %s\n", c->csv_path,
				strerror(errno));
			return -errno;
		}
	}
	if (c->json_path) {
		p->json_file = open_file(c->json_path);
		if (!p->json_file)
			return -errno;
		p->json = pt_jsonl_open(p->json_file, clock);
		if (!p->json) {
			fprintf(stderr, "proctrace: writing %s: %s\n", c->json_path,
				strerror(errno));
			return -errno;
		}
	}
	/* Opened now, written at the end: a path that cannot be written fails
	 * before tracing, not after. */
	if (c->perfetto_path) {
		int err = pt_whole_file_open(&p->perfetto, c->perfetto_path);

		if (err) {
			fprintf(stderr, "proctrace: cannot open %s: %s\n", c->perfetto_path,
				strerror(-err));
			return err;
		}
	}
	/* A file on stdout takes stdout: no live stream then. */
	if (!c->quiet && !pt_config_stdout_taken(c)) {
		struct pt_stream_opts so = {
			.color = c->color < 0 ? isatty(STDOUT_FILENO) : c->color,
			.snapshots = c->verbose > 0,
		};

		p->stream = pt_stream_open(stdout, clock, &so);
		if (!p->stream) {
			fprintf(stderr, "proctrace: stdout: %s\n", strerror(errno));
			return -errno;
		}
	}
	return 0;
}

int pt_pipeline_context(struct pt_pipeline *p, const struct pt_event *ev)
{
	return p->model ? pt_model_feed(p->model, ev) : 0;
}

int pt_pipeline_event(struct pt_pipeline *p, const struct pt_event *ev)
{
	int err = pt_pipeline_context(p, ev);

	if (err)
		return err;
	if (ev->kind < PT_KIND_MAX)
		p->seen[ev->kind]++;
	if (ev->kind == PT_LOST)
		p->lost += ev->lost.count;
	if (p->stream) {
		err = pt_stream_write(p->stream, ev);
		if (err)
			return pt_pipeline_failed(p, err, "the live stream");
	}
	if (p->csv) {
		err = pt_csv_write(p->csv, ev);
		if (err)
			return pt_pipeline_failed(p, err, p->cfg->csv_path);
	}
	if (p->json) {
		err = pt_jsonl_write(p->json, ev);
		if (err)
			return pt_pipeline_failed(p, err, p->cfg->json_path);
	}
	return 0;
}

int pt_pipeline_flush(struct pt_pipeline *p)
{
	int err;

	if (p->stream && fflush(stdout))
		return pt_pipeline_failed(p, -errno, "the live stream");
	if (p->csv) {
		err = pt_csv_flush(p->csv);
		if (err)
			return pt_pipeline_failed(p, err, p->cfg->csv_path);
	}
	if (p->json) {
		err = pt_jsonl_flush(p->json);
		if (err)
			return pt_pipeline_failed(p, err, p->cfg->json_path);
	}
	return 0;
}

int pt_pipeline_finish(struct pt_pipeline *p, __u64 end_ns)
{
	struct pt_perfetto_opts po = { .threads = p->cfg->threads };
	int err;

	if (!p->perfetto.f || !p->model)
		return 0;
	if (end_ns)
		pt_model_set_end(p->model, end_ns);
	err = pt_perfetto_write(p->perfetto.f, p->model, &po);
	if (err) {
		pt_whole_file_abort(&p->perfetto);
		return pt_pipeline_failed(p, err, p->cfg->perfetto_path);
	}
	err = pt_whole_file_commit(&p->perfetto);
	return err ? pt_pipeline_failed(p, err, p->cfg->perfetto_path) : 0;
}

static void close_file(struct pt_pipeline *p, FILE **f, const char *what)
{
	if (*f && *f != stdout && fclose(*f))
		pt_pipeline_failed(p, -errno, what);
	*f = NULL;
}

void pt_pipeline_close(struct pt_pipeline *p)
{
	int err;

	if (!p->cfg)
		return; /* never initialised */
	if (p->stream) {
		err = pt_stream_close(p->stream);
		if (err)
			pt_pipeline_failed(p, err, "the live stream");
		p->stream = NULL;
	}
	if (p->csv) {
		err = pt_csv_close(p->csv);
		if (err)
			pt_pipeline_failed(p, err, p->cfg->csv_path);
		p->csv = NULL;
	}
	if (p->json) {
		err = pt_jsonl_close(p->json);
		if (err)
			pt_pipeline_failed(p, err, p->cfg->json_path);
		p->json = NULL;
	}
	pt_whole_file_abort(&p->perfetto);
	close_file(p, &p->csv_file, p->cfg->csv_path);
	close_file(p, &p->json_file, p->cfg->json_path);
	pt_model_free(p->model);
	p->model = NULL;
}

void pt_pipeline_summary(const struct pt_pipeline *p, FILE *f)
{
	__u64 total = 0;
	int k;

	for (k = 1; k < PT_KIND_MAX; k++)
		if (k != PT_LOST)
			total += p->seen[k];
	fprintf(f, "proctrace: %llu events", (unsigned long long)total);
	for (k = 1; k < PT_KIND_MAX; k++)
		if (k != PT_LOST && p->seen[k])
			fprintf(f, ", %s %llu", pt_kind_name(k), (unsigned long long)p->seen[k]);
	fprintf(f, "; lost %llu\n", (unsigned long long)p->lost);
}
