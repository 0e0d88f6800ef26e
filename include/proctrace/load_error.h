/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Why the BPF programs did not load, read from libbpf's log, and the one
 * line that tells the user: a refusal by the verifier (the program, its
 * feature, the verifier's first error line, the kernel release, what to
 * do), a missing privilege, an exhausted locked-memory limit, an unmounted
 * tracefs. Pure: the loader feeds the log and the facts (capabilities,
 * limits, release), so every message is unit-tested without a kernel. */
#ifndef PROCTRACE_LOAD_ERROR_H
#define PROCTRACE_LOAD_ERROR_H

#include <stdbool.h>
#include <stddef.h>

/* What a failed load left in libbpf's log. */
struct pt_load_log {
	char prog[64];	 /* the program that failed to load; "" if none did */
	char error[256]; /* the verifier's error line for it */
	char source[64]; /* the BPF source file of the last source line the
			  * verifier printed before that error ("reap.bpf.h");
			  * "" when the log has none (kernels before 6.x) */
	char map[64];	 /* the map that could not be created; "" if none */
	int map_err;	 /* its errno (positive) */
};

/* Read one message of libbpf's log (a whole one, as its print callback
 * formats it) into log. */
void pt_load_log_feed(struct pt_load_log *log, const char *msg);

/* The verifier's error line of a program load log: the last line before
 * "processed N insns", else the last non-empty line, into out. */
void pt_verifier_error_line(const char *vlog, char *out, size_t len);

/* The kernel release "X.Y..." as a number X * 1000 + Y; 0 if not read. */
unsigned pt_release_number(const char *release);

/* A program the kernel refused, in a feature that cannot be switched off:
 * the core (fork, exec, exit), or one the user asked for by its option. */
struct pt_refusal {
	const char *release; /* uname -r */
	const char *prog;
	const char *error;   /* the verifier's first error line */
	const char *feature; /* the feature's name */
	const char *option;  /* how it was asked for ("-e reparent"); NULL: the core */
};
void pt_msg_refused(char *buf, size_t len, const struct pt_refusal *r);

/* The one line said when features go off and the rest traces: names is
 * "reap, reparent", kinds the event kinds not traced, why what refused
 * them ("handle_exit refused: ..."). */
void pt_msg_feature_off(char *buf, size_t len, const char *names, const char *kinds,
			const char *release, const char *why);

/* What a failed load with errno err (positive), no program blamed, says. */
struct pt_load_facts {
	const char *release;
	bool privileged;	    /* effective CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN */
	unsigned long long memlock; /* RLIMIT_MEMLOCK's soft limit, bytes; ~0: unlimited */
	const char *map;	    /* the map that could not be created; NULL: none */
};
void pt_msg_load_failed(char *buf, size_t len, int err, const struct pt_load_facts *f);

/* tracefs is needed to attach the tracepoints and could not be mounted
 * (mount's errno, positive). */
void pt_msg_tracefs(char *buf, size_t len, int mount_err);

#endif
