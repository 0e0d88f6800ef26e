// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The process model. Processes live in a hash by pid; each slot chains the
 * processes that held that pid, newest first, so a reused pid is a second
 * node and "which process was pid N at time t" is a short walk.
 *
 * Out-of-order input (a child's first event before its parent's fork, a reap
 * before the exit, by a few microseconds) is tolerated rather than buffered:
 * a reorder window would have to copy every event, exec payloads included,
 * and still guess its width. Instead each fact carries its event's time:
 * latest fields are taken only from an event at least as new as the one
 * they came from, first fields only from an older one, histories are
 * inserted in time order, a fork for an already-known child only fills in
 * its parent, and parents are resolved when the tree is walked. The same
 * events in any such order therefore give the same model. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif

#include "model_int.h"

/* ---- lifecycle ---- */

struct pt_model *pt_model_new(const struct pt_model_opts *opts)
{
	struct pt_model *m = calloc(1, sizeof(*m));

	if (m && opts)
		m->opts = *opts;
	/* A record has no children's count nor place in the drop queue:
	 * a model that drops or culls keeps nodes. */
	if (m && m->opts.compact && !m->opts.lean && !model_tracks_ends(m) &&
	    model_compact_init(m)) {
		free(m);
		return NULL;
	}
	return m;
}

/* Nodes come from 2 MiB blocks that the kernel may back with huge pages.
 * A trace that keeps every process allocates a node per process, and then
 * page faults, not the model's own work, bound how fast events go in
 * (several times over, measured). Dropped nodes are reused, so the bounded
 * model stays within its peak. */
struct proc_node *model_node_alloc(struct pt_model *m)
{
	struct proc_node *n = m->free_nodes;
	struct slab *s;
	size_t head = (sizeof(*s) + 63) & ~(size_t)63;

	/* A model that culls (a whole-machine live view) lives for hours
	 * through bursts of processes: its nodes come from malloc, so that
	 * what a cull frees goes back to the heap, and from there to the
	 * kernel (the pipeline's malloc_trim), instead of staying in a slab
	 * at the height of the largest burst. */
	if (m->opts.cull)
		return calloc(1, sizeof(*n));
	if (n) {
		ASAN_UNPOISON_MEMORY_REGION(n, sizeof(*n));
		m->free_nodes = n->older;
	} else {
		if (m->slab_left < sizeof(*n)) {
			s = aligned_alloc(SLAB_BYTES, SLAB_BYTES);
			if (!s)
				return NULL;
			/* Only advice: without huge pages it works the same. */
			madvise(s, SLAB_BYTES, MADV_HUGEPAGE);
			s->next = m->slabs;
			m->slabs = s;
			m->slab_next = (char *)s + head;
			m->slab_left = SLAB_BYTES - head;
			ASAN_POISON_MEMORY_REGION(m->slab_next, m->slab_left);
		}
		n = (struct proc_node *)m->slab_next;
		m->slab_next += sizeof(*n);
		m->slab_left -= sizeof(*n);
		ASAN_UNPOISON_MEMORY_REGION(n, sizeof(*n));
	}
	memset(n, 0, sizeof(*n));
	return n;
}

void model_node_free(struct pt_model *m, struct proc_node *n)
{
	struct thread_node *t, *tmp;
	struct pt_prog *prog, *next;

	for (t = n->threads; t; t = tmp) {
		tmp = t->hh.next;
		/* uthash's table juggling confuses clang's analyzer */
		HASH_DEL(n->threads, t); // NOLINT(clang-analyzer-unix.Malloc)
		free(t);
	}
	for (prog = n->progs; prog; prog = next) {
		next = prog->next;
		free(prog);
	}
	if (n->marks != n->inline_marks)
		free(n->marks);
	free(n->sched_threads);
	free(n->folds);
	if (m->opts.cull) {
		free(n);
		return;
	}
	n->older = m->free_nodes;
	m->free_nodes = n;
	ASAN_POISON_MEMORY_REGION(n, sizeof(*n));
}

void pt_model_free(struct pt_model *m)
{
	struct pid_slot *s, *tmp;
	struct proc_node *n, *older;
	struct slab *slab, *next;

	if (!m)
		return;
	for (s = m->slots; s; s = tmp) {
		tmp = s->hh.next;
		for (n = s->newest; n; n = older) {
			older = entry_older(n);
			if (entry_is_rec(n))
				free(entry_rec(n));
			else
				model_node_free(m, n);
		}
		/* uthash's table juggling confuses clang's analyzer */
		// NOLINTNEXTLINE(clang-analyzer-unix.Malloc,clang-analyzer-core.NullDereference)
		HASH_DEL(m->slots, s);
		free(s);
	}
	for (slab = m->slabs; slab; slab = next) {
		ASAN_UNPOISON_MEMORY_REGION(slab, SLAB_BYTES);
		next = slab->next;
		free(slab);
	}
	model_compact_free(m);
	free(m);
}

/* ---- finding processes ---- */

static struct pid_slot *slot_find(const struct pt_model *m, __u32 pid)
{
	struct pid_slot *s;

	HASH_FIND(hh, m->slots, &pid, sizeof(pid), s);
	return s;
}

struct proc_node *model_entry_find(const struct pt_model *m, __u32 pid, __u64 start_ns,
				   struct proc_node ***link)
{
	struct pid_slot *s = slot_find(m, pid);
	struct proc_node **at;

	for (at = s ? &s->newest : NULL; at && *at;) {
		if (entry_start(*at) == start_ns) {
			if (link)
				*link = at;
			return *at;
		}
		if (entry_start(*at) < start_ns)
			break;
		at = entry_older_link(*at);
	}
	return NULL;
}

/* The entry at *at as a node: a record is made one again. */
static struct proc_node *entry_node(struct pt_model *m, struct proc_node **at, bool *oom)
{
	struct proc_node *n = *at;

	if (entry_is_rec(n)) {
		n = model_inflate(m, at);
		if (!n && oom)
			*oom = true;
	}
	return n;
}

struct proc_node *model_node_find(struct pt_model *m, __u32 pid, __u64 start_ns, bool *oom)
{
	struct proc_node **at;

	if (!model_entry_find(m, pid, start_ns, &at))
		return NULL;
	return entry_node(m, at, oom);
}

const struct pt_proc *pt_model_find(const struct pt_model *m, __u32 pid, __u64 start_ns)
{
	/* A record becomes a node again: the model says the same. */
	struct pt_model *mm = (struct pt_model *)m;
	struct pid_slot *s;
	struct proc_node *n = NULL;

	if (start_ns) {
		n = model_node_find(mm, pid, start_ns, NULL);
	} else {
		s = slot_find(m, pid);
		if (s && s->newest)
			n = entry_node(mm, &s->newest, NULL);
	}
	return n ? &n->pub : NULL;
}

const struct pt_proc *pt_model_peek(const struct pt_model *m, __u32 pid, __u64 start_ns)
{
	struct pid_slot *s;
	const struct proc_node *e = NULL;

	if (start_ns) {
		e = model_entry_find(m, pid, start_ns, NULL);
	} else {
		s = slot_find(m, pid);
		e = s ? s->newest : NULL;
	}
	return e ? model_entry_proc(m, e, SLOT_READ) : NULL;
}

void pt_model_mark(struct pt_model *m, __u32 pid, __u32 flags)
{
	struct pid_slot *s = slot_find(m, pid);
	struct proc_node *n = s && s->newest ? entry_node(m, &s->newest, NULL) : NULL;

	if (n)
		n->pub.flags |= flags;
}

/* (start, pid) order: a parent always sorts before its children, so parent
 * links that must point backwards in it can never form a cycle, whatever
 * the input says. */
bool model_born_before(__u64 a_start, __u32 a_pid, __u64 b_start, __u32 b_pid)
{
	if (a_start != b_start)
		return a_start < b_start;
	return a_pid < b_pid;
}

static bool ended_before(const struct proc_key *p, __u64 t)
{
	__u64 end = p->exit_ns ? p->exit_ns : p->reap_ns;

	if ((p->flags & PT_PROC_ENDED_UNSEEN) && p->ended_by_ns <= t)
		return true;
	return end && end < t;
}

/* The process that was `pid` when child was born: the newest holder of the
 * pid born before it, unless that one had already ended. Both the parent at
 * birth and any later adopter (init or a subreaper: an ancestor) qualify. */
struct proc_node *model_parent_resolve(const struct pt_model *m, __u32 pid, __u64 child_start,
				       __u32 child_pid)
{
	struct pid_slot *s;
	struct proc_node *n;
	struct proc_key k;

	if (pid == 0)
		return NULL;
	s = slot_find(m, pid);
	for (n = s ? s->newest : NULL; n; n = entry_older(n)) {
		entry_key(n, &k);
		if (!model_born_before(k.start_ns, k.pid, child_start, child_pid))
			continue;
		return ended_before(&k, child_start) ? NULL : n;
	}
	return NULL;
}

/* ---- bounded memory ---- */

static bool droppable(const struct proc_node *n)
{
	return (n->pub.flags & (PT_PROC_REAP_SEEN | PT_PROC_ENDED_UNSEEN | PT_PROC_EXIT_ENDS)) &&
		n->nchild == 0;
}

static void queue_remove(struct pt_model *m, struct proc_node *n)
{
	if (n->drop_prev)
		n->drop_prev->drop_next = n->drop_next;
	else
		m->drop_first = n->drop_next;
	if (n->drop_next)
		n->drop_next->drop_prev = n->drop_prev;
	else
		m->drop_last = n->drop_prev;
	n->drop_prev = n->drop_next = NULL;
	n->queued = false;
	m->ndrop--;
}

static void queue_append(struct pt_model *m, struct proc_node *n)
{
	n->drop_prev = m->drop_last;
	n->drop_next = NULL;
	n->drop_ts = m->last_ts;
	if (m->drop_last)
		m->drop_last->drop_next = n;
	else
		m->drop_first = n;
	m->drop_last = n;
	n->queued = true;
	m->ndrop++;
}

/* Keep the queue equal to the set of droppable nodes, in the order they
 * became droppable. */
void model_queue_update(struct pt_model *m, struct proc_node *n)
{
	bool want;

	if (!model_tracks_ends(m))
		return;
	want = droppable(n);
	if (want && !n->queued)
		queue_append(m, n);
	else if (!want && n->queued)
		queue_remove(m, n);
}

static void ref_parent_set(struct pt_model *m, struct proc_node *n, struct proc_node *parent)
{
	struct proc_node *old = n->ref_parent;

	if (old == parent)
		return;
	n->ref_parent = parent;
	if (old) {
		old->nchild--;
		model_queue_update(m, old);
	}
	if (parent) {
		parent->nchild++;
		model_queue_update(m, parent);
	}
}

/* Only the bounded model counts children, to know what it may drop; the
 * tree itself is resolved when walked. */
void model_ref_parent_link(struct pt_model *m, struct proc_node *n)
{
	if (model_tracks_ends(m))
		ref_parent_set(m, n,
			       model_parent_resolve(m, n->pub.ppid, n->pub.start_ns, n->pub.pid));
}

static void chain_unlink(struct pt_model *m, struct proc_node *n)
{
	struct pid_slot *s = slot_find(m, n->pub.pid);
	struct proc_node **link;

	if (!s)
		return;
	for (link = &s->newest; *link; link = &(*link)->older) {
		if (*link == n) {
			*link = n->older;
			break;
		}
	}
	if (!s->newest) {
		/* uthash's table juggling confuses clang's analyzer */
		// NOLINTNEXTLINE(clang-analyzer-unix.Malloc,clang-analyzer-core.NullDereference)
		HASH_DEL(m->slots, s);
		free(s);
	}
}

static void node_drop(struct pt_model *m, struct proc_node *n)
{
	chain_unlink(m, n);
	if (n->queued)
		queue_remove(m, n);
	ref_parent_set(m, n, NULL);
	model_node_free(m, n);
	m->stats.procs--;
}

void model_limit_enforce(struct pt_model *m)
{
	while (m->opts.max_ended && m->ndrop > m->opts.max_ended) {
		node_drop(m, m->drop_first);
		m->stats.procs_dropped++;
	}
}

size_t pt_model_cull(struct pt_model *m, __u64 now_ns, __u64 linger_ns)
{
	struct proc_node *n;
	size_t culled = 0;

	if (!m->opts.cull)
		return 0;
	/* The queue is in the order they became droppable, each stamped with
	 * the model's latest time then (never decreasing): the first one too
	 * young ends the pass, so a call costs what it culls. Stamped, not
	 * judged by when the process ended: an end time out of the queue's
	 * order (a reap long after the exit, an end inferred late) at the
	 * head would keep every younger node behind it. A process lingers at
	 * least linger_ns after it ended and its last child left. */
	while ((n = m->drop_first) && n->drop_ts + linger_ns <= now_ns) {
		node_drop(m, n);
		m->stats.procs_culled++;
		culled++;
	}
	return culled;
}

/* ---- creating processes ---- */

/* A pid is only reused once its holder is gone: a process whose exit or
 * reap were not seen (lost, or the trace missed them) still ended before
 * the next holder started. */
static void ended_unseen_set(struct pt_model *m, struct proc_node *e, __u64 by_ns)
{
	struct proc_key *k = entry_is_rec(e) ? &entry_rec(e)->key : NULL;
	__u32 *flags = k ? &k->flags : &e->pub.flags;
	__u64 *ended_by = k ? &k->ended_by_ns : &e->pub.ended_by_ns;

	if (*flags & PT_PROC_REAP_SEEN)
		return;
	if (!(*flags & PT_PROC_ENDED_UNSEEN) || by_ns < *ended_by)
		*ended_by = by_ns;
	*flags |= PT_PROC_ENDED_UNSEEN;
	if (!k)
		model_queue_update(m, e);
}

static void chain_insert(struct pt_model *m, struct pid_slot *s, struct proc_node *n)
{
	struct proc_node **link = &s->newest;
	struct proc_node *newer = NULL;

	while (*link && entry_start(*link) > n->pub.start_ns) {
		newer = *link;
		link = entry_older_link(*link);
	}
	n->older = *link;
	*link = n;
	if (n->older)
		ended_unseen_set(m, n->older, n->pub.start_ns);
	if (newer)
		ended_unseen_set(m, n, entry_start(newer));
}

struct proc_node *model_node_create(struct pt_model *m, const struct pt_task *t)
{
	struct pid_slot *s = slot_find(m, t->pid);
	struct proc_node *n = model_node_alloc(m);

	if (!n)
		return NULL;
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			goto fail;
		s->pid = t->pid;
		HASH_ADD(hh, m->slots, pid, sizeof(s->pid), s);
		if (!s->hh.tbl) {
			free(s);
			goto fail;
		}
	}
	n->pub.pid = t->pid;
	n->pub.start_ns = t->start_ns;
	n->marks = n->inline_marks;
	n->marks_cap = INLINE_MARKS;
	chain_insert(m, s, n);
	m->stats.procs++;
	m->stats.procs_seen++;
	return n;
fail:
	model_node_free(m, n);
	return NULL;
}
