/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Cgroups by name: the path of a cgroup v2 id (the kernel gives the id of a
 * task's cgroup on the default hierarchy: event.h's cgroup_id) and the short
 * name a user knows it by (a systemd unit, a container, a pod).
 *
 * The paths come from one registry per process: a live trace resolves an id
 * at its first sight by walking the cgroup2 file system (wherever it is
 * mounted: /sys/fs/cgroup, or /sys/fs/cgroup/unified on a v1 hybrid), a
 * replay learns them from the capture's cgroup detail. A cgroup created and
 * removed before its first event is read is not in the file system any
 * more: it has no path (NULL), never a guessed one.
 *
 * On a hybrid, the v1 memory controller's hierarchy (mounted apart, at
 * /sys/fs/cgroup/memory) places processes too: event.h's memcg_id. Its ids
 * are another hierarchy's, with a registry of their own (pt_memcg_*), and
 * its paths are relative to its mount as the v2 ones are to theirs. */
#ifndef PROCTRACE_CGROUP_H
#define PROCTRACE_CGROUP_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

/* Longest path kept (bytes, with the NUL); a longer one is not resolved. */
#define PT_CGROUP_PATH_MAX 512
/* Room for a short name: a unit's (a file name: NAME_MAX bytes), or "pod",
 * a 36-byte uid, '/' and 12 hex; with the NUL. */
#define PT_CGROUP_NAME_MAX 256

/* The short name of a cgroup path (as /proc/PID/cgroup writes it: "/"
 * and names joined by '/'), into out (n bytes), "" when it has none:
 * - a container (a component with a 64-hex id: docker-ID.scope,
 *   cri-containerd-ID.scope, crio-ID.scope, libpod-ID.scope, or the bare ID
 *   of the cgroupfs drivers): its first 12 hex digits, as `docker ps`;
 * - in a Kubernetes pod (kubepods...-pod<UID>.slice, or pod<UID>): "pod"
 *   and the uid (with '-', as the API shows it), then "/" and the
 *   container's 12 hex when there is one;
 * - else the deepest systemd unit: a component ending in .service or
 *   .scope (ssh.service, user@1000.service, session-3.scope).
 * Returns out. */
const char *pt_cgroup_short(const char *path, char *out, size_t n);

/* Resolve ids against this machine's cgroup2 file system from now on (a
 * live trace). Without it, pt_cgroup_path() knows only what
 * pt_cgroup_learn() told it. root: the mount point to walk, NULL to find
 * it in /proc/self/mountinfo. Returns 0, or -ENOENT when no cgroup2 file
 * system is mounted (ids then stay unnamed). */
int pt_cgroup_resolve_live(const char *root);

/* The path of cgroup id ("/" for the root), NULL when unknown. Live, an id
 * not seen before makes one walk of the cgroup tree (each id walked for at
 * most once). The string lives until pt_cgroup_reset(). */
const char *pt_cgroup_path(__u64 id);

/* The same for a v1 memory cgroup id (memcg_id; 0: none, NULL). */
const char *pt_memcg_path(__u64 id);

/* The short name a process is shown by, into out (n bytes; "" when none):
 * its v2 cgroup's (pt_cgroup_short), else, when that names nothing (the
 * root, or a plain directory), its v1 memory cgroup's. Returns out. */
const char *pt_cgroup_name(__u64 cgroup_id, __u64 memcg_id, char *out, size_t n);

/* Live: how many cgroup ids (v2 or v1 memory) had no path when first looked up (removed
 * before, the rows naming them written after: held by --failed, or read
 * late), so that the rows left without one are said. */
size_t pt_cgroup_unknown(void);

/* Tell the registry id's path (a replayed capture's). The first one told
 * stays. Returns 0 or -ENOMEM. */
int pt_cgroup_learn(__u64 id, const char *path);
/* The same for a v1 memory cgroup id. */
int pt_memcg_learn(__u64 id, const char *path);

/* The cgroup2 mount point in use ("" when none), for --cgroup's paths. */
const char *pt_cgroup_root(void);

/* The id and depth (the root is level 0) of the cgroup at path: absolute
 * under the cgroup2 mount, or relative to it (with or without a leading
 * '/'); or absolute under the v1 memory controller's mount (*is_memcg set
 * true: the id is of that hierarchy). Returns 0, -ENOENT, or another
 * -errno of the lookup. */
int pt_cgroup_lookup(const char *path, __u64 *id, __u32 *level, bool *is_memcg);

/* Forget everything (tests, and the end of a run). */
void pt_cgroup_reset(void);

#endif
