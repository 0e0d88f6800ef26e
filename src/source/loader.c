// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Open and attach; close: the BPF object's options for what is recorded,
 * each program attached on its own, the features that --version reports. */
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "proctrace/descendants.h"
#include "proctrace/decode.h"
#include "proctrace/sched.h"
#include "loader_int.h"

/* Syscall tracepoints are found through tracefs, which a minimal system
 * may not have mounted: mounted here. 0, or mount's -errno. */
static int ensure_tracefs(const struct pt_loader *l)
{
	if (l->fault && !strcmp(l->fault, "tracefs"))
		return -EPERM;
	if (access("/sys/kernel/tracing/events", F_OK) == 0 ||
	    access("/sys/kernel/debug/tracing/events", F_OK) == 0)
		return 0;
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL))
		return -errno;
	return 0;
}
static void configure_filter(struct proctrace_bpf *skel, const struct pt_loader_opts *opts)
{
	const struct pt_filter *f = opts->filter;

	if (!f)
		return;
	skel->rodata->follow_pids = f->n_pids > 0 || opts->command_pid;
	/* The same struct on both sides (filter_rules.h). */
	memcpy((void *)&skel->rodata->filter, f, sizeof(*f));
}

#define KIND(k) (1u << (k))
#define SCHED_KINDS (KIND(PT_SCHED_STATE) | KIND(PT_SCHED_SUM))

/* Which of the names the kernel's BTF holds in its string table (found[i]
 * for names[i]), as a type's or an enumerator's name: the BTF tracepoint
 * sched_prepare_exec is there when its typedef btf_trace_sched_prepare_exec
 * is, the helper bpf_loop() when the enumerator BPF_FUNC_loop is. Read raw,
 * not parsed: libbpf parses these megabytes again for the load, and a parse
 * of its own here cost the start as much again (docs/loading.md). */
static bool pread_all(int fd, void *buf, size_t len, off_t off)
{
	/* sysfs gives a page a read. */
	for (size_t got = 0; got < len;) {
		ssize_t r = pread(fd, (char *)buf + got, len - got, off + (off_t)got);

		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

static void kernel_btf_names(const char *const names[], bool found[], int n)
{
	struct btf_header h;
	char want[128], *str = NULL;
	int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);

	for (int i = 0; i < n; i++)
		found[i] = false;
	if (fd < 0)
		return;
	if (pread_all(fd, &h, sizeof(h), 0) && h.magic == BTF_MAGIC &&
	    (str = malloc((size_t)h.str_len + 1)) &&
	    pread_all(fd, str, h.str_len, (off_t)h.hdr_len + h.str_off)) {
		str[h.str_len] = '\0';
		/* A whole name: between two NULs (the table begins with one). */
		for (int i = 0; i < n; i++) {
			int len = snprintf(want, sizeof(want), "%c%s", '\0', names[i]);

			found[i] = len > 0 && len < (int)sizeof(want) &&
				memmem(str, h.str_len + 1, want, (size_t)len + 1);
		}
	}
	free(str);
	close(fd);
}

/* A program that serves none of the kinds recorded is not loaded, so it
 * costs nothing; the syscall tracepoints, which put every system call of
 * every process on the kernel's slow path, are among them. The follow set
 * (-p, COMMAND) needs the fork and the free whatever is recorded. A
 * program of a feature off is not loaded (programs.h). */
static int select_programs(struct pt_loader *l, bool follow)
{
	static const char *const names[] = { "btf_trace_" PT_TP_BTF_OPTIONAL, "BPF_FUNC_loop" };
	struct bpf_program *prog;
	bool has[2], reparent;

	bpf_object__for_each_program(prog, l->skel->obj)
	{
		const struct pt_program_def *d = pt_program_find(bpf_program__name(prog));
		bool on;

		/* A program in no feature could be neither chosen nor blamed. */
		if (!d)
			return -ENOENT;
		on = (d->kinds & l->kinds) && !(l->off & PT_FEAT_BIT(d->feature));
		bpf_program__set_autoload(prog, on || (d->follow && follow));
		/* -vvv: the verifier's statistics of each program (instructions
		 * processed, time), which libbpf prints in its debug log. */
		if (pt_loader_verbosity >= 3)
			bpf_program__set_log_level(prog, 4);
	}
	kernel_btf_names(names, has, 2);
	/* Linux >= 6.10: elsewhere a failed exec's path is the caller's alone. */
	if ((l->kinds & KIND(PT_EXEC_FAILED)) && !has[0])
		bpf_program__set_autoload(l->skel->progs.handle_prepare_exec, false);
	/* Linux >= 5.17: the reparent walks through bpf_loop(), verified in a
	 * fraction of the time (reparent.bpf.h); one of the two programs. */
	reparent = bpf_program__autoload(l->skel->progs.handle_reparent);
	bpf_program__set_autoload(l->skel->progs.handle_reparent, reparent && !has[1]);
	bpf_program__set_autoload(l->skel->progs.handle_reparent_loop, reparent && has[1]);
	return 0;
}

static int seed_one(void *ctx, __u32 pid)
{
	const struct pt_loader *l = ctx;
	__u64 any_start = 0; /* the kernel side's mark for a seeded pid */

	return bpf_map_update_elem(bpf_map__fd(l->skel->maps.followed), &pid, &any_start, BPF_ANY)
		? -errno
		: 0;
}

/* Seed the followed set before attaching, so nothing of theirs is missed:
 * the -p pids, the descendants they have now, a command's pid. */
static int seed_followed(struct pt_loader *l, const struct pt_loader_opts *opts)
{
	const struct pt_filter *f = opts->filter;
	int err = opts->command_pid ? seed_one(l, opts->command_pid) : 0;

	for (unsigned i = 0; f && i < f->n_pids && !err; i++)
		err = seed_one(l, f->pids[i]);
	if (!err && f && f->n_pids)
		err = pt_descendants_each(f->pids, f->n_pids, seed_one, l);
	return err;
}

/* Whether sched_switch passes the previous task's state (5.18 and later:
 * `unsigned int prev_state` after next), from the kernel's BTF. */
static bool switch_passes_prev_state(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_type *t;
	bool yes = false;
	int id;

	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, "btf_trace_sched_switch", BTF_KIND_TYPEDEF);
	t = id > 0 ? btf__type_by_id(btf, btf__type_by_id(btf, id)->type) : NULL;
	t = t && btf_is_ptr(t) ? btf__type_by_id(btf, t->type) : NULL;
	yes = t && btf_is_func_proto(t) && btf_vlen(t) >= 5;
	btf__free(btf);
	return yes;
}

/* The sched maps exist only with --sched: task storage needs 5.11, and a
 * thread not followed should cost nothing. */
static int configure_sched(struct pt_loader *l, const struct pt_loader_opts *opts)
{
	struct proctrace_bpf *skel = l->skel;
	bool on = opts->sched && !(l->off & PT_FEAT_BIT(PT_FEAT_SCHED));
	int err;

	err = bpf_map__set_autocreate(skel->maps.sched_tasks, on);
	err = err ?: bpf_map__set_autocreate(skel->maps.sched_procs, on);
	err = err ?: bpf_map__set_autocreate(skel->maps.sched_stamps, on);
	if (err || !on)
		return err;
	skel->rodata->sched_on = true;
	skel->rodata->sched_events = opts->sched_events;
	skel->rodata->switch_has_prev_state = switch_passes_prev_state();
	return 0;
}

int pt_loader_configure(struct pt_loader *l, const struct pt_loader_opts *opts)
{
	struct proctrace_bpf *skel = l->skel;
	__u64 ring = (__u64)opts->ringbuf_kb * 1024;
	int err;

	configure_filter(skel, opts);
	/* The scheduler's rows are asked for by --sched, not -e. */
	l->kinds = (opts->kinds ? opts->kinds : ~0u) & ~SCHED_KINDS;
	if (opts->sched)
		l->kinds |= SCHED_KINDS;
	l->wanted = l->kinds;
	/* A feature off: its kinds are not even looked at, so the verifier
	 * does not see its code in the programs it shares (the branches on
	 * read-only data it knows are never taken). */
	l->kinds &= ~pt_features_kinds(l->off);
	skel->rodata->want_kinds = l->kinds;
	skel->rodata->want_signals = opts->signals ? opts->signals : ~0ull;
	skel->rodata->trace_threads = opts->threads && !(l->off & PT_FEAT_BIT(PT_FEAT_THREADS));
	skel->rodata->page_kb = sysconf(_SC_PAGESIZE) / 1024;
	skel->rodata->wakeup_bytes = ring / 8;
	err = select_programs(l, skel->rodata->follow_pids);
	err = err ?: configure_sched(l, opts);
	err = err ?: bpf_map__set_max_entries(skel->maps.events, ring);
	err = err ?: bpf_map__set_max_entries(skel->maps.scratch, l->ncpus);
	/* Hash maps are allocated whole when created: those nothing will use
	 * (the follow set without -p or a COMMAND, the zombies without
	 * reaps) get one entry, and the start is shorter by their size. */
	if (!err && !skel->rodata->follow_pids)
		err = bpf_map__set_max_entries(skel->maps.followed, 1);
	if (!err && !(l->kinds & KIND(PT_REAP)))
		err = bpf_map__set_max_entries(skel->maps.zombies, 1)
			?: bpf_map__set_max_entries(skel->maps.zombie_alias, 1);
	return err ?: pt_map_room_configure(l);
}

/* What attach_prog tells of a program that could not attach. */
static int attach_failed(struct pt_loader *l, const struct pt_program_def *d, __u32 required,
			 int ret, char *err, size_t errlen)
{
	__u32 bit = PT_FEAT_BIT(d->feature);

	if (bit & required) {
		set_err(err, errlen, "cannot attach BPF program %s (of %s) on this kernel (%s): %s",
			d->name, pt_features[d->feature].name, l->release, strerror(-ret));
		return ret;
	}
	pt_loader_set_why(l, bit, "%s could not attach: %s", d->name, strerror(-ret));
	/* Its programs attached already are detached; kinds others make
	 * for it are dropped (pt_loader_ring_event). */
	for (size_t i = 0; i < pt_n_programs; i++) {
		const struct pt_program_def *o = &pt_programs[i];
		int s;

		if (o->feature != d->feature)
			continue;
		for (s = 0; s < l->skel->skeleton->prog_cnt; s++)
			if (!strcmp(l->skel->skeleton->progs[s].name, o->name)) {
				bpf_link__destroy(*l->skel->skeleton->progs[s].link);
				*l->skel->skeleton->progs[s].link = NULL;
			}
	}
	l->kinds &= ~pt_features[d->feature].kinds;
	return 0;
}

/* Each program on its own, so that one that cannot attach turns its
 * feature off alone. Iterators are attached when run. */
static int attach(struct pt_loader *l, const struct pt_loader_opts *opts, char *err, size_t errlen)
{
	const struct bpf_object_skeleton *s = l->skel->skeleton;
	__u32 required = pt_loader_required(opts);
	int i, ret;

	for (i = 0; i < s->prog_cnt; i++) {
		struct bpf_program *prog = *s->progs[i].prog;
		const struct pt_program_def *d = pt_program_find(s->progs[i].name);
		struct bpf_link *link;

		if (!bpf_program__autoload(prog) || !d ||
		    !strncmp(bpf_program__section_name(prog), "iter/", 5) ||
		    (l->off & PT_FEAT_BIT(d->feature)))
			continue;
		if (l->fault && !strncmp(l->fault, "attach:", 7) &&
		    !strcmp(l->fault + 7, d->name)) {
			link = NULL;
			errno = ENOENT;
		} else {
			link = bpf_program__attach(prog);
		}
		if (!link) {
			ret = attach_failed(l, d, required, -errno, err, errlen);
			if (ret)
				return ret;
			continue;
		}
		*s->progs[i].link = link;
	}
	return 0;
}

static int loader_new(struct pt_loader **out, const struct pt_loader_opts *opts, char *err,
		      size_t errlen)
{
	struct pt_loader *l = calloc(1, sizeof(*l));
	struct utsname u;

	if (!l) {
		set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	pt_loader_verbosity = opts->verbose;
	libbpf_set_print(pt_loader_libbpf_log);
	l->fault = getenv("PROCTRACE_FAULT");
	snprintf(l->release, sizeof(l->release), "%s", uname(&u) == 0 ? u.release : "unknown");
	l->ncpus = libbpf_num_possible_cpus();
	if (l->ncpus <= 0) {
		int ret = l->ncpus ? l->ncpus : -EINVAL;

		set_err(err, errlen, "cannot count CPUs: %s", strerror(-ret));
		free(l);
		return ret;
	}
	*out = l;
	if ((l->fault && !strcmp(l->fault, "nobtf")) || access("/sys/kernel/btf/vmlinux", R_OK)) {
		set_err(err, errlen,
			"this kernel (%s) has no BTF (/sys/kernel/btf/vmlinux): "
			"proctrace needs Linux >= 5.8 built with CONFIG_DEBUG_INFO_BTF",
			l->release);
		return -ENOTSUP;
	}
	if (opts->sched && libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) <= 0) {
		set_err(err, errlen,
			"--sched needs BPF task storage, which this kernel (%s) lacks (Linux >= 5.11)",
			l->release);
		return -ENOTSUP;
	}
	return 0;
}

int pt_loader_open(struct pt_loader **out, const struct pt_loader_opts *opts, pt_event_fn fn,
		   void *ctx, char *err, size_t errlen)
{
	struct pt_loader *l = NULL;
	__u64 t0, t1;
	int ret;

	ret = loader_new(&l, opts, err, errlen);
	if (ret)
		goto fail;
	l->fn = fn;
	l->ctx = ctx;
	l->per_cpu = calloc(l->ncpus, sizeof(*l->per_cpu));
	if (!l->per_cpu) {
		ret = -ENOMEM;
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	l->sched = opts->sched;
	t0 = pt_boottime_ns();
	ret = pt_loader_load(l, opts, pt_loader_required(opts), err, errlen);
	if (ret)
		goto fail;
	t1 = pt_boottime_ns();
	ret = seed_followed(l, opts);
	if (ret) {
		set_err(err, errlen, "cannot set the followed processes: %s", strerror(-ret));
		goto fail;
	}
	ret = pt_map_room_fill(l);
	if (ret) {
		set_err(err, errlen, "cannot fill the maps (PROCTRACE_FAULT): %s", strerror(-ret));
		goto fail;
	}
	ret = ensure_tracefs(l);
	if (ret) {
		pt_msg_tracefs(err, errlen, -ret);
		goto fail;
	}
	ret = attach(l, opts, err, errlen);
	if (ret)
		goto fail;
	l->rb = ring_buffer__new(bpf_map__fd(l->skel->maps.events), pt_loader_ring_event, l, NULL);
	if (!l->rb) {
		ret = -errno;
		set_err(err, errlen, "cannot open the ring buffer: %s", strerror(errno));
		goto fail;
	}
	ret = pt_loader_map_positions(l);
	if (ret) {
		set_err(err, errlen, "cannot map the ring buffer's positions: %s", strerror(-ret));
		goto fail;
	}
	/* What the start costs: the load is mostly the kernel's verifier. */
	if (pt_loader_verbosity > 0)
		fprintf(stderr, "proctrace: BPF programs loaded in %llu ms, attached in %llu ms\n",
			(unsigned long long)(t1 - t0) / 1000000,
			(unsigned long long)(pt_boottime_ns() - t1) / 1000000);
	*out = l;
	return 0;
fail:
	pt_loader_close(l);
	return ret;
}

__u32 pt_loader_off(const struct pt_loader *l, __u32 said, char *line, size_t len)
{
	char names[128], kinds[256];
	__u32 mask = 0;
	int first = -1;

	for (int f = 0; f < PT_FEAT_MAX; f++) {
		if (!(l->off & ~said & PT_FEAT_BIT(f)))
			continue;
		if (first < 0)
			first = f;
		/* Features off by one refusal share a line. */
		if (!strcmp(l->why[f], l->why[first]))
			mask |= PT_FEAT_BIT(f);
	}
	if (!mask)
		return 0;
	pt_features_names(mask, names, sizeof(names));
	pt_loader_kind_names(pt_features_kinds(mask) & l->wanted, kinds, sizeof(kinds));
	/* Not asked for (-e), but the exit's cause by a signal is its. */
	if (!kinds[0])
		snprintf(kinds, sizeof(kinds), "%s",
			 mask & PT_FEAT_BIT(PT_FEAT_SIGNAL) ? "the sender of a fatal signal"
							    : "their part of the other kinds");
	pt_msg_feature_off(line, len, names, kinds, l->release, l->why[first]);
	return mask;
}

int pt_loader_probe_features(struct pt_feature_state out[PT_FEAT_MAX], int verbose)
{
	struct pt_loader_opts opts = {
		.threads = true,
		.ringbuf_kb = 64,
		.sched_events = true,
		.verbose = verbose,
	};
	struct pt_loader *l = NULL;
	char err[PT_WHY_MAX] = "";
	int ret;

	memset(out, 0, sizeof(*out) * PT_FEAT_MAX);
	if (!pt_loader_privileged()) {
		for (int f = 0; f < PT_FEAT_MAX; f++)
			out[f].state = PT_FEATURE_UNKNOWN;
		return 0;
	}
	/* Task storage is probed apart (loader_new): no --sched without it. */
	opts.sched = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) > 0;
	ret = loader_new(&l, &opts, err, sizeof(err));
	/* The load that tracing does, with every feature asked for and none
	 * required but the core; never attached. */
	if (!ret)
		ret = pt_loader_load(l, &opts, PT_FEAT_BIT(PT_FEAT_CORE), err, sizeof(err));
	for (int f = 0; f < PT_FEAT_MAX; f++) {
		struct pt_feature_state *o = &out[f];

		if (ret) {
			o->state = f == PT_FEAT_CORE ? PT_FEATURE_OFF : PT_FEATURE_UNKNOWN;
			snprintf(o->why, sizeof(o->why), "%s",
				 f == PT_FEAT_CORE ? err : "the core did not load");
		} else if (f == PT_FEAT_SCHED && !opts.sched) {
			o->state = PT_FEATURE_OFF;
			snprintf(o->why, sizeof(o->why), "no BPF task storage (Linux >= 5.11)");
		} else if (l->off & PT_FEAT_BIT(f)) {
			o->state = PT_FEATURE_OFF;
			snprintf(o->why, sizeof(o->why), "%s", l->why[f]);
		} else {
			o->state = PT_FEATURE_WORKS;
		}
	}
	pt_loader_close(l);
	return 0;
}

void pt_loader_close(struct pt_loader *l)
{
	if (!l)
		return;
	ring_buffer__free(l->rb);
	if (l->consumer_pos)
		munmap((void *)l->consumer_pos, l->pos_len);
	bpf_link__destroy(l->snap_link);
	proctrace_bpf__destroy(l->skel);
	free(l->gone);
	free(l->per_cpu);
	free(l);
}

int pt_loader_programs(void (*fn)(void *ctx, const char *section), void *ctx)
{
	struct proctrace_bpf *skel;
	struct bpf_program *prog;

	pt_loader_verbosity = 0;
	libbpf_set_print(pt_loader_libbpf_log);
	skel = proctrace_bpf__open();
	if (!skel)
		return -errno;
	for (prog = bpf_object__next_program(skel->obj, NULL); prog;
	     prog = bpf_object__next_program(skel->obj, prog))
		fn(ctx, bpf_program__section_name(prog));
	proctrace_bpf__destroy(skel);
	return 0;
}
