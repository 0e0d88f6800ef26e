// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The load: the whole object at once (libbpf 1.1 loads all or nothing);
 * a program the kernel refuses turns off the feature it serves
 * (programs.h), read from libbpf's log, and the load is tried again
 * without it. Only where the kernel refuses something does it cost a
 * second load. */
#include <stdarg.h>
#include <sys/resource.h>
#include <sys/capability.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "proctrace/decode.h"
#include "proctrace/sched.h"
#include "loader_int.h"

int pt_loader_verbosity;
/* While loading: libbpf's messages are read here for what refused what. */
static struct pt_load_log *capture;

int pt_loader_libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	bool show = pt_loader_verbosity > 0 && (level != LIBBPF_DEBUG || pt_loader_verbosity >= 2);
	char *msg = NULL;
	int n;

	if (!capture || level == LIBBPF_DEBUG)
		return show ? vfprintf(stderr, fmt, ap) : 0;
	/* A verifier's log comes as one message of up to megabytes. */
	n = vasprintf(&msg, fmt, ap);
	if (n < 0)
		return 0;
	pt_load_log_feed(capture, msg);
	if (show)
		fputs(msg, stderr);
	free(msg);
	return n;
}
/* Effective CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN (before 5.8, the
 * only one): a refusal without them is for want of privilege. */
bool pt_loader_privileged(void)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t bpf = CAP_CLEAR, perfmon = CAP_CLEAR, admin = CAP_CLEAR;

	if (!caps)
		return geteuid() == 0;
	cap_get_flag(caps, CAP_BPF, CAP_EFFECTIVE, &bpf);
	cap_get_flag(caps, CAP_PERFMON, CAP_EFFECTIVE, &perfmon);
	cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &admin);
	cap_free(caps);
	return admin == CAP_SET || (bpf == CAP_SET && perfmon == CAP_SET);
}

/* PROCTRACE_FAULT=refuse:PROG: the load is not tried while PROG is to be
 * loaded and the feature its log blames (PROCTRACE_FAULT_LOG, else a line
 * of no source) is on; it fails as the kernel's refusal would, its log
 * read as libbpf would print it. Costs a comparison when unset. */
static bool fault_refuses(struct pt_loader *l, int *ret)
{
	const char *name = l->fault && !strncmp(l->fault, "refuse:", 7) ? l->fault + 7 : NULL;
	const char *vlog = getenv("PROCTRACE_FAULT_LOG");
	struct bpf_program *prog =
		name ? bpf_object__find_program_by_name(l->skel->obj, name) : NULL;
	struct pt_load_log probe = { 0 };
	char *msg;
	int f;

	if (!prog || !bpf_program__autoload(prog))
		return false;
	if (!vlog)
		vlog = "0: (bf) r0 = r2\nR2 !read_ok\nprocessed 1 insns\n";
	if (asprintf(&msg, "prog '%s': -- BEGIN PROG LOAD LOG --\n%s-- END PROG LOAD LOG --\n",
		     name, vlog) < 0)
		return false;
	pt_load_log_feed(&probe, msg);
	f = probe.source[0] ? pt_feature_of_source(probe.source) : -1;
	if (f > 0 && (l->off & PT_FEAT_BIT(f))) {
		free(msg);
		return false;
	}
	pt_load_log_feed(capture, msg);
	if (pt_loader_verbosity > 0)
		fputs(msg, stderr);
	free(msg);
	*ret = -EACCES;
	return true;
}

/* The features the user named (-e, --threads, --sched, --signals): one of
 * them the kernel cannot do is an error, not a feature off. */
__u32 pt_loader_required(const struct pt_loader_opts *opts)
{
	__u32 req = PT_FEAT_BIT(PT_FEAT_CORE);

	if (opts->kinds_named)
		req |= pt_features_of_kinds(opts->kinds) & ~PT_FEAT_BIT(PT_FEAT_THREADS);
	if (opts->threads)
		req |= PT_FEAT_BIT(PT_FEAT_THREADS);
	if (opts->sched)
		req |= PT_FEAT_BIT(PT_FEAT_SCHED);
	if (opts->signals_named)
		req |= PT_FEAT_BIT(PT_FEAT_SIGNAL);
	return req;
}

/* The names of kinds, joined by sep, into buf. */
static void kind_names_sep(__u32 kinds, const char *sep, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < PT_KIND_MAX && k < 32 && used < len; k++)
		if (kinds & (1u << k)) {
			int n = snprintf(buf + used, len - used, "%s%s", used ? sep : "",
					 pt_kind_name(k));
			used += n > 0 ? (size_t)n : 0;
		}
}

void pt_loader_kind_names(__u32 kinds, char *buf, size_t len)
{
	kind_names_sep(kinds, ", ", buf, len);
}

/* How the user asked for feature f: "--sched", "-e reparent,rename". */
static void asked_by(const struct pt_loader_opts *opts, int f, char *buf, size_t len)
{
	char kinds[128];

	if (f == PT_FEAT_THREADS || f == PT_FEAT_SCHED) {
		snprintf(buf, len, "%s", f == PT_FEAT_THREADS ? "--threads" : "--sched");
	} else if (f == PT_FEAT_SIGNAL && opts->signals_named) {
		snprintf(buf, len, "--signals");
	} else {
		kind_names_sep(opts->kinds & pt_features[f].kinds, ",", kinds, sizeof(kinds));
		snprintf(buf, len, "-e %s", kinds);
	}
}

/* The features a refusal of program d may be for (none: it cannot be
 * done without): its own feature, sure; for a core program, the feature
 * whose source the verifier's log names last (kernels from 6.x print
 * it), sure; else any other feature it serves now, to be tried one at a
 * time (see pt_loader_load). */
static __u32 blame(const struct pt_loader *l, const struct pt_program_def *d, const char *source,
		   bool *sure)
{
	__u32 serves;
	int f;

	*sure = true;
	if (!d)
		return 0;
	if (d->feature != PT_FEAT_CORE && !(l->off & PT_FEAT_BIT(d->feature)))
		return PT_FEAT_BIT(d->feature);
	serves = pt_features_of_kinds(d->kinds & l->kinds) & ~PT_FEAT_BIT(PT_FEAT_CORE) & ~l->off;
	f = source[0] ? pt_feature_of_source(source) : -1;
	if (f > 0 && (serves & PT_FEAT_BIT(f)))
		return PT_FEAT_BIT(f);
	*sure = false;
	return serves;
}

void pt_loader_set_why(struct pt_loader *l, __u32 mask, const char *fmt, ...)
{
	va_list ap;

	for (int f = 0; f < PT_FEAT_MAX; f++) {
		if (!(mask & PT_FEAT_BIT(f)))
			continue;
		va_start(ap, fmt);
		vsnprintf(l->why[f], sizeof(l->why[f]), fmt, ap);
		va_end(ap);
	}
	l->off |= mask;
}

static void load_facts(const struct pt_loader *l, const struct pt_load_log *log,
		       struct pt_load_facts *facts)
{
	struct rlimit lim = { RLIM_INFINITY, RLIM_INFINITY };

	getrlimit(RLIMIT_MEMLOCK, &lim);
	facts->release = l->release;
	facts->privileged = pt_loader_privileged();
	facts->memlock = lim.rlim_cur == RLIM_INFINITY ? ~0ull : lim.rlim_cur;
	facts->map = log->map[0] ? log->map : NULL;
}

/* A feature switched off on trial: a refusal that may be for one of
 * several features a program serves. The same refusal again means it was
 * not that one (back on, the next tried); another, or none, that it was. */
struct trial {
	__u32 bit;   /* the feature off on trial; 0: none */
	__u32 tried; /* those tried for this refusal, not it */
	char prog[64], error[256];
};

static void trial_settle(struct pt_loader *l, struct trial *t, const struct pt_load_log *log)
{
	if (!t->bit)
		return;
	if (log && !strcmp(log->prog, t->prog) && !strcmp(log->error, t->error)) {
		l->off &= ~t->bit;
		t->tried |= t->bit;
	} else {
		pt_loader_set_why(l, t->bit, "the verifier refused %s: %s", t->prog,
				  t->error[0] ? t->error : "no log");
		t->tried = 0;
	}
	t->bit = 0;
}

static int refused(struct pt_loader *l, const struct pt_loader_opts *opts, __u32 required,
		   const struct pt_load_log *log, __u32 mask, char *err, size_t errlen)
{
	int f = mask & required ? __builtin_ctz(mask & required) : PT_FEAT_CORE;
	char option[160];
	struct pt_refusal r = {
		.release = l->release,
		.prog = log->prog,
		.error = log->error,
		.feature = pt_features[f].name,
		.option = f == PT_FEAT_CORE ? NULL : option,
	};

	asked_by(opts, f, option, sizeof(option));
	pt_msg_refused(err, errlen, &r);
	return -EACCES;
}

/* Features off, one refused program at a time, until the rest loads:
 * each try is a whole load of the object (libbpf loads all of it or
 * nothing), so it costs only where the kernel refuses something. The
 * required features (pt_loader_required) cannot go off. */
#define MAX_TRIES (2 * PT_FEAT_MAX)

int pt_loader_load(struct pt_loader *l, const struct pt_loader_opts *opts, __u32 required,
		   char *err, size_t errlen)
{
	struct trial t = { 0 };
	int ret = 0, tries;

	for (tries = 0; tries < MAX_TRIES; tries++) {
		struct pt_load_log log = { 0 };
		struct pt_load_facts facts;
		const struct pt_program_def *d;
		__u32 mask, optional;
		bool sure;

		proctrace_bpf__destroy(l->skel);
		l->skel = proctrace_bpf__open();
		if (!l->skel) {
			ret = -errno;
			set_err(err, errlen, "cannot open the BPF object: %s", strerror(errno));
			return ret;
		}
		ret = pt_loader_configure(l, opts);
		if (ret) {
			set_err(err, errlen, "cannot configure the BPF object: %s",
				ret == -ENOENT ? "one of its programs is in no feature (a build "
						 "error: src/source/programs.c)"
					       : strerror(-ret));
			return ret;
		}
		capture = &log;
		if (!fault_refuses(l, &ret))
			ret = proctrace_bpf__load(l->skel);
		capture = NULL;
		if (l->fault && !strcmp(l->fault, "memlock")) {
			/* A 5.10 kernel's refusal of the ring buffer's map, its
			 * locked-memory limit spent (docs/loading.md). */
			snprintf(log.map, sizeof(log.map), "events");
			ret = -EPERM;
		}
		trial_settle(l, &t, ret ? &log : NULL);
		if (!ret)
			return 0;
		load_facts(l, &log, &facts);
		if (l->fault && !strcmp(l->fault, "memlock")) {
			facts.release = "5.10.0-fault";
			facts.privileged = true;
		}
		d = log.prog[0] && facts.privileged ? pt_program_find(log.prog) : NULL;
		if (!d) {
			pt_msg_load_failed(err, errlen, -ret, &facts);
			return ret;
		}
		mask = blame(l, d, log.source, &sure) & ~t.tried;
		optional = mask & ~required;
		if (!optional)
			return refused(l, opts, required, &log, mask, err, errlen);
		if (sure || !(optional & (optional - 1))) {
			pt_loader_set_why(l, optional, "the verifier refused %s: %s", log.prog,
					  log.error[0] ? log.error : "no log");
			continue;
		}
		/* Several: the last of the table first. */
		t.bit = 1u << (31 - __builtin_clz(optional));
		snprintf(t.prog, sizeof(t.prog), "%s", log.prog);
		snprintf(t.error, sizeof(t.error), "%s", log.error);
		l->off |= t.bit;
	}
	set_err(err, errlen, "cannot load the BPF programs after %d tries: %s", tries,
		strerror(-ret));
	return ret;
}
