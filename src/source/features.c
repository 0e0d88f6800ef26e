// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --version. The kernel features are those of the embedded BPF object: its
 * program sections say which BTF tracepoints, syscall tracepoints and
 * iterators it attaches to, so the report follows the programs as they
 * change. Each is looked up where the kernel publishes it: BTF (readable by
 * every user) for tp_btf and iterators, tracefs for syscall tracepoints.
 * Whether the kernel accepts a ring buffer map is probed by creating one.
 * Whether each feature works (programs.h) is the loader's own answer: the
 * very load that tracing does, with every feature asked for, never
 * attached (pt_loader_probe_features); that needs root, and without it
 * each feature is said unknown. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "proctrace/features.h"
#include "proctrace/loader.h"

#define BTF_PATH "/sys/kernel/btf/vmlinux"
#define NAME_MAX_LEN 128

/* Attach points of one kind: how many the programs use, how many this
 * kernel has, the first one missing. */
struct need {
	unsigned used, found;
	char missing[NAME_MAX_LEN];
	int err; /* why they could not be looked up; 0: they were */
};

struct needs {
	const struct btf *btf; /* the kernel's; NULL: none */
	const char *events;    /* tracefs events folder; NULL: not mounted */
	struct need tp_btf, iter, syscalls;
	struct need optional; /* PT_TP_BTF_OPTIONAL: not needed, used if there */
};

static void tally(struct need *n, bool found, const char *name)
{
	n->used++;
	if (found)
		n->found++;
	else if (!n->missing[0])
		snprintf(n->missing, sizeof(n->missing), "%s", name);
}

/* A tp_btf program attaches to the kernel's btf_trace_NAME typedef, an
 * iterator to its bpf_iter_NAME function. */
static void tally_btf(struct needs *ns, struct need *n, const char *prefix, const char *name,
		      __u32 kind)
{
	char full[NAME_MAX_LEN];
	int id;

	if (!ns->btf) {
		n->used++;
		n->err = ENOENT;
		return;
	}
	snprintf(full, sizeof(full), "%s%s", prefix, name);
	id = btf__find_by_name_kind(ns->btf, full, kind);
	tally(n, id >= 0, name);
}

static void tally_syscall(struct needs *ns, const char *name)
{
	char path[256];

	if (!ns->events) {
		ns->syscalls.used++;
		ns->syscalls.err = ENOENT;
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", ns->events, name);
	if (access(path, F_OK) == 0) {
		tally(&ns->syscalls, true, name);
	} else if (errno == ENOENT) {
		tally(&ns->syscalls, false, name);
	} else {
		ns->syscalls.used++;
		ns->syscalls.err = errno;
	}
}

static void on_program(void *ctx, const char *sec)
{
	struct needs *ns = ctx;

	if (!strcmp(sec, "tp_btf/" PT_TP_BTF_OPTIONAL))
		tally_btf(ns, &ns->optional, "btf_trace_", sec + 7, BTF_KIND_TYPEDEF);
	else if (!strncmp(sec, "tp_btf/", 7))
		tally_btf(ns, &ns->tp_btf, "btf_trace_", sec + 7, BTF_KIND_TYPEDEF);
	else if (!strncmp(sec, "iter/", 5))
		tally_btf(ns, &ns->iter, "bpf_iter_", sec + 5, BTF_KIND_FUNC);
	else if (!strncmp(sec, "tracepoint/syscalls/", 20))
		tally_syscall(ns, sec + 20);
}

/* Where the syscall tracepoints are listed; NULL when tracefs is not
 * mounted (proctrace mounts it itself when it traces). */
static const char *events_dir(void)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing/events/syscalls",
		"/sys/kernel/debug/tracing/events/syscalls",
	};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (access(dirs[i], F_OK) == 0 || errno == EACCES)
			return dirs[i];
	return NULL;
}

/* The ring buffer map: created with one page and closed at once. */
static void print_ringbuf(FILE *out)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, (__u32)sysconf(_SC_PAGESIZE),
				NULL);
	int err = errno;

	if (fd >= 0) {
		close(fd);
		fputs("ring buffer map: yes\n", out);
	} else if (err == EPERM || err == EACCES) {
		fputs("ring buffer map: unknown (probing needs root or CAP_BPF)\n", out);
	} else {
		fprintf(out, "ring buffer map: no (%s; it needs Linux >= 5.8)\n", strerror(err));
	}
}

static void print_need(FILE *out, const char *what, const struct need *n, const char *where)
{
	const char *verdict;

	if (!n->used) {
		fprintf(out, "%s: not used\n", what);
		return;
	}
	if (n->err)
		verdict = "unknown";
	else if (n->found < n->used)
		verdict = "no";
	else
		verdict = "yes";
	fprintf(out, "%s: %s (", what, verdict);
	if (n->err == ENOENT)
		fprintf(out, "%s not available", where);
	else if (n->err == EACCES)
		fprintf(out, "%s: not readable, needs root", where);
	else if (n->err)
		fprintf(out, "%s: %s", where, strerror(n->err));
	else
		fprintf(out, "%u of %u in %s", n->found, n->used, where);
	if (!n->err && n->missing[0])
		fprintf(out, ", no %s", n->missing);
	fputs(")\n", out);
}

/* One line per feature, from the load tracing does. */
static void print_features(FILE *out)
{
	struct pt_feature_state st[PT_FEAT_MAX];

	pt_loader_probe_features(st, 0);
	for (int f = 0; f < PT_FEAT_MAX; f++) {
		fprintf(out, "feature %s (%s): ", pt_features[f].name, pt_features[f].option);
		if (st[f].state == PT_FEATURE_WORKS)
			fputs("works\n", out);
		else if (st[f].state == PT_FEATURE_OFF)
			fprintf(out, "off (%s)\n", st[f].why);
		else if (st[f].why[0])
			fprintf(out, "unknown (%s)\n", st[f].why);
		else
			fputs("unknown (loading needs root, or CAP_BPF and CAP_PERFMON)\n", out);
	}
}

int pt_version_print(FILE *out, const char *version)
{
	struct needs ns = { 0 };
	struct utsname u;
	struct btf *btf;
	int err;

	fprintf(out, "proctrace %s\n", version);
	fprintf(out, "libbpf: %u.%u (built with %d.%d)\n", libbpf_major_version(),
		libbpf_minor_version(), LIBBPF_MAJOR_VERSION, LIBBPF_MINOR_VERSION);
	if (uname(&u) == 0)
		fprintf(out, "kernel: %s %s %s %s\n", u.sysname, u.release, u.version, u.machine);
	else
		fprintf(out, "kernel: unknown (%s)\n", strerror(errno));

	btf = btf__load_vmlinux_btf();
	err = btf ? 0 : errno;
	if (!err)
		fputs("BTF: yes (" BTF_PATH ")\n", out);
	else if (err == ENOENT)
		fputs("BTF: no (no " BTF_PATH ": the kernel needs CONFIG_DEBUG_INFO_BTF)\n", out);
	else
		fprintf(out, "BTF: unknown (%s: %s)\n", BTF_PATH, strerror(err));

	print_ringbuf(out);
	ns.btf = btf;
	ns.events = events_dir();
	err = pt_loader_programs(on_program, &ns);
	if (err) {
		fprintf(out, "BPF programs: unknown (cannot open the BPF object: %s)\n",
			strerror(-err));
	} else {
		print_need(out, "BTF tracepoints (tp_btf)", &ns.tp_btf, "BTF");
		if (ns.optional.used && !ns.optional.err && !ns.optional.found)
			fputs("BTF tracepoint " PT_TP_BTF_OPTIONAL ": no (optional, Linux >= 6.10: "
			      "a failed exec's path past its point of no return is read from "
			      "the caller's memory alone)\n",
			      out);
		print_need(out, "task iterator", &ns.iter, "BTF");
		print_need(out, "syscall tracepoints", &ns.syscalls,
			   ns.events ? ns.events : "tracefs (mounted when tracing)");
	}
	btf__free(btf);
	print_features(out);
	fflush(out);
	return ferror(out) ? -EIO : 0;
}
