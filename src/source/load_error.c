// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Load failures in words (load_error.h). The libbpf messages read here are
 * those of libbpf 1.x: "prog 'NAME': -- BEGIN PROG LOAD LOG --\n...-- END
 * PROG LOAD LOG --", "prog 'NAME': failed to load: -13" and "map 'NAME':
 * failed to create: Operation not permitted(-1)". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/load_error.h"

#define BEGIN_LOG "-- BEGIN PROG LOAD LOG --\n"
#define END_LOG "-- END PROG LOAD LOG --"

/* The name in "KIND 'NAME'" at the start of msg (after "libbpf: " if
 * there), into out; false if msg does not start so. */
static bool quoted_name(const char *msg, const char *kind, char *out, size_t len)
{
	const char *p = msg, *end;
	size_t n;

	if (!strncmp(p, "libbpf: ", 8))
		p += 8;
	n = strlen(kind);
	if (strncmp(p, kind, n) || strncmp(p + n, " '", 2))
		return false;
	p += n + 2;
	end = strchr(p, '\'');
	if (!end)
		return false;
	n = (size_t)(end - p) < len - 1 ? (size_t)(end - p) : len - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

static void copy_line(char *out, size_t len, const char *s, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

void pt_verifier_error_line(const char *vlog, char *out, size_t len)
{
	const char *line = vlog, *last = NULL;
	size_t last_n = 0;

	out[0] = '\0';
	while (*line) {
		size_t n = strcspn(line, "\n");

		if (!strncmp(line, "processed ", 10) && last)
			break;
		if (!strncmp(line, END_LOG, strlen(END_LOG)))
			break;
		if (n) {
			last = line;
			last_n = n;
		}
		line += n + (line[n] == '\n');
	}
	if (last)
		copy_line(out, len, last, last_n);
}

/* The file of the last "; source @ file.bpf.h:N" line before the error. */
static void last_source(const char *vlog, const char *stop, char *out, size_t len)
{
	const char *line = vlog;

	out[0] = '\0';
	while (*line && line < stop) {
		size_t n = strcspn(line, "\n");
		const char *at = n > 2 && line[0] == ';' ? memmem(line, n, " @ ", 3) : NULL;

		if (at) {
			const char *file = at + 3;
			size_t w = strcspn(file, ":\n");

			copy_line(out, len, file, w);
		}
		line += n + (line[n] == '\n');
	}
}

void pt_load_log_feed(struct pt_load_log *log, const char *msg)
{
	char name[64];
	const char *v, *err;

	if (quoted_name(msg, "map", name, sizeof(name))) {
		const char *f = strstr(msg, ": failed to create: ");
		const char *paren = f ? strrchr(f, '(') : NULL;

		if (f && !log->map[0]) {
			snprintf(log->map, sizeof(log->map), "%s", name);
			log->map_err = paren ? abs(atoi(paren + 1)) : 0;
		}
		return;
	}
	if (!quoted_name(msg, "prog", name, sizeof(name)))
		return;
	v = strstr(msg, BEGIN_LOG);
	if (v) {
		/* The first refusal is the one that stopped the load. */
		if (log->prog[0])
			return;
		v += strlen(BEGIN_LOG);
		snprintf(log->prog, sizeof(log->prog), "%s", name);
		pt_verifier_error_line(v, log->error, sizeof(log->error));
		err = strstr(v, log->error);
		last_source(v, err ? err : v + strlen(v), log->source, sizeof(log->source));
	} else if (strstr(msg, ": failed to load: ") && !log->prog[0]) {
		/* Refused with no log (libbpf asks for one only on failure,
		 * and a log too big is not printed). */
		snprintf(log->prog, sizeof(log->prog), "%s", name);
	}
}

unsigned pt_release_number(const char *release)
{
	unsigned major = 0, minor = 0;

	if (!release || sscanf(release, "%u.%u", &major, &minor) != 2)
		return 0;
	return major * 1000 + minor;
}

void pt_msg_refused(char *buf, size_t len, const struct pt_refusal *r)
{
	const char *error = r->error && r->error[0] ? r->error : "no reason given";

	if (!r->option)
		snprintf(buf, len,
			 "this kernel (%s) refused BPF program %s, which traces fork, exec and "
			 "exit: %s; proctrace cannot trace without it (-v shows the verifier's "
			 "whole log)",
			 r->release, r->prog, error);
	else
		snprintf(buf, len,
			 "this kernel (%s) refused BPF program %s, which %s (%s) needs: %s "
			 "(-v shows the verifier's whole log; without %s the rest can be traced)",
			 r->release, r->prog, r->option, r->feature, error, r->option);
}

void pt_msg_feature_off(char *buf, size_t len, const char *names, const char *kinds,
			const char *release, const char *why)
{
	snprintf(buf, len,
		 "%s off (%s not traced): on this kernel (%s) %s; the rest is traced "
		 "(-v shows the verifier's whole log)",
		 names, kinds, release, why);
}

static void describe_memlock(char *buf, size_t len, unsigned long long limit)
{
	if (limit == ~0ull)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%llu KiB", limit / 1024);
}

void pt_msg_load_failed(char *buf, size_t len, int err, const struct pt_load_facts *f)
{
	char limit[32];

	describe_memlock(limit, sizeof(limit), f->memlock);
	if ((err == 1 /* EPERM */ || err == 13 /* EACCES */) && !f->privileged) {
		snprintf(buf, len,
			 "permission denied loading BPF programs: this process lacks "
			 "CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN); run as root "
			 "(sudo proctrace)");
	} else if ((err == 1 || err == 12 /* ENOMEM */) && f->map &&
		   pt_release_number(f->release) < 5011 && f->memlock != ~0ull) {
		/* Before 5.11, BPF maps are charged to RLIMIT_MEMLOCK, not to
		 * the memory cgroup; the kernel says EPERM when it is spent. */
		snprintf(buf, len,
			 "cannot create BPF map %s: the locked-memory limit (RLIMIT_MEMLOCK, "
			 "%s) is exhausted; this kernel (%s, before 5.11) charges BPF maps "
			 "to it: raise it (ulimit -l unlimited, or LimitMEMLOCK=infinity for a "
			 "service) or give a smaller --ringbuf-kb",
			 f->map, limit, f->release);
	} else if (f->map) {
		snprintf(buf, len, "cannot create BPF map %s on this kernel (%s): %s", f->map,
			 f->release, strerror(err));
	} else {
		snprintf(buf, len,
			 "cannot load the BPF programs on this kernel (%s): %s (-v shows "
			 "libbpf's log)",
			 f->release, strerror(err));
	}
}

void pt_msg_tracefs(char *buf, size_t len, int mount_err)
{
	snprintf(buf, len,
		 "tracefs is not mounted (/sys/kernel/tracing) and mounting it failed: %s; "
		 "the tracepoints are attached through it: mount it with "
		 "'mount -t tracefs nodev /sys/kernel/tracing'",
		 strerror(mount_err));
}
