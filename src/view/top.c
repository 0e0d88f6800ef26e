// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --top: the live view (top.h), drawn with ncurses on the controlling
 * terminal between two polls of the source. The drawing is rate-limited
 * and never waits for a key, so the ring buffer is read as often as
 * without it; paused, nothing is drawn at all. */
#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <term.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proctrace/buf.h"
#include "proctrace/decode.h"
#include "proctrace/procfs.h"
#include "proctrace/top.h"
#include "proctrace/top_output.h"
#include "proctrace/views.h"

/* At most this often: a few times a second. */
#define REFRESH_NS (250ull * 1000000ull)
/* Lines of exits under the tree, at most. */
#define EXIT_LINES 8
/* Lines of the command's output under them, at most. */
#define OUTPUT_LINES 6

struct pt_top {
	FILE *tty;
	SCREEN *screen;
	bool sched;
	bool paused;
	enum pt_top_sort sort;
	struct pt_top_fold fold;
	struct pt_top_rows rows;
	__u32 sel_pid; /* the selected process (0: the first row) */
	__u64 sel_start;
	size_t sel;		      /* its row, as last drawn */
	size_t first;		      /* the first row shown (scrolled) */
	bool dirty;		      /* to be drawn at the next tick, however recent */
	bool moved;		      /* the user chose a row: the followed one no longer is */
	struct pt_top_output *output; /* the command's output pane, or NULL */
	char out_lines[OUTPUT_LINES][PT_TOP_OUTPUT_COLS + 1];
	char say[256]; /* a line in place of the keys' (pt_top_say) */
	__u64 drawn_ns;
	long tick_ns; /* /proc's clock tick */
	struct pt_buf line;
	struct pt_buf tmp; /* scratch of the line's pieces */
};

int pt_top_usable(char *err, size_t errlen)
{
	FILE *tty = fopen("/dev/tty", "r+e");
	int bad = 0;

	if (!tty) {
		snprintf(err, errlen, "--top: no terminal (/dev/tty): %s", strerror(errno));
		return -ENOTTY;
	}
	if (setupterm(NULL, fileno(tty), &bad) != OK) {
		snprintf(err, errlen, "--top: the terminal cannot be used (TERM=%s)",
			 getenv("TERM") ? getenv("TERM") : "");
		fclose(tty);
		return -ENOTTY;
	}
	del_curterm(cur_term);
	fclose(tty);
	return 0;
}

struct pt_top *pt_top_open(bool sched, char *err, size_t errlen)
{
	struct pt_top *t = calloc(1, sizeof(*t));

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->sched = sched;
	t->tick_ns = 1000000000L / sysconf(_SC_CLK_TCK);
	t->tty = fopen("/dev/tty", "r+e");
	if (!t->tty) {
		snprintf(err, errlen, "--top: no terminal (/dev/tty): %s", strerror(errno));
		free(t);
		return NULL;
	}
	t->screen = newterm(NULL, t->tty, t->tty);
	if (!t->screen) {
		snprintf(err, errlen, "--top: the terminal cannot be used (TERM=%s)",
			 getenv("TERM") ? getenv("TERM") : "");
		fclose(t->tty);
		free(t);
		return NULL;
	}
	/* cbreak, not raw: Ctrl-C stays a signal, as without --top. */
	cbreak();
	noecho();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	curs_set(0);
	return t;
}

void pt_top_set_output(struct pt_top *t, struct pt_top_output *o)
{
	t->output = o && o->master >= 0 ? o : NULL;
	if (t->output)
		pt_top_output_take(o, COLS, OUTPUT_LINES);
}

void pt_top_say(struct pt_top *t, const char *line)
{
	snprintf(t->say, sizeof(t->say), "%s", line);
	t->dirty = true; /* shown at the next tick */
}

void pt_top_close(struct pt_top *t)
{
	if (!t)
		return;
	/* Blank first: a terminal without an alternate screen (or with it
	 * off) keeps what was drawn last otherwise; then the screen that
	 * was there before, restored by endwin where there is one. */
	erase();
	refresh();
	endwin();
	delscreen(t->screen);
	fclose(t->tty);
	pt_top_rows_free(&t->rows);
	pt_top_fold_free(&t->fold);
	pt_buf_free(&t->line);
	pt_buf_free(&t->tmp);
	free(t);
}

/* Its threads' time on a CPU so far, in ns: the first field of each
 * /proc/PID/task/TID/schedstat (the scheduler's sum_exec_runtime), exact
 * where utime + stime count whole clock ticks (a process that ran 6 ms
 * has 0 of them). Threads already gone are not in it: the caller takes
 * the larger of the two. */
static __u64 proc_run_ns(__u32 pid)
{
	char path[64];
	unsigned long long ns;
	__u64 sum = 0;
	struct dirent *d;
	DIR *dir;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/task", pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%u/task/%.16s/schedstat", pid, d->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fscanf(f, "%llu", &ns) == 1)
			sum += ns;
		fclose(f);
	}
	closedir(dir);
	return sum;
}

/* CPU time so far of a live process: utime + stime of /proc/PID/stat, or
 * its threads' running time when larger, when that pid is still the
 * process (its start time, in ticks). */
static bool proc_cpu(void *ctx, const struct pt_proc *p, __u64 *ns)
{
	const struct pt_top *t = ctx;
	unsigned long long utime, stime, start;
	char buf[1024];
	const char *s = pt_procfs_stat(p->pid, buf, sizeof(buf));
	__u64 run;

	/* after the comm: state ppid pgrp session tty tpgid flags minflt
	 * cminflt majflt cmajflt utime stime cutime cstime priority nice
	 * threads itrealvalue starttime */
	if (!s ||
	    sscanf(s,
		   " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d "
		   "%*d %*d %*d %llu",
		   &utime, &stime, &start) != 3)
		return false;
	if (start != p->start_ns / (__u64)t->tick_ns)
		return false;
	*ns = (utime + stime) * (__u64)t->tick_ns;
	run = proc_run_ns(p->pid);
	if (run > *ns)
		*ns = run;
	return true;
}

/* ---- drawing ---- */

static void put_line(int y, const struct pt_buf *b, int attr)
{
	int w = COLS;

	if (attr)
		attron(attr);
	mvaddnstr(y, 0, b->data ? b->data : "", w);
	if (attr) {
		/* the highlight across the whole line */
		int len = b->len < (size_t)w ? (int)b->len : w;

		for (int x = len; x < w; x++)
			mvaddch(y, x, ' ');
		attroff(attr);
	}
}

static void put_exit(struct pt_top *t, const struct pt_proc *p, __u64 now_ns)
{
	struct pt_buf *b = &t->line;

	pt_buf_reset(b);
	pt_buf_printf(b, "%7u ", p->pid);
	pt_view_put_comm(b, p->comm);
	pt_buf_puts(b, ": ");
	pt_view_put_status(b, p);
	pt_buf_puts(b, ", age ");
	pt_view_put_duration(b, p->exit_ns > p->start_ns ? p->exit_ns - p->start_ns : 0, true);
	pt_buf_puts(b, ", ");
	pt_view_put_duration(b, now_ns > p->exit_ns ? now_ns - p->exit_ns : 0, true);
	pt_buf_puts(b, " ago");
	if (p->flags & PT_PROC_REAP_SEEN) {
		pt_buf_puts(b, ", reaped ");
		pt_view_put_duration(b, now_ns > p->reap_ns ? now_ns - p->reap_ns : 0, true);
		pt_buf_puts(b, " ago");
	}
}

/* What is followed first: the command, else the first process of the
 * selection (the tree shows their ancestors above them, for context). */
static size_t followed_row(const struct pt_top *t)
{
	size_t i, first = t->rows.n;

	for (i = 0; i < t->rows.n; i++) {
		if (t->rows.rows[i].p->flags & PT_PROC_COMMAND)
			return i;
		if (first == t->rows.n && !(t->rows.rows[i].p->flags & PT_PROC_CONTEXT))
			first = i;
	}
	return first < t->rows.n ? first : 0;
}

/* The selected row: the selected process's, else the same place; until
 * the user moves, the followed process's, so that a small terminal shows
 * it rather than pid 1. */
static void find_selection(struct pt_top *t)
{
	size_t i;

	if (!t->moved) {
		t->sel = followed_row(t);
		return;
	}
	for (i = 0; i < t->rows.n; i++)
		if (t->rows.rows[i].p->pid == t->sel_pid &&
		    t->rows.rows[i].p->start_ns == t->sel_start) {
			t->sel = i;
			return;
		}
	if (t->sel >= t->rows.n)
		t->sel = t->rows.n ? t->rows.n - 1 : 0;
}

static void select_row(struct pt_top *t, size_t i)
{
	if (i >= t->rows.n)
		return;
	t->sel = i;
	t->sel_pid = t->rows.rows[i].p->pid;
	t->sel_start = t->rows.rows[i].p->start_ns;
}

static int draw(struct pt_top *t, struct pt_model *m, __u64 now_ns)
{
	struct pt_top_layout layout;
	struct pt_top_title title;
	struct pt_model_stats st;
	size_t nexits, room, avail, rest, exits_block, out_block, nout, i;
	int y = 0, err;

	err = pt_top_rows_build(m, now_ns, t->sort, &t->fold, proc_cpu, t, &t->rows);
	if (err)
		return err;
	find_selection(t);
	select_row(t, t->sel);
	pt_model_stats(m, &st);
	erase();
	pt_top_layout_fit(&layout, COLS > 0 ? (unsigned)COLS : 0);
	title.procs = t->rows.procs;
	title.ancestors = t->rows.ancestors;
	title.events = st.events;
	title.lost = st.lost;
	title.sort = pt_top_sort_names[t->sort];
	title.selected = t->rows.n ? t->rows.rows[t->sel].p->pid : 0;
	pt_buf_reset(&t->line);
	pt_top_put_title(&t->line, &layout, &title, &t->tmp);
	put_line(y++, &t->line, A_BOLD);
	pt_buf_reset(&t->line);
	pt_top_put_header(&t->line, &layout);
	put_line(y++, &t->line, A_UNDERLINE);

	/* Below the header: the tree, the exits (title and lines), the
	 * output (title and lines), the keys' line. The tree keeps half the
	 * lines at least; the exits, then the output, take what remains. */
	avail = LINES > y + 1 ? (size_t)(LINES - y - 1) : 0;
	room = t->rows.n < avail / 2 ? t->rows.n : avail / 2;
	room = room ? room : 1;
	rest = avail > room ? avail - room : 0;
	nexits = t->rows.nexits < EXIT_LINES ? t->rows.nexits : EXIT_LINES;
	exits_block = rest ? 1 + (nexits < rest - 1 ? nexits : rest - 1) : 0;
	nexits = exits_block ? exits_block - 1 : 0;
	rest -= exits_block;
	out_block = t->output && rest ? 1 + (rest - 1 < OUTPUT_LINES ? rest - 1 : OUTPUT_LINES) : 0;
	nout = out_block ? pt_top_output_lines(t->output, t->out_lines, out_block - 1) : 0;
	out_block = out_block ? 1 + nout : 0;
	room += rest - out_block;
	if (t->sel < t->first)
		t->first = t->sel;
	if (t->sel >= t->first + room)
		t->first = t->sel - room + 1;
	for (i = t->first; i < t->rows.n && i < t->first + room; i++) {
		pt_buf_reset(&t->line);
		pt_top_put_row(&t->line, &layout, &t->rows.rows[i], t->sched, now_ns, &t->tmp);
		put_line(y++, &t->line, i == t->sel ? A_REVERSE : 0);
	}
	y = LINES - 1 - (int)out_block - (int)exits_block;
	if (exits_block) {
		pt_buf_reset(&t->line);
		pt_buf_printf(&t->line, "Exits, last %llu s: %zu", PT_TOP_EXITS_NS / 1000000000ull,
			      t->rows.nexits);
		put_line(y++, &t->line, A_BOLD);
	}
	for (i = 0; i < nexits; i++) {
		put_exit(t, t->rows.exits[i], now_ns);
		put_line(y++, &t->line, 0);
	}
	if (out_block) {
		pt_buf_reset(&t->line);
		pt_buf_printf(&t->line, "Output: %zu bytes (shown again when the view ends)",
			      t->output->total);
		put_line(y++, &t->line, A_BOLD);
	}
	for (i = 0; i < nout; i++) {
		pt_buf_reset(&t->line);
		pt_buf_puts(&t->line, t->out_lines[i]);
		put_line(y++, &t->line, 0);
	}
	pt_buf_reset(&t->line);
	pt_buf_puts(&t->line,
		    t->say[0] ? t->say
			      : "q quit  up/down select  c collapse  s sort  p pause  ^L redraw");
	put_line(LINES - 1, &t->line, A_REVERSE);
	refresh();
	t->drawn_ns = now_ns;
	t->dirty = false;
	return 0;
}

static void show_paused(struct pt_top *t)
{
	pt_buf_reset(&t->line);
	pt_buf_puts(&t->line, "PAUSED (p: go on; the outputs are still written)");
	put_line(LINES - 1, &t->line, A_REVERSE);
	refresh();
}

/* One key: 1 to quit, 2 to redraw now, 0. */
static int key(struct pt_top *t, int k)
{
	switch (k) {
	case 'q':
	case 'Q':
		return 1;
	case 'p':
	case 'P':
		t->paused = !t->paused;
		if (t->paused)
			show_paused(t);
		return 2;
	}
	if (t->paused)
		return 0;
	switch (k) {
	case KEY_UP:
	case 'k':
		t->moved = true;
		select_row(t, t->sel ? t->sel - 1 : 0);
		return 2;
	case KEY_DOWN:
	case 'j':
		t->moved = true;
		select_row(t, t->sel + 1);
		return 2;
	case 'L' & 0x1f:
		/* What another program wrote on the terminal: all of it
		 * redrawn, not only what ncurses knows changed. */
		clearok(curscr, TRUE);
		return 2;
	case 's':
	case 'S':
		t->sort = (enum pt_top_sort)((t->sort + 1) % PT_TOP_NSORTS);
		return 2;
	case 'c':
	case ' ':
		if (t->sort == PT_TOP_SORT_TREE && t->sel < t->rows.n &&
		    t->rows.rows[t->sel].has_children &&
		    pt_top_fold_toggle(&t->fold, t->rows.rows[t->sel].p))
			return -ENOMEM;
		return 2;
	case KEY_RESIZE:
		return 2;
	}
	return 0;
}

int pt_top_tick(struct pt_top *t, struct pt_model *m, __u64 now_ns)
{
	bool redraw = !t->paused && (t->dirty || now_ns - t->drawn_ns >= REFRESH_NS);
	bool fresh = false;
	int k, r;

	/* Read even when paused: a full pty would hold the command. */
	if (t->output)
		pt_top_output_read(t->output);
	while ((k = getch()) != ERR) {
		/* The rows of the last drawing point into the model, fed
		 * since: the keys that use them are answered from a fresh
		 * build. */
		if (!fresh && !t->paused && t->drawn_ns) {
			r = pt_top_rows_build(m, now_ns, t->sort, &t->fold, proc_cpu, t, &t->rows);
			if (r)
				return r;
			find_selection(t);
			fresh = true;
		}
		r = key(t, k);
		if (r == 1 || r < 0)
			return r;
		if (r == 2)
			redraw = !t->paused;
	}
	return redraw ? draw(t, m, now_ns) : 0;
}
