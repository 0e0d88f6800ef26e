// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The Perfetto trace (writer.h): the Trace Event Format's JSON object form,
 * one event per line, made from the model once the source is done. Made
 * from the model rather than from the stream of events because only the
 * model knows each state interval whole (events come slightly out of order,
 * a reap may tell an exit that was lost), so every slice is exact.
 *
 * Each process is a process track (the JSON "pid") holding one thread
 * track, its main thread (tid = pid), where its state slices and instants
 * sit; with --threads each other thread it had gets a track of its own.
 * Written in three passes over the processes in tree order: the metadata
 * (names, order), the fork slices on the parents, then each process's own
 * slices and instants. The fork slices come first so that, at the same
 * timestamp, a flow's source is read before its target. A track keeps what
 * the other tracks need of it (ids, name); its process is read again from
 * the model in the passes that draw it (pt_model_ref_proc), so a model
 * that keeps ended processes compact stays so. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/decode.h"
#include "proctrace/schema.h"
#include "proctrace/writer.h"
#include "json_text.h"

#ifndef PT_VERSION
#define PT_VERSION "unknown"
#endif

/* A pid reused during the trace is two processes, but the format knows a
 * process by its number only: the k-th later holder of a pid is given the
 * track number pid + k * PID_SPACE, above any pid (PID_MAX_LIMIT, 2^22).
 * Its name still says its real pid. Up to MAX_REUSE holders stay apart. */
#define PID_SPACE (1u << 22)
#define MAX_REUSE 1023u

/* A track's index in tree order; NO_TRACK: none. */
#define NO_TRACK UINT32_MAX

struct track {
	const struct pt_proc_ref *ref; /* its process in the model */
	__u64 start_ns;
	__u64 born;	 /* where its track begins (track_born) */
	__u64 fb_start;	 /* reparented: its parent at its fork's start_ns */
	__u32 pid;	 /* of its process */
	__u32 fb_pid;	 /* and pid (0: none), until tracks_number */
	__u32 parent;	 /* in the tree: the adopter if reparented */
	__u32 forked_by; /* parent at its fork, when seen and held */
	__u32 id;	 /* the JSON pid of its track */
	__u32 parent_id; /* forked_by's id */
	char comm[PT_COMM_LEN];
};

struct pf_ctx {
	FILE *f;	    /* borrowed */
	struct pt_model *m; /* borrowed */
	bool threads;
	__u64 t0, t1;
	struct track *tracks; /* in tree order */
	size_t n, cap;
	__u32 *path; /* the walk's: per depth, the track walked there */
	size_t path_cap;
	struct pt_buf out; /* events not yet written */
	struct pt_buf tmp; /* raw text made valid UTF-8 (json_text.h) */
	const struct pt_thread **thr;
	size_t thr_cap;
	bool first; /* no event written yet */
};

/* ---- the tracks ---- */

/* Where its track begins: at its fork event when it was seen (the kernel
 * stamps the birth a few µs before it, but a capture keeps only the
 * event's time), at the start of the trace for a process that ran before
 * it, else at its first event. So a replay of the capture gives the same
 * file as the live run. */
static __u64 track_born(const struct pf_ctx *c, const struct pt_proc *p)
{
	size_t i;

	if (p->flags & PT_PROC_FORK_SEEN)
		for (i = 0; i < p->nmarks; i++)
			if (p->marks[i].kind == PT_FORK)
				return p->marks[i].ts_ns > c->t0 ? p->marks[i].ts_ns : c->t0;
	if (p->flags & PT_PROC_SNAPSHOT)
		return c->t0;
	return p->first_ts > c->t0 ? p->first_ts : c->t0;
}

static int grow_path(struct pf_ctx *c, unsigned depth)
{
	size_t cap = c->path_cap ? c->path_cap * 2 : 64;
	__u32 *grown;

	if (depth < c->path_cap)
		return 0;
	while (cap <= depth)
		cap *= 2;
	grown = realloc(c->path, cap * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	c->path = grown;
	c->path_cap = cap;
	return 0;
}

static int collect(const struct pt_walk *w, void *ctx)
{
	struct pf_ctx *c = ctx;
	const struct pt_proc *p = w->proc;
	struct track *t;

	if (c->n >= NO_TRACK || grow_path(c, w->depth))
		return -ENOMEM;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct track *grown = realloc(c->tracks, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		c->tracks = grown;
		c->cap = cap;
	}
	c->path[w->depth] = (__u32)c->n;
	t = &c->tracks[c->n++];
	memset(t, 0, sizeof(*t));
	t->ref = w->ref;
	t->pid = p->pid;
	t->start_ns = p->start_ns;
	memcpy(t->comm, p->comm, sizeof(t->comm));
	t->parent = w->parent ? c->path[w->depth - 1] : NO_TRACK;
	t->forked_by = NO_TRACK;
	t->born = track_born(c, p);
	if ((p->flags & PT_PROC_FORK_SEEN) && !w->reparented) {
		t->forked_by = t->parent;
	} else if ((p->flags & PT_PROC_FORK_SEEN) && w->orig_parent) {
		/* Not on the walk's path: found by its ids once all are in. */
		t->fb_pid = w->orig_parent->pid;
		t->fb_start = w->orig_parent->start_ns;
	}
	return 0;
}

static int by_pid_then_start(const void *a, const void *b)
{
	const struct track *x = *(const struct track *const *)a;
	const struct track *y = *(const struct track *const *)b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return 0;
}

/* Track numbers (see PID_SPACE), and each fork's parent's. */
static int tracks_number(struct pf_ctx *c)
{
	struct track **idx = malloc((c->n ? c->n : 1) * sizeof(*idx)), **hit;
	size_t i, k = 0;

	if (!idx)
		return -ENOMEM;
	for (i = 0; i < c->n; i++)
		idx[i] = &c->tracks[i];
	qsort(idx, c->n, sizeof(*idx), by_pid_then_start);
	for (i = 0; i < c->n; i++) {
		k = i && idx[i - 1]->pid == idx[i]->pid ? k + 1 : 0;
		idx[i]->id = idx[i]->pid + (k < MAX_REUSE ? k : MAX_REUSE) * PID_SPACE;
	}
	for (i = 0; i < c->n; i++) {
		struct track *t = &c->tracks[i],
			     key = { .pid = t->fb_pid, .start_ns = t->fb_start };
		const struct track *kp = &key;

		if (t->fb_pid) {
			hit = bsearch(&kp, idx, c->n, sizeof(*idx), by_pid_then_start);
			t->forked_by = hit ? (__u32)(*hit - c->tracks) : NO_TRACK;
		}
		if (t->forked_by != NO_TRACK)
			t->parent_id = c->tracks[t->forked_by].id;
	}
	free(idx);
	return 0;
}

/* ---- JSON pieces ---- */

static __u64 rel(const struct pf_ctx *c, __u64 ts)
{
	return ts > c->t0 ? ts - c->t0 : 0;
}

/* ns as µs with three decimals: exact, and locale-free. */
static void put_us(struct pt_buf *b, const char *key, __u64 ns)
{
	pt_json_put_key(b, key, false);
	pt_buf_put_u64(b, ns / 1000);
	pt_buf_printf(b, ".%03u", (unsigned)(ns % 1000));
}

static void put_u64(struct pt_buf *b, const char *key, __u64 v)
{
	pt_json_put_key(b, key, false);
	pt_buf_put_u64(b, v);
}

static void put_word(struct pt_buf *b, const char *key, const char *word)
{
	pt_json_put_key(b, key, false);
	pt_json_put_string(b, word, strlen(word));
}

static void put_comm(struct pf_ctx *c, const char *key, const char *comm)
{
	pt_json_put_key(&c->out, key, false);
	pt_json_put_raw(&c->out, &c->tmp, comm, strnlen(comm, PT_COMM_LEN));
}

/* `{"ph":PH,"name":NAME,"pid":ID,"tid":TID`: every event's head. */
static void event_begin(struct pf_ctx *c, const char *ph, const char *name, __u32 id, __u32 tid)
{
	struct pt_buf *b = &c->out;

	if (!c->first)
		pt_buf_puts(b, ",\n");
	c->first = false;
	pt_buf_puts(b, "{\"ph\":");
	pt_json_put_string(b, ph, strlen(ph));
	put_word(b, "name", name);
	put_u64(b, "pid", id);
	put_u64(b, "tid", tid);
}

/* A complete slice: its category, start and duration. */
static void slice_begin(struct pf_ctx *c, const char *cat, const char *name, __u32 id, __u32 tid,
			__u64 from, __u64 to)
{
	event_begin(c, "X", name, id, tid);
	put_word(&c->out, "cat", cat);
	put_us(&c->out, "ts", rel(c, from));
	put_us(&c->out, "dur", to > from ? to - from : 0);
}

/* A thread-scoped instant on the process's main track; args follow. */
static void instant_begin(struct pf_ctx *c, const char *cat, const char *name,
			  const struct track *t, __u64 ts)
{
	event_begin(c, "i", name, t->id, t->id);
	put_word(&c->out, "cat", cat);
	put_word(&c->out, "s", "t");
	put_us(&c->out, "ts", rel(c, ts));
	pt_buf_puts(&c->out, ",\"args\":{");
}

/* "comm (pid)", the raw comm made valid UTF-8, into text (not yet JSON). */
static void put_named_text(struct pt_buf *text, const char *comm, __u32 pid)
{
	pt_escape_text(text, comm, strnlen(comm, PT_COMM_LEN), PT_ESC_BACKSLASH);
	pt_buf_printf(text, " (%u)", pid);
}

/* The same as a JSON string. */
static void put_named(struct pf_ctx *c, const char *comm, __u32 pid)
{
	pt_buf_reset(&c->tmp);
	put_named_text(&c->tmp, comm, pid);
	if (c->tmp.failed)
		c->out.failed = true;
	pt_json_put_string(&c->out, c->tmp.data, c->tmp.len);
}

/* process_name or thread_name: "comm (pid)", "comm (tid)". */
static void meta_name(struct pf_ctx *c, const char *what, __u32 id, __u32 tid, const char *comm,
		      __u32 pid)
{
	event_begin(c, "M", what, id, tid);
	pt_buf_puts(&c->out, ",\"args\":{\"name\":");
	put_named(c, comm, pid);
	pt_buf_puts(&c->out, "}}");
}

static void meta_sort(struct pf_ctx *c, const char *what, __u32 id, __u32 tid, size_t index)
{
	event_begin(c, "M", what, id, tid);
	pt_buf_puts(&c->out, ",\"args\":{\"sort_index\":");
	pt_buf_put_u64(&c->out, index);
	pt_buf_puts(&c->out, "}}");
}

static size_t threads_of(struct pf_ctx *c, const struct pt_proc *p)
{
	if (!c->threads || !p->nthreads)
		return 0;
	if (p->nthreads > c->thr_cap) {
		const struct pt_thread **grown = realloc(c->thr, p->nthreads * sizeof(*grown));

		if (!grown) {
			c->out.failed = true;
			return 0;
		}
		c->thr = grown;
		c->thr_cap = p->nthreads;
	}
	return pt_proc_threads(p, c->thr, p->nthreads);
}

static int flush_out(struct pf_ctx *c)
{
	int err = pt_buf_write(&c->out, c->f);

	pt_buf_reset(&c->out);
	return err;
}

/* ---- pass 1: names and order ---- */

/* "parent bash (900)", and for an orphan "parent systemd (1), forked by
 * sh (1002)". */
static void parent_label(struct pf_ctx *c, const struct track *t)
{
	const struct track *parent = &c->tracks[t->parent], *fb = &c->tracks[t->forked_by];

	event_begin(c, "M", "process_labels", t->id, t->id);
	pt_buf_puts(&c->out, ",\"args\":{\"labels\":");
	pt_buf_reset(&c->tmp);
	pt_buf_puts(&c->tmp, "parent ");
	put_named_text(&c->tmp, parent->comm, parent->pid);
	if (t->forked_by != NO_TRACK && t->forked_by != t->parent) {
		pt_buf_puts(&c->tmp, ", forked by ");
		put_named_text(&c->tmp, fb->comm, fb->pid);
	}
	if (c->tmp.failed)
		c->out.failed = true;
	pt_json_put_string(&c->out, c->tmp.data, c->tmp.len);
	pt_buf_puts(&c->out, "}}");
}

/* The process's name and place, its parent as a label (the format has no
 * nesting of processes), its main thread's name, its threads'. */
static void metadata_write(struct pf_ctx *c, const struct track *t, const struct pt_proc *p)
{
	size_t i, n;

	meta_name(c, "process_name", t->id, t->id, p->comm, p->pid);
	meta_sort(c, "process_sort_index", t->id, t->id, (size_t)(t - c->tracks));
	if (t->parent != NO_TRACK)
		parent_label(c, t);
	meta_name(c, "thread_name", t->id, t->id, p->comm, p->pid);
	meta_sort(c, "thread_sort_index", t->id, t->id, 0);
	n = threads_of(c, p);
	for (i = 0; i < n; i++) {
		__u32 tid = c->thr[i]->tid + (t->id - p->pid);

		meta_name(c, "thread_name", t->id, tid, c->thr[i]->comm, c->thr[i]->tid);
		meta_sort(c, "thread_sort_index", t->id, tid, i + 1);
	}
}

/* ---- pass 2: forks ---- */

/* On the parent's track, when the child began: a 0-long "fork" slice, the
 * source of the flow arrow to the child's first slice (flow events bind to
 * slices, not to instants). */
static void fork_write(struct pf_ctx *c, const struct track *t)
{
	slice_begin(c, "fork", "fork", t->parent_id, t->parent_id, t->born, t->born);
	put_u64(&c->out, "bind_id", t->id);
	pt_buf_puts(&c->out, ",\"flow_out\":true,\"args\":{");
	pt_json_put_key(&c->out, pt_col_name(PT_COL_PID), true);
	pt_buf_put_u64(&c->out, t->pid);
	pt_buf_puts(&c->out, "}}");
}

/* ---- pass 3: a process's own events ---- */

/* One slice per state interval, from its birth (track_born) to its reap
 * (or the end): they add up to its lifetime. The first is the target of
 * its fork's flow. */
static void states_write(struct pf_ctx *c, const struct track *t, const struct pt_proc *p)
{
	struct pt_span_iter it;
	struct pt_span s;
	bool first = true;

	pt_span_begin(&it, p, t->born, c->t1);
	while (pt_span_next(&it, &s)) {
		slice_begin(c, "state", pt_state_name(s.state), t->id, t->id, s.from, s.to);
		if (first && t->forked_by != NO_TRACK) {
			put_u64(&c->out, "bind_id", t->id);
			pt_buf_puts(&c->out, ",\"flow_in\":true");
		}
		pt_buf_putc(&c->out, '}');
		first = false;
	}
}

static void exec_write(struct pf_ctx *c, const struct track *t, const struct pt_mark *mk)
{
	const struct pt_prog *g = mk->prog;
	struct pt_buf *b = &c->out;

	instant_begin(c, "exec", "exec", t, mk->ts_ns);
	if (!g) { /* not kept by a bounded model */
		pt_buf_puts(b, "}}");
		return;
	}
	pt_json_put_key(b, pt_col_name(PT_COL_FILENAME), true);
	pt_json_put_raw(b, &c->tmp, g->path, g->path_len);
	pt_json_put_key(b, pt_col_name(PT_COL_ARGV), false);
	pt_json_put_argv(b, &c->tmp, (const char *)g->argv, g->argv_len);
	put_u64(b, pt_dkey_name(PT_DK_ARGC), g->argc);
	if (g->flags & PT_F_ARGV_TRUNC)
		pt_buf_printf(b, ",\"%s\":true", pt_dkey_name(PT_DK_ARGV_TRUNCATED));
	if (g->flags & PT_F_ARGV_FAULT)
		pt_buf_printf(b, ",\"%s\":true", pt_dkey_name(PT_DK_ARGV_UNREADABLE));
	if (g->flags & PT_F_PATH_TRUNC)
		pt_buf_printf(b, ",\"%s\":true", pt_dkey_name(PT_DK_PATH_TRUNCATED));
	if (g->old_tid != t->pid)
		put_u64(b, pt_dkey_name(PT_DK_OLD_TID), g->old_tid);
	pt_buf_puts(b, "}}");
}

/* Named after the signal; args: its sender, si_code and the kernel's
 * result, under the schema's names. */
static void signal_write(struct pf_ctx *c, const struct track *t, const struct pt_mark *mk)
{
	struct pt_buf *b = &c->out;
	char buf[32];
	const char *sig = pt_signal_name(mk->signal.sig, buf, sizeof(buf));

	instant_begin(c, "signal", sig, t, mk->ts_ns);
	pt_json_put_key(b, pt_col_name(PT_COL_SIGNAL), true);
	pt_json_put_string(b, sig, strlen(sig));
	if (mk->has_by) {
		put_u64(b, pt_col_name(PT_COL_BY_PID), mk->by);
		put_comm(c, pt_dkey_name(PT_DK_SENDER_COMM), mk->by_comm);
	}
	if (mk->flags & PT_F_KERNEL_SENDER)
		put_word(b, pt_dkey_name(PT_DK_SENDER), "kernel");
	pt_json_put_key(b, pt_dkey_name(PT_DK_CODE), false);
	pt_buf_printf(b, "%d", mk->signal.code);
	put_word(b, pt_dkey_name(PT_DK_RESULT), pt_sig_result_name(mk->signal.result));
	if (mk->flags & PT_F_SIG_GROUP)
		pt_buf_printf(b, ",\"%s\":true", pt_dkey_name(PT_DK_GROUP));
	pt_buf_puts(b, "}}");
}

/* The wait status and how it reads, and the resource usage, under the
 * schema's names. An exit known only from its reap has neither. */
static void exit_write(struct pf_ctx *c, const struct track *t, const struct pt_proc *p,
		       const struct pt_mark *mk)
{
	const struct pt_exit *x = &p->exit;
	struct pt_buf *b = &c->out;
	struct pt_status st;
	__u64 usage[PT_USAGE_NCOLS];
	char sig[32];

	instant_begin(c, "exit", "exit", t, mk->ts_ns);
	if (mk->synthetic || !(p->flags & PT_PROC_EXIT_SEEN)) {
		pt_buf_puts(b, "\"seen\":false}}");
		return;
	}
	st = pt_decode_status(mk->status);
	pt_json_put_key(b, pt_dkey_name(PT_DK_STATUS), true);
	pt_buf_put_u64(b, mk->status);
	if (st.signaled)
		put_word(b, pt_col_name(PT_COL_SIGNAL), pt_signal_name(st.sig, sig, sizeof(sig)));
	else
		put_u64(b, pt_col_name(PT_COL_EXIT_CODE), (__u64)st.code);
	put_u64(b, pt_col_name(PT_COL_CORE_DUMPED), st.core);
	/* The export's usage columns, the children part included */
	pt_usage_columns(&x->usage, usage);
	for (unsigned i = 0; i < PT_USAGE_NCOLS; i++)
		put_u64(b, pt_col_name(PT_COL_CPU_USER_US + i), usage[i]);
	pt_buf_puts(b, "}}");
}

static void instants_write(struct pf_ctx *c, const struct track *t, const struct pt_proc *p)
{
	__u64 end = pt_proc_row_end(p, c->t1);
	size_t i;

	for (i = 0; i < p->nmarks; i++) {
		const struct pt_mark *mk = &p->marks[i];

		if (mk->ts_ns < t->born || mk->ts_ns > c->t1 || mk->ts_ns > end)
			continue;
		if (mk->kind == PT_EXEC)
			exec_write(c, t, mk);
		else if (mk->kind == PT_SIGNAL)
			signal_write(c, t, mk);
		else if (mk->kind == PT_EXIT)
			exit_write(c, t, p, mk);
	}
}

/* A thread's track holds one slice, its life: from its creation (or the
 * process's birth, or the start of the trace) to its exit (or the
 * process's end). */
static void threads_write(struct pf_ctx *c, const struct track *t, const struct pt_proc *p)
{
	__u64 end = pt_proc_row_end(p, c->t1), from, to;
	size_t i, n = threads_of(c, p);

	if (end > c->t1)
		end = c->t1;
	for (i = 0; i < n; i++) {
		const struct pt_thread *th = c->thr[i];

		from = th->start_ns > t->born ? th->start_ns : t->born;
		to = th->exit_ns && th->exit_ns < end ? th->exit_ns : end;
		slice_begin(c, "thread", pt_state_name(PT_STATE_ALIVE), t->id,
			    th->tid + (t->id - p->pid), from, to > from ? to : from);
		pt_buf_putc(&c->out, '}');
	}
}

/* ---- the document ---- */

static int passes_write(struct pf_ctx *c)
{
	const struct pt_proc *p;
	size_t i;
	int err = 0;

	for (i = 0; i < c->n && !err; i++) {
		p = pt_model_ref_proc(c->m, c->tracks[i].ref);
		if (!p)
			return -ENOMEM;
		metadata_write(c, &c->tracks[i], p);
		err = flush_out(c);
	}
	for (i = 0; i < c->n && !err; i++) {
		if (c->tracks[i].forked_by == NO_TRACK)
			continue;
		fork_write(c, &c->tracks[i]);
		err = flush_out(c);
	}
	for (i = 0; i < c->n && !err; i++) {
		p = pt_model_ref_proc(c->m, c->tracks[i].ref);
		if (!p)
			return -ENOMEM;
		states_write(c, &c->tracks[i], p);
		instants_write(c, &c->tracks[i], p);
		threads_write(c, &c->tracks[i], p);
		err = flush_out(c);
	}
	return err;
}

int pt_perfetto_write(FILE *f, struct pt_model *m, const struct pt_perfetto_opts *o)
{
	struct pf_ctx c = { .f = f, .m = m, .threads = o && o->threads, .first = true };
	struct pt_model_stats st;
	int err;

	pt_model_stats(m, &st);
	c.t0 = st.first_ts;
	c.t1 = st.end_ns > st.first_ts ? st.end_ns : st.first_ts;
	err = pt_model_walk(m, collect, &c);
	if (!err)
		err = tracks_number(&c);
	if (!err) {
		/* What the trace is, for whoever reads the file: the format
		 * itself has no place for the clock of the first event. */
		pt_buf_puts(&c.out, "{\"otherData\":{\"producer\":\"proctrace " PT_VERSION "\"");
		put_u64(&c.out, "first_event_boottime_ns", c.t0);
		pt_buf_puts(&c.out, "},\n\"traceEvents\":[\n");
		err = flush_out(&c);
	}
	if (!err)
		err = passes_write(&c);
	if (!err) {
		pt_buf_puts(&c.out, "\n]}\n");
		err = flush_out(&c);
	}
	if (!err)
		err = pt_file_flush(f);
	free(c.tracks);
	free(c.path);
	free(c.thr);
	pt_buf_free(&c.out);
	pt_buf_free(&c.tmp);
	return err;
}
