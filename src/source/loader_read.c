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

int pt_loader_follow(struct pt_loader *l, __u32 pid, __u64 start_ns)
{
	/* BPF_NOEXIST: an entry there already is the kernel side's own. */
	if (bpf_map_update_elem(bpf_map__fd(l->skel->maps.followed), &pid, &start_ns,
				BPF_NOEXIST) &&
	    errno != EEXIST)
		return -errno;
	return 0;
}

/* How long a freed zombie waits for its reaper's wait() to return before
 * it is reported as released at its free: far beyond the RCU delay that
 * separates the release in wait() from the free. */
#define UNCLAIMED_GRACE_NS 500000000ull

static int report_unclaimed(struct pt_loader *l, const struct pt_zombie *z)
{
	int fd = bpf_map__fd(l->skel->maps.released_usage);
	struct pt_released_usage ru;
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
	/* Its final usage, kept at the free */
	if (!bpf_map_lookup_elem(fd, &z->task.pid, &ru) && ru.start_ns == z->task.start_ns) {
		ev.reap.usage_at = PT_USAGE_RELEASED;
		ev.reap.usage = ru.usage;
		bpf_map_delete_elem(fd, &z->task.pid);
	}
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
		/* Its wait() may still return; or its exit, fork or the wait's
		 * own rows may still be behind a record being written. */
		if (!all && (now - z.freed_ns < UNCLAIMED_GRACE_NS || z.freed_ns > l->caught_up_ns))
			continue;
		/* Deleted first: if the late wait() comes now, it finds
		 * nothing, and the process is reported once. */
		if (bpf_map_delete_elem(fd, &key))
			continue;
		ret = report_unclaimed(l, &z);
		if (ret)
			return ret;
	}
	return pt_map_room_sweep_aliases(l);
}

int pt_loader_pending_reaps(struct pt_loader *l, int (*fn)(void *ctx, const struct pt_task *t),
			    void *ctx)
{
	int fd = bpf_map__fd(l->skel->maps.zombies);
	__u32 key, next, *prev = NULL;
	struct pt_zombie z;
	struct pt_task t;
	int ret;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &z))
			continue;
		t = z.task;
		t.ts_ns = z.exit_ns;
		if ((ret = fn(ctx, &t)))
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
	return reap_unclaimed(l, false);
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

int pt_loader_drain_reserved(struct pt_loader *l)
{
	struct ring_mark m = ring_mark(l);
	__u64 deadline = m.ns + RESERVED_WAIT_NS;
	const struct timespec nap = { .tv_nsec = 200000 };
	int n;

	/* Positions only grow (64 bits: they do not wrap). */
	while (!caught_up(l, m)) {
		l->batch = 0;
		n = read_batch(l, ring_buffer__consume(l->rb));
		if (n < 0)
			return n;
		if (n > 0 || l->more)
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

/* Processes still alive or zombies, picked by the filters: their usage
 * now (PT_USAGE), read by the usage_final iterator into its output. */
static int usage_report_end(struct pt_loader *l)
{
	char err[256];

	if (!bpf_program__autoload(l->skel->progs.usage_final))
		return 0;
	return run_iter(l, l->skel->progs.usage_final, NULL, deliver_snapshot, err, sizeof(err));
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
	while (n >= 0) {
		l->batch = 0;
		n = read_batch(l, ring_buffer__consume(l->rb));
		if (n >= 0 && !l->more)
			break;
	}
	if (n < 0)
		return n;
	return reap_unclaimed(l, true);
}

int pt_loader_end_reports(struct pt_loader *l)
{
	int n = l->sched ? sched_report_end(l) : 0;

	return n ?: usage_report_end(l);
}

/* Runs of a program the kernel skipped: one still running on the CPU
 * (preempted, on kernels whose tracepoints are preemptible, by a task that
 * hit the same tracepoint) is not entered again, and the kernel counts the
 * miss (bpf_prog_info.recursion_misses, Linux >= 5.12; 0 before). Each is
 * a lost event of the first recorded kind the program serves. */
static void add_misses(struct pt_loader *l, __u64 by_kind[PT_KIND_MAX])
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, l->skel->obj)
	{
		const struct pt_program_def *d = pt_program_find(bpf_program__name(prog));
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);
		__u32 kinds;

		if (!d || fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) ||
		    !info.recursion_misses)
			continue;
		kinds = d->kinds & l->kinds;
		by_kind[kinds ? __builtin_ctz(kinds) : PT_LOST] += info.recursion_misses;
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
