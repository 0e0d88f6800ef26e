/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The database writer's parts (db.c, db_schema.c, db_procs.c). Private to
 * src/write. */
#ifndef PROCTRACE_WRITE_DB_INT_H
#define PROCTRACE_WRITE_DB_INT_H

#include <sqlite3.h>
#include <time.h>
#include "proctrace/buf.h"
#include "proctrace/cgroup.h"
#include "proctrace/outfile.h"
#include "proctrace/db.h"
#include "proctrace/record.h"
#include "proctrace/row_holders.h"

/* The processes table's columns, in order (db_schema.c names them). */
enum db_proc_col {
	P_PID,
	P_START_NS,
	P_END_NS,
	P_END_STATE,
	P_PPID,
	P_BIRTH_PPID,
	P_REPARENT_NS,
	P_PGID,
	P_SID,
	P_BIRTH_PGID,
	P_BIRTH_SID,
	P_UID,
	P_COMM,
	P_NS_PID,
	P_PIDNS,
	P_CGROUP_ID,
	P_CGROUP,
	P_CGROUP_NAME,
	P_MEMCG,
	P_FILENAME,
	P_ARGV,
	P_EXECS,
	P_CLONE,
	P_SNAPSHOT,
	P_EXIT_NS,
	P_EXIT_CODE,
	P_SIGNAL,
	P_CORE_DUMPED,
	P_CAUSE,
	P_CODE_NAME,
	P_KILLER_PID,
	P_KILLER_TID,
	P_KILLER_COMM,
	P_ZOMBIE_NS,
	P_REAP_NS,
	P_REAPER_PID,
	P_REAPER_COMM,
	P_AUTOREAP,
	P_CPU_USER_US, /* the exit row's usage columns, in schema.h's order */
	P_USAGE_LAST = P_CPU_USER_US + (PT_COL_CHILDREN_OUBLOCK - PT_COL_CPU_USER_US),
	P_USAGE_AT,   /* which row they come from */
	P_RUNNING_NS, /* the sched row's keys, running_ns .. at_end */
	P_AT_END = P_RUNNING_NS + (PT_DK_AT_END - PT_DK_RUNNING_NS),
	P_INFERRED,
	P_END_INFERRED,
	P_UNSEEN_FROM_NS,
	P_UNSEEN_TO_NS,
	P_THREADS,
	P_NCOLS,
};

enum db_thread_col {
	T_PID,
	T_PROC_START_NS,
	T_TID,
	T_START_NS,
	T_EXIT_NS,
	T_COMM,
	T_TOOK_PID,
	T_NCOLS,
};

/* The lost table: these, then one column per kind (pt_kind_name) but
 * lost itself (see db_lost_kind_col). */
enum db_lost_col {
	L_TS_NS,
	L_TIME,
	L_LOST,
	L_RESCAN,
	L_ENDED_UNSEEN,
	L_BORN_UNSEEN,
	L_SINCE_NS,
	L_KIND0, /* kind 1 (PT_SNAPSHOT) */
	L_NCOLS = L_KIND0 + PT_KIND_MAX - 2,
};

/* The lost table's column (0-based) of kind k, not PT_LOST. */
static inline unsigned db_lost_kind_col(unsigned k)
{
	return L_KIND0 + k - 1 - (k > PT_LOST);
}

enum db_trace_col {
	TR_VERSION,
	TR_SCHEMA,
	TR_HOST,
	TR_KERNEL,
	TR_BOOT_ID,
	TR_SOURCE,
	TR_OPTIONS,
	TR_START_NS,
	TR_END_NS,
	TR_START_TIME,
	TR_END_TIME,
	TR_EVENTS,
	TR_LOST,
	TR_COMPLETE,
	TR_ENDED,
	TR_NCOLS,
};

/* The statements that make the schema, one after the other (tables,
 * indexes when asked, the columns table's rows), into sql. */
void db_schema_sql(struct pt_buf *sql, bool threads, bool indexes);
/* The indexes alone: made once the rows are in, a replay's are built
 * once instead of kept up row by row. */
void db_index_sql(struct pt_buf *sql);
/* "INSERT INTO t VALUES (?1, ...)" (upsert: INSERT OR REPLACE). */
void db_insert_sql(struct pt_buf *sql, enum pt_db_table t, bool upsert);

/* One process as its row's values, vals[P_NCOLS]; text values point into
 * p (or into scratch, for the clone flags), which must outlive them. */
struct db_proc_scratch {
	char clone_flags[PT_CLONE_FLAGS_MAX];
	char sig_name[16];
	char cgroup_name[PT_CGROUP_NAME_MAX];
};
void db_proc_fill(struct pt_val *vals, struct db_proc_scratch *s, const struct pt_proc *p,
		  __u64 end_ns);

/* ---- the writer (db.c), its file (db_file.c) ---- */

struct pt_db {
	sqlite3 *db;
	sqlite3_stmt *event, *lost, *proc, *thread;
	struct pt_db_opts opts;
	struct pt_clock clock;
	struct pt_outfile out;	    /* in place: its directory (the file is sqlite's) */
	bool made_here;		    /* in place: the file did not exist before */
	struct pt_whole_file whole; /* beside: the temporary file, renamed at the close */
	bool live_beside;	    /* in place, but a name too long for SQLite's
				     * files beside it: written beside (db_file.c) */
	struct pt_record rec;
	struct pt_holders holders; /* the rows' processes, as a reader sees them */
	struct pt_buf text;	   /* a value made text for SQLite */
	struct pt_buf sql;
	bool in_txn;
	size_t batch;		/* rows in the open transaction */
	__u64 n_events, n_lost; /* committed or in the batch; events: pt_kind_counted */
	__u64 committed_events, committed_lost;
	size_t batch_rows;	     /* a batch is committed at this many rows */
	__u64 first_ts, last_ts;     /* of the rows */
	bool have_ts;		     /* a row was written: first_ts is its */
	struct timespec last_commit; /* CLOCK_MONOTONIC */
	__u32 *dirty;		     /* in place: pids whose row changed in the batch */
	size_t ndirty, capdirty;
	struct {
		__u32 pid;
		__u64 start_ns;
	} * context; /* processes the model holds for context only */
	size_t ncontext, capcontext;
	int err;
	char why[512];
};

/* Keep the first error from SQLite's rc, with its line: -ENOSPC, -ENOMEM,
 * the system's errno, else -EIO. Returns the error kept. */
int db_fail_rc(struct pt_db *db, int rc);
int db_exec(struct pt_db *db, const char *sql);
/* Step, reset, unbind: 0 or the error kept. */
int db_step(struct pt_db *db, sqlite3_stmt *st);
void db_bind_val(struct pt_db *db, sqlite3_stmt *st, int i, const struct pt_val *v, bool list);
void db_bind_u64(sqlite3_stmt *st, int i, __u64 u);
void db_bind_time(struct pt_db *db, sqlite3_stmt *st, int i, __u64 ts_ns);
/* The trace row as of now; end NULL: still running. */
int db_trace_update(struct pt_db *db, const struct pt_db_end *end);
/* Commit the open transaction (in place: with the processes it changed). */
int db_commit(struct pt_db *db);
int db_write_processes(struct pt_db *db, struct pt_model *m, __u64 end_ns);

#endif
