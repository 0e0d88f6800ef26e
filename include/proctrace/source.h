/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Sources of events. Each delivers complete events to the pipeline: the
 * kernel's (with the start-up snapshot, filtered, and the losses as PT_LOST
 * events where they happened), or a saved file's (with the wall clock it was
 * written with). Errors come back as -errno with one line of text in err;
 * an output's error is the pipeline's to report (pipeline.h). */
#ifndef PROCTRACE_SOURCE_H
#define PROCTRACE_SOURCE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "proctrace/config.h"
#include "proctrace/decode.h"
#include "proctrace/pipeline.h"

/* ---- the kernel (live.c): the loader, its snapshot, its loss counters ---- */

struct pt_live;
/* Load and attach the BPF programs with cfg's options and filters;
 * command_pid (0: none) is followed too. Events wait in the ring buffer
 * until the first poll. Features this kernel cannot do are said in one
 * line on stderr (see pt_live_kinds_off). */
int pt_live_open(struct pt_live **out, const struct pt_config *cfg, __u32 command_pid,
		 struct pt_pipeline *p, char *err, size_t errlen);
/* The kinds not recorded because their feature is off on this kernel. */
__u32 pt_live_kinds_off(const struct pt_live *l);
/* The processes running now, as PT_SNAPSHOT events: those the filters pick
 * to the pipeline, their ancestors to the model only (for the tree). */
int pt_live_snapshot(struct pt_live *l, char *err, size_t errlen);
/* Wait up to timeout_ms, deliver what came, then the losses since the last
 * call as one PT_LOST event. 0 or the first error; a signal only cuts the
 * wait short. */
int pt_live_poll(struct pt_live *l, int timeout_ms);
/* Detach, deliver what is left and the last losses. */
int pt_live_stop(struct pt_live *l);
/* Followed processes (other than except) that still exist. */
int pt_live_followed_alive(struct pt_live *l, __u32 except);
/* Whether the poll's kernel calls work with the current capabilities
 * (a pt_probe_fn, see privileges.h): 0, or -EPERM/-EACCES. */
int pt_live_probe(void *live);
void pt_live_close(struct pt_live *l);

/* ---- a saved file (file.c): --replay ---- */

struct pt_file_source;
/* Open path ("-": stdin), read its header and first event, and recover the
 * clock it was written with (from every row when the file can be read twice,
 * else from the first). */
int pt_file_open(struct pt_file_source **out, const char *path, char *err, size_t errlen);
/* Keep only the events the filters pick (as the kernel would have, -p
 * following children from their birth) within [since, until]. 0 or
 * -ENOMEM. */
int pt_file_select(struct pt_file_source *s, const struct pt_filter *f, const struct pt_when *since,
		   const struct pt_when *until);
/* The file's clock; false when it has no event (keep the current one). */
bool pt_file_clock(const struct pt_file_source *s, struct pt_clock *clock);
/* The host and boot of the row last read (origin.h), updated row by row:
 * valid while s is open. */
const struct pt_origin *pt_file_origin(const struct pt_file_source *s);
/* The kinds of event the file holds, bit 1 << kind; 0 when unknown (a pipe,
 * read once). */
__u32 pt_file_kinds(const struct pt_file_source *s);
/* The next event kept: 1 (valid until the next call), 0 at the end, < 0
 * with err = "FILE: line N: what is wrong"; -EINVAL (a malformed row) can
 * be skipped: the next call goes on after it. */
int pt_file_next(struct pt_file_source *s, const struct pt_event **ev, char *err, size_t errlen);
void pt_file_close(struct pt_file_source *s);

#endif
