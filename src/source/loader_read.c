// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Once attached: the snapshot's iterator, the ring buffer, the maps read
 * as tracing goes (followed processes, unclaimed zombies, losses). */
#include <sys/mman.h>
#include <signal.h>
#include <time.h>
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

int pt_loader_ring_event(void *ctx, void *data, size_t size)
{
	struct pt_loader *l = ctx;
	const struct pt_event *ev = data;
	int ret;

	/* The record size is what the BPF side declared: a mismatch would
	 * mean a broken build, not something to read past. */
	if (size < sizeof(*ev) || ev->size > size)
		return 0;
	/* A kind not asked for that a program still made (one that does not
	 * know -e yet, or a feature whose program could not attach) is
	 * dropped here, so that -e holds for every kind. */
	if (ev->kind < 32 && ev->kind != PT_SNAPSHOT && !(l->kinds & (1u << ev->kind)))
		return 0;
	ret = l->fn(l->ctx, ev);
	if (!ret && ++l->batch >= BATCH_EVENTS)
		ret = BATCH_FULL;
	return ret;
}

/* The iterator's output is a stream of whole pt_event records, each
 * handed to fn. */
static int deliver_records(int fd, pt_event_fn fn, void *ctx)
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
			ret = fn(ctx, &ev);
			if (ret)
				return ret;
			off += sizeof(ev);
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
}

/* Run a task iterator, attached as *link (attached now if NULL; kept
 * there unless keep is NULL); its records, if any, go to fn. */
static int run_iter(struct bpf_program *prog, struct bpf_link **keep, pt_event_fn fn, void *ctx,
		    char *err, size_t errlen)
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
		ret = deliver_records(fd, fn, ctx);
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
	return run_iter(l->skel->progs.snapshot_tasks, &l->snap_link, l->fn, l->ctx, err, errlen);
}

bool pt_loader_followed(struct pt_loader *l, __u32 pid, __u64 start_ns)
{
	__u64 start;

	if (bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.followed), &pid, &start))
		return false;
	return start == 0 || start == start_ns;
}

int pt_loader_follow(struct pt_loader *l, __u32 pid, __u64 start_ns)
{
	/* BPF_NOEXIST: an entry there already is the kernel side's own. */
	if (bpf_map_update_elem(bpf_map__fd(l->skel->maps.followed), &pid, &start_ns,
				BPF_NOEXIST) &&
	    errno != EEXIST)
		return -errno;
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

/* The producer's position at now_ns: once the consumer is past it, every
 * record reserved before now_ns has been read. */
struct ring_mark {
	__u64 ns, pos;
};

static struct ring_mark ring_mark(const struct pt_loader *l)
{
	struct ring_mark m;

	m.ns = pt_boottime_ns();
	m.pos = __atomic_load_n(l->producer_pos, __ATOMIC_ACQUIRE);
	return m;
}

static bool caught_up(struct pt_loader *l, struct ring_mark m)
{
	if (__atomic_load_n(l->consumer_pos, __ATOMIC_ACQUIRE) < m.pos)
		return false;
	if (l->caught_up_ns < m.ns)
		l->caught_up_ns = m.ns;
	return true;
}

int pt_loader_poll(struct pt_loader *l, int timeout_ms)
{
	struct ring_mark m;
	int n;

	l->batch = 0;
	n = ring_buffer__poll(l->rb, l->more ? 0 : timeout_ms);
	/* Records are submitted without wakeups (see wakeup_flag() in the
	 * BPF side): after the wait, read whatever is there. */
	m = ring_mark(l);
	if (n != BATCH_FULL && (n >= 0 || n == -EINTR))
		n = ring_buffer__consume(l->rb);
	caught_up(l, m);
	n = read_batch(l, n);
	if (n < 0)
		return n;
	return pt_loader_reap_unclaimed(l);
}

int pt_loader_map_positions(struct pt_loader *l)
{
	size_t page = sysconf(_SC_PAGESIZE);
	void *p;

	/* The consumer's page, then the producer's (the kernel's layout of a
	 * BPF ring buffer map); read-only, so libbpf alone moves the
	 * consumer. */
	p = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, bpf_map__fd(l->skel->maps.events), 0);
	if (p == MAP_FAILED)
		return -errno;
	l->consumer_pos = p;
	l->producer_pos = (const volatile __u64 *)((char *)p + page);
	l->pos_len = 2 * page;
	return 0;
}

/* How long the reading waits for records reserved before it began and not
 * yet committed: a program preempted between its reservation and its
 * commit (long under emulation or a loaded machine) holds the records
 * behind it back from the consumer. */
#define RESERVED_WAIT_NS 2000000000ull

/* Every record committed now, batch after batch: how many the last batch
 * held, or a callback's non-zero result, or -errno. */
static int consume_all(struct pt_loader *l)
{
	int n;

	do {
		l->batch = 0;
		n = read_batch(l, ring_buffer__consume(l->rb));
	} while (n >= 0 && l->more);
	return n;
}

int pt_loader_drain_reserved(struct pt_loader *l)
{
	struct ring_mark m = ring_mark(l);
	__u64 deadline = m.ns + RESERVED_WAIT_NS;
	const struct timespec nap = { .tv_nsec = 200000 };
	int n;

	/* Positions only grow (64 bits: they do not wrap). */
	while (!caught_up(l, m)) {
		n = consume_all(l);
		if (n < 0)
			return n;
		if (n > 0)
			continue;
		/* Nothing read: the next record is still being written. */
		if (pt_boottime_ns() > deadline)
			return -ETIME;
		nanosleep(&nap, NULL);
	}
	return 0;
}

/* Processes still running: their threads summed by the sched_final
 * iterator into sched_procs, one record each, measured to now. */
struct sched_end {
	struct pt_loader *l;
	__u64 now;
};

static int sched_end_one(void *ctx, __u32 key, void *value)
{
	const struct sched_end *e = ctx;
	const struct pt_sched_proc *p = value;
	struct pt_event ev = {
		.kind = PT_SCHED_SUM,
		.size = sizeof(ev),
		.flags = PT_F_SCHED_AT_END | PT_F_NO_ACTOR,
		.task = p->task,
	};

	(void)key;
	ev.task.ts_ns = e->now;
	pt_sched_sum_fill(&ev.sched_sum, &p->c);
	return e->l->fn(e->l->ctx, &ev);
}

static int sched_report_end(struct pt_loader *l)
{
	struct sched_end e = { .l = l };
	struct pt_sched_proc p;
	char err[256];
	int ret;

	ret = run_iter(l->skel->progs.sched_final, NULL, l->fn, l->ctx, err, sizeof(err));
	if (ret)
		return ret;
	e.now = pt_boottime_ns();
	return pt_loader_map_each(bpf_map__fd(l->skel->maps.sched_procs), &p, sched_end_one, &e);
}

/* Processes still alive or zombies, picked by the filters: their usage
 * now (PT_USAGE), read by the usage_final iterator into rows, handed out
 * last (after every other row). */
struct usage_rows {
	struct pt_event *v;
	size_t n, cap;
};

static int usage_keep(void *ctx, const struct pt_event *ev)
{
	struct usage_rows *u = ctx;
	struct pt_event *grown;

	if (u->n == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 64;
		grown = realloc(u->v, u->cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		u->v = grown;
	}
	u->v[u->n++] = *ev;
	return 0;
}

static int usage_read_end(struct pt_loader *l, struct usage_rows *u)
{
	char err[256];

	if (!bpf_program__autoload(l->skel->progs.usage_final))
		return 0;
	return run_iter(l->skel->progs.usage_final, NULL, usage_keep, u, err, sizeof(err));
}

/* Detaching a program takes time (tens of milliseconds for a syscall
 * tracepoint), and programs detached early stop recording while the rest
 * go on: the reaps first would leave the processes reaped meanwhile with
 * an exit and no end. So the end cuts from the causes to the ends: every
 * other program, then the exit, then what reports reaps (their exits were
 * recorded), rank by rank. */
static int detach_rank(const char *name)
{
	static const char *const last[] = { "handle_free", "handle_wait4_exit",
					    "handle_waitid_enter", "handle_waitid_exit" };

	if (!strcmp(name, "handle_exit"))
		return 1;
	for (size_t i = 0; i < sizeof(last) / sizeof(last[0]); i++)
		if (!strcmp(name, last[i]))
			return 2;
	return 0;
}

static void detach_ordered(struct pt_loader *l)
{
	const struct bpf_object_skeleton *s = l->skel->skeleton;

	for (int rank = 0; rank <= 2; rank++)
		for (int i = 0; i < s->prog_cnt; i++)
			if (detach_rank(s->progs[i].name) == rank && *s->progs[i].link) {
				bpf_link__destroy(*s->progs[i].link);
				*s->progs[i].link = NULL;
			}
}

/* The end's rows after the ring's: the zombies whose reap is still to be
 * reported settled against the processes the usage iterator finds (a
 * zombie then, or released since: an inferred reap), the scheduler's sums
 * of those still running, their usage last. */
static int report_end(struct pt_loader *l)
{
	struct pt_end_zombies z = { 0 };
	struct usage_rows u = { 0 };
	int n;

	n = pt_loader_end_zombies(l, &z);
	n = n ?: usage_read_end(l, &u);
	for (size_t i = 0; !n && i < u.n; i++)
		pt_loader_end_zombie_seen(&z, &u.v[i].task);
	n = n ?: pt_loader_end_reaps(l, &z);
	if (!n && l->sched)
		n = sched_report_end(l);
	for (size_t i = 0; !n && i < u.n; i++)
		n = l->fn(l->ctx, &u.v[i]);
	free(z.v);
	free(u.v);
	return n;
}

int pt_loader_stop(struct pt_loader *l)
{
	int n;

	detach_ordered(l);
	/* A program preempted before the detach may still be writing. */
	n = pt_loader_drain_reserved(l);
	if (n == -ETIME) {
		fprintf(stderr,
			"proctrace: at the end, a record still being written after 2 s "
			"held back the rows behind it: they are not recorded\n");
		n = 0;
	}
	/* And what a program still running then wrote after. */
	return n < 0 ? n : consume_all(l);
}

int pt_loader_end_reports(struct pt_loader *l)
{
	return report_end(l);
}

/* Runs of a program the kernel skipped: one still running on the CPU
 * (preempted, on kernels whose tracepoints are preemptible, by a task that
 * hit the same tracepoint) is not entered again, and the kernel counts the
 * miss (bpf_prog_info.recursion_misses, Linux >= 5.12; 0 before). Each is
 * a lost event of the kind pt_program_missed_kind() names. */
static void add_misses(struct pt_loader *l, __u64 by_kind[PT_KIND_MAX])
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, l->skel->obj)
	{
		const struct pt_program_def *d = pt_program_find(bpf_program__name(prog));
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (!d || fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) ||
		    !info.recursion_misses)
			continue;
		by_kind[pt_program_missed_kind(d, l->kinds)] += info.recursion_misses;
	}
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
	add_misses(l, by_kind);
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
