// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The database's tables (db.h). The events and lost tables are made from
 * schema.h's columns and detail keys, and the processes table takes the
 * names of the facts it shares with them from there too, so a fact has
 * one name in every format. */
#include <string.h>
#include "proctrace/decode.h"
#include "db_int.h"

/* A column defined here, or borrowed from schema.h (name and type) with a
 * meaning of its own when the table's row is not an event. */
struct col_src {
	struct pt_db_col own; /* own.name NULL: borrowed */
	int col;	      /* enum pt_col, or -1 */
	int key;	      /* enum pt_dkey, or -1 */
};

#define OWN(n, t, u, m)                                                                            \
	{                                                                                          \
		{ n, t, u, m }, -1, -1                                                             \
	}
#define COL(c, m)                                                                                  \
	{                                                                                          \
		{ NULL, 0, "", m }, c, -1                                                          \
	}
#define KEY(k, m)                                                                                  \
	{                                                                                          \
		{ NULL, 0, "", m }, -1, k                                                          \
	}

static const struct col_src proc_src[P_NCOLS] = {
	[P_PID] = COL(PT_COL_PID, "the process (initial pid namespace)"),
	[P_START_NS] = OWN("start_ns", PT_TYPE_INT, "ns",
			   "its birth: its fork row's ts_ns when the fork was seen, else the "
			   "kernel's start time; with pid, the process's identity"),
	[P_END_NS] = OWN("end_ns", PT_TYPE_INT, "ns",
			 "when its row ends: reaped, or found gone; NULL while alive or a zombie"),
	[P_END_STATE] = OWN("end_state", PT_TYPE_TEXT, "",
			    "at the end of the trace: running, stopped, zombie, reaped or unseen "
			    "(its pid reused, its end not seen)"),
	[P_PPID] = COL(PT_COL_PPID, "its parent at the end (the adopter when reparented)"),
	[P_BIRTH_PPID] =
		OWN("birth_ppid", PT_TYPE_INT, "", "its parent at its fork, else when first seen"),
	[P_REPARENT_NS] =
		OWN("reparent_ns", PT_TYPE_INT, "ns", "when it was first seen with another parent"),
	[P_PGID] = COL(PT_COL_PGID, "its process group at the end"),
	[P_SID] = COL(PT_COL_SID, "its session at the end"),
	[P_BIRTH_PGID] = OWN("birth_pgid", PT_TYPE_INT, "", "its process group when first seen"),
	[P_BIRTH_SID] = OWN("birth_sid", PT_TYPE_INT, "", "its session when first seen"),
	[P_UID] = COL(PT_COL_UID, "its real uid, latest"),
	[P_COMM] = COL(PT_COL_COMM, "its command name, latest"),
	[P_NS_PID] = COL(PT_COL_NS_PID, "its pid in its own pid namespace"),
	[P_PIDNS] = COL(PT_COL_PIDNS, "inode of its pid namespace"),
	[P_CGROUP_ID] = COL(PT_COL_CGROUP_ID, "its cgroup v2 id, latest"),
	[P_CGROUP] = KEY(PT_DK_CGROUP, "that cgroup's path, when known"),
	[P_CGROUP_NAME] = KEY(PT_DK_CGROUP_NAME,
			      "the container, pod or systemd unit the path names, if any; "
			      "else the one its memcg names"),
	[P_MEMCG] = KEY(PT_DK_MEMCG, "its v1 memory cgroup's path (a hybrid's), when known"),
	[P_FILENAME] = COL(PT_COL_FILENAME, "the program of its last exec"),
	[P_ARGV] = COL(PT_COL_ARGV, "the argv of its last exec, a JSON array"),
	[P_EXECS] = OWN("execs", PT_TYPE_INT, "", "how many execs it made"),
	[P_CLONE] = KEY(PT_DK_CLONE, "the CLONE_* flags at its fork, a JSON array"),
	[P_SNAPSHOT] = OWN("snapshot", PT_TYPE_FLAG, "", "running when tracing began"),
	[P_EXIT_NS] = OWN("exit_ns", PT_TYPE_INT, "ns", "when it exited (became a zombie)"),
	[P_EXIT_CODE] = COL(PT_COL_EXIT_CODE, "0-255, when it exited normally"),
	[P_SIGNAL] = COL(PT_COL_SIGNAL, "the signal that ended it"),
	[P_CORE_DUMPED] = COL(PT_COL_CORE_DUMPED, "1 or 0, with an exit"),
	[P_CAUSE] = KEY(PT_DK_CAUSE, "why it ended (the exit row's cause)"),
	[P_CODE_NAME] = KEY(PT_DK_CODE_NAME, "the fatal signal's si_code name"),
	[P_KILLER_PID] = OWN("killer_pid", PT_TYPE_INT, "",
			     "who sent the signal that ended it; NULL: none seen, or the kernel"),
	[P_KILLER_TID] = OWN("killer_tid", PT_TYPE_INT, "", "its thread"),
	[P_KILLER_COMM] = OWN("killer_comm", PT_TYPE_TEXT, "", "its command name"),
	[P_ZOMBIE_NS] = KEY(PT_DK_ZOMBIE_NS, "how long it was a zombie, once reaped"),
	[P_REAP_NS] = OWN("reap_ns", PT_TYPE_INT, "ns", "when it was reaped"),
	[P_REAPER_PID] = OWN("reaper_pid", PT_TYPE_INT, "",
			     "who reaped it (NULL: released without a wait, or unknown)"),
	[P_REAPER_COMM] = KEY(PT_DK_REAPER_COMM, "the reaper's command name"),
	[P_AUTOREAP] = OWN("autoreap", PT_TYPE_FLAG, "",
			   "released without a wait (its parent ignores SIGCHLD)"),
	[P_USAGE_AT] = OWN(
		"usage_at", PT_TYPE_TEXT, "",
		"where the usage columns come from: reap (the final figures, what the "
		"reaping wait4() returned, children_ part included), end (alive or a zombie when tracing ended: "
		"the kernel's figures then), exit (the exit row's snapshot)"),
	[P_INFERRED] = OWN("inferred", PT_TYPE_FLAG, "",
			   "found by a rescan after lost events: born unseen"),
	[P_END_INFERRED] = OWN("end_inferred", PT_TYPE_FLAG, "",
			       "its end not observed (events lost): a rescan found it ended"),
	[P_UNSEEN_FROM_NS] =
		OWN("unseen_from_ns", PT_TYPE_INT, "ns", "with end_inferred: last known alive"),
	[P_UNSEEN_TO_NS] =
		OWN("unseen_to_ns", PT_TYPE_INT, "ns", "with end_inferred: found ended at"),
	[P_THREADS] = OWN("threads", PT_TYPE_INT, "", "threads kept (--threads), the leader not"),
};

static const struct col_src thread_src[T_NCOLS] = {
	[T_PID] = COL(PT_COL_PID, "the process"),
	[T_PROC_START_NS] =
		OWN("proc_start_ns", PT_TYPE_INT, "ns", "its start (processes.start_ns)"),
	[T_TID] = COL(PT_COL_TID, "the thread"),
	[T_START_NS] = OWN("start_ns", PT_TYPE_INT, "ns", "its creation; NULL: before the trace"),
	[T_EXIT_NS] = OWN("exit_ns", PT_TYPE_INT, "ns", "its exit; NULL: not seen"),
	[T_COMM] = COL(PT_COL_COMM, "its name"),
	[T_TOOK_PID] = OWN("took_pid", PT_TYPE_FLAG, "", "it called exec: it became the leader"),
};

static const struct col_src lost_src[L_KIND0] = {
	[L_TS_NS] = COL(PT_COL_TS_NS, "when the loss was counted"),
	[L_TIME] = COL(PT_COL_TIME, "the same in UTC"),
	[L_LOST] = KEY(PT_DK_LOST, "events lost since the previous row"),
	[L_RESCAN] = KEY(PT_DK_RESCAN, "a rescan: the processes it found"),
	[L_ENDED_UNSEEN] = KEY(PT_DK_ENDED_UNSEEN, "processes it found ended"),
	[L_BORN_UNSEEN] = KEY(PT_DK_BORN_UNSEEN, "processes it found born"),
	[L_SINCE_NS] = KEY(PT_DK_SINCE_NS, "the last time no event had been lost"),
};

static const struct col_src trace_src[TR_NCOLS] = {
	[TR_VERSION] = OWN("version", PT_TYPE_TEXT, "", "proctrace's version"),
	[TR_SCHEMA] = OWN("schema", PT_TYPE_INT, "", "this schema's version (PRAGMA user_version)"),
	[TR_HOST] = OWN("host", PT_TYPE_TEXT, "",
			"the machine traced (live; a replay: its JSON Lines file's)"),
	[TR_KERNEL] = OWN("kernel", PT_TYPE_TEXT, "", "its kernel release (live)"),
	[TR_BOOT_ID] = OWN("boot_id", PT_TYPE_TEXT, "",
			   "its boot id: ts_ns counts from that boot (a replay: as host)"),
	[TR_SOURCE] = OWN("source", PT_TYPE_TEXT, "", "live, or the file replayed"),
	[TR_OPTIONS] = OWN("options", PT_TYPE_TEXT, "", "the command line, a JSON array"),
	[TR_START_NS] = OWN("start_ns", PT_TYPE_INT, "ns", "the first event"),
	[TR_END_NS] = OWN("end_ns", PT_TYPE_INT, "ns", "the end of tracing, or the last event"),
	[TR_START_TIME] = OWN("start_time", PT_TYPE_TEXT, "", "start_ns in UTC"),
	[TR_END_TIME] = OWN("end_time", PT_TYPE_TEXT, "", "end_ns in UTC"),
	[TR_EVENTS] = OWN("events", PT_TYPE_INT, "",
			  "events committed: the events table's "
			  "rows but lost rows, as the summary line "
			  "counts them"),
	[TR_LOST] = OWN("lost", PT_TYPE_INT, "", "events lost (the lost table's sum)"),
	[TR_COMPLETE] = OWN("complete", PT_TYPE_INT, "",
			    "1: the source gave all it had; 0: cut short (a signal, an error, "
			    "or still being written)"),
	[TR_ENDED] = OWN("ended", PT_TYPE_TEXT, "",
			 "running (still being written, or killed), end of file, command, "
			 "duration, SIGINT, SIGTERM, or the error that stopped it"),
};

static struct pt_db_col events_cols[PT_NCOLS + PT_NDKEYS - 1];
static struct pt_db_col proc_cols[P_NCOLS];
static struct pt_db_col thread_cols[T_NCOLS];
static struct pt_db_col lost_cols[L_NCOLS];
static struct pt_db_col trace_cols[TR_NCOLS];
static bool built;

static struct pt_db_col from_def(const struct pt_field_def *d)
{
	return (struct pt_db_col){ d->name, d->type, d->unit, d->meaning };
}

static void resolve(struct pt_db_col *out, const struct col_src *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (src[i].own.name) {
			out[i] = src[i].own;
			continue;
		}
		out[i] = from_def(src[i].col >= 0 ? &pt_columns[src[i].col]
						  : &pt_detail_keys[src[i].key]);
		out[i].meaning = src[i].own.meaning;
	}
}

/* Once: the borrowed names looked up, the events and lost columns made. */
static void build(void)
{
	size_t n = 0;

	if (built)
		return;
	for (unsigned c = 0; c < PT_NCOLS; c++)
		events_cols[n++] = from_def(&pt_columns[c]);
	for (unsigned k = 0; k < PT_NDKEYS; k++)
		if (k != PT_DK_KIND)
			events_cols[n++] = from_def(&pt_detail_keys[k]);
	resolve(proc_cols, proc_src, P_NCOLS);
	for (unsigned i = 0; i <= P_USAGE_LAST - P_CPU_USER_US; i++)
		proc_cols[P_CPU_USER_US + i] = from_def(&pt_columns[PT_COL_CPU_USER_US + i]);
	for (unsigned i = 0; i <= P_AT_END - P_RUNNING_NS; i++)
		proc_cols[P_RUNNING_NS + i] = from_def(&pt_detail_keys[PT_DK_RUNNING_NS + i]);
	resolve(thread_cols, thread_src, T_NCOLS);
	resolve(lost_cols, lost_src, L_KIND0);
	for (unsigned k = 1; k < PT_KIND_MAX; k++)
		if (k != PT_LOST)
			lost_cols[db_lost_kind_col(k)] =
				(struct pt_db_col){ pt_kind_name(k), PT_TYPE_INT, "",
						    "of them, lost events of this kind" };
	resolve(trace_cols, trace_src, TR_NCOLS);
	built = true;
}

const char *pt_db_table_name(enum pt_db_table t)
{
	static const char *const names[PT_DB_NTABLES] = {
		[PT_DB_EVENTS] = "events",   [PT_DB_PROCESSES] = "processes",
		[PT_DB_THREADS] = "threads", [PT_DB_LOST] = "lost",
		[PT_DB_TRACE] = "trace",
	};

	return (unsigned)t < PT_DB_NTABLES ? names[t] : "?";
}

const struct pt_db_col *pt_db_table_cols(enum pt_db_table t, size_t *n)
{
	build();
	switch (t) {
	case PT_DB_EVENTS:
		*n = sizeof(events_cols) / sizeof(events_cols[0]);
		return events_cols;
	case PT_DB_PROCESSES:
		*n = P_NCOLS;
		return proc_cols;
	case PT_DB_THREADS:
		*n = T_NCOLS;
		return thread_cols;
	case PT_DB_LOST:
		*n = L_NCOLS;
		return lost_cols;
	default:
		*n = TR_NCOLS;
		return trace_cols;
	}
}

int pt_db_events_col_of_key(enum pt_dkey k)
{
	if (k == PT_DK_KIND)
		return -1;
	return PT_NCOLS + (int)k - (k > PT_DK_KIND);
}

/* Every value is an integer or text: flags are 1 or NULL. */
static const char *sql_type(enum pt_type t)
{
	return t == PT_TYPE_INT || t == PT_TYPE_HEX || t == PT_TYPE_FLAG ? "INTEGER" : "TEXT";
}

/* A string literal, quotes doubled. */
static void put_literal(struct pt_buf *sql, const char *s)
{
	pt_buf_putc(sql, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			pt_buf_putc(sql, '\'');
		pt_buf_putc(sql, *s);
	}
	pt_buf_putc(sql, '\'');
}

static void create_table(struct pt_buf *sql, enum pt_db_table t, const char *extra)
{
	size_t n;
	const struct pt_db_col *cols = pt_db_table_cols(t, &n);

	pt_buf_printf(sql, "CREATE TABLE %s (", pt_db_table_name(t));
	for (size_t i = 0; i < n; i++)
		pt_buf_printf(sql, "%s\"%s\" %s", i ? ", " : "", cols[i].name,
			      sql_type(cols[i].type));
	pt_buf_printf(sql, "%s) STRICT;\n", extra);
}

static void describe(struct pt_buf *sql, enum pt_db_table t)
{
	size_t n;
	const struct pt_db_col *cols = pt_db_table_cols(t, &n);

	for (size_t i = 0; i < n; i++) {
		pt_buf_printf(sql, "INSERT INTO columns VALUES ('%s', '%s', '%s', ",
			      pt_db_table_name(t), cols[i].name, sql_type(cols[i].type));
		put_literal(sql, cols[i].unit);
		pt_buf_puts(sql, ", ");
		put_literal(sql, cols[i].meaning);
		pt_buf_puts(sql, ");\n");
	}
}

/* Indexes for the shipped questions (docs/queries.sql): a process's rows,
 * one kind of event, a group; children by parent, now and at birth (the
 * tree of a pid). */
void db_index_sql(struct pt_buf *sql)
{
	pt_buf_puts(sql,
		    "CREATE INDEX events_pid ON events (pid, ts_ns);\n"
		    "CREATE INDEX events_event ON events (event, ts_ns);\n"
		    "CREATE INDEX events_pgid ON events (pgid);\n"
		    "CREATE INDEX processes_ppid ON processes (ppid);\n"
		    "CREATE INDEX processes_birth_ppid ON processes (birth_ppid);\n"
		    "CREATE INDEX processes_pgid ON processes (pgid);\n"
		    "CREATE INDEX processes_comm ON processes (comm);\n");
}

void db_schema_sql(struct pt_buf *sql, bool threads, bool indexes)
{
	create_table(sql, PT_DB_EVENTS, "");
	create_table(sql, PT_DB_PROCESSES, ", PRIMARY KEY (pid, start_ns)");
	if (threads)
		create_table(sql, PT_DB_THREADS, ", PRIMARY KEY (pid, proc_start_ns, tid)");
	create_table(sql, PT_DB_LOST, "");
	create_table(sql, PT_DB_TRACE, "");
	if (indexes)
		db_index_sql(sql);
	pt_buf_puts(sql,
		    "CREATE TABLE columns (\"table\" TEXT, name TEXT, type TEXT, unit TEXT, "
		    "meaning TEXT) STRICT;\n");
	for (unsigned t = 0; t < PT_DB_NTABLES; t++)
		if (t != PT_DB_THREADS || threads)
			describe(sql, t);
	pt_buf_printf(sql, "PRAGMA user_version = %d;\n", PT_DB_SCHEMA_VERSION);
}

void db_insert_sql(struct pt_buf *sql, enum pt_db_table t, bool upsert)
{
	size_t n;

	pt_db_table_cols(t, &n);
	pt_buf_printf(sql, "INSERT %sINTO %s VALUES (", upsert ? "OR REPLACE " : "",
		      pt_db_table_name(t));
	for (size_t i = 0; i < n; i++)
		pt_buf_printf(sql, "%s?%zu", i ? ", " : "", i + 1);
	pt_buf_puts(sql, ")");
}
