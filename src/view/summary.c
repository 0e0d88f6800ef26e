// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --summary: where each followed process's time went, one row per process
 * in tree order: its lifetime, the time and share of it in each scheduler
 * state and as a zombie, its context switches and run-queue latency. Only
 * processes with a sched row (--sched, or a replay of such a capture). */
#include <errno.h>
#include "proctrace/decode.h"
#include "proctrace/views.h"

#define COMM_COLS 16

struct sum_ctx {
	FILE *f;
	const struct pt_view_opts *o;
	__u64 end;
	struct pt_buf line;
	size_t rows;
	__u64 repaired; /* switch-ins missed and repaired, over the rows */
};

static const char header[] =
	"PID     COMMAND           LIFETIME   RUNNING   %  RUNNABLE   %  SLEEPING   %  "
	"DISK-SLP   %   STOPPED   %    TRACED   %    ZOMBIE   %  SWITCHES   RQ-P50   RQ-P99   "
	"RQ-MAX\n";

static void put_ms(struct pt_buf *b, __u64 ns)
{
	pt_buf_printf(b, " %9.1f", ns / 1e6);
}

static void put_share(struct pt_buf *b, __u64 ns, __u64 of)
{
	pt_buf_printf(b, " %3.0f", of ? 100.0 * ns / of : 0.0);
}

static void put_us(struct pt_buf *b, __u32 ns)
{
	pt_buf_printf(b, " %8.1f", ns / 1e3);
}

static int summary_row(const struct pt_walk *w, void *ctx)
{
	struct sum_ctx *c = ctx;
	const struct pt_proc *p = w->proc;
	struct pt_sched_times t;
	size_t start, cols;
	unsigned i;

	if (!pt_proc_sched_times(p, c->end, &t))
		return 0;
	pt_buf_reset(&c->line);
	pt_buf_printf(&c->line, "%-7u ", p->pid);
	start = c->line.len;
	pt_view_put_comm(&c->line, p->comm);
	cols = pt_view_cols(c->line.data + start, c->line.len - start);
	pt_buf_fill(&c->line, ' ', cols < COMM_COLS ? COMM_COLS - cols : 0);
	put_ms(&c->line, t.lifetime_ns);
	for (i = 0; i < PT_NSLOTS; i++) {
		put_ms(&c->line, t.ns[i]);
		put_share(&c->line, t.ns[i], t.lifetime_ns);
	}
	put_ms(&c->line, t.zombie_ns);
	put_share(&c->line, t.zombie_ns, t.lifetime_ns);
	pt_buf_printf(&c->line, " %9u", p->sched.switches);
	c->repaired += p->sched.repaired;
	put_us(&c->line, p->sched.rq_p50_ns);
	put_us(&c->line, p->sched.rq_p99_ns);
	put_us(&c->line, p->sched.rq_max_ns);
	if (p->flags & PT_PROC_SCHED_AT_END)
		pt_buf_puts(&c->line, "  *");
	pt_buf_putc(&c->line, '\n');
	c->rows++;
	return pt_buf_write(&c->line, c->f);
}

int pt_summary_write(FILE *f, struct pt_model *m, const struct pt_view_opts *o)
{
	struct sum_ctx c = { .f = f, .o = o };
	struct pt_model_stats st;
	int err;

	pt_model_stats(m, &st);
	c.end = st.end_ns;
	if (fputs(header, f) == EOF)
		return -EIO;
	err = pt_model_walk(m, summary_row, &c);
	pt_buf_reset(&c.line);
	if (!err && !c.rows)
		pt_buf_puts(&c.line, "(no process with a sched row: trace with --sched)\n");
	if (!err)
		pt_buf_puts(&c.line,
			    "times in ms, % of the lifetime (first event to reap, or to the end); "
			    "run-queue waits (RQ) in us,\np50 and p99 as their histogram bucket's "
			    "upper bound (at most 25% high); * still running when tracing ended\n");
	if (!err && c.rows)
		pt_buf_printf(&c.line,
			      "switch-ins missed (no tracepoint fired) and repaired from the "
			      "kernel's runtime count: %llu\n",
			      (unsigned long long)c.repaired);
	if (!err)
		pt_view_put_lost(&c.line, &st);
	if (!err)
		err = pt_buf_write(&c.line, f);
	pt_buf_free(&c.line);
	return err;
}
