// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Load, attach, poll: the only file that knows the skeleton. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "proctrace/decode.h"
#include "proctrace/loader.h"
#include "proctrace/sched.h"
/* The BPF side calls struct pt_filter proctrace_filter (the kernel has a
 * pt_filter of its own): the skeleton's rodata holds the very same struct. */
#define proctrace_filter pt_filter
#include "proctrace.skel.h"

/* Records handed out per read of the ring: under a storm that never lets
 * the ring empty, the reader still comes back between batches to check for
 * Ctrl-C, the duration and its outputs. */
#define BATCH_EVENTS 4096
/* What ring_event returns to end a batch: never a callback's own error. */
#define BATCH_FULL (-EINPROGRESS)

struct pt_loader {
	struct proctrace_bpf *skel;
	struct ring_buffer *rb;
	pt_event_fn fn;
	void *ctx;
	int ncpus;
	unsigned batch;	 /* records handed out in this batch */
	bool more;	 /* the last batch was cut short: more is waiting */
	__u64 *per_cpu;	 /* ncpus values of one per-CPU map entry */
	__u64 walked_ns; /* last walk of the zombies map (reap_unclaimed) */
	bool sched;	 /* the sched programs are loaded */
	/* The snapshot's iterator, attached at the first snapshot while
	 * privileged and kept, so a rescan after lost events needs no
	 * privilege but the descriptor. */
	struct bpf_link *snap_link;
	size_t ring_records; /* at most this many records fit in the ring */
	__u32 kinds;	     /* recorded kinds, bit 1 << kind */
};

static int verbosity;

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (verbosity <= 0 || (level == LIBBPF_DEBUG && verbosity < 2))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Syscall tracepoints are found through tracefs, which a minimal system
 * may not have mounted. */
static void ensure_tracefs(void)
{
	if (access("/sys/kernel/tracing/events", F_OK) == 0 ||
	    access("/sys/kernel/debug/tracing/events", F_OK) == 0)
		return;
	mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
}

static int ring_event(void *ctx, void *data, size_t size)
{
	struct pt_loader *l = ctx;
	const struct pt_event *ev = data;
	int ret;

	/* The record size is what the BPF side declared: a mismatch would
	 * mean a broken build, not something to read past. */
	if (size < sizeof(*ev) || ev->size > size)
		return 0;
	/* A kind not asked for that a program still made (one that does not
	 * know -e yet) is dropped here, so that -e holds for every kind. */
	if (ev->kind < 32 && ev->kind != PT_SNAPSHOT && !(l->kinds & (1u << ev->kind)))
		return 0;
	ret = l->fn(l->ctx, ev);
	if (!ret && ++l->batch >= BATCH_EVENTS)
		ret = BATCH_FULL;
	return ret;
}

static void describe_load_error(int err, char *buf, size_t len)
{
	if (err == -EPERM || err == -EACCES)
		set_err(buf, len,
			"permission denied loading BPF programs: run as root "
			"(sudo proctrace) or with CAP_BPF and CAP_PERFMON");
	else
		set_err(buf, len,
			"cannot load the BPF programs: %s (run with -v for the "
			"verifier's log)",
			strerror(-err));
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

/* The kinds each program serves. One that serves none of the kinds asked
 * for is not loaded, so it costs nothing; the syscall tracepoints, which
 * put every system call of every process on the kernel's slow path, are
 * among them. The follow set (-p, COMMAND) needs the fork and the free
 * whatever is recorded. Programs not listed here are always loaded. */
static void select_programs(struct proctrace_bpf *skel, __u32 kinds, bool follow)
{
	const __u32 signals = KIND(PT_SIGNAL) | KIND(PT_STOP) | KIND(PT_CONTINUE);
	const __u32 reap = KIND(PT_REAP);
	const __u32 exit = KIND(PT_EXIT);
	const __u32 reparent = KIND(PT_REPARENT);
	const struct {
		struct bpf_program *prog;
		__u32 kinds;
		bool follow;
	} progs[] = {
		{ skel->progs.handle_fork, KIND(PT_FORK) | KIND(PT_THREAD) | reap, true },
		{ skel->progs.handle_exec, KIND(PT_EXEC), false },
		{ skel->progs.handle_exit, KIND(PT_EXIT) | reap, false },
		{ skel->progs.handle_reparent, reparent, false },
		{ skel->progs.handle_oom_victim, exit, false },
		{ skel->progs.handle_execve_enter, KIND(PT_EXEC_FAILED), false },
		{ skel->progs.handle_execveat_enter, KIND(PT_EXEC_FAILED), false },
		{ skel->progs.handle_execve_exit, KIND(PT_EXEC_FAILED), false },
		{ skel->progs.handle_execveat_exit, KIND(PT_EXEC_FAILED), false },
		{ skel->progs.handle_free, reap, true },
		{ skel->progs.handle_wait4_exit, reap, false },
		{ skel->progs.handle_waitid_enter, reap, false },
		{ skel->progs.handle_waitid_exit, reap, false },
		/* An exit's cause is the fatal signal noted at generation,
		 * unless a handler took it at delivery. */
		{ skel->progs.handle_signal_generate, signals | exit, false },
		{ skel->progs.handle_signal_deliver, KIND(PT_STOP) | KIND(PT_CONTINUE) | exit,
		  false },
		{ skel->progs.handle_sigqueue_enter, signals, false },
		{ skel->progs.handle_sigqueue_exit, signals, false },
		{ skel->progs.handle_tgsigqueue_enter, signals, false },
		{ skel->progs.handle_tgsigqueue_exit, signals, false },
		{ skel->progs.handle_pidfd_signal_enter, signals, false },
		{ skel->progs.handle_pidfd_signal_exit, signals, false },
		{ skel->progs.handle_setpgid_enter, KIND(PT_SETPGID), false },
		{ skel->progs.handle_setpgid_exit, KIND(PT_SETPGID), false },
		{ skel->progs.handle_setsid_enter, KIND(PT_SETSID), false },
		{ skel->progs.handle_setsid_exit, KIND(PT_SETSID), false },
		{ skel->progs.handle_rename, KIND(PT_RENAME), false },
		{ skel->progs.handle_unshare_enter, KIND(PT_UNSHARE), false },
		{ skel->progs.handle_unshare_exit, KIND(PT_UNSHARE), false },
		{ skel->progs.handle_setns_enter, KIND(PT_SETNS), false },
		{ skel->progs.handle_setns_exit, KIND(PT_SETNS), false },
	};

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		bpf_program__set_autoload(progs[i].prog,
					  (progs[i].kinds & kinds) || (progs[i].follow && follow));
}

/* Seed the followed set before attaching, so nothing of theirs is missed. */
static int seed_followed(struct pt_loader *l, const struct pt_loader_opts *opts)
{
	int fd = bpf_map__fd(l->skel->maps.followed);
	__u64 any_start = 0; /* the kernel side's mark for a seeded pid */
	unsigned i;

	if (opts->command_pid && bpf_map_update_elem(fd, &opts->command_pid, &any_start, BPF_ANY))
		return -errno;
	for (i = 0; opts->filter && i < opts->filter->n_pids; i++)
		if (bpf_map_update_elem(fd, &opts->filter->pids[i], &any_start, BPF_ANY))
			return -errno;
	return 0;
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

/* The sched programs and maps exist only with --sched: task storage needs
 * 5.11, and a thread not followed should cost nothing. */
static int configure_sched(struct proctrace_bpf *skel, const struct pt_loader_opts *opts)
{
	struct bpf_program *progs[] = {
		skel->progs.sched_switch, skel->progs.sched_wakeup, skel->progs.sched_wakeup_new,
		skel->progs.sched_exec,	  skel->progs.sched_exit,   skel->progs.sched_final,
	};
	size_t i;
	int err = 0;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]) && !err; i++)
		err = bpf_program__set_autoload(progs[i], opts->sched);
	err = err ?: bpf_map__set_autocreate(skel->maps.sched_tasks, opts->sched);
	err = err ?: bpf_map__set_autocreate(skel->maps.sched_procs, opts->sched);
	if (err || !opts->sched)
		return err;
	skel->rodata->sched_on = true;
	skel->rodata->sched_events = opts->sched_events;
	skel->rodata->switch_has_prev_state = switch_passes_prev_state();
	return 0;
}

static int configure(struct pt_loader *l, const struct pt_loader_opts *opts)
{
	struct proctrace_bpf *skel = l->skel;
	__u64 ring = (__u64)opts->ringbuf_kb * 1024;
	int err;

	configure_filter(skel, opts);
	/* The scheduler's rows are asked for by --sched, not -e. */
	l->kinds = (opts->kinds ? opts->kinds : ~0u) | KIND(PT_SCHED_STATE) | KIND(PT_SCHED_SUM);
	skel->rodata->want_kinds = l->kinds;
	skel->rodata->want_signals = opts->signals ? opts->signals : ~0ull;
	select_programs(skel, l->kinds, skel->rodata->follow_pids);
	skel->rodata->trace_threads = opts->threads;
	skel->rodata->page_kb = sysconf(_SC_PAGESIZE) / 1024;
	skel->rodata->wakeup_bytes = ring / 8;
	l->ring_records = ring / sizeof(struct pt_event);
	err = bpf_map__set_max_entries(skel->maps.events, ring);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.scratch, l->ncpus);
	return err;
}

int pt_loader_open(struct pt_loader **out, const struct pt_loader_opts *opts, pt_event_fn fn,
		   void *ctx, char *err, size_t errlen)
{
	struct pt_loader *l;
	int ret;

	verbosity = opts->verbose;
	libbpf_set_print(libbpf_log);
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		set_err(err, errlen,
			"this kernel has no BTF (/sys/kernel/btf/vmlinux): "
			"proctrace needs Linux >= 5.8 built with CONFIG_DEBUG_INFO_BTF");
		return -ENOTSUP;
	}
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->fn = fn;
	l->ctx = ctx;
	l->ncpus = libbpf_num_possible_cpus();
	if (l->ncpus <= 0) {
		ret = l->ncpus ? l->ncpus : -EINVAL;
		set_err(err, errlen, "cannot count CPUs: %s", strerror(-ret));
		goto fail;
	}
	l->per_cpu = calloc(l->ncpus, sizeof(*l->per_cpu));
	if (!l->per_cpu) {
		ret = -ENOMEM;
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	l->skel = proctrace_bpf__open();
	if (!l->skel) {
		ret = -errno;
		set_err(err, errlen, "cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	if (opts->sched && libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) <= 0) {
		ret = -ENOTSUP;
		set_err(err, errlen,
			"--sched needs BPF task storage, which this kernel lacks (Linux >= 5.11)");
		goto fail;
	}
	l->sched = opts->sched;
	ret = configure_sched(l->skel, opts);
	if (ret) {
		set_err(err, errlen, "cannot configure the scheduler programs: %s", strerror(-ret));
		goto fail;
	}
	ret = configure(l, opts);
	if (ret) {
		set_err(err, errlen, "invalid ring buffer size %u KiB: %s", opts->ringbuf_kb,
			strerror(-ret));
		goto fail;
	}
	ret = proctrace_bpf__load(l->skel);
	if (ret) {
		describe_load_error(ret, err, errlen);
		goto fail;
	}
	ret = seed_followed(l, opts);
	if (ret) {
		set_err(err, errlen, "cannot set the followed processes: %s", strerror(-ret));
		goto fail;
	}
	ensure_tracefs();
	ret = proctrace_bpf__attach(l->skel);
	if (ret) {
		set_err(err, errlen, "cannot attach the BPF programs: %s%s", strerror(-ret),
			ret == -ENOENT ? " (is tracefs mounted at /sys/kernel/tracing?)" : "");
		goto fail;
	}
	l->rb = ring_buffer__new(bpf_map__fd(l->skel->maps.events), ring_event, l, NULL);
	if (!l->rb) {
		ret = -errno;
		set_err(err, errlen, "cannot open the ring buffer: %s", strerror(errno));
		goto fail;
	}
	*out = l;
	return 0;
fail:
	pt_loader_close(l);
	return ret;
}

/* The iterator's output is a stream of whole pt_event records. */
static int deliver_snapshot(struct pt_loader *l, int fd)
{
	char buf[64 * sizeof(struct pt_event)];
	size_t have = 0;
	ssize_t n;
	int ret;

	for (;;) {
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		have += n;
		size_t off = 0;
		while (have - off >= sizeof(struct pt_event)) {
			struct pt_event ev;

			memcpy(&ev, buf + off, sizeof(ev));
			ret = l->fn(l->ctx, &ev);
			if (ret)
				return ret;
			off += sizeof(ev);
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
}

/* Run a task iterator, attached as *link (attached now if NULL; kept
 * there unless keep is NULL); its output, if any, goes to deliver. */
static int run_iter(struct pt_loader *l, struct bpf_program *prog, struct bpf_link **keep,
		    int (*deliver)(struct pt_loader *, int), char *err, size_t errlen)
{
	struct bpf_link *link = keep ? *keep : NULL;
	int fd, ret;

	if (!link)
		link = bpf_program__attach_iter(prog, NULL);
	if (!link) {
		ret = -errno;
		set_err(err, errlen, "cannot attach the task iterator: %s", strerror(errno));
		return ret;
	}
	if (keep)
		*keep = link;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		ret = -errno;
		set_err(err, errlen, "cannot start the task iterator: %s", strerror(errno));
	} else {
		ret = deliver(l, fd);
		if (ret < 0)
			set_err(err, errlen, "reading the process snapshot: %s", strerror(-ret));
		close(fd);
	}
	if (!keep)
		bpf_link__destroy(link);
	return ret;
}

int pt_loader_snapshot(struct pt_loader *l, char *err, size_t errlen)
{
	/* With --sched it also starts counting every followed thread, in the
	 * state it is in; those records come through the ring buffer. */
	l->skel->bss->init_done = false;
	return run_iter(l, l->skel->progs.snapshot_tasks, &l->snap_link, deliver_snapshot, err,
			errlen);
}

bool pt_loader_followed(struct pt_loader *l, __u32 pid, __u64 start_ns)
{
	__u64 start;

	if (bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.followed), &pid, &start))
		return false;
	return start == 0 || start == start_ns;
}

/* How long a freed zombie waits for its reaper's wait() to return before
 * it is reported as released at its free: far beyond the RCU delay that
 * separates the release in wait() from the free. */
#define UNCLAIMED_GRACE_NS 500000000ull

static int report_unclaimed(struct pt_loader *l, const struct pt_zombie *z)
{
	struct pt_event ev = {
		.kind = PT_REAP,
		.flags = PT_F_REAP_AT_FREE,
		.size = sizeof(ev),
		.task = z->task,
		.by = z->reaper,
	};

	if (!z->reaper.pid)
		ev.flags = PT_F_REAPER_UNKNOWN | PT_F_NO_ACTOR;
	ev.task.ts_ns = z->freed_ns;
	ev.task.state = PT_STATE_REAPED;
	ev.reap.exit_ns = z->exit_ns;
	return l->fn(l->ctx, &ev);
}

/* Freed zombies that no wait() claimed (see handle_free in the BPF side). */
static int reap_unclaimed(struct pt_loader *l, bool all)
{
	int fd = bpf_map__fd(l->skel->maps.zombies);
	__u64 now = pt_boottime_ns();
	__u32 key, next, *prev = NULL;
	struct pt_zombie z;
	int ret;

	/* The walk visits the whole map: often enough for the grace period
	 * to hold to within half of it, not at every poll. */
	if (!all && now - l->walked_ns < UNCLAIMED_GRACE_NS / 2)
		return 0;
	l->walked_ns = now;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &z) || !z.freed_ns)
			continue;
		if (!all && now - z.freed_ns < UNCLAIMED_GRACE_NS)
			continue;
		/* Deleted first: if the late wait() comes now, it finds
		 * nothing, and the process is reported once. */
		if (bpf_map_delete_elem(fd, &key))
			continue;
		ret = report_unclaimed(l, &z);
		if (ret)
			return ret;
	}
	return 0;
}

/* The record that ends a batch has been handed out all the same. */
static int read_batch(struct pt_loader *l, int n)
{
	l->more = n == BATCH_FULL;
	if (l->more)
		return l->batch;
	return n;
}

int pt_loader_poll(struct pt_loader *l, int timeout_ms)
{
	int n;

	l->batch = 0;
	n = ring_buffer__poll(l->rb, l->more ? 0 : timeout_ms);
	/* Records are submitted without wakeups (see wakeup_flag() in the
	 * BPF side): after the wait, read whatever is there. */
	if (n != BATCH_FULL && (n >= 0 || n == -EINTR))
		n = ring_buffer__consume(l->rb);
	n = read_batch(l, n);
	if (n < 0)
		return n;
	return reap_unclaimed(l, false);
}

int pt_loader_drain(struct pt_loader *l)
{
	size_t handed = 0;
	int n;

	/* Everything the ring held when called has been handed out once a
	 * ring's worth has: a storm that keeps filling it cannot hold this. */
	do {
		l->batch = 0;
		n = read_batch(l, ring_buffer__consume(l->rb));
		if (n < 0)
			return n;
		handed += n;
	} while (n > 0 && handed < l->ring_records);
	return 0;
}

/* Processes still running: their threads summed by the sched_final
 * iterator into sched_procs, one record each, measured to now. */
static int sched_report_end(struct pt_loader *l)
{
	int fd = bpf_map__fd(l->skel->maps.sched_procs);
	struct pt_event ev = { .kind = PT_SCHED_SUM, .size = sizeof(ev) };
	__u32 key, next, *prev = NULL;
	struct pt_sched_proc p;
	__u64 now;
	char err[256];
	int ret;

	ret = run_iter(l, l->skel->progs.sched_final, NULL, deliver_snapshot, err, sizeof(err));
	if (ret)
		return ret;
	now = pt_boottime_ns();
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &p))
			continue;
		ev.flags = PT_F_SCHED_AT_END | PT_F_NO_ACTOR;
		ev.task = p.task;
		ev.task.ts_ns = now;
		pt_sched_sum_fill(&ev.sched_sum, &p.c);
		ret = l->fn(l->ctx, &ev);
		if (ret)
			return ret;
	}
	return 0;
}

int pt_loader_stop(struct pt_loader *l)
{
	int n;

	proctrace_bpf__detach(l->skel);
	do {
		l->batch = 0;
		n = read_batch(l, ring_buffer__consume(l->rb));
	} while (l->more);
	if (n < 0)
		return n;
	n = reap_unclaimed(l, true);
	if (!n && l->sched)
		n = sched_report_end(l);
	return n;
}

int pt_loader_lost(struct pt_loader *l, __u64 by_kind[PT_KIND_MAX])
{
	int fd = bpf_map__fd(l->skel->maps.lost);
	__u32 k;
	int c;

	for (k = 0; k < PT_KIND_MAX; k++) {
		by_kind[k] = 0;
		if (bpf_map_lookup_elem(fd, &k, l->per_cpu))
			continue;
		for (c = 0; c < l->ncpus; c++)
			by_kind[k] += l->per_cpu[c];
	}
	return 0;
}

int pt_loader_probe(struct pt_loader *l)
{
	__u32 k = 0, next;

	/* On kernels before 6.5 with kernel.unprivileged_bpf_disabled set,
	 * every bpf() call wants CAP_BPF, even on a descriptor already held;
	 * later ones check only the descriptor's mode. The loop's calls are
	 * lookups, key walks and deletes on maps: one of each kind of gate. */
	if (bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.lost), &k, l->per_cpu) &&
	    (errno == EPERM || errno == EACCES))
		return -errno;
	if (bpf_map_get_next_key(bpf_map__fd(l->skel->maps.zombies), NULL, &next) &&
	    (errno == EPERM || errno == EACCES))
		return -errno;
	return 0;
}

/* Pids in a BPF map keyed by pid, other than except; with alive_only,
 * only those that still exist. */
static int count_pids(int fd, __u32 except, bool alive_only)
{
	__u32 key, next, *prev = NULL;
	int n = 0;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		/* A pid whose reap went unseen is gone all the same. */
		if (key != except && (!alive_only || kill(key, 0) == 0 || errno == EPERM))
			n++;
	}
	return n;
}

int pt_loader_followed_alive(struct pt_loader *l, __u32 except)
{
	/* Zombies too whose reap is still to be reported (with a pid filter,
	 * the map holds followed processes only): one released by a wait()
	 * that did not name it is gone before its free says who released it. */
	return count_pids(bpf_map__fd(l->skel->maps.followed), except, true) +
		count_pids(bpf_map__fd(l->skel->maps.zombies), except, false);
}

void pt_loader_close(struct pt_loader *l)
{
	if (!l)
		return;
	ring_buffer__free(l->rb);
	bpf_link__destroy(l->snap_link);
	proctrace_bpf__destroy(l->skel);
	free(l->per_cpu);
	free(l);
}

int pt_loader_programs(void (*fn)(void *ctx, const char *section), void *ctx)
{
	struct proctrace_bpf *skel;
	struct bpf_program *prog;

	verbosity = 0;
	libbpf_set_print(libbpf_log);
	skel = proctrace_bpf__open();
	if (!skel)
		return -errno;
	for (prog = bpf_object__next_program(skel->obj, NULL); prog;
	     prog = bpf_object__next_program(skel->obj, prog))
		fn(ctx, bpf_program__section_name(prog));
	proctrace_bpf__destroy(skel);
	return 0;
}
