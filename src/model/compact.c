// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Compact records of ended processes (pt_model_opts.compact). A node costs
 * about a kilobyte (struct pt_proc with its usage and names, inline marks,
 * the bookkeeping of threads and scheduler states); a build or a fork
 * storm ends hundreds of thousands of processes that the views draw only
 * when tracing ends. Once a process has ended, its node becomes a record:
 * the node's image (struct pt_proc, marks, folds, programs) coded as the
 * bytes that differ from a template, the image of a recent process. Ended
 * processes of one command differ in their ids and times only, so a
 * record holds a few dozen bytes beside its key. Programs' argv and paths
 * are interned: processes that ran the same command share them.
 *
 * The code is exact (a record expands to the node it was, byte for byte),
 * so every view draws what it drew from the node. The walk expands a
 * record into a scratch node when it reaches it; an event that comes late
 * for it makes it a node again. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model_int.h"

/* Recent images a record may be coded against; the least like it is
 * replaced when none is close. */
#define TMPLS 4

struct rec_tmpl {
	struct rec_tmpl *next; /* every template, to free them */
	size_t len;
	unsigned char img[];
};

/* An interned argv and path: argv_len bytes, then the path with its NUL. */
struct prog_blob {
	UT_hash_handle hh;
	struct prog_blob *next; /* every blob, to free them */
	size_t len;
	unsigned char data[];
};

/* A node expanded from a record, with the room its arrays need. */
struct proc_scratch {
	struct proc_node node;
	struct pt_mark *marks;
	size_t marks_cap;
	struct pt_prog *progs;
	size_t progs_cap;
	struct pt_fold folds[PT_FOLDS_MAX];
};

struct model_compact {
	struct rec_tmpl *all;
	struct rec_tmpl *recent[TMPLS];
	struct rec_tmpl *last_best; /* the last record's */
	size_t next_recent;
	struct prog_blob *blobs; /* uthash by content */
	struct prog_blob *all_blobs;
	unsigned char *img, *code, *out;
	size_t img_cap, code_cap, out_cap;
	struct proc_scratch **slots;
	size_t nslots;
};

/* What of a node is not in struct pt_proc. */
struct img_head {
	struct pt_proc pub; /* its pointers zeroed */
	__u64 comm_ts;
	__u32 sched_state;
	__u32 _pad;
};

int model_compact_init(struct pt_model *m)
{
	m->compact = calloc(1, sizeof(*m->compact));
	return m->compact ? 0 : -ENOMEM;
}

void model_compact_free(struct pt_model *m)
{
	struct model_compact *c = m->compact;
	struct rec_tmpl *t, *next;
	struct prog_blob *b, *bnext;
	size_t i;

	if (!c)
		return;
	for (t = c->all; t; t = next) {
		next = t->next;
		free(t);
	}
	/* The table freed whole, then the blobs: no deletion one by one. */
	HASH_CLEAR(hh, c->blobs);
	for (b = c->all_blobs; b; b = bnext) {
		bnext = b->next;
		free(b);
	}
	for (i = 0; i < c->nslots; i++) {
		if (!c->slots[i])
			continue;
		free(c->slots[i]->marks);
		free(c->slots[i]->progs);
		free(c->slots[i]);
	}
	free(c->slots);
	free(c->img);
	free(c->code);
	free(c->out);
	free(c);
	m->compact = NULL;
}

void entry_key(const struct proc_node *e, struct proc_key *k)
{
	const struct pt_proc *p;

	if (entry_is_rec(e)) {
		*k = entry_rec(e)->key;
		return;
	}
	p = &e->pub;
	*k = (struct proc_key){
		.start_ns = p->start_ns,
		.first_ts = p->first_ts,
		.exit_ns = p->exit_ns,
		.reap_ns = p->reap_ns,
		.ended_by_ns = p->ended_by_ns,
		.pid = p->pid,
		.ppid = p->ppid,
		.orig_ppid = p->orig_ppid,
		.flags = p->flags,
	};
}

static int grow(unsigned char **buf, size_t *cap, size_t want)
{
	unsigned char *b;
	size_t c = *cap ? *cap : 1024;

	if (want <= *cap)
		return 0;
	while (c < want)
		c *= 2;
	b = realloc(*buf, c);
	if (!b)
		return -ENOMEM;
	*buf = b;
	*cap = c;
	return 0;
}

/* ---- the image of a node ---- */

static size_t image_len(const struct pt_proc *p)
{
	return sizeof(struct img_head) + p->nmarks * sizeof(struct pt_mark) +
		p->nfolds * sizeof(struct pt_fold) + p->nprogs * sizeof(struct pt_prog);
}

static const struct prog_blob *blob_intern(struct model_compact *c, const struct pt_prog *prog)
{
	size_t len = prog->argv_len + prog->path_len + 1;
	struct prog_blob *b;

	if (grow(&c->out, &c->out_cap, len))
		return NULL;
	memcpy(c->out, prog->argv, prog->argv_len);
	memcpy(c->out + prog->argv_len, prog->path, prog->path_len + 1);
	HASH_FIND(hh, c->blobs, c->out, len, b);
	if (b)
		return b;
	b = malloc(sizeof(*b) + len);
	if (!b)
		return NULL;
	b->len = len;
	memcpy(b->data, c->out, len);
	HASH_ADD_KEYPTR(hh, c->blobs, b->data, len, b);
	if (!b->hh.tbl) {
		free(b);
		return NULL;
	}
	b->next = c->all_blobs;
	c->all_blobs = b;
	return b;
}

/* Its programs' index (1-based) in p->progs, for an exec mark. */
static uintptr_t prog_index(const struct pt_proc *p, const struct pt_prog *prog)
{
	const struct pt_prog *q;
	uintptr_t i = 1;

	for (q = p->progs; q; q = q->next, i++)
		if (q == prog)
			return i;
	return 0;
}

/* n's image into c->img: its pointers made indexes or interned. */
static int image_make(struct model_compact *c, const struct proc_node *n, size_t *len)
{
	const struct pt_proc *p = &n->pub;
	struct img_head head = { .pub = *p, .comm_ts = n->comm_ts, .sched_state = n->sched_state };
	const struct pt_prog *prog;
	struct pt_mark *mk;
	struct pt_prog *ip;
	unsigned char *at;
	size_t i;

	*len = image_len(p);
	if (grow(&c->img, &c->img_cap, *len))
		return -ENOMEM;
	head.pub.marks = NULL;
	head.pub.folds = NULL;
	head.pub.progs = NULL;
	at = c->img;
	memcpy(at, &head, sizeof(head));
	at += sizeof(head);
	mk = (struct pt_mark *)at;
	if (p->nmarks)
		memcpy(mk, p->marks, p->nmarks * sizeof(*mk));
	for (i = 0; i < p->nmarks; i++)
		if (mk[i].kind == PT_EXEC)
			mk[i].prog = (const struct pt_prog *)prog_index(p, mk[i].prog);
	at += p->nmarks * sizeof(*mk);
	if (p->nfolds)
		memcpy(at, p->folds, p->nfolds * sizeof(struct pt_fold));
	at += p->nfolds * sizeof(struct pt_fold);
	for (prog = p->progs; prog; prog = prog->next, at += sizeof(*ip)) {
		const struct prog_blob *b = blob_intern(c, prog);

		if (!b)
			return -ENOMEM;
		ip = (struct pt_prog *)at;
		*ip = *prog;
		ip->next = NULL;
		ip->argv = b->data;
		ip->path = (const char *)b->data + prog->argv_len;
	}
	return 0;
}

/* ---- the code: runs of equal bytes and of differing ones ---- */

static size_t put_varint(unsigned char *out, size_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (unsigned char)v;
	return n;
}

static size_t get_varint(const unsigned char **in)
{
	size_t v = 0;
	unsigned shift = 0;
	unsigned char b;

	do {
		b = *(*in)++;
		v |= (size_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	return v;
}

static unsigned char tmpl_byte(const struct rec_tmpl *t, size_t i)
{
	return i < t->len ? t->img[i] : 0;
}

/* img against t into out (room for 2 * len + 16 bytes): pairs of (bytes
 * equal, bytes differing, those bytes XOR the template's). A run of
 * differing bytes goes on over fewer than 3 equal ones. */
/* Bytes from i on that equal the template's. */
static size_t same_run(const unsigned char *img, size_t len, const struct rec_tmpl *t, size_t i)
{
	size_t from = i, both = len < t->len ? len : t->len;
	__u64 a, b;

	/* Eight bytes a step where both have them: most of an image is
	 * equal to its template's. */
	while (i + 8 <= both) {
		memcpy(&a, img + i, 8);
		memcpy(&b, t->img + i, 8);
		if (a != b)
			break;
		i += 8;
	}
	while (i < len && img[i] == tmpl_byte(t, i))
		i++;
	return i - from;
}

/* img against t into out (room for 2 * len + 16 bytes): pairs of (bytes
 * equal, bytes differing, those bytes XOR the template's). A run of
 * differing bytes goes on over fewer than 3 equal ones. */
static size_t code_make(const unsigned char *img, size_t len, const struct rec_tmpl *t,
			unsigned char *out)
{
	size_t i = 0, n = 0, same, lit, k, gap;

	while (i < len) {
		same = same_run(img, len, t, i);
		if (i + same == len)
			break;
		i += same;
		lit = 0;
		for (;;) {
			while (i + lit < len && img[i + lit] != tmpl_byte(t, i + lit))
				lit++;
			for (gap = 0; gap < 3 && i + lit + gap < len &&
			     img[i + lit + gap] == tmpl_byte(t, i + lit + gap);
			     gap++)
				;
			if (gap == 3 || i + lit + gap == len)
				break;
			lit += gap;
		}
		n += put_varint(out + n, same);
		n += put_varint(out + n, lit);
		for (k = 0; k < lit; k++)
			out[n++] = img[i + k] ^ tmpl_byte(t, i + k);
		i += lit;
	}
	return n;
}

static void code_expand(const struct proc_rec *r, unsigned char *img)
{
	const unsigned char *in = r->code, *end = r->code + r->len;
	const struct rec_tmpl *t = r->tmpl;
	size_t i, at = 0, same, lit, both = r->img_len < t->len ? r->img_len : t->len;

	memcpy(img, t->img, both);
	memset(img + both, 0, r->img_len - both);
	while (in < end) {
		same = get_varint(&in);
		lit = get_varint(&in);
		at += same;
		for (i = 0; i < lit; i++, at++)
			img[at] ^= *in++;
	}
}

static struct rec_tmpl *tmpl_new(struct model_compact *c, const unsigned char *img, size_t len)
{
	struct rec_tmpl *t = malloc(sizeof(*t) + len);

	if (!t)
		return NULL;
	t->len = len;
	memcpy(t->img, img, len);
	t->next = c->all;
	c->all = t;
	c->recent[c->next_recent] = t;
	c->next_recent = (c->next_recent + 1) % TMPLS;
	return t;
}

/* ---- records ---- */

bool model_compactable(const struct pt_model *m, const struct proc_node *n)
{
	__u32 f = n->pub.flags;

	return m->compact && (f & (PT_PROC_REAP_SEEN | PT_PROC_ENDED_UNSEEN | PT_PROC_EXIT_ENDS)) &&
		!(f & PT_PROC_CONTEXT) && !n->threads && !n->nended && !n->sched_threads;
}

void model_compact(struct pt_model *m, struct proc_node **link)
{
	struct model_compact *c = m->compact;
	struct proc_node *n = *link;
	struct rec_tmpl *best = NULL, *coded = NULL; /* c->code holds coded's */
	struct proc_rec *r;
	size_t len, clen = 0, k, cl;

	if (image_make(c, n, &len) || grow(&c->code, &c->code_cap, 2 * len + 16))
		return;
	/* The template the last record took first: one close enough ends
	 * the search. */
	if (c->last_best) {
		best = coded = c->last_best;
		clen = code_make(c->img, len, best, c->code);
	}
	for (k = 0; k < TMPLS && (!best || clen > len / 16); k++) {
		if (!c->recent[k] || c->recent[k] == c->last_best)
			continue;
		coded = c->recent[k];
		cl = code_make(c->img, len, coded, c->code);
		if (!best || cl < clen) {
			best = c->recent[k];
			clen = cl;
		}
	}
	/* Nothing like it: it is the template of those to come. */
	if (!best || clen > len / 8 + 32) {
		best = tmpl_new(c, c->img, len);
		if (!best)
			return;
	}
	c->last_best = best;
	if (coded != best)
		clen = code_make(c->img, len, best, c->code);
	r = malloc(sizeof(*r) + clen);
	if (!r)
		return;
	r->older = n->older;
	r->tmpl = best;
	entry_key(n, &r->key);
	r->w_idx = 0;
	r->img_len = (__u32)len;
	r->len = (__u32)clen;
	memcpy(r->code, c->code, clen);
	*link = rec_entry(r);
	model_node_free(m, n);
	m->stats.procs_compact++;
}

static struct proc_scratch *slot_get(struct model_compact *c, size_t slot)
{
	struct proc_scratch **s;
	size_t n;

	if (slot >= c->nslots) {
		n = slot + 8;
		s = realloc(c->slots, n * sizeof(*s));
		if (!s)
			return NULL;
		memset(s + c->nslots, 0, (n - c->nslots) * sizeof(*s));
		c->slots = s;
		c->nslots = n;
	}
	if (!c->slots[slot])
		c->slots[slot] = calloc(1, sizeof(**c->slots));
	return c->slots[slot];
}

/* r expanded into s: the node it was, its arrays in s. */
static int expand(struct model_compact *c, const struct proc_rec *r, struct proc_scratch *s)
{
	struct img_head head;
	struct pt_proc *p = &s->node.pub;
	const unsigned char *at;
	uintptr_t idx;
	size_t i;

	if (grow(&c->out, &c->out_cap, r->img_len))
		return -ENOMEM;
	code_expand(r, c->out);
	memcpy(&head, c->out, sizeof(head));
	memset(&s->node, 0, sizeof(s->node));
	s->node.pub = head.pub;
	s->node.comm_ts = head.comm_ts;
	s->node.sched_state = head.sched_state;
	p->flags = r->key.flags;
	p->ended_by_ns = r->key.ended_by_ns;
	if (grow((unsigned char **)&s->marks, &s->marks_cap,
		 (p->nmarks ? p->nmarks : 1) * sizeof(struct pt_mark)) ||
	    grow((unsigned char **)&s->progs, &s->progs_cap,
		 (p->nprogs ? p->nprogs : 1) * sizeof(struct pt_prog)))
		return -ENOMEM;
	at = c->out + sizeof(head);
	memcpy(s->marks, at, p->nmarks * sizeof(struct pt_mark));
	at += p->nmarks * sizeof(struct pt_mark);
	memcpy(s->folds, at, p->nfolds * sizeof(struct pt_fold));
	at += p->nfolds * sizeof(struct pt_fold);
	memcpy(s->progs, at, p->nprogs * sizeof(struct pt_prog));
	for (i = 0; i + 1 < p->nprogs; i++)
		s->progs[i].next = &s->progs[i + 1];
	for (i = 0; i < p->nmarks; i++) {
		if (s->marks[i].kind != PT_EXEC)
			continue;
		idx = (uintptr_t)s->marks[i].prog;
		s->marks[i].prog = idx && idx <= p->nprogs ? &s->progs[idx - 1] : NULL;
	}
	p->marks = p->nmarks ? s->marks : NULL;
	p->folds = p->nfolds ? s->folds : NULL;
	p->progs = p->nprogs ? s->progs : NULL;
	s->node.marks = s->marks;
	s->node.marks_cap = p->nmarks;
	return 0;
}

const struct pt_proc *model_entry_proc(const struct pt_model *m, const struct proc_node *e,
				       size_t slot)
{
	struct proc_scratch *s;

	if (!entry_is_rec(e))
		return &e->pub;
	s = slot_get(m->compact, slot);
	if (!s || expand(m->compact, entry_rec(e), s))
		return NULL;
	return &s->node.pub;
}

struct proc_node *model_inflate(struct pt_model *m, struct proc_node **link)
{
	struct proc_rec *r = entry_rec(*link);
	struct proc_scratch *s = slot_get(m->compact, SLOT_AUX);
	struct pt_prog *prog, **tail;
	struct proc_node *n;
	const struct pt_prog *q;
	size_t i;

	if (!s || expand(m->compact, r, s))
		return NULL;
	n = model_node_alloc(m);
	if (!n)
		return NULL;
	n->pub = s->node.pub;
	n->comm_ts = s->node.comm_ts;
	n->sched_state = s->node.sched_state;
	n->marks = n->inline_marks;
	n->marks_cap = INLINE_MARKS;
	if (n->pub.nmarks > INLINE_MARKS) {
		n->marks = malloc(n->pub.nmarks * sizeof(*n->marks));
		n->marks_cap = n->pub.nmarks;
	}
	if (n->pub.nfolds)
		n->folds = calloc(PT_FOLDS_MAX, sizeof(*n->folds));
	if (!n->marks || (n->pub.nfolds && !n->folds))
		goto fail;
	memcpy(n->marks, s->marks, n->pub.nmarks * sizeof(*n->marks));
	if (n->folds)
		memcpy(n->folds, s->folds, n->pub.nfolds * sizeof(*n->folds));
	tail = &n->progs;
	for (q = n->pub.progs; q; q = q->next) {
		prog = model_prog_new(q, q->argv, q->argv_len, q->path, q->path_len);
		if (!prog)
			goto fail;
		for (i = 0; i < n->pub.nmarks; i++)
			if (n->marks[i].kind == PT_EXEC && n->marks[i].prog == q)
				n->marks[i].prog = prog;
		*tail = prog;
		tail = &prog->next;
	}
	n->pub.marks = n->pub.nmarks ? n->marks : NULL;
	n->pub.folds = n->folds;
	n->pub.progs = n->progs;
	n->older = r->older;
	*link = n;
	free(r);
	m->stats.procs_compact--;
	return n;
fail:
	n->pub.progs = NULL;
	n->older = NULL;
	model_node_free(m, n);
	return NULL;
}
