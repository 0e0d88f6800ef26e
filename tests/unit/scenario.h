/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Hand-made event sequences for the model and view tests: a small fake
 * process table that emits the events the kernel side would, with the
 * common fields as they are after each event. Events are recorded, so a
 * test can feed them in time order or in an order the ring buffer could
 * produce. Times are in microseconds from the start of the trace. */
#ifndef PROCTRACE_TEST_SCENARIO_H
#define PROCTRACE_TEST_SCENARIO_H

#include <linux/types.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include "proctrace/model.h"
#include "proctrace/views.h"

#define SC_T0 1000000000000ULL /* boot time of the first event: 1000 s */
#define SC_US(us) (SC_T0 + (__u64)(us)*1000)
#define SC_MAX 256

struct fake {
	__u32 pid, ppid, pgid, sid, uid;
	__u64 start;
	char comm[PT_COMM_LEN];
	unsigned state;
};

struct sc {
	struct pt_event *ev[SC_MAX];
	size_t n;
};

static inline struct pt_event *sc_add(struct sc *s, unsigned kind, __u64 us, const struct fake *p,
				      size_t data_len)
{
	struct pt_event *ev;

	assert_true(s->n < SC_MAX);
	ev = calloc(1, sizeof(*ev) + data_len);
	assert_non_null(ev);
	ev->kind = kind;
	ev->size = sizeof(*ev) + data_len;
	ev->task.ts_ns = SC_US(us);
	ev->task.start_ns = p->start;
	ev->task.pid = p->pid;
	ev->task.tid = p->pid;
	ev->task.ppid = p->ppid;
	ev->task.pgid = p->pgid;
	ev->task.sid = p->sid;
	ev->task.uid = p->uid;
	ev->task.ns_pid = p->pid;
	ev->task.state = p->state;
	memcpy(ev->task.comm, p->comm, PT_COMM_LEN);
	ev->flags = PT_F_NO_ACTOR;
	s->ev[s->n++] = ev;
	return ev;
}

static inline void sc_by(struct pt_event *ev, const struct fake *by)
{
	ev->flags &= ~PT_F_NO_ACTOR;
	ev->by.pid = by->pid;
	ev->by.tid = by->pid;
	memcpy(ev->by.comm, by->comm, PT_COMM_LEN);
}

static inline void fake_init(struct fake *p, __u32 pid, __u32 ppid, __u64 start_ns,
			     const char *comm)
{
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ppid = ppid;
	p->pgid = pid;
	p->sid = pid;
	p->start = start_ns;
	strncpy(p->comm, comm, PT_COMM_LEN);
}

static inline void sc_snapshot(struct sc *s, __u64 us, const struct fake *p)
{
	sc_add(s, PT_SNAPSHOT, us, p, 0);
}

/* The child starts 2 us before the fork event is stamped. */
static inline void sc_fork(struct sc *s, __u64 us, const struct fake *parent, struct fake *child,
			   __u32 pid)
{
	memset(child, 0, sizeof(*child));
	child->pid = pid;
	child->ppid = parent->pid;
	child->pgid = parent->pgid;
	child->sid = parent->sid;
	child->uid = parent->uid;
	child->start = SC_US(us) - 2000;
	memcpy(child->comm, parent->comm, PT_COMM_LEN);
	sc_by(sc_add(s, PT_FORK, us, child, 0), parent);
}

/* argv as one string, words separated by '\n' (so a test can write them
 * inline); the comm becomes the basename of the path. */
static inline void sc_exec(struct sc *s, __u64 us, struct fake *p, const char *words,
			   const char *path)
{
	size_t alen = strlen(words) + 1, plen = strlen(path), i;
	const char *base = strrchr(path, '/');
	struct pt_event *ev;

	memset(p->comm, 0, PT_COMM_LEN);
	strncpy(p->comm, base ? base + 1 : path, PT_COMM_LEN);
	ev = sc_add(s, PT_EXEC, us, p, alen + plen);
	memcpy(ev->data, words, alen);
	for (i = 0; i < alen; i++)
		if (ev->data[i] == '\n')
			ev->data[i] = '\0';
	memcpy(ev->data + alen, path, plen);
	ev->exec.old_tid = p->pid;
	ev->exec.argv_len = alen;
	ev->exec.path_len = plen;
	ev->exec.args_size = alen;
	for (i = 0; i < alen; i++)
		ev->exec.argc += ev->data[i] == '\0';
}

static inline void sc_exit(struct sc *s, __u64 us, struct fake *p, __u32 status)
{
	struct pt_event *ev;

	p->state = PT_STATE_ZOMBIE;
	ev = sc_add(s, PT_EXIT, us, p, 0);
	ev->flags |= PT_F_GROUP_DEAD;
	ev->exit.status = status;
	ev->exit.usage.utime_ns = 3000000;
	ev->exit.usage.stime_ns = 1000000;
	ev->exit.usage.runtime_ns = 4000000;
	ev->exit.usage.maxrss_kb = 2048;
}

/* reaper NULL: released without a wait() */
static inline void sc_reap(struct sc *s, __u64 us, struct fake *p, const struct fake *reaper,
			   __u64 exit_us)
{
	struct pt_event *ev;

	p->state = PT_STATE_REAPED;
	ev = sc_add(s, PT_REAP, us, p, 0);
	ev->reap.exit_ns = exit_us ? SC_US(exit_us) : 0;
	if (reaper)
		sc_by(ev, reaper);
	else
		ev->flags |= PT_F_AUTOREAP;
}

/* sender NULL: sent by the kernel */
static inline void sc_sig(struct sc *s, unsigned kind, __u64 us, struct fake *p,
			  const struct fake *sender, int sig, unsigned result)
{
	struct pt_event *ev;

	if (kind == PT_STOP)
		p->state = PT_STATE_STOPPED;
	if (kind == PT_CONTINUE)
		p->state = PT_STATE_ALIVE;
	ev = sc_add(s, kind, us, p, 0);
	ev->signal.sig = sig;
	ev->signal.result = result;
	if (sender)
		sc_by(ev, sender);
	else
		ev->flags = PT_F_KERNEL_SENDER | PT_F_NO_ACTOR;
}

static inline void sc_setpgid(struct sc *s, __u64 us, struct fake *p, const struct fake *caller,
			      __u32 pgid)
{
	struct pt_event *ev;
	__u32 old = p->pgid;

	p->pgid = pgid;
	ev = sc_add(s, PT_SETPGID, us, p, 0);
	ev->setpg.old_pgid = old;
	ev->setpg.old_sid = p->sid;
	sc_by(ev, caller);
}

static inline void sc_setsid(struct sc *s, __u64 us, struct fake *p)
{
	struct pt_event *ev;
	__u32 old_pgid = p->pgid, old_sid = p->sid;

	p->pgid = p->sid = p->pid;
	ev = sc_add(s, PT_SETSID, us, p, 0);
	ev->setpg.old_pgid = old_pgid;
	ev->setpg.old_sid = old_sid;
	sc_by(ev, p);
}

static inline void sc_lost(struct sc *s, unsigned kind, __u64 count)
{
	struct fake none = { 0 };
	struct pt_event *ev = sc_add(s, PT_LOST, 0, &none, 0);

	ev->task.ts_ns = 0;
	ev->lost.count = count;
	ev->lost.by_kind[kind] = (__u32)count;
}

static inline void sc_free(struct sc *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->ev[i]);
	s->n = 0;
}

/* Feed events in the order given by idx (NULL: as recorded). */
static inline void sc_feed_order(const struct sc *s, struct pt_model *m, const size_t *idx)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		assert_int_equal(pt_model_feed(m, s->ev[idx ? idx[i] : i]), 0);
}

static inline void sc_feed(const struct sc *s, struct pt_model *m)
{
	sc_feed_order(s, m, NULL);
}

/* ---- the seed scenario, shared by the model and view tests ----
 *
 * systemd (1) and bash (900) run before tracing. bash forks make (1000),
 * which forks cc (1001), sh (1002) and true (1004). sh moves itself into
 * its own group and forks sleep (1003); bash stops sh, continues it, then
 * kills it: sleep is reparented to systemd, which reaps it. make exits and
 * stays a zombie (bash never waits). A new echo (pid 1004 again) is forked
 * by bash later. Trace ends at 1.2 s. The child's exec comes 5 us after its
 * fork and a reap 4 us after the exit: close enough for the ring buffer to
 * deliver them the other way round. */
#define SEED_END_US 1200000

static inline void sc_seed(struct sc *s)
{
	struct fake init, bash, make, cc, sh, sleep_, tru, echo;

	fake_init(&init, 1, 0, 1000000000ULL, "systemd");
	fake_init(&bash, 900, 1, 500000000000ULL, "bash");
	bash.pgid = bash.sid = 900;
	sc_snapshot(s, 0, &init);
	sc_snapshot(s, 30, &bash);

	sc_fork(s, 10000, &bash, &make, 1000);
	sc_exec(s, 10005, &make, "make\n-j2", "/usr/bin/make");
	sc_fork(s, 20000, &make, &cc, 1001);
	sc_exec(s, 20005, &cc, "cc\n-c\na.c", "/usr/bin/cc");
	sc_fork(s, 30000, &make, &sh, 1002);
	sc_exec(s, 30005, &sh, "sh\n-c\nsleep 10; echo done", "/bin/sh");
	sc_setpgid(s, 35000, &sh, &sh, 1002);
	sc_fork(s, 40000, &sh, &sleep_, 1003);
	sc_exec(s, 40005, &sleep_, "sleep\n10", "/usr/bin/sleep");
	sc_fork(s, 50000, &make, &tru, 1004);
	sc_exec(s, 50005, &tru, "true", "/usr/bin/true");
	sc_exit(s, 60000, &tru, 0);
	sc_reap(s, 60004, &tru, &make, 60000);

	sc_exit(s, 100000, &cc, 0);
	sc_sig(s, PT_SIGNAL, 100002, &make, &cc, 17, PT_SIG_IGNORED);
	sc_reap(s, 100004, &cc, &make, 100000);

	sc_sig(s, PT_STOP, 200000, &sh, &bash, 20, 0);
	sc_sig(s, PT_CONTINUE, 400000, &sh, &bash, 18, 0);
	sc_sig(s, PT_SIGNAL, 500000, &sh, &bash, 9, PT_SIG_DELIVERED);
	sc_exit(s, 500100, &sh, 9);
	sleep_.ppid = 1; /* orphaned: the kernel hands it to init */
	sc_reap(s, 520000, &sh, &make, 500100);

	sc_fork(s, 700000, &bash, &echo, 1004);
	sc_exec(s, 700005, &echo, "echo\nhi there", "/bin/echo");

	sc_exit(s, 800000, &sleep_, 0);
	sc_reap(s, 800004, &sleep_, &init, 800000);
	sc_exit(s, 900000, &make, 0);
}

/* A server whose threads come and go: --threads shows them. Worker 902
 * exits alone, then the main thread, then worker 903 execs a new program
 * and takes over the pid. */
static inline void sc_threads(struct sc *s)
{
	struct fake sh, p;
	struct pt_event *ev;

	fake_init(&sh, 900, 1, SC_US(0) - 1000, "sh");
	sc_snapshot(s, 0, &sh);
	sc_fork(s, 100000, &sh, &p, 901);
	sc_exec(s, 100005, &p, "server", "/usr/bin/server");
	ev = sc_add(s, PT_THREAD, 200000, &p, 0);
	ev->task.tid = 902;
	memcpy(ev->task.comm, "worker", 7);
	ev = sc_add(s, PT_THREAD, 210000, &p, 0);
	ev->task.tid = 903;
	memcpy(ev->task.comm, "worker2", 8);
	ev = sc_add(s, PT_EXIT, 300000, &p, 0);
	ev->task.tid = 902;
	memcpy(ev->task.comm, "worker", 7);
	sc_add(s, PT_EXIT, 400000, &p, 0);
	sc_exec(s, 500000, &p, "client", "/usr/bin/client");
	s->ev[s->n - 1]->exec.old_tid = 903;
}

static inline struct pt_model *sc_model(const struct sc *s, size_t max_ended, bool threads,
					__u64 end_us)
{
	struct pt_model_opts o = { .threads = threads, .max_ended = max_ended };
	struct pt_model *m = pt_model_new(&o);

	assert_non_null(m);
	sc_feed(s, m);
	if (end_us)
		pt_model_set_end(m, SC_US(end_us));
	return m;
}

/* The seed scenario's model, ended at SEED_END_US. */
static inline struct pt_model *sc_seed_model(void)
{
	struct sc s = { 0 };
	struct pt_model *m;

	sc_seed(&s);
	m = sc_model(&s, 0, false, SEED_END_US);
	sc_free(&s);
	return m;
}

/* What a filter leaves with its ancestors: a chain of n ancestors outside
 * the selection from pid 1 (context, folded into one line by the views),
 * then what is followed, make (1000) and its child cc (1001), which ends;
 * ended at 10 ms. */
static inline struct pt_model *sc_ancestors_model(unsigned n)
{
	struct fake a, prev, make, cc;
	struct sc s = { 0 };
	struct pt_model *m;
	unsigned i;

	for (i = 1; i <= n; i++) {
		fake_init(&a, i, i - 1, SC_US(0) - 1000000 + i, i == 1 ? "init" : "sh");
		sc_snapshot(&s, 0, &a);
		prev = a;
	}
	fake_init(&make, 1000, n ? prev.pid : 0, SC_US(0) - 1000, "make");
	sc_snapshot(&s, 0, &make);
	sc_fork(&s, 1000, &make, &cc, 1001);
	sc_exec(&s, 2000, &cc, "cc\n-c\nx.c", "/usr/bin/cc");
	sc_exit(&s, 8000, &cc, 0);
	sc_reap(&s, 9000, &cc, &make, 1000);
	m = sc_model(&s, 0, false, 10000);
	sc_free(&s);
	for (i = 1; i <= n; i++)
		pt_model_mark(m, i, PT_PROC_CONTEXT);
	return m;
}

/* What a view (pt_tree_write, pt_timeline_write, ...) writes of m. */
static inline char *sc_view_text(int (*view)(FILE *, struct pt_model *,
					     const struct pt_view_opts *),
				 struct pt_model *m, const struct pt_view_opts *o)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(view(f, m, o), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* Compare text with tests/golden/name, byte for byte. With
 * PT_GOLDEN_UPDATE=1 in the environment the file is written instead (then
 * read it carefully before committing it). */
static inline void golden_check(const char *name, const char *text)
{
	char path[256], *want;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "tests/golden/%s", name);
	if (getenv("PT_GOLDEN_UPDATE")) {
		f = fopen(path, "w");
		assert_non_null(f);
		assert_int_equal(fputs(text, f) >= 0, 1);
		assert_int_equal(fclose(f), 0);
		return;
	}
	f = fopen(path, "r");
	if (!f)
		fail_msg("missing golden file %s (run from the top of the tree)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	want = calloc(1, (size_t)n + 1);
	assert_non_null(want);
	assert_int_equal(fread(want, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	assert_string_equal(text, want);
	free(want);
}

#endif
