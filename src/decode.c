// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Names, wait statuses, CPU time, wall-clock time, and the two text
 * encodings every writer shares: shell quoting for argv and escaping for raw
 * kernel text. Pure functions: no I/O, no global state. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "proctrace/decode.h"
#include "proctrace/schema.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const kind_names[PT_KIND_MAX] = {
	[PT_SNAPSHOT] = "snapshot",
	[PT_FORK] = "fork",
	[PT_THREAD] = "thread",
	[PT_EXEC] = "exec",
	[PT_EXIT] = "exit",
	[PT_REAP] = "reap",
	[PT_SIGNAL] = "signal",
	[PT_STOP] = "stop",
	[PT_CONTINUE] = "continue",
	[PT_SETPGID] = "setpgid",
	[PT_SETSID] = "setsid",
	[PT_RENAME] = "rename",
	[PT_LOST] = "lost",
	[PT_UNSHARE] = "unshare",
	[PT_SETNS] = "setns",
	[PT_SCHED_STATE] = "state",
	[PT_SCHED_SUM] = "sched",
	[PT_REPARENT] = "reparent",
	[PT_EXEC_FAILED] = "exec_failed",
	[PT_USAGE] = "usage",
};

static const char *const state_names[] = {
	[PT_STATE_ALIVE] = "alive",	  [PT_STATE_STOPPED] = "stopped",
	[PT_STATE_ZOMBIE] = "zombie",	  [PT_STATE_REAPED] = "reaped",
	[PT_STATE_RUNNING] = "running",	  [PT_STATE_RUNNABLE] = "runnable",
	[PT_STATE_SLEEPING] = "sleeping", [PT_STATE_DISK_SLEEP] = "disk-sleep",
	[PT_STATE_TRACED] = "traced",
};

static const char *const sig_result_names[] = {
	[PT_SIG_DELIVERED] = "delivered",
	[PT_SIG_IGNORED] = "ignored",
	[PT_SIG_ALREADY_PENDING] = "already_pending",
	[PT_SIG_OVERFLOW_FAIL] = "overflow_fail",
	[PT_SIG_LOSE_INFO] = "lose_info",
};

/* Numbers of x86_64 and of the generic ABI (arm64, riscv), which agree. */
static const char *const signal_names[] = {
	[1] = "SIGHUP",	    [2] = "SIGINT",   [3] = "SIGQUIT",	 [4] = "SIGILL",   [5] = "SIGTRAP",
	[6] = "SIGABRT",    [7] = "SIGBUS",   [8] = "SIGFPE",	 [9] = "SIGKILL",  [10] = "SIGUSR1",
	[11] = "SIGSEGV",   [12] = "SIGUSR2", [13] = "SIGPIPE",	 [14] = "SIGALRM", [15] = "SIGTERM",
	[16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT",	 [19] = "SIGSTOP", [20] = "SIGTSTP",
	[21] = "SIGTTIN",   [22] = "SIGTTOU", [23] = "SIGURG",	 [24] = "SIGXCPU", [25] = "SIGXFSZ",
	[26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO",   [30] = "SIGPWR",
	[31] = "SIGSYS",
};

/* glibc keeps 32 and 33 for itself, so user-visible real-time signals run
 * from 34; the names split at the midpoint as kill -l and strsignal do. */
#define PT_SIGRTMIN 34
#define PT_SIGRTMAX 64

static const char *name_at(const char *const *names, size_t count, unsigned i)
{
	return i < count && names[i] ? names[i] : "?";
}

const char *pt_kind_name(unsigned kind)
{
	return name_at(kind_names, ARRAY_SIZE(kind_names), kind);
}

size_t pt_kind_name_width(void)
{
	size_t width = 0, k;

	for (k = 0; k < ARRAY_SIZE(kind_names); k++)
		if (kind_names[k] && strlen(kind_names[k]) > width)
			width = strlen(kind_names[k]);
	return width;
}

unsigned pt_kind_from_name(const char *s)
{
	unsigned k;

	for (k = 1; k < PT_KIND_MAX; k++)
		/* First byte inline: a replay looks up a name on every row. */
		if (kind_names[k] && *kind_names[k] == *s && !strcmp(kind_names[k], s))
			return k;
	return 0;
}

bool pt_kind_recordable(unsigned kind)
{
	/* Not the snapshot and loss records, nor the scheduler's rows (asked
	 * for by --sched and --sched-events). */
	return kind > 0 && kind < PT_KIND_MAX && kind != PT_SNAPSHOT && kind != PT_LOST &&
		kind != PT_SCHED_STATE && kind != PT_SCHED_SUM && kind_names[kind];
}

bool pt_kind_counted(unsigned kind)
{
	return kind > 0 && kind < PT_KIND_MAX && kind != PT_LOST;
}

const char *pt_state_name(unsigned state)
{
	return name_at(state_names, ARRAY_SIZE(state_names), state);
}

const char *pt_sig_result_name(unsigned result)
{
	return name_at(sig_result_names, ARRAY_SIZE(sig_result_names), result);
}

const char *pt_signal_name(int sig, char *buf, size_t n)
{
	int mid = PT_SIGRTMIN + (PT_SIGRTMAX - PT_SIGRTMIN) / 2;

	if (sig > 0 && sig < (int)ARRAY_SIZE(signal_names))
		return signal_names[sig];
	if (sig == PT_SIGRTMIN)
		snprintf(buf, n, "SIGRTMIN");
	else if (sig == PT_SIGRTMAX)
		snprintf(buf, n, "SIGRTMAX");
	else if (sig > PT_SIGRTMIN && sig <= mid)
		snprintf(buf, n, "SIGRTMIN+%d", sig - PT_SIGRTMIN);
	else if (sig > mid && sig < PT_SIGRTMAX)
		snprintf(buf, n, "SIGRTMAX-%d", PT_SIGRTMAX - sig);
	else
		snprintf(buf, n, "SIG%d", sig);
	return buf;
}

/* The inverse of pt_signal_name, which alone decides what a name means:
 * only the exact name it gives a number is taken. */
bool pt_signal_from_name(const char *s, int *sig)
{
	char buf[16], *end;
	long n;

	/* Every name pt_signal_name gives starts with SIG. */
	if (strncmp(s, "SIG", 3))
		return false;
	for (n = 1; n <= 64; n++) {
		const char *name = pt_signal_name((int)n, buf, sizeof(buf)) + 3;

		if (*name == s[3] && !strcmp(name, s + 3)) {
			*sig = (int)n;
			return true;
		}
	}
	errno = 0;
	n = strtol(s + 3, &end, 10);
	if (end == s + 3 || *end || errno || n < INT_MIN || n > INT_MAX ||
	    strcmp(pt_signal_name((int)n, buf, sizeof(buf)), s))
		return false;
	*sig = (int)n;
	return true;
}

struct pt_status pt_decode_status(__u32 wait_status)
{
	struct pt_status st = { 0 };
	int sig = wait_status & 0x7f;

	if (sig == 0) {
		st.code = (wait_status >> 8) & 0xff;
	} else {
		st.signaled = true;
		st.sig = sig;
		st.core = wait_status & 0x80;
	}
	return st;
}

void pt_cputime_adjust(const struct pt_usage *u, __u64 *user_out, __u64 *sys_out)
{
	__u64 utime = u->utime_ns, stime = u->stime_ns, rtime = u->runtime_ns;
	__u64 prev_u = u->prev_utime_ns, prev_s = u->prev_stime_ns;

	/* Reported already for this runtime (or more): the same again. */
	if (prev_s + prev_u >= rtime) {
		*user_out = prev_u;
		*sys_out = prev_s;
		return;
	}
	/* A side never sampled gets nothing, which also covers short-lived
	 * tasks that no tick ever saw (both zero). stime * rtime needs up to
	 * 128 bits; the quotient fits in 64 as stime <= utime + stime. */
	if (stime && !utime)
		stime = rtime;
	else if (stime)
		stime = (__u64)((unsigned __int128)stime * rtime /
				((unsigned __int128)stime + utime));
	if (stime > rtime)
		stime = rtime;
	/* Neither side goes back from what was reported before. */
	if (stime < prev_s)
		stime = prev_s;
	utime = rtime - stime;
	if (utime < prev_u) {
		utime = prev_u;
		stime = rtime - utime;
	}
	*user_out = utime;
	*sys_out = stime;
}

/* ---- UTF-8 and text escaping ---- */

size_t pt_utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* UTF-16 surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0; /* continuation byte, C0/C1 overlong, F5-FF */
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* A control character of len bytes of valid UTF-8: C0 and DEL, or a C1
 * control (U+0080-U+009F, C2 80-C2 9F), which terminals may obey as well
 * (U+009B is CSI, the start of an escape sequence). */
static bool is_control_seq(const unsigned char *p, size_t len)
{
	return (len == 1 && (p[0] < 0x20 || p[0] == 0x7f)) ||
		(len == 2 && p[0] == 0xc2 && p[1] < 0xa0);
}

static void put_hex_byte(struct pt_buf *out, unsigned char c)
{
	pt_buf_printf(out, "\\x%02x", c);
}

/* A control character in hex, each of its bytes (one rule for all of
 * them, newline and tab included). */
static void put_control(struct pt_buf *out, const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		put_hex_byte(out, p[i]);
}

void pt_escape_text(struct pt_buf *out, const char *s, size_t n, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, len;

	while (i < n) {
		unsigned char c = p[i];

		len = pt_utf8_seq_len(p + i, n - i);
		if (len == 0 || c == '\0')
			put_hex_byte(out, c);
		else if (c == '\\' && (flags & PT_ESC_BACKSLASH))
			pt_buf_puts(out, "\\\\");
		else if (c == ' ' && (flags & PT_ESC_SPACE))
			put_hex_byte(out, c);
		else if (is_control_seq(p + i, len) && (flags & PT_ESC_CONTROL))
			put_control(out, p + i, len);
		else
			pt_buf_put(out, p + i, len);
		i += len ? len : 1;
	}
}

/* ---- shell quoting ---- */

static bool is_shell_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		(c && strchr("_@%+=:,./-", c));
}

/* Would the shell need $'...' to reproduce these bytes: anything that is not
 * valid UTF-8, or a control character single quotes cannot carry visibly. */
static bool needs_ansi_c(const unsigned char *p, size_t n, unsigned flags)
{
	bool one_line = flags & PT_QUOTE_ONE_LINE;
	size_t i = 0, len;

	while (i < n) {
		len = pt_utf8_seq_len(p + i, n - i);
		if (len == 0 || p[i] == '\0')
			return true;
		if (is_control_seq(p + i, len) && (one_line || (p[i] != '\n' && p[i] != '\t')))
			return true;
		i += len;
	}
	return false;
}

static void put_single_quoted(struct pt_buf *out, const char *s, size_t n)
{
	size_t i;

	pt_buf_putc(out, '\'');
	for (i = 0; i < n; i++) {
		if (s[i] == '\'')
			pt_buf_puts(out, "'\\''");
		else
			pt_buf_putc(out, s[i]);
	}
	pt_buf_putc(out, '\'');
}

static void put_ansi_c_quoted(struct pt_buf *out, const unsigned char *p, size_t n)
{
	size_t i = 0, len;

	pt_buf_puts(out, "$'");
	while (i < n) {
		unsigned char c = p[i];

		len = pt_utf8_seq_len(p + i, n - i);
		if (len == 0 || c == '\0')
			put_hex_byte(out, c);
		else if (c == '\\' || c == '\'')
			pt_buf_printf(out, "\\%c", c);
		else if (is_control_seq(p + i, len))
			put_control(out, p + i, len);
		else
			pt_buf_put(out, p + i, len);
		i += len ? len : 1;
	}
	pt_buf_putc(out, '\'');
}

static void shell_quote(struct pt_buf *out, const char *s, size_t n, unsigned flags, bool force)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	if (n == 0) {
		pt_buf_puts(out, "''");
		return;
	}
	if (!force) {
		for (i = 0; i < n && is_shell_safe(p[i]); i++)
			;
		if (i == n) {
			pt_buf_put(out, s, n);
			return;
		}
	}
	if (needs_ansi_c(p, n, flags))
		put_ansi_c_quoted(out, p, n);
	else
		put_single_quoted(out, s, n);
}

void pt_shell_quote_flags(struct pt_buf *out, const char *s, size_t n, unsigned flags)
{
	shell_quote(out, s, n, flags, false);
}

void pt_shell_quote(struct pt_buf *out, const char *s, size_t n)
{
	shell_quote(out, s, n, 0, false);
}

static bool is_name_char(unsigned char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(!first && c >= '0' && c <= '9');
}

/* NAME=... as the first word is an assignment to the shell, not a command:
 * such an argv[0] is quoted although all its characters are safe. */
static bool looks_like_assignment(const __u8 *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] != '='; i++)
		if (!is_name_char(s[i], i == 0))
			return false;
	return i > 0 && i < n;
}

void pt_argv_join_flags(struct pt_buf *out, const __u8 *argv, size_t len, unsigned flags)
{
	size_t i = 0, n;
	const __u8 *nul;

	while (i < len) {
		nul = memchr(argv + i, '\0', len - i);
		n = nul ? (size_t)(nul - (argv + i)) : len - i;
		if (i > 0)
			pt_buf_putc(out, ' ');
		shell_quote(out, (const char *)argv + i, n, flags,
			    i == 0 && looks_like_assignment(argv, n));
		i += n + 1;
	}
}

void pt_argv_join(struct pt_buf *out, const __u8 *argv, size_t len)
{
	pt_argv_join_flags(out, argv, len, 0);
}

/* ---- wall-clock time ---- */

static int64_t timespec_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

__u64 pt_boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)timespec_ns(&ts);
}

struct pt_clock pt_clock_now(void)
{
	struct timespec b1, real, b2;
	struct pt_clock c;

	/* Boot time read on both sides of the real time: their mean is the
	 * best estimate of the instant the real time was taken. */
	clock_gettime(CLOCK_BOOTTIME, &b1);
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &b2);
	c.boot_to_real_ns =
		timespec_ns(&real) - (timespec_ns(&b1) + (timespec_ns(&b2) - timespec_ns(&b1)) / 2);
	return c;
}

/* Seconds and nanoseconds of the real time, rounded towards -inf so that
 * instants before 1970 still print a sane fraction. */
static void real_time(const struct pt_clock *c, __u64 ts_ns, time_t *sec, long *nsec)
{
	/* In 128 bits: a replayed ts_ns may be any 64-bit value, and the sum
	 * of two that fit is all the time column can name. */
	__int128 real = (__int128)ts_ns + c->boot_to_real_ns;
	int64_t s = (int64_t)(real / 1000000000), ns = (int64_t)(real % 1000000000);

	if (ns < 0) {
		ns += 1000000000;
		s--;
	}
	*sec = (time_t)s;
	*nsec = (long)ns;
}

/* The calendar by arithmetic (civil dates from and to day numbers, in
 * 400-year eras): a writer formats a time on every row, and gmtime and
 * strftime cost more than the rest of the row. */
int64_t pt_days_from_civil(int64_t y, unsigned month, unsigned day)
{
	int64_t era, yoe, doy, doe;
	unsigned mp = month > 2 ? month - 3 : month + 9;

	y -= month <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * mp + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SS" for years 1000 to 9999, the ones strftime's %Y
 * writes with four digits; false for the others. */
static bool utc_seconds(time_t sec, char out[20])
{
	int64_t days = sec / 86400, rem = sec % 86400, era, doe, yoe, y, doy, mp;
	unsigned vals[6], i;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	vals[1] = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	y = yoe + era * 400 + (vals[1] <= 2);
	if (y < 1000 || y > 9999)
		return false;
	vals[0] = (unsigned)y;
	vals[2] = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	vals[3] = (unsigned)(rem / 3600);
	vals[4] = (unsigned)(rem / 60 % 60);
	vals[5] = (unsigned)(rem % 60);
	memcpy(out, "0000-00-00T00:00:00", 20);
	for (i = 0; i < 4; i++, vals[0] /= 10)
		out[3 - i] = (char)('0' + vals[0] % 10);
	for (i = 1; i < 6; i++) {
		out[2 + 3 * i] = (char)('0' + vals[i] / 10);
		out[3 + 3 * i] = (char)('0' + vals[i] % 10);
	}
	return true;
}

void pt_format_utc(struct pt_buf *out, const struct pt_clock *c, __u64 ts_ns)
{
	char date[32], us[8];
	struct tm tm;
	time_t sec;
	long nsec, v;
	int i;

	real_time(c, ts_ns, &sec, &nsec);
	if (!utc_seconds(sec, date)) {
		if (!gmtime_r(&sec, &tm) ||
		    !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm)) {
			pt_buf_printf(out, "@%lld.%09ld", (long long)sec, nsec);
			return;
		}
	}
	pt_buf_puts(out, date);
	us[0] = '.';
	for (i = 6, v = nsec / 1000; i > 0; i--, v /= 10)
		us[i] = (char)('0' + v % 10);
	us[7] = 'Z';
	pt_buf_put(out, us, sizeof(us));
}

void pt_format_local_ms(struct pt_buf *out, const struct pt_clock *c, __u64 ts_ns)
{
	char hms[16];
	struct tm tm;
	time_t sec;
	long nsec;

	real_time(c, ts_ns, &sec, &nsec);
	if (!localtime_r(&sec, &tm) || !strftime(hms, sizeof(hms), "%H:%M:%S", &tm)) {
		pt_buf_printf(out, "@%lld.%03ld", (long long)sec, nsec / 1000000);
		return;
	}
	pt_buf_printf(out, "%s.%03ld", hms, nsec / 1000000);
}

int pt_set_err(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

_Static_assert(PT_USAGE_NCOLS == PT_COL_CHILDREN_OUBLOCK - PT_COL_CPU_USER_US + 1,
	       "PT_USAGE_NCOLS: schema.h's usage columns");

void pt_usage_columns(const struct pt_usage *u, __u64 out[PT_USAGE_NCOLS])
{
	const __u64 own[] = { 0,	0,	   u->maxrss_kb, u->minflt, u->majflt,
			      u->nvcsw, u->nivcsw, u->inblock,	 u->oublock };
	const __u64 kids[] = { u->cutime_ns, u->cstime_ns, u->cmaxrss_kb, u->cminflt, u->cmajflt,
			       u->cnvcsw,    u->cnivcsw,   u->cinblock,	  u->coublock };
	const unsigned n = PT_USAGE_NCOLS / 2;
	__u64 user, sys;

	pt_cputime_adjust(u, &user, &sys);
	for (unsigned i = 0; i < n; i++) {
		out[i] = own[i] + kids[i];
		out[n + i] = kids[i];
	}
	/* getrusage(): ns_to_timeval(cutime + utime), a sum before the µs */
	out[0] = (user + u->cutime_ns) / 1000;
	out[1] = (sys + u->cstime_ns) / 1000;
	out[n] = u->cutime_ns / 1000;
	out[n + 1] = u->cstime_ns / 1000;
	out[2] = u->maxrss_kb > u->cmaxrss_kb ? u->maxrss_kb : u->cmaxrss_kb;
}
