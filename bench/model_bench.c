// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * model_bench: events per second through the process model.
 *
 *	model_bench EVENTS all|bounded
 *
 * Feeds pt_model_feed() the storm of storm_events.h; only feeding is timed.
 * "all" keeps every process (what the tree and the timeline need),
 * "bounded" keeps at most 10,000 ended ones (a long live run). One JSON
 * line on stdout.
 */
#include <errno.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "proctrace/model.h"

#include "storm_events.h"

static int feed_chunk(struct pt_model *m, const char *buf, size_t n)
{
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		err = pt_model_feed(m, (const struct pt_event *)(buf + i * SLOT_BYTES));
		if (err)
			return err;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct pt_model_opts opts = {0};
	struct synth s = { .ts = 1000000, .next_pid = FIRST_CHILD_PID };
	struct pt_model_stats st;
	struct rusage ru;
	struct pt_model *m;
	long total, fed = 0;
	double secs = 0, t0;
	size_t n;
	char *buf;
	int err;

	if (argc != 3 || (strcmp(argv[2], "all") && strcmp(argv[2], "bounded"))) {
		fprintf(stderr, "usage: model_bench EVENTS all|bounded\n");
		return 2;
	}
	total = atol(argv[1]);
	if (!strcmp(argv[2], "bounded"))
		opts.max_ended = 10000;
	s.pid_max = read_pid_max();
	buf = calloc(CHUNK_EVENTS, SLOT_BYTES);
	m = pt_model_new(&opts);
	if (!buf || !m) {
		fprintf(stderr, "model_bench: out of memory\n");
		return 1;
	}
	n = synth_start(&s, (struct pt_event *)buf, CHUNK_EVENTS);
	while (fed < total) {
		if (n == 0)
			n = synth_fill(&s, buf, total - fed < CHUNK_EVENTS ? total - fed
									   : CHUNK_EVENTS);
		t0 = monotonic_s();
		err = feed_chunk(m, buf, n);
		secs += monotonic_s() - t0;
		if (err) {
			fprintf(stderr, "model_bench: pt_model_feed: %s\n", strerror(-err));
			return 1;
		}
		fed += n;
		n = 0;
	}
	pt_model_stats(m, &st);
	getrusage(RUSAGE_SELF, &ru);
	if ((long)st.events != fed) {
		fprintf(stderr, "model_bench: model counted %llu events of %ld\n",
			(unsigned long long)st.events, fed);
		return 1;
	}
	printf("{\"name\": \"%s\", \"events\": %ld, \"procs\": %zu, \"held\": %zu, "
	       "\"secs\": %.6f, \"events_per_s\": %.0f, \"maxrss_kb\": %ld}\n",
	       argv[2], fed, st.procs_seen, st.procs, secs, secs > 0 ? fed / secs : 0.0,
	       ru.ru_maxrss);
	pt_model_free(m);
	free(buf);
	return 0;
}
