/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Turning the kernel's numbers into what people read: names of events,
 * states, signals and signal results, wait statuses, CPU time, wall-clock
 * time, and argv as a shell command line. Pure functions, no I/O. */
#ifndef PROCTRACE_DECODE_H
#define PROCTRACE_DECODE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proctrace/buf.h"
#include "proctrace/event.h"

const char *pt_kind_name(unsigned kind); /* "fork"...; "?" if unknown */
/* The longest kind name's length: the width of every column of them. */
size_t pt_kind_name_width(void);
/* The kind a name (pt_kind_name) stands for; 0 if none. */
unsigned pt_kind_from_name(const char *s);
/* Whether the kernel side makes events of this kind (what -e can select):
 * every named kind but the snapshot and PT_LOST, which userspace makes. */
bool pt_kind_recordable(unsigned kind);
/* Whether a row of this kind is an event in the counts: the summary line's
 * "N events" (and its per-kind figures) and the database's trace.events.
 * Every named kind but PT_LOST: a lost row reports events that are
 * missing, counted in "lost". */
bool pt_kind_counted(unsigned kind);
const char *pt_state_name(unsigned state);	 /* "alive", "stopped", ... */
const char *pt_sig_result_name(unsigned result); /* "delivered", "ignored", ... */

/* "SIGTERM", "SIGRTMIN+3"; unknown numbers as "SIG70". buf >= 16 bytes. */
const char *pt_signal_name(int sig, char *buf, size_t n);
/* The inverse: only the exact name pt_signal_name gives a number. */
bool pt_signal_from_name(const char *s, int *sig);

struct pt_status {
	bool signaled; /* killed by a signal, else exited normally */
	int code;      /* exit code 0-255 when !signaled */
	int sig;       /* terminating signal when signaled */
	bool core;     /* core dumped (signaled only) */
};
struct pt_status pt_decode_status(__u32 wait_status);

/* User and system time (ns) as getrusage(2) and wait4(2) report them: the
 * kernel's cputime_adjust() on u: runtime split in the ratio of the sampled
 * utime/stime, neither side below the split reported before (prev_*). */
void pt_cputime_adjust(const struct pt_usage *u, __u64 *user_out, __u64 *sys_out);

/* How many usage columns (schema.h: PT_COL_CPU_USER_US to
 * PT_COL_CHILDREN_OUBLOCK). */
#define PT_USAGE_NCOLS 18
/* The usage columns of u, in schema.h's order: first what wait4(2)
 * returns (getrusage()'s RUSAGE_BOTH): the process's own figures (user and
 * system time split by pt_cputime_adjust()) plus its children part, the
 * times added in ns before truncating to µs as the kernel does, maxrss the
 * larger of its own and its children's; then the children part alone
 * (RUSAGE_CHILDREN). The own part of any column is the first minus the
 * second (maxrss excepted: a peak, not a sum). */
void pt_usage_columns(const struct pt_usage *u, __u64 out[PT_USAGE_NCOLS]);

/* Append s[0..n) quoted for a POSIX shell, only when it needs quoting:
 * single quotes (newline and tab stay literal inside), or, when bytes are
 * not valid UTF-8 or other control characters occur, $'...' with \xNN. */
void pt_shell_quote(struct pt_buf *out, const char *s, size_t n);

/* Append the NUL-separated argv block as one shell command line: each
 * argument quoted, joined by spaces; empty ones as ''. A last argument
 * without its NUL (cut by truncation) is written as it is. An argv[0] that
 * looks like NAME=value is quoted, or a shell would take it for an
 * assignment. */
void pt_argv_join(struct pt_buf *out, const __u8 *argv, size_t len);

/* The same with options. PT_QUOTE_ONE_LINE: newline and tab also take the
 * $'\n' form, so the result never spans lines (for the live stream). */
enum pt_quote_flags {
	PT_QUOTE_ONE_LINE = 1 << 0,
};
void pt_shell_quote_flags(struct pt_buf *out, const char *s, size_t n, unsigned flags);
void pt_argv_join_flags(struct pt_buf *out, const __u8 *argv, size_t len, unsigned flags);

/* Bytes of the well-formed UTF-8 sequence at s (1-4), or 0 when s[0] does
 * not start one (stray continuation, overlong form, surrogate, > U+10FFFF,
 * cut short by n). n must be > 0. */
size_t pt_utf8_seq_len(const unsigned char *s, size_t n);

/* Append raw kernel text (comm, path) so that it is valid UTF-8: bytes that
 * are not are written as \xNN. NUL is always written as \x00. Options: */
enum pt_escape_flags {
	PT_ESC_BACKSLASH = 1 << 0, /* \ as \\, so \xNN cannot be mistaken */
	PT_ESC_CONTROL = 1 << 1,   /* control chars as \xNN (C1 ones, U+0080-U+009F, as
				    * \xc2\xNN): one line, nothing a terminal obeys */
	PT_ESC_SPACE = 1 << 2,	   /* space as \x20: for space-separated values */
};
void pt_escape_text(struct pt_buf *out, const char *s, size_t n, unsigned flags);

/* Boot-time nanoseconds to wall clock: boot_to_real_ns is
 * CLOCK_REALTIME - CLOCK_BOOTTIME, read once at start. */
struct pt_clock {
	int64_t boot_to_real_ns;
};
struct pt_clock pt_clock_now(void);
/* CLOCK_BOOTTIME now, in ns: the clock of pt_task.ts_ns. */
__u64 pt_boottime_ns(void);
/* Days since 1970-01-01 of a date of the proleptic Gregorian calendar (as
 * timegm counts them): a day beyond its month's end runs into the next. */
int64_t pt_days_from_civil(int64_t y, unsigned month, unsigned day);
/* "2026-11-25T17:34:37.123456Z"; "@SECONDS.NNNNNNNNN" for a time outside
 * the years gmtime can give. */
void pt_format_utc(struct pt_buf *out, const struct pt_clock *c, __u64 ts_ns);
/* "17:34:37.123" in local time */
void pt_format_local_ms(struct pt_buf *out, const struct pt_clock *c, __u64 ts_ns);

/* Write one line of error text into err (errlen bytes) and return ret: the
 * shape every "-errno and a line in err" function reports in. */
int pt_set_err(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
