// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The detail column of a replayed row (replay_int.h): its key=value pairs
 * split in place, and each value read as what its key holds (a number, a
 * flag as the writer shows it, a comm). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "replay_int.h"

int replay_detail_split(struct pt_replay *r)
{
	char *s = replay_field(r, PT_COL_DETAIL), *sp, *eq;

	if (!*s)
		return 0;
	for (;;) {
		sp = strchr(s, ' ');
		if (sp)
			*sp = '\0';
		eq = strchr(s, '=');
		if (!eq || eq == s)
			return malformed(r, "detail: '%s' is not key=value", replay_shown(r, s));
		if (r->npairs == REPLAY_MAX_PAIRS)
			return malformed(r, "detail: more than %d values", REPLAY_MAX_PAIRS);
		*eq = '\0';
		r->pairs[r->npairs++] = (struct pair){ s, eq + 1 };
		if (!sp)
			return 0;
		s = sp + 1;
	}
}

const char *replay_detail_find(const struct pt_replay *r, const char *key)
{
	unsigned i;

	for (i = 0; i < r->npairs; i++)
		if (replay_same(r->pairs[i].key, key))
			return r->pairs[i].val;
	return NULL;
}

int replay_pair_u64(struct pt_replay *r, const char *key, const char *val, __u64 max, __u64 *v)
{
	if (!replay_parse_u64(val, max, v))
		return malformed(r, "detail: %s=%s is not a number from 0 to %llu", key,
				 replay_shown(r, val), (unsigned long long)max);
	return 0;
}

/* 1: present and *v set; 0: absent, an error when required; < 0: bad. */
int replay_detail_u64(struct pt_replay *r, const char *key, __u64 max, bool required, __u64 *v)
{
	const char *val = replay_detail_find(r, key);

	if (!val)
		return required ? malformed(r, "detail: no %s=", key) : 0;
	return replay_pair_u64(r, key, val, max, v) ?: 1;
}

int replay_detail_u32(struct pt_replay *r, const char *key, __u32 *v)
{
	__u64 x = 0;
	int err = replay_detail_u64(r, key, UINT32_MAX, true, &x);

	if (err > 0)
		*v = (__u32)x;
	return err;
}

/* A flag the writer shows as key=want. */
int replay_detail_flag(struct pt_replay *r, const char *key, const char *want, __u16 *flags,
		       unsigned flag)
{
	const char *val = replay_detail_find(r, key);

	if (!val)
		return 0;
	if (strcmp(val, want))
		return malformed(r, "detail: %s=%s, want %s=%s", key, replay_shown(r, val), key,
				 want);
	*flags |= flag;
	return 0;
}

int replay_detail_comm(struct pt_replay *r, const char *key, char *out)
{
	const char *val = replay_detail_find(r, key);

	if (!val)
		return malformed(r, "detail: no %s=", key);
	return replay_comm_value(r, key, val, out);
}
