// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* --cgroup PATH: the cgroup named, found on this machine's cgroup2 file
 * system (or its v1 memory controller's), as the kernel filter takes it
 * (its id and depth, and which hierarchy). */
#include <errno.h>
#include <string.h>
#include "proctrace/cgroup.h"
#include "cli_int.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* "." and ".." would make the depth counted from the names wrong. */
static bool has_dot_name(const char *s)
{
	for (const char *c = s; *c;) {
		size_t len = strcspn(c, "/");

		if ((len == 1 && c[0] == '.') || (len == 2 && !strncmp(c, "..", 2)))
			return true;
		c += len + (c[len] == '/');
	}
	return false;
}

int pt_cli_add_cgroup(const char *s, struct pt_filter *f)
{
	bool is_memcg = false;
	__u64 id;
	__u32 level;
	int err;

	if (f->n_cgroups >= PT_MAX_FILTER)
		return -E2BIG;
	if (!*s || has_dot_name(s))
		return -EINVAL;
	err = pt_cgroup_lookup(s, &id, &level, &is_memcg);
	if (err)
		return err;
	if (is_memcg)
		f->cgroup_memcg |= 1u << f->n_cgroups;
	f->cgroups[f->n_cgroups] = id;
	f->cgroup_levels[f->n_cgroups++] = level;
	return 0;
}

const char *pt_cli_cgroup_error(int err)
{
	switch (err) {
	case -E2BIG:
		return "it may be given at most " STR(PT_MAX_FILTER) " times";
	case -EINVAL:
		return "expected a cgroup's path, without '.' or '..'";
	case -ENOENT:
		return *pt_cgroup_root()
			? "no such cgroup (a path under the cgroup2 mount, or relative to it)"
			: "no cgroup2 file system is mounted";
	case -ENOTDIR:
		return "not a cgroup (a file, not a directory)";
	default:
		return strerror(-err);
	}
}
