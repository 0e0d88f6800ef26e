/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/*
 * Process groups and sessions: setpgid and setsid, seen at their system
 * calls' entry (the group left) and return (the group joined).
 * Included once, by proctrace.bpf.c (one BPF object).
 */
#ifndef PROCTRACE_GROUPS_BPF_H
#define PROCTRACE_GROUPS_BPF_H

/* find_task_by_vpid() as setpgid(pid, ...) does it, in the caller's pid
 * namespace; pid 0 is the caller's process. Any process may be named: the
 * kernel then checks it is the caller or a child of the caller's process
 * (forked by any of its threads), and a refused call makes no event. */
static __always_inline struct task_struct *setpgid_target(struct task_struct *cur, __u32 vpid)
{
	unsigned int level;
	struct pid_namespace *ns = active_ns(cur, &level);

	if (vpid == 0)
		return BPF_CORE_READ(cur, group_leader);
	return task_by_vnr(ns, vpid);
}

SEC("tracepoint/syscalls/sys_enter_setpgid")
int handle_setpgid_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_struct *target = setpgid_target(current_task(), ctx->args[0]);
	struct inflight f = {};

	if (!target)
		return 0;
	f.ptr = (__u64)target;
	f.old_pgid = task_pgid(target);
	f.old_sid = task_sid(target);
	map_keep(&inflight, &tid, &f, BPF_ANY, PT_SETPGID);
	return 0;
}

/* A process leaving a followed group yields that event, then is no longer
 * followed: match on the group left as well as the one joined. */
static __always_inline void emit_setpg(__u32 kind, struct task_struct *target, struct inflight *f)
{
	struct pt_event *e;

	if (!task_wanted_in(target, f->old_pgid))
		return;
	e = reserve(kind);
	if (!e)
		return;
	fill_task_any(&e->task, target);
	fill_actor_current(&e->by);
	e->setpg.old_pgid = f->old_pgid;
	e->setpg.old_sid = f->old_sid;
	submit(e);
}

SEC("tracepoint/syscalls/sys_exit_setpgid")
int handle_setpgid_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight *f = bpf_map_lookup_elem(&inflight, &tid);
	struct task_struct *target;

	if (!f)
		return 0;
	target = (struct task_struct *)f->ptr;
	/* A successful setpgid to the group it is already in changes nothing
	 * (shells call it from both parent and child): no event. */
	if (ctx->ret == 0 && task_pgid(target) != f->old_pgid)
		emit_setpg(PT_SETPGID, target, f);
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_setsid")
int handle_setsid_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct task_struct *cur = current_task();
	struct inflight f = {};

	f.old_pgid = task_pgid(cur);
	f.old_sid = task_sid(cur);
	map_keep(&inflight, &tid, &f, BPF_ANY, PT_SETSID);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_setsid")
int handle_setsid_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight *f = bpf_map_lookup_elem(&inflight, &tid);

	if (!f)
		return 0;
	if (ctx->ret > 0)
		emit_setpg(PT_SETSID, current_task(), f);
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

#endif
