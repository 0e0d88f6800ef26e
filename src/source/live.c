// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The kernel as a source: the loader's events go to the pipeline as they
 * come; the snapshot is filtered here (the kernel filters its own events);
 * the loader's loss counters become PT_LOST events after every poll. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/ancestry.h"
#include "proctrace/filter.h"
#include "proctrace/loader.h"
#include "proctrace/source.h"

struct pt_live {
	const struct pt_config *cfg;
	__u32 command_pid;
	struct pt_pipeline *p;
	struct pt_loader *loader;
	bool in_snapshot;
	struct pt_event *snap; /* the snapshot, until it is complete */
	size_t n_snap, cap_snap;
	__u64 lost_seen[PT_KIND_MAX]; /* loss counters already reported */
};

static int keep_snapshot(struct pt_live *l, const struct pt_event *ev)
{
	if (l->n_snap == l->cap_snap) {
		size_t cap = l->cap_snap ? l->cap_snap * 2 : 512;
		struct pt_event *s = realloc(l->snap, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		l->snap = s;
		l->cap_snap = cap;
	}
	l->snap[l->n_snap++] = *ev;
	return 0;
}

static int on_event(void *ctx, const struct pt_event *ev)
{
	struct pt_live *l = ctx;

	if (l->in_snapshot && ev->kind == PT_SNAPSHOT)
		return keep_snapshot(l, ev);
	return pt_pipeline_event(l->p, ev);
}

int pt_live_open(struct pt_live **out, const struct pt_config *cfg, __u32 command_pid,
		 struct pt_pipeline *p, char *err, size_t errlen)
{
	struct pt_live *l = calloc(1, sizeof(*l));
	struct pt_loader_opts lo = {
		.threads = cfg->threads,
		.ringbuf_kb = cfg->ringbuf_kb,
		.verbose = cfg->verbose,
		.filter = &cfg->filter,
		.command_pid = command_pid,
		.sched = cfg->sched,
		/* The timeline draws each change even when the outputs do not
		 * write them (see pt_pipeline_event). */
		.sched_events = cfg->sched_events || cfg->timeline || cfg->svg_path,
		.kinds = cfg->kinds,
		.signals = cfg->signals,
	};
	int ret;

	if (!l) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	l->cfg = cfg;
	l->command_pid = command_pid;
	l->p = p;
	ret = pt_loader_open(&l->loader, &lo, on_event, l, err, errlen);
	if (ret) {
		free(l);
		return ret;
	}
	*out = l;
	return 0;
}

/* The rows the filters pick go to the outputs; a filtered run's tree shows
 * the followed processes where they sit, so the rows of their ancestors go
 * to the model too (not to the outputs). In the snapshot's order. */
static int deliver_snapshot(struct pt_live *l)
{
	size_t n = l->n_snap, i;
	struct pt_task *tasks = calloc(n ? n : 1, sizeof(*tasks));
	bool *picked = calloc(n ? n : 1, sizeof(*picked));
	bool *kept = calloc(n ? n : 1, sizeof(*kept));
	int err = 0;

	if (!tasks || !picked || !kept)
		err = -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		tasks[i] = l->snap[i].task;
		picked[i] = pt_filter_match(&l->cfg->filter, l->command_pid, &tasks[i]);
		kept[i] = picked[i];
	}
	if (!err)
		pt_ancestry_select(tasks, n, kept);
	for (i = 0; i < n && !err; i++) {
		if (picked[i])
			err = pt_pipeline_event(l->p, &l->snap[i]);
		else if (kept[i])
			err = pt_pipeline_context(l->p, &l->snap[i]);
	}
	free(tasks);
	free(picked);
	free(kept);
	free(l->snap);
	l->snap = NULL;
	l->n_snap = l->cap_snap = 0;
	return err;
}

int pt_live_snapshot(struct pt_live *l, char *err, size_t errlen)
{
	int ret, ret2;

	l->in_snapshot = true;
	ret = pt_loader_snapshot(l->loader, err, errlen);
	l->in_snapshot = false;
	/* What was read goes out even when the rest could not be. */
	ret2 = deliver_snapshot(l);
	if (ret2 == -ENOMEM && !l->p->out_err)
		snprintf(err, errlen, "reading the process snapshot: %s", strerror(ENOMEM));
	return ret < 0 ? ret : ret2;
}

/* New failed reservations as one PT_LOST event, where they happened. */
static int report_losses(struct pt_live *l)
{
	__u64 total[PT_KIND_MAX];
	struct pt_event ev = { .kind = PT_LOST, .size = sizeof(ev) };
	int k, err;

	err = pt_loader_lost(l->loader, total);
	if (err)
		return err;
	for (k = 0; k < PT_KIND_MAX; k++) {
		__u64 d = total[k] - l->lost_seen[k];

		ev.lost.by_kind[k] = d > UINT32_MAX ? UINT32_MAX : d;
		ev.lost.count += d;
		l->lost_seen[k] = total[k];
	}
	if (!ev.lost.count)
		return 0;
	ev.task.ts_ns = pt_boottime_ns();
	ev.flags = PT_F_NO_ACTOR;
	return pt_pipeline_event(l->p, &ev);
}

int pt_live_poll(struct pt_live *l, int timeout_ms)
{
	int n = pt_loader_poll(l->loader, timeout_ms);

	/* A signal only cuts the wait short. */
	if (n < 0 && n != -EINTR)
		return n;
	return report_losses(l);
}

int pt_live_stop(struct pt_live *l)
{
	int n = pt_loader_stop(l->loader);

	return n < 0 ? n : report_losses(l);
}

int pt_live_followed_alive(struct pt_live *l, __u32 except)
{
	return pt_loader_followed_alive(l->loader, except);
}

int pt_live_probe(void *live)
{
	const struct pt_live *l = live;

	return pt_loader_probe(l->loader);
}

void pt_live_close(struct pt_live *l)
{
	if (!l)
		return;
	pt_loader_close(l->loader);
	free(l->snap);
	free(l);
}
