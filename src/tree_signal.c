// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* The descendants of a process, from the model's tree, signalled
 * (tree_signal.h). The model lags the kernel by what the ring buffer
 * holds, so a process it believes alive may be gone, or its pid another
 * process's: the pidfd names one process, and its start time says which. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "proctrace/procfs.h"
#include "proctrace/tree_signal.h"

struct below {
	__u32 pid;
	const struct pt_proc **in; /* the process and its descendants found */
	size_t n, cap;
};

static bool is_command(const struct pt_proc *p, __u32 pid)
{
	return p->pid == pid && (p->flags & PT_PROC_COMMAND);
}

static bool held(const struct below *b, const struct pt_proc *p)
{
	for (size_t i = 0; p && i < b->n; i++)
		if (b->in[i] == p)
			return true;
	return false;
}

/* Tree order visits a parent before its children, and a process adopted
 * after its parent died after that parent (it was born later than the
 * adopter's child it descends from): one pass finds them all. */
static int visit(const struct pt_walk *w, void *ctx)
{
	struct below *b = ctx;
	const struct pt_proc *p = w->proc;
	const struct pt_proc **grown;

	if (!is_command(p, b->pid) && !held(b, w->parent) && !held(b, w->orig_parent))
		return 0;
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		grown = realloc(b->in, b->cap * sizeof(*b->in));
		if (!grown)
			return -ENOMEM;
		b->in = grown;
	}
	b->in[b->n++] = p;
	return 0;
}

/* A stopped process is continued after the signal (as a shell's kill
 * does for a stopped job), so that it acts on it. */
static bool signal_one(const struct pt_proc *p, int sig, bool stopped)
{
	int fd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	bool sent;

	if (fd < 0)
		return false; /* gone (ESRCH), or a kernel without pidfds */
	/* Checked once the pidfd holds the process: it cannot change now. */
	sent = pt_procfs_same_start(p->pid, p->start_ns) &&
		!syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
	if (sent && stopped && sig != SIGKILL && sig != SIGCONT)
		syscall(SYS_pidfd_send_signal, fd, SIGCONT, NULL, 0);
	close(fd);
	return sent;
}

int pt_command_tree_signal(struct pt_model *m, __u32 pid, int sig)
{
	struct below b = { .pid = pid };
	int sent = 0, err;

	err = pt_model_walk(m, visit, &b);
	for (size_t i = 0; !err && i < b.n; i++) {
		enum pt_end end = pt_proc_end(b.in[i]);

		if (is_command(b.in[i], pid))
			continue;
		if ((end == PT_END_RUNNING || end == PT_END_STOPPED) &&
		    signal_one(b.in[i], sig, end == PT_END_STOPPED))
			sent++;
	}
	free(b.in);
	return err ? err : sent;
}
