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

/* uthash aborts on allocation failure unless told otherwise; a failed add
 * leaves the element's hh.tbl NULL, which is what callers check. */
#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "proctrace/decode.h"
#include "proctrace/model.h"

/* Room for fork, exec, exit and reap without another allocation: most
 * processes of a busy system have no more. */
#define INLINE_MARKS 4
/* Bounded model: a process that lives long can still be signalled or
 * stopped without end, or exec in a loop; its history is capped too. */
#define BOUNDED_MAX_MARKS 1024
#define BOUNDED_MAX_PROGS 64
/* Nodes are carved from blocks of this size (see node_alloc). */
#define SLAB_BYTES (2u << 20)

struct thread_node {
	struct pt_thread pub;
	UT_hash_handle hh;		/* in proc_node.threads, by tid */
	struct thread_node *next_ended; /* bounded: ended threads, oldest first */
};

struct proc_node {
	struct pt_proc pub;
	struct proc_node *older; /* same pid, started earlier */
	__u64 comm_ts;		 /* event that gave pub.comm */

	/* Dropping (bounded model only). */
	struct proc_node *ref_parent; /* the node counted as its parent */
	size_t nchild;		      /* nodes whose ref_parent this is */
	struct proc_node *drop_prev, *drop_next;
	bool queued; /* in the droppable queue */

	struct pt_mark *marks; /* inline_marks until it grows */
	size_t marks_cap;
	struct pt_prog *progs;	     /* owned, sorted by time */
	struct thread_node *threads; /* uthash by tid */
	struct thread_node *ended_first, *ended_last;
	size_t nended;

	/* Scratch of pt_model_walk. */
	struct proc_node *w_parent, *w_first, *w_last, *w_next;
	bool w_missing;

	struct pt_mark inline_marks[INLINE_MARKS];
};

struct pid_slot {
	__u32 pid;
	struct proc_node *newest; /* chain through proc_node.older */
	UT_hash_handle hh;
};

struct slab {
	struct slab *next;
};

struct pt_model {
	struct pt_model_opts opts;
	struct pid_slot *slots; /* uthash by pid */
	struct slab *slabs;	/* owned: where nodes are carved from */
	char *slab_next;	/* free space of the newest slab */
	size_t slab_left;
	struct proc_node *free_nodes; /* dropped nodes to reuse, through older */
	/* Ended processes no longer needed for the tree, oldest first. */
	struct proc_node *drop_first, *drop_last;
	size_t ndrop;
	struct pt_model_stats stats;
	__u64 last_ts;
	__u64 set_end;
};

static struct proc_node *node_of(const struct pt_proc *p)
{
	return (struct proc_node *)((char *)p - offsetof(struct proc_node, pub));
}

/* ---- lifecycle ---- */

struct pt_model *pt_model_new(const struct pt_model_opts *opts)
{
	struct pt_model *m = calloc(1, sizeof(*m));

	if (m && opts)
		m->opts = *opts;
	return m;
}

/* Nodes come from 2 MiB blocks that the kernel may back with huge pages.
 * A trace that keeps every process allocates a node per process, and then
 * page faults, not the model's own work, bound how fast events go in
 * (several times over, measured). Dropped nodes are reused, so the bounded
 * model stays within its peak. */
static struct proc_node *node_alloc(struct pt_model *m)
{
	struct proc_node *n = m->free_nodes;
	struct slab *s;
	size_t head = (sizeof(*s) + 63) & ~(size_t)63;

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

static void node_free(struct pt_model *m, struct proc_node *n)
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
			older = n->older;
			node_free(m, n);
		}
		HASH_DEL(
			m->slots,
			s); // NOLINT(clang-analyzer-unix.Malloc,clang-analyzer-core.NullDereference)
		free(s);
	}
	for (slab = m->slabs; slab; slab = next) {
		ASAN_UNPOISON_MEMORY_REGION(slab, SLAB_BYTES);
		next = slab->next;
		free(slab);
	}
	free(m);
}

/* ---- finding processes ---- */

static struct pid_slot *slot_find(const struct pt_model *m, __u32 pid)
{
	struct pid_slot *s;

	HASH_FIND(hh, m->slots, &pid, sizeof(pid), s);
	return s;
}

static struct proc_node *node_find(const struct pt_model *m, __u32 pid, __u64 start_ns)
{
	struct pid_slot *s = slot_find(m, pid);
	struct proc_node *n;

	for (n = s ? s->newest : NULL; n; n = n->older) {
		if (n->pub.start_ns == start_ns)
			return n;
		if (n->pub.start_ns < start_ns)
			break;
	}
	return NULL;
}

const struct pt_proc *pt_model_find(const struct pt_model *m, __u32 pid, __u64 start_ns)
{
	struct pid_slot *s;
	struct proc_node *n;

	if (start_ns) {
		n = node_find(m, pid, start_ns);
	} else {
		s = slot_find(m, pid);
		n = s ? s->newest : NULL;
	}
	return n ? &n->pub : NULL;
}

/* (start, pid) order: a parent always sorts before its children, so parent
 * links that must point backwards in it can never form a cycle, whatever
 * the input says. */
static bool born_before(const struct pt_proc *a, const struct pt_proc *b)
{
	if (a->start_ns != b->start_ns)
		return a->start_ns < b->start_ns;
	return a->pid < b->pid;
}

static bool ended_before(const struct pt_proc *p, __u64 t)
{
	__u64 end = p->exit_ns ? p->exit_ns : p->reap_ns;

	if ((p->flags & PT_PROC_ENDED_UNSEEN) && p->ended_by_ns <= t)
		return true;
	return end && end < t;
}

/* The process that was `pid` when child was born: the newest holder of the
 * pid born before it, unless that one had already ended. Both the parent at
 * birth and any later adopter (init or a subreaper: an ancestor) qualify. */
static struct proc_node *parent_resolve(const struct pt_model *m, __u32 pid,
					const struct pt_proc *child)
{
	struct pid_slot *s;
	struct proc_node *n;

	if (pid == 0)
		return NULL;
	s = slot_find(m, pid);
	for (n = s ? s->newest : NULL; n; n = n->older) {
		if (!born_before(&n->pub, child))
			continue;
		return ended_before(&n->pub, child->start_ns) ? NULL : n;
	}
	return NULL;
}

/* ---- bounded memory ---- */

static bool droppable(const struct proc_node *n)
{
	return (n->pub.flags & (PT_PROC_REAP_SEEN | PT_PROC_ENDED_UNSEEN)) && n->nchild == 0;
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
static void queue_update(struct pt_model *m, struct proc_node *n)
{
	bool want;

	if (!m->opts.max_ended)
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
		queue_update(m, old);
	}
	if (parent) {
		parent->nchild++;
		queue_update(m, parent);
	}
}

/* Only the bounded model counts children, to know what it may drop; the
 * tree itself is resolved when walked. */
static void ref_parent_link(struct pt_model *m, struct proc_node *n)
{
	if (m->opts.max_ended)
		ref_parent_set(m, n, parent_resolve(m, n->pub.ppid, &n->pub));
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
		HASH_DEL(
			m->slots,
			s); // NOLINT(clang-analyzer-unix.Malloc,clang-analyzer-core.NullDereference)
		free(s);
	}
}

static void node_drop(struct pt_model *m, struct proc_node *n)
{
	chain_unlink(m, n);
	if (n->queued)
		queue_remove(m, n);
	ref_parent_set(m, n, NULL);
	node_free(m, n);
	m->stats.procs--;
	m->stats.procs_dropped++;
}

static void limit_enforce(struct pt_model *m)
{
	while (m->opts.max_ended && m->ndrop > m->opts.max_ended)
		node_drop(m, m->drop_first);
}

/* ---- creating processes ---- */

/* A pid is only reused once its holder is gone: a process whose exit or
 * reap were not seen (lost, or the trace missed them) still ended before
 * the next holder started. */
static void ended_unseen_set(struct pt_model *m, struct proc_node *n, __u64 by_ns)
{
	if (n->pub.flags & PT_PROC_REAP_SEEN)
		return;
	if (!(n->pub.flags & PT_PROC_ENDED_UNSEEN) || by_ns < n->pub.ended_by_ns)
		n->pub.ended_by_ns = by_ns;
	n->pub.flags |= PT_PROC_ENDED_UNSEEN;
	queue_update(m, n);
}

static void chain_insert(struct pt_model *m, struct pid_slot *s, struct proc_node *n)
{
	struct proc_node **link = &s->newest;
	struct proc_node *newer = NULL;

	while (*link && (*link)->pub.start_ns > n->pub.start_ns) {
		newer = *link;
		link = &(*link)->older;
	}
	n->older = *link;
	*link = n;
	if (n->older)
		ended_unseen_set(m, n->older, n->pub.start_ns);
	if (newer)
		ended_unseen_set(m, n, newer->pub.start_ns);
}

static struct proc_node *node_create(struct pt_model *m, const struct pt_task *t)
{
	struct pid_slot *s = slot_find(m, t->pid);
	struct proc_node *n = node_alloc(m);

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
	node_free(m, n);
	return NULL;
}

/* ---- history ---- */

/* The state after an event: from its kind where that is certain, else what
 * the kernel said (a process cannot be reaped by a signal). */
static __u8 event_state(const struct pt_event *ev)
{
	switch (ev->kind) {
	case PT_EXIT:
		if (ev->flags & PT_F_GROUP_DEAD)
			return PT_STATE_ZOMBIE;
		break;
	case PT_REAP:
		return PT_STATE_REAPED;
	case PT_STOP:
		return PT_STATE_STOPPED;
	case PT_FORK:
	case PT_EXEC:
	case PT_CONTINUE:
		return PT_STATE_ALIVE;
	}
	return ev->task.state <= PT_STATE_ZOMBIE ? ev->task.state : PT_STATE_ALIVE;
}

/* Order of marks with the same timestamp: the order of a lifetime. */
static int kind_rank(unsigned kind)
{
	static const signed char rank[PT_KIND_MAX] = {
		[PT_SNAPSHOT] = 0, [PT_FORK] = 1,     [PT_THREAD] = 2, [PT_EXEC] = 3,
		[PT_RENAME] = 4,   [PT_SETPGID] = 5,  [PT_SETSID] = 6, [PT_SIGNAL] = 7,
		[PT_STOP] = 8,	   [PT_CONTINUE] = 9, [PT_EXIT] = 10,  [PT_REAP] = 11,
	};

	return kind < PT_KIND_MAX ? rank[kind] : 12;
}

static bool mark_after(const struct pt_mark *a, const struct pt_mark *b)
{
	if (a->ts_ns != b->ts_ns)
		return a->ts_ns > b->ts_ns;
	return kind_rank(a->kind) > kind_rank(b->kind);
}

static int marks_grow(struct proc_node *n)
{
	size_t cap = n->marks_cap * 2;
	struct pt_mark *marks;

	if (n->marks == n->inline_marks) {
		marks = malloc(cap * sizeof(*marks));
		if (marks)
			memcpy(marks, n->inline_marks, sizeof(n->inline_marks));
	} else {
		marks = realloc(n->marks, cap * sizeof(*marks));
	}
	if (!marks)
		return -ENOMEM;
	n->marks = marks;
	n->marks_cap = cap;
	n->pub.marks = marks;
	return 0;
}

static int mark_insert(struct pt_model *m, struct proc_node *n, const struct pt_mark *mk)
{
	size_t i = n->pub.nmarks;
	bool ends = mk->kind == PT_EXIT || mk->kind == PT_REAP;

	if (m->opts.max_ended && i >= BOUNDED_MAX_MARKS && !ends) {
		n->pub.flags |= PT_PROC_TRIMMED;
		return 0;
	}
	if (i == n->marks_cap && marks_grow(n))
		return -ENOMEM;
	while (i > 0 && mark_after(&n->marks[i - 1], mk))
		i--;
	memmove(&n->marks[i + 1], &n->marks[i], (n->pub.nmarks - i) * sizeof(*mk));
	n->marks[i] = *mk;
	n->pub.nmarks++;
	n->pub.marks = n->marks;
	return 0;
}

static void mark_remove(struct proc_node *n, size_t i)
{
	memmove(&n->marks[i], &n->marks[i + 1], (n->pub.nmarks - i - 1) * sizeof(n->marks[0]));
	n->pub.nmarks--;
}

static void mark_from_event(struct pt_mark *mk, const struct pt_event *ev)
{
	memset(mk, 0, sizeof(*mk));
	mk->ts_ns = ev->task.ts_ns;
	mk->kind = ev->kind;
	mk->flags = ev->flags;
	mk->state = event_state(ev);
	if (pt_event_has_actor(ev)) {
		mk->has_by = 1;
		mk->by = ev->by.pid;
		memcpy(mk->by_comm, ev->by.comm, PT_COMM_LEN);
	}
	switch (ev->kind) {
	case PT_SIGNAL:
	case PT_STOP:
	case PT_CONTINUE:
		mk->signal.sig = ev->signal.sig;
		mk->signal.code = ev->signal.code;
		mk->signal.result = ev->signal.result;
		break;
	case PT_SETPGID:
	case PT_SETSID:
		mk->group.pgid = ev->task.pgid;
		mk->group.sid = ev->task.sid;
		mk->group.old_pgid = ev->setpg.old_pgid;
		mk->group.old_sid = ev->setpg.old_sid;
		break;
	case PT_RENAME:
		memcpy(mk->old_comm, ev->rename.old_comm, PT_COMM_LEN);
		break;
	case PT_EXIT:
		mk->status = ev->exit.status;
		break;
	}
}

static int mark_add_event(struct pt_model *m, struct proc_node *n, const struct pt_event *ev,
			  const struct pt_prog *prog)
{
	struct pt_mark mk;

	mark_from_event(&mk, ev);
	if (ev->kind == PT_EXEC)
		mk.prog = prog;
	return mark_insert(m, n, &mk);
}

/* ---- the fields every event carries ---- */

static bool is_leader_event(const struct pt_event *ev)
{
	return ev->task.tid == ev->task.pid || ev->task.tid == 0;
}

static void common_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev,
			 bool fresh)
{
	const struct pt_task *t = &ev->task;
	struct pt_proc *p = &n->pub;
	bool fork = ev->kind == PT_FORK;
	bool leader = is_leader_event(ev);
	bool relink = fresh;

	/* The fork is the child's first event whenever it arrives: it only
	 * fills in the parent and the values at birth, never newer ones. */
	if (fresh || t->ts_ns < p->first_ts)
		p->first_ts = t->ts_ns;
	if (fork || (!(p->flags & PT_PROC_FORK_SEEN) && p->first_ts == t->ts_ns)) {
		p->orig_ppid = t->ppid;
		p->first_pgid = t->pgid;
		p->first_sid = t->sid;
	}
	if (fork) {
		p->flags |= PT_PROC_FORK_SEEN;
		if (pt_event_has_actor(ev) && ev->by.pid == t->ppid)
			memcpy(p->parent_comm, ev->by.comm, PT_COMM_LEN);
		relink = relink || !n->ref_parent;
	}
	/* A thread's events carry the thread's comm, not the process's. */
	if (fresh || (leader && !fork && t->ts_ns >= n->comm_ts)) {
		memcpy(p->comm, t->comm, PT_COMM_LEN);
		n->comm_ts = leader && !fork ? t->ts_ns : 0;
	}
	if (fresh || (!fork && t->ts_ns >= p->last_ts)) {
		relink = relink || p->ppid != t->ppid;
		p->last_ts = t->ts_ns;
		p->ppid = t->ppid;
		p->pgid = t->pgid;
		p->sid = t->sid;
		p->uid = t->uid;
		p->ns_pid = t->ns_pid;
		p->pidns = t->pidns;
		p->cgroup_id = t->cgroup_id;
		p->state = event_state(ev);
	}
	if (fork && p->ppid == p->orig_ppid)
		p->reparent_ns = 0;
	if (t->ppid != p->orig_ppid && (!p->reparent_ns || t->ts_ns < p->reparent_ns))
		p->reparent_ns = t->ts_ns;
	if (relink)
		ref_parent_link(m, n);
}

/* ---- threads ---- */

static struct thread_node *thread_get(struct proc_node *n, __u32 tid)
{
	struct thread_node *t;

	HASH_FIND(hh, n->threads, &tid, sizeof(tid), t);
	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->pub.tid = tid;
	HASH_ADD(hh, n->threads, pub.tid, sizeof(tid), t);
	if (!t->hh.tbl) {
		free(t);
		return NULL;
	}
	n->pub.nthreads++;
	return t;
}

static void thread_forget_oldest_ended(struct proc_node *n)
{
	struct thread_node *t = n->ended_first;

	n->ended_first = t->next_ended;
	if (!n->ended_first)
		n->ended_last = NULL;
	n->nended--;
	HASH_DEL(n->threads, t);
	free(t);
	n->pub.nthreads--;
	n->pub.flags |= PT_PROC_TRIMMED;
}

static void thread_end(struct pt_model *m, struct proc_node *n, struct thread_node *t, __u64 ts)
{
	bool first_end = !t->pub.exit_ns;

	if (first_end || ts < t->pub.exit_ns)
		t->pub.exit_ns = ts;
	if (!first_end || !m->opts.max_ended)
		return;
	t->next_ended = NULL;
	if (n->ended_last)
		n->ended_last->next_ended = t;
	else
		n->ended_first = t;
	n->ended_last = t;
	if (++n->nended > m->opts.max_ended)
		thread_forget_oldest_ended(n);
}

static int thread_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev)
{
	__u32 tid = ev->kind == PT_EXEC ? ev->exec.old_tid : ev->task.tid;
	struct thread_node *t;

	if (!m->opts.threads || tid == ev->task.pid || tid == 0)
		return 0;
	t = thread_get(n, tid);
	if (!t)
		return -ENOMEM;
	switch (ev->kind) {
	case PT_THREAD:
		t->pub.start_ns = ev->task.ts_ns;
		memcpy(t->pub.comm, ev->task.comm, PT_COMM_LEN);
		break;
	case PT_RENAME:
		memcpy(t->pub.comm, ev->task.comm, PT_COMM_LEN);
		break;
	case PT_EXEC:
		/* The calling thread takes over the pid; as a thread it is gone. */
		t->pub.took_pid = true;
		thread_end(m, n, t, ev->task.ts_ns);
		break;
	case PT_EXIT:
		if (!t->pub.comm[0])
			memcpy(t->pub.comm, ev->task.comm, PT_COMM_LEN);
		thread_end(m, n, t, ev->task.ts_ns);
		break;
	}
	return 0;
}

static int thread_cmp(const void *a, const void *b)
{
	const struct pt_thread *x = *(const struct pt_thread *const *)a;
	const struct pt_thread *y = *(const struct pt_thread *const *)b;

	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

size_t pt_proc_threads(const struct pt_proc *p, const struct pt_thread **out, size_t max)
{
	const struct proc_node *n = node_of(p);
	const struct thread_node *t;
	size_t i = 0;

	for (t = n->threads; t && i < max; t = t->hh.next)
		out[i++] = &t->pub;
	qsort(out, i, sizeof(*out), thread_cmp);
	return i;
}

/* ---- what each kind of event does ---- */

static int exec_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev)
{
	struct pt_prog *prog = NULL, **link;
	const __u8 *argv;
	const char *path;
	size_t argv_len, path_len;

	if (m->opts.max_ended && n->pub.nprogs >= BOUNDED_MAX_PROGS) {
		n->pub.flags |= PT_PROC_TRIMMED;
		goto mark;
	}
	argv = pt_exec_argv(ev, &argv_len);
	path = pt_exec_path(ev, &path_len);
	prog = malloc(sizeof(*prog) + argv_len + path_len + 1);
	if (!prog)
		return -ENOMEM;
	memset(prog, 0, sizeof(*prog));
	prog->ts_ns = ev->task.ts_ns;
	prog->old_tid = ev->exec.old_tid;
	prog->argc = ev->exec.argc;
	prog->args_size = ev->exec.args_size;
	prog->argv_len = argv_len;
	prog->path_len = path_len;
	prog->flags = ev->flags & (PT_F_ARGV_TRUNC | PT_F_ARGV_FAULT | PT_F_PATH_TRUNC);
	prog->argv = (const __u8 *)(prog + 1);
	memcpy(prog + 1, argv, argv_len);
	prog->path = (const char *)(prog + 1) + argv_len;
	memcpy((char *)(prog + 1) + argv_len, path, path_len);
	((char *)(prog + 1))[argv_len + path_len] = '\0';

	for (link = &n->progs; *link && (*link)->ts_ns <= prog->ts_ns; link = &(*link)->next)
		;
	prog->next = *link;
	*link = prog;
	n->pub.progs = n->progs;
	n->pub.nprogs++;
mark:
	return mark_add_event(m, n, ev, prog);
}

static ssize_t synthetic_exit_find(const struct proc_node *n)
{
	size_t i;

	for (i = 0; i < n->pub.nmarks; i++)
		if (n->marks[i].kind == PT_EXIT && n->marks[i].synthetic)
			return (ssize_t)i;
	return -1;
}

static int exit_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev)
{
	struct pt_proc *p = &n->pub;
	ssize_t synth;

	if (!(ev->flags & PT_F_GROUP_DEAD)) {
		/* A thread ended; the process goes on (its main thread may be
		 * the one that ended: the process is not dead for that). */
		if (ev->task.tid == ev->task.pid &&
		    (!p->leader_exit_ns || ev->task.ts_ns < p->leader_exit_ns))
			p->leader_exit_ns = ev->task.ts_ns;
		return thread_apply(m, n, ev);
	}
	p->flags |= PT_PROC_EXIT_SEEN;
	p->exit = ev->exit;
	p->exit_ns = ev->task.ts_ns;
	synth = synthetic_exit_find(n);
	if (synth >= 0)
		mark_remove(n, (size_t)synth);
	if (thread_apply(m, n, ev))
		return -ENOMEM;
	return mark_add_event(m, n, ev, NULL);
}

static int reap_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev)
{
	struct pt_proc *p = &n->pub;
	struct pt_mark mk;
	int err;

	/* Seen after all, even if a new holder of its pid came first. */
	p->flags = (p->flags | PT_PROC_REAP_SEEN) & ~PT_PROC_ENDED_UNSEEN;
	p->reap_ns = ev->task.ts_ns;
	if (ev->flags & PT_F_AUTOREAP) {
		p->flags |= PT_PROC_AUTOREAP;
	} else if (pt_event_has_actor(ev)) {
		p->reaper = ev->by.pid;
		memcpy(p->reaper_comm, ev->by.comm, PT_COMM_LEN);
	}
	/* Its exit was lost: the reap still says when it became a zombie. */
	if (!(p->flags & PT_PROC_EXIT_SEEN) && ev->reap.exit_ns && synthetic_exit_find(n) < 0) {
		p->exit_ns = ev->reap.exit_ns;
		memset(&mk, 0, sizeof(mk));
		mk.ts_ns = ev->reap.exit_ns;
		mk.kind = PT_EXIT;
		mk.flags = PT_F_GROUP_DEAD;
		mk.state = PT_STATE_ZOMBIE;
		mk.synthetic = 1;
		err = mark_insert(m, n, &mk);
		if (err)
			return err;
	}
	err = mark_add_event(m, n, ev, NULL);
	queue_update(m, n);
	return err;
}

static int kind_apply(struct pt_model *m, struct proc_node *n, const struct pt_event *ev)
{
	switch (ev->kind) {
	case PT_SNAPSHOT:
		n->pub.flags |= PT_PROC_SNAPSHOT;
		return mark_add_event(m, n, ev, NULL);
	case PT_THREAD:
		return thread_apply(m, n, ev);
	case PT_EXEC:
		if (ev->exec.old_tid != ev->task.pid && thread_apply(m, n, ev))
			return -ENOMEM;
		return exec_apply(m, n, ev);
	case PT_EXIT:
		return exit_apply(m, n, ev);
	case PT_REAP:
		return reap_apply(m, n, ev);
	case PT_RENAME:
		if (!is_leader_event(ev))
			return thread_apply(m, n, ev);
		return mark_add_event(m, n, ev, NULL);
	default: /* fork, signal, stop, continue, setpgid, setsid */
		return mark_add_event(m, n, ev, NULL);
	}
}

static void lost_account(struct pt_model *m, const struct pt_event *ev)
{
	unsigned k;

	m->stats.lost += ev->lost.count;
	for (k = 0; k < PT_KIND_MAX; k++)
		m->stats.lost_by_kind[k] += ev->lost.by_kind[k];
}

int pt_model_feed(struct pt_model *m, const struct pt_event *ev)
{
	const struct pt_task *t = &ev->task;
	struct proc_node *n;
	bool fresh = false;
	int err;

	if (ev->kind == 0 || ev->kind >= PT_KIND_MAX)
		return -EINVAL;
	m->stats.events++;
	if (ev->kind == PT_LOST) {
		lost_account(m, ev);
		return 0;
	}
	if (t->ts_ns && (!m->stats.first_ts || t->ts_ns < m->stats.first_ts))
		m->stats.first_ts = t->ts_ns;
	if (t->ts_ns > m->last_ts)
		m->last_ts = t->ts_ns;

	n = node_find(m, t->pid, t->start_ns);
	if (!n) {
		n = node_create(m, t);
		if (!n)
			return -ENOMEM;
		fresh = true;
	}
	common_apply(m, n, ev, fresh);
	err = kind_apply(m, n, ev);
	limit_enforce(m);
	return err;
}

void pt_model_set_end(struct pt_model *m, __u64 end_ns)
{
	m->set_end = end_ns;
}

void pt_model_stats(const struct pt_model *m, struct pt_model_stats *out)
{
	*out = m->stats;
	out->end_ns = m->set_end > m->last_ts ? m->set_end : m->last_ts;
}

/* ---- walking the tree ---- */

static int node_cmp(const void *a, const void *b)
{
	const struct proc_node *x = *(const struct proc_node *const *)a;
	const struct proc_node *y = *(const struct proc_node *const *)b;

	if (born_before(&x->pub, &y->pub))
		return -1;
	return born_before(&y->pub, &x->pub);
}

static struct proc_node **nodes_sorted(const struct pt_model *m, size_t *count)
{
	struct proc_node **nodes, *n;
	struct pid_slot *s;
	size_t i = 0;

	nodes = malloc((m->stats.procs ? m->stats.procs : 1) * sizeof(*nodes));
	if (!nodes)
		return NULL;
	for (s = m->slots; s; s = s->hh.next)
		for (n = s->newest; n; n = n->older)
			nodes[i++] = n;
	qsort(nodes, i, sizeof(*nodes), node_cmp);
	*count = i;
	return nodes;
}

/* Children lists, built in (start, pid) order so that siblings come out
 * sorted. Returns the first root. */
static struct proc_node *tree_link(const struct pt_model *m, struct proc_node **nodes, size_t count)
{
	struct proc_node *first_root = NULL, *last_root = NULL, *n, *parent;
	size_t i;

	for (i = 0; i < count; i++)
		nodes[i]->w_first = nodes[i]->w_last = nodes[i]->w_next = NULL;
	for (i = 0; i < count; i++) {
		n = nodes[i];
		parent = parent_resolve(m, n->pub.ppid, &n->pub);
		n->w_parent = parent;
		n->w_missing = !parent && n->pub.ppid != 0;
		if (parent) {
			if (parent->w_last)
				parent->w_last->w_next = n;
			else
				parent->w_first = n;
			parent->w_last = n;
		} else {
			if (last_root)
				last_root->w_next = n;
			else
				first_root = n;
			last_root = n;
		}
	}
	return first_root;
}

int pt_model_walk(struct pt_model *m, pt_walk_fn fn, void *ctx)
{
	struct proc_node **nodes, *cur, *orig;
	struct pt_walk w;
	size_t count = 0, row = 0;
	unsigned depth = 0;
	int rc = 0;

	nodes = nodes_sorted(m, &count);
	if (!nodes)
		return -ENOMEM;
	cur = count ? tree_link(m, nodes, count) : NULL;
	while (cur) {
		w = (struct pt_walk){
			.proc = &cur->pub,
			.parent = cur->w_parent ? &cur->w_parent->pub : NULL,
			.reparented = cur->pub.ppid != cur->pub.orig_ppid,
			.parent_missing = cur->w_missing,
			.last = !cur->w_next,
			.has_children = cur->w_first != NULL,
			.depth = depth,
			.row = row,
		};
		row++;
		if (w.reparented) {
			orig = parent_resolve(m, cur->pub.orig_ppid, &cur->pub);
			w.orig_parent = orig ? &orig->pub : NULL;
		}
		rc = fn(&w, ctx);
		if (rc)
			break;
		if (cur->w_first) {
			cur = cur->w_first;
			depth++;
			continue;
		}
		while (cur && !cur->w_next) {
			cur = cur->w_parent;
			depth--;
		}
		if (cur)
			cur = cur->w_next;
	}
	free(nodes);
	return rc;
}

/* ---- one process ---- */

enum pt_end pt_proc_end(const struct pt_proc *p)
{
	if (p->flags & PT_PROC_REAP_SEEN)
		return PT_END_REAPED;
	if (p->flags & PT_PROC_ENDED_UNSEEN)
		return PT_END_UNSEEN;
	if ((p->flags & PT_PROC_EXIT_SEEN) || p->state == PT_STATE_ZOMBIE)
		return PT_END_ZOMBIE;
	if (p->state == PT_STATE_STOPPED)
		return PT_END_STOPPED;
	return PT_END_RUNNING;
}

__u64 pt_proc_row_end(const struct pt_proc *p, __u64 end_ns)
{
	if (p->flags & PT_PROC_REAP_SEEN)
		return p->reap_ns;
	if (p->flags & PT_PROC_ENDED_UNSEEN)
		return p->last_ts;
	return end_ns > p->last_ts ? end_ns : p->last_ts;
}

const struct pt_mark *pt_proc_fatal_signal(const struct pt_proc *p)
{
	struct pt_status st;
	size_t i, exit_at = p->nmarks;

	if (!(p->flags & PT_PROC_EXIT_SEEN))
		return NULL;
	st = pt_decode_status(p->exit.status);
	if (!st.signaled)
		return NULL;
	for (i = 0; i < p->nmarks; i++)
		if (p->marks[i].kind == PT_EXIT)
			exit_at = i;
	for (i = exit_at; i-- > 0;) {
		const struct pt_mark *mk = &p->marks[i];

		if (mk->kind == PT_SIGNAL && mk->signal.sig == st.sig &&
		    mk->signal.result != PT_SIG_IGNORED)
			return mk;
	}
	return NULL;
}

/* ---- state over time ---- */

void pt_span_begin(struct pt_span_iter *it, const struct pt_proc *p, __u64 t0, __u64 t1)
{
	memset(it, 0, sizeof(*it));
	it->p = p;
	it->t0 = t0;
	it->t1 = t1 > t0 ? t1 : t0;
	it->row_end = pt_proc_row_end(p, it->t1);
	it->at = p->start_ns;
	/* Born alive; a snapshot says what it was when tracing began. */
	it->state = PT_STATE_ALIVE;
	if (p->nmarks && p->marks[0].kind == PT_SNAPSHOT && p->marks[0].state != PT_STATE_REAPED)
		it->state = p->marks[0].state;
}

static __u64 clamp_ns(__u64 v, __u64 lo, __u64 hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* A row that is shorter than a nanosecond after clipping still shows. */
static bool span_degenerate(struct pt_span_iter *it, struct pt_span *out)
{
	const struct pt_proc *p = it->p;

	if (it->yielded || p->start_ns > it->t1 || it->row_end < it->t0 ||
	    it->row_end < p->start_ns)
		return false;
	it->yielded = true;
	out->from = out->to = clamp_ns(p->start_ns, it->t0, it->t1);
	out->state = it->state;
	return true;
}

bool pt_span_next(struct pt_span_iter *it, struct pt_span *out)
{
	const struct pt_proc *p = it->p;
	__u64 to, from;
	size_t j;

	while (!it->done) {
		/* Marks at or before the start of this span only set its state. */
		while (it->i < p->nmarks && p->marks[it->i].ts_ns <= it->at) {
			if (p->marks[it->i].state == PT_STATE_REAPED)
				break;
			it->state = p->marks[it->i].state;
			it->i++;
		}
		if (it->at >= it->row_end || it->at >= it->t1 ||
		    (it->i < p->nmarks && p->marks[it->i].ts_ns <= it->at)) {
			it->done = true;
			break;
		}
		for (j = it->i; j < p->nmarks && p->marks[j].state == it->state; j++)
			;
		to = j < p->nmarks ? p->marks[j].ts_ns : it->row_end;
		if (to > it->row_end)
			to = it->row_end;
		from = it->at;
		out->state = it->state;
		it->at = to;
		it->i = j;
		from = clamp_ns(from, it->t0, it->t1);
		to = clamp_ns(to, it->t0, it->t1);
		if (from < to) {
			out->from = from;
			out->to = to;
			it->yielded = true;
			return true;
		}
	}
	return span_degenerate(it, out);
}
