/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Inside the CSV reader (include/proctrace/replay.h): the state its layers
 * share and the functions they call across files. Private to src/source. */
#ifndef PROCTRACE_SOURCE_REPLAY_INT_H
#define PROCTRACE_SOURCE_REPLAY_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
/* uthash aborts on allocation failure unless told otherwise; a failed add
 * leaves hh.tbl NULL instead. */
#define HASH_NONFATAL_OOM 1
#include <uthash.h>
#include "proctrace/event_access.h"
#include "proctrace/replay.h"
#include "proctrace/row_holders.h"
#include "proctrace/schema.h"

#define REPLAY_CHUNK 65536
/* The writer's longest row, argv and path escaped at their worst, is under
 * 200 KiB: a longer one is not proctrace's, and a quote never closed cannot
 * take the whole file into memory. */
#define REPLAY_ROW_MAX (1 << 20)
#define REPLAY_MAX_PAIRS 32
/* Bytes of a bad value quoted in an error message. */
#define REPLAY_SHOW_MAX 32

struct pair {
	const char *key, *val;
};

/* The date of the time column ("2026-11-25") of a row and its days since
 * the epoch: the next row's is most likely the same. */
struct replay_day {
	char text[10];
	bool valid;
	int64_t days;
};

struct pt_replay {
	FILE *f; /* borrowed */
	char chunk[REPLAY_CHUNK];
	size_t pos, len;
	bool eof;
	int read_err;		 /* errno of a failed read */
	unsigned long line;	 /* line the reader is on, from 1 */
	unsigned long row_line;	 /* line the current row starts on */
	unsigned long err_col;	 /* column of the error in the line; 0: none */
	bool json;		 /* JSON Lines, not CSV (told by the first byte) */
	struct pt_buf jline;	 /* JSON Lines: the line being read */
	struct pt_buf jvals;	 /* ... its values in the CSV's text form */
	size_t jstart[PT_NCOLS]; /* ... where each begins in jvals; SIZE_MAX: absent */
	struct pt_buf jtext;	 /* ... one string, decoded */
	struct pt_buf jkey;	 /* ... one key, decoded */
	struct pt_buf row;	 /* the row's fields, each NUL-terminated */
	size_t starts[PT_NCOLS]; /* where each field begins in row */
	unsigned nfields;
	struct pair pairs[REPLAY_MAX_PAIRS]; /* the detail column, split */
	unsigned npairs;
	char msg[256];		   /* the first error of the row */
	struct pt_buf shown;	   /* a bad value, escaped for msg */
	struct pt_event *ev;	   /* with room for the exec payload */
	struct pt_holders holders; /* each row's process (row_holders.h) */
	struct pt_origin origin;   /* of the current row (JSON Lines' host, boot_id) */
	bool have_clock;
	int64_t off_lo, off_hi; /* boot_to_real_ns that fit every row */
	struct replay_day day;	/* the time column's last day */
	unsigned last_kind;	/* replay_kind_from_name's last answer */
	int last_sig;		/* replay_signal_from_name's last answer */
};

/* !strcmp(a, b), the first byte compared inline: names looked up on every
 * row mostly differ there. */
static inline bool replay_same(const char *a, const char *b)
{
	return *a == *b && !strcmp(a, b);
}

/* ---- csv_record.c ---- */

/* Keep the row's first error as "line N: ..."; returns err. */
int replay_report(struct pt_replay *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define malformed(r, ...) replay_report(r, -EINVAL, __VA_ARGS__)
/* s made fit for a one-line message: cut short, escaped. */
const char *replay_shown(struct pt_replay *r, const char *s);
void replay_error_out(const struct pt_replay *r, char *err, size_t errlen);
/* One record into r->row: 1; 0 at the end of the file; < 0 with r->msg. */
int replay_read_row(struct pt_replay *r);
char *replay_field(const struct pt_replay *r, enum pt_col c);
int replay_read_byte(struct pt_replay *r);
int replay_peek_byte(struct pt_replay *r);

/* ---- json_record.c ---- */

/* One JSON Lines line into r->row as the CSV reader would have made it
 * (each value in the CSV's text form): 1; 0 at the end; < 0 with r->msg. */
int replay_read_json(struct pt_replay *r);
/* The same for the clock pass: only ts_ns, time and event are sure to be
 * filled (taken from the line's head when it is the writer's). */
int replay_read_json_head(struct pt_replay *r);

/* ---- text_values.c ---- */

bool replay_parse_u64(const char *s, __u64 max, __u64 *v);
bool replay_parse_s32(const char *s, __s32 *v);
int replay_hex_digit(char c);
bool replay_parse_hex_u32(const char *s, __u32 *v); /* "0x" and 1-8 hex digits */
/* pt_kind_from_name and pt_signal_from_name, the previous row's answer
 * tried first: rows of a kind come in runs. */
unsigned replay_kind_from_name(struct pt_replay *r, const char *s); /* 0: not an event's name */
bool replay_signal_from_name(struct pt_replay *r, const char *s, int *sig);
int replay_col_u64(struct pt_replay *r, enum pt_col c, __u64 max, __u64 *v);
int replay_col_u32(struct pt_replay *r, enum pt_col c, __u32 *v);
int replay_unescape(struct pt_replay *r, const char *what, const char *s, char *out, size_t cap,
		    size_t *len);
int replay_comm_value(struct pt_replay *r, const char *what, const char *s, char *out);

/* ---- shell_words.c ---- */

struct sink {
	__u8 *p;
	size_t len, cap;
	bool over;
};
/* Each word with its NUL: false when s is not the writer's quoting. */
bool replay_argv_words(const char *s, struct sink *k);

/* ---- replay_clock.c ---- */

/* The range of boot_to_real_ns that gives this row its time. */
int replay_time_parse(struct pt_replay *r, int64_t *lo, int64_t *hi);
/* Whether the row's clocks lo..hi meet those of every row so far: 0, or
 * -EINVAL (malformed, with the time the row's ts_ns has by them). */
int replay_clock_fits(struct pt_replay *r, int64_t lo, int64_t hi);
/* The clocks that fit every row so far narrowed to lo..hi, which fit. */
void replay_clock_narrow(struct pt_replay *r, int64_t lo, int64_t hi);

/* ---- replay_detail.c ---- */

/* The detail column split into r->pairs (in place): 0 or < 0 with r->msg. */
int replay_detail_split(struct pt_replay *r);
/* key's value in the row's detail; NULL: absent. */
const char *replay_detail_find(const struct pt_replay *r, const char *key);
/* val, key's value, as a number up to max: 0 or < 0 with r->msg. */
int replay_pair_u64(struct pt_replay *r, const char *key, const char *val, __u64 max, __u64 *v);
/* 1: present and *v set; 0: absent, an error when required; < 0: bad. */
int replay_detail_u64(struct pt_replay *r, const char *key, __u64 max, bool required, __u64 *v);
/* The same, up to UINT32_MAX and required. */
int replay_detail_u32(struct pt_replay *r, const char *key, __u32 *v);
/* A flag the writer shows as key=want: flag set in *flags when present. */
int replay_detail_flag(struct pt_replay *r, const char *key, const char *want, __u16 *flags,
		       unsigned flag);
/* A required comm (the writer's escapes undone) into out (PT_COMM_LEN). */
int replay_detail_comm(struct pt_replay *r, const char *key, char *out);

/* ---- replay_kinds.c ---- */

/* The task columns into r->ev->task: 0 or < 0 with r->msg. */
int replay_task_parse(struct pt_replay *r);
/* The payload of r->ev's kind from its columns and detail keys. */
int replay_kind_parse(struct pt_replay *r);

/* ---- pid_holders.c ---- */

int replay_start_assign(struct pt_replay *r);

#endif
