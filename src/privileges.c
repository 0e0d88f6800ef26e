// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* Least privilege after attaching: see privileges.h for what the loop needs
 * and why. The order matters: the bounding set is cleared while
 * CAP_SETPCAP is still there, the groups and gid are set while CAP_SETGID
 * is, the uid last (keeping the permitted set across it), then the
 * capabilities are cut to what the loop needs. */
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "proctrace/decode.h"
#include "proctrace/privileges.h"

static int parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end || *out > (uid_t)-2 ? -EINVAL : 0;
}

/* The user's supplementary groups, when SUDO_USER names that uid; else
 * none but the gid. */
static void user_groups(struct pt_user *u)
{
	struct passwd *pw = u->name[0] ? getpwnam(u->name) : NULL;
	int n = PT_MAX_GROUPS;

	u->n_groups = 0;
	if (pw && pw->pw_uid == u->uid && getgrouplist(u->name, u->gid, u->groups, &n) >= 0)
		u->n_groups = n;
	if (!u->n_groups) {
		u->groups[0] = u->gid;
		u->n_groups = 1;
	}
}

int pt_invoking_user(struct pt_user *u, char *err, size_t errlen)
{
	const char *sudo_user = getenv("SUDO_USER");
	unsigned long uid, gid;

	memset(u, 0, sizeof(*u));
	u->uid = getuid();
	u->gid = getgid();
	if (geteuid() != 0 || (!getenv("SUDO_UID") && !getenv("SUDO_GID"))) {
		/* A set-user-ID install goes back to the real ids. */
		u->change = u->uid != geteuid() || u->gid != getegid();
		return 0;
	}
	if (parse_id(getenv("SUDO_UID"), &uid) || parse_id(getenv("SUDO_GID"), &gid))
		return pt_set_err(err, errlen, -EINVAL, "SUDO_UID/SUDO_GID are not numbers");
	u->uid = uid;
	u->gid = gid;
	u->change = u->uid != geteuid() || u->gid != getegid();
	snprintf(u->name, sizeof(u->name), "%s", sudo_user ? sudo_user : "");
	if (u->change)
		user_groups(u);
	return 0;
}

/* Only an exec could raise capabilities from the bounding and ambient sets;
 * proctrace never execs after this, and no_new_privs seals that too, but an
 * empty set says so to anyone reading /proc/PID/status. Clearing the
 * bounding set needs CAP_SETPCAP: without it (started with a few file
 * capabilities, not as root) it is left as it is. */
static int clear_inherited_sets(char *err, size_t errlen)
{
	cap_t now = cap_get_proc();
	cap_flag_value_t setpcap = CAP_CLEAR;
	cap_value_t c, max = cap_max_bits();

	if (!now)
		return pt_set_err(err, errlen, -errno, "reading capabilities: %s", strerror(errno));
	cap_get_flag(now, CAP_SETPCAP, CAP_EFFECTIVE, &setpcap);
	cap_free(now);
	for (c = 0; setpcap == CAP_SET && c < max; c++)
		if (cap_drop_bound(c))
			return pt_set_err(err, errlen, -errno, "clearing the bounding set: %s",
					  strerror(errno));
	if (CAP_AMBIENT_SUPPORTED() && cap_reset_ambient())
		return pt_set_err(err, errlen, -errno, "clearing the ambient set: %s",
				  strerror(errno));
	return 0;
}

static int become_user(const struct pt_user *u, char *err, size_t errlen)
{
	int ret = 0;

	if (!u->change)
		return 0;
	if (setgroups(u->n_groups, u->groups) || setresgid(u->gid, u->gid, u->gid))
		return pt_set_err(err, errlen, -errno, "switching to gid %u: %s", (unsigned)u->gid,
				  strerror(errno));
	/* Keep the permitted set across the uid change: what the loop needs
	 * is chosen from it afterwards. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setresuid(u->uid, u->uid, u->uid))
		ret = -errno;
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (ret)
		return pt_set_err(err, errlen, ret, "switching to uid %u: %s", (unsigned)u->uid,
				  strerror(-ret));
	return 0;
}

/* Permitted and effective both exactly caps[0..n), inheritable empty. */
static int set_caps(const cap_value_t *perm, int n_perm, const cap_value_t *eff, int n_eff)
{
	cap_t c = cap_init();
	int ret = 0;

	if (!c)
		return -errno;
	if ((n_perm && cap_set_flag(c, CAP_PERMITTED, n_perm, perm, CAP_SET)) ||
	    (n_eff && cap_set_flag(c, CAP_EFFECTIVE, n_eff, eff, CAP_SET)) || cap_set_proc(c))
		ret = -errno;
	cap_free(c);
	return ret;
}

static bool permitted_now(cap_value_t cap)
{
	cap_t now = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;

	if (now) {
		cap_get_flag(now, cap, CAP_PERMITTED, &v);
		cap_free(now);
	}
	return v == CAP_SET;
}

/* The smallest set with which the loop's bpf() calls work: try without
 * CAP_BPF (still permitted, so it can be raised), then with it. */
static int cut_capabilities(const struct pt_drop *d, struct pt_kept *kept, char *err, size_t errlen)
{
	cap_value_t caps[2];
	int n = 0, ret;
	bool have_bpf = permitted_now(CAP_BPF);

	if (d->keep_kill)
		caps[n++] = CAP_KILL;
	caps[n] = CAP_BPF;
	ret = set_caps(caps, n + have_bpf, caps, n);
	if (!ret) {
		ret = d->probe(d->probe_ctx);
		if ((ret == -EPERM || ret == -EACCES) && have_bpf) {
			kept->bpf = true;
			n++;
			ret = 0;
		}
		if (ret)
			return pt_set_err(err, errlen, ret,
					  "reading BPF maps after dropping privileges: %s",
					  strerror(-ret));
		ret = set_caps(caps, n, caps, n);
	}
	if (ret)
		return pt_set_err(err, errlen, ret, "dropping capabilities: %s", strerror(-ret));
	kept->kill = d->keep_kill;
	return 0;
}

int pt_privileges_drop(const struct pt_drop *d, struct pt_kept *kept, char *err, size_t errlen)
{
	int ret;

	memset(kept, 0, sizeof(*kept));
	ret = clear_inherited_sets(err, errlen);
	if (!ret)
		ret = become_user(d->user, err, errlen);
	if (!ret)
		ret = cut_capabilities(d, kept, err, errlen);
	if (ret)
		return ret;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return pt_set_err(err, errlen, -errno, "setting no_new_privs: %s", strerror(errno));
		/* Not dumpable: the user it now runs as cannot ptrace it, or take its
	 * BPF descriptors (pidfd_getfd). LeakSanitizer's exit check attaches
	 * to the process with ptrace from a helper task, which a non-dumpable
	 * process refuses: the sanitized build the tests run stays dumpable. */
#if defined(__SANITIZE_ADDRESS__)
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#else
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
	/* Irreversible, or it did not happen. */
	if (d->user->change && d->user->uid != 0 && setuid(0) == 0)
		return pt_set_err(err, errlen, -EPERM, "root could be regained after the drop");
	return 0;
}

int pt_privileges_can_write(const char *path, bool replace)
{
	char *copy;
	int ret = 0;

	if (!strcmp(path, "-"))
		return 0;
	if (!replace && access(path, F_OK) == 0)
		return access(path, W_OK) ? -errno : 0;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	if (access(dirname(copy), W_OK | X_OK))
		ret = -errno;
	free(copy);
	return ret;
}

int pt_privileges_can_write_as(const struct pt_user *u, const char *path, bool replace)
{
	int status, ret;
	pid_t pid;

	cap_t none;

	/* Root staying root still loses CAP_DAC_OVERRIDE and the like at the
	 * drop (pt_privileges_drop): its check too is made without them. */
	if (!u->change && geteuid() != 0)
		return pt_privileges_can_write(path, replace);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* The user's groups and ids, all of them: access() checks the
		 * real ones; root's, with the permitted capabilities, so all
		 * of them go. */
		if (u->change &&
		    (setgroups(u->n_groups, u->groups) || setresgid(u->gid, u->gid, u->gid) ||
		     setresuid(u->uid, u->uid, u->uid)))
			_exit(EPERM);
		none = cap_init();
		if (!none || cap_set_proc(none))
			_exit(EPERM);
		ret = pt_privileges_can_write(path, replace);
		_exit(ret < 0 && -ret < 256 ? -ret : ret ? EIO : 0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status))
		return -EIO;
	return -WEXITSTATUS(status);
}
