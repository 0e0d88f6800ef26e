// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * proctrace: options, signals, the choice of source, the loop, the exit
 * status. The flow itself is elsewhere, one way:
 *
 *   source (src/source: kernel + snapshot, or a saved file)
 *     -> pipeline (src/pipeline.c: counts, fans out)
 *          -> model (src/model) and writers (src/write)
 *     -> views (src/view), from the model at the end.
 *
 * Errors are reported once, here.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proctrace/command.h"
#include "proctrace/config.h"
#include "proctrace/decode.h"
#include "proctrace/features.h"
#include "proctrace/filter.h"
#include "proctrace/pipeline.h"
#include "proctrace/privileges.h"
#include "proctrace/source.h"
#include "proctrace/top.h"
#include "proctrace/top_output.h"
#include "proctrace/tree_signal.h"
#include "proctrace/views.h"

#define POLL_MS 100

#ifndef PT_VERSION
#define PT_VERSION "unknown"
#endif

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reopen_requested; /* SIGHUP */
/* --top draws on the terminal: its hangup (the terminal gone) ends the
 * trace, as it ends htop, instead of asking for the files reopened. */
static volatile sig_atomic_t hangup_stops;
static volatile sig_atomic_t interrupts;
/* A stop asked for while the command ran, passed on to it (SIGTERM) or
 * reaching it from the terminal (Ctrl-C): tracing ends with the command,
 * not with what it leaves running. The signal's number; 0: none. */
static volatile sig_atomic_t stop_with_command;
/* The command run under proctrace, for the signal handler; NULL: none. */
static const struct pt_command *volatile command;
/* SIGINT or SIGTERM before tracing began (the "tracing" line): the
 * command is not started, and proctrace exits 128 + it. */
static volatile sig_atomic_t tracing, early_signal;

struct app {
	struct pt_config cfg;
	struct pt_clock clock;
	struct pt_origin origin; /* live: this machine */
	struct pt_pipeline pipe;
	struct pt_live *live;
	struct pt_top *top;	      /* --top: the live view */
	struct pt_top_output top_out; /* --top: the command's output */
	bool quit_asked;	      /* q once: SIGTERM sent to the command */
	struct pt_command cmd;
	struct pt_user user; /* who proctrace runs as once attached */
	__u64 cmd_done_ns;   /* when the command exited */
	__u64 end_ns;	     /* when tracing stopped */
};

/* With a command, Ctrl-C reaches it from the terminal as it would without
 * proctrace, which keeps tracing until it exits (a second Ctrl-C stops
 * tracing at once); SIGTERM is passed on to it, through its pidfd. Once it
 * has ended, either signal stops tracing at once: what it left behind is
 * no longer the command, and its pid may be another process's. */
static void on_signal(int sig)
{
	const struct pt_command *c = command;
	int saved = errno;

	if (!tracing) {
		early_signal = sig;
		stop_requested = sig;
	} else if (!c || pt_command_ended(c)) {
		stop_requested = sig;
	} else if (sig == SIGTERM) {
		if (pt_command_kill(c, SIGTERM) == -ESRCH)
			stop_requested = sig;
		stop_with_command = sig;
	} else if (++interrupts >= 2) {
		stop_requested = sig;
	} else {
		stop_with_command = sig;
	}
	errno = saved;
}

/* The signal that stopped tracing, in the database's words. */
static const char *stop_signal_name(void)
{
	if (stop_requested == SIGHUP)
		return "SIGHUP";
	return stop_requested == SIGTERM ? "SIGTERM" : "SIGINT";
}

/* Only a flag: the files are reopened by the loop, between two events. */
static void on_hangup(int sig)
{
	if (hangup_stops)
		stop_requested = sig;
	else
		reopen_requested = 1;
}

static void on_child(int sig)
{
	(void)sig; /* only to interrupt the poll: see install_signals */
}

static int install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction chld = { .sa_handler = on_child };
	struct sigaction hup = { .sa_handler = on_hangup };

	sigemptyset(&sa.sa_mask);
	sigemptyset(&chld.sa_mask);
	sigemptyset(&hup.sa_mask);
	/* No SA_RESTART: the end of a command interrupts the wait for events,
	 * so it is reaped (and tracing ends) at once, not at the next poll;
	 * a SIGHUP likewise has the files reopened at once. */
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) ||
	    sigaction(SIGCHLD, &chld, NULL) || sigaction(SIGHUP, &hup, NULL))
		return -errno;
	/* A closed pipe must become an EPIPE error we report, not a kill. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static bool duration_over(const struct app *a, __u64 start_ns)
{
	return a->cfg.duration_s > 0 &&
		pt_boottime_ns() - start_ns >= (__u64)(a->cfg.duration_s * 1e9);
}

/* A command's run is over when it has exited and every process it left
 * has been reaped, or --linger seconds after it exited; asked to stop
 * while it ran (SIGTERM, Ctrl-C, q), when it has exited. */
static bool command_over(struct app *a)
{
	__u64 now;

	if (!a->cmd.pid || !pt_command_poll(&a->cmd))
		return false;
	if (stop_with_command || a->quit_asked) {
		stop_requested = stop_with_command ? stop_with_command : SIGTERM;
		return true;
	}
	now = pt_boottime_ns();
	if (!a->cmd_done_ns)
		a->cmd_done_ns = now;
	if (a->cfg.linger_s >= 0 && now - a->cmd_done_ns >= (__u64)(a->cfg.linger_s * 1e9))
		return true;
	/* With -p as well, the followed processes are not the command's
	 * alone (-p 1 is every process): its exit ends the run, or --linger. */
	if (a->cfg.filter.n_pids)
		return a->cfg.linger_s < 0;
	return pt_live_followed_alive(a->live, a->cmd.pid) == 0;
}

/* After SIGHUP: the source is between two events here. */
static int reopen_if_asked(struct app *a)
{
	if (!reopen_requested)
		return 0;
	reopen_requested = 0;
	return pt_pipeline_reopen(&a->pipe);
}

/* q in --top: with a command still running, SIGTERM to it (through its
 * pidfd, as a SIGTERM to proctrace is passed on) and to its descendants
 * (tree_signal.h), and tracing goes on until it is gone, so proctrace exits with its status; a second q, or
 * once it has ended, the end at once, as Ctrl-C. */
static int quit_key(struct app *a)
{
	char line[256];
	int below = 0;

	if (a->cmd.pid && !a->quit_asked && !pt_command_ended(&a->cmd) &&
	    pt_command_kill(&a->cmd, SIGTERM) == 0) {
		a->quit_asked = true;
		/* Its children too, as Ctrl-C ends a whole job: a command
		 * gone with its children left running is not what q asks. */
		if (a->pipe.model)
			below = pt_command_tree_signal(a->pipe.model, (__u32)a->cmd.pid, SIGTERM);
		snprintf(line, sizeof(line),
			 "SIGTERM sent to %s (pid %d) and %d it started: tracing ends when it has; "
			 "q again: now",
			 a->cfg.command[0], a->cmd.pid, below > 0 ? below : 0);
		pt_top_say(a->top, line);
		return 0;
	}
	stop_requested = SIGINT;
	return 0;
}

static int trace_loop(struct app *a)
{
	__u64 start = pt_boottime_ns();
	int n;

	const char *how = "command";

	/* stdout's reader gone (`| head`): the end, as for a signal. */
	while (!stop_requested && !a->pipe.stdout_gone &&
	       !(duration_over(a, start) && (how = "duration")) && !command_over(a)) {
		n = pt_live_poll(a->live, POLL_MS);
		if (!n)
			n = pt_pipeline_flush(&a->pipe);
		if (!n && a->top && (n = pt_top_tick(a->top, a->pipe.model, pt_boottime_ns())) > 0)
			n = quit_key(a);
		if (!n)
			n = reopen_if_asked(a);
		if (n)
			return n;
	}
	a->end_ns = pt_boottime_ns();
	pt_top_close(a->top); /* the terminal back, for what is said next */
	a->top = NULL;
	pt_top_output_close(&a->top_out);
	/* Stopped by a signal once the command had exited: its status is
	 * proctrace's (reaped here if the loop had not yet). */
	if (a->cmd.pid)
		pt_command_poll(&a->cmd);
	/* Stopped by a signal: cut short; at its -d or its command's end: whole. */
	pt_pipeline_ended(&a->pipe, !stop_requested, stop_requested ? stop_signal_name() : how,
			  a->end_ns);
	return pt_live_stop(a->live);
}

static int start_command(struct app *a)
{
	struct pt_run_as who = { .user = a->cfg.run_as,
				 .as_root = a->cfg.as_root,
				 .output = a->cfg.top ? &a->top_out : NULL };
	char err[512] = "";
	int ret;

	sigset_t stop_sigs, old;

	/* A signal between fork and command being set would be taken for
	 * a stop request instead of being passed on: hold them meanwhile. */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_sigs, &old);
	ret = pt_command_spawn(&a->cmd, a->cfg.command, &who, err, sizeof(err));
	if (!ret)
		command = &a->cmd;
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

/* The views and the outputs made from the model, when the source is done. */
static int show_views(struct app *a)
{
	const char *what = NULL;
	char why[512] = "";
	bool on_stdout, text;
	int err;

	if (!a->pipe.views)
		return 0;
	/* Once stdout's reader is gone (the stream met EPIPE), the text views
	 * meant for it are not written: stdout keeps that error, and a write
	 * would fail again, as EIO, since stdio's flag holds no errno. */
	text = !(a->pipe.stdout_gone && !pt_config_stdout_taken(&a->cfg));
	err = pt_views_show(a->pipe.model, &a->cfg, a->end_ns, text, &what, why, sizeof(why));
	/* The text on stdout unless a file is there, or the SVG on '-' */
	on_stdout = err &&
		(!strcmp(what, "-") ||
		 (!strcmp(what, PT_VIEWS_TEXT) && !pt_config_stdout_taken(&a->cfg)));
	if (err && !pt_pipeline_reader_gone(&a->pipe, err, on_stdout))
		return pt_pipeline_failed_why(&a->pipe, err, what, why);
	return pt_pipeline_finish(&a->pipe, a->end_ns);
}

/* Events from a saved file instead of the kernel, through the same flow. */
static int run_replay(struct app *a)
{
	struct pt_file_source *src = NULL;
	const struct pt_event *ev;
	unsigned long skipped = 0;
	char err[512] = "";
	__u32 kinds;
	int n, ret;

	ret = pt_file_open(&src, a->cfg.replay_path, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "proctrace: %s\n", err);
		return ret;
	}
	/* Wall-clock times are written as the file had them. */
	pt_file_clock(src, &a->clock);
	/* and each row's host and boot as the file has them */
	a->pipe.origin = pt_file_origin(src);
	/* A capture made without reaps (-e) says so by having none while it
	 * has exits: its processes end at their exit, as live. */
	kinds = pt_file_kinds(src);
	if ((kinds & (1u << PT_EXIT)) && !(kinds & (1u << PT_REAP))) {
		a->cfg.kinds &= ~(1u << PT_REAP);
		if (a->pipe.model)
			pt_model_set_exit_ends(a->pipe.model, true);
	}
	/* A capture made with --threads (thread rows in it) is replayed as
	 * one: the model keeps each thread, and the database, the views and
	 * the Perfetto trace show them as the live run did. */
	if ((kinds & (1u << PT_THREAD)) && !a->cfg.threads) {
		a->cfg.threads = true;
		if (a->pipe.model && (a->pipe.views || a->cfg.db_path))
			pt_model_set_threads(a->pipe.model, true);
	}
	if (pt_filter_active(&a->cfg.filter, 0) || a->cfg.since.kind || a->cfg.until.kind)
		ret = pt_file_select(src, &a->cfg.filter, &a->cfg.since, &a->cfg.until);
	tracing = 1; /* a replay has no start to interrupt */
	if (!ret)
		ret = install_signals();
	if (!ret)
		ret = pt_pipeline_open(&a->pipe, &a->clock);
	n = ret ? 0 : pt_file_next(src, &ev, err, sizeof(err));
	/* stdout's reader gone (`| head`): the end, unless files are still to
	 * be made from the whole replay. */
	while ((n > 0 || (n == -EINVAL && a->cfg.lenient)) && !stop_requested &&
	       !(a->pipe.stdout_gone && !pt_pipeline_files_left(&a->pipe))) {
		if (n > 0)
			ret = pt_pipeline_event(&a->pipe, ev);
		else
			skipped++;
		if (!ret)
			ret = reopen_if_asked(a);
		n = ret ? 0 : pt_file_next(src, &ev, err, sizeof(err));
	}
	if (!ret && n < 0) {
		fprintf(stderr, "proctrace: %s\n", err);
		ret = n;
	}
	if (stop_requested)
		pt_pipeline_ended(&a->pipe, false, stop_signal_name(), 0);
	else if (!ret)
		pt_pipeline_ended(&a->pipe, !skipped,
				  skipped ? "end of file, malformed rows skipped" : "end of file",
				  0);
	/* A selection that left nothing is said, not only counted. */
	if (!ret && !pt_pipeline_events(&a->pipe) &&
	    (pt_filter_active(&a->cfg.filter, 0) || pt_gate_wanted(&a->cfg.gate) ||
	     a->cfg.since.kind || a->cfg.until.kind))
		fprintf(stderr, "proctrace: %s: no row matches the selection\n",
			a->cfg.replay_path);
	/* --lenient: what was left out is said, never silent. */
	if (skipped)
		fprintf(stderr, "proctrace: %s: %lu malformed rows skipped\n", a->cfg.replay_path,
			skipped);
	pt_file_close(src);
	if (!ret)
		ret = show_views(a);
	/* Only a whole replay replaces the files at the -o and -j paths. */
	return ret ?: pt_pipeline_commit(&a->pipe, true);
}

/* Once attached and the snapshot read, the loop runs as the invoking user
 * with only what it needs (privileges.h). Output files are open by then;
 * what is created later (the SVG at the end, a reopened output) is created
 * as that user, with that user's rights, as the user would expect. */
static int drop_privileges(struct app *a)
{
	struct pt_drop d = {
		.user = &a->user,
		.keep_kill = a->cmd.pid && a->cmd.uid != a->user.uid,
		.probe = pt_live_probe,
		.probe_ctx = a->live,
	};
	struct pt_kept kept;
	char err[512] = "";
	int ret;

	ret = pt_privileges_drop(&d, &kept, err, sizeof(err));
	if (ret)
		fprintf(stderr, "proctrace: %s\n", err);
	else if (a->cfg.verbose)
		fprintf(stderr, "proctrace: running as uid %u gid %u, capabilities kept:%s%s%s\n",
			(unsigned)a->user.uid, (unsigned)a->user.gid, kept.bpf ? " bpf" : "",
			kept.kill ? " kill" : "", kept.bpf || kept.kill ? "" : " none");
	return ret;
}

/* The command released, unless a SIGINT or SIGTERM came first: held
 * meanwhile, so that one is either before (then the command never runs)
 * or after (then it is the command's or the trace's). */
static int begin_tracing(struct app *a)
{
	sigset_t stop_sigs, old;
	int ret = 0;

	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_sigs, &old);
	if (early_signal)
		ret = -EINTR;
	else if (a->cmd.pid)
		ret = pt_command_release(&a->cmd);
	tracing = !ret;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

static int run_live(struct app *a)
{
	char err[512] = "";
	int ret;

	ret = pt_invoking_user(&a->user, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "proctrace: %s\n", err);
		return ret;
	}
	if (a->cfg.top && pt_top_usable(err, sizeof(err))) {
		fprintf(stderr, "proctrace: %s\n", err);
		return -ENOTTY;
	}
	/* --top: the output that would garble it goes to a pane of it. */
	a->top_out.master = a->top_out.slave = a->top_out.saved_err = -1;
	if (a->cfg.top && pt_top_output_open(&a->top_out, err, sizeof(err))) {
		fprintf(stderr, "proctrace: %s\n", err);
		return -ENOTTY;
	}
	ret = pt_filter_precheck(&a->cfg.filter, a->cfg.command, stderr);
	if (!ret)
		ret = install_signals();
	/* The command is started held, so its pid is followed from the start. */
	if (!ret && a->cfg.command)
		ret = start_command(a);
	if (ret)
		return ret;
	ret = pt_live_open(&a->live, &a->cfg, a->cmd.pid, &a->pipe, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "proctrace: %s\n", err);
		return ret;
	}
	pt_config_kinds_off(&a->cfg, pt_live_kinds_off(a->live));
	if (early_signal)
		return -EINTR; /* no output opened */
	/* Only once tracing can work: a refused load leaves no output behind.
	 * Events wait in the ring buffer meanwhile. */
	pt_origin_here(&a->origin);
	a->pipe.origin = &a->origin;
	/* The files written at the end are written as this user. */
	a->pipe.end_user = &a->user;
	ret = pt_pipeline_open(&a->pipe, &a->clock);
	if (ret)
		return ret;
	/* The snapshot comes after attaching, so no process falls between. */
	ret = pt_live_snapshot(a->live, err, sizeof(err));
	if (ret < 0 && !a->pipe.out_err) {
		fprintf(stderr, "proctrace: %s\n", err);
		return ret;
	}
	/* Tracing has begun (attached, the snapshot read): the files stream at
	 * their paths from now on, put there while proctrace may still write
	 * their directories (before it drops root). */
	if (!ret)
		ret = pt_pipeline_commit(&a->pipe, false);
	if (!ret && drop_privileges(a))
		return -EPERM; /* said why: never trace with more than it says */
	/* --top: the terminal checked before the command runs; the
	 * announcement made before the view takes the screen, for scripts
	 * that wait for it (and left on the screen when the view ends). */
	if (!ret && a->cfg.top) {
		announce(a);
		a->top = pt_top_open(a->cfg.sched, err, sizeof(err));
		if (!a->top) {
			fprintf(stderr, "proctrace: %s\n", err);
			return -ENOTTY;
		}
		pt_top_set_output(a->top, &a->top_out);
	}
	hangup_stops = a->top != NULL;
	if (!ret)
		ret = begin_tracing(a);
	if (!ret) {
		if (!a->cfg.top)
			announce(a);
		ret = trace_loop(a);
	}
	pt_top_close(a->top); /* also when the loop failed: then said below */
	a->top = NULL;
	pt_top_output_close(&a->top_out);
	if (!ret)
		ret = show_views(a);
	if (ret < 0 && !a->pipe.out_err)
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
	case PT_CLI_VERSION:
		return pt_version_print(stdout, PT_VERSION) ? 1 : 0;
	default:
		return 2;
	}
	/* --dry-run: the options parsed and fit together; nothing is opened. */
	if (a.cfg.dry_run)
		return 0;
	a.clock = pt_clock_now();
	ret = pt_pipeline_init(&a.pipe, &a.cfg);
	if (!ret)
		ret = a.cfg.replay_path ? run_replay(&a) : run_live(&a);
	pt_command_abort(&a.cmd); /* only if it never got to run */
	pt_pipeline_close(&a.pipe);
	pt_live_close(a.live);
	if (early_signal)
		return 128 + early_signal;
	if (a.pipe.out_err) {
		fprintf(stderr, "proctrace: %s\n", a.pipe.out_msg);
		return 1;
	}
	if (ret)
		return 1;
	pt_pipeline_summary(&a.pipe, stderr);
	if (a.cmd.pid && a.cmd.done)
		return pt_command_exit_code(a.cmd.status);
	return 0;
}
