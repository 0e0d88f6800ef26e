// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Clone flag and creating-call names (clone_flags.h): one table, used to
 * write and to read back. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/clone_flags.h"
#include "proctrace/event.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The uapi values (<linux/sched.h>), written out so that the table does not
 * depend on how new the build machine's headers are (CLONE_NEWTIME: 5.6,
 * CLONE_INTO_CGROUP: 5.7). `ns`: the namespace's word for the stream. */
static const struct {
	__u64 bit;
	const char *name;
	const char *ns;
} clone_flags[] = {
	{ 0x00000100ULL, "CLONE_VM", NULL },
	{ 0x00000200ULL, "CLONE_FS", NULL },
	{ 0x00000400ULL, "CLONE_FILES", NULL },
	{ 0x00000800ULL, "CLONE_SIGHAND", NULL },
	{ 0x00010000ULL, "CLONE_THREAD", NULL },
	{ 0x00004000ULL, "CLONE_VFORK", NULL },
	{ 0x00008000ULL, "CLONE_PARENT", NULL },
	{ 0x00002000ULL, "CLONE_PTRACE", NULL },
	{ 0x01000000ULL, "CLONE_CHILD_SETTID", NULL },
	{ 0x00200000ULL, "CLONE_CHILD_CLEARTID", NULL },
	{ 0x00100000ULL, "CLONE_PARENT_SETTID", NULL },
	{ 0x00080000ULL, "CLONE_SETTLS", NULL },
	{ 0x00001000ULL, "CLONE_PIDFD", NULL },
	{ 0x00800000ULL, "CLONE_UNTRACED", NULL },
	{ 0x00040000ULL, "CLONE_SYSVSEM", NULL },
	{ 0x80000000ULL, "CLONE_IO", NULL },
	{ 0x100000000ULL, "CLONE_CLEAR_SIGHAND", NULL },
	{ 0x200000000ULL, "CLONE_INTO_CGROUP", NULL },
	{ 0x20000000ULL, "CLONE_NEWPID", "pid" },
	{ 0x40000000ULL, "CLONE_NEWNET", "net" },
	{ 0x00020000ULL, "CLONE_NEWNS", "mount" },
	{ 0x04000000ULL, "CLONE_NEWUTS", "uts" },
	{ 0x08000000ULL, "CLONE_NEWIPC", "ipc" },
	{ 0x10000000ULL, "CLONE_NEWUSER", "user" },
	{ 0x02000000ULL, "CLONE_NEWCGROUP", "cgroup" },
	{ 0x00000080ULL, "CLONE_NEWTIME", "time" },
};

static const char *const via_names[] = {
	[PT_VIA_FORK] = "fork",
	[PT_VIA_VFORK] = "vfork",
	[PT_VIA_CLONE] = "clone",
	[PT_VIA_CLONE3] = "clone3",
};

size_t pt_clone_flags_format(__u64 flags, char *buf, size_t n)
{
	size_t len = 0;
	int w;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(clone_flags); i++) {
		if (!(flags & clone_flags[i].bit))
			continue;
		flags &= ~clone_flags[i].bit;
		w = snprintf(buf + len, n - len, "%s%s", len ? "|" : "", clone_flags[i].name);
		if (w < 0 || (size_t)w >= n - len)
			return len;
		len += w;
	}
	if (flags) {
		w = snprintf(buf + len, n - len, "%s0x%" PRIx64, len ? "|" : "", (uint64_t)flags);
		if (w > 0 && (size_t)w < n - len)
			len += w;
	}
	return len;
}

static int parse_one(const char *s, size_t len, __u64 *bit)
{
	char num[24], *end;

	for (size_t i = 0; i < ARRAY_SIZE(clone_flags); i++) {
		if (strlen(clone_flags[i].name) == len && !memcmp(s, clone_flags[i].name, len)) {
			*bit = clone_flags[i].bit;
			return 0;
		}
	}
	/* Bits without a name, as pt_clone_flags_format() writes them. */
	if (len < 3 || len >= sizeof(num) || memcmp(s, "0x", 2))
		return -EINVAL;
	memcpy(num, s, len);
	num[len] = '\0';
	errno = 0;
	*bit = strtoull(num + 2, &end, 16);
	return errno || *end || !*bit ? -EINVAL : 0;
}

int pt_clone_flags_parse(const char *s, size_t len, __u64 *flags)
{
	const char *end = s + len, *bar;
	__u64 bit;

	*flags = 0;
	while (s < end) {
		bar = memchr(s, '|', end - s);
		if (!bar)
			bar = end;
		if (parse_one(s, bar - s, &bit))
			return -EINVAL;
		*flags |= bit;
		if (bar == end)
			break;
		s = bar + 1;
		if (s == end) /* a trailing '|' */
			return -EINVAL;
	}
	return 0;
}

const char *pt_via_name(unsigned via)
{
	return via < ARRAY_SIZE(via_names) ? via_names[via] : NULL;
}

int pt_via_parse(const char *s, __u32 *via)
{
	for (unsigned i = 0; i < ARRAY_SIZE(via_names); i++) {
		if (via_names[i] && !strcmp(s, via_names[i])) {
			*via = i;
			return 0;
		}
	}
	return -EINVAL;
}

unsigned pt_clone_ns_words(struct pt_buf *out, __u64 flags)
{
	unsigned n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(clone_flags); i++) {
		if (!clone_flags[i].ns || !(flags & clone_flags[i].bit))
			continue;
		pt_buf_puts(out, n++ ? ", " : "");
		pt_buf_puts(out, clone_flags[i].ns);
	}
	return n;
}

const char *pt_clone_verb(__u64 flags)
{
	if (flags & PT_CLONE_VFORK)
		return "vforked";
	if (flags & (PT_CLONE_VM | PT_CLONE_PARENT | PT_CLONE_NEW_ANY))
		return "cloned";
	return "forked";
}

void pt_clone_put_new_ns(struct pt_buf *out, __u64 flags)
{
	if (!(flags & PT_CLONE_NEW_ANY))
		return;
	pt_buf_puts(out, " into new ");
	pt_buf_puts(out, pt_clone_ns_words(out, flags) == 1 ? " namespace" : " namespaces");
}
