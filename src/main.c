// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * proctrace: wiring of source -> writers.
 *
 * Options become a config; the loader delivers kernel events (and the
 * snapshot) to on_event(), which hands each to the live stream and the CSV
 * writer. Losses are read from the BPF side after every poll and become
 * PT_LOST events in the same flow. When a view (tree, timeline, SVG) was
 * asked for, every event also goes to the model, printed at the end.
 * Errors are reported once, here.
 */
#include <errno.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proctrace/ancestry.h"
#include "proctrace/command.h"
#include "proctrace/config.h"
#include "proctrace/decode.h"
#include "proctrace/filter.h"
#include "proctrace/loader.h"
#include "proctrace/model.h"
#include "proctrace/replay.h"
#include "proctrace/views.h"
#include "proctrace/writer.h"

#define POLL_MS 100

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t interrupts;
static volatile pid_t command_pid; /* 0: no command run under proctrace */

struct app {
	struct pt_config cfg;
	struct pt_clock clock;
	FILE *csv_file; /* owned unless it is stdout */
	struct pt_csv *csv;
	struct pt_stream *stream;
	struct pt_loader *loader;
	struct pt_command cmd;
	struct pt_model *model; /* only when a view was asked for */
	struct pt_event *snap;	/* the start-up snapshot, for the model */
	bool *snap_picked;	/* ... which of it the filters picked */
	size_t n_snap, cap_snap;
	__u64 cmd_done_ns; /* when the command exited */
	__u64 end_ns;	   /* when tracing stopped */
	__u64 seen[PT_KIND_MAX];
	__u64 lost_seen[PT_KIND_MAX]; /* loss counters already reported */
	int out_err;		      /* first output error, -errno */
	const char *out_what;	      /* which output failed */
};

/* With a command, Ctrl-C reaches it from the terminal as it would without
 * proctrace, which keeps tracing until it exits (a second Ctrl-C stops
 * tracing at once); SIGTERM is passed on to it. */
static void on_signal(int sig)
{
	if (!command_pid) {
		stop_requested = 1;
	} else if (sig == SIGTERM) {
		kill(command_pid, SIGTERM);
	} else if (++interrupts >= 2) {
		stop_requested = 1;
	}
}

static void on_child(int sig)
{
	(void)sig; /* only to interrupt the poll: see install_signals */
}

static int install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction chld = { .sa_handler = on_child };

	sigemptyset(&sa.sa_mask);
	sigemptyset(&chld.sa_mask);
	/* No SA_RESTART: the end of a command interrupts the wait for events,
	 * so it is reaped (and tracing ends) at once, not at the next poll. */
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigaction(SIGCHLD, &chld, NULL))
		return -errno;
	/* A closed pipe must become an EPIPE error we report, not a kill. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static int output_failed(struct app *a, int err, const char *what)
{
	if (!a->out_err) {
		a->out_err = err;
		a->out_what = what;
	}
	return err;
}

static bool wants_views(const struct pt_config *c)
{
	return c->tree || c->timeline || c->svg_path;
}

/* The model gets the snapshot once it is complete (see feed_snapshot). */
static int keep_snapshot(struct app *a, const struct pt_event *ev, bool picked)
{
	if (a->n_snap == a->cap_snap) {
		size_t cap = a->cap_snap ? a->cap_snap * 2 : 512;
		struct pt_event *s = realloc(a->snap, cap * sizeof(*s));
		bool *p = realloc(a->snap_picked, cap * sizeof(*p));

		if (s)
			a->snap = s;
		if (p)
			a->snap_picked = p;
		if (!s || !p)
			return -ENOMEM;
		a->cap_snap = cap;
	}
	a->snap[a->n_snap] = *ev;
	a->snap_picked[a->n_snap++] = picked;
	return 0;
}

/* A filtered run's tree shows the followed processes where they sit: the
 * snapshot rows of their ancestors go to the model too (not to the
 * outputs). */
static int feed_snapshot(struct app *a)
{
	struct pt_task *tasks = calloc(a->n_snap ? a->n_snap : 1, sizeof(*tasks));
	int err = 0;
	size_t i;

	if (!tasks)
		return -ENOMEM;
	for (i = 0; i < a->n_snap; i++)
		tasks[i] = a->snap[i].task;
	pt_ancestry_select(tasks, a->n_snap, a->snap_picked);
	for (i = 0; i < a->n_snap && !err; i++)
		if (a->snap_picked[i])
			err = pt_model_feed(a->model, &a->snap[i]);
	free(tasks);
	free(a->snap);
	free(a->snap_picked);
	a->snap = NULL;
	a->snap_picked = NULL;
	a->n_snap = a->cap_snap = 0;
	return err;
}

static int on_event(void *ctx, const struct pt_event *ev)
{
	struct app *a = ctx;
	int err;

	/* The kernel filters its own events; the snapshot is filtered here. */
	if (ev->kind == PT_SNAPSHOT && !a->cfg.replay_path) {
		bool picked = pt_filter_match(&a->cfg.filter, a->cmd.pid, &ev->task);

		if (a->model && (err = keep_snapshot(a, ev, picked)))
			return err;
		if (!picked)
			return 0;
	} else if (a->model && (err = pt_model_feed(a->model, ev))) {
		return err;
	}

	if (ev->kind < PT_KIND_MAX)
		a->seen[ev->kind]++;
	if (a->stream) {
		err = pt_stream_write(a->stream, ev);
		if (err)
			return output_failed(a, err, "the live stream");
	}
	if (a->csv) {
		err = pt_csv_write(a->csv, ev);
		if (err)
			return output_failed(a, err, a->cfg.csv_path);
	}
	return 0;
}

/* Written out once per poll, so a reader following the output (a pipe, a
 * `tail -f` of the CSV) sees events within a poll interval. */
static int flush_outputs(struct app *a)
{
	int err;

	if (a->stream && fflush(stdout))
		return output_failed(a, -errno, "the live stream");
	if (a->csv) {
		err = pt_csv_flush(a->csv);
		if (err)
			return output_failed(a, err, a->cfg.csv_path);
	}
	return 0;
}

/* Turn new failed reservations into a PT_LOST event, so they show up in
 * the stream and the CSV where they happened. */
static int report_losses(struct app *a)
{
	__u64 total[PT_KIND_MAX];
	struct pt_event ev = { .kind = PT_LOST, .size = sizeof(ev) };
	int k, err;

	err = pt_loader_lost(a->loader, total);
	if (err)
		return err;
	for (k = 0; k < PT_KIND_MAX; k++) {
		__u64 d = total[k] - a->lost_seen[k];

		ev.lost.by_kind[k] = d > UINT32_MAX ? UINT32_MAX : d;
		ev.lost.count += d;
		a->lost_seen[k] = total[k];
	}
	if (!ev.lost.count)
		return 0;
	ev.task.ts_ns = pt_boottime_ns();
	ev.flags = PT_F_NO_ACTOR;
	return on_event(a, &ev);
}

/* `-o -`: stdout carries the CSV, so no stream, and views go to stderr. */
static bool csv_on_stdout(const struct pt_config *c)
{
	return c->csv_path && strcmp(c->csv_path, "-") == 0;
}

static int open_outputs(struct app *a)
{
	const struct pt_config *c = &a->cfg;
	bool on_stdout = csv_on_stdout(c);

	if (c->csv_path) {
		/* "e": a command run under proctrace must not inherit it. */
		a->csv_file = on_stdout ? stdout : fopen(c->csv_path, "we");
		if (!a->csv_file) {
			fprintf(stderr, "proctrace: cannot open %s: %s\n", c->csv_path,
				strerror(errno));
			return -errno;
		}
		a->csv = pt_csv_open(a->csv_file, &a->clock);
		if (!a->csv) {
			fprintf(stderr, "proctrace: writing %s: %s\n", c->csv_path,
				strerror(errno));
			return -errno;
		}
	}
	/* CSV on stdout takes stdout: no live stream then. */
	if (!c->quiet && !on_stdout) {
		struct pt_stream_opts so = {
			.color = c->color < 0 ? isatty(STDOUT_FILENO) : c->color,
			.snapshots = c->verbose > 0,
		};

		a->stream = pt_stream_open(stdout, &a->clock, &so);
		if (!a->stream) {
			fprintf(stderr, "proctrace: stdout: %s\n", strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* Close the writers; the first error (of events or of closing) wins. */
static void close_outputs(struct app *a)
{
	int err;

	if (a->stream) {
		err = pt_stream_close(a->stream);
		if (err)
			output_failed(a, err, "the live stream");
		a->stream = NULL;
	}
	if (a->csv) {
		err = pt_csv_close(a->csv);
		if (err)
			output_failed(a, err, a->cfg.csv_path);
		a->csv = NULL;
	}
	if (a->csv_file && a->csv_file != stdout && fclose(a->csv_file))
		output_failed(a, -errno, a->cfg.csv_path);
	a->csv_file = NULL;
}

static bool duration_over(const struct app *a, __u64 start_ns)
{
	return a->cfg.duration_s > 0 &&
		pt_boottime_ns() - start_ns >= (__u64)(a->cfg.duration_s * 1e9);
}

/* A command's run is over when it has exited and every process it left
 * has been reaped, or --linger seconds after it exited. */
static bool command_over(struct app *a)
{
	__u64 now;

	if (!a->cmd.pid || !pt_command_poll(&a->cmd))
		return false;
	now = pt_boottime_ns();
	if (!a->cmd_done_ns)
		a->cmd_done_ns = now;
	if (a->cfg.linger_s >= 0 && now - a->cmd_done_ns >= (__u64)(a->cfg.linger_s * 1e9))
		return true;
	return pt_loader_followed_alive(a->loader, a->cmd.pid) == 0;
}

static int trace_loop(struct app *a)
{
	__u64 start = pt_boottime_ns();
	int n;

	while (!stop_requested && !duration_over(a, start) && !command_over(a)) {
		n = pt_loader_poll(a->loader, POLL_MS);
		if (n < 0 && n != -EINTR)
			return n;
		n = report_losses(a);
		if (!n)
			n = flush_outputs(a);
		if (n)
			return n;
	}
	a->end_ns = pt_boottime_ns();
	n = pt_loader_stop(a->loader);
	if (n < 0)
		return n;
	return report_losses(a);
}

static void print_summary(const struct app *a)
{
	__u64 total = 0, lost = 0;
	int k;

	for (k = 1; k < PT_KIND_MAX; k++) {
		if (k != PT_LOST)
			total += a->seen[k];
		lost += a->lost_seen[k];
	}
	fprintf(stderr, "proctrace: %llu events", (unsigned long long)total);
	for (k = 1; k < PT_KIND_MAX; k++)
		if (k != PT_LOST && a->seen[k])
			fprintf(stderr, ", %s %llu", pt_kind_name(k),
				(unsigned long long)a->seen[k]);
	fprintf(stderr, "; lost %llu\n", (unsigned long long)lost);
}

static int check_pids_exist(const struct pt_filter *f)
{
	for (unsigned i = 0; i < f->n_pids; i++) {
		if (kill(f->pids[i], 0) && errno == ESRCH) {
			fprintf(stderr, "proctrace: no process with pid %u\n", f->pids[i]);
			return -ESRCH;
		}
	}
	return 0;
}

static int start_command(struct app *a)
{
	struct pt_run_as who = { .user = a->cfg.run_as, .as_root = a->cfg.as_root };
	char err[512] = "";
	int ret;

	sigset_t stop_sigs, old;

	/* A signal between fork and command_pid being set would be taken for
	 * a stop request instead of being passed on: hold them meanwhile. */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_sigs, &old);
	ret = pt_command_spawn(&a->cmd, a->cfg.command, &who, err, sizeof(err));
	if (!ret)
		command_pid = a->cmd.pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (ret)
		fprintf(stderr, "proctrace: %s\n", err);
	return ret;
}

static void announce(const struct app *a)
{
	if (a->cmd.pid)
		fprintf(stderr, "proctrace: tracing %s (pid %d) and its descendants\n",
			a->cfg.command[0], a->cmd.pid);
	else if (pt_filter_active(&a->cfg.filter, 0))
		fprintf(stderr, "proctrace: tracing the selected processes (Ctrl-C to stop)\n");
	else
		fprintf(stderr, "proctrace: tracing all processes (Ctrl-C to stop)\n");
}

/* Text views fit the terminal they are printed on. */
static unsigned view_width(FILE *f)
{
	struct winsize ws;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return PT_VIEW_DEFAULT_WIDTH;
}

static int write_svg(struct app *a, const struct pt_view_opts *vo)
{
	FILE *f = fopen(a->cfg.svg_path, "we");
	int err;

	if (!f)
		return output_failed(a, -errno, a->cfg.svg_path);
	err = pt_svg_write(f, a->model, vo);
	if (fclose(f) && !err)
		err = -errno;
	return err ? output_failed(a, err, a->cfg.svg_path) : 0;
}

/* The views, when tracing has ended; on stderr when stdout carries CSV. */
static int print_views(struct app *a)
{
	FILE *f = csv_on_stdout(&a->cfg) ? stderr : stdout;
	struct pt_view_opts vo = {
		.width = view_width(f),
		.ascii = a->cfg.ascii,
		.verbose = a->cfg.verbose > 0,
		.threads = a->cfg.threads,
	};
	int err = 0;

	if (a->end_ns) /* else the last event's time */
		pt_model_set_end(a->model, a->end_ns);
	if (a->cfg.tree)
		err = pt_tree_write(f, a->model, &vo);
	if (!err && a->cfg.timeline)
		err = pt_timeline_write(f, a->model, &vo);
	if (err)
		return output_failed(a, err, "the views");
	return a->cfg.svg_path ? write_svg(a, &vo) : 0;
}

static int open_model(struct app *a)
{
	struct pt_model_opts mo = { .threads = a->cfg.threads };

	if (!wants_views(&a->cfg))
		return 0;
	a->model = pt_model_new(&mo);
	if (!a->model) {
		fprintf(stderr, "proctrace: out of memory\n");
		return -ENOMEM;
	}
	return 0;
}

static void count_replayed_loss(struct app *a, const struct pt_event *ev)
{
	for (int k = 0; ev->kind == PT_LOST && k < PT_KIND_MAX; k++)
		a->lost_seen[k] += ev->lost.by_kind[k];
}

/* Events from a saved CSV instead of the kernel, through the same flow.
 * clock_known: a first pass over the file already recovered its clock. */
static int replay_events(struct app *a, struct pt_replay *r, bool clock_known)
{
	const char *path = a->cfg.replay_path;
	const struct pt_event *ev;
	char err[512] = "";
	int n, ret;

	n = pt_replay_next(r, &ev, err, sizeof(err));
	/* Wall-clock times are written as the file had them. */
	if (n > 0 && !clock_known)
		pt_replay_clock(r, &a->clock);
	ret = install_signals();
	if (!ret)
		ret = open_model(a);
	if (!ret)
		ret = open_outputs(a);
	while (!ret && n > 0 && !stop_requested) {
		count_replayed_loss(a, ev);
		ret = on_event(a, ev);
		if (!ret)
			n = pt_replay_next(r, &ev, err, sizeof(err));
	}
	if (!ret && n < 0) {
		fprintf(stderr, "proctrace: %s: %s\n", path, err);
		ret = n;
	}
	if (!ret && a->model)
		ret = print_views(a);
	return ret;
}

/* The clock recovered from every row is exact to the nanosecond range that
 * reproduces each time column; from the first row alone, to the µs. A file
 * (not a pipe) is read twice to get the exact one, so a re-export is
 * byte-identical. */
static bool recover_clock(FILE *f, struct pt_clock *clock)
{
	struct pt_replay *r = pt_replay_open(f, NULL, 0);
	const struct pt_event *ev;
	bool ok = false;

	while (r && pt_replay_next(r, &ev, NULL, 0) > 0)
		;
	if (r)
		ok = pt_replay_clock(r, clock);
	pt_replay_close(r);
	return fseek(f, 0, SEEK_SET) == 0 && ok;
}

static int run_replay(struct app *a)
{
	const char *path = a->cfg.replay_path;
	bool from_stdin = !strcmp(path, "-");
	FILE *f = from_stdin ? stdin : fopen(path, "re");
	struct pt_replay *r;
	char err[512] = "";
	int ret;

	if (!f) {
		fprintf(stderr, "proctrace: cannot open %s: %s\n", path, strerror(errno));
		return -errno;
	}
	bool clock_known = !from_stdin && recover_clock(f, &a->clock);

	r = pt_replay_open(f, err, sizeof(err));
	if (r) {
		ret = replay_events(a, r, clock_known);
		pt_replay_close(r);
	} else {
		fprintf(stderr, "proctrace: %s: %s\n", path, err);
		ret = -EINVAL;
	}
	if (!from_stdin)
		fclose(f);
	return ret;
}

static int run(struct app *a)
{
	struct pt_loader_opts lo = {
		.threads = a->cfg.threads,
		.ringbuf_kb = a->cfg.ringbuf_kb,
		.verbose = a->cfg.verbose,
		.filter = &a->cfg.filter,
	};
	char err[512] = "";
	int ret;

	ret = open_model(a);
	if (!ret)
		ret = check_pids_exist(&a->cfg.filter);
	if (!ret)
		ret = install_signals();
	/* The command is started held, so its pid is followed from the start. */
	if (!ret && a->cfg.command)
		ret = start_command(a);
	if (ret)
		return ret;
	lo.command_pid = a->cmd.pid;
	ret = pt_loader_open(&a->loader, &lo, on_event, a, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "proctrace: %s\n", err);
		return ret;
	}
	/* Only once tracing can work: a refused load leaves no output behind.
	 * Events wait in the ring buffer meanwhile. */
	ret = open_outputs(a);
	if (ret)
		return ret;
	/* The snapshot comes after attaching, so no process falls between. */
	ret = pt_loader_snapshot(a->loader, err, sizeof(err));
	if (ret < 0 && !a->out_err) {
		fprintf(stderr, "proctrace: %s\n", err);
		return ret;
	}
	if (!ret && a->model)
		ret = feed_snapshot(a);
	if (!ret && a->cmd.pid)
		ret = pt_command_release(&a->cmd);
	if (!ret) {
		announce(a);
		ret = trace_loop(a);
	}
	if (!ret && a->model)
		ret = print_views(a);
	if (ret < 0 && !a->out_err)
		fprintf(stderr, "proctrace: reading events: %s\n", strerror(-ret));
	return ret;
}

int main(int argc, char **argv)
{
	struct app a = { 0 };
	int ret;

	switch (pt_cli_parse(argc, argv, &a.cfg, stdout, stderr)) {
	case PT_CLI_RUN:
		break;
	case PT_CLI_EXIT_OK:
		return 0;
	default:
		return 2;
	}
	a.clock = pt_clock_now();
	ret = a.cfg.replay_path ? run_replay(&a) : run(&a);
	pt_command_abort(&a.cmd); /* only if it never got to run */
	close_outputs(&a);
	pt_loader_close(a.loader);
	pt_model_free(a.model);
	free(a.snap);
	free(a.snap_picked);
	if (a.out_err) {
		fprintf(stderr, "proctrace: writing %s: %s\n", a.out_what, strerror(-a.out_err));
		return 1;
	}
	if (ret)
		return 1;
	print_summary(&a);
	if (a.cmd.pid && a.cmd.done)
		return pt_command_exit_code(a.cmd.status);
	return 0;
}
