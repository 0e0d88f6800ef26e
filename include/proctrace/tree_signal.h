/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* A signal to a process and everything it started, as the model holds
 * them: --top's q ends a command's whole tree, as Ctrl-C ends a shell's
 * foreground job, not only the command while its children live on. */
#ifndef PROCTRACE_TREE_SIGNAL_H
#define PROCTRACE_TREE_SIGNAL_H

#include <linux/types.h>
#include <stddef.h>
#include "proctrace/model.h"

/* Sends sig to each descendant of the command (pid: the process the model
 * flags PT_PROC_COMMAND) that the model holds and has not seen exit: its children and theirs, also those
 * reparented since (to a subreaper or init) and those in a process group
 * or session of their own; not to the process itself. Each is signalled
 * through a pidfd (pidfd_open, pidfd_send_signal) opened on its pid and
 * checked to be the process the model knows: /proc/PID/stat's start time
 * (clock ticks since boot) is start_ns's, so a pid taken by another
 * process since is left alone. One the model knows stopped is continued
 * after it (SIGCONT), as a shell's kill does a stopped job. Returns how many were signalled, or
 * -ENOMEM. */
int pt_command_tree_signal(struct pt_model *m, __u32 pid, int sig);

#endif /* PROCTRACE_TREE_SIGNAL_H */
