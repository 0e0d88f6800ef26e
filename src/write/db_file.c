// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The database's file (db.h): opened with the checks of every output file
 * (outfile.h), then handed to SQLite by name; made with its schema and
 * trace row; closed with the processes and the end written, and put in
 * place.
 *
 * In place (live), the file is truncated and opened where it is, in WAL
 * mode with synchronous=NORMAL: a committed batch survives the process
 * being killed, and readers see it at once. A WAL or shared-memory file
 * left beside it by an older database is removed first: SQLite would
 * replay its pages into the new file. Beside (replay), the temporary file
 * is written without a journal (it is thrown away whole on failure) and
 * renamed over the name at the close.
 *
 * A name too long for SQLite's files beside it (NAME-journal, NAME-wal,
 * NAME-shm: a directory entry holds NAME_MAX bytes) is written beside
 * live too, under the shorter temporary name, in WAL mode as in place; at
 * the close it goes back to a rollback journal, which needs no file beside
 * it to be read, and is renamed over the name. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "db_int.h"
#include "json_text.h"

static int fail_why(struct pt_db *db, int err, const char *what)
{
	if (!db->err) {
		db->err = err;
		snprintf(db->why, sizeof(db->why), "%s %s: %s", what, db->opts.path,
			 strerror(-err));
	}
	return db->err;
}

static int not_regular(struct pt_db *db)
{
	snprintf(db->why, sizeof(db->why), "cannot write %s: a database needs a regular file",
		 db->opts.path);
	return db->err = -EINVAL;
}

/* A journal of an older database at NAME-wal or NAME-journal: SQLite
 * would replay its pages into the new file. Known by its magic number,
 * so that a file of another kind that happens to have the name stays. */
static int remove_stale(struct pt_db *db)
{
	static const struct {
		const char *ext;
		unsigned char magic[8];
		size_t len;
	} journals[] = {
		{ "-wal", { 0x37, 0x7f, 0x06 }, 3 }, /* then 0x82 or 0x83 */
		{ "-journal", { 0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7 }, 8 },
	};
	unsigned char head[8];
	char name[4096];
	int fd;

	for (size_t i = 0; i < sizeof(journals) / sizeof(journals[0]); i++) {
		snprintf(name, sizeof(name), "%s%s", db->out.name, journals[i].ext);
		fd = openat(db->out.dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		if (read(fd, head, journals[i].len) == (ssize_t)journals[i].len &&
		    !memcmp(head, journals[i].magic, journals[i].len) &&
		    unlinkat(db->out.dirfd, name, 0) && errno != ENOENT) {
			close(fd);
			return fail_why(db, -errno, "cannot replace");
		}
		close(fd);
	}
	return 0;
}

/* SQLite's files beside a database, its longest suffix first. */
static const char *const sqlite_siblings[] = { "-journal", "-wal", "-shm" };
#define SIBLING_MAX (sizeof("-journal") - 1)
_Static_assert(SIBLING_MAX <= PT_OUTFILE_TMP_SPARE, "a temporary name leaves room for them");

/* Whether SQLite's files beside path fit in its directory. */
static bool siblings_fit(const char *path)
{
	const char *slash = strrchr(path, '/');

	return strlen(slash ? slash + 1 : path) + SIBLING_MAX <= NAME_MAX;
}

/* Written live beside its name: the temporary file's WAL and shared
 * memory, left by a database that failed (SQLite removes them at a clean
 * close). */
static void remove_siblings(struct pt_db *db)
{
	char name[NAME_MAX + 1];

	for (size_t i = 0;
	     db->whole.out.tmp && i < sizeof(sqlite_siblings) / sizeof(*sqlite_siblings); i++)
		if (snprintf(name, sizeof(name), "%s%s", db->whole.out.tmp, sqlite_siblings[i]) <
		    (int)sizeof(name))
			unlinkat(db->whole.out.dirfd, name, 0);
}

/* The file SQLite opens (by name, refusing a symbolic link there): path
 * itself in place; beside, the temporary file in path's directory. */
static int open_file(struct pt_db *db, char **sqlpath)
{
	const char *path = db->opts.path, *slash;
	struct stat st;
	int ret;

	db->live_beside = db->opts.in_place && !siblings_fit(path);
	if (db->opts.in_place && !db->live_beside) {
		bool existed = !fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW);

		/* SQLite makes its journal beside the file: a directory that
		 * takes no new file is said as such, before the file is
		 * emptied (SQLite would say ENOENT). */
		ret = pt_outfile_check(path, "as SQLite's journal must be", db->why,
				       sizeof(db->why));
		if (ret)
			return db->err = ret;
		ret = pt_outfile_open(&db->out, path, 0, false, db->why, sizeof(db->why));
		if (ret)
			return db->err = ret;
		if (fstat(fileno(db->out.f), &st) || !S_ISREG(st.st_mode))
			return not_regular(db);
		db->made_here = !existed;
		/* SQLite's POSIX locks go with any descriptor of the file
		 * closed: none but its own may stay open. */
		fclose(db->out.f);
		db->out.f = NULL;
		ret = remove_stale(db);
		if (ret)
			return ret;
		*sqlpath = strdup(path);
	} else {
		ret = pt_whole_file_open(&db->whole, path, db->why, sizeof(db->why));
		if (ret)
			return db->err = ret;
		if (!db->whole.out.tmp)
			return not_regular(db);
		slash = strrchr(path, '/');
		if (asprintf(sqlpath, "%.*s%s", slash ? (int)(slash - path + 1) : 0, path,
			     db->whole.out.tmp) < 0)
			*sqlpath = NULL;
	}
	return *sqlpath ? 0 : fail_why(db, -ENOMEM, "cannot write");
}

static const char *const place_pragmas[2] = {
	"PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;",
	"PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384;",
};

static void put_options(struct pt_db *db, struct pt_buf *b)
{
	struct pt_buf tmp = { 0 };

	pt_buf_putc(b, '[');
	for (int i = 0; i < db->opts.argc; i++) {
		if (i)
			pt_buf_putc(b, ',');
		pt_json_put_raw(b, &tmp, db->opts.argv[i], strlen(db->opts.argv[i]));
	}
	pt_buf_putc(b, ']');
	pt_buf_free(&tmp);
}

static int insert_trace(struct pt_db *db)
{
	const char *texts[] = {
		[TR_VERSION] = db->opts.version, [TR_HOST] = db->opts.host,
		[TR_KERNEL] = db->opts.kernel,	 [TR_BOOT_ID] = db->opts.boot_id,
		[TR_SOURCE] = db->opts.source,
	};
	sqlite3_stmt *st;
	int rc;

	pt_buf_reset(&db->sql);
	db_insert_sql(&db->sql, PT_DB_TRACE, false);
	rc = sqlite3_prepare_v2(db->db, db->sql.data, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail_rc(db, rc);
	for (unsigned i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i])
			sqlite3_bind_text(st, i + 1, texts[i], -1, SQLITE_STATIC);
	sqlite3_bind_int(st, TR_SCHEMA + 1, PT_DB_SCHEMA_VERSION);
	pt_buf_reset(&db->text);
	put_options(db, &db->text);
	sqlite3_bind_text(st, TR_OPTIONS + 1, db->text.data, (int)db->text.len, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, TR_COMPLETE + 1, 0);
	sqlite3_bind_text(st, TR_ENDED + 1, "running", -1, SQLITE_STATIC);
	rc = db_step(db, st);
	sqlite3_finalize(st);
	return rc;
}

static int prepare(struct pt_db *db, sqlite3_stmt **st, enum pt_db_table t, bool upsert)
{
	int rc;

	pt_buf_reset(&db->sql);
	db_insert_sql(&db->sql, t, upsert);
	if (db->sql.failed)
		return db_fail_rc(db, SQLITE_NOMEM);
	rc = sqlite3_prepare_v3(db->db, db->sql.data, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
	return rc == SQLITE_OK ? 0 : db_fail_rc(db, rc);
}

static int make_schema(struct pt_db *db)
{
	int err = db_exec(db, place_pragmas[db->opts.in_place]);

	pt_buf_reset(&db->sql);
	db_schema_sql(&db->sql, db->opts.threads, db->opts.in_place);
	if (!err && db->sql.failed)
		err = db_fail_rc(db, SQLITE_NOMEM);
	if (!err)
		err = db_exec(db, "BEGIN");
	if (!err)
		err = db_exec(db, db->sql.data);
	if (!err)
		err = insert_trace(db);
	if (!err)
		err = db_exec(db, "COMMIT");
	if (!err)
		err = prepare(db, &db->event, PT_DB_EVENTS, false);
	if (!err)
		err = prepare(db, &db->lost, PT_DB_LOST, false);
	if (!err)
		err = prepare(db, &db->proc, PT_DB_PROCESSES, true);
	if (!err && db->opts.threads)
		err = prepare(db, &db->thread, PT_DB_THREADS, false);
	return err;
}

static void release(struct pt_db *db)
{
	sqlite3_finalize(db->event);
	sqlite3_finalize(db->lost);
	sqlite3_finalize(db->proc);
	sqlite3_finalize(db->thread);
	if (db->db && sqlite3_close(db->db) != SQLITE_OK && !db->err)
		db_fail_rc(db, SQLITE_IOERR);
	db->db = NULL;
	pt_holders_free(&db->holders);
	pt_buf_free(&db->text);
	pt_buf_free(&db->sql);
	free(db->dirty);
	free(db->context);
}

int pt_db_open(struct pt_db **out, const struct pt_db_opts *opts, char *why, size_t whylen)
{
	struct pt_db *db = calloc(1, sizeof(*db));
	char *sqlpath = NULL;
	int rc, err;

	*out = NULL;
	if (!db) {
		snprintf(why, whylen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	db->opts = *opts;
	db->clock = *opts->clock;
	db->out.dirfd = -1;
	db->batch_rows = opts->in_place ? PT_DB_BATCH_ROWS_LIVE : PT_DB_BATCH_ROWS;
	err = open_file(db, &sqlpath);
	if (!err) {
		/* One thread uses it: no mutexes. */
		rc = sqlite3_open_v2(
			sqlpath, &db->db,
			SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL);
		err = rc == SQLITE_OK ? 0 : db_fail_rc(db, rc);
	}
	free(sqlpath);
	if (!err)
		err = make_schema(db);
	clock_gettime(CLOCK_MONOTONIC, &db->last_commit);
	if (!err) {
		*out = db;
		return 0;
	}
	snprintf(why, whylen, "%s", db->why);
	release(db);
	/* A file this call created, and no database: removed. Never one that
	 * was there before (a device, someone's file). */
	if (db->made_here)
		unlinkat(db->out.dirfd, db->out.name, 0);
	pt_outfile_close(&db->out);
	remove_siblings(db);
	pt_whole_file_abort(&db->whole);
	free(db);
	return err;
}

/* The end, written in place after a failure: what failed, if SQLite can
 * still write it (not on a full disk); complete stays 0 either way. */
static void say_failed(struct pt_db *db)
{
	struct pt_db_end end = { .complete = false };
	char how[600];

	if (db->in_txn)
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
	db->in_txn = false;
	db->n_events = db->committed_events;
	db->n_lost = db->committed_lost;
	snprintf(how, sizeof(how), "error: %s", db->why);
	end.how = how;
	db->err = 0; /* to try; the first error is put back below */
	if (db_trace_update(db, &end))
		db->err = 0;
}

int pt_db_close(struct pt_db *db, const struct pt_db_end *end, char *why, size_t whylen)
{
	const struct pt_db_end stopped = { .complete = false, .how = "stopped" };
	int err, first;

	if (!db)
		return 0;
	/* Written whole (a replay) for a run that failed: FILE stays as it
	 * was, as -o and -j do (never renamed over it). */
	if (!end && !db->opts.in_place) {
		if (db->in_txn)
			sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
		release(db);
		pt_whole_file_abort(&db->whole);
		free(db);
		return 0;
	}
	if (!end)
		end = &stopped;
	err = db->err;
	if (!err && db->in_txn)
		err = db_commit(db);
	if (!err)
		err = db_exec(db, "BEGIN");
	db->in_txn = !err;
	if (!err && db->opts.model)
		err = db_write_processes(db, db->opts.model, end->end_ns);
	if (!err && !db->opts.in_place) {
		pt_buf_reset(&db->sql);
		db_index_sql(&db->sql);
		err = db->sql.failed ? db_fail_rc(db, SQLITE_NOMEM) : db_exec(db, db->sql.data);
	}
	if (!err)
		err = db_trace_update(db, end);
	if (!err)
		err = db_exec(db, "COMMIT");
	db->in_txn = db->in_txn && err;
	/* Renamed over a name SQLite's WAL cannot be beside. */
	if (!err && db->live_beside)
		err = db_exec(db, "PRAGMA journal_mode = DELETE");
	first = err;
	if (err && db->opts.in_place && !db->live_beside) {
		char keep[sizeof(db->why)];

		memcpy(keep, db->why, sizeof(keep));
		say_failed(db);
		memcpy(db->why, keep, sizeof(keep));
	}
	db->err = first;
	release(db);
	err = db->err;
	if (db->opts.in_place && !db->live_beside) {
		pt_outfile_close(&db->out);
	} else if (!err) {
		err = pt_whole_file_commit(&db->whole);
		if (err)
			fail_why(db, err, "writing");
	} else {
		remove_siblings(db);
		pt_whole_file_abort(&db->whole);
	}
	if (err)
		snprintf(why, whylen, "%s", db->why);
	free(db);
	return err;
}

const char *pt_db_error(const struct pt_db *db)
{
	return db->err ? db->why : "";
}
