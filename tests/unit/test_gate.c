// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* gate.c: --argv's match on an exec's arguments and its following of the
 * processes started from then on; --failed's holding of rows until a
 * process's end, its ancestors shown with it, and its bound counted as
 * lost. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "proctrace/gate.h"

#define MAX_OUT 64

/* What the gate let through, in order. */
struct out {
	unsigned n;
	__u32 pid[MAX_OUT];
	__u16 kind[MAX_OUT];
	__u64 lost;
};

static int record(void *ctx, const struct pt_event *ev)
{
	struct out *o = ctx;

	assert_true(o->n < MAX_OUT);
	o->pid[o->n] = ev->task.pid;
	o->kind[o->n++] = ev->kind;
	if (ev->kind == PT_LOST)
		o->lost += ev->lost.count;
	return 0;
}

/* An event about pid (parent ppid); an exec's argv NUL-separated in args
 * (len bytes). Stored in buf, which has room for the argv. */
static struct pt_event *event(void *buf, __u16 kind, __u32 pid, __u32 ppid, const char *args,
			      size_t len)
{
	struct pt_event *ev = buf;

	memset(ev, 0, sizeof(*ev) + len);
	ev->kind = kind;
	ev->size = sizeof(*ev) + len;
	ev->task.pid = ev->task.tid = pid;
	ev->task.ppid = ppid;
	ev->by.pid = kind == PT_FORK ? ppid : 0;
	if (kind != PT_FORK)
		ev->flags = PT_F_NO_ACTOR;
	ev->exec.argv_len = len;
	memcpy(ev->data, args, len);
	return ev;
}

static _Alignas(8) unsigned char buf[sizeof(struct pt_event) + 256];

static int feed(struct pt_gate *g, __u16 kind, __u32 pid, __u32 ppid)
{
	return pt_gate_event(g, event(buf, kind, pid, ppid, "", 0));
}

static int feed_exit(struct pt_gate *g, __u32 pid, __u32 ppid, __u32 status)
{
	struct pt_event *ev = event(buf, PT_EXIT, pid, ppid, "", 0);

	ev->flags |= PT_F_GROUP_DEAD;
	ev->exit.status = status;
	return pt_gate_event(g, ev);
}

static void test_argv_has(void **state)
{
	static const char args[] = "make\0-j8\0all";
	struct pt_event *ev = event(buf, PT_EXEC, 1, 0, args, sizeof(args));

	assert_true(pt_gate_argv_has(ev, "make"));
	assert_true(pt_gate_argv_has(ev, "-j8 al")); /* across arguments: a space */
	assert_true(pt_gate_argv_has(ev, "all"));
	assert_false(pt_gate_argv_has(ev, "all ")); /* no space after the last */
	assert_false(pt_gate_argv_has(ev, "-j8all"));
	assert_false(pt_gate_argv_has(ev, "make -j8 all x"));
	ev->kind = PT_EXIT;
	assert_false(pt_gate_argv_has(ev, "make"));
	/* argv_len past the record: not read */
	ev->kind = PT_EXEC;
	ev->exec.argv_len = 4096;
	assert_false(pt_gate_argv_has(ev, "make"));
}

static void test_argv_follows_descendants(void **state)
{
	struct pt_gate_opts o = { .n_texts = 2, .texts = { "nomatch", "-j8" } };
	struct out out = { 0 };
	struct pt_gate *g = pt_gate_new(&o, PT_GATE_HELD_MAX, record, &out);
	static const char args[] = "make\0-j8";

	assert_non_null(g);
	assert_int_equal(feed(g, PT_FORK, 10, 1), 0); /* before its exec: not yet */
	assert_int_equal(pt_gate_event(g, event(buf, PT_EXEC, 10, 1, args, sizeof(args))), 0);
	assert_int_equal(feed(g, PT_FORK, 11, 10), 0); /* its child */
	assert_int_equal(feed(g, PT_FORK, 12, 11), 0); /* its grandchild */
	assert_int_equal(feed(g, PT_FORK, 20, 1), 0);  /* not its */
	assert_int_equal(feed(g, PT_REAP, 12, 11), 0);
	assert_int_equal(feed(g, PT_FORK, 12, 20), 0); /* pid 12 again, another's */
	pt_gate_free(g);
	assert_int_equal(out.n, 4);
	assert_int_equal(out.pid[0], 10);
	assert_int_equal(out.kind[0], PT_EXEC);
	assert_int_equal(out.pid[1], 11);
	assert_int_equal(out.pid[2], 12);
	assert_int_equal(out.pid[3], 12);
	assert_int_equal(out.kind[3], PT_REAP);
}

static void test_failed_holds_until_end(void **state)
{
	struct pt_gate_opts o = { .failed = true };
	struct out out = { 0 };
	struct pt_gate *g = pt_gate_new(&o, PT_GATE_HELD_MAX, record, &out);

	assert_non_null(g);
	feed(g, PT_FORK, 10, 1);  /* parent */
	feed(g, PT_FORK, 11, 10); /* exits 0 */
	feed(g, PT_FORK, 12, 10); /* killed */
	feed_exit(g, 11, 10, 0);
	feed(g, PT_REAP, 11, 10);
	assert_int_equal(out.n, 0); /* nothing known to have failed yet */
	feed_exit(g, 12, 10, 9);    /* SIGKILL: 12 and its ancestor 10, in order */
	assert_int_equal(out.n, 3);
	assert_int_equal(out.pid[0], 10);
	assert_int_equal(out.pid[1], 12);
	assert_int_equal(out.kind[2], PT_EXIT);
	feed(g, PT_REAP, 12, 10); /* shown: its rows pass now */
	feed_exit(g, 10, 1, 0);	  /* an ancestor's own end passes too */
	feed(g, PT_FORK, 30, 1);  /* alive at the end: never shown */
	assert_int_equal(out.n, 5);
	assert_int_equal(out.kind[3], PT_REAP);
	assert_int_equal(out.pid[4], 10);
	assert_int_equal(pt_gate_undecided(g), 1); /* 30, said at the end */
	pt_gate_free(g);
	assert_int_equal(out.lost, 0);
}

static void test_failed_bound_is_lost(void **state)
{
	struct pt_gate_opts o = { .failed = true };
	struct out out = { 0 };
	/* room for two rows */
	struct pt_gate *g = pt_gate_new(&o, 2 * sizeof(struct pt_event), record, &out);

	assert_non_null(g);
	feed(g, PT_FORK, 10, 1);
	feed(g, PT_SIGNAL, 10, 1);
	feed(g, PT_FORK, 11, 1); /* 10's two rows dropped: lost, said at once */
	assert_int_equal(out.n, 1);
	assert_int_equal(out.kind[0], PT_LOST);
	assert_int_equal(out.lost, 2);
	feed_exit(g, 11, 1, 1 << 8); /* 11's fork and exit, kept */
	assert_int_equal(out.n, 3);
	assert_int_equal(out.pid[1], 11);
	assert_int_equal(out.kind[2], PT_EXIT);
	pt_gate_free(g);
}

static void test_failed_exit(void **state)
{
	struct pt_event *ev = event(buf, PT_EXIT, 5, 1, "", 0);

	ev->exit.status = 1 << 8;
	assert_false(pt_gate_failed_exit(ev)); /* a thread's exit */
	ev->flags |= PT_F_GROUP_DEAD;
	assert_true(pt_gate_failed_exit(ev));
	ev->exit.status = 0;
	assert_false(pt_gate_failed_exit(ev));
	ev->exit.status = 15;
	assert_true(pt_gate_failed_exit(ev));
	ev->flags |= PT_F_RESCAN; /* an end not seen: its status unknown */
	assert_false(pt_gate_failed_exit(ev));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv_has),
		cmocka_unit_test(test_argv_follows_descendants),
		cmocka_unit_test(test_failed_holds_until_end),
		cmocka_unit_test(test_failed_bound_is_lost),
		cmocka_unit_test(test_failed_exit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
