// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --argv and --failed, decided on the event stream (gate.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/event_access.h"
#include "proctrace/gate.h"
/* uthash aborts on allocation failure unless told otherwise; a failed add
 * leaves hh.tbl NULL instead. */
#define HASH_NONFATAL_OOM 1
#include <uthash.h>

/* --argv: a process followed, from its matching exec or its birth. */
struct follow {
	__u32 pid;
	UT_hash_handle hh;
};

/* A row held by --failed; seq orders rows of several processes. */
struct held {
	__u64 seq;
	struct pt_event *ev;
};

/* --failed: what is known of a process until its reap. */
struct proc {
	__u32 pid;
	__u32 ppid;
	enum {
		HOLDING, /* its end not seen yet: rows held */
		SHOWN,	 /* failed, or an ancestor of one: rows pass */
		DROPPED, /* exited 0: rows dropped until its reap */
	} state;
	struct held *rows;
	size_t n, cap;
	size_t bytes;
	UT_hash_handle hh; /* insertion order: the longest held first */
};

struct pt_gate {
	struct pt_gate_opts o;
	pt_gate_emit_fn emit;
	void *ctx;
	struct follow *followed;
	struct proc *procs;
	size_t max_held, held;
	__u64 seq;
};

bool pt_gate_wanted(const struct pt_gate_opts *o)
{
	return o->failed || o->n_texts;
}

bool pt_gate_argv_has(const struct pt_event *ev, const char *text)
{
	size_t len, tn = strlen(text);
	const __u8 *a = ev->data;

	if (ev->kind != PT_EXEC && ev->kind != PT_EXEC_FAILED)
		return false;
	len = ev->exec.argv_len;
	if (ev->size < sizeof(*ev) || len > ev->size - sizeof(*ev))
		return false;
	while (len && !a[len - 1])
		len--;
	/* The arguments as one line: each NUL between them a space. */
	for (size_t i = 0; i + tn <= len; i++) {
		size_t j = 0;

		while (j < tn && (a[i + j] ? a[i + j] : ' ') == (__u8)text[j])
			j++;
		if (j == tn)
			return true;
	}
	return false;
}

bool pt_gate_failed_exit(const struct pt_event *ev)
{
	return ev->kind == PT_EXIT && (ev->flags & PT_F_GROUP_DEAD) && !(ev->flags & PT_F_RESCAN) &&
		ev->exit.status != 0;
}

struct pt_gate *pt_gate_new(const struct pt_gate_opts *o, size_t max_held, pt_gate_emit_fn emit,
			    void *ctx)
{
	struct pt_gate *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->o = *o;
	g->max_held = max_held;
	g->emit = emit;
	g->ctx = ctx;
	return g;
}

static struct follow *find_follow(struct pt_gate *g, __u32 pid)
{
	struct follow *x;

	HASH_FIND(hh, g->followed, &pid, sizeof(pid), x);
	return x;
}

static int follow(struct pt_gate *g, __u32 pid)
{
	struct follow *x;

	if (find_follow(g, pid))
		return 0;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->pid = pid;
	HASH_ADD(hh, g->followed, pid, sizeof(x->pid), x);
	if (!x->hh.tbl) {
		free(x);
		return -ENOMEM;
	}
	return 0;
}

static bool argv_matches(const struct pt_gate *g, const struct pt_event *ev)
{
	for (unsigned i = 0; i < g->o.n_texts; i++)
		if (pt_gate_argv_has(ev, g->o.texts[i]))
			return true;
	return false;
}

/* --argv: 1 when ev passes, 0 when not, -ENOMEM. */
static int argv_pass(struct pt_gate *g, const struct pt_event *ev)
{
	__u32 pid = ev->task.pid, forker;
	struct follow *x;
	int err = 0;

	if (!g->o.n_texts || ev->kind == PT_LOST)
		return 1;
	if (ev->kind == PT_FORK) {
		forker = pt_event_has_actor(ev) ? ev->by.pid : ev->task.ppid;
		if (find_follow(g, forker))
			err = follow(g, pid);
	} else if (ev->kind == PT_EXEC && argv_matches(g, ev)) {
		err = follow(g, pid);
	}
	if (err)
		return err;
	x = find_follow(g, pid);
	/* Nothing more comes for it: its pid may be another process next. */
	if (x && ev->kind == PT_REAP) {
		HASH_DEL(g->followed, x);
		free(x);
		return 1;
	}
	/* A failed exec changes nothing to follow, but is the exec asked for. */
	return x || (ev->kind == PT_EXEC_FAILED && argv_matches(g, ev));
}

static void drop_rows(struct pt_gate *g, struct proc *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->rows[i].ev);
	g->held -= p->bytes;
	p->n = 0;
	p->bytes = 0;
}

static void forget(struct pt_gate *g, struct proc *p)
{
	drop_rows(g, p);
	free(p->rows);
	HASH_DEL(g->procs, p);
	free(p);
}

/* Room for need more bytes: the rows held longest are dropped, one
 * process at a time, and said as one PT_LOST row. */
static int make_room(struct pt_gate *g, size_t need, __u64 ts_ns)
{
	struct pt_event lost = { .kind = PT_LOST, .flags = PT_F_NO_ACTOR, .size = sizeof(lost) };
	/* Insertion order: the process held longest first. */
	for (struct proc *p = g->procs; p && g->held + need > g->max_held; p = p->hh.next) {
		for (size_t i = 0; i < p->n; i++) {
			unsigned k = p->rows[i].ev->kind;

			lost.lost.count++;
			if (k < PT_KIND_MAX)
				lost.lost.by_kind[k]++;
		}
		drop_rows(g, p);
	}
	if (!lost.lost.count)
		return 0;
	lost.task.ts_ns = ts_ns;
	return g->emit(g->ctx, &lost);
}

static int hold(struct pt_gate *g, struct proc *p, const struct pt_event *ev)
{
	size_t size = ev->size > sizeof(*ev) ? ev->size : sizeof(*ev);
	struct pt_event *copy;
	int err;

	if (size > g->max_held) {
		/* A row alone over the bound: lost itself. */
		struct pt_event lost = { .kind = PT_LOST,
					 .flags = PT_F_NO_ACTOR,
					 .size = sizeof(lost) };

		lost.lost.count = 1;
		lost.lost.by_kind[ev->kind < PT_KIND_MAX ? ev->kind : PT_LOST] = 1;
		lost.task.ts_ns = ev->task.ts_ns;
		return g->emit(g->ctx, &lost);
	}
	if (g->held + size > g->max_held && (err = make_room(g, size, ev->task.ts_ns)))
		return err;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct held *rows = realloc(p->rows, cap * sizeof(*rows));

		if (!rows)
			return -ENOMEM;
		p->rows = rows;
		p->cap = cap;
	}
	copy = malloc(size);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, ev, size);
	p->rows[p->n++] = (struct held){ .seq = g->seq++, .ev = copy };
	p->bytes += size;
	g->held += size;
	return 0;
}

static int by_seq(const void *a, const void *b)
{
	const struct held *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* p failed: its rows and its held ancestors' go out, in their order. */
static int show(struct pt_gate *g, struct proc *p)
{
	struct held *all = NULL;
	size_t n = 0, cap = 0;
	int err = 0;

	for (struct proc *q = p; q && q->state != SHOWN;) {
		__u32 up = q->ppid;

		if (n + q->n > cap) {
			struct held *r = realloc(all, (n + q->n) * 2 * sizeof(*r));

			if (!r) {
				for (size_t i = 0; i < n; i++)
					free(all[i].ev);
				free(all);
				return -ENOMEM;
			}
			all = r;
			cap = (n + q->n) * 2;
		}
		if (q->n)
			memcpy(all + n, q->rows, q->n * sizeof(*all));
		n += q->n;
		g->held -= q->bytes;
		q->n = 0;
		q->bytes = 0;
		q->state = SHOWN;
		if (!up || up == q->pid)
			break;
		HASH_FIND(hh, g->procs, &up, sizeof(up), q);
		/* An ancestor that ended 0 left no rows to show. */
		if (q && q->state == DROPPED)
			break;
	}
	if (n)
		qsort(all, n, sizeof(*all), by_seq);
	for (size_t i = 0; i < n; i++) {
		if (!err)
			err = g->emit(g->ctx, all[i].ev);
		free(all[i].ev);
	}
	free(all);
	return err;
}

/* --failed, on a row --argv passed. */
static int failed_stage(struct pt_gate *g, const struct pt_event *ev)
{
	__u32 pid = ev->task.pid;
	struct proc *p;
	int err = 0;

	if (!g->o.failed || ev->kind == PT_LOST)
		return g->emit(g->ctx, ev);
	HASH_FIND(hh, g->procs, &pid, sizeof(pid), p);
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return -ENOMEM;
		p->pid = pid;
		HASH_ADD(hh, g->procs, pid, sizeof(p->pid), p);
		if (!p->hh.tbl) {
			free(p);
			return -ENOMEM;
		}
	}
	p->ppid = ev->task.ppid;
	if (p->state == SHOWN) {
		err = g->emit(g->ctx, ev);
	} else if (p->state == HOLDING) {
		err = hold(g, p, ev);
		if (!err && pt_gate_failed_exit(ev)) {
			err = show(g, p);
		} else if (!err && ev->kind == PT_EXIT && (ev->flags & PT_F_GROUP_DEAD)) {
			drop_rows(g, p);
			p->state = DROPPED;
		}
	}
	if (ev->kind == PT_REAP)
		forget(g, p);
	return err;
}

int pt_gate_event(struct pt_gate *g, const struct pt_event *ev)
{
	int pass = argv_pass(g, ev);

	if (pass <= 0)
		return pass;
	return failed_stage(g, ev);
}

size_t pt_gate_undecided(const struct pt_gate *g)
{
	size_t n = 0;

	for (const struct proc *p = g->procs; p; p = p->hh.next)
		n += p->state == HOLDING && p->n;
	return n;
}

void pt_gate_free(struct pt_gate *g)
{
	struct follow *fx;
	struct proc *px;

	if (!g)
		return;
	fx = g->followed;
	px = g->procs;

	/* The tables go whole (HASH_CLEAR), then each element. */
	HASH_CLEAR(hh, g->followed);
	HASH_CLEAR(hh, g->procs);
	for (struct follow *next; fx; fx = next) {
		next = fx->hh.next;
		free(fx);
	}
	for (struct proc *next; px; px = next) {
		next = px->hh.next;
		drop_rows(g, px);
		free(px->rows);
		free(px);
	}
	free(g);
}
