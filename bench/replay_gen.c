// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * replay_gen: a capture to replay, written by proctrace's own writers.
 *
 *	replay_gen ROWS csv|json FILE
 *
 * The storm of storm_events.h (a snapshot, two workers, then children that
 * fork, exec, exit, signal their worker and are reaped, pids reused through
 * the machine's range) through the CSV writer (-o) or the JSON Lines writer
 * (-j) into FILE: ROWS events, every one a row `proctrace --replay` must
 * read back. The clock is fixed, so the file is the same on every run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/writer.h"
#include "storm_events.h"

int main(int argc, char **argv)
{
	struct synth s = { .ts = 1000000, .next_pid = FIRST_CHILD_PID };
	/* 2026-01-01T00:00:00Z at boot: a plain, fixed time column. */
	struct pt_clock clock = { .boot_to_real_ns = 1767225600000000000LL };
	struct pt_jsonl *json = NULL;
	struct pt_csv *csv = NULL;
	long total, done = 0;
	size_t n, i;
	char *buf;
	FILE *f;
	int err = 0;

	if (argc != 4 || (strcmp(argv[2], "csv") && strcmp(argv[2], "json"))) {
		fprintf(stderr, "usage: replay_gen ROWS csv|json FILE\n");
		return 2;
	}
	total = atol(argv[1]);
	s.pid_max = read_pid_max();
	f = fopen(argv[3], "w");
	buf = calloc(CHUNK_EVENTS, SLOT_BYTES);
	if (!f || !buf) {
		perror("replay_gen");
		return 1;
	}
	if (!strcmp(argv[2], "csv"))
		csv = pt_csv_open(f, &clock);
	else
		json = pt_jsonl_open(f, &clock);
	if (!csv && !json) {
		perror("replay_gen: open");
		return 1;
	}
	n = synth_start(&s, synth_slot(buf, 0), CHUNK_EVENTS);
	while (done < total && !err) {
		if (n == 0)
			n = synth_fill(&s, buf,
				       total - done < CHUNK_EVENTS ? total - done : CHUNK_EVENTS);
		if (n > (size_t)(total - done))
			n = total - done;
		for (i = 0; i < n && !err; i++)
			err = csv ? pt_csv_write(csv, synth_slot(buf, i))
				  : pt_jsonl_write(json, synth_slot(buf, i));
		done += n;
		n = 0;
	}
	if (!err)
		err = csv ? pt_csv_close(csv) : pt_jsonl_close(json);
	if (!err && fclose(f))
		err = -errno;
	free(buf);
	if (err) {
		fprintf(stderr, "replay_gen: %s: %s\n", argv[3], strerror(-err));
		return 1;
	}
	return 0;
}
