// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A proctrace CSV read back into events: the inverse of src/write/csv.c, one
 * row at a time, in three layers: RFC 4180 records (quotes, doubled quotes,
 * rows spanning lines), the values inside fields (the writer's \xNN text
 * escapes, its shell quoting of argv, the detail column's key=value pairs),
 * and the event they describe. What the writer leaves out is rebuilt only
 * where the file determines it (see replay.h). This file: rows into events,
 * their cgroup and actor; the layers under it are csv_record.c (records),
 * replay_detail.c (the detail column), replay_kinds.c (each kind's payload),
 * text_values.c and shell_words.c (values), replay_clock.c (the time
 * column) and pid_holders.c (start_ns). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/cgroup.h"
#include "proctrace/row_holders.h"
#include "replay_int.h"

/* A cgroup path of the detail (key), into path (PT_CGROUP_PATH_MAX
 * bytes): 1 when there is one, 0 when not, or an error. */
static int cgroup_path_parse(struct pt_replay *r, enum pt_dkey key, char *path)
{
	const char *name = pt_dkey_name(key);
	const char *val = replay_detail_find(r, name);
	size_t n = 0;
	int err;

	if (!val || r->ev->kind == PT_LOST)
		return 0;
	err = replay_unescape(r, name, val, path, PT_CGROUP_PATH_MAX - 1, &n);
	if (err)
		return err;
	path[n] = '\0';
	if (memchr(path, '\0', n) || path[0] != '/')
		return malformed(r, "detail: %s=%s is not a path", name, replay_shown(r, val));
	return 1;
}

/* cgroup=, memcg_id= and memcg=: the registries learn the capture's paths
 * of its cgroup ids, for the writers (record.c) and the views. */
static int cgroup_parse(struct pt_replay *r)
{
	char path[PT_CGROUP_PATH_MAX];
	__u64 memcg_id = 0;
	int err = cgroup_path_parse(r, PT_DK_CGROUP, path);

	if (err > 0)
		err = pt_cgroup_learn(r->ev->task.cgroup_id, path);
	if (err < 0 || r->ev->kind == PT_LOST)
		return err;
	err = replay_detail_u64(r, pt_dkey_name(PT_DK_MEMCG_ID), UINT64_MAX, false, &memcg_id);
	if (err < 0)
		return err;
	r->ev->task.memcg_id = memcg_id;
	err = cgroup_path_parse(r, PT_DK_MEMCG, path);
	if (err > 0 && !memcg_id)
		return malformed(r, "detail: memcg= without memcg_id=");
	return err > 0 ? pt_memcg_learn(memcg_id, path) : err;
}

/* setpgid's caller: caller_tid and caller_comm; a capture made before they
 * were written has neither, and then only a caller that is the process
 * itself is named (by its comm). */
static int setpgid_caller_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	int err;

	if (!replay_detail_find(r, pt_dkey_name(PT_DK_CALLER_COMM))) {
		if (ev->by.pid == ev->task.pid)
			memcpy(ev->by.comm, ev->task.comm, PT_COMM_LEN);
		return 0;
	}
	err = replay_detail_u32(r, pt_dkey_name(PT_DK_CALLER_TID), &ev->by.tid);
	return err < 0 ? err : replay_detail_comm(r, pt_dkey_name(PT_DK_CALLER_COMM), ev->by.comm);
}

/* by.* where the row names the actor (after the flags that say whether
 * there is one); else PT_F_NO_ACTOR and a zero by. */
static int actor_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	struct pt_actor *by = &ev->by;
	int err = 0;

	if (!*replay_field(r, PT_COL_BY_PID))
		ev->flags |= PT_F_NO_ACTOR;
	if (!pt_event_has_actor(ev)) {
		ev->flags |= PT_F_NO_ACTOR;
		return 0;
	}
	err = replay_col_u32(r, PT_COL_BY_PID, &by->pid);
	if (err)
		return err;
	switch (ev->kind) {
	case PT_FORK:
		err = replay_detail_u32(r, pt_dkey_name(PT_DK_PARENT_TID), &by->tid);
		break;
	case PT_THREAD:
		/* by_pid is the creating thread; its process is the new thread's. */
		err = replay_detail_u32(r, pt_dkey_name(PT_DK_CREATOR_TID), &by->tid);
		if (err > 0 && by->tid != by->pid)
			return malformed(r, "detail: creator_tid=%u, but by_pid is %u", by->tid,
					 by->pid);
		by->pid = ev->task.pid;
		break;
	case PT_REAP:
		/* Released at its free: the thread may be unknown (tid 0). */
		if (!(ev->flags & PT_F_REAP_AT_FREE) ||
		    replay_detail_find(r, pt_dkey_name(PT_DK_REAPER_TID)))
			err = replay_detail_u32(r, pt_dkey_name(PT_DK_REAPER_TID), &by->tid);
		err = err < 0 ? err
			      : replay_detail_comm(r, pt_dkey_name(PT_DK_REAPER_COMM), by->comm);
		break;
	case PT_REPARENT:
		err = replay_detail_u32(r, pt_dkey_name(PT_DK_ADOPTER_TID), &by->tid);
		err = err < 0 ? err
			      : replay_detail_comm(r, pt_dkey_name(PT_DK_ADOPTER_COMM), by->comm);
		break;
	case PT_EXIT:
	case PT_SIGNAL:
	case PT_STOP:
	case PT_CONTINUE:
		err = replay_detail_u32(r, pt_dkey_name(PT_DK_SENDER_TID), &by->tid);
		err = err < 0 ? err
			      : replay_detail_comm(r, pt_dkey_name(PT_DK_SENDER_COMM), by->comm);
		break;
	case PT_SETPGID:
		err = setpgid_caller_parse(r);
		break;
	case PT_SETSID:
		/* The caller is the task itself, read at the same moment. */
		by->tid = ev->task.tid;
		memcpy(by->comm, ev->task.comm, PT_COMM_LEN);
		break;
	}
	return err < 0 ? err : 0;
}
/* ---- rows into events ---- */

static int row_to_event(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	const char *event = replay_field(r, PT_COL_EVENT);
	int64_t lo = 0, hi = 0;
	int err = 0;

	if (r->nfields != PT_NCOLS)
		return malformed(r, "%u columns, want %d", r->nfields, PT_NCOLS);
	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	ev->kind = (__u16)replay_kind_from_name(r, event);
	if (!ev->kind)
		return malformed(r, "event: '%s' is not an event", replay_shown(r, event));
	err = err ?: replay_col_u64(r, PT_COL_TS_NS, UINT64_MAX, &ev->task.ts_ns);
	err = err ?: replay_time_parse(r, &lo, &hi);
	err = err ?: replay_clock_fits(r, lo, hi);
	err = err ?: replay_detail_split(r);
	if (!err && ev->kind != PT_LOST)
		err = replay_task_parse(r);
	err = err ?: replay_kind_parse(r);
	err = err ?: cgroup_parse(r);
	err = err ?: actor_parse(r);
	if (err)
		return err;
	if (ev->kind != PT_LOST) {
		err = replay_start_assign(r);
		if (err)
			return err;
	}
	replay_clock_narrow(r, lo, hi);
	return 0;
}

int pt_replay_next(struct pt_replay *r, const struct pt_event **ev, char *err, size_t errlen)
{
	int ret = r->json ? replay_read_json(r) : replay_read_row(r);

	if (ret > 0)
		ret = row_to_event(r) ?: 1;
	if (ret < 0)
		replay_error_out(r, err, errlen);
	else if (ret > 0)
		*ev = r->ev;
	return ret;
}

static int header_check(struct pt_replay *r)
{
	int c;

	if (r->nfields != PT_NCOLS)
		return malformed(r, "not a proctrace CSV header: %u columns, want %d", r->nfields,
				 PT_NCOLS);
	for (c = 0; c < PT_NCOLS; c++) {
		const char *f = replay_field(r, c);

		/* A spreadsheet's export begins with a UTF-8 byte order mark. */
		if (!c && !strncmp(f, "\xef\xbb\xbf", 3))
			f += 3;
		if (strcmp(f, pt_col_name(c)))
			return malformed(r,
					 "not a proctrace CSV header: column %d is '%s', want '%s'",
					 c + 1, replay_shown(r, f), pt_col_name(c));
	}
	return 0;
}

struct pt_replay *pt_replay_open(FILE *f, char *err, size_t errlen)
{
	struct pt_replay *r = calloc(1, sizeof(*r));
	int ret;

	if (!r) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->f = f;
	r->line = 1;
	/* Exec payload: argv with the one byte exec_parse may take back. */
	r->ev = malloc(sizeof(*r->ev) + PT_ARGV_MAX + 1 + PT_PATH_MAX);
	if (!r->ev) {
		ret = replay_report(r, -ENOMEM, "out of memory");
	} else if (replay_peek_byte(r) == '{') {
		/* JSON Lines: objects, no header. Told apart by the first
		 * byte, which in a CSV starts the header's first name. */
		r->json = true;
		ret = 0;
	} else {
		ret = replay_read_row(r);
		if (ret == 0)
			ret = malformed(r, "empty file, no header row");
		else if (ret > 0)
			ret = header_check(r);
	}
	if (ret < 0) {
		replay_error_out(r, err, errlen);
		pt_replay_close(r);
		return NULL;
	}
	return r;
}

const struct pt_origin *pt_replay_origin(const struct pt_replay *r)
{
	return &r->origin;
}

void pt_replay_close(struct pt_replay *r)
{
	if (!r)
		return;
	pt_holders_free(&r->holders);
	pt_buf_free(&r->row);
	pt_buf_free(&r->shown);
	pt_buf_free(&r->jline);
	pt_buf_free(&r->jvals);
	pt_buf_free(&r->jtext);
	pt_buf_free(&r->jkey);
	free(r->ev);
	free(r);
}
