/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Output files: every file proctrace writes (-o, -j, --svg) is opened here,
 * as a tool running as root must open a path a user typed:
 *
 * - The last component is opened with O_NOFOLLOW | O_CLOEXEC: a symbolic
 *   link there is refused, whatever it points to.
 * - The directories on the way are walked one by one; a symbolic link in a
 *   sticky directory that others may write (/tmp) is followed only when it
 *   belongs to us, to the user who ran sudo, or to the directory's owner
 *   (the rule of fs.protected_symlinks=1, applied whatever it is set to).
 * - In such a directory an existing file is written only when it belongs
 *   to one of those too (the rule of fs.protected_regular).
 * - An existing file is truncated only when it is a regular file (after
 *   the checks, never by O_TRUNC at open); a character device such as
 *   /dev/null is written as it is; a FIFO, a socket, a block device or a
 *   directory is refused, never opened.
 * - A file proctrace creates as root under sudo (SUDO_UID, SUDO_GID) is
 *   given to the user who ran sudo.
 *
 * Errors are -errno with one line of text in err naming the file (without
 * the "proctrace: " prefix).
 *
 * Files are opened in two ways: streamed (pt_outfile_open: -o, -j, rows
 * as they come, rotated and reopened by output.c), or written whole
 * (pt_whole_file_open: --perfetto, --svg, made at the end). Either is first
 * written beside its name (NAME.tmp.XXXXXX, in its directory so that the
 * rename is atomic) and renamed over it by pt_outfile_commit(): a run that
 * fails before leaves the file at the path, if any, as it was. */
#ifndef PROCTRACE_OUTFILE_H
#define PROCTRACE_OUTFILE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Bytes a temporary name (NAME.tmp.XXXXXX, NAME cut) leaves unused of a
 * file name's NAME_MAX, so that a name made from it fits too: SQLite's
 * NAME-journal, NAME-wal and NAME-shm beside a database written beside. */
#define PT_OUTFILE_TMP_SPARE 8

struct pt_outfile {
	const char *path; /* as given (borrowed); "-" is stdout */
	int dirfd;	  /* O_PATH descriptor of its directory; -1 for stdout */
	char *name;	  /* its last component (owned) */
	FILE *f;	  /* open on the file (stdout for "-"); NULL when closed */
	char *tmp;	  /* written beside: its temporary name (owned), renamed over
			   * name by pt_outfile_commit(); NULL: written at name */
	unsigned keep;	  /* rotating: files kept (see pt_outfile_rotate); 0: not */
	dev_t dev;	  /* the file open, to tell it from a new one at path */
	ino_t ino;
};

/* Open path for writing ("-": stdout, which is not closed later). With
 * beside, a new file is written beside path until pt_outfile_commit(),
 * with the owner and mode of the file it will replace; a character device
 * (/dev/null) is written straight. With keep (rotating), NAME.keep must fit
 * in NAME_MAX (else -ENAMETOOLONG), and a regular file found at path with
 * something in it is rotated (a recorder restarted keeps what it had
 * recorded), not emptied, when the new one takes its place. */
int pt_outfile_open(struct pt_outfile *o, const char *path, unsigned keep, bool beside, char *err,
		    size_t errlen);
/* A file written beside its path: renamed over path (with sync, flushed
 * and synced first; else written on through the same descriptor). 0 (also when not beside, or already done) or -errno
 * with err's line. */
int pt_outfile_commit(struct pt_outfile *o, bool sync, char *err, size_t errlen);
/* Whether path still names the file open (false once it was moved away,
 * as logrotate does, or for a path that no longer exists). */
bool pt_outfile_still_there(const struct pt_outfile *o);
/* Close the file (committed first if beside), rename it path.1 (path.1 to
 * path.2 and so on, the file numbered keep replaced: see pt_rotate_shift)
 * and open a new path, straight. */
int pt_outfile_rotate(struct pt_outfile *o, char *err, size_t errlen);
/* Close (stdout is flushed, not closed): 0 or the -errno of fclose. A file
 * still beside its path is removed: the path is left as it was. */
int pt_outfile_close(struct pt_outfile *o);

/* Whether path can be written as an output that needs a new file in its
 * directory (written beside its name, or a database's journal), found out
 * without leaving anything there (outfile_check.c): its directory walked,
 * the file there checked as pt_outfile_open() would, and a file made
 * there unnamed (O_TMPFILE; where the file system has none, named and
 * removed at once). "-" and a character device always can. 0 or -errno
 * with err's line; needs says what the new file is for when an existing
 * file is refused for want of one (NULL: a whole new file replacing it). */
int pt_outfile_check(const char *path, const char *needs, char *err, size_t errlen);

/* Whether paths a and b (neither "-") name one file: the same inode when
 * both exist (through symbolic and hard links; character devices such as
 * /dev/null excepted), else the same name in the same directory. */
bool pt_outfile_same(const char *a, const char *b);

/* ---- a file written whole ---- */

/* For outputs made at the end (the Perfetto trace, the SVG): checked at
 * the start (pt_outfile_check), so that a path that cannot be written
 * fails before tracing and not after, opened only at the end (a run
 * killed meanwhile leaves nothing beside the path), written beside
 * (pt_outfile_open), and renamed over it only
 * once every byte is written and synced: a failed or interrupted run
 * leaves the previous file, if any, as it was. "-" (stdout) and a
 * character device are written straight. */
struct pt_whole_file {
	FILE *f;	       /* write here; NULL once committed or aborted */
	const char *path;      /* borrowed; NULL when not open */
	struct pt_outfile out; /* the file (beside its name) */
};
/* 0 or -errno, with err's line. */
int pt_whole_file_open(struct pt_whole_file *w, const char *path, char *err, size_t errlen);
/* Flush, sync, close and rename: 0 or -errno (ENOSPC, EIO...), after
 * which nothing is left under the temporary name. */
int pt_whole_file_commit(struct pt_whole_file *w);
/* Close and remove what was written; a no-op once committed, or on a
 * zeroed struct that was never opened. */
void pt_whole_file_abort(struct pt_whole_file *w);

/* ---- rotation (rotate.c) ---- */

#define PT_KEEP_DEFAULT 5
#define PT_KEEP_MAX 100000

/* --rotate SIZE: decimal bytes with an optional K, M or G (1024-based, either
 * case): "10M", "1G", "65536". 0 with *bytes set, -EINVAL (not such a size)
 * or -ERANGE (0, or above 1 TiB). */
int pt_parse_size(const char *s, __u64 *bytes);
/* In directory dirfd, name.(k-1) -> name.k, ..., name.1 -> name.2, then
 * name -> name.1. The chain that moves runs from name.1 up to the first
 * number missing, or up to keep (>= 1), whose old file the move replaces:
 * the oldest is deleted and at most keep numbered files are left. Files
 * past a gap or numbered above keep are left alone. On failure *failed
 * names the file that could not be renamed. */
int pt_rotate_shift(int dirfd, const char *name, unsigned keep, char *failed, size_t failedlen);

#endif
