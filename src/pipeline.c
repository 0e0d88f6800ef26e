// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The pipeline: each event from the source to the model and every writer,
 * counted on the way (see pipeline.h). */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "proctrace/cgroup.h"
#include "proctrace/outfile.h"
#include "proctrace/pipeline.h"
#include "proctrace/privileges.h"

static bool wants_views(const struct pt_config *c)
{
	return c->tree || c->timeline || c->svg_path || c->perfetto_path || c->summary;
}

/* Events between two culls of a whole-machine live view. */
#define CULL_EVERY 4096
/* Processes culled before the freed heap is handed back to the kernel
 * (about 16 MiB of nodes; malloc_trim walks the heap, a few ms). */
#define TRIM_AFTER_CULLED 16384

/* Live, every process of the machine, only views drawn from the model:
 * over hours the model would hold every process that ever ran. Ended
 * ones leave it PT_CULL_LINGER_NS after their end (counted, and in the
 * -o/-j outputs); the database and the Perfetto trace are written from
 * the model and want them all. */
static bool wants_cull(const struct pt_config *c)
{
	const struct pt_filter *f = &c->filter;

	return !c->replay_path && !c->command && !f->n_pgids && !f->n_pids && !f->n_uids &&
		!f->n_comms && !c->db_path && !c->perfetto_path;
}

static int deliver(void *ctx, const struct pt_event *ev);

int pt_pipeline_init(struct pt_pipeline *p, const struct pt_config *cfg)
{
	struct pt_model_opts mo = {
		.threads = cfg->threads,
		.exit_ends = !pt_config_records(cfg, PT_REAP),
	};

	memset(p, 0, sizeof(*p));
	p->cfg = cfg;
	if (pt_gate_wanted(&cfg->gate)) {
		p->gate = pt_gate_new(&cfg->gate, PT_GATE_HELD_MAX, deliver, p);
		if (!p->gate) {
			fprintf(stderr, "proctrace: out of memory\n");
			return -ENOMEM;
		}
	}
	p->views = wants_views(cfg);
	p->cull = p->views && wants_cull(cfg);
	mo.cull = p->cull;
	if (!p->views && !cfg->db_path && !cfg->top && !pt_config_repairs(cfg))
		return 0;
	/* The database's processes table is the model's whole view, and --top
	 * draws from it while tracing. */
	if (!p->views && !cfg->db_path && !cfg->top) {
		/* Who is alive, to repair after lost events: memory bounded. */
		mo.threads = false;
		mo.max_ended = 1024;
		mo.lean = true;
	} else if (!p->views && !cfg->db_path) {
		/* --top alone: the ended processes it shows are the latest ones;
		 * holding every other would make each drawing walk them all. */
		mo.max_ended = 4096;
	}
	/* The views, the Perfetto trace and the database are drawn from the
	 * model when tracing ends (the database read in place too, without
	 * making a process whole again): ended processes kept compact. --top
	 * holds the processes of a walk while it sorts and draws them. */
	mo.compact = (p->views || cfg->db_path) && !cfg->top;
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
		snprintf(p->out_msg, sizeof(p->out_msg), "writing %s: %s", what, strerror(-err));
	}
	return err;
}

int pt_pipeline_failed_why(struct pt_pipeline *p, int err, const char *what, const char *why)
{
	if (!p->out_err) {
		pt_pipeline_failed(p, err, what);
		if (why[0])
			snprintf(p->out_msg, sizeof(p->out_msg), "%s", why);
	}
	return err;
}

static bool is_stdout(const char *path)
{
	return path && !strcmp(path, "-");
}

static int open_output(struct pt_pipeline *p, struct pt_output **o, enum pt_output_format fmt,
		       const char *path, const struct pt_clock *clock)
{
	const struct pt_config *c = p->cfg;
	struct pt_output_opts opts = {
		.rotate_bytes = c->rotate_bytes,
		.keep = c->keep ? c->keep : PT_KEEP_DEFAULT,
		.beside = true, /* until pt_pipeline_commit() */
		.origin = p->origin,
	};
	char err[512];
	int ret;

	if (!path)
		return 0;
	ret = pt_output_open(o, fmt, path, &opts, clock, err, sizeof(err));
	/* The CSV header is written at once: stdout's reader may be gone by
	 * then, which ends the stdout outputs quietly, as later. */
	if (ret && pt_pipeline_reader_gone(p, ret, is_stdout(path)))
		return 0;
	if (ret)
		fprintf(stderr, "proctrace: %s\n", err);
	return ret;
}

#ifndef PT_VERSION
#define PT_VERSION "unknown"
#endif

/* --db: the database, with what its trace row says of the machine (live:
 * this one; a replay: what the capture's first row says, if anything). */
static int open_db(struct pt_pipeline *p, const struct pt_clock *clock)
{
	const struct pt_config *c = p->cfg;
	const struct pt_origin *at = p->origin;
	bool live = !c->replay_path;
	struct utsname u;
	char err[512];
	int ret;
	struct pt_db_opts o = {
		.path = c->db_path,
		.in_place = live,
		.threads = c->threads,
		.clock = clock,
		.model = p->model,
		.argv = c->argv,
		.argc = c->argc,
		.version = PT_VERSION,
		.source = live ? "live" : c->replay_path,
		.host = at && at->host[0] ? at->host : NULL,
		.boot_id = at && at->boot_id[0] ? at->boot_id : NULL,
	};

	if (!c->db_path)
		return 0;
	if (live && !uname(&u))
		o.kernel = u.release;
	ret = pt_db_open(&p->db, &o, err, sizeof(err));
	if (ret)
		fprintf(stderr, "proctrace: %s\n", err);
	return ret;
}

/* Files written when tracing ends, made only then (a run killed before
 * leaves nothing of them): one that could not be written would be found
 * out then, the trace lost. Said now, before any output is opened (a
 * refused run leaves the files at their paths as they were): the checks
 * of their opening, then, live, the user proctrace runs as once attached
 * (without the capabilities it drops then). */
static int check_end_files(const struct pt_pipeline *p)
{
	const char *paths[] = { p->cfg->svg_path, p->cfg->perfetto_path };
	char err[512];
	int ret = 0;

	for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]) && !ret; i++) {
		if (!paths[i])
			continue;
		ret = pt_outfile_check(paths[i], NULL, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "proctrace: %s\n", err);
			break;
		}
		/* Both are written beside and renamed over their name once whole. */
		ret = p->end_user ? pt_privileges_can_write_as(p->end_user, paths[i], true) : 0;
		if (ret)
			fprintf(stderr,
				"proctrace: cannot write %s as uid %u, which proctrace runs as once "
				"attached: %s\n",
				paths[i], (unsigned)p->end_user->uid, strerror(-ret));
	}
	return ret;
}

int pt_pipeline_open(struct pt_pipeline *p, const struct pt_clock *clock)
{
	const struct pt_config *c = p->cfg;
	int ret;

	ret = check_end_files(p);
	if (!ret)
		ret = open_output(p, &p->csv, PT_OUTPUT_CSV, c->csv_path, clock);
	if (!ret)
		ret = open_output(p, &p->json, PT_OUTPUT_JSONL, c->json_path, clock);
	if (ret)
		return ret;
	p->perfetto_due = c->perfetto_path != NULL;
	/* Last: live, the database is written in place from its opening, so
	 * every other output's refusal comes before it. */
	ret = open_db(p, clock);
	if (ret)
		return ret;
	/* A file on stdout takes stdout, --top the terminal: no live stream then. */
	if (!c->quiet && !c->top && !pt_config_stdout_taken(c)) {
		struct pt_stream_opts so = {
			.color = c->color < 0 ? isatty(STDOUT_FILENO) : c->color,
			.snapshots = c->verbose > 0,
			.time = c->time_format,
		};

		p->stream = pt_stream_open(stdout, clock, &so);
		if (!p->stream) {
			fprintf(stderr, "proctrace: stdout: %s\n", strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* Nothing is written to stdout any more: the stream, and -o, -j or
 * --perfetto on "-", are closed, their errors (EPIPE again) let be. */
static void drop_stdout(struct pt_pipeline *p)
{
	char why[8];

	if (p->stream)
		pt_stream_close(p->stream);
	p->stream = NULL;
	if (p->csv && is_stdout(p->cfg->csv_path)) {
		pt_output_close(p->csv, why, sizeof(why));
		p->csv = NULL;
	}
	if (p->json && is_stdout(p->cfg->json_path)) {
		pt_output_close(p->json, why, sizeof(why));
		p->json = NULL;
	}
	if (is_stdout(p->cfg->perfetto_path))
		p->perfetto_due = false;
}

bool pt_pipeline_reader_gone(struct pt_pipeline *p, int err, bool on_stdout)
{
	if (err != -EPIPE || !on_stdout)
		return false;
	p->stdout_gone = true;
	drop_stdout(p);
	return true;
}

bool pt_pipeline_files_left(const struct pt_pipeline *p)
{
	/* The text views go to stderr when stdout carries a file. */
	return p->csv || p->json || p->perfetto_due || p->cfg->svg_path ||
		(p->views && pt_config_stdout_taken(p->cfg));
}

/* An output's result: its error, if any, kept with its own line. */
static int output_result(struct pt_pipeline *p, struct pt_output *o, int err)
{
	const char *path = o == p->csv ? p->cfg->csv_path : p->cfg->json_path;

	if (!err || pt_pipeline_reader_gone(p, err, is_stdout(path)))
		return 0;
	return pt_pipeline_failed_why(p, err, path, pt_output_error(o));
}

static int each_output(struct pt_pipeline *p, int (*op)(struct pt_output *o))
{
	int err = 0;

	if (p->csv)
		err = output_result(p, p->csv, op(p->csv));
	if (!err && p->json)
		err = output_result(p, p->json, op(p->json));
	return err;
}

int pt_pipeline_context(struct pt_pipeline *p, const struct pt_event *ev)
{
	if (p->db)
		pt_db_context(p->db, ev);
	int err = p->model ? pt_model_feed(p->model, ev) : 0;

	if (!err && p->model)
		pt_model_mark(p->model, ev->task.pid, PT_PROC_CONTEXT);
	return err;
}

static int db_result(struct pt_pipeline *p, int err)
{
	return err ? pt_pipeline_failed_why(p, err, p->cfg->db_path, pt_db_error(p->db)) : 0;
}

/* An event that passed the filters decided here (gate.h), to the model
 * and every writer. */
static int deliver(void *ctx, const struct pt_event *ev)
{
	struct pt_pipeline *p = ctx;
	int err = p->model ? pt_model_feed(p->model, ev) : 0;

	if (err)
		return err;
	/* The views say who started the command: proctrace. */
	if (p->model && ev->kind == PT_SNAPSHOT && (ev->flags & PT_F_COMMAND))
		pt_model_mark(p->model, ev->task.pid, PT_PROC_COMMAND);
	if (p->cull && ++p->cull_tick >= CULL_EVERY) {
		p->cull_tick = 0;
		p->culled_untrimmed += pt_model_cull(p->model, ev->task.ts_ns, PT_CULL_LINGER_NS);
		if (p->culled_untrimmed >= TRIM_AFTER_CULLED) {
			p->culled_untrimmed = 0;
			malloc_trim(0);
		}
	}
	/* Asked of the kernel for a view only: not an output's. */
	if (ev->kind == PT_SCHED_STATE && !p->cfg->sched_events && !p->cfg->replay_path)
		return 0;
	if (ev->kind < PT_KIND_MAX)
		p->seen[ev->kind]++;
	if (ev->kind == PT_LOST)
		p->lost += ev->lost.count;
	if (ev->kind == PT_LOST && (ev->flags & PT_F_RESCAN)) {
		p->rescans++;
		p->rescan_ended += ev->rescan.ended;
		p->rescan_born += ev->rescan.born;
	}
	if (p->stream) {
		err = pt_stream_write(p->stream, ev);
		if (err && !pt_pipeline_reader_gone(p, err, true))
			return pt_pipeline_failed(p, err, "the live stream");
	}
	if (p->csv && (err = output_result(p, p->csv, pt_output_write(p->csv, ev))))
		return err;
	if (p->json && (err = output_result(p, p->json, pt_output_write(p->json, ev))))
		return err;
	if (p->db && (err = db_result(p, pt_db_write(p->db, ev))))
		return err;
	return 0;
}

int pt_pipeline_event(struct pt_pipeline *p, const struct pt_event *ev)
{
	return p->gate ? pt_gate_event(p->gate, ev) : deliver(p, ev);
}

int pt_pipeline_flush(struct pt_pipeline *p)
{
	int err;

	if (p->stream && fflush(stdout) && !pt_pipeline_reader_gone(p, -errno, true))
		return pt_pipeline_failed(p, -errno, "the live stream");
	err = each_output(p, pt_output_flush);
	if (!err && p->db)
		err = db_result(p, pt_db_flush(p->db));
	return err;
}

int pt_pipeline_finish(struct pt_pipeline *p, __u64 end_ns)
{
	struct pt_perfetto_opts po = { .threads = p->cfg->threads };
	struct pt_whole_file w;
	char why[512];
	int err;

	if (!p->perfetto_due || !p->views)
		return 0;
	p->perfetto_due = false;
	if (end_ns)
		pt_model_set_end(p->model, end_ns);
	err = pt_whole_file_open(&w, p->cfg->perfetto_path, why, sizeof(why));
	if (err)
		return pt_pipeline_failed_why(p, err, p->cfg->perfetto_path, why);
	err = pt_perfetto_write(w.f, p->model, &po);
	if (err) {
		pt_whole_file_abort(&w);
	} else {
		err = pt_whole_file_commit(&w);
	}
	if (!err || pt_pipeline_reader_gone(p, err, is_stdout(p->cfg->perfetto_path)))
		return 0;
	return pt_pipeline_failed(p, err, p->cfg->perfetto_path);
}

static int commit_synced(struct pt_output *o)
{
	return pt_output_commit(o, true);
}

static int commit_unsynced(struct pt_output *o)
{
	return pt_output_commit(o, false);
}

int pt_pipeline_commit(struct pt_pipeline *p, bool sync)
{
	return each_output(p, sync ? commit_synced : commit_unsynced);
}

int pt_pipeline_reopen(struct pt_pipeline *p)
{
	return each_output(p, pt_output_reopen);
}

static void close_output(struct pt_pipeline *p, struct pt_output **o, const char *what)
{
	char why[512] = "";
	int err = pt_output_close(*o, why, sizeof(why));

	/* Forgotten first: a reader gone closes what is left on stdout. */
	*o = NULL;
	if (err && !pt_pipeline_reader_gone(p, err, is_stdout(what)))
		pt_pipeline_failed_why(p, err, what, why);
}

void pt_pipeline_ended(struct pt_pipeline *p, bool complete, const char *how, __u64 end_ns)
{
	p->end = (struct pt_db_end){ .complete = complete, .how = how, .end_ns = end_ns };
}

void pt_pipeline_close(struct pt_pipeline *p)
{
	int err;

	if (!p->cfg)
		return; /* never initialised */
	if (p->stream) {
		/* Forgotten before a reader gone is told: drop_stdout() would
		 * close it again. */
		err = pt_stream_close(p->stream);
		p->stream = NULL;
		if (err && !pt_pipeline_reader_gone(p, err, true))
			pt_pipeline_failed(p, err, "the live stream");
	}
	close_output(p, &p->csv, p->cfg->csv_path);
	close_output(p, &p->json, p->cfg->json_path);
	if (p->db) {
		char why[600] = "";
		/* An output that failed cut the trace short. */
		struct pt_db_end end = p->end;

		if (p->out_err && p->out_what != p->cfg->db_path) {
			end.complete = false;
			end.how = p->out_msg;
		}
		/* A replay that failed (its input, another output) replaces
		 * no file: NULL drops the database written beside. */
		if (p->cfg->replay_path && p->out_err && p->out_what != p->cfg->db_path)
			end.how = NULL;
		err = pt_db_close(p->db, end.how ? &end : NULL, why, sizeof(why));
		if (err)
			pt_pipeline_failed_why(p, err, p->cfg->db_path, why);
		p->db = NULL;
	}
	pt_model_free(p->model);
	p->model = NULL;
	if (p->gate)
		p->undecided = pt_gate_undecided(p->gate);
	pt_gate_free(p->gate);
	p->gate = NULL;
}

__u64 pt_pipeline_events(const struct pt_pipeline *p)
{
	__u64 total = 0;

	for (int k = 1; k < PT_KIND_MAX; k++)
		if (pt_kind_counted(k))
			total += p->seen[k];
	return total;
}

void pt_pipeline_summary(const struct pt_pipeline *p, FILE *f)
{
	int k;

	fprintf(f, "proctrace: %llu events", (unsigned long long)pt_pipeline_events(p));
	for (k = 1; k < PT_KIND_MAX; k++)
		if (pt_kind_counted(k) && p->seen[k])
			fprintf(f, ", %s %llu", pt_kind_name(k), (unsigned long long)p->seen[k]);
	fprintf(f, "; lost %llu\n", (unsigned long long)p->lost);
	/* Lines of their own: the one above is what scripts read. */
	if (p->cfg->kinds_off) {
		fputs("proctrace: not traced on this kernel (their feature is off):", f);
		for (k = 1; k < PT_KIND_MAX && k < 32; k++)
			if (p->cfg->kinds_off & (1u << k))
				fprintf(f, " %s", pt_kind_name(k));
		fputc('\n', f);
	}
	if (p->undecided)
		fprintf(f, "proctrace: --failed: %zu processes not shown, their end not seen\n",
			p->undecided);
	if (pt_cgroup_unknown())
		fprintf(f,
			"proctrace: %zu cgroups removed before their path was read: "
			"their rows have a cgroup_id, no cgroup path or name\n",
			pt_cgroup_unknown());
	if (p->rescans)
		fprintf(f,
			"proctrace: repaired after lost events by %llu rescans of the task list: "
			"%llu processes ended unseen, %llu born unseen\n",
			(unsigned long long)p->rescans, (unsigned long long)p->rescan_ended,
			(unsigned long long)p->rescan_born);
}
