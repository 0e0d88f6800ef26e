// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The registry of cgroup paths by id (cgroup.h). A live trace walks the
 * cgroup2 file system: each directory's id is what name_to_handle_at()
 * gives for it (the kernfs node id the kernel's cgroup_id is, a 64-bit
 * handle), or its inode number on a kernel without handles there. Ids are
 * never reused, so an id not found stays unknown without a second walk. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uthash.h>
#include "proctrace/cgroup.h"

struct cg_entry {
	__u64 id;
	char *path; /* owned; NULL: looked for, not found */
	UT_hash_handle hh;
};

static struct cg_entry *entries;
static char root[PT_CGROUP_PATH_MAX];
static bool live;
static size_t unknown; /* live: ids walked for and not found */

static struct cg_entry *find(__u64 id)
{
	struct cg_entry *e;

	HASH_FIND(hh, entries, &id, sizeof(id), e);
	return e;
}

static struct cg_entry *add(__u64 id, const char *path)
{
	struct cg_entry *e = calloc(1, sizeof(*e));

	if (!e || (path && !(e->path = strdup(path)))) {
		free(e);
		return NULL;
	}
	e->id = id;
	HASH_ADD(hh, entries, id, sizeof(e->id), e);
	return e;
}

int pt_cgroup_learn(__u64 id, const char *path)
{
	struct cg_entry *e = find(id);

	if (e && e->path)
		return 0;
	if (e) {
		e->path = strdup(path);
		return e->path ? 0 : -ENOMEM;
	}
	return add(id, path) ? 0 : -ENOMEM;
}

/* The id of the cgroup directory at path. */
static int dir_id(const char *path, const struct stat *st, __u64 *id)
{
	struct {
		struct file_handle h;
		unsigned char bytes[sizeof(__u64)];
	} fh = { .h.handle_bytes = sizeof(__u64) };
	int mount_id;

	if (!name_to_handle_at(AT_FDCWD, path, &fh.h, &mount_id, 0) &&
	    fh.h.handle_bytes == sizeof(__u64)) {
		memcpy(id, fh.h.f_handle, sizeof(*id));
		return 0;
	}
	if (!st)
		return -errno;
	*id = st->st_ino;
	return 0;
}

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = path + strlen(root);
	__u64 id = 0;

	(void)ftw;
	if (type != FTW_D || dir_id(path, st, &id))
		return 0;
	/* Each directory is one cgroup; the root's path is "/". */
	if (pt_cgroup_learn(id, *rel ? rel : "/"))
		return -1;
	return 0;
}

static void walk(void)
{
	/* A cgroup removed during the walk is skipped (FTW_DNR or gone). */
	nftw(root, walk_one, 32, FTW_PHYS | FTW_MOUNT);
}

/* The first cgroup2 mount of this process's mount namespace. */
static int find_root(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mnt[PT_CGROUP_PATH_MAX], fstype[64];
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - ");

		/* Fields: id parent major:minor root mount-point options ... - fstype */
		if (!sep || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s", fstype) != 1 || strcmp(fstype, "cgroup2"))
			continue;
		snprintf(root, sizeof(root), "%s", mnt);
		err = 0;
		break;
	}
	fclose(f);
	return err;
}

int pt_cgroup_resolve_live(const char *mount_point)
{
	int err = 0;

	if (mount_point)
		snprintf(root, sizeof(root), "%s", mount_point);
	else
		err = find_root();
	if (err) {
		root[0] = '\0';
		return err;
	}
	/* "/" alone would make every path start with "//". */
	if (!strcmp(root, "/"))
		root[0] = '\0';
	live = true;
	walk();
	return 0;
}

const char *pt_cgroup_path(__u64 id)
{
	struct cg_entry *e = find(id);

	if (!e && live) {
		walk();
		e = find(id);
		if (!e) {
			e = add(id, NULL);
			unknown++;
		}
	}
	return e ? e->path : NULL;
}

size_t pt_cgroup_unknown(void)
{
	return unknown;
}

const char *pt_cgroup_root(void)
{
	return root;
}

int pt_cgroup_lookup(const char *path, __u64 *id, __u32 *level)
{
	char full[PT_CGROUP_PATH_MAX * 2];
	const char *rel = path;
	struct stat st;
	__u32 depth = 0;
	size_t n;
	int err;

	if (!live && find_root())
		return -ENOENT;
	n = strlen(root);
	if (n && !strncmp(path, root, n) && (path[n] == '/' || !path[n]))
		rel = path + n;
	while (*rel == '/')
		rel++;
	snprintf(full, sizeof(full), "%s/%s", root, rel);
	if (stat(full, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	err = dir_id(full, &st, id);
	if (err)
		return err;
	/* The depth: the names in rel, "." and ".." refused by the caller. */
	for (const char *c = rel; *c;) {
		size_t len = strcspn(c, "/");

		if (len)
			depth++;
		c += len + (c[len] == '/');
	}
	*level = depth;
	return 0;
}

void pt_cgroup_reset(void)
{
	struct cg_entry *e, *tmp;

	HASH_ITER(hh, entries, e, tmp)
	{
		/* uthash's table juggling confuses clang's analyzer */
		// NOLINTNEXTLINE(clang-analyzer-unix.Malloc,clang-analyzer-core.NullDereference)
		HASH_DEL(entries, e);
		free(e->path);
		free(e);
	}
	root[0] = '\0';
	live = false;
	unknown = 0;
}
