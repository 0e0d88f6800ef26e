// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The room of the kernel side's maps (docs/bounds.md): the one sized at
 * load by the machine (fatal_unkept, by pid_max), and the fault injection
 * that lets tests reach the capacity of the others (PROCTRACE_FAULT
 * entries:N and full:MAP, docs/loading.md), or miss frees (skip-free:N). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loader_int.h"

#define KIND(k) (1u << (k))

/* The kernel's own bound on pid_max (PID_MAX_LIMIT, 64-bit), for a
 * machine whose /proc does not say. */
#define PID_MAX_LIMIT_ (4u * 1024 * 1024)

/* The maps that entries:N shrinks: facts waiting for a later event. */
static const char *const waiting_maps[] = { "zombies", "released_usage", "fatal", "group_exits" };

/* The maps full:MAP may fill: keyed by a pid or tid (alone, or first in
 * a struct: a namespace's inode number for zombie_alias), their capacity
 * reached is counted lost (map_keep, follow_child). */
static const char *const fillable_maps[] = {
	"followed",  "fatal", "inflight",	   "wait_candidates", "exec_entries",
	"ns_before", "stops", "group_dead_claims", "sched_stamps",    "zombie_alias"
};

static unsigned pid_max(void)
{
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
	unsigned n = 0;

	if (f) {
		if (fscanf(f, "%u", &n) != 1)
			n = 0;
		fclose(f);
	}
	return n ? n : PID_MAX_LIMIT_;
}

/* PROCTRACE_FAULT=entries:N: the maps of facts in waiting hold N entries,
 * so that a test reaches their capacity with a few processes. */
static int shrink_waiting(struct pt_loader *l)
{
	unsigned long n;
	int err = 0;

	if (!l->fault || strncmp(l->fault, "entries:", 8))
		return 0;
	n = strtoul(l->fault + 8, NULL, 10);
	for (size_t i = 0; i < sizeof(waiting_maps) / sizeof(waiting_maps[0]) && !err; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(l->skel->obj, waiting_maps[i]);

		if (m && n && bpf_map__max_entries(m) > 1)
			err = bpf_map__set_max_entries(m, n);
	}
	return err;
}

/* PROCTRACE_FAULT=skip-free:N: the free program skips its first N runs
 * for a process with a zombie entry, as the kernel's recursion guard may
 * (handle_free in bpf/reap.bpf.h). */
static void skip_frees(struct pt_loader *l)
{
	if (l->fault && !strncmp(l->fault, "skip-free:", 10))
		l->skel->rodata->fault_skip_frees = strtoul(l->fault + 10, NULL, 10);
}

#define SIGNALS (KIND(PT_SIGNAL) | KIND(PT_STOP) | KIND(PT_CONTINUE))

int pt_map_room_configure(struct pt_loader *l)
{
	/* A byte by pid, 8 to an entry (pid_byte): room for every pid. */
	__u32 pid_entries = pid_max() / 8 + 1;
	int err = 0;

	if (l->kinds & KIND(PT_EXIT))
		err = bpf_map__set_max_entries(l->skel->maps.fatal_unkept, pid_entries);
	if (!err && (l->kinds & SIGNALS))
		err = bpf_map__set_max_entries(l->skel->maps.queueing, pid_entries);
	skip_frees(l);
	if (!err && (l->kinds & KIND(PT_REAP)))
		err = bpf_map__set_max_entries(l->skel->maps.ignored_sigchld, pid_entries);
	return err ?: shrink_waiting(l);
}

/* Whether name is among the comma-separated names of list. */
static bool named_in(const char *list, const char *name)
{
	size_t n = strlen(name);

	while (*list) {
		size_t w = strcspn(list, ",");

		if (w == n && !strncmp(list, name, n))
			return true;
		list += w + (list[w] == ',');
	}
	return false;
}

/* Fill map with keys no task has (a first field above PID_MAX_LIMIT, and
 * below the inode numbers of namespaces, 0xF0000000 and up) until it
 * refuses one for want of room: full, whatever it held already. */
static int fill(struct bpf_map *m)
{
	size_t size = bpf_map__value_size(m), key_size = bpf_map__key_size(m);
	void *zero = calloc(1, size), *key = calloc(1, key_size);
	int fd = bpf_map__fd(m), err = 0;

	if (!zero || !key || key_size < sizeof(__u32)) {
		free(zero);
		free(key);
		return -ENOMEM;
	}
	for (__u32 k = 0x7fffffff; k > PID_MAX_LIMIT_; k--) {
		memcpy(key, &k, sizeof(k));
		if (bpf_map_update_elem(fd, key, zero, BPF_NOEXIST) == 0)
			continue;
		err = errno == E2BIG ? 0 : -errno;
		break;
	}
	free(zero);
	free(key);
	return err;
}

int pt_map_room_fill(struct pt_loader *l)
{
	const char *list;
	int err = 0;

	if (!l->fault || strncmp(l->fault, "full:", 5))
		return 0;
	list = l->fault + 5;
	for (size_t i = 0; i < sizeof(fillable_maps) / sizeof(fillable_maps[0]) && !err; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(l->skel->obj, fillable_maps[i]);

		if (m && named_in(list, fillable_maps[i]))
			err = fill(m);
	}
	return err;
}

/* zombie_alias's key (struct ns_key, maps.bpf.h). */
struct alias_key {
	__u32 inum; /* the pid namespace's inode number */
	__u32 nr;   /* the zombie's pid there */
};

/* The aliases of zombies that left `zombies` (reaped, freed, or reported
 * by userspace): their numbers in the namespaces above their own, or in
 * every one when no wait() there named them, which no BPF program can
 * name once the task is released (zombie_alias, maps.bpf.h). Run after
 * each walk of `zombies` (reap_unclaimed): a leftover stays at most that
 * long. */
int pt_map_room_sweep_aliases(struct pt_loader *l)
{
	int afd = bpf_map__fd(l->skel->maps.zombie_alias);
	int zfd = bpf_map__fd(l->skel->maps.zombies);
	struct alias_key key, next;
	struct pt_zombie z;
	bool more;
	__u32 pid;

	if (afd < 0 || zfd < 0)
		return 0;
	more = bpf_map_get_next_key(afd, NULL, &key) == 0;
	while (more) {
		/* The next key first: a deleted one would restart the walk. */
		more = bpf_map_get_next_key(afd, &key, &next) == 0;
		/* pid 0: the entries of full:zombie_alias (fill), no zombie's. */
		if (!bpf_map_lookup_elem(afd, &key, &pid) && pid &&
		    bpf_map_lookup_elem(zfd, &pid, &z))
			bpf_map_delete_elem(afd, &key);
		key = next;
	}
	return 0;
}
