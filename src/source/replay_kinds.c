// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A replayed row's columns and detail keys into its event, kind by kind
 * (replay_int.h): the task columns every row has, and each kind's payload,
 * checked as the writer (src/write/record.c) makes it. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "proctrace/cause.h"
#include "proctrace/clone_flags.h"
#include "replay_int.h"

static int state_value(struct pt_replay *r, const char *what, const char *name, __u32 *state)
{
	for (*state = PT_STATE_ALIVE; *state < PT_STATE_MAX; (*state)++)
		if (!strcmp(pt_state_name(*state), name))
			return 0;
	return malformed(r, "%s: '%s' is not a state", what, replay_shown(r, name));
}

int replay_task_parse(struct pt_replay *r)
{
	struct pt_task *t = &r->ev->task;
	const char *state = replay_field(r, PT_COL_STATE);
	int err = 0;

	err = err ?: replay_col_u32(r, PT_COL_PID, &t->pid);
	err = err ?: replay_col_u32(r, PT_COL_TID, &t->tid);
	err = err ?: replay_col_u32(r, PT_COL_PPID, &t->ppid);
	err = err ?: replay_col_u32(r, PT_COL_PGID, &t->pgid);
	err = err ?: replay_col_u32(r, PT_COL_SID, &t->sid);
	err = err ?: replay_col_u32(r, PT_COL_UID, &t->uid);
	err = err
		?: replay_comm_value(r, pt_col_name(PT_COL_COMM), replay_field(r, PT_COL_COMM),
				     t->comm);
	err = err ?: replay_col_u32(r, PT_COL_NS_PID, &t->ns_pid);
	err = err ?: replay_col_u32(r, PT_COL_PIDNS, &t->pidns);
	err = err ?: replay_col_u64(r, PT_COL_CGROUP_ID, UINT64_MAX, &t->cgroup_id);
	if (err)
		return err;
	return state_value(r, pt_col_name(PT_COL_STATE), state, &t->state);
}

static int exec_failed_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	const char *error = replay_detail_find(r, pt_dkey_name(PT_DK_ERROR));
	__u16 no_return = 0;
	int e;

	if (!error)
		return malformed(r, "detail: no error=");
	e = pt_errno_from_name(error);
	if (!e)
		return malformed(r, "detail: error=%s is not an errno name",
				 replay_shown(r, error));
	ev->exec.error = (__u16)e;
	if (replay_detail_flag(r, pt_dkey_name(PT_DK_NO_RETURN), "1", &no_return, 1))
		return -EINVAL;
	ev->exec.no_return = no_return != 0;
	return 0;
}

static int exec_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	/* One more than the most argv holds: a last argument cut without its
	 * NUL comes back with one, taken off below. */
	struct sink k = { .p = ev->data, .cap = PT_ARGV_MAX + 1 };
	const char *argv = replay_field(r, PT_COL_ARGV);
	__u64 captured = 0, old_tid = 0;
	size_t path_len = 0;
	int err = 0;

	err = err
		?: replay_detail_flag(r, pt_dkey_name(PT_DK_ARGV_TRUNCATED), "1", &ev->flags,
				      PT_F_ARGV_TRUNC);
	err = err
		?: replay_detail_flag(r, pt_dkey_name(PT_DK_ARGV_UNREADABLE), "1", &ev->flags,
				      PT_F_ARGV_FAULT);
	err = err
		?: replay_detail_flag(r, pt_dkey_name(PT_DK_PATH_TRUNCATED), "1", &ev->flags,
			       PT_F_PATH_TRUNC)
		?: replay_detail_flag(r, pt_dkey_name(PT_DK_PATH_UNREADABLE), "1", &ev->flags,
			       PT_F_PATH_FAULT);
	err = err < 0 ? err : replay_detail_u32(r, pt_dkey_name(PT_DK_ARGC), &ev->exec.argc);
	err = err < 0 ? err
		      : replay_detail_u32(r, pt_dkey_name(PT_DK_ARGS_SIZE), &ev->exec.args_size);
	if (err < 0)
		return err;
	ev->exec.old_tid = ev->task.pid;
	err = replay_detail_u64(r, pt_dkey_name(PT_DK_OLD_TID), UINT32_MAX, false, &old_tid);
	if (err < 0)
		return err;
	if (err)
		ev->exec.old_tid = (__u32)old_tid;

	if (!replay_argv_words(argv, &k))
		return malformed(r, "argv: '%s' is not shell words as proctrace writes them",
				 replay_shown(r, argv));
	if (k.over)
		return malformed(r, "argv: longer than %d bytes", PT_ARGV_MAX);
	/* Whether the last argument had its NUL: the captured size says when
	 * argv was cut; else the block is all of arg_start..arg_end. */
	if (ev->flags & PT_F_ARGV_TRUNC) {
		err = replay_detail_u64(r, pt_dkey_name(PT_DK_CAPTURED), PT_ARGV_MAX, true,
					&captured);
		if (err < 0)
			return err;
		if (captured + 1 == k.len)
			k.len--;
		else if (captured != k.len)
			return malformed(r, "detail: captured=%llu, but argv has %zu bytes",
					 (unsigned long long)captured, k.len);
	} else if (k.len && ev->exec.args_size == k.len - 1) {
		k.len--;
	}
	if (k.len > PT_ARGV_MAX)
		return malformed(r, "argv: longer than %d bytes", PT_ARGV_MAX);

	err = replay_unescape(r, pt_col_name(PT_COL_FILENAME), replay_field(r, PT_COL_FILENAME),
			      (char *)ev->data + k.len, PT_PATH_MAX, &path_len);
	if (err)
		return err;
	ev->exec.argv_len = (__u32)k.len;
	ev->exec.path_len = (__u32)path_len;
	ev->size += (__u32)(k.len + path_len);
	return ev->kind == PT_EXEC_FAILED ? exec_failed_parse(r) : 0;
}

/* The wait status from the columns, for a file without status=0x.... */
static int status_from_columns(struct pt_replay *r, __u32 *status)
{
	const char *name = replay_field(r, PT_COL_SIGNAL);
	__u64 code, core;
	int sig;

	if (!*name) {
		if (replay_col_u64(r, PT_COL_EXIT_CODE, 255, &code))
			return -EINVAL;
		*status = (__u32)code << 8;
		return 0;
	}
	if (!replay_signal_from_name(r, name, &sig) || sig <= 0 || sig >= 0x7f)
		return malformed(r, "signal: '%s' is not a terminating signal",
				 replay_shown(r, name));
	if (replay_col_u64(r, PT_COL_CORE_DUMPED, 1, &core))
		return -EINVAL;
	*status = (__u32)sig | (core ? 0x80 : 0);
	return 0;
}

/* cause= and the fatal signal's code= (older files have neither). */
static int exit_cause_parse(struct pt_replay *r)
{
	struct pt_exit *x = &r->ev->exit;
	const char *cause = replay_detail_find(r, pt_dkey_name(PT_DK_CAUSE));
	const char *code = replay_detail_find(r, pt_dkey_name(PT_DK_CODE));
	__s32 c;

	if (cause) {
		x->cause = (__u8)pt_cause_from_name(cause);
		if (x->cause == PT_CAUSE_NONE)
			return malformed(r, "detail: cause=%s is not a cause",
					 replay_shown(r, cause));
	}
	if (!code)
		return 0;
	if (!replay_parse_s32(code, &c) || c < INT16_MIN || c > INT16_MAX)
		return malformed(r, "detail: code=%s is not a 16-bit number",
				 replay_shown(r, code));
	x->code = (__s16)c;
	x->has_code = 1;
	return 0;
}

static int reparent_parse(struct pt_replay *r)
{
	struct pt_reparent *rp = &r->ev->reparent;
	const char *adopter = replay_detail_find(r, pt_dkey_name(PT_DK_ADOPTER));
	int err;

	err = replay_detail_u32(r, pt_dkey_name(PT_DK_OLD_PPID), &rp->old_ppid);
	err = err < 0
		? err
		: replay_detail_u32(r, pt_dkey_name(PT_DK_OLD_PARENT_TID), &rp->old_parent_tid);
	err = err < 0
		? err
		: replay_detail_comm(r, pt_dkey_name(PT_DK_OLD_PARENT_COMM), rp->old_parent_comm);
	if (err < 0)
		return err;
	if (!adopter)
		return malformed(r, "detail: no adopter=");
	rp->adopter = pt_adopter_from_name(adopter);
	if (!rp->adopter)
		return malformed(r, "detail: adopter=%s is not thread, subreaper or init",
				 replay_shown(r, adopter));
	return 0;
}

/* An exit or reap a rescan inferred (unseen_from_ns=): 1 when it is one,
 * with its payload read; 0 when not; < 0: bad. */
static int unseen_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	int err = replay_detail_u64(r, pt_dkey_name(PT_DK_UNSEEN_FROM_NS), UINT64_MAX, false,
				    &ev->reap.unseen_from_ns);

	if (err <= 0)
		return err;
	if (ev->reap.unseen_from_ns > ev->task.ts_ns)
		return malformed(r, "detail: unseen_from_ns=%llu is after ts_ns",
				 (unsigned long long)ev->reap.unseen_from_ns);
	ev->flags |= PT_F_RESCAN | PT_F_NO_ACTOR;
	if (ev->kind == PT_EXIT)
		ev->flags |= PT_F_GROUP_DEAD;
	return 1;
}

/* The usage columns (an exit's, a reap's, a usage row's) into u: the
 * own part is each column less its children_ column, so that
 * pt_usage_columns() gives the row's values back. */
static int usage_parse(struct pt_replay *r, struct pt_usage *u)
{
	const unsigned n = PT_USAGE_NCOLS / 2;
	__u64 v[PT_USAGE_NCOLS],
		*own[] = { NULL,      NULL,	  &u->maxrss_kb, &u->minflt, &u->majflt,
			   &u->nvcsw, &u->nivcsw, &u->inblock,	 &u->oublock };
	__u64 *kids[] = { NULL,	      NULL,	   &u->cmaxrss_kb, &u->cminflt, &u->cmajflt,
			  &u->cnvcsw, &u->cnivcsw, &u->cinblock,   &u->coublock };
	int err = 0;

	for (unsigned i = 0; i < PT_USAGE_NCOLS && !err; i++) {
		/* A capture from before the children_ columns (JSON Lines
		 * without the keys) carried the process's own figures: read
		 * as a children part of 0. */
		v[i] = 0;
		if (i < n || *replay_field(r, PT_COL_CPU_USER_US + i))
			err = replay_col_u64(r, PT_COL_CPU_USER_US + i,
					     i % n < 2 ? UINT64_MAX / 1000 : UINT64_MAX, &v[i]);
	}
	if (err)
		return err;
	for (unsigned i = 0; i < n; i++) {
		/* a sum of the two, or (maxrss) the larger */
		if (v[n + i] > v[i])
			return malformed(r, "%s: %llu is more than %s's %llu",
					 pt_col_name(PT_COL_CPU_USER_US + n + i),
					 (unsigned long long)v[n + i],
					 pt_col_name(PT_COL_CPU_USER_US + i),
					 (unsigned long long)v[i]);
		if (i >= 2) {
			/* maxrss: the own peak is not known apart, at most the total */
			*own[i] = i == 2 ? v[i] : v[i] - v[n + i];
			*kids[i] = v[n + i];
		}
	}
	if (v[0] + v[1] > UINT64_MAX / 1000)
		return malformed(r, "cpu_user_us + cpu_sys_us: too large");
	/* The own split as runtime, reported already as it is:
	 * pt_cputime_adjust() gives it back. */
	u->utime_ns = u->prev_utime_ns = (v[0] - v[n]) * 1000;
	u->stime_ns = u->prev_stime_ns = (v[1] - v[n + 1]) * 1000;
	u->runtime_ns = u->utime_ns + u->stime_ns;
	u->cutime_ns = v[n] * 1000;
	u->cstime_ns = v[n + 1] * 1000;
	return 0;
}

static int exit_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	struct pt_exit *x = &ev->exit;
	const char *status = replay_detail_find(r, pt_dkey_name(PT_DK_STATUS));
	__u16 thread = 0;
	int err = unseen_parse(r);

	if (err)
		return err < 0 ? err : 0;
	err = replay_detail_flag(r, pt_dkey_name(PT_DK_THREAD_EXIT), "1", &thread, 1);
	if (err)
		return err;
	if (!thread)
		ev->flags |= PT_F_GROUP_DEAD;
	err = replay_detail_flag(r, pt_dkey_name(PT_DK_LAST_THREAD_UNKNOWN), "1", &ev->flags,
				 PT_F_LAST_THREAD_UNKNOWN)
		?: replay_detail_flag(r, pt_dkey_name(PT_DK_SENDER_LOST), "1", &ev->flags,
				      PT_F_SENDER_LOST);
	if (err)
		return err;
	if (status && !replay_parse_hex_u32(status, &x->status))
		return malformed(r, "detail: status=%s is not 0x and hex digits",
				 replay_shown(r, status));
	if (!status && status_from_columns(r, &x->status))
		return -EINVAL;
	if (exit_cause_parse(r))
		return -EINVAL;
	/* Absent from captures made before it was written: 0, unknown. */
	err = replay_detail_u64(r, pt_dkey_name(PT_DK_AGE_NS), UINT64_MAX, false, &x->age_ns);
	if (err < 0)
		return err;
	return usage_parse(r, &x->usage);
}

static int reap_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	__u64 zombie_ns = 0;
	int err = unseen_parse(r);

	if (err)
		return err < 0 ? err : 0;
	err = err
		?: replay_detail_flag(r, pt_dkey_name(PT_DK_REAPED), "auto", &ev->flags,
				      PT_F_AUTOREAP);
	err = err
		?: replay_detail_flag(r, pt_dkey_name(PT_DK_REAPER), "unknown", &ev->flags,
				      PT_F_REAPER_UNKNOWN | PT_F_NO_ACTOR);
	err = err
		?: replay_detail_flag(r, pt_dkey_name(PT_DK_REAP_AT), "free", &ev->flags,
				      PT_F_REAP_AT_FREE);
	err = err
		?: replay_detail_u64(r, pt_dkey_name(PT_DK_ZOMBIE_NS), UINT64_MAX, false,
				     &zombie_ns);
	if (err < 0)
		return err;
	/* exit_ns 0 means unknown, so a zombie time as long as ts_ns itself
	 * cannot come from the writer. */
	if (err > 0 && zombie_ns >= ev->task.ts_ns)
		return malformed(r, "detail: zombie_ns=%llu is not less than ts_ns",
				 (unsigned long long)zombie_ns);
	if (err > 0)
		ev->reap.exit_ns = ev->task.ts_ns - zombie_ns;
	/* The final usage, when the row has it (its cpu_user_us), also
	 * without a zombie time (its exit not seen) */
	if (!*replay_field(r, PT_COL_CPU_USER_US))
		return 0;
	ev->reap.usage_at = PT_USAGE_RELEASED;
	return usage_parse(r, &ev->reap.usage);
}

static int signal_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	const char *name = replay_field(r, PT_COL_SIGNAL), *code, *result;
	int sig, err = 0;
	unsigned res;

	if (!replay_signal_from_name(r, name, &sig))
		return malformed(r, "signal: '%s' is not a signal", replay_shown(r, name));
	ev->signal.sig = sig;
	code = replay_detail_find(r, pt_dkey_name(PT_DK_CODE));
	if (!code)
		return malformed(r, "detail: no code=");
	if (!replay_parse_s32(code, &ev->signal.code))
		return malformed(r, "detail: code=%s is not a 32-bit number",
				 replay_shown(r, code));
	err = err
		?: replay_detail_flag(r, pt_dkey_name(PT_DK_SENDER), "kernel", &ev->flags,
				      PT_F_KERNEL_SENDER);
	if (ev->kind != PT_SIGNAL || err)
		return err;
	err = replay_detail_flag(r, pt_dkey_name(PT_DK_GROUP), "1", &ev->flags, PT_F_SIG_GROUP);
	result = replay_detail_find(r, pt_dkey_name(PT_DK_RESULT));
	if (err || !result)
		return err ?: malformed(r, "detail: no result=");
	/* "?" is how the writer shows a result it has no name for: the
	 * first such number reads back as "?" too. */
	for (res = 0; strcmp(pt_sig_result_name(res), "?"); res++)
		if (!strcmp(pt_sig_result_name(res), result))
			break;
	if (strcmp(pt_sig_result_name(res), result))
		return malformed(r, "detail: result=%s is not a signal result",
				 replay_shown(r, result));
	ev->signal.result = res;
	return 0;
}

/* A rescan's summary: lost=0 rescan=N ended_unseen=N born_unseen=N since_ns=T. */
static int rescan_parse(struct pt_replay *r)
{
	struct pt_rescan_sum *x = &r->ev->rescan;
	__u64 lost = 0;
	int err;

	r->ev->flags |= PT_F_RESCAN | PT_F_NO_ACTOR;
	err = replay_detail_u64(r, pt_dkey_name(PT_DK_LOST), 0, true, &lost);
	err = err < 0 ? err : replay_detail_u32(r, pt_dkey_name(PT_DK_RESCAN), &x->tasks);
	err = err < 0 ? err : replay_detail_u32(r, pt_dkey_name(PT_DK_ENDED_UNSEEN), &x->ended);
	err = err < 0 ? err : replay_detail_u32(r, pt_dkey_name(PT_DK_BORN_UNSEEN), &x->born);
	err = err < 0 ? err
		      : replay_detail_u64(r, pt_dkey_name(PT_DK_SINCE_NS), UINT64_MAX, true,
					  &x->since_ns);
	return err < 0 ? err : 0;
}

static int lost_parse(struct pt_replay *r)
{
	struct pt_lost *l = &r->ev->lost;
	bool counted = false;
	unsigned i, k;
	__u64 v;

	if (replay_detail_find(r, pt_dkey_name(PT_DK_RESCAN)))
		return rescan_parse(r);
	/* lost=N first, then one key per kind; a later lost=N is the count of
	 * lost "lost" events, as the writer names that kind. */
	for (i = 0; i < r->npairs; i++) {
		const struct pair *p = &r->pairs[i];

		if (!counted && !strcmp(p->key, pt_dkey_name(PT_DK_LOST))) {
			if (replay_pair_u64(r, p->key, p->val, UINT64_MAX, &l->count))
				return -EINVAL;
			counted = true;
			continue;
		}
		k = replay_kind_from_name(r, p->key);
		if (!k)
			continue;
		if (replay_pair_u64(r, p->key, p->val, UINT32_MAX, &v))
			return -EINVAL;
		l->by_kind[k] = (__u32)v;
	}
	return counted ? 0 : malformed(r, "detail: no lost=");
}

static int sched_change_parse(struct pt_replay *r)
{
	struct pt_sched_change *c = &r->ev->sched_change;
	const char *key = pt_dkey_name(PT_DK_PREV_STATE), *prev = replay_detail_find(r, key);
	int err;

	err = replay_detail_u32(r, pt_dkey_name(PT_DK_CPU), &c->cpu);
	err = err < 0
		? err
		: replay_detail_u64(r, pt_dkey_name(PT_DK_PREV_NS), UINT64_MAX, true, &c->prev_ns);
	if (err < 0)
		return err;
	if (!prev)
		return malformed(r, "detail: no %s=", key);
	return state_value(r, key, prev, &c->prev_state);
}

static int sched_sum_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	struct pt_sched_sum *m = &ev->sched_sum;
	__u16 thread = 0;
	unsigned i;
	int err;

	err = replay_detail_flag(r, pt_dkey_name(PT_DK_THREAD_EXIT), "1", &thread, 1);
	err = err
		?: replay_detail_flag(r, pt_dkey_name(PT_DK_AT_END), "1", &ev->flags,
				      PT_F_SCHED_AT_END);
	if (!thread && !(ev->flags & PT_F_SCHED_AT_END))
		ev->flags |= PT_F_GROUP_DEAD;
	for (i = 0; i < PT_NSLOTS && err >= 0; i++)
		err = replay_detail_u64(r, pt_dkey_name(PT_DK_RUNNING_NS + i), UINT64_MAX, true,
					&m->ns[i]);
	err = err < 0 ? err : replay_detail_u32(r, pt_dkey_name(PT_DK_SWITCHES), &m->switches);
	err = err < 0 ? err : replay_detail_u32(r, pt_dkey_name(PT_DK_RQ_WAITS), &m->waits);
	err = err < 0 ? err : replay_detail_u32(r, pt_dkey_name(PT_DK_RQ_P50_NS), &m->rq_p50_ns);
	err = err < 0 ? err : replay_detail_u32(r, pt_dkey_name(PT_DK_RQ_P99_NS), &m->rq_p99_ns);
	err = err < 0 ? err : replay_detail_u32(r, pt_dkey_name(PT_DK_RQ_MAX_NS), &m->rq_max_ns);
	if (err >= 0 && replay_detail_find(r, pt_dkey_name(PT_DK_REPAIRED)))
		err = replay_detail_u32(r, pt_dkey_name(PT_DK_REPAIRED), &m->repaired);
	return err < 0 ? err : 0;
}

/* fork, thread, unshare, setns: clone= and via=, both optional. */
static int clone_parse(struct pt_replay *r)
{
	const char *flags = replay_detail_find(r, pt_dkey_name(PT_DK_CLONE));
	const char *via = replay_detail_find(r, pt_dkey_name(PT_DK_VIA));
	struct pt_clone *c = &r->ev->clone;

	if (flags && (!*flags || pt_clone_flags_parse(flags, strlen(flags), &c->flags)))
		return malformed(r, "detail: clone=%s is not CLONE_* names joined by |",
				 replay_shown(r, flags));
	if (via &&
	    (r->ev->kind == PT_UNSHARE || r->ev->kind == PT_SETNS || pt_via_parse(via, &c->via)))
		return malformed(r, "detail: via=%s is not fork, vfork, clone or clone3",
				 replay_shown(r, via));
	return 0;
}

int replay_kind_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	int err;

	switch (ev->kind) {
	case PT_SNAPSHOT:
		err = replay_detail_u64(r, pt_dkey_name(PT_DK_START_NS), UINT64_MAX, true,
					&ev->task.start_ns);
		err = err < 0 ? err
			      : replay_detail_flag(r, pt_dkey_name(PT_DK_INFERRED), "1", &ev->flags,
						   PT_F_RESCAN);
		err = err < 0 ? err
			      : replay_detail_flag(r, pt_dkey_name(PT_DK_COMMAND), "1", &ev->flags,
						   PT_F_COMMAND);
		return err < 0 ? err : 0;
	case PT_FORK:
	case PT_THREAD:
	case PT_UNSHARE:
	case PT_SETNS:
		return clone_parse(r);
	case PT_EXEC:
	case PT_EXEC_FAILED:
		return exec_parse(r);
	case PT_REPARENT:
		return reparent_parse(r);
	case PT_EXIT:
		return exit_parse(r);
	case PT_REAP:
		return reap_parse(r);
	case PT_SIGNAL:
	case PT_STOP:
	case PT_CONTINUE:
		return signal_parse(r);
	case PT_SETPGID:
		/* setpgid cannot change the session: the one before is the one after. */
		ev->setpg.old_sid = ev->task.sid;
		err = replay_detail_u32(r, pt_dkey_name(PT_DK_OLD_PGID), &ev->setpg.old_pgid);
		return err < 0 ? err : 0;
	case PT_SETSID:
		err = replay_detail_u32(r, pt_dkey_name(PT_DK_OLD_SID), &ev->setpg.old_sid);
		err = err < 0
			? err
			: replay_detail_u32(r, pt_dkey_name(PT_DK_OLD_PGID), &ev->setpg.old_pgid);
		return err < 0 ? err : 0;
	case PT_RENAME:
		return replay_detail_comm(r, pt_dkey_name(PT_DK_OLD_COMM), ev->rename.old_comm);
	case PT_LOST:
		return lost_parse(r);
	case PT_SCHED_STATE:
		return sched_change_parse(r);
	case PT_SCHED_SUM:
		return sched_sum_parse(r);
	case PT_USAGE:
		return usage_parse(r, &ev->usage);
	default:
		return 0;
	}
}
