// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* One process of the model as its processes row (db_int.h): the model's
 * own answers (model.h's query API), nothing recomputed from events. */
#include <string.h>
#include "proctrace/cause.h"
#include "proctrace/clone_flags.h"
#include "db_int.h"

static void set_u64(struct pt_val *v, __u64 u)
{
	v->kind = PT_VAL_U64;
	v->u = u;
}

/* A time or a count that is 0 when unknown. */
static void set_known(struct pt_val *v, __u64 u)
{
	if (u)
		set_u64(v, u);
}

static void set_word(struct pt_val *v, const char *s)
{
	if (!s)
		return;
	v->kind = PT_VAL_WORD;
	v->str = s;
	v->len = strlen(s);
}

static void set_comm(struct pt_val *v, const char *comm)
{
	if (!comm[0])
		return;
	v->kind = PT_VAL_TEXT;
	v->str = comm;
	v->len = strnlen(comm, PT_COMM_LEN);
}

static void set_flag(struct pt_val *v, bool set)
{
	if (set)
		v->kind = PT_VAL_FLAG;
}

static const char *end_state_name(enum pt_end e)
{
	static const char *const names[] = {
		[PT_END_RUNNING] = "running", [PT_END_STOPPED] = "stopped",
		[PT_END_ZOMBIE] = "zombie",   [PT_END_REAPED] = "reaped",
		[PT_END_UNSEEN] = "unseen",
	};

	return (unsigned)e < sizeof(names) / sizeof(names[0]) ? names[e] : NULL;
}

static const struct pt_prog *last_prog(const struct pt_proc *p)
{
	const struct pt_prog *g = p->progs;

	while (g && g->next)
		g = g->next;
	return g;
}

/* Who sent the signal that ended it: the exit's own actor when its cause
 * names one, else the fatal signal's sender seen before. */
static void fill_killer(struct pt_val *vals, const struct pt_proc *p, bool signaled)
{
	const struct pt_mark *mk;

	if (!signaled)
		return;
	if (p->exit_has_by && p->exit.cause != PT_CAUSE_NONE) {
		set_u64(&vals[P_KILLER_PID], p->exit_by.pid);
		set_u64(&vals[P_KILLER_TID], p->exit_by.tid);
		set_comm(&vals[P_KILLER_COMM], p->exit_by.comm);
		return;
	}
	mk = pt_proc_fatal_signal(p);
	if (mk && mk->has_by) {
		set_u64(&vals[P_KILLER_PID], mk->by);
		set_comm(&vals[P_KILLER_COMM], mk->by_comm);
	}
}

/* The usage columns: the reap row's final figures, else those at the end
 * of tracing (alive or a zombie then), else the exit's snapshot. */
static void fill_usage(struct pt_val *vals, const struct pt_proc *p)
{
	bool final = p->flags & PT_PROC_USAGE_FINAL;
	bool at_end = !final && (p->flags & PT_PROC_USAGE_AT_END);
	const struct pt_usage *u = at_end ? &p->end_usage : &p->exit.usage;
	__u64 usage[PT_USAGE_NCOLS];

	if (!final && !at_end && !(p->flags & PT_PROC_EXIT_SEEN))
		return;
	pt_usage_columns(u, usage);
	for (unsigned i = 0; i < PT_USAGE_NCOLS; i++)
		set_u64(&vals[P_CPU_USER_US + i], usage[i]);
	set_word(&vals[P_USAGE_AT], final ? "reap" : at_end ? "end" : "exit");
}

static void fill_exit(struct pt_val *vals, struct db_proc_scratch *s, const struct pt_proc *p)
{
	const struct pt_exit *x = &p->exit;
	struct pt_status st = pt_decode_status(x->status);

	set_known(&vals[P_EXIT_NS], p->exit_ns);
	fill_usage(vals, p);
	/* Status only from an exit seen (not one a rescan found). */
	if (!(p->flags & PT_PROC_EXIT_SEEN))
		return;
	if (st.signaled)
		set_word(&vals[P_SIGNAL], pt_signal_name(st.sig, s->sig_name, sizeof(s->sig_name)));
	else
		set_u64(&vals[P_EXIT_CODE], st.code);
	set_u64(&vals[P_CORE_DUMPED], st.core);
	set_word(&vals[P_CAUSE], pt_cause_name(x->cause));
	if (x->has_code)
		set_word(&vals[P_CODE_NAME], pt_si_code_name(st.sig, x->code));
	fill_killer(vals, p, st.signaled);
}

static void fill_reap(struct pt_val *vals, const struct pt_proc *p)
{
	if (!(p->flags & PT_PROC_REAP_SEEN))
		return;
	set_u64(&vals[P_REAP_NS], p->reap_ns);
	if (p->exit_ns && p->reap_ns >= p->exit_ns)
		set_u64(&vals[P_ZOMBIE_NS], p->reap_ns - p->exit_ns);
	set_flag(&vals[P_AUTOREAP], p->flags & PT_PROC_AUTOREAP);
	if (!(p->flags & PT_PROC_AUTOREAP) && p->reaper) {
		set_u64(&vals[P_REAPER_PID], p->reaper);
		set_comm(&vals[P_REAPER_COMM], p->reaper_comm);
	}
}

static void fill_sched(struct pt_val *vals, const struct pt_proc *p)
{
	const struct pt_sched_sum *m = &p->sched;
	const __u64 rest[] = { m->switches, m->waits, m->rq_p50_ns, m->rq_p99_ns, m->rq_max_ns };
	unsigned i;

	if (!(p->flags & PT_PROC_SCHED_SEEN))
		return;
	for (i = 0; i < PT_NSLOTS; i++)
		set_u64(&vals[P_RUNNING_NS + i], m->ns[i]);
	for (unsigned j = 0; j < sizeof(rest) / sizeof(rest[0]); j++)
		set_u64(&vals[P_RUNNING_NS + i + j], rest[j]);
}

/* The registries' paths (cgroup.h), as the event rows have them. */
static void fill_cgroup(struct pt_val *vals, struct db_proc_scratch *s, const struct pt_proc *p)
{
	const char *path = pt_cgroup_path(p->cgroup_id);
	const char *memcg = pt_memcg_path(p->memcg_id);

	if (path)
		vals[P_CGROUP] =
			(struct pt_val){ .kind = PT_VAL_TEXT, .str = path, .len = strlen(path) };
	if (memcg)
		vals[P_MEMCG] =
			(struct pt_val){ .kind = PT_VAL_TEXT, .str = memcg, .len = strlen(memcg) };
	if (*pt_cgroup_name(p->cgroup_id, p->memcg_id, s->cgroup_name, sizeof(s->cgroup_name)))
		vals[P_CGROUP_NAME] = (struct pt_val){ .kind = PT_VAL_TEXT,
						       .str = s->cgroup_name,
						       .len = strlen(s->cgroup_name) };
}

void db_proc_fill(struct pt_val *vals, struct db_proc_scratch *s, const struct pt_proc *p,
		  __u64 end_ns)
{
	enum pt_end end = pt_proc_end(p);
	const struct pt_prog *g = last_prog(p);

	for (unsigned c = 0; c < P_NCOLS; c++)
		vals[c].kind = PT_VAL_NONE;
	set_u64(&vals[P_PID], p->pid);
	/* Its fork row's time, which a replay of the CSV knows too (the
	 * kernel's start time is not in the row). */
	set_u64(&vals[P_START_NS], p->flags & PT_PROC_FORK_SEEN ? p->first_ts : p->start_ns);
	if (end == PT_END_REAPED || end == PT_END_UNSEEN || (p->flags & PT_PROC_EXIT_ENDS))
		set_u64(&vals[P_END_NS], pt_proc_row_end(p, end_ns));
	set_word(&vals[P_END_STATE], end_state_name(end));
	set_u64(&vals[P_PPID], p->ppid);
	set_u64(&vals[P_BIRTH_PPID], p->orig_ppid);
	set_known(&vals[P_REPARENT_NS], p->reparent_ns);
	set_u64(&vals[P_PGID], p->pgid);
	set_u64(&vals[P_SID], p->sid);
	set_u64(&vals[P_BIRTH_PGID], p->first_pgid);
	set_u64(&vals[P_BIRTH_SID], p->first_sid);
	set_u64(&vals[P_UID], p->uid);
	set_comm(&vals[P_COMM], p->comm);
	set_u64(&vals[P_NS_PID], p->ns_pid);
	set_u64(&vals[P_PIDNS], p->pidns);
	set_u64(&vals[P_CGROUP_ID], p->cgroup_id);
	fill_cgroup(vals, s, p);
	if (g) {
		vals[P_FILENAME] =
			(struct pt_val){ .kind = PT_VAL_TEXT, .str = g->path, .len = g->path_len };
		vals[P_ARGV] = (struct pt_val){ .kind = PT_VAL_ARGV,
						.str = (const char *)g->argv,
						.len = g->argv_len };
	}
	set_u64(&vals[P_EXECS], p->nprogs);
	if (p->clone_flags) {
		vals[P_CLONE].kind = PT_VAL_WORD;
		vals[P_CLONE].str = s->clone_flags;
		vals[P_CLONE].len = pt_clone_flags_format(p->clone_flags, s->clone_flags,
							  sizeof(s->clone_flags));
	}
	set_flag(&vals[P_SNAPSHOT], p->flags & PT_PROC_SNAPSHOT);
	fill_exit(vals, s, p);
	fill_reap(vals, p);
	fill_sched(vals, p);
	/* Still there when tracing ended: measured to then, by its usage
	 * (alive or a zombie) or its scheduler's sums (running). */
	set_flag(&vals[P_AT_END], p->flags & (PT_PROC_SCHED_AT_END | PT_PROC_USAGE_AT_END));
	set_flag(&vals[P_INFERRED], p->flags & PT_PROC_INFERRED);
	set_flag(&vals[P_END_INFERRED], p->flags & PT_PROC_END_INFERRED);
	if (p->flags & PT_PROC_END_INFERRED) {
		set_u64(&vals[P_UNSEEN_FROM_NS], p->unseen_from_ns);
		set_u64(&vals[P_UNSEEN_TO_NS], p->unseen_to_ns);
	}
	set_u64(&vals[P_THREADS], p->nthreads);
}
