// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* CSV writer, RFC 4180 with one deliberate difference: rows end in "\n", not
 * "\r\n", which is what Unix tools expect and what python's csv module and
 * sqlite3's .import read all the same. A field is quoted when it holds a
 * comma, a quote, CR or LF; quotes inside are doubled.
 *
 * Raw kernel text (comm, filename, names inside detail) is written as valid
 * UTF-8: bytes that are not become \xNN, and a literal backslash becomes \\
 * so that the escape cannot be confused with the text. The argv column is
 * shell-quoted, already valid UTF-8, and written unchanged. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proctrace/writer.h"

/* Rows are written in batches of about this size, straight to the file
 * descriptor: after a failed write the file can be cut back to its last
 * whole row, which stdio's buffering would hide. */
#define CSV_BATCH_BYTES 65536

static const char csv_header[] =
	"ts_ns,time,event,pid,tid,ppid,pgid,sid,uid,comm,by_pid,signal,"
	"exit_code,core_dumped,state,filename,argv,cpu_user_us,cpu_sys_us,"
	"maxrss_kb,minflt,majflt,nvcsw,nivcsw,ns_pid,pidns,cgroup_id,detail\n";

struct pt_csv {
	FILE *f; /* borrowed; only its descriptor is written */
	int fd;
	off_t base;	     /* file offset at open; -1: not seekable */
	__u64 written;	     /* bytes of whole rows written since open */
	struct pt_buf batch; /* whole rows not yet written */
	size_t *row_ends;    /* offset in batch after each of its rows */
	size_t n_rows, cap_rows;
	struct pt_clock clock;
	struct pt_buf row;    /* the row being formatted */
	struct pt_buf text;   /* one field before CSV quoting */
	struct pt_buf detail; /* the detail column before CSV quoting */
	int err;	      /* first write error, kept */
};

/* ---- fields: every one but the first starts with its comma ---- */

static bool needs_csv_quotes(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return true;
	return false;
}

static void put_field(struct pt_csv *w, const char *s, size_t n)
{
	size_t i;

	pt_buf_putc(&w->row, ',');
	if (!needs_csv_quotes(s, n)) {
		pt_buf_put(&w->row, s, n);
		return;
	}
	pt_buf_putc(&w->row, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			pt_buf_putc(&w->row, '"');
		pt_buf_putc(&w->row, s[i]);
	}
	pt_buf_putc(&w->row, '"');
}

static void put_empty(struct pt_csv *w)
{
	pt_buf_putc(&w->row, ',');
}

static void put_u64(struct pt_csv *w, unsigned long long v)
{
	pt_buf_putc(&w->row, ',');
	pt_buf_put_u64(&w->row, v);
}

static void put_u64_if(struct pt_csv *w, bool present, unsigned long long v)
{
	if (present)
		put_u64(w, v);
	else
		put_empty(w);
}

static void put_str(struct pt_csv *w, const char *s)
{
	put_field(w, s, strlen(s));
}

/* A scratch buffer that failed lacks part of its field: fail the row. */
static void put_buf(struct pt_csv *w, const struct pt_buf *b)
{
	if (b->failed)
		w->row.failed = true;
	put_field(w, b->len ? b->data : "", b->len);
}

/* Raw kernel bytes: escaped to valid UTF-8, then CSV-quoted. */
static void put_raw_text(struct pt_csv *w, const char *s, size_t n)
{
	pt_buf_reset(&w->text);
	pt_escape_text(&w->text, s, n, PT_ESC_BACKSLASH);
	put_buf(w, &w->text);
}

static void put_comm(struct pt_csv *w, const char *comm)
{
	put_raw_text(w, comm, strnlen(comm, PT_COMM_LEN));
}

/* ---- the detail column: key=value pairs separated by one space ----
 * Text values escape space (and control characters) as \xNN too, so that
 * splitting on spaces and then on the first '=' is always right. */

static void detail_sep(struct pt_csv *w)
{
	if (w->detail.len)
		pt_buf_putc(&w->detail, ' ');
}

static void detail_u64(struct pt_csv *w, const char *key, unsigned long long v)
{
	detail_sep(w);
	pt_buf_puts(&w->detail, key);
	pt_buf_putc(&w->detail, '=');
	pt_buf_put_u64(&w->detail, v);
}

static void detail_word(struct pt_csv *w, const char *key, const char *word)
{
	detail_sep(w);
	pt_buf_printf(&w->detail, "%s=%s", key, word);
}

static void detail_comm(struct pt_csv *w, const char *key, const char *comm)
{
	detail_sep(w);
	pt_buf_printf(&w->detail, "%s=", key);
	pt_escape_text(&w->detail, comm, strnlen(comm, PT_COMM_LEN),
		       PT_ESC_BACKSLASH | PT_ESC_CONTROL | PT_ESC_SPACE);
}

static bool has_flag(const struct pt_event *ev, unsigned flag)
{
	return ev->flags & flag;
}

static void detail_exec(struct pt_csv *w, const struct pt_event *ev)
{
	detail_u64(w, "argc", ev->exec.argc);
	detail_u64(w, "args_size", ev->exec.args_size);
	if (has_flag(ev, PT_F_ARGV_TRUNC)) {
		detail_word(w, "argv_truncated", "1");
		detail_u64(w, "captured", ev->exec.argv_len);
	}
	if (has_flag(ev, PT_F_ARGV_FAULT))
		detail_word(w, "argv_unreadable", "1");
	if (has_flag(ev, PT_F_PATH_TRUNC))
		detail_word(w, "path_truncated", "1");
	if (ev->exec.old_tid != ev->task.pid)
		detail_u64(w, "old_tid", ev->exec.old_tid);
}

static void detail_reap(struct pt_csv *w, const struct pt_event *ev)
{
	__u64 zombie_ns;

	if (has_flag(ev, PT_F_AUTOREAP))
		detail_word(w, "reaped", "auto");
	if (has_flag(ev, PT_F_REAPER_UNKNOWN))
		detail_word(w, "reaper", "unknown");
	if (has_flag(ev, PT_F_REAP_AT_FREE))
		detail_word(w, "reap_at", "free");
	if (pt_reap_zombie_ns(ev, &zombie_ns))
		detail_u64(w, "zombie_ns", zombie_ns);
	if (pt_event_has_actor(ev)) {
		/* Seen at the free: the releasing thread may be unknown (0). */
		if (ev->by.tid || !has_flag(ev, PT_F_REAP_AT_FREE))
			detail_u64(w, "reaper_tid", ev->by.tid);
		detail_comm(w, "reaper_comm", ev->by.comm);
	}
}

static void detail_signal(struct pt_csv *w, const struct pt_event *ev)
{
	if (ev->kind == PT_SIGNAL)
		detail_word(w, "result", pt_sig_result_name(ev->signal.result));
	detail_sep(w);
	pt_buf_printf(&w->detail, "code=%d", ev->signal.code);
	if (pt_event_has_actor(ev)) {
		detail_u64(w, "sender_tid", ev->by.tid);
		detail_comm(w, "sender_comm", ev->by.comm);
	}
	if (ev->kind == PT_SIGNAL && has_flag(ev, PT_F_SIG_GROUP))
		detail_word(w, "group", "1");
	if (has_flag(ev, PT_F_KERNEL_SENDER))
		detail_word(w, "sender", "kernel");
}

static void detail_lost(struct pt_csv *w, const struct pt_event *ev)
{
	unsigned k;

	detail_u64(w, "lost", ev->lost.count);
	for (k = 1; k < PT_KIND_MAX; k++)
		if (ev->lost.by_kind[k])
			detail_u64(w, pt_kind_name(k), ev->lost.by_kind[k]);
}

static void format_detail(struct pt_csv *w, const struct pt_event *ev)
{
	bool actor = pt_event_has_actor(ev);

	pt_buf_reset(&w->detail);
	switch (ev->kind) {
	case PT_SNAPSHOT:
		detail_u64(w, "start_ns", ev->task.start_ns);
		break;
	case PT_FORK:
		if (actor)
			detail_u64(w, "parent_tid", ev->by.tid);
		break;
	case PT_THREAD:
		if (actor)
			detail_u64(w, "creator_tid", ev->by.tid);
		break;
	case PT_EXEC:
		detail_exec(w, ev);
		break;
	case PT_EXIT:
		if (!has_flag(ev, PT_F_GROUP_DEAD))
			detail_word(w, "thread_exit", "1");
		detail_sep(w);
		pt_buf_printf(&w->detail, "status=0x%04x", ev->exit.status);
		break;
	case PT_REAP:
		detail_reap(w, ev);
		break;
	case PT_SIGNAL:
	case PT_STOP:
	case PT_CONTINUE:
		detail_signal(w, ev);
		break;
	case PT_SETPGID:
		detail_u64(w, "old_pgid", ev->setpg.old_pgid);
		break;
	case PT_SETSID:
		detail_u64(w, "old_sid", ev->setpg.old_sid);
		detail_u64(w, "old_pgid", ev->setpg.old_pgid);
		break;
	case PT_RENAME:
		detail_comm(w, "old_comm", ev->rename.old_comm);
		break;
	case PT_LOST:
		detail_lost(w, ev);
		break;
	}
}

/* ---- columns ---- */

static void put_task(struct pt_csv *w, const struct pt_event *ev)
{
	const struct pt_task *t = &ev->task;

	if (ev->kind == PT_LOST) {
		pt_buf_puts(&w->row, ",,,,,,,");
		return;
	}
	put_u64(w, t->pid);
	put_u64(w, t->tid);
	put_u64(w, t->ppid);
	put_u64(w, t->pgid);
	put_u64(w, t->sid);
	put_u64(w, t->uid);
	put_comm(w, t->comm);
}

static void put_by_pid(struct pt_csv *w, const struct pt_event *ev)
{
	if (!pt_event_has_actor(ev))
		put_empty(w);
	else if (ev->kind == PT_THREAD)
		put_u64(w, ev->by.tid);
	else
		put_u64(w, ev->by.pid);
}

/* signal, exit_code, core_dumped */
static void put_signal_and_status(struct pt_csv *w, const struct pt_event *ev)
{
	struct pt_status st;
	char name[16];

	switch (ev->kind) {
	case PT_SIGNAL:
	case PT_STOP:
	case PT_CONTINUE:
		put_str(w, pt_signal_name(ev->signal.sig, name, sizeof(name)));
		pt_buf_puts(&w->row, ",,");
		break;
	case PT_EXIT:
		st = pt_decode_status(ev->exit.status);
		if (st.signaled)
			put_str(w, pt_signal_name(st.sig, name, sizeof(name)));
		else
			put_empty(w);
		put_u64_if(w, !st.signaled, st.code);
		put_u64(w, st.core);
		break;
	default:
		pt_buf_puts(&w->row, ",,,");
	}
}

/* filename, argv */
static void put_exec(struct pt_csv *w, const struct pt_event *ev)
{
	const char *path;
	const __u8 *argv;
	size_t n;

	if (ev->kind != PT_EXEC) {
		pt_buf_puts(&w->row, ",,");
		return;
	}
	path = pt_exec_path(ev, &n);
	put_raw_text(w, path, n);
	argv = pt_exec_argv(ev, &n);
	pt_buf_reset(&w->text);
	pt_argv_join(&w->text, argv, n);
	put_buf(w, &w->text);
}

/* cpu_user_us ... nivcsw */
static void put_usage(struct pt_csv *w, const struct pt_event *ev)
{
	const struct pt_exit *x = &ev->exit;
	__u64 user, sys;

	if (ev->kind != PT_EXIT) {
		pt_buf_puts(&w->row, ",,,,,,,");
		return;
	}
	pt_cputime_adjust(x->utime_ns, x->stime_ns, x->runtime_ns, &user, &sys);
	put_u64(w, user / 1000);
	put_u64(w, sys / 1000);
	put_u64(w, x->maxrss_kb);
	put_u64(w, x->minflt);
	put_u64(w, x->majflt);
	put_u64(w, x->nvcsw);
	put_u64(w, x->nivcsw);
}

static void format_row(struct pt_csv *w, const struct pt_event *ev)
{
	bool lost = ev->kind == PT_LOST;

	pt_buf_reset(&w->row);
	pt_buf_put_u64(&w->row, ev->task.ts_ns);
	pt_buf_putc(&w->row, ',');
	pt_format_utc(&w->row, &w->clock, ev->task.ts_ns);
	put_str(w, pt_kind_name(ev->kind));
	put_task(w, ev);
	put_by_pid(w, ev);
	put_signal_and_status(w, ev);
	if (lost)
		put_empty(w);
	else
		put_str(w, pt_state_name(ev->task.state));
	put_exec(w, ev);
	put_usage(w, ev);
	if (lost) {
		pt_buf_puts(&w->row, ",,,");
	} else {
		put_u64(w, ev->task.ns_pid);
		put_u64(w, ev->task.pidns);
		put_u64(w, ev->task.cgroup_id);
	}
	format_detail(w, ev);
	put_buf(w, &w->detail);
	pt_buf_putc(&w->row, '\n');
}

/* ---- the writer ---- */

/* After a short write, cut the file back to the end of the last row that
 * made it whole, so it always ends on a row boundary. */
static void cut_to_last_row(struct pt_csv *w, size_t landed)
{
	size_t keep = 0;

	for (size_t i = 0; i < w->n_rows && w->row_ends[i] <= landed; i++)
		keep = w->row_ends[i];
	if (w->base >= 0 && keep < landed)
		(void)!ftruncate(w->fd, w->base + (off_t)(w->written + keep));
	w->written += keep;
}

static int csv_flush_batch(struct pt_csv *w)
{
	size_t off = 0;
	ssize_t n;

	while (off < w->batch.len) {
		n = write(w->fd, w->batch.data + off, w->batch.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->err = n < 0 ? -errno : -EIO;
			cut_to_last_row(w, off);
			break;
		}
		off += n;
	}
	if (!w->err)
		w->written += w->batch.len;
	pt_buf_reset(&w->batch);
	w->n_rows = 0;
	return w->err;
}

static int remember_row_end(struct pt_csv *w)
{
	if (w->n_rows == w->cap_rows) {
		size_t cap = w->cap_rows ? w->cap_rows * 2 : 256;
		size_t *ends = realloc(w->row_ends, cap * sizeof(*ends));

		if (!ends)
			return -ENOMEM;
		w->row_ends = ends;
		w->cap_rows = cap;
	}
	w->row_ends[w->n_rows++] = w->batch.len;
	return 0;
}

static int csv_emit(struct pt_csv *w)
{
	if (w->err)
		return w->err;
	if (w->row.failed || w->batch.failed)
		return w->err = -ENOMEM;
	pt_buf_put(&w->batch, w->row.data, w->row.len);
	w->err = remember_row_end(w);
	if (!w->err && w->batch.len >= CSV_BATCH_BYTES)
		csv_flush_batch(w);
	return w->err;
}

int pt_csv_flush(struct pt_csv *w)
{
	if (!w->err && w->batch.len)
		csv_flush_batch(w);
	return w->err;
}

struct pt_csv *pt_csv_open(FILE *f, const struct pt_clock *clock)
{
	struct pt_csv *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return NULL;
	w->f = f;
	w->fd = fileno(f);
	w->clock = *clock;
	/* Whatever stdio holds for f goes first. */
	err = pt_file_flush(f);
	w->base = lseek(w->fd, 0, SEEK_CUR);
	pt_buf_puts(&w->row, csv_header);
	if (!err)
		err = csv_emit(w);
	if (!err)
		err = pt_csv_flush(w);
	if (err) {
		pt_buf_free(&w->row);
		pt_buf_free(&w->batch);
		free(w->row_ends);
		free(w);
		errno = -err;
		return NULL;
	}
	return w;
}

int pt_csv_write(struct pt_csv *w, const struct pt_event *ev)
{
	if (w->err)
		return w->err;
	format_row(w, ev);
	return csv_emit(w);
}

int pt_csv_close(struct pt_csv *w)
{
	int err;

	if (!w)
		return 0;
	pt_csv_flush(w);
	err = w->err;
	pt_buf_free(&w->batch);
	free(w->row_ends);
	pt_buf_free(&w->row);
	pt_buf_free(&w->text);
	pt_buf_free(&w->detail);
	free(w);
	return err;
}
