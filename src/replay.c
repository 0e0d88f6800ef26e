// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A proctrace CSV read back into events: the inverse of src/out/csv.c, one
 * row at a time, in three layers: RFC 4180 records (quotes, doubled quotes,
 * rows spanning lines), the values inside fields (the writer's \xNN text
 * escapes, its shell quoting of argv, the detail column's key=value pairs),
 * and the event they describe. What the writer leaves out is rebuilt only
 * where the file determines it (see replay.h). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
/* uthash aborts on allocation failure unless told otherwise; a failed add
 * leaves hh.tbl NULL instead. */
#define HASH_NONFATAL_OOM 1
#include <uthash.h>
#include "proctrace/replay.h"

#define REPLAY_CHUNK 65536
/* The writer's longest row, argv and path escaped at their worst, is under
 * 200 KiB: a longer one is not proctrace's, and a quote never closed cannot
 * take the whole file into memory. */
#define REPLAY_ROW_MAX (1 << 20)
#define REPLAY_MAX_PAIRS 32
/* Holders of one pid remembered at once: the live one and those whose reap
 * may still come (a reap can arrive after the pid's next fork). */
#define REPLAY_HOLDERS 4
/* Bytes of a bad value quoted in an error message. */
#define REPLAY_SHOW_MAX 32

enum col {
	COL_TS_NS,
	COL_TIME,
	COL_EVENT,
	COL_PID,
	COL_TID,
	COL_PPID,
	COL_PGID,
	COL_SID,
	COL_UID,
	COL_COMM,
	COL_BY_PID,
	COL_SIGNAL,
	COL_EXIT_CODE,
	COL_CORE_DUMPED,
	COL_STATE,
	COL_FILENAME,
	COL_ARGV,
	COL_CPU_USER_US,
	COL_CPU_SYS_US,
	COL_MAXRSS_KB,
	COL_MINFLT,
	COL_MAJFLT,
	COL_NVCSW,
	COL_NIVCSW,
	COL_NS_PID,
	COL_PIDNS,
	COL_CGROUP_ID,
	COL_DETAIL,
	N_COLS,
};

static const char *const col_names[N_COLS] = {
	"ts_ns",  "time",     "event",	"pid",	       "tid",	     "ppid",	  "pgid",
	"sid",	  "uid",      "comm",	"by_pid",      "signal",     "exit_code", "core_dumped",
	"state",  "filename", "argv",	"cpu_user_us", "cpu_sys_us", "maxrss_kb", "minflt",
	"majflt", "nvcsw",    "nivcsw", "ns_pid",      "pidns",	     "cgroup_id", "detail",
};

struct pair {
	const char *key, *val;
};

/* A process that held a pid, as far as the file has shown it. */
struct holder {
	__u64 start_ns;
	bool exited, reaped;
};

struct pid_slot {
	__u32 pid;
	unsigned n;
	struct holder h[REPLAY_HOLDERS]; /* newest first */
	UT_hash_handle hh;
};

struct pt_replay {
	FILE *f; /* borrowed */
	char chunk[REPLAY_CHUNK];
	size_t pos, len;
	bool eof;
	int read_err;		/* errno of a failed read */
	unsigned long line;	/* line the reader is on, from 1 */
	unsigned long row_line; /* line the current row starts on */
	struct pt_buf row;	/* the row's fields, each NUL-terminated */
	size_t starts[N_COLS];	/* where each field begins in row */
	unsigned nfields;
	struct pair pairs[REPLAY_MAX_PAIRS]; /* the detail column, split */
	unsigned npairs;
	char msg[256];		/* the first error of the row */
	struct pt_buf shown;	/* a bad value, escaped for msg */
	struct pt_event *ev;	/* with room for the exec payload */
	struct pid_slot *slots; /* uthash by pid */
	bool have_clock;
	int64_t off_lo, off_hi; /* boot_to_real_ns that fit every row */
};

/* ---- errors: the first one of a row is kept ---- */

static int report(struct pt_replay *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int report(struct pt_replay *r, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->msg[0])
		return err;
	n = snprintf(r->msg, sizeof(r->msg), "line %lu: ", r->row_line);
	va_start(ap, fmt);
	vsnprintf(r->msg + n, sizeof(r->msg) - n, fmt, ap);
	va_end(ap);
	return err;
}

#define malformed(r, ...) report(r, -EINVAL, __VA_ARGS__)

/* s made fit for a one-line message: cut short, escaped. */
static const char *shown(struct pt_replay *r, const char *s)
{
	size_t n = strlen(s), cut = n;

	if (cut > REPLAY_SHOW_MAX) {
		cut = REPLAY_SHOW_MAX;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	pt_buf_reset(&r->shown);
	pt_escape_text(&r->shown, s, cut, PT_ESC_BACKSLASH | PT_ESC_CONTROL);
	if (cut < n)
		pt_buf_puts(&r->shown, "...");
	pt_buf_putc(&r->shown, '\0');
	return r->shown.failed ? "?" : r->shown.data;
}

static void error_out(const struct pt_replay *r, char *err, size_t errlen)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", r->msg[0] ? r->msg : "unknown error");
}

/* ---- RFC 4180 records ---- */

static int read_byte(struct pt_replay *r)
{
	size_t n;

	if (r->pos == r->len) {
		if (r->eof)
			return EOF;
		n = fread(r->chunk, 1, sizeof(r->chunk), r->f);
		if (n == 0) {
			r->eof = true;
			if (ferror(r->f))
				r->read_err = errno ? errno : EIO;
			return EOF;
		}
		r->pos = 0;
		r->len = n;
	}
	return (unsigned char)r->chunk[r->pos++];
}

static int peek_byte(struct pt_replay *r)
{
	int c = read_byte(r);

	if (c != EOF)
		r->pos--;
	return c;
}

static void row_put(struct pt_replay *r, char c)
{
	if (r->row.len >= REPLAY_ROW_MAX) {
		malformed(r, "row longer than %d bytes", REPLAY_ROW_MAX);
		return;
	}
	pt_buf_putc(&r->row, c);
}

static void field_begin(struct pt_replay *r)
{
	if (r->nfields < N_COLS)
		r->starts[r->nfields] = r->row.len;
	r->nfields++;
}

/* Reads to the end of an unquoted field (or the rest of a malformed quoted
 * one) and returns what ended it: ',', '\n' (also for "\r\n") or EOF. */
static int read_unquoted(struct pt_replay *r, int c)
{
	for (;; c = read_byte(r)) {
		if (c == ',' || c == '\n' || c == EOF)
			return c;
		if (c == '\r') {
			if (peek_byte(r) == '\n')
				return read_byte(r);
			malformed(r, "CR outside quotes");
		} else if (c == '"') {
			malformed(r, "quote inside an unquoted field");
		} else if (c == '\0') {
			malformed(r, "NUL byte");
			continue;
		}
		row_put(r, (char)c);
	}
}

static int read_quoted(struct pt_replay *r)
{
	int c;

	for (;;) {
		c = read_byte(r);
		if (c == EOF) {
			malformed(r, "quoted field not closed at the end of the file");
			return EOF;
		}
		if (c == '"') {
			if (peek_byte(r) != '"')
				break;
			read_byte(r);
		} else if (c == '\n') {
			r->line++;
		} else if (c == '\0') {
			malformed(r, "NUL byte");
			continue;
		}
		row_put(r, (char)c);
	}
	c = read_byte(r);
	if (c != ',' && c != '\n' && c != '\r' && c != EOF)
		malformed(r, "text after a closing quote");
	return read_unquoted(r, c);
}

/* One record into r->row: 1; 0 at the end of the file; < 0 with r->msg.
 * A malformed record is still read to its end, so the next one is whole. */
static int read_row(struct pt_replay *r)
{
	int c;

	pt_buf_reset(&r->row);
	r->nfields = 0;
	r->npairs = 0;
	r->msg[0] = '\0';
	r->row_line = r->line;
	c = read_byte(r);
	if (c == EOF)
		return r->read_err ? report(r, -EIO, "read error: %s", strerror(r->read_err)) : 0;
	for (;;) {
		field_begin(r);
		c = c == '"' ? read_quoted(r) : read_unquoted(r, c);
		row_put(r, '\0');
		if (c != ',')
			break;
		c = read_byte(r);
	}
	if (c == '\n')
		r->line++;
	if (r->read_err)
		return report(r, -EIO, "read error: %s", strerror(r->read_err));
	if (c == EOF)
		malformed(r, "no newline at the end of the row (file cut short?)");
	if (r->row.failed)
		return report(r, -ENOMEM, "out of memory");
	return r->msg[0] ? -EINVAL : 1;
}

static char *field(const struct pt_replay *r, enum col c)
{
	return r->row.data + r->starts[c];
}

/* ---- numbers and names ---- */

static bool parse_u64(const char *s, __u64 max, __u64 *v)
{
	__u64 x = 0;
	unsigned d;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		d = *s - '0';
		if (x > (max - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return true;
}

static bool parse_s32(const char *s, __s32 *v)
{
	bool neg = *s == '-';
	__u64 x;

	if (!parse_u64(s + neg, neg ? (__u64)INT32_MAX + 1 : INT32_MAX, &x))
		return false;
	*v = neg ? (__s32)(-(int64_t)x) : (__s32)x;
	return true;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "0x" and 1 to 8 hex digits. */
static bool parse_hex_u32(const char *s, __u32 *v)
{
	__u32 x = 0;
	int i, d;

	if (s[0] != '0' || s[1] != 'x' || !s[2])
		return false;
	for (i = 2; s[i]; i++) {
		d = hex_digit(s[i]);
		if (d < 0 || i >= 10)
			return false;
		x = x << 4 | d;
	}
	*v = x;
	return true;
}

static unsigned kind_from_name(const char *s)
{
	unsigned k;

	for (k = 1; k < PT_KIND_MAX; k++)
		if (!strcmp(pt_kind_name(k), s))
			return k;
	return 0;
}

/* The inverse of pt_signal_name, which alone decides what a name means:
 * only the exact name it gives a number is taken. */
static bool signal_from_name(const char *s, int *sig)
{
	char buf[16], *end;
	long n;

	for (n = 1; n <= 64; n++) {
		if (!strcmp(pt_signal_name((int)n, buf, sizeof(buf)), s)) {
			*sig = (int)n;
			return true;
		}
	}
	if (strncmp(s, "SIG", 3))
		return false;
	errno = 0;
	n = strtol(s + 3, &end, 10);
	if (end == s + 3 || *end || errno || n < INT_MIN || n > INT_MAX ||
	    strcmp(pt_signal_name((int)n, buf, sizeof(buf)), s))
		return false;
	*sig = (int)n;
	return true;
}

/* ---- column values ---- */

static int col_u64(struct pt_replay *r, enum col c, __u64 max, __u64 *v)
{
	const char *s = field(r, c);

	if (!parse_u64(s, max, v))
		return malformed(r, "%s: '%s' is not a number from 0 to %llu", col_names[c],
				 shown(r, s), (unsigned long long)max);
	return 0;
}

static int col_u32(struct pt_replay *r, enum col c, __u32 *v)
{
	__u64 x;
	int err = col_u64(r, c, UINT32_MAX, &x);

	if (!err)
		*v = (__u32)x;
	return err;
}

/* Undo pt_escape_text: \\ and \xNN, and the \n \r \t of detail values. */
static int unescape(struct pt_replay *r, const char *what, const char *s, char *out, size_t cap,
		    size_t *len)
{
	size_t n = 0;
	const char *p;
	int hi, lo;
	char c;

	for (p = s; *p; p++) {
		c = *p;
		if (c == '\\') {
			switch (*++p) {
			case '\\':
				c = '\\';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'x':
				hi = hex_digit(p[1]);
				lo = hex_digit(hi < 0 ? '\0' : p[2]);
				if (lo < 0)
					return malformed(r, "%s: bad escape in '%s'", what,
							 shown(r, s));
				c = (char)(hi << 4 | lo);
				p += 2;
				break;
			default:
				return malformed(r, "%s: bad escape in '%s'", what, shown(r, s));
			}
		}
		if (n == cap)
			return malformed(r, "%s: longer than %zu bytes", what, cap);
		out[n++] = c;
	}
	*len = n;
	return 0;
}

/* A command name: at most PT_COMM_LEN bytes, no NUL (the writer stops at
 * the first). out is zero already. */
static int comm_value(struct pt_replay *r, const char *what, const char *s, char *out)
{
	size_t n = 0;
	int err = unescape(r, what, s, out, PT_COMM_LEN, &n);

	if (!err && memchr(out, '\0', n))
		return malformed(r, "%s: NUL byte in '%s'", what, shown(r, s));
	return err;
}

/* ---- the detail column ---- */

static int detail_split(struct pt_replay *r)
{
	char *s = field(r, COL_DETAIL), *sp, *eq;

	if (!*s)
		return 0;
	for (;;) {
		sp = strchr(s, ' ');
		if (sp)
			*sp = '\0';
		eq = strchr(s, '=');
		if (!eq || eq == s)
			return malformed(r, "detail: '%s' is not key=value", shown(r, s));
		if (r->npairs == REPLAY_MAX_PAIRS)
			return malformed(r, "detail: more than %d values", REPLAY_MAX_PAIRS);
		*eq = '\0';
		r->pairs[r->npairs++] = (struct pair){ s, eq + 1 };
		if (!sp)
			return 0;
		s = sp + 1;
	}
}

static const char *detail_find(const struct pt_replay *r, const char *key)
{
	unsigned i;

	for (i = 0; i < r->npairs; i++)
		if (!strcmp(r->pairs[i].key, key))
			return r->pairs[i].val;
	return NULL;
}

static int pair_u64(struct pt_replay *r, const char *key, const char *val, __u64 max, __u64 *v)
{
	if (!parse_u64(val, max, v))
		return malformed(r, "detail: %s=%s is not a number from 0 to %llu", key,
				 shown(r, val), (unsigned long long)max);
	return 0;
}

/* 1: present and *v set; 0: absent, an error when required; < 0: bad. */
static int detail_u64(struct pt_replay *r, const char *key, __u64 max, bool required, __u64 *v)
{
	const char *val = detail_find(r, key);

	if (!val)
		return required ? malformed(r, "detail: no %s=", key) : 0;
	return pair_u64(r, key, val, max, v) ?: 1;
}

static int detail_u32(struct pt_replay *r, const char *key, __u32 *v)
{
	__u64 x = 0;
	int err = detail_u64(r, key, UINT32_MAX, true, &x);

	if (err > 0)
		*v = (__u32)x;
	return err;
}

/* A flag the writer shows as key=want. */
static int detail_flag(struct pt_replay *r, const char *key, const char *want, __u16 *flags,
		       unsigned flag)
{
	const char *val = detail_find(r, key);

	if (!val)
		return 0;
	if (strcmp(val, want))
		return malformed(r, "detail: %s=%s, want %s=%s", key, shown(r, val), key, want);
	*flags |= flag;
	return 0;
}

static int detail_comm(struct pt_replay *r, const char *key, char *out)
{
	const char *val = detail_find(r, key);

	if (!val)
		return malformed(r, "detail: no %s=", key);
	return comm_value(r, key, val, out);
}

/* ---- argv: the shell words of pt_argv_join back into the NUL-separated
 * block. Only the writer's forms are taken: plain safe characters, '...',
 * \' between quoted parts, and $'...' with \xNN \n \r \t \\ \'. ---- */

struct sink {
	__u8 *p;
	size_t len, cap;
	bool over;
};

static void sink_put(struct sink *k, char c)
{
	if (k->len < k->cap)
		k->p[k->len++] = (__u8)c;
	else
		k->over = true;
}

static bool is_shell_safe(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		(c && strchr("_@%+=:,./-", c));
}

/* s is after the opening quote; returns what follows the closing one. */
static const char *single_quoted(const char *s, struct sink *k)
{
	for (; *s != '\''; s++) {
		if (!*s)
			return NULL;
		sink_put(k, *s);
	}
	return s + 1;
}

static const char *ansi_c_quoted(const char *s, struct sink *k)
{
	int hi, lo;

	for (; *s != '\''; s++) {
		if (!*s)
			return NULL;
		if (*s != '\\') {
			sink_put(k, *s);
			continue;
		}
		switch (*++s) {
		case 'n':
			sink_put(k, '\n');
			break;
		case 'r':
			sink_put(k, '\r');
			break;
		case 't':
			sink_put(k, '\t');
			break;
		case '\\':
		case '\'':
			sink_put(k, *s);
			break;
		case 'x':
			hi = hex_digit(s[1]);
			lo = hex_digit(hi < 0 ? '\0' : s[2]);
			if (lo < 0)
				return NULL;
			sink_put(k, (char)(hi << 4 | lo));
			s += 2;
			break;
		default:
			return NULL;
		}
	}
	return s + 1;
}

/* One part of a word: a quoted string, an escaped quote between two, or a
 * plain character. What follows it; NULL when it is none of these. */
static const char *word_part(const char *s, struct sink *k)
{
	if (s[0] == '\'')
		return single_quoted(s + 1, k);
	if (s[0] == '$' && s[1] == '\'')
		return ansi_c_quoted(s + 2, k);
	if (s[0] == '\\' && s[1] == '\'') {
		sink_put(k, '\'');
		return s + 2;
	}
	if (!is_shell_safe(s[0]))
		return NULL;
	sink_put(k, s[0]);
	return s + 1;
}

/* Each word with its NUL: false when s is not the writer's quoting. */
static bool argv_words(const char *s, struct sink *k)
{
	const char *word;

	if (!*s)
		return true; /* no arguments at all */
	for (;;) {
		word = s;
		while (s && *s && *s != ' ')
			s = word_part(s, k);
		if (!s || s == word)
			return false; /* not a word; empty word between spaces */
		sink_put(k, '\0');
		if (!*s)
			return true;
		s++;
	}
}

/* ---- events, kind by kind ---- */

static int task_parse(struct pt_replay *r)
{
	struct pt_task *t = &r->ev->task;
	const char *state = field(r, COL_STATE);
	int err = 0;

	err = err ?: col_u32(r, COL_PID, &t->pid);
	err = err ?: col_u32(r, COL_TID, &t->tid);
	err = err ?: col_u32(r, COL_PPID, &t->ppid);
	err = err ?: col_u32(r, COL_PGID, &t->pgid);
	err = err ?: col_u32(r, COL_SID, &t->sid);
	err = err ?: col_u32(r, COL_UID, &t->uid);
	err = err ?: comm_value(r, "comm", field(r, COL_COMM), t->comm);
	err = err ?: col_u32(r, COL_NS_PID, &t->ns_pid);
	err = err ?: col_u32(r, COL_PIDNS, &t->pidns);
	err = err ?: col_u64(r, COL_CGROUP_ID, UINT64_MAX, &t->cgroup_id);
	if (err)
		return err;
	for (t->state = PT_STATE_ALIVE; t->state <= PT_STATE_REAPED; t->state++)
		if (!strcmp(pt_state_name(t->state), state))
			return 0;
	return malformed(r, "state: '%s' is not a state", shown(r, state));
}

static int exec_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	/* One more than the most argv holds: a last argument cut without its
	 * NUL comes back with one, taken off below. */
	struct sink k = { .p = ev->data, .cap = PT_ARGV_MAX + 1 };
	const char *argv = field(r, COL_ARGV);
	__u64 captured = 0, old_tid = 0;
	size_t path_len = 0;
	int err = 0;

	err = err ?: detail_flag(r, "argv_truncated", "1", &ev->flags, PT_F_ARGV_TRUNC);
	err = err ?: detail_flag(r, "argv_unreadable", "1", &ev->flags, PT_F_ARGV_FAULT);
	err = err ?: detail_flag(r, "path_truncated", "1", &ev->flags, PT_F_PATH_TRUNC);
	err = err < 0 ? err : detail_u32(r, "argc", &ev->exec.argc);
	err = err < 0 ? err : detail_u32(r, "args_size", &ev->exec.args_size);
	if (err < 0)
		return err;
	ev->exec.old_tid = ev->task.pid;
	err = detail_u64(r, "old_tid", UINT32_MAX, false, &old_tid);
	if (err < 0)
		return err;
	if (err)
		ev->exec.old_tid = (__u32)old_tid;

	if (!argv_words(argv, &k))
		return malformed(r, "argv: '%s' is not shell words as proctrace writes them",
				 shown(r, argv));
	if (k.over)
		return malformed(r, "argv: longer than %d bytes", PT_ARGV_MAX);
	/* Whether the last argument had its NUL: the captured size says when
	 * argv was cut; else the block is all of arg_start..arg_end. */
	if (ev->flags & PT_F_ARGV_TRUNC) {
		err = detail_u64(r, "captured", PT_ARGV_MAX, true, &captured);
		if (err < 0)
			return err;
		if (captured + 1 == k.len)
			k.len--;
		else if (captured != k.len)
			return malformed(r, "detail: captured=%llu, but argv has %zu bytes",
					 (unsigned long long)captured, k.len);
	} else if (k.len && ev->exec.args_size == k.len - 1) {
		k.len--;
	}
	if (k.len > PT_ARGV_MAX)
		return malformed(r, "argv: longer than %d bytes", PT_ARGV_MAX);

	err = unescape(r, "filename", field(r, COL_FILENAME), (char *)ev->data + k.len, PT_PATH_MAX,
		       &path_len);
	if (err)
		return err;
	ev->exec.argv_len = (__u32)k.len;
	ev->exec.path_len = (__u32)path_len;
	ev->size += (__u32)(k.len + path_len);
	return 0;
}

/* The wait status from the columns, for a file without status=0x.... */
static int status_from_columns(struct pt_replay *r, __u32 *status)
{
	const char *name = field(r, COL_SIGNAL);
	__u64 code, core;
	int sig;

	if (!*name) {
		if (col_u64(r, COL_EXIT_CODE, 255, &code))
			return -EINVAL;
		*status = (__u32)code << 8;
		return 0;
	}
	if (!signal_from_name(name, &sig) || sig <= 0 || sig >= 0x7f)
		return malformed(r, "signal: '%s' is not a terminating signal", shown(r, name));
	if (col_u64(r, COL_CORE_DUMPED, 1, &core))
		return -EINVAL;
	*status = (__u32)sig | (core ? 0x80 : 0);
	return 0;
}

static int exit_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	struct pt_exit *x = &ev->exit;
	const char *status = detail_find(r, "status");
	__u16 thread = 0;
	__u64 user_us, sys_us;
	int err;

	err = detail_flag(r, "thread_exit", "1", &thread, 1);
	if (err)
		return err;
	if (!thread)
		ev->flags |= PT_F_GROUP_DEAD;
	if (status && !parse_hex_u32(status, &x->status))
		return malformed(r, "detail: status=%s is not 0x and hex digits", shown(r, status));
	if (!status && status_from_columns(r, &x->status))
		return -EINVAL;
	err = err ?: col_u64(r, COL_CPU_USER_US, UINT64_MAX / 1000, &user_us);
	err = err ?: col_u64(r, COL_CPU_SYS_US, UINT64_MAX / 1000, &sys_us);
	err = err ?: col_u64(r, COL_MAXRSS_KB, UINT64_MAX, &x->maxrss_kb);
	err = err ?: col_u64(r, COL_MINFLT, UINT64_MAX, &x->minflt);
	err = err ?: col_u64(r, COL_MAJFLT, UINT64_MAX, &x->majflt);
	err = err ?: col_u64(r, COL_NVCSW, UINT64_MAX, &x->nvcsw);
	err = err ?: col_u64(r, COL_NIVCSW, UINT64_MAX, &x->nivcsw);
	if (err)
		return err;
	if (user_us + sys_us > UINT64_MAX / 1000)
		return malformed(r, "cpu_user_us + cpu_sys_us: too large");
	/* Their sum as runtime: pt_cputime_adjust gives them back as they are. */
	x->utime_ns = user_us * 1000;
	x->stime_ns = sys_us * 1000;
	x->runtime_ns = x->utime_ns + x->stime_ns;
	return 0;
}

static int reap_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	__u64 zombie_ns = 0;
	int err = 0;

	err = err ?: detail_flag(r, "reaped", "auto", &ev->flags, PT_F_AUTOREAP);
	err = err
		?: detail_flag(r, "reaper", "unknown", &ev->flags,
			       PT_F_REAPER_UNKNOWN | PT_F_NO_ACTOR);
	err = err ?: detail_flag(r, "reap_at", "free", &ev->flags, PT_F_REAP_AT_FREE);
	err = err ?: detail_u64(r, "zombie_ns", UINT64_MAX, false, &zombie_ns);
	if (err <= 0)
		return err;
	/* exit_ns 0 means unknown, so a zombie time as long as ts_ns itself
	 * cannot come from the writer. */
	if (zombie_ns >= ev->task.ts_ns)
		return malformed(r, "detail: zombie_ns=%llu is not less than ts_ns",
				 (unsigned long long)zombie_ns);
	ev->reap.exit_ns = ev->task.ts_ns - zombie_ns;
	return 0;
}

static int signal_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	const char *name = field(r, COL_SIGNAL), *code, *result;
	int sig, err = 0;
	unsigned res;

	if (!signal_from_name(name, &sig))
		return malformed(r, "signal: '%s' is not a signal", shown(r, name));
	ev->signal.sig = sig;
	code = detail_find(r, "code");
	if (!code)
		return malformed(r, "detail: no code=");
	if (!parse_s32(code, &ev->signal.code))
		return malformed(r, "detail: code=%s is not a 32-bit number", shown(r, code));
	err = err ?: detail_flag(r, "sender", "kernel", &ev->flags, PT_F_KERNEL_SENDER);
	if (ev->kind != PT_SIGNAL || err)
		return err;
	err = detail_flag(r, "group", "1", &ev->flags, PT_F_SIG_GROUP);
	result = detail_find(r, "result");
	if (err || !result)
		return err ?: malformed(r, "detail: no result=");
	/* "?" is how the writer shows a result it has no name for: the
	 * first such number reads back as "?" too. */
	for (res = 0; strcmp(pt_sig_result_name(res), "?"); res++)
		if (!strcmp(pt_sig_result_name(res), result))
			break;
	if (strcmp(pt_sig_result_name(res), result))
		return malformed(r, "detail: result=%s is not a signal result", shown(r, result));
	ev->signal.result = res;
	return 0;
}

static int lost_parse(struct pt_replay *r)
{
	struct pt_lost *l = &r->ev->lost;
	bool counted = false;
	unsigned i, k;
	__u64 v;

	/* lost=N first, then one key per kind; a later lost=N is the count of
	 * lost "lost" events, as the writer names that kind. */
	for (i = 0; i < r->npairs; i++) {
		const struct pair *p = &r->pairs[i];

		if (!counted && !strcmp(p->key, "lost")) {
			if (pair_u64(r, p->key, p->val, UINT64_MAX, &l->count))
				return -EINVAL;
			counted = true;
			continue;
		}
		k = kind_from_name(p->key);
		if (!k)
			continue;
		if (pair_u64(r, p->key, p->val, UINT32_MAX, &v))
			return -EINVAL;
		l->by_kind[k] = (__u32)v;
	}
	return counted ? 0 : malformed(r, "detail: no lost=");
}

static int kind_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	int err;

	switch (ev->kind) {
	case PT_SNAPSHOT:
		err = detail_u64(r, "start_ns", UINT64_MAX, true, &ev->task.start_ns);
		return err < 0 ? err : 0;
	case PT_EXEC:
		return exec_parse(r);
	case PT_EXIT:
		return exit_parse(r);
	case PT_REAP:
		return reap_parse(r);
	case PT_SIGNAL:
	case PT_STOP:
	case PT_CONTINUE:
		return signal_parse(r);
	case PT_SETPGID:
		/* setpgid cannot change the session: the one before is the one after. */
		ev->setpg.old_sid = ev->task.sid;
		err = detail_u32(r, "old_pgid", &ev->setpg.old_pgid);
		return err < 0 ? err : 0;
	case PT_SETSID:
		err = detail_u32(r, "old_sid", &ev->setpg.old_sid);
		err = err < 0 ? err : detail_u32(r, "old_pgid", &ev->setpg.old_pgid);
		return err < 0 ? err : 0;
	case PT_RENAME:
		return detail_comm(r, "old_comm", ev->rename.old_comm);
	case PT_LOST:
		return lost_parse(r);
	default:
		return 0;
	}
}

/* by.* where the row names the actor (after the flags that say whether
 * there is one); else PT_F_NO_ACTOR and a zero by. */
static int actor_parse(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	struct pt_actor *by = &ev->by;
	int err = 0;

	if (!*field(r, COL_BY_PID))
		ev->flags |= PT_F_NO_ACTOR;
	if (!pt_event_has_actor(ev)) {
		ev->flags |= PT_F_NO_ACTOR;
		return 0;
	}
	err = col_u32(r, COL_BY_PID, &by->pid);
	if (err)
		return err;
	switch (ev->kind) {
	case PT_FORK:
		err = detail_u32(r, "parent_tid", &by->tid);
		break;
	case PT_THREAD:
		/* by_pid is the creating thread; its process is the new thread's. */
		err = detail_u32(r, "creator_tid", &by->tid);
		if (err > 0 && by->tid != by->pid)
			return malformed(r, "detail: creator_tid=%u, but by_pid is %u", by->tid,
					 by->pid);
		by->pid = ev->task.pid;
		break;
	case PT_REAP:
		/* Released at its free: the thread may be unknown (tid 0). */
		if (!(ev->flags & PT_F_REAP_AT_FREE) || detail_find(r, "reaper_tid"))
			err = detail_u32(r, "reaper_tid", &by->tid);
		err = err < 0 ? err : detail_comm(r, "reaper_comm", by->comm);
		break;
	case PT_SIGNAL:
	case PT_STOP:
	case PT_CONTINUE:
		err = detail_u32(r, "sender_tid", &by->tid);
		err = err < 0 ? err : detail_comm(r, "sender_comm", by->comm);
		break;
	case PT_SETSID:
		/* The caller is the task itself, read at the same moment. */
		by->tid = ev->task.tid;
		memcpy(by->comm, ev->task.comm, PT_COMM_LEN);
		break;
	}
	return err < 0 ? err : 0;
}

/* ---- the time column: which clocks fit it ---- */

static bool fixed_digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* "2026-11-25T17:34:37.123456Z": microseconds since the epoch. */
static bool parse_utc_us(const char *s, __int128 *us)
{
	int y, mo, d, h, mi, sec, frac;
	struct tm tm = { 0 };
	time_t t;

	if (strlen(s) != 27 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != '.' || s[26] != 'Z')
		return false;
	if (!fixed_digits(s, 4, &y) || !fixed_digits(s + 5, 2, &mo) ||
	    !fixed_digits(s + 8, 2, &d) || !fixed_digits(s + 11, 2, &h) ||
	    !fixed_digits(s + 14, 2, &mi) || !fixed_digits(s + 17, 2, &sec) ||
	    !fixed_digits(s + 20, 6, &frac))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*us = (__int128)t * 1000000 + frac;
	return true;
}

/* "@SECONDS.NNNNNNNNN", the writer's form for times gmtime cannot take:
 * nanoseconds since the epoch, exact. */
static bool parse_epoch_ns(const char *s, __int128 *ns)
{
	const char *dot = strchr(s, '.');
	char secs[24];
	__u64 sec, nsec;
	bool neg;
	size_t n;

	if (s[0] != '@' || !dot || strlen(dot + 1) != 9)
		return false;
	neg = s[1] == '-';
	n = dot - (s + 1 + neg);
	if (n == 0 || n >= sizeof(secs))
		return false;
	memcpy(secs, s + 1 + neg, n);
	secs[n] = '\0';
	if (!parse_u64(secs, INT64_MAX, &sec) || !parse_u64(dot + 1, 999999999, &nsec))
		return false;
	*ns = (neg ? -(__int128)sec : (__int128)sec) * 1000000000 + nsec;
	return true;
}

/* The range of boot_to_real_ns that gives this row its time. */
static int time_parse(struct pt_replay *r, int64_t *lo, int64_t *hi)
{
	const char *s = field(r, COL_TIME);
	__int128 ts = r->ev->task.ts_ns, v, width;

	if (parse_utc_us(s, &v)) {
		v = v * 1000 - ts;
		width = 999;
	} else if (parse_epoch_ns(s, &v)) {
		v -= ts;
		width = 0;
	} else {
		return malformed(r, "time: '%s' is not a UTC time", shown(r, s));
	}
	if (v < INT64_MIN || v + width > INT64_MAX)
		return malformed(r, "time: '%s' is too far from ts_ns", shown(r, s));
	*lo = (int64_t)v;
	*hi = (int64_t)(v + width);
	return 0;
}

/* Only clocks that fit every row so far are kept; a row that fits none of
 * them (a file joined from two runs) leaves them as they were. */
static void clock_narrow(struct pt_replay *r, int64_t lo, int64_t hi)
{
	if (!r->have_clock) {
		r->off_lo = lo;
		r->off_hi = hi;
		r->have_clock = true;
		return;
	}
	if (lo > r->off_hi || hi < r->off_lo)
		return;
	if (lo > r->off_lo)
		r->off_lo = lo;
	if (hi < r->off_hi)
		r->off_hi = hi;
}

bool pt_replay_clock(const struct pt_replay *r, struct pt_clock *clock)
{
	if (!r->have_clock)
		return false;
	clock->boot_to_real_ns = r->off_lo + (r->off_hi - r->off_lo) / 2;
	return true;
}

/* ---- task.start_ns: the process holding the pid at this row ---- */

static struct holder *holder_push(struct pid_slot *s, __u64 start_ns)
{
	memmove(&s->h[1], &s->h[0], (REPLAY_HOLDERS - 1) * sizeof(s->h[0]));
	if (s->n < REPLAY_HOLDERS)
		s->n++;
	s->h[0] = (struct holder){ .start_ns = start_ns };
	return &s->h[0];
}

static struct holder *holder_of(struct pid_slot *s, const struct pt_event *ev)
{
	struct holder *h = s->n ? &s->h[0] : NULL;
	unsigned i;

	switch (ev->kind) {
	case PT_SNAPSHOT:
		if (h && h->start_ns == ev->task.start_ns)
			return h;
		return holder_push(s, ev->task.start_ns);
	case PT_FORK:
		/* The kernel starts the child just before its fork event. */
		return holder_push(s, ev->task.ts_ns);
	case PT_REAP:
		/* A reap may come after the fork of the pid's next holder: it is
		 * for the holder that exited. */
		for (i = 0; i < s->n; i++)
			if (s->h[i].exited && !s->h[i].reaped)
				return &s->h[i];
		for (i = 0; i < s->n; i++)
			if (!s->h[i].reaped)
				return &s->h[i];
		break;
	default:
		if (h && !h->reaped)
			return h;
	}
	/* Born where the file does not show it: no later than now. */
	return holder_push(s, ev->task.ts_ns);
}

static bool slot_all_reaped(const struct pid_slot *s)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (!s->h[i].reaped)
			return false;
	return true;
}

static int start_assign(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	__u32 pid = ev->task.pid;
	struct pid_slot *s;
	struct holder *h;

	HASH_FIND(hh, r->slots, &pid, sizeof(pid), s);
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return report(r, -ENOMEM, "out of memory");
		s->pid = pid;
		HASH_ADD(hh, r->slots, pid, sizeof(s->pid), s);
		if (!s->hh.tbl) {
			free(s);
			return report(r, -ENOMEM, "out of memory");
		}
	}
	h = holder_of(s, ev);
	ev->task.start_ns = h->start_ns;
	if (ev->kind == PT_EXIT && (ev->flags & PT_F_GROUP_DEAD))
		h->exited = true;
	if (ev->kind == PT_REAP)
		h->reaped = true;
	/* Nothing more can come for its processes: memory stays with the
	 * live ones. */
	if (slot_all_reaped(s)) {
		HASH_DEL(r->slots, s);
		free(s);
	}
	return 0;
}

/* ---- rows into events ---- */

static int row_to_event(struct pt_replay *r)
{
	struct pt_event *ev = r->ev;
	const char *event = field(r, COL_EVENT);
	int64_t lo = 0, hi = 0;
	int err = 0;

	if (r->nfields != N_COLS)
		return malformed(r, "%u columns, want %d", r->nfields, N_COLS);
	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	ev->kind = (__u16)kind_from_name(event);
	if (!ev->kind)
		return malformed(r, "event: '%s' is not an event", shown(r, event));
	err = err ?: col_u64(r, COL_TS_NS, UINT64_MAX, &ev->task.ts_ns);
	err = err ?: time_parse(r, &lo, &hi);
	err = err ?: detail_split(r);
	if (!err && ev->kind != PT_LOST)
		err = task_parse(r);
	err = err ?: kind_parse(r);
	err = err ?: actor_parse(r);
	if (err)
		return err;
	if (ev->kind != PT_LOST) {
		err = start_assign(r);
		if (err)
			return err;
	}
	clock_narrow(r, lo, hi);
	return 0;
}

int pt_replay_next(struct pt_replay *r, const struct pt_event **ev, char *err, size_t errlen)
{
	int ret = read_row(r);

	if (ret > 0)
		ret = row_to_event(r) ?: 1;
	if (ret < 0)
		error_out(r, err, errlen);
	else if (ret > 0)
		*ev = r->ev;
	return ret;
}

static int header_check(struct pt_replay *r)
{
	int c;

	if (r->nfields != N_COLS)
		return malformed(r, "not a proctrace CSV header: %u columns, want %d", r->nfields,
				 N_COLS);
	for (c = 0; c < N_COLS; c++)
		if (strcmp(field(r, c), col_names[c]))
			return malformed(r,
					 "not a proctrace CSV header: column %d is '%s', want '%s'",
					 c + 1, shown(r, field(r, c)), col_names[c]);
	return 0;
}

struct pt_replay *pt_replay_open(FILE *f, char *err, size_t errlen)
{
	struct pt_replay *r = calloc(1, sizeof(*r));
	int ret;

	if (!r) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->f = f;
	r->line = 1;
	/* Exec payload: argv with the one byte exec_parse may take back. */
	r->ev = malloc(sizeof(*r->ev) + PT_ARGV_MAX + 1 + PT_PATH_MAX);
	ret = r->ev ? read_row(r) : report(r, -ENOMEM, "out of memory");
	if (ret == 0)
		ret = malformed(r, "empty file, no header row");
	else if (ret > 0)
		ret = header_check(r);
	if (ret < 0) {
		error_out(r, err, errlen);
		pt_replay_close(r);
		return NULL;
	}
	return r;
}

void pt_replay_close(struct pt_replay *r)
{
	struct pid_slot *head, *s, *next;

	if (!r)
		return;
	/* The table goes first, at once; its entries stay linked by hh.next. */
	head = r->slots;
	HASH_CLEAR(hh, r->slots);
	for (s = head; s; s = next) {
		next = s->hh.next;
		free(s);
	}
	pt_buf_free(&r->row);
	pt_buf_free(&r->shown);
	free(r->ev);
	free(r);
}
