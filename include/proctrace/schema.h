/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The export schema, once: the columns of a row (CSV and JSON Lines alike)
 * and the keys of its detail, each with its type, unit, the events that
 * fill it and what it means. The writers, the replay reader and
 * `proctrace --columns` all take names and order from here. */
#ifndef PROCTRACE_SCHEMA_H
#define PROCTRACE_SCHEMA_H

#include <stddef.h>
#include <stdio.h>

/* Columns, in the order they are written. */
enum pt_col {
	PT_COL_TS_NS,
	PT_COL_TIME,
	PT_COL_EVENT,
	PT_COL_PID,
	PT_COL_TID,
	PT_COL_PPID,
	PT_COL_PGID,
	PT_COL_SID,
	PT_COL_UID,
	PT_COL_COMM,
	PT_COL_BY_PID,
	PT_COL_SIGNAL,
	PT_COL_EXIT_CODE,
	PT_COL_CORE_DUMPED,
	PT_COL_STATE,
	PT_COL_FILENAME,
	PT_COL_ARGV,
	PT_COL_CPU_USER_US,
	PT_COL_CPU_SYS_US,
	PT_COL_MAXRSS_KB,
	PT_COL_MINFLT,
	PT_COL_MAJFLT,
	PT_COL_NVCSW,
	PT_COL_NIVCSW,
	PT_COL_INBLOCK,
	PT_COL_OUBLOCK,
	/* The children part of the usage columns above (RUSAGE_CHILDREN),
	 * in the same order: own usage = column - children_column. */
	PT_COL_CHILDREN_CPU_USER_US,
	PT_COL_CHILDREN_CPU_SYS_US,
	PT_COL_CHILDREN_MAXRSS_KB,
	PT_COL_CHILDREN_MINFLT,
	PT_COL_CHILDREN_MAJFLT,
	PT_COL_CHILDREN_NVCSW,
	PT_COL_CHILDREN_NIVCSW,
	PT_COL_CHILDREN_INBLOCK,
	PT_COL_CHILDREN_OUBLOCK,
	PT_COL_NS_PID,
	PT_COL_PIDNS,
	PT_COL_CGROUP_ID,
	PT_COL_DETAIL,
	PT_NCOLS,
};

/* Keys of the detail column, in the order they are written within a row.
 * PT_DK_KIND stands for the lost event's per-kind keys (named after the
 * kind: fork=, exec=, ...). */
enum pt_dkey {
	PT_DK_START_NS,
	PT_DK_INFERRED,
	PT_DK_COMMAND,
	PT_DK_PARENT_TID,
	PT_DK_CREATOR_TID,
	PT_DK_CLONE,
	PT_DK_VIA,
	PT_DK_ARGC,
	PT_DK_ARGS_SIZE,
	PT_DK_ARGV_TRUNCATED,
	PT_DK_CAPTURED,
	PT_DK_ARGV_UNREADABLE,
	PT_DK_PATH_TRUNCATED,
	PT_DK_PATH_UNREADABLE,
	PT_DK_OLD_TID,
	PT_DK_ERROR,
	PT_DK_NO_RETURN,
	PT_DK_THREAD_EXIT,
	PT_DK_LAST_THREAD_UNKNOWN,
	PT_DK_SENDER_LOST,
	PT_DK_STATUS,
	PT_DK_CAUSE,
	PT_DK_AGE_NS,
	PT_DK_AT_EXIT,
	PT_DK_REAPED,
	PT_DK_REAPER,
	PT_DK_REAP_AT,
	PT_DK_ZOMBIE_NS,
	PT_DK_REAPER_TID,
	PT_DK_REAPER_COMM,
	PT_DK_UNSEEN_FROM_NS,
	PT_DK_RESULT,
	PT_DK_CODE,
	PT_DK_CODE_NAME,
	PT_DK_SENDER_TID,
	PT_DK_SENDER_COMM,
	PT_DK_GROUP,
	PT_DK_SENDER,
	PT_DK_OLD_SID,
	PT_DK_OLD_PGID,
	PT_DK_CALLER_TID,
	PT_DK_CALLER_COMM,
	PT_DK_OLD_COMM,
	PT_DK_CPU,
	PT_DK_PREV_STATE,
	PT_DK_PREV_NS,
	PT_DK_RUNNING_NS, /* one per enum pt_sched_slot, in its order */
	PT_DK_RUNNABLE_NS,
	PT_DK_SLEEPING_NS,
	PT_DK_DISK_SLEEP_NS,
	PT_DK_STOPPED_NS,
	PT_DK_TRACED_NS,
	PT_DK_SWITCHES,
	PT_DK_RQ_WAITS,
	PT_DK_RQ_P50_NS,
	PT_DK_RQ_P99_NS,
	PT_DK_RQ_MAX_NS,
	PT_DK_REPAIRED,
	PT_DK_AT_END,
	PT_DK_OLD_PPID,
	PT_DK_OLD_PARENT_TID,
	PT_DK_OLD_PARENT_COMM,
	PT_DK_ADOPTER,
	PT_DK_ADOPTER_TID,
	PT_DK_ADOPTER_COMM,
	PT_DK_CGROUP,
	PT_DK_CGROUP_NAME,
	PT_DK_MEMCG_ID,
	PT_DK_MEMCG,
	PT_DK_LOST,
	PT_DK_RESCAN,
	PT_DK_ENDED_UNSEEN,
	PT_DK_BORN_UNSEEN,
	PT_DK_SINCE_NS,
	PT_DK_KIND,
	PT_NDKEYS,
};

/* Keys JSON Lines writes on every row after the columns, where the row
 * comes from (origin.h); absent when unknown. The CSV has no such columns:
 * the database keeps them once, in its trace table. */
enum pt_jkey {
	PT_JK_HOST,
	PT_JK_BOOT_ID,
	PT_NJKEYS,
};

/* What a value is, in every format:
 * - INT: a decimal integer (JSON: a number);
 * - HEX: an integer written 0xNNNN in CSV, a number in JSON;
 * - FLAG: present only when set: `1` in CSV, true in JSON;
 * - TEXT: text; raw kernel bytes that are not UTF-8 as \xNN, \ as \\;
 * - ARGV: the argument vector: shell words in CSV, an array of TEXT in JSON;
 * - DETAIL: the detail keys: key=value words in CSV, an object in JSON. */
enum pt_type {
	PT_TYPE_INT,
	PT_TYPE_HEX,
	PT_TYPE_FLAG,
	PT_TYPE_TEXT,
	PT_TYPE_ARGV,
	PT_TYPE_DETAIL,
};

struct pt_field_def {
	const char *name;
	enum pt_type type;
	const char *unit;    /* "ns", "µs", "KiB", "bytes"; "" when none */
	const char *events;  /* which events fill it */
	const char *meaning; /* one line */
};

extern const struct pt_field_def pt_columns[PT_NCOLS];
extern const struct pt_field_def pt_detail_keys[PT_NDKEYS];
extern const struct pt_field_def pt_json_keys[PT_NJKEYS];

static inline const char *pt_col_name(enum pt_col c)
{
	return pt_columns[c].name;
}

static inline const char *pt_dkey_name(enum pt_dkey k)
{
	return pt_detail_keys[k].name;
}

/* "integer", "text", ... */
const char *pt_type_name(enum pt_type t);

/* The three tables (columns, detail keys, JSON Lines keys) as Markdown (what --columns prints and README.md shows). */
int pt_schema_print(FILE *f);

#endif
