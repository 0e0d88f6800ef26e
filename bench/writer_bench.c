// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * writer_bench: what proctrace's userspace pays per event to write it.
 *
 *	writer_bench EVENTS csv|json|stream
 *
 * Writes the storm of storm_events.h through the CSV writer (-o FILE), the
 * JSON Lines writer (-j FILE) or the live stream (the default output) into
 * /dev/null, so that only the
 * formatting and the write calls are measured; only the writer is timed.
 * One JSON line on stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/writer.h"
#include "storm_events.h"

struct sink {
	struct pt_csv *csv;
	struct pt_jsonl *json;
	struct pt_stream *stream;
};

static int sink_write(struct sink *k, const struct pt_event *ev)
{
	if (k->csv)
		return pt_csv_write(k->csv, ev);
	if (k->json)
		return pt_jsonl_write(k->json, ev);
	return pt_stream_write(k->stream, ev);
}

static int sink_close(struct sink *k)
{
	if (k->csv)
		return pt_csv_close(k->csv);
	if (k->json)
		return pt_jsonl_close(k->json);
	return pt_stream_close(k->stream);
}

int main(int argc, char **argv)
{
	struct synth s = { .ts = 1000000, .next_pid = FIRST_CHILD_PID };
	struct pt_stream_opts so = {0};
	struct pt_clock clock = pt_clock_now();
	struct sink k = {0};
	long total, done = 0;
	double secs = 0, t0;
	size_t n, i;
	char *buf;
	FILE *f;
	int err = 0;

	if (argc != 3 ||
	    (strcmp(argv[2], "csv") && strcmp(argv[2], "json") && strcmp(argv[2], "stream"))) {
		fprintf(stderr, "usage: writer_bench EVENTS csv|json|stream\n");
		return 2;
	}
	total = atol(argv[1]);
	s.pid_max = read_pid_max();
	f = fopen("/dev/null", "w");
	buf = calloc(CHUNK_EVENTS, SLOT_BYTES);
	if (!f || !buf) {
		perror("writer_bench");
		return 1;
	}
	if (!strcmp(argv[2], "csv"))
		k.csv = pt_csv_open(f, &clock);
	else if (!strcmp(argv[2], "json"))
		k.json = pt_jsonl_open(f, &clock);
	else
		k.stream = pt_stream_open(f, &clock, &so);
	if (!k.csv && !k.json && !k.stream) {
		perror("writer_bench: open");
		return 1;
	}
	n = synth_start(&s, synth_slot(buf, 0), CHUNK_EVENTS);
	while (done < total && !err) {
		if (n == 0)
			n = synth_fill(&s, buf, total - done < CHUNK_EVENTS ? total - done
									    : CHUNK_EVENTS);
		t0 = monotonic_s();
		for (i = 0; i < n && !err; i++)
			err = sink_write(&k, synth_slot(buf, i));
		secs += monotonic_s() - t0;
		done += n;
		n = 0;
	}
	t0 = monotonic_s();
	if (!err)
		err = sink_close(&k);
	secs += monotonic_s() - t0;
	if (err) {
		fprintf(stderr, "writer_bench: %s\n", strerror(-err));
		return 1;
	}
	printf("{\"name\": \"%s\", \"events\": %ld, \"secs\": %.6f, \"ns_per_event\": %.0f}\n",
	       argv[2], done, secs, done ? secs * 1e9 / done : 0.0);
	fclose(f);
	free(buf);
	return 0;
}
