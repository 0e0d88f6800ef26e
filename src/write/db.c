// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The SQLite database writer (db.h): the file opened safely (outfile.h),
 * rows bound from the same record as the CSV's (record.c), committed in
 * batches; the processes rows from the model (db_procs.c). */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "proctrace/outfile.h"
#include "proctrace/decode.h"
#include "db_int.h"
#include "json_text.h"

int db_fail_rc(struct pt_db *db, int rc)
{
	int sys = db->db ? sqlite3_system_errno(db->db) : 0;
	int err = (rc & 0xff) == SQLITE_FULL  ? -ENOSPC
		: (rc & 0xff) == SQLITE_NOMEM ? -ENOMEM
		: sys			      ? -sys
					      : -EIO;

	if (!db->err) {
		db->err = err;
		snprintf(db->why, sizeof(db->why), "writing %s: %s", db->opts.path,
			 err == -EIO && db->db ? sqlite3_errmsg(db->db) : strerror(-err));
	}
	return db->err;
}

int db_exec(struct pt_db *db, const char *sql)
{
	int rc = sqlite3_exec(db->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_fail_rc(db, rc);
}

int db_step(struct pt_db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_fail_rc(db, rc);
}

/* ---- values ---- */

/* "CLONE_VM|CLONE_FS" as ["CLONE_VM","CLONE_FS"] */
static void put_word_list(struct pt_buf *b, const char *s, size_t n)
{
	size_t from = 0;

	pt_buf_putc(b, '[');
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '|')
			continue;
		if (from)
			pt_buf_putc(b, ',');
		pt_json_put_string(b, s + from, i - from);
		from = i + 1;
	}
	pt_buf_putc(b, ']');
}

static void bind_text_buf(struct pt_db *db, sqlite3_stmt *st, int i)
{
	sqlite3_bind_text(st, i, db->text.len ? db->text.data : "", (int)db->text.len,
			  SQLITE_TRANSIENT);
}

/* Column i (1-based) gets v; text as the CSV writes it (valid UTF-8, raw
 * bytes as \xNN), argv and word lists as JSON arrays. */
void db_bind_val(struct pt_db *db, sqlite3_stmt *st, int i, const struct pt_val *v, bool list)
{
	struct pt_buf *t = &db->text;

	pt_buf_reset(t);
	switch (v->kind) {
	case PT_VAL_U64:
	case PT_VAL_HEX:
		sqlite3_bind_int64(st, i, (sqlite3_int64)v->u);
		break;
	case PT_VAL_S64:
		sqlite3_bind_int64(st, i, v->s);
		break;
	case PT_VAL_FLAG:
		sqlite3_bind_int(st, i, 1);
		break;
	case PT_VAL_WORD:
		if (!list) {
			sqlite3_bind_text(st, i, v->str, (int)v->len, SQLITE_STATIC);
			break;
		}
		put_word_list(t, v->str, v->len);
		bind_text_buf(db, st, i);
		break;
	case PT_VAL_TEXT:
		pt_escape_text(t, v->str, v->len, PT_ESC_BACKSLASH);
		bind_text_buf(db, st, i);
		break;
	case PT_VAL_ARGV: {
		struct pt_buf tmp = { 0 };

		pt_json_put_argv(t, &tmp, v->str, v->len);
		pt_buf_free(&tmp);
		bind_text_buf(db, st, i);
		break;
	}
	case PT_VAL_TIME:
		pt_format_utc(t, &db->clock, v->u);
		bind_text_buf(db, st, i);
		break;
	case PT_VAL_NONE:
		break;
	}
}

void db_bind_u64(sqlite3_stmt *st, int i, __u64 u)
{
	sqlite3_bind_int64(st, i, (sqlite3_int64)u);
}

void db_bind_time(struct pt_db *db, sqlite3_stmt *st, int i, __u64 ts_ns)
{
	struct pt_val v = { .kind = PT_VAL_TIME, .u = ts_ns };

	db_bind_val(db, st, i, &v, false);
}

/* ---- transactions ---- */

static int begin(struct pt_db *db)
{
	int err = db->in_txn || db->err ? db->err : db_exec(db, "BEGIN");

	db->in_txn = !err;
	return err;
}

static __u64 ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (__u64)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* The trace row's progress: what a reader sees while it is written. */
int db_trace_update(struct pt_db *db, const struct pt_db_end *end)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db->db,
				    "UPDATE trace SET start_ns = ?1, end_ns = ?2, start_time = ?3, "
				    "end_time = ?4, events = ?5, lost = ?6, complete = ?7, "
				    "ended = ?8",
				    -1, &st, NULL);
	__u64 end_ns = end && end->end_ns > db->last_ts ? end->end_ns : db->last_ts;

	if (rc != SQLITE_OK)
		return db_fail_rc(db, rc);
	if (db->have_ts) {
		db_bind_u64(st, 1, db->first_ts);
		db_bind_u64(st, 2, end_ns);
		db_bind_time(db, st, 3, db->first_ts);
		db_bind_time(db, st, 4, end_ns);
	}
	db_bind_u64(st, 5, db->n_events);
	db_bind_u64(st, 6, db->n_lost);
	sqlite3_bind_int(st, 7, end ? end->complete : 0);
	sqlite3_bind_text(st, 8, end ? end->how : "running", -1, SQLITE_TRANSIENT);
	rc = db_step(db, st);
	sqlite3_finalize(st);
	return rc;
}

static int upsert_proc(struct pt_db *db, const struct pt_proc *p, __u64 end_ns);

static bool is_context(const struct pt_db *db, const struct pt_proc *p)
{
	for (size_t i = 0; i < db->ncontext; i++)
		if (db->context[i].pid == p->pid && db->context[i].start_ns == p->start_ns)
			return true;
	return false;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* In place: the rows of the processes the batch changed, as the model
 * has them now (the newest holder of each pid; all are rewritten at the
 * close). */
static int upsert_dirty(struct pt_db *db, struct pt_model *m)
{
	const struct pt_proc *p;
	int err = 0;

	qsort(db->dirty, db->ndirty, sizeof(*db->dirty), cmp_u32);
	for (size_t i = 0; i < db->ndirty && !err; i++) {
		if (i && db->dirty[i] == db->dirty[i - 1])
			continue;
		/* Read, not made whole: a compact process stays so. */
		p = pt_model_peek(m, db->dirty[i], 0);
		if (p && !is_context(db, p))
			err = upsert_proc(db, p, db->last_ts);
	}
	db->ndirty = 0;
	return err;
}

int db_commit(struct pt_db *db)
{
	struct pt_model *m = db->opts.model;
	int err = db->err;

	if (!db->in_txn)
		return err;
	if (!err && m && db->opts.in_place)
		err = upsert_dirty(db, m);
	if (!err && db->opts.in_place)
		err = db_trace_update(db, NULL);
	if (!err)
		err = db_exec(db, "COMMIT");
	if (err) {
		/* The batch is gone: the counts say what the file holds. */
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
		db->n_events = db->committed_events;
		db->n_lost = db->committed_lost;
	}
	db->committed_events = db->n_events;
	db->committed_lost = db->n_lost;
	db->in_txn = false;
	db->batch = 0;
	clock_gettime(CLOCK_MONOTONIC, &db->last_commit);
	return err;
}

int pt_db_flush(struct pt_db *db)
{
	if (db->err || !db->in_txn || ms_since(&db->last_commit) < PT_DB_COMMIT_MS)
		return db->err;
	return db_commit(db);
}

/* ---- events ---- */

static int mark_dirty(struct pt_db *db, __u32 pid)
{
	if (db->ndirty == db->capdirty) {
		size_t cap = db->capdirty ? db->capdirty * 2 : 1024;
		__u32 *d = realloc(db->dirty, cap * sizeof(*d));

		if (!d)
			return db_fail_rc(db, SQLITE_NOMEM);
		db->dirty = d;
		db->capdirty = cap;
	}
	db->dirty[db->ndirty++] = pid;
	return 0;
}

/* The detail key a record's entry is (its name is the schema's own
 * string); PT_DK_KIND for a lost row's per-kind counts. */
static enum pt_dkey key_of(const char *name)
{
	for (unsigned k = 0; k < PT_NDKEYS; k++)
		if (pt_detail_keys[k].name == name)
			return k;
	return PT_DK_KIND;
}

static int write_lost(struct pt_db *db, const struct pt_event *ev)
{
	sqlite3_stmt *st = db->lost;
	bool rescan = ev->flags & PT_F_RESCAN;

	db_bind_u64(st, L_TS_NS + 1, ev->task.ts_ns);
	db_bind_time(db, st, L_TIME + 1, ev->task.ts_ns);
	db_bind_u64(st, L_LOST + 1, rescan ? 0 : ev->lost.count);
	if (rescan) {
		db_bind_u64(st, L_RESCAN + 1, ev->rescan.tasks);
		db_bind_u64(st, L_ENDED_UNSEEN + 1, ev->rescan.ended);
		db_bind_u64(st, L_BORN_UNSEEN + 1, ev->rescan.born);
		db_bind_u64(st, L_SINCE_NS + 1, ev->rescan.since_ns);
	} else {
		db->n_lost += ev->lost.count;
		for (unsigned k = 1; k < PT_KIND_MAX; k++)
			if (k != PT_LOST)
				db_bind_u64(st, db_lost_kind_col(k) + 1, ev->lost.by_kind[k]);
	}
	return db_step(db, st);
}

int pt_db_write(struct pt_db *db, const struct pt_event *ev)
{
	const struct pt_record *r = &db->rec;
	sqlite3_stmt *st = db->event;
	int err = begin(db);

	if (err)
		return err;
	if (pt_record_fill(&db->rec, ev, &db->holders))
		return db_fail_rc(db, SQLITE_NOMEM);
	for (unsigned c = 0; c < PT_COL_DETAIL; c++)
		db_bind_val(db, st, c + 1, &r->col[c], false);
	for (unsigned i = 0; i < r->n_det; i++) {
		enum pt_dkey k = key_of(r->det[i].key);

		if (k != PT_DK_KIND)
			db_bind_val(db, st, pt_db_events_col_of_key(k) + 1, &r->det[i].v,
				    k == PT_DK_CLONE);
	}
	if (r->n_det) {
		struct pt_buf tmp = { 0 };

		pt_buf_reset(&db->text);
		pt_json_put_detail(&db->text, &tmp, r);
		pt_buf_free(&tmp);
		bind_text_buf(db, st, PT_COL_DETAIL + 1);
	}
	if (db->text.failed)
		return db_fail_rc(db, SQLITE_NOMEM);
	err = db_step(db, st);
	if (!err && ev->kind == PT_LOST)
		err = write_lost(db, ev);
	else if (!err && db->opts.in_place)
		err = mark_dirty(db, ev->task.pid);
	if (err)
		return err;
	db->n_events += pt_kind_counted(ev->kind);
	if (!db->have_ts || ev->task.ts_ns < db->first_ts)
		db->first_ts = ev->task.ts_ns;
	db->have_ts = true;
	if (ev->task.ts_ns > db->last_ts)
		db->last_ts = ev->task.ts_ns;
	return ++db->batch >= db->batch_rows ? db_commit(db) : 0;
}

void pt_db_context(struct pt_db *db, const struct pt_event *ev)
{
	if (ev->kind != PT_SNAPSHOT)
		return;
	if (db->ncontext == db->capcontext) {
		size_t cap = db->capcontext ? db->capcontext * 2 : 16;
		void *c = realloc(db->context, cap * sizeof(*db->context));

		if (!c) {
			db_fail_rc(db, SQLITE_NOMEM);
			return;
		}
		db->context = c;
		db->capcontext = cap;
	}
	db->context[db->ncontext].pid = ev->task.pid;
	db->context[db->ncontext++].start_ns = ev->task.start_ns;
}

/* ---- processes ---- */

static int upsert_proc(struct pt_db *db, const struct pt_proc *p, __u64 end_ns)
{
	struct pt_val vals[P_NCOLS];
	struct db_proc_scratch s;

	db_proc_fill(vals, &s, p, end_ns);
	for (unsigned c = 0; c < P_NCOLS; c++)
		db_bind_val(db, db->proc, c + 1, &vals[c], c == P_CLONE);
	return db_step(db, db->proc);
}

static int insert_threads(struct pt_db *db, const struct pt_proc *p)
{
	const struct pt_thread *t[64];
	size_t n, from = 0;
	int err = 0;

	/* pt_proc_threads gives the first max threads: a process with more
	 * is read into a larger array. */
	const struct pt_thread **all = t;

	if (p->nthreads > 64 && !(all = malloc(p->nthreads * sizeof(*all))))
		return db_fail_rc(db, SQLITE_NOMEM);
	n = pt_proc_threads(p, all, p->nthreads > 64 ? p->nthreads : 64);
	for (; from < n && !err; from++) {
		sqlite3_stmt *st = db->thread;
		struct pt_val comm = { .kind = PT_VAL_TEXT,
				       .str = all[from]->comm,
				       .len = strnlen(all[from]->comm, PT_COMM_LEN) };

		db_bind_u64(st, T_PID + 1, p->pid);
		db_bind_u64(st, T_PROC_START_NS + 1, p->start_ns);
		db_bind_u64(st, T_TID + 1, all[from]->tid);
		if (all[from]->start_ns)
			db_bind_u64(st, T_START_NS + 1, all[from]->start_ns);
		if (all[from]->exit_ns)
			db_bind_u64(st, T_EXIT_NS + 1, all[from]->exit_ns);
		db_bind_val(db, st, T_COMM + 1, &comm, false);
		if (all[from]->took_pid)
			sqlite3_bind_int(st, T_TOOK_PID + 1, 1);
		err = db_step(db, st);
	}
	if (all != t)
		free(all);
	return err;
}

struct walk_ctx {
	struct pt_db *db;
	__u64 end_ns;
};

static int write_walked(const struct pt_walk *w, void *ctx)
{
	struct walk_ctx *c = ctx;

	if (is_context(c->db, w->proc))
		return 0;
	return upsert_proc(c->db, w->proc, c->end_ns)
		?: c->db->opts.threads && w->proc->nthreads ? insert_threads(c->db, w->proc)
							    : 0;
}

/* The model's processes, whole: what was written during the run is
 * replaced (a row may have been the newest holder of a pid then). */
int db_write_processes(struct pt_db *db, struct pt_model *m, __u64 end_ns)
{
	struct pt_model_stats s;
	struct walk_ctx c = { db, end_ns };
	int err = db_exec(db, "DELETE FROM processes");

	if (!err && db->opts.threads)
		err = db_exec(db, "DELETE FROM threads");
	pt_model_stats(m, &s);
	if (!c.end_ns)
		c.end_ns = s.end_ns;
	else
		pt_model_set_end(m, end_ns);
	if (!err)
		err = pt_model_walk(m, write_walked, &c);
	return err == -ENOMEM ? db_fail_rc(db, SQLITE_NOMEM) : err;
}
