/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* One event as the schema's values (schema.h): which columns and detail
 * keys it has and their values, before any format. Every writer formats
 * the same record, so the formats cannot disagree on what a row holds.
 * No allocation: text values point into the event, or into the cgroup
 * registry (cgroup.h) for a cgroup's path, its only outside input. */
#ifndef PROCTRACE_RECORD_H
#define PROCTRACE_RECORD_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "proctrace/cgroup.h"
#include "proctrace/clone_flags.h"
#include "proctrace/event.h"
#include "proctrace/schema.h"

enum pt_val_kind {
	PT_VAL_NONE = 0, /* absent: empty in CSV, left out in JSON */
	PT_VAL_U64,	 /* u */
	PT_VAL_S64,	 /* s */
	PT_VAL_HEX,	 /* u, a wait status (CSV: 0x%04x) */
	PT_VAL_FLAG,	 /* set */
	PT_VAL_WORD,	 /* str: a name from the code, safe ASCII */
	PT_VAL_TEXT,	 /* str[0..len): raw kernel bytes */
	PT_VAL_ARGV,	 /* str[0..len): the NUL-separated argv block */
	PT_VAL_TIME,	 /* u: CLOCK_BOOTTIME ns, written as UTC */
};

struct pt_val {
	enum pt_val_kind kind;
	union {
		__u64 u;
		__s64 s;
	};
	const char *str;
	size_t len;
};

struct pt_detail_val {
	const char *key; /* a name from pt_detail_keys, or a kind's name */
	struct pt_val v;
};

#define PT_RECORD_DETAIL_MAX (PT_NDKEYS + PT_KIND_MAX)

struct pt_record {
	struct pt_val col[PT_NCOLS]; /* col[PT_COL_DETAIL] is unused: see det */
	struct pt_detail_val det[PT_RECORD_DETAIL_MAX];
	unsigned n_det;
	char sig_name[16];		      /* storage for col[PT_COL_SIGNAL] */
	char clone_flags[PT_CLONE_FLAGS_MAX]; /* storage for the clone= value */
	char word[16];			      /* storage for a detail word made from a number */
	char cgroup_name[PT_CGROUP_NAME_MAX]; /* storage for the cgroup_name= value */
};

struct pt_holders;
/* Fill r from ev, which must outlive r: the row ev is, written after the
 * rows hs has followed (one pt_holders per output, zeroed at its start,
 * freed with pt_holders_free). The row has start_ns= and memcg_id= (and
 * memcg=) where the rows before it would not let a reader rebuild the
 * event's task.start_ns and task.memcg_id (row_holders.h): every writer
 * calls this, so every format has the same keys on the same rows.
 * Returns 0 or -ENOMEM. */
int pt_record_fill(struct pt_record *r, const struct pt_event *ev, struct pt_holders *hs);

#endif
