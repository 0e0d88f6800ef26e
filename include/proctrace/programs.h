/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The BPF programs grouped by the feature they serve: one table, read by
 * the loader (which programs to load for the kinds recorded, which feature
 * goes off when the kernel refuses a program) and by --version. A feature
 * is named as the user knows it: the -e kinds it records, or its option.
 * Names only: the skeleton stays the loader's. */
#ifndef PROCTRACE_PROGRAMS_H
#define PROCTRACE_PROGRAMS_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

enum pt_feature {
	PT_FEAT_CORE,	     /* fork, exec, exit and the snapshot: never off */
	PT_FEAT_THREADS,     /* --threads */
	PT_FEAT_REAP,	     /* -e reap */
	PT_FEAT_SIGNAL,	     /* -e signal, stop, continue (and exit causes by signal) */
	PT_FEAT_GROUPS,	     /* -e setpgid, setsid */
	PT_FEAT_RENAME,	     /* -e rename */
	PT_FEAT_REPARENT,    /* -e reparent */
	PT_FEAT_EXEC_FAILED, /* -e exec_failed */
	PT_FEAT_NAMESPACES,  /* -e unshare, setns */
	PT_FEAT_SCHED,	     /* --sched */
	PT_FEAT_MAX,
};

#define PT_FEAT_BIT(f) (1u << (f))

struct pt_feature_def {
	const char *name;    /* "reap", "signal"...: as in -e, or the option's name */
	const char *option;  /* how it is asked for: "-e reap", "--threads" */
	__u32 kinds;	     /* event kinds it records, bit 1 << kind */
	const char *sources; /* the BPF headers of its code, space-separated:
			      * a verifier log's last source line in one of
			      * them blames this feature; NULL: none of its own */
};

/* Indexed by enum pt_feature. */
extern const struct pt_feature_def pt_features[PT_FEAT_MAX];

struct pt_program_def {
	const char *name;	 /* the BPF program (its C function's name) */
	enum pt_feature feature; /* the feature it belongs to: off with it */
	__u32 kinds;		 /* kinds it serves: loaded when one is recorded */
	bool follow;		 /* loaded for -p and a COMMAND whatever is recorded */
	__u32 missed;		 /* the kind a run the kernel skipped is lost as (KIND
				  * mask of one); 0: the first of kinds recorded */
};

/* The one BTF tracepoint a feature can do without (Linux >= 6.10): with it,
 * a failed exec's path past its point of no return is the kernel's copy;
 * without it, the caller's memory's, when readable (exec_failed.bpf.h). */
#define PT_TP_BTF_OPTIONAL "sched_prepare_exec"

/* Every program of the BPF object, once: the loader refuses an object with
 * a program not here (a name here the object lacks is not looked for). */
extern const struct pt_program_def pt_programs[];
extern const size_t pt_n_programs;

/* The program named name; NULL if the table has none. */
const struct pt_program_def *pt_program_find(const char *name);
/* The kind (enum pt_kind) that a run of d the kernel skipped (its
 * recursion_misses) is counted lost as, when the kinds in recorded are
 * recorded: d->missed if recorded, else the first recorded kind d serves;
 * PT_LOST when it serves none. */
__u32 pt_program_missed_kind(const struct pt_program_def *d, __u32 recorded);
/* The feature whose sources list the BPF header file (a base name such as
 * "reap.bpf.h"); -1 if none. */
int pt_feature_of_source(const char *file);
/* The features whose kinds meet kinds (a mask of 1 << feature). */
__u32 pt_features_of_kinds(__u32 kinds);
/* The kinds the features in mask record. */
__u32 pt_features_kinds(__u32 mask);
/* The names of the features in mask into buf, comma-separated. */
void pt_features_names(__u32 mask, char *buf, size_t len);

#endif
