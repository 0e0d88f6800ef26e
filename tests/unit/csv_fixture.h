/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The CSV writer's rows read back into their fields, for the CSV tests
 * (test_csv*.c): the header, the columns by name, a row of one event. */
#ifndef PROCTRACE_TEST_CSV_FIXTURE_H
#define PROCTRACE_TEST_CSV_FIXTURE_H

#include <unistd.h>
#include "proctrace/buf.h"
#include "writer_fixture.h"

static const char header[] =
	"ts_ns,time,event,pid,tid,ppid,pgid,sid,uid,comm,by_pid,signal,"
	"exit_code,core_dumped,state,filename,argv,cpu_user_us,cpu_sys_us,"
	"maxrss_kb,minflt,majflt,nvcsw,nivcsw,inblock,oublock,"
	"children_cpu_user_us,children_cpu_sys_us,children_maxrss_kb,children_minflt,children_majflt,children_nvcsw,children_nivcsw,children_inblock,children_oublock,"
	"ns_pid,pidns,cgroup_id,detail\n";

enum col {
	TS_NS,
	TIME,
	EVENT,
	PID,
	TID,
	PPID,
	PGID,
	SID,
	UID,
	COMM,
	BY_PID,
	SIGNAL,
	EXIT_CODE,
	CORE_DUMPED,
	STATE,
	FILENAME,
	ARGV,
	CPU_USER_US,
	CPU_SYS_US,
	MAXRSS_KB,
	MINFLT,
	MAJFLT,
	NVCSW,
	NIVCSW,
	INBLOCK,
	OUBLOCK,
	CHILDREN_CPU_USER_US, /* .. CHILDREN_OUBLOCK: the usage columns' order */
	CHILDREN_OUBLOCK = CHILDREN_CPU_USER_US + 8,
	NS_PID,
	PIDNS,
	CGROUP_ID,
	DETAIL,
	N_COLS,
};

/* ---- reading rows back ---- */

/* The text the writer made for these events, header included. */
static inline char *csv_of(struct pt_event **evs, size_t n)
{
	struct pt_csv *w;
	size_t len, i;
	char *text;
	FILE *f;

	/* A real file: the writer writes its descriptor, not the FILE. */
	f = tmpfile();
	assert_non_null(f);
	w = pt_csv_open(f, &clock_fixed);
	assert_non_null(w);
	for (i = 0; i < n; i++)
		assert_int_equal(pt_csv_write(w, evs[i]), 0);
	assert_int_equal(pt_csv_close(w), 0);
	len = (size_t)lseek(fileno(f), 0, SEEK_END);
	text = calloc(1, len + 1);
	assert_non_null(text);
	assert_int_equal(pread(fileno(f), text, len, 0), (ssize_t)len);
	fclose(f);
	return text;
}

/* The row of one event, without the header. */
static inline char *row_of(struct pt_event *ev)
{
	char *text = csv_of(&ev, 1), *row;

	assert_true(!strncmp(text, header, strlen(header)));
	row = strdup(text + strlen(header));
	free(text);
	return row;
}

struct fields {
	char *v[N_COLS + 1];
	int n;
};

/* A small RFC 4180 reader for exactly one row ending in "\n". */
static inline void split_row(const char *row, struct fields *out)
{
	const char *p = row;
	struct pt_buf f = { 0 };

	memset(out, 0, sizeof(*out));
	for (;;) {
		pt_buf_reset(&f);
		pt_buf_putc(&f, '\0');
		f.len = 0;
		if (*p == '"') {
			for (p++; !(p[0] == '"' && p[1] != '"'); p++) {
				assert_true(*p != '\0');
				if (*p == '"')
					p++;
				pt_buf_putc(&f, *p);
			}
			p++;
		} else {
			for (; *p != ',' && *p != '\n'; p++) {
				assert_true(*p != '\0' && *p != '"' && *p != '\r');
				pt_buf_putc(&f, *p);
			}
		}
		assert_true(out->n < N_COLS);
		out->v[out->n++] = strdup(f.data);
		if (*p == '\n')
			break;
		assert_int_equal(*p, ',');
		p++;
	}
	assert_string_equal(p, "\n"); /* exactly one row */
	pt_buf_free(&f);
}

static inline void fields_free(struct fields *fl)
{
	int i;

	for (i = 0; i < fl->n; i++)
		free(fl->v[i]);
}

/* Format ev and split its row: every row has all the columns. */
static inline void fields_of(struct pt_event *ev, struct fields *fl)
{
	char *row = row_of(ev);

	split_row(row, fl);
	assert_int_equal(fl->n, N_COLS);
	free(row);
}

/* Columns that only some kinds fill must be empty for the others. */
static inline void assert_empty(const struct fields *fl, const enum col *cols, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fl->v[cols[i]][0])
			fail_msg("column %d is '%s', want empty", cols[i], fl->v[cols[i]]);
}
#define ASSERT_EMPTY(fl, ...)                                                                      \
	do {                                                                                       \
		const enum col c_[] = { __VA_ARGS__ };                                             \
		assert_empty(fl, c_, sizeof(c_) / sizeof(c_[0]));                                  \
	} while (0)

#define NOT_EXIT                                                                                   \
	SIGNAL, EXIT_CODE, CORE_DUMPED, CPU_USER_US, CPU_SYS_US, MAXRSS_KB, MINFLT, MAJFLT, NVCSW, \
		NIVCSW, INBLOCK, OUBLOCK
#define NOT_EXEC FILENAME, ARGV

#endif
