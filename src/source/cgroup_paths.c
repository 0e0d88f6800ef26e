// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The registries of cgroup paths by id (cgroup.h): one for the cgroup2
 * hierarchy, one for the v1 memory controller's (a hybrid's); each v1
 * hierarchy numbers its cgroups apart, so the two never share a table. A
 * live trace walks their file systems: each directory's id is what
 * name_to_handle_at() gives for it (the kernfs node id the kernel's
 * cgroup_id is, a 64-bit handle), or its inode number on a kernel without
 * handles there. Ids are never reused, so an id not found stays unknown
 * without a second walk. */
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

struct cg_tree {
	struct cg_entry *entries;
	char root[PT_CGROUP_PATH_MAX]; /* its mount point; "" for "/" or none */
	bool live;
	size_t unknown; /* live: ids walked for and not found */
};

static struct cg_tree v2, memcg;
/* The tree nftw() is walking (its callback has no context argument). */
static struct cg_tree *walking;

static struct cg_entry *find(struct cg_tree *t, __u64 id)
{
	struct cg_entry *e;

	HASH_FIND(hh, t->entries, &id, sizeof(id), e);
	return e;
}

static struct cg_entry *add(struct cg_tree *t, __u64 id, const char *path)
{
	struct cg_entry *e = calloc(1, sizeof(*e));

	if (!e || (path && !(e->path = strdup(path)))) {
		free(e);
		return NULL;
	}
	e->id = id;
	HASH_ADD(hh, t->entries, id, sizeof(e->id), e);
	return e;
}

static int learn(struct cg_tree *t, __u64 id, const char *path)
{
	struct cg_entry *e = find(t, id);

	if (e && e->path)
		return 0;
	if (e) {
		e->path = strdup(path);
		return e->path ? 0 : -ENOMEM;
	}
	return add(t, id, path) ? 0 : -ENOMEM;
}

int pt_cgroup_learn(__u64 id, const char *path)
{
	return learn(&v2, id, path);
}

int pt_memcg_learn(__u64 id, const char *path)
{
	return learn(&memcg, id, path);
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
	const char *rel = path + strlen(walking->root);
	__u64 id = 0;

	(void)ftw;
	if (type != FTW_D || dir_id(path, st, &id))
		return 0;
	/* Each directory is one cgroup; the root's path is "/". */
	if (learn(walking, id, *rel ? rel : "/"))
		return -1;
	return 0;
}

static void walk(struct cg_tree *t)
{
	walking = t;
	/* A cgroup removed during the walk is skipped (FTW_DNR or gone). */
	nftw(*t->root ? t->root : "/", walk_one, 32, FTW_PHYS | FTW_MOUNT);
	walking = NULL;
}

/* Whether the comma-separated options hold word. */
static bool has_option(const char *opts, const char *word)
{
	size_t n = strlen(word);

	for (const char *c = opts; *c;) {
		size_t len = strcspn(c, ",");

		if (len == n && !strncmp(c, word, n))
			return true;
		c += len + (c[len] == ',');
	}
	return false;
}

/* The first mount of this process's mount namespace of the cgroup2 file
 * system (memory false), or of the v1 hierarchy that has the memory
 * controller (a "cgroup" file system whose super options name it), into
 * t->root. */
static int find_root(struct cg_tree *t, bool memory)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], mnt[PT_CGROUP_PATH_MAX], fstype[64], opts[512];
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - ");

		/* Fields: id parent major:minor root mount-point options ...
		 * - fstype source super-options */
		if (!sep || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s %*s %511s", fstype, opts) < 1)
			continue;
		if (memory ? strcmp(fstype, "cgroup") || !has_option(opts, "memory")
			   : !!strcmp(fstype, "cgroup2"))
			continue;
		snprintf(t->root, sizeof(t->root), "%s", mnt);
		err = 0;
		break;
	}
	fclose(f);
	/* "/" alone would make every path start with "//". */
	if (err || !strcmp(t->root, "/"))
		t->root[0] = '\0';
	return err;
}

int pt_cgroup_resolve_live(const char *mount_point)
{
	int err = 0;

	if (mount_point) {
		snprintf(v2.root, sizeof(v2.root), "%s", mount_point);
		if (!strcmp(v2.root, "/"))
			v2.root[0] = '\0';
	} else {
		err = find_root(&v2, false);
		/* A hybrid's memory controller, walked at its first id. */
		memcg.live = !find_root(&memcg, true);
	}
	if (err)
		return err;
	v2.live = true;
	walk(&v2);
	return 0;
}

/* Live, an id not seen before makes one walk of its tree. */
static const char *path_of(struct cg_tree *t, __u64 id)
{
	struct cg_entry *e = find(t, id);

	if (!e && t->live) {
		walk(t);
		e = find(t, id);
		if (!e) {
			e = add(t, id, NULL);
			t->unknown++;
		}
	}
	return e ? e->path : NULL;
}

const char *pt_cgroup_path(__u64 id)
{
	return path_of(&v2, id);
}

const char *pt_memcg_path(__u64 id)
{
	return id ? path_of(&memcg, id) : NULL;
}

size_t pt_cgroup_unknown(void)
{
	return v2.unknown + memcg.unknown;
}

const char *pt_cgroup_root(void)
{
	return v2.root;
}

const char *pt_cgroup_name(__u64 cgroup_id, __u64 memcg_id, char *out, size_t n)
{
	const char *path = pt_cgroup_path(cgroup_id);

	out[0] = '\0';
	if (path)
		pt_cgroup_short(path, out, n);
	if (!*out && (path = pt_memcg_path(memcg_id)))
		pt_cgroup_short(path, out, n);
	return out;
}

/* Where path lies: under the v1 memory mount (an absolute path that
 * starts there), else under the cgroup2 mount or relative to it. */
static struct cg_tree *tree_of(const char *path, const char **rel)
{
	size_t n = strlen(memcg.root);

	*rel = path;
	if (n && !strncmp(path, memcg.root, n) && (path[n] == '/' || !path[n])) {
		*rel = path + n;
		return &memcg;
	}
	n = strlen(v2.root);
	if (n && !strncmp(path, v2.root, n) && (path[n] == '/' || !path[n]))
		*rel = path + n;
	return &v2;
}

int pt_cgroup_lookup(const char *path, __u64 *id, __u32 *level, bool *is_memcg)
{
	char full[PT_CGROUP_PATH_MAX * 2];
	struct cg_tree *t;
	const char *rel;
	struct stat st;
	__u32 depth = 0;
	int err;

	if (!v2.live && find_root(&v2, false))
		return -ENOENT;
	if (!memcg.live)
		find_root(&memcg, true);
	t = tree_of(path, &rel);
	while (*rel == '/')
		rel++;
	snprintf(full, sizeof(full), "%s/%s", t->root, rel);
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
	*is_memcg = t == &memcg;
	return 0;
}

static void reset(struct cg_tree *t)
{
	struct cg_entry *e, *tmp;

	HASH_ITER(hh, t->entries, e, tmp)
	{
		/* uthash's table juggling confuses clang's analyzer */
		// NOLINTNEXTLINE(clang-analyzer-unix.Malloc,clang-analyzer-core.NullDereference)
		HASH_DEL(t->entries, e);
		free(e->path);
		free(e);
	}
	t->root[0] = '\0';
	t->live = false;
	t->unknown = 0;
}

void pt_cgroup_reset(void)
{
	reset(&v2);
	reset(&memcg);
}
