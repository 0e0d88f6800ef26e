// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The SQLite writer against a database in a temporary directory: the
 * tables made from the schema's one definition, each value typed (a
 * detail key in its column, argv and clone flags as JSON arrays, the
 * lost table), the processes row from the model, the trace row's end, a
 * second reader seeing committed batches while it is written, a replay's
 * file appearing only whole, stale WAL files removed, bad files refused. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "proctrace/db.h"
#include "proctrace/model.h"
#include "dir_fixture.h"
#include "writer_fixture.h"

struct fx {
	char dir[64];
	char path[128];
	struct pt_model *m;
	struct pt_db *db;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/pt-db-test.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	f->m = pt_model_new(NULL);
	assert_non_null(f->m);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[160];

	pt_model_free(f->m);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void open_db(struct fx *f, bool in_place)
{
	static char *const argv[] = { "proctrace", "--db", "t.db" };
	struct pt_db_opts o = {
		.path = f->path,
		.in_place = in_place,
		.clock = &clock_fixed,
		.model = f->m,
		.argv = argv,
		.argc = 3,
		.version = "9.9",
		.source = in_place ? "live" : "capture.csv",
		.host = "h1",
	};
	char why[512] = "";

	assert_int_equal(pt_db_open(&f->db, &o, why, sizeof(why)), 0);
	assert_string_equal(why, "");
}

/* Every event of a test's process says the same start: one process. */
static void feed(struct fx *f, struct pt_event *ev)
{
	ev->task.start_ns = 1;
	assert_int_equal(pt_model_feed(f->m, ev), 0);
	assert_int_equal(pt_db_write(f->db, ev), 0);
	free(ev);
}

static void close_db(struct fx *f, const struct pt_db_end *end)
{
	char why[512] = "";

	assert_int_equal(pt_db_close(f->db, end, why, sizeof(why)), 0);
	f->db = NULL;
}

/* The first column of the first row of sql, as text ("NULL" for none). */
static char *query(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *out;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		out = strdup((const char *)sqlite3_column_text(st, 0));
	else
		out = strdup("NULL");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static void assert_query(const char *path, const char *sql, const char *want)
{
	char *got = query(path, sql), copy[512];

	snprintf(copy, sizeof(copy), "%s", got);
	free(got); /* before a failure's longjmp */
	if (strcmp(copy, want))
		fail_msg("%s: got '%s', want '%s'", sql, copy, want);
}

/* ---- events, from the schema ---- */

static struct pt_event *fork_event(__u32 pid, __u64 ts)
{
	struct pt_event *ev = new_event(PT_FORK, 0);

	ev->task.pid = ev->task.tid = pid;
	ev->task.ts_ns = ts;
	ev->clone.flags = 0x01000000 | 0x00200000; /* CHILD_SETTID | CHILD_CLEARTID */
	return ev;
}

static struct pt_event *exec_event(__u32 pid, __u64 ts)
{
	static const char argv[] = "sh\0-c\0a b\0";
	static const char path[] = "/bin/sh";
	struct pt_event *ev = new_event(PT_EXEC, sizeof(argv) - 1 + sizeof(path) - 1);

	ev->task.pid = ev->task.tid = pid;
	ev->task.ts_ns = ts;
	memcpy(ev->data, argv, sizeof(argv) - 1);
	memcpy(ev->data + sizeof(argv) - 1, path, sizeof(path) - 1);
	ev->exec = (struct pt_exec){ .old_tid = pid,
				     .argc = 3,
				     .args_size = 11,
				     .argv_len = sizeof(argv) - 1,
				     .path_len = sizeof(path) - 1 };
	return ev;
}

static struct pt_event *exit_event(__u32 pid, __u64 ts)
{
	struct pt_event *ev = new_event(PT_EXIT, 0);

	ev->task.pid = ev->task.tid = pid;
	ev->task.ts_ns = ts;
	ev->task.state = PT_STATE_ZOMBIE;
	ev->flags = PT_F_GROUP_DEAD;
	ev->exit.status = 9; /* SIGKILL */
	ev->exit.usage.maxrss_kb = 25120;
	return ev;
}

static struct pt_event *reap_event(__u32 pid, __u64 ts, __u64 exit_ts)
{
	struct pt_event *ev = new_event(PT_REAP, 0);

	ev->task.pid = ev->task.tid = pid;
	ev->task.ts_ns = ts;
	ev->task.state = PT_STATE_REAPED;
	ev->reap.exit_ns = exit_ts;
	return ev;
}

static void test_db_schema_one_definition(void **state)
{
	size_t n, i, j;
	const struct pt_db_col *cols = pt_db_table_cols(PT_DB_EVENTS, &n);

	(void)state;
	assert_int_equal(n, PT_NCOLS + PT_NDKEYS - 1);
	for (i = 0; i < PT_NCOLS; i++)
		assert_string_equal(cols[i].name, pt_col_name(i));
	for (i = 0; i < PT_NDKEYS; i++)
		if (i != PT_DK_KIND)
			assert_string_equal(cols[pt_db_events_col_of_key(i)].name, pt_dkey_name(i));
	assert_int_equal(pt_db_events_col_of_key(PT_DK_KIND), -1);
	/* Names unique within each table: each is a column of its own. */
	for (unsigned t = 0; t < PT_DB_NTABLES; t++) {
		cols = pt_db_table_cols(t, &n);
		for (i = 0; i < n; i++) {
			assert_non_null(cols[i].name);
			assert_non_null(cols[i].meaning);
			for (j = i + 1; j < n; j++)
				if (!strcmp(cols[i].name, cols[j].name))
					fail_msg("%s: %s twice", pt_db_table_name(t), cols[i].name);
		}
	}
}

static void test_db_events_typed(void **state)
{
	struct fx *f = *state;
	struct pt_event *ev;
	const struct pt_db_end end = { .complete = true, .how = "end of file" };

	open_db(f, true);
	feed(f, fork_event(2000, 100));
	feed(f, exec_event(2000, 200));
	feed(f, exit_event(2000, 300));
	feed(f, reap_event(2000, 450, 300));
	ev = new_event(PT_LOST, 0);
	ev->task.ts_ns = 500;
	ev->lost.count = 7;
	ev->lost.by_kind[PT_EXEC] = 4;
	ev->lost.by_kind[PT_FORK] = 3;
	feed(f, ev);
	close_db(f, &end);

	assert_query(f->path, "SELECT count(*) FROM events", "5");
	assert_query(f->path,
		     "SELECT typeof(pid) || typeof(ts_ns) FROM events WHERE event = 'fork'",
		     "integerinteger");
	assert_query(f->path, "SELECT clone FROM events WHERE event = 'fork'",
		     "[\"CLONE_CHILD_SETTID\",\"CLONE_CHILD_CLEARTID\"]");
	assert_query(f->path, "SELECT argv || ' ' || argc FROM events WHERE event = 'exec'",
		     "[\"sh\",\"-c\",\"a b\"] 3");
	assert_query(f->path, "SELECT status || signal || maxrss_kb FROM events WHERE event='exit'",
		     "9SIGKILL25120");
	/* Numbers compare as numbers: 25120 > 996. */
	assert_query(f->path, "SELECT count(*) FROM events WHERE maxrss_kb > 10000", "1");
	assert_query(f->path, "SELECT zombie_ns FROM events WHERE event = 'reap'", "150");
	assert_query(f->path,
		     "SELECT json_extract(detail, '$.exec') FROM events WHERE "
		     "event = 'lost'",
		     "4");
	assert_query(f->path, "SELECT lost || ' ' || fork || ' ' || exec || ' ' || exit FROM lost",
		     "7 3 4 0");
	assert_query(f->path,
		     "SELECT signal || ' ' || zombie_ns || ' ' || end_state || ' ' || "
		     "filename || ' ' || start_ns FROM processes WHERE pid = 2000",
		     "SIGKILL 150 reaped /bin/sh 100");
	/* Four events: the lost row is not one (the summary line's count). */
	assert_query(f->path,
		     "SELECT complete || ended || events || lost || host || options FROM trace",
		     "1end of file47h1[\"proctrace\",\"--db\",\"t.db\"]");
	assert_query(f->path, "PRAGMA user_version", "1");
	assert_query(f->path,
		     "SELECT meaning FROM columns WHERE \"table\" = 'events' AND "
		     "name = 'zombie_ns'",
		     pt_detail_keys[PT_DK_ZOMBIE_NS].meaning);
}

/* In place: a batch committed is there for a second reader, with the
 * processes it changed, while the file is written; the trace row says it
 * is not complete until the end. */
static void test_db_second_reader(void **state)
{
	struct fx *f = *state;
	char want[32];

	open_db(f, true);
	assert_query(f->path, "SELECT complete || ended FROM trace", "0running");
	feed(f, fork_event(3000, 10));
	for (unsigned i = 1; i < PT_DB_BATCH_ROWS_LIVE; i++) {
		struct pt_event *ev = new_event(PT_RENAME, 0);

		ev->task.pid = ev->task.tid = 3000;
		ev->task.ts_ns = 10 + i;
		feed(f, ev);
	}
	snprintf(want, sizeof(want), "%d", PT_DB_BATCH_ROWS_LIVE);
	assert_query(f->path, "SELECT count(*) FROM events", want);
	assert_query(f->path, "SELECT comm || ' ' || end_state FROM processes WHERE pid = 3000",
		     "worker running");
	assert_query(f->path, "SELECT events || ended FROM trace", "4096running");
	feed(f, exit_event(3000, 9000));
	close_db(f, NULL);
	assert_query(f->path, "SELECT complete || ended FROM trace", "0stopped");
	assert_query(f->path, "SELECT count(*) FROM events", "4097");
	assert_query(f->path, "SELECT end_state FROM processes WHERE pid = 3000", "zombie");
}

/* Beside (a replay): nothing at the path until the close renames the
 * whole file there; a file that was there stays until then. */
static void test_db_replay_whole(void **state)
{
	struct fx *f = *state;
	const struct pt_db_end end = { .complete = true, .how = "end of file" };
	FILE *old = fopen(f->path, "w");

	assert_non_null(old);
	fputs("old", old);
	fclose(old);
	open_db(f, false);
	feed(f, fork_event(4000, 10));
	assert_int_equal(pt_db_flush(f->db), 0);
	old = fopen(f->path, "r");
	assert_non_null(old);
	assert_int_equal(fgetc(old), 'o');
	fclose(old);
	close_db(f, &end);
	assert_query(f->path, "SELECT count(*) || source FROM events, trace", "1capture.csv");
	assert_query(f->path, "SELECT count(*) FROM processes", "1");
}

/* Beside (a replay), closed with no end (the run failed): the file that
 * was there stays as it was, nothing is left beside it. */
static void test_db_replay_failed(void **state)
{
	struct fx *f = *state;
	FILE *old = fopen(f->path, "w");
	char line[8] = "";

	assert_non_null(old);
	fputs("old", old);
	fclose(old);
	open_db(f, false);
	feed(f, fork_event(4000, 10));
	close_db(f, NULL);
	old = fopen(f->path, "r");
	assert_non_null(old);
	assert_non_null(fgets(line, sizeof(line), old));
	fclose(old);
	assert_string_equal(line, "old");
}

/* A WAL left by another database would be replayed into the new file. */
static void test_db_stale_wal_removed(void **state)
{
	struct fx *f = *state;
	char wal[160];
	int fd;

	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	fd = open(wal, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	/* A WAL's magic number, then pages of another database. */
	assert_int_equal(write(fd, "\x37\x7f\x06\x82junkjunk", 12), 12);
	close(fd);
	open_db(f, true);
	close_db(f, NULL);
	assert_query(f->path, "PRAGMA integrity_check", "ok");
	assert_int_equal(access(wal, F_OK), -1);
}

static void test_db_refused(void **state)
{
	struct fx *f = *state;
	struct pt_db_opts o = { .path = "/dev/null", .in_place = true, .clock = &clock_fixed };
	char why[512] = "";

	struct stat st;

	assert_int_equal(pt_db_open(&f->db, &o, why, sizeof(why)), -EINVAL);
	assert_null(f->db);
	/* Refused, and left as it was. */
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_string_equal(why, "cannot write /dev/null: a database needs a regular file");
	o.path = f->dir;
	assert_true(pt_db_open(&f->db, &o, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, f->dir));
	o.in_place = false;
	o.path = "/dev/null";
	assert_int_equal(pt_db_open(&f->db, &o, why, sizeof(why)), -EINVAL);
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
}

/* Live, under names of every length up to NAME_MAX: one whose SQLite
 * files beside it (NAME-journal, NAME-wal) cannot exist is written beside
 * and renamed at the close, in a mode that needs none of them to be read;
 * nothing else is left in the directory. */
static void test_db_long_names(void **state)
{
	static const size_t lengths[] = { 1, 247, 248, 251, 252, NAME_MAX };
	const struct pt_db_end end = { .complete = true, .how = "command" };
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		char path[PATH_MAX], why[512] = "";
		int n = snprintf(path, sizeof(path), "%s/", f->dir);
		struct pt_db_opts o = {
			.path = path, .in_place = true, .clock = &clock_fixed, .model = f->m
		};

		memset(path + n, 'n', lengths[i]);
		path[n + lengths[i]] = '\0';
		assert_int_equal(pt_db_open(&f->db, &o, why, sizeof(why)), 0);
		feed(f, fork_event(5000 + (__u32)i, 10));
		assert_int_equal(pt_db_flush(f->db), 0);
		close_db(f, &end);
		assert_query(path, "SELECT count(*) || complete FROM events, trace", "11");
		assert_query(path, "PRAGMA journal_mode", lengths[i] <= 247 ? "wal" : "delete");
		assert_int_equal(dir_entries(f->dir), 1);
		assert_int_equal(unlink(path), 0);
	}
}

/* Live, a file where SQLite can make no journal beside it (procfs): said
 * so, in one line, before the file is touched (SQLite says ENOENT). */
static void test_db_no_room_beside(void **state)
{
	struct pt_db_opts o = { .path = "/proc/1/status", .in_place = true, .clock = &clock_fixed };
	struct pt_db *db = NULL;
	char why[512] = "";

	(void)state;
	assert_int_equal(pt_db_open(&db, &o, why, sizeof(why)), -ENOENT);
	assert_null(db);
	assert_non_null(strstr(why,
			       "cannot write /proc/1/status: no new file can be created beside "
			       "it (its directory takes no new files)"));
	assert_non_null(strstr(why, "journal"));
	assert_null(strstr(why, "No such file"));
	assert_null(strchr(why, '\n'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_db_schema_one_definition),
		cmocka_unit_test_setup_teardown(test_db_events_typed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_second_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_replay_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_replay_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_stale_wal_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_db_long_names, setup, teardown),
		cmocka_unit_test(test_db_no_room_beside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
