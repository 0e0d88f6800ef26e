// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* An event into the schema's values (record.h): the one place that decides
 * which columns and detail keys each kind of event has. */
#include <errno.h>
#include <string.h>
#include "proctrace/cause.h"
#include "proctrace/cgroup.h"
#include "proctrace/decode.h"
#include "proctrace/event_access.h"
#include "proctrace/record.h"
#include "proctrace/row_holders.h"

static void set_u64(struct pt_val *v, __u64 u)
{
	v->kind = PT_VAL_U64;
	v->u = u;
}

static void set_word(struct pt_val *v, const char *s)
{
	v->kind = PT_VAL_WORD;
	v->str = s;
	v->len = strlen(s);
}

static void set_comm(struct pt_val *v, const char *comm)
{
	v->kind = PT_VAL_TEXT;
	v->str = comm;
	v->len = strnlen(comm, PT_COMM_LEN);
}

static struct pt_val *det_add(struct pt_record *r, const char *key)
{
	struct pt_detail_val *d = &r->det[r->n_det++];

	d->key = key;
	memset(&d->v, 0, sizeof(d->v));
	return &d->v;
}

static void det_u64(struct pt_record *r, enum pt_dkey k, __u64 u)
{
	set_u64(det_add(r, pt_dkey_name(k)), u);
}

static void det_flag(struct pt_record *r, enum pt_dkey k)
{
	det_add(r, pt_dkey_name(k))->kind = PT_VAL_FLAG;
}

static void det_word(struct pt_record *r, enum pt_dkey k, const char *word)
{
	set_word(det_add(r, pt_dkey_name(k)), word);
}

static void det_comm(struct pt_record *r, enum pt_dkey k, const char *comm)
{
	set_comm(det_add(r, pt_dkey_name(k)), comm);
}

static void det_text(struct pt_record *r, enum pt_dkey k, const char *text)
{
	struct pt_val *v = det_add(r, pt_dkey_name(k));

	v->kind = PT_VAL_TEXT;
	v->str = text;
	v->len = strlen(text);
}

static bool has_flag(const struct pt_event *ev, unsigned flag)
{
	return ev->flags & flag;
}

/* Where a process is first shown (or shows a new program, which may
 * come with a new cgroup: a container's first exec). */
static void detail_cgroup(struct pt_record *r, const struct pt_event *ev)
{
	const char *path = pt_cgroup_path(ev->task.cgroup_id);
	const char *memcg = pt_memcg_path(ev->task.memcg_id);

	if (path)
		det_text(r, PT_DK_CGROUP, path);
	if (*pt_cgroup_name(ev->task.cgroup_id, ev->task.memcg_id, r->cgroup_name,
			    sizeof(r->cgroup_name)))
		det_text(r, PT_DK_CGROUP_NAME, r->cgroup_name);
	if (ev->task.memcg_id)
		det_u64(r, PT_DK_MEMCG_ID, ev->task.memcg_id);
	if (memcg)
		det_text(r, PT_DK_MEMCG, memcg);
}

static void detail_exec(struct pt_record *r, const struct pt_event *ev)
{
	det_u64(r, PT_DK_ARGC, ev->exec.argc);
	det_u64(r, PT_DK_ARGS_SIZE, ev->exec.args_size);
	if (has_flag(ev, PT_F_ARGV_TRUNC)) {
		det_flag(r, PT_DK_ARGV_TRUNCATED);
		det_u64(r, PT_DK_CAPTURED, ev->exec.argv_len);
	}
	if (has_flag(ev, PT_F_ARGV_FAULT))
		det_flag(r, PT_DK_ARGV_UNREADABLE);
	if (has_flag(ev, PT_F_PATH_TRUNC))
		det_flag(r, PT_DK_PATH_TRUNCATED);
	if (has_flag(ev, PT_F_PATH_FAULT))
		det_flag(r, PT_DK_PATH_UNREADABLE);
	if (ev->exec.old_tid != ev->task.pid)
		det_u64(r, PT_DK_OLD_TID, ev->exec.old_tid);
	if (ev->kind != PT_EXEC_FAILED)
		return;
	det_word(r, PT_DK_ERROR, pt_errno_name(ev->exec.error, r->word, sizeof(r->word)));
	if (ev->exec.no_return)
		det_flag(r, PT_DK_NO_RETURN);
}

static void detail_exit(struct pt_record *r, const struct pt_event *ev)
{
	struct pt_status st = pt_decode_status(ev->exit.status);
	const char *cause = pt_cause_name(ev->exit.cause);
	const char *code_name;
	struct pt_val *v;

	if (!has_flag(ev, PT_F_GROUP_DEAD))
		det_flag(r, PT_DK_THREAD_EXIT);
	if (has_flag(ev, PT_F_LAST_THREAD_UNKNOWN))
		det_flag(r, PT_DK_LAST_THREAD_UNKNOWN);
	if (has_flag(ev, PT_F_SENDER_LOST))
		det_flag(r, PT_DK_SENDER_LOST);
	v = det_add(r, pt_dkey_name(PT_DK_STATUS));
	v->kind = PT_VAL_HEX;
	v->u = ev->exit.status;
	if (cause)
		det_word(r, PT_DK_CAUSE, cause);
	if (has_flag(ev, PT_F_GROUP_DEAD) && ev->exit.age_ns)
		det_u64(r, PT_DK_AGE_NS, ev->exit.age_ns);
	if (ev->exit.has_code) {
		v = det_add(r, pt_dkey_name(PT_DK_CODE));
		v->kind = PT_VAL_S64;
		v->s = ev->exit.code;
		code_name = pt_si_code_name(st.sig, ev->exit.code);
		if (code_name)
			det_word(r, PT_DK_CODE_NAME, code_name);
	}
	if (pt_event_has_actor(ev)) {
		det_u64(r, PT_DK_SENDER_TID, ev->by.tid);
		det_comm(r, PT_DK_SENDER_COMM, ev->by.comm);
	}
	/* Its usage columns: not the final figures (the reap row's). */
	det_flag(r, PT_DK_AT_EXIT);
}

static void detail_reparent(struct pt_record *r, const struct pt_event *ev)
{
	const struct pt_reparent *rp = &ev->reparent;

	det_u64(r, PT_DK_OLD_PPID, rp->old_ppid);
	det_u64(r, PT_DK_OLD_PARENT_TID, rp->old_parent_tid);
	det_comm(r, PT_DK_OLD_PARENT_COMM, rp->old_parent_comm);
	det_word(r, PT_DK_ADOPTER, pt_adopter_name(rp->adopter));
	if (pt_event_has_actor(ev)) {
		det_u64(r, PT_DK_ADOPTER_TID, ev->by.tid);
		det_comm(r, PT_DK_ADOPTER_COMM, ev->by.comm);
	}
}

static void detail_reap(struct pt_record *r, const struct pt_event *ev)
{
	__u64 zombie_ns;

	if (has_flag(ev, PT_F_AUTOREAP))
		det_word(r, PT_DK_REAPED, "auto");
	if (has_flag(ev, PT_F_REAPER_UNKNOWN))
		det_word(r, PT_DK_REAPER, "unknown");
	if (has_flag(ev, PT_F_REAP_AT_FREE))
		det_word(r, PT_DK_REAP_AT, "free");
	if (pt_reap_zombie_ns(ev, &zombie_ns))
		det_u64(r, PT_DK_ZOMBIE_NS, zombie_ns);
	if (pt_event_has_actor(ev)) {
		/* Seen at the free: the releasing thread may be unknown (0). */
		if (ev->by.tid || !has_flag(ev, PT_F_REAP_AT_FREE))
			det_u64(r, PT_DK_REAPER_TID, ev->by.tid);
		det_comm(r, PT_DK_REAPER_COMM, ev->by.comm);
	}
}

static void detail_signal(struct pt_record *r, const struct pt_event *ev)
{
	struct pt_val *v;

	if (ev->kind == PT_SIGNAL)
		det_word(r, PT_DK_RESULT, pt_sig_result_name(ev->signal.result));
	v = det_add(r, pt_dkey_name(PT_DK_CODE));
	v->kind = PT_VAL_S64;
	v->s = ev->signal.code;
	if (pt_event_has_actor(ev)) {
		det_u64(r, PT_DK_SENDER_TID, ev->by.tid);
		det_comm(r, PT_DK_SENDER_COMM, ev->by.comm);
	}
	if (ev->kind == PT_SIGNAL && has_flag(ev, PT_F_SIG_GROUP))
		det_flag(r, PT_DK_GROUP);
	if (has_flag(ev, PT_F_KERNEL_SENDER))
		det_word(r, PT_DK_SENDER, "kernel");
}

/* fork, thread, unshare, setns */
static void detail_clone(struct pt_record *r, const struct pt_event *ev)
{
	const char *via = pt_via_name(ev->clone.via);
	struct pt_val *v;

	if (ev->clone.flags) {
		v = det_add(r, pt_dkey_name(PT_DK_CLONE));
		v->kind = PT_VAL_WORD;
		v->str = r->clone_flags;
		v->len = pt_clone_flags_format(ev->clone.flags, r->clone_flags,
					       sizeof(r->clone_flags));
	}
	if (via)
		det_word(r, PT_DK_VIA, via);
}

static void detail_lost(struct pt_record *r, const struct pt_event *ev)
{
	unsigned k;

	if (has_flag(ev, PT_F_RESCAN)) {
		det_u64(r, PT_DK_LOST, 0);
		det_u64(r, PT_DK_RESCAN, ev->rescan.tasks);
		det_u64(r, PT_DK_ENDED_UNSEEN, ev->rescan.ended);
		det_u64(r, PT_DK_BORN_UNSEEN, ev->rescan.born);
		det_u64(r, PT_DK_SINCE_NS, ev->rescan.since_ns);
		return;
	}
	det_u64(r, PT_DK_LOST, ev->lost.count);
	for (k = 1; k < PT_KIND_MAX; k++)
		if (ev->lost.by_kind[k])
			set_u64(det_add(r, pt_kind_name(k)), ev->lost.by_kind[k]);
}

static void detail_sched_sum(struct pt_record *r, const struct pt_event *ev)
{
	const struct pt_sched_sum *m = &ev->sched_sum;
	unsigned i;

	if (!has_flag(ev, PT_F_GROUP_DEAD | PT_F_SCHED_AT_END))
		det_flag(r, PT_DK_THREAD_EXIT);
	for (i = 0; i < PT_NSLOTS; i++)
		det_u64(r, PT_DK_RUNNING_NS + i, m->ns[i]);
	det_u64(r, PT_DK_SWITCHES, m->switches);
	det_u64(r, PT_DK_RQ_WAITS, m->waits);
	det_u64(r, PT_DK_RQ_P50_NS, m->rq_p50_ns);
	det_u64(r, PT_DK_RQ_P99_NS, m->rq_p99_ns);
	det_u64(r, PT_DK_RQ_MAX_NS, m->rq_max_ns);
	if (m->repaired)
		det_u64(r, PT_DK_REPAIRED, m->repaired);
	if (has_flag(ev, PT_F_SCHED_AT_END))
		det_flag(r, PT_DK_AT_END);
}

static void fill_detail(struct pt_record *r, const struct pt_event *ev)
{
	bool actor = pt_event_has_actor(ev);

	/* An end a rescan inferred: only when it was last known alive. */
	if (has_flag(ev, PT_F_RESCAN) && (ev->kind == PT_EXIT || ev->kind == PT_REAP)) {
		det_u64(r, PT_DK_UNSEEN_FROM_NS, ev->reap.unseen_from_ns);
		return;
	}
	switch (ev->kind) {
	case PT_SNAPSHOT:
		det_u64(r, PT_DK_START_NS, ev->task.start_ns);
		if (has_flag(ev, PT_F_RESCAN))
			det_flag(r, PT_DK_INFERRED);
		if (has_flag(ev, PT_F_COMMAND))
			det_flag(r, PT_DK_COMMAND);
		detail_cgroup(r, ev);
		break;
	case PT_FORK:
		if (actor)
			det_u64(r, PT_DK_PARENT_TID, ev->by.tid);
		detail_clone(r, ev);
		detail_cgroup(r, ev);
		break;
	case PT_THREAD:
		if (actor)
			det_u64(r, PT_DK_CREATOR_TID, ev->by.tid);
		detail_clone(r, ev);
		break;
	case PT_UNSHARE:
	case PT_SETNS:
		detail_clone(r, ev);
		break;
	case PT_EXEC:
	case PT_EXEC_FAILED:
		detail_exec(r, ev);
		if (ev->kind == PT_EXEC)
			detail_cgroup(r, ev);
		break;
	case PT_EXIT:
		detail_exit(r, ev);
		break;
	case PT_USAGE: /* the only time it is made: at the end */
		det_flag(r, PT_DK_AT_END);
		break;
	case PT_REPARENT:
		detail_reparent(r, ev);
		break;
	case PT_REAP:
		detail_reap(r, ev);
		break;
	case PT_SIGNAL:
	case PT_STOP:
	case PT_CONTINUE:
		detail_signal(r, ev);
		break;
	case PT_SETPGID:
		det_u64(r, PT_DK_OLD_PGID, ev->setpg.old_pgid);
		if (actor) {
			det_u64(r, PT_DK_CALLER_TID, ev->by.tid);
			det_comm(r, PT_DK_CALLER_COMM, ev->by.comm);
		}
		break;
	case PT_SETSID:
		det_u64(r, PT_DK_OLD_SID, ev->setpg.old_sid);
		det_u64(r, PT_DK_OLD_PGID, ev->setpg.old_pgid);
		break;
	case PT_RENAME:
		det_comm(r, PT_DK_OLD_COMM, ev->rename.old_comm);
		break;
	case PT_LOST:
		detail_lost(r, ev);
		break;
	case PT_SCHED_STATE:
		det_u64(r, PT_DK_CPU, ev->sched_change.cpu);
		det_word(r, PT_DK_PREV_STATE, pt_state_name(ev->sched_change.prev_state));
		det_u64(r, PT_DK_PREV_NS, ev->sched_change.prev_ns);
		break;
	case PT_SCHED_SUM:
		detail_sched_sum(r, ev);
		break;
	}
}

static void fill_task(struct pt_record *r, const struct pt_event *ev)
{
	const struct pt_task *t = &ev->task;

	set_u64(&r->col[PT_COL_PID], t->pid);
	set_u64(&r->col[PT_COL_TID], t->tid);
	set_u64(&r->col[PT_COL_PPID], t->ppid);
	set_u64(&r->col[PT_COL_PGID], t->pgid);
	set_u64(&r->col[PT_COL_SID], t->sid);
	set_u64(&r->col[PT_COL_UID], t->uid);
	set_comm(&r->col[PT_COL_COMM], t->comm);
	set_word(&r->col[PT_COL_STATE], pt_state_name(t->state));
	set_u64(&r->col[PT_COL_NS_PID], t->ns_pid);
	set_u64(&r->col[PT_COL_PIDNS], t->pidns);
	set_u64(&r->col[PT_COL_CGROUP_ID], t->cgroup_id);
}

/* signal, exit_code, core_dumped */
static void fill_signal_and_status(struct pt_record *r, const struct pt_event *ev)
{
	struct pt_status st;

	switch (ev->kind) {
	case PT_SIGNAL:
	case PT_STOP:
	case PT_CONTINUE:
		set_word(&r->col[PT_COL_SIGNAL],
			 pt_signal_name(ev->signal.sig, r->sig_name, sizeof(r->sig_name)));
		break;
	case PT_EXIT:
		st = pt_decode_status(ev->exit.status);
		if (st.signaled)
			set_word(&r->col[PT_COL_SIGNAL],
				 pt_signal_name(st.sig, r->sig_name, sizeof(r->sig_name)));
		else
			set_u64(&r->col[PT_COL_EXIT_CODE], st.code);
		set_u64(&r->col[PT_COL_CORE_DUMPED], st.core);
		break;
	}
}

static void fill_exec(struct pt_record *r, const struct pt_event *ev)
{
	struct pt_val *v = &r->col[PT_COL_FILENAME];

	/* A path that could not be read is absent (path_unreadable says so) */
	v->str = pt_exec_path(ev, &v->len);
	if (v->len || !has_flag(ev, PT_F_PATH_FAULT))
		v->kind = PT_VAL_TEXT;
	v = &r->col[PT_COL_ARGV];
	v->kind = PT_VAL_ARGV;
	v->str = (const char *)pt_exec_argv(ev, &v->len);
}

static void fill_usage(struct pt_record *r, const struct pt_usage *x)
{
	__u64 cols[PT_USAGE_NCOLS];

	pt_usage_columns(x, cols);
	for (unsigned i = 0; i < PT_USAGE_NCOLS; i++)
		set_u64(&r->col[PT_COL_CPU_USER_US + i], cols[i]);
}

static void fill_values(struct pt_record *r, const struct pt_event *ev)
{
	/* Only the kinds: a value is read only when its kind says so (a whole
	 * memset was half of this function's cost). */
	for (unsigned c = 0; c < PT_NCOLS; c++)
		r->col[c].kind = PT_VAL_NONE;
	r->n_det = 0;
	set_u64(&r->col[PT_COL_TS_NS], ev->task.ts_ns);
	r->col[PT_COL_TIME].kind = PT_VAL_TIME;
	r->col[PT_COL_TIME].u = ev->task.ts_ns;
	set_word(&r->col[PT_COL_EVENT], pt_kind_name(ev->kind));
	if (ev->kind != PT_LOST)
		fill_task(r, ev);
	if (pt_event_has_actor(ev))
		set_u64(&r->col[PT_COL_BY_PID], ev->kind == PT_THREAD ? ev->by.tid : ev->by.pid);
	/* An exit a rescan inferred has no status nor usage: not observed. */
	if (ev->kind != PT_EXIT || !has_flag(ev, PT_F_RESCAN)) {
		fill_signal_and_status(r, ev);
		if (ev->kind == PT_EXIT)
			fill_usage(r, &ev->exit.usage);
	}
	if (ev->kind == PT_REAP && ev->reap.usage_at == PT_USAGE_RELEASED)
		fill_usage(r, &ev->reap.usage);
	if (ev->kind == PT_USAGE)
		fill_usage(r, &ev->usage);
	if (ev->kind == PT_EXEC || ev->kind == PT_EXEC_FAILED)
		fill_exec(r, ev);
	fill_detail(r, ev);
}

static bool det_has(const struct pt_record *r, enum pt_dkey k)
{
	const char *key = pt_dkey_name(k);

	for (unsigned i = 0; i < r->n_det; i++)
		if (r->det[i].key == key)
			return true;
	return false;
}

int pt_record_fill(struct pt_record *r, const struct pt_event *ev, struct pt_holders *hs)
{
	struct pt_row_proc in = { true, true, ev->task.start_ns, ev->task.memcg_id }, need;
	const char *memcg;

	fill_values(r, ev);
	if (ev->kind == PT_LOST)
		return 0;
	if (pt_holders_take(hs, ev, true, &in, &need))
		return -ENOMEM;
	if (need.has_start && !det_has(r, PT_DK_START_NS))
		det_u64(r, PT_DK_START_NS, ev->task.start_ns);
	if (need.has_memcg && !det_has(r, PT_DK_MEMCG_ID)) {
		det_u64(r, PT_DK_MEMCG_ID, ev->task.memcg_id);
		memcg = pt_memcg_path(ev->task.memcg_id);
		if (memcg && !det_has(r, PT_DK_MEMCG))
			det_text(r, PT_DK_MEMCG, memcg);
	}
	return 0;
}
