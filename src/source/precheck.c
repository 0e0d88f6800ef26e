// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* A live selection against the processes there are now (filter.h): what
 * cannot match is said before tracing, not found out after a silent run. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proctrace/filter.h"
#include "proctrace/procfs.h"

/* What the filters look at, of one process, from /proc. */
struct proc_now {
	__u32 pid, pgid, uid;
	char comm[PT_COMM_LEN];
};

static bool read_proc(__u32 pid, struct proc_now *p)
{
	char path[64], buf[512], *open;
	const char *fields = pt_procfs_stat(pid, buf, sizeof(buf));
	bool uid_found = false;
	FILE *f;

	/* "pid (comm) state ppid pgrp": the comm between the first '(' and
	 * the ')' before the fields. */
	open = fields ? strchr(buf, '(') : NULL;
	if (!open || open >= fields || sscanf(fields, " %*c %*u %u", &p->pgid) != 1)
		return false;
	snprintf(p->comm, sizeof(p->comm), "%.*s", (int)(fields - 1 - open - 1), open + 1);
	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!uid_found && fgets(buf, sizeof(buf), f))
		uid_found = sscanf(buf, "Uid: %u", &p->uid) == 1;
	fclose(f);
	p->pid = pid;
	return uid_found;
}

/* What was found of each value asked for, over every process. */
struct found {
	bool pgid[PT_MAX_FILTER], uid[PT_MAX_FILTER], comm[PT_MAX_FILTER];
	bool all;		 /* some process passes -g, --uid and -c together */
	bool pid[PT_MAX_FILTER]; /* -p PID itself passes them */
	struct proc_now pids[PT_MAX_FILTER];
};

static void look(const struct pt_filter *f, const struct proc_now *p, struct found *fd)
{
	/* A group N can come to be only as process N's (setpgid(0, 0)). */
	for (unsigned i = 0; i < f->n_pgids; i++)
		fd->pgid[i] |= p->pgid == f->pgids[i] || p->pid == f->pgids[i];
	for (unsigned i = 0; i < f->n_uids; i++)
		fd->uid[i] |= p->uid == f->uids[i];
	for (unsigned i = 0; i < f->n_comms; i++)
		fd->comm[i] |= pt_rules_comm_match(f, i, p->comm);
	fd->all |= pt_filter_fields(f, p->pgid, p->pgid, p->uid, p->comm, p->comm);
	for (unsigned i = 0; i < f->n_pids; i++)
		if (p->pid == f->pids[i]) {
			fd->pids[i] = *p;
			fd->pid[i] =
				pt_filter_fields(f, p->pgid, p->pgid, p->uid, p->comm, p->comm);
		}
}

static int scan(const struct pt_filter *f, struct found *fd)
{
	struct proc_now p;
	struct dirent *de;
	DIR *d = opendir("/proc");

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (isdigit((unsigned char)de->d_name[0]) &&
		    read_proc((__u32)strtoul(de->d_name, NULL, 10), &p))
			look(f, &p, fd);
	closedir(d);
	return 0;
}

int pt_filter_precheck(const struct pt_filter *f, bool command, FILE *err)
{
	const char *later = "only processes that take it from now on are traced";
	bool fields = f->n_pgids || f->n_uids || f->n_comms;
	struct found fd = { 0 };
	bool said = false;
	unsigned i;

	for (i = 0; i < f->n_pids; i++)
		if (kill((pid_t)f->pids[i], 0) && errno == ESRCH) {
			fprintf(err, "proctrace: no process with pid %u\n", f->pids[i]);
			return -ESRCH;
		}
	/* What a command to be started will be is not known yet. */
	if (command || !fields || scan(f, &fd))
		return 0;
	for (i = 0; i < f->n_pgids; i++)
		if (!fd.pgid[i]) {
			fprintf(err,
				"proctrace: no process group %u, nor a process %u to lead one\n",
				f->pgids[i], f->pgids[i]);
			return -ESRCH;
		}
	for (i = 0; i < f->n_uids; i++) {
		if (!fd.uid[i])
			fprintf(err, "proctrace: no process runs as uid %u now: %s\n", f->uids[i],
				later);
		said |= !fd.uid[i];
	}
	for (i = 0; i < f->n_comms; i++) {
		if (!fd.comm[i])
			fprintf(err, "proctrace: no process is named %s now: %s\n", f->comms[i],
				later);
		said |= !fd.comm[i];
	}
	/* Each value is there, but on different processes. */
	if (!fd.all && !said)
		fprintf(err, "proctrace: no process passes -g, -c and --uid together now: %s\n",
			"only processes that come to are traced");
	for (i = 0; i < f->n_pids && fd.all; i++)
		if (!fd.pid[i])
			fprintf(err,
				"proctrace: pid %u (%s, pgid %u, uid %u) does not pass -g, -c and "
				"--uid: only its descendants that do are traced\n",
				f->pids[i], fd.pids[i].comm, fd.pids[i].pgid, fd.pids[i].uid);
	return 0;
}
