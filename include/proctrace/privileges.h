/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Least privilege: once the BPF programs are loaded and attached and the
 * snapshot read, proctrace gives up what the tracing loop does not need.
 *
 * The loop reads the ring buffer (memory mapped and an epoll descriptor, set
 * up before), the loss counters and the zombies map (bpf() calls on map
 * descriptors it already holds), sends SIGTERM on to a command and closes
 * its BPF links at the end: on Linux >= 6.5 none of that needs a
 * capability; before, bpf() asks for CAP_BPF whenever
 * kernel.unprivileged_bpf_disabled is set. So the set kept is found by
 * trying: nothing, then CAP_BPF if the map calls are refused without it;
 * CAP_KILL only when a command runs as another user than proctrace does. */
#ifndef PROCTRACE_PRIVILEGES_H
#define PROCTRACE_PRIVILEGES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PT_MAX_GROUPS 256

/* The user proctrace (and by default a command) runs as after the drop:
 * under sudo (root with SUDO_UID and SUDO_GID set) the user who ran sudo,
 * with that user's groups; otherwise its own real uid and gid. */
struct pt_user {
	bool change; /* the ids differ from the current ones: switch */
	uid_t uid;
	gid_t gid;
	char name[256]; /* SUDO_USER, or "" */
	int n_groups;	/* supplementary groups, with change */
	gid_t groups[PT_MAX_GROUPS];
};

/* Who invoked proctrace, from the environment. -EINVAL with one line in err
 * when SUDO_UID or SUDO_GID is set but not a number. */
int pt_invoking_user(struct pt_user *u, char *err, size_t errlen);

/* What the loop does with the kernel, to find which capabilities it needs:
 * returns 0 when its bpf() calls work with the current effective set, and
 * -EPERM (or -EACCES) when they are refused. */
typedef int (*pt_probe_fn)(void *ctx);

struct pt_drop {
	const struct pt_user *user; /* become this user */
	bool keep_kill;		    /* a command runs as another uid: SIGTERM is passed on */
	pt_probe_fn probe;
	void *probe_ctx;
};

/* What was kept, for -v and the tests. */
struct pt_kept {
	bool bpf;  /* CAP_BPF: bpf() on held map descriptors needs it on this kernel */
	bool kill; /* CAP_KILL */
};

/* Clear the bounding and ambient sets, switch to d->user, keep only what
 * the loop needs (see above), set no_new_privs and make the process not
 * dumpable. Irreversible. -errno with one line in err when a step fails:
 * the caller must then stop, not trace with more than it says. */
int pt_privileges_drop(const struct pt_drop *d, struct pt_kept *kept, char *err, size_t errlen);

/* Whether path can be written after the drop, by the identity proctrace now
 * has (access() with no capability): the file itself if it exists and
 * !replace, else its directory (to create it, or to rename a new file over
 * it). "-" always can. 0 or -errno (-EACCES). */
int pt_privileges_can_write(const char *path, bool replace);
/* The same, asked before the drop, for the identity u proctrace will have
 * (asked in a child that takes it; as now when u has no change). 0 or
 * -errno. */
int pt_privileges_can_write_as(const struct pt_user *u, const char *path, bool replace);

#endif
