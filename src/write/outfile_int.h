/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* The parts of opening an output file (outfile.c) that checking one
 * (outfile_check.c) shares. Private to src/write. */
#ifndef PROCTRACE_WRITE_OUTFILE_INT_H
#define PROCTRACE_WRITE_OUTFILE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include "proctrace/outfile.h"

/* What a file written beside its name needs a new file for, said when
 * none can be made there. */
#define OUTFILE_BESIDE_NEEDS                                                                       \
	"and an existing file is only replaced by a whole new one, left as it "                    \
	"is"

/* o->dirfd and o->name for path, its directory walked safely (o set up
 * as pt_outfile_open's, no file open): 0 or -errno with err's line. */
int outfile_resolve(struct pt_outfile *o, const char *path, unsigned keep, char *err,
		    size_t errlen);
/* The file at o->name, if any, checked as one we may replace: *exists
 * says whether there is one, st what it is. 0 or -errno with err's line. */
int outfile_look_existing(struct pt_outfile *o, const struct stat *dir, struct stat *st,
			  bool *exists, char *err, size_t errlen);
/* NAME.tmp.XXXXXX in out (NAME_MAX + 1 bytes), NAME cut so that the whole
 * fits in a directory entry with PT_OUTFILE_TMP_SPARE bytes to spare: 0 or
 * -errno (getrandom). */
int outfile_tmp_name(const char *name, char *out, size_t outlen);
/* ret (-errno), the reason no new file could be made beside o->name, as
 * err's line in words that fit what the user sees: a directory that
 * exists, where a file exists (/proc/1/status), gives ENOENT for a file it
 * cannot create. old: the file there, if any; needs: what the new file is
 * for (NULL: OUTFILE_BESIDE_NEEDS). Returns ret. */
int outfile_no_file_beside(const struct pt_outfile *o, const struct stat *old, int ret,
			   const char *needs, char *err, size_t errlen);

#endif
