/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Replay: a CSV (-o) or JSON Lines (-j) file written by proctrace, told
 * apart by its first byte ('{': JSON Lines), read back into the events it
 * was made from, so that the model and every writer can run on a saved
 * capture as they do on the kernel's events. What the CSV does not keep is
 * rebuilt where the file determines it and left zero otherwise:
 *
 * - task.start_ns is not a column. It is exact on snapshot rows; a fork row
 *   gives its child the fork's ts_ns (the kernel starts it just before); the
 *   other rows of a pid get the start of the process holding that pid at
 *   that point of the file (a reap that comes after the pid's next fork
 *   still goes to the process that exited). A process whose birth the file
 *   does not show (its fork lost, or a filter that took it up later) starts
 *   at its first row: no later than the truth, so its parent still sorts
 *   before it.
 * - exit: the user/system split is kept only as adjusted microseconds:
 *   utime_ns and stime_ns are those microseconds and runtime_ns their sum,
 *   which gives the same microseconds back.
 * - by.* is kept only where by_pid is written. Not kept: the parent's
 *   comm on fork rows (the child's comm is its copy: pt_actor_comm), the
 *   creating thread's comm on thread rows. Rebuilt as the kernel makes
 *   them: a thread's creator is in its process (by.pid = task.pid),
 *   setsid's caller is the task itself, and the session before a setpgid
 *   is the one after. A setpgid row without caller_tid and caller_comm
 *   (an older capture) names its caller only when it is the process
 *   itself, by its comm. Events whose actor is not in the file have
 *   PT_F_NO_ACTOR and a zero by.
 * - exec: a last argument without its NUL (argv cut) is told apart by
 *   captured=, or by args_size when argv was not cut.
 * - Flags are kept only where the writer shows them (GROUP_DEAD on exit,
 *   AUTOREAP, REAPER_UNKNOWN and REAP_AT_FREE on reap, KERNEL_SENDER on
 *   signal, stop and continue, SIG_GROUP on signal, the truncation flags on
 *   exec).
 * - signal.result on stop and continue rows is 0; a result the writer wrote
 *   as "?" comes back as the first number without a name.
 *
 * A JSON Lines file carries exactly what the CSV does (the same schema),
 * so both give the same events: any round trip between them is exact. Its
 * rows also say where they come from (host, boot_id), kept apart from the
 * events: pt_replay_origin.
 *
 * Library-like: no diagnostics are printed; errors come back as a negative
 * value and one line of text, "line N: what is wrong" ("line N, column M:"
 * where the JSON itself is malformed). */
#ifndef PROCTRACE_REPLAY_H
#define PROCTRACE_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "proctrace/decode.h"
#include "proctrace/event.h"
#include "proctrace/origin.h"

struct pt_replay;

/* f is borrowed (not closed). Reads and checks the header row of a CSV,
 * which must be exactly proctrace's. NULL, with one line in err, on failure. */
struct pt_replay *pt_replay_open(FILE *f, char *err, size_t errlen);

/* The next event: 1, and *ev valid until the next call or close; 0 at the
 * end of the file; < 0 on a row that cannot be read (-EINVAL: malformed,
 * -ENOMEM, -EIO), with err = "line N: what is wrong", N the line the row
 * starts on. The whole bad row has been consumed: the next call goes on with
 * the following one, so a caller may skip bad rows or stop at the first.
 * Exec events carry data[]: argv, NUL-separated, then the path. */
int pt_replay_next(struct pt_replay *r, const struct pt_event **ev, char *err, size_t errlen);

/* The wall clock the file was written with, recovered from its time column:
 * one that gives every row read so far its time back (to the microsecond
 * the column has). False before the first event. */
bool pt_replay_clock(const struct pt_replay *r, struct pt_clock *clock);

/* Reads the rest of the file for its clock alone (ts_ns and time): what
 * pt_replay_next would give, for every file whose rows are all proctrace's,
 * at a fraction of the cost, and the kinds of event it holds (bit
 * 1 << kind in *kinds). False when no row gave one. */
bool pt_replay_scan_clock(struct pt_replay *r, struct pt_clock *clock, __u32 *kinds);

/* The host and boot the row last read says it comes from (JSON Lines'
 * host and boot_id keys; "" where it has none, as every CSV row): valid
 * until close, updated by each pt_replay_next. */
const struct pt_origin *pt_replay_origin(const struct pt_replay *r);

void pt_replay_close(struct pt_replay *r);

#endif
