// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The programs by feature (programs.h): the one table of what each BPF
 * program serves. */
#include <stdio.h>
#include <string.h>
#include <linux/types.h>
#include "proctrace/event.h"
#include "proctrace/programs.h"

#define KIND(k) (1u << (k))

const struct pt_feature_def pt_features[PT_FEAT_MAX] = {
	[PT_FEAT_CORE] = { "core", "fork, exec, exit",
			   KIND(PT_FORK) | KIND(PT_EXEC) | KIND(PT_EXIT) | KIND(PT_USAGE),
			   "cause.bpf.h usage_end.bpf.h" },
	[PT_FEAT_THREADS] = { "threads", "--threads", KIND(PT_THREAD), NULL },
	[PT_FEAT_REAP] = { "reap", "-e reap", KIND(PT_REAP), "reap.bpf.h" },
	[PT_FEAT_SIGNAL] = { "signal", "-e signal,stop,continue or --signals",
			     KIND(PT_SIGNAL) | KIND(PT_STOP) | KIND(PT_CONTINUE),
			     "signal.bpf.h sender.bpf.h" },
	[PT_FEAT_GROUPS] = { "groups", "-e setpgid,setsid", KIND(PT_SETPGID) | KIND(PT_SETSID),
			     "groups.bpf.h" },
	[PT_FEAT_RENAME] = { "rename", "-e rename", KIND(PT_RENAME), NULL },
	[PT_FEAT_REPARENT] = { "reparent", "-e reparent", KIND(PT_REPARENT), "reparent.bpf.h" },
	[PT_FEAT_EXEC_FAILED] = { "exec_failed", "-e exec_failed", KIND(PT_EXEC_FAILED),
				  "exec_failed.bpf.h" },
	[PT_FEAT_NAMESPACES] = { "namespaces", "-e unshare,setns",
				 KIND(PT_UNSHARE) | KIND(PT_SETNS), NULL },
	[PT_FEAT_SCHED] = { "sched", "--sched", KIND(PT_SCHED_STATE) | KIND(PT_SCHED_SUM),
			    "sched.bpf.h" },
};

/* A program serves its own feature's kinds, and may do part of another's
 * work (the exit program finds the reparented children): then the refusal
 * of that part turns off that feature alone (see the loader). The exit's
 * cause by a signal comes from the signal programs: loaded for exits too. */
#define SIGNALS (KIND(PT_SIGNAL) | KIND(PT_STOP) | KIND(PT_CONTINUE))
#define SCHED (KIND(PT_SCHED_STATE) | KIND(PT_SCHED_SUM))
/* The kinds whose maps lose entries at a thread's or a process's end
 * (forget_thread, stops); not -e signal alone, whose `queueing` is an
 * array that cannot fill. */
#define IN_SYSCALL                                                                                 \
	(KIND(PT_REAP) | KIND(PT_SETPGID) | KIND(PT_SETSID) | KIND(PT_EXEC_FAILED) |               \
	 KIND(PT_UNSHARE) | KIND(PT_SETNS) | KIND(PT_STOP) | KIND(PT_CONTINUE))
const struct pt_program_def pt_programs[] = {
	{ "handle_fork", PT_FEAT_CORE, KIND(PT_FORK) | KIND(PT_THREAD) | KIND(PT_REAP), true, 0 },
	/* These two also forget a thread's system call in progress when it
	 * ends (forget_thread), the exit a process's stop: loaded with the
	 * kinds that keep them. */
	{ "handle_exec", PT_FEAT_CORE, KIND(PT_EXEC) | KIND(PT_EXEC_FAILED), false, 0 },
	/* A run the kernel skipped loses an exit (of a thread or a
	 * process), whatever else it serves. */
	{ "handle_exit", PT_FEAT_CORE, KIND(PT_EXIT) | KIND(PT_THREAD) | IN_SYSCALL, false,
	  KIND(PT_EXIT) },
	{ "handle_oom_victim", PT_FEAT_CORE, KIND(PT_EXIT), false, 0 },
	{ "handle_reparent", PT_FEAT_REPARENT, KIND(PT_REPARENT), false, 0 },
	/* Its variant for kernels with bpf_loop() (5.17): one of the two is loaded. */
	{ "handle_reparent_loop", PT_FEAT_REPARENT, KIND(PT_REPARENT), false, 0 },
	/* The processes alive at the start: whatever is recorded. */
	{ "snapshot_tasks", PT_FEAT_CORE, ~0u, true, 0 },
	/* Also removes a process's claim of its end (exit_ends_group): with
	 * every kind the exit program serves. */
	/* A skipped run: a reap (at the free) lost. */
	{ "handle_free", PT_FEAT_REAP, KIND(PT_EXIT) | KIND(PT_THREAD) | IN_SYSCALL, true,
	  KIND(PT_REAP) },
	{ "handle_wait4_exit", PT_FEAT_REAP, KIND(PT_REAP), false, 0 },
	{ "handle_waitid_enter", PT_FEAT_REAP, KIND(PT_REAP), false, 0 },
	{ "handle_waitid_exit", PT_FEAT_REAP, KIND(PT_REAP), false, 0 },
	{ "handle_signal_generate", PT_FEAT_SIGNAL, SIGNALS | KIND(PT_EXIT), false, 0 },
	{ "handle_signal_deliver", PT_FEAT_SIGNAL,
	  KIND(PT_STOP) | KIND(PT_CONTINUE) | KIND(PT_EXIT), false, 0 },
	{ "handle_sigqueue_enter", PT_FEAT_SIGNAL, SIGNALS, false, 0 },
	{ "handle_sigqueue_exit", PT_FEAT_SIGNAL, SIGNALS, false, 0 },
	{ "handle_tgsigqueue_enter", PT_FEAT_SIGNAL, SIGNALS, false, 0 },
	{ "handle_tgsigqueue_exit", PT_FEAT_SIGNAL, SIGNALS, false, 0 },
	{ "handle_pidfd_signal_enter", PT_FEAT_SIGNAL, SIGNALS, false, 0 },
	{ "handle_pidfd_signal_exit", PT_FEAT_SIGNAL, SIGNALS, false, 0 },
	{ "handle_setpgid_enter", PT_FEAT_GROUPS, KIND(PT_SETPGID), false, 0 },
	{ "handle_setpgid_exit", PT_FEAT_GROUPS, KIND(PT_SETPGID), false, 0 },
	{ "handle_setsid_enter", PT_FEAT_GROUPS, KIND(PT_SETSID), false, 0 },
	{ "handle_setsid_exit", PT_FEAT_GROUPS, KIND(PT_SETSID), false, 0 },
	{ "handle_rename", PT_FEAT_RENAME, KIND(PT_RENAME), false, 0 },
	{ "handle_execve_enter", PT_FEAT_EXEC_FAILED, KIND(PT_EXEC_FAILED), false, 0 },
	{ "handle_execveat_enter", PT_FEAT_EXEC_FAILED, KIND(PT_EXEC_FAILED), false, 0 },
	{ "handle_execve_exit", PT_FEAT_EXEC_FAILED, KIND(PT_EXEC_FAILED), false, 0 },
	{ "handle_execveat_exit", PT_FEAT_EXEC_FAILED, KIND(PT_EXEC_FAILED), false, 0 },
	{ "handle_prepare_exec", PT_FEAT_EXEC_FAILED, KIND(PT_EXEC_FAILED), false, 0 },
	{ "handle_unshare_enter", PT_FEAT_NAMESPACES, KIND(PT_UNSHARE), false, 0 },
	{ "handle_unshare_exit", PT_FEAT_NAMESPACES, KIND(PT_UNSHARE), false, 0 },
	{ "handle_setns_enter", PT_FEAT_NAMESPACES, KIND(PT_SETNS), false, 0 },
	{ "handle_setns_exit", PT_FEAT_NAMESPACES, KIND(PT_SETNS), false, 0 },
	{ "sched_switch", PT_FEAT_SCHED, SCHED, false, 0 },
	{ "sched_wakeup", PT_FEAT_SCHED, SCHED, false, 0 },
	{ "sched_wakeup_new", PT_FEAT_SCHED, SCHED, false, 0 },
	{ "sched_exec", PT_FEAT_SCHED, SCHED, false, 0 },
	{ "sched_exit", PT_FEAT_SCHED, SCHED, false, 0 },
	{ "sched_final", PT_FEAT_SCHED, SCHED, false, 0 },
	/* The processes alive at the end: their usage then. */
	{ "usage_final", PT_FEAT_CORE, KIND(PT_USAGE), false, 0 },
};
const size_t pt_n_programs = sizeof(pt_programs) / sizeof(pt_programs[0]);

const struct pt_program_def *pt_program_find(const char *name)
{
	for (size_t i = 0; i < pt_n_programs; i++)
		if (!strcmp(pt_programs[i].name, name))
			return &pt_programs[i];
	return NULL;
}

__u32 pt_program_missed_kind(const struct pt_program_def *d, __u32 recorded)
{
	__u32 kinds = d->missed & recorded;

	if (!kinds)
		kinds = d->kinds & recorded;
	return kinds ? (__u32)__builtin_ctz(kinds) : PT_LOST;
}

int pt_feature_of_source(const char *file)
{
	size_t n = strlen(file);

	for (int f = 0; f < PT_FEAT_MAX; f++) {
		const char *s = pt_features[f].sources;

		while (s && *s) {
			size_t w = strcspn(s, " ");

			if (w == n && !strncmp(s, file, n))
				return f;
			s += w + (s[w] == ' ');
		}
	}
	return -1;
}

__u32 pt_features_of_kinds(__u32 kinds)
{
	__u32 mask = 0;

	for (int f = 0; f < PT_FEAT_MAX; f++)
		if (pt_features[f].kinds & kinds)
			mask |= PT_FEAT_BIT(f);
	return mask;
}

__u32 pt_features_kinds(__u32 mask)
{
	__u32 kinds = 0;

	for (int f = 0; f < PT_FEAT_MAX; f++)
		if (mask & PT_FEAT_BIT(f))
			kinds |= pt_features[f].kinds;
	return kinds;
}

void pt_features_names(__u32 mask, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (int f = 0; f < PT_FEAT_MAX && used < len; f++) {
		if (!(mask & PT_FEAT_BIT(f)))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
				 pt_features[f].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}
