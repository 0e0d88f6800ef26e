/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* --version: what a bug report needs. The version, the libbpf the binary
 * runs with, the kernel release, and whether this kernel has what the BPF
 * programs use (BTF, the ring buffer map, BTF tracepoints, the task
 * iterator, the syscall tracepoints), found without privileges where that
 * is possible and said "unknown" with the reason where it is not. */
#ifndef PROCTRACE_FEATURES_H
#define PROCTRACE_FEATURES_H

#include <stdio.h>

/* Print the report, one "name: verdict (detail)" line per item after the
 * first line "proctrace VERSION"; verdict is yes, no or unknown. Returns 0,
 * or -errno when out could not be written. */
int pt_version_print(FILE *out, const char *version);

#endif
